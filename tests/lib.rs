//! Integration tests: the real binary and library on real .xlsx files.

mod batch;
mod checks;
mod fixture;
mod layout_prop;
mod layouts;
mod libreoffice;
mod output;
mod pipeline;
mod reader;
mod report_format;
mod robust;
mod seed;
mod template;
