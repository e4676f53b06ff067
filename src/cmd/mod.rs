//! The commands: a parsed command line → checked [`Settings`] → the library → what the
//! terminal shows and the exit code (0 ok, 1 errors found, 2 could not finish).

mod check;
mod diff;
mod report;
mod template;

use crate::cli::{Cli, Command, Common};
use crate::error::{Error, Result};
use crate::finding::{Baseline, Finding, Seen, Severity};
use crate::settings::Settings;
use std::io::Write as _;
use std::path::Path;

/// Runs a parsed command line; returns the exit code (0 ok, 1 errors found, 2 could not finish).
pub fn run(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Check {
            inputs,
            format,
            baseline,
            common,
        } => settings(&common).and_then(|s| check::run(&inputs, format, baseline.as_deref(), &s)),
        Command::Report {
            inputs,
            out,
            date,
            doc_no,
            baseline,
            split,
            common,
        } => settings(&common).and_then(|s| {
            let options = report::Options {
                out,
                date,
                doc_no,
                baseline,
                split,
            };
            report::run(&inputs, &options, &s)
        }),
        Command::Template(args) => template::run(&args),
        Command::Diff {
            old,
            new,
            format,
            layout,
        } => diff::run(&old, &new, format, layout.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("shinchoku: {e}");
            2
        }
    }
}

/// The checked settings of the shared options.
fn settings(common: &Common) -> Result<Settings> {
    Ok(
        Settings::load(common.layout.as_deref(), common.rules.as_deref())?
            .with_year(common.year)
            .with_plan(common.plan.clone())
            .with_prefer_newer(common.prefer_newer),
    )
}

/// Writes `text` to stdout. A closed pipe (`shinchoku check … | head`) is not an error; any
/// other failure (a full disk behind `>`) is [`Error::Stdout`].
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Stdout(e)),
        _ => Ok(()),
    }
}

/// 1 when any finding is an error, else 0.
fn exit_code(findings: &[Finding]) -> u8 {
    u8::from(findings.iter().any(|f| f.severity() == Severity::Error))
}

/// The findings to show: without `--baseline` all of them; with it, every error and the
/// warnings and infos not already in the baseline, with the counts of new, resolved and
/// unresolved errors.
fn new_findings(findings: &[Finding], baseline: Option<&Path>) -> Result<Seen> {
    match baseline {
        Some(p) => Ok(Baseline::load(p)?.hide(findings.to_vec())),
        None => Ok(Seen {
            kept: findings.to_vec(),
            new: findings.len(),
            ..Seen::default()
        }),
    }
}

/// The resubmission rule, stated when `--prefer-newer` is in force: one line, then each
/// item whose newer copy was used (W227), both files and saved times in its message.
fn resubmission_lines(settings: &Settings, findings: &[Finding]) -> String {
    if !settings.prefer_newer {
        return String::new();
    }
    let used: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.code == crate::finding::Code::NewerCopyUsed)
        .collect();
    let mut text = format!(
        "同じ項目№で内容の違う入力は、保存日時の新しい方を使いました（--prefer-newer）: {} 件\n",
        used.len()
    );
    for f in used {
        text.push_str(&format!("  W227 {}\n", f.message));
    }
    text
}

/// The inputs as findings name them.
fn file_names(inputs: &[std::path::PathBuf]) -> Vec<String> {
    inputs.iter().map(|p| p.display().to_string()).collect()
}

/// Whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
