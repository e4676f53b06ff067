//! Integration tests: the real binary and library on real .xlsx files.

mod batch;
mod checks;
mod cli;
mod drift;
mod extra_columns;
mod fixture;
mod layers;
mod layout_prop;
mod layouts;
mod libreoffice;
mod messages;
mod office;
mod output;
mod outset;
mod pipeline;
mod reader;
mod report_format;
mod returns;
mod robust;
mod seed;
mod template;
