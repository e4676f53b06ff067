//! Integration tests: the real binary and library on real .xlsx files.

mod batch;
mod checks;
mod cli;
mod fixture;
mod layers;
mod libreoffice;
mod messages;
mod output;
mod outset;
mod pipeline;
mod report_format;
mod robust;
mod seed;
mod template;
