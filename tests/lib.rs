//! Integration tests: the real binary and library on real .xlsx files.

mod fixture;
mod libreoffice;
mod pipeline;
mod report_format;
mod seed;
mod template;
