//! Integration tests: the real binary and library on real .xlsx files.

mod batch;
mod fixture;
mod pipeline;
mod seed;
