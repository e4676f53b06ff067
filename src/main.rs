//! The `shinchoku` binary: parse arguments, run the library, exit with its code.

use shinchoku::cli::Invocation;
use std::process::ExitCode;

fn main() -> ExitCode {
    let code = match shinchoku::cli::parse(std::env::args_os()) {
        Invocation::Run(cli) => shinchoku::run(cli),
        Invocation::DropIn(paths) => shinchoku::dropin::run(&paths),
        Invocation::Exit(code) => code,
    };
    ExitCode::from(code)
}
