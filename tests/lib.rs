//! Integration tests: the real binary and library on real .xlsx files.

mod batch;
mod checks;
mod fixture;
mod layers;
mod libreoffice;
mod messages;
mod office;
mod output;
mod pipeline;
mod report_format;
mod robust;
mod seed;
mod template;
