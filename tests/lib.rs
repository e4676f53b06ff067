//! Integration tests: the real binary and library on real .xlsx files.

mod checks;
mod fixture;
mod output;
mod pipeline;
mod robust;
mod seed;
