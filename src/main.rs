//! The `shinchoku` binary: files dropped on it run `report` into a new folder; otherwise parse
//! the command line, run the library, exit with its code.

use shinchoku::cli::Invocation;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let code = match shinchoku::dropin::paths_given(args.get(1..).unwrap_or_default()) {
        Some(paths) => shinchoku::dropin::run(&paths),
        None => match shinchoku::cli::parse(args) {
            Invocation::Run(cli) => shinchoku::run(*cli),
            Invocation::Exit(code) => code,
        },
    };
    ExitCode::from(code)
}
