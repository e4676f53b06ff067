//! shinchoku（進捗）: read the office's progress-report workbooks, check every entry,
//! recalculate 実施効果 and the 達成率, and write the report workbook with a change log.
//!
//! The pipeline, one module per stage with the model in the middle:
//! [`read`] → [`batch`] (merge) → [`model`] → [`calc`] → [`check`] / [`changelog`] → [`write`].

/// Writes to stdout, ignoring a closed pipe (`shinchoku check … | head` must not panic).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout().lock(), $($arg)*);
    }};
}

/// [`out!`] with a line break.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

pub mod batch;
pub mod calc;
pub mod changelog;
pub mod check;
pub mod cli;
pub mod error;
pub mod finding;
pub mod guard;
pub mod layout;
pub mod model;
pub mod own;
pub mod read;
pub mod rules;
pub mod template;
pub mod value;
pub mod write;

use crate::calc::Calculation;
use crate::changelog::{Change, HistoryRow};
use crate::cli::{Cli, Command, Common, Format};
use crate::error::{Error, Result};
use crate::finding::{Finding, Severity};
use crate::layout::Layout;
use crate::model::{Report, Year};
use crate::rules::Rules;
use std::path::{Path, PathBuf};

/// Everything one run produced: the corrected report and what was found and changed.
#[derive(Debug)]
pub struct Outcome {
    /// The report year used.
    pub year: Year,
    /// The report as read (merged over all inputs); empty after `report`, which corrects the
    /// report in place.
    pub input: Report,
    /// The corrected report to write.
    pub output: Report,
    /// The recalculated figures.
    pub calc: Calculation,
    /// All findings, sorted by file, sheet, row, column.
    pub findings: Vec<Finding>,
    /// All corrections, in report order.
    pub changes: Vec<Change>,
    /// The layout in force.
    pub layout: Layout,
    /// The earlier rows of the 変更履歴 sheet found in the inputs.
    pub history: Vec<HistoryRow>,
}

/// Reads, merges, recalculates, checks and corrects the inputs.
///
/// # Errors
/// Any input that cannot be read, a broken settings file, or an unknown report year.
pub fn process(inputs: &[PathBuf], common: &Common) -> Result<Outcome> {
    process_with(inputs, common, true)
}

/// [`process`]; without `keep_input` the report is corrected in place and
/// [`Outcome::input`] is left empty, so only one model is in memory (`report`).
fn process_with(inputs: &[PathBuf], common: &Common, keep_input: bool) -> Result<Outcome> {
    let layout = match &common.layout {
        Some(p) => Layout::load(p)?,
        None => Layout::builtin(),
    };
    let rules = match &common.rules {
        Some(p) => Rules::load(p)?,
        None => Rules::builtin(),
    };
    let mut findings = Vec::new();
    let mut reports = Vec::new();
    let mut history: Vec<HistoryRow> = Vec::new();
    let mut seen_history = std::collections::HashSet::new();
    let mut header_year = None;
    let bar = batch::progress(inputs.len());
    for path in inputs {
        bar.set_message(path.display().to_string());
        let input = read::read_workbook(path, &layout)?;
        findings.extend(input.findings);
        if header_year.is_none() {
            header_year = input.header_year;
        }
        // The same earlier rows may come back in several inputs: keep each once.
        for row in input.history {
            if seen_history.insert(row.clone()) {
                history.push(row);
            }
        }
        reports.push((input.file, input.report));
        bar.inc(1);
    }
    bar.finish_and_clear();
    let year = match (common.year, &header_year) {
        (Some(given), Some((y, text, at))) if given != *y => {
            return Err(Error::YearMismatch {
                given: given.to_string(),
                header: text.replace('\n', " "),
                at: format!("{} {}!{}", at.file, at.sheet, at.a1()),
            })
        }
        (Some(given), _) => given,
        (None, Some((y, _, _))) => *y,
        (None, None) => return Err(Error::NoYear(inputs[0].clone())),
    };
    let (mut input, merge_findings) = batch::merge(reports);
    findings.extend(merge_findings);
    if let Some(plan) = &common.plan {
        let plan_input = read::read_workbook(plan, &layout)?;
        findings.extend(batch::missing_from_plan(
            &plan_input.report,
            &plan_input.file,
            &input,
        ));
    }
    let calc = calc::recalculate(&input, &rules, year);
    findings.extend(check::check(&input, &calc, year));
    let mut output = if keep_input {
        input.clone()
    } else {
        std::mem::take(&mut input)
    };
    let changes = changelog::correct(&mut output, &calc);
    findings.extend(changes.iter().map(Change::to_finding));
    finding::sort(&mut findings);
    Ok(Outcome {
        year,
        input,
        output,
        calc,
        findings,
        changes,
        layout,
        history,
    })
}

/// Runs a parsed command line; returns the exit code (0 ok, 1 errors found, 2 could not finish).
pub fn run(cli: Cli) -> u8 {
    let result = match cli.command {
        Command::Check {
            inputs,
            format,
            baseline,
            common,
        } => run_check(&inputs, format, baseline.as_deref(), &common),
        Command::Report {
            inputs,
            out,
            date,
            doc_no,
            baseline,
            split,
            common,
        } => {
            let options = write::WriteOptions {
                date,
                doc_no,
                ..write::WriteOptions::default()
            };
            run_report(&inputs, &out, options, baseline.as_deref(), split, &common)
        }
        Command::Template(args) => run_template(&args),
        Command::Diff {
            old,
            new,
            format,
            layout,
        } => run_diff(&old, &new, format, layout.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("shinchoku: {e}");
            2
        }
    }
}

fn run_template(args: &cli::TemplateArgs) -> Result<u8> {
    let (report, calc, layout, year) = match &args.from {
        Some(from) => {
            if same_file(from, &args.out) {
                return Err(Error::WouldOverwriteInput(args.out.clone()));
            }
            let common = Common {
                rules: args.rules.clone(),
                layout: args.layout.clone(),
                ..Common::default()
            };
            let outcome = process(std::slice::from_ref(from), &common)?;
            let year = match args.year {
                Some(y) => y,
                None => Year::new(outcome.year.number() + 1)
                    .ok_or_else(|| Error::NoNextYear(from.clone()))?,
            };
            let (report, calc) = template::next_cycle(&outcome.output, &outcome.calc, year);
            (report, calc, outcome.layout, year)
        }
        None => {
            let layout = match &args.layout {
                Some(p) => Layout::load(p)?,
                None => Layout::builtin(),
            };
            let year = args.year.unwrap_or(Year::ALL[0]);
            let (report, calc) = template::blank(&layout, year);
            (report, calc, layout, year)
        }
    };
    let xlsx = write::template_workbook(&report, &calc, &layout, year, &args.out)?;
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::Write {
            path: dir.to_path_buf(),
            detail: e.to_string(),
        })?;
    }
    write::write_atomic(&args.out, &xlsx)?;
    outln!(
        "{year}年度の記入用ブック（{} 項目）を書き出しました: {}",
        report.items().count(),
        args.out.display()
    );
    Ok(0)
}

fn exit_code(findings: &[Finding]) -> u8 {
    u8::from(findings.iter().any(|f| f.severity() == Severity::Error))
}

/// The findings not already in the `--baseline` file (all of them without one), and how many
/// were hidden.
fn new_findings(findings: &[Finding], baseline: Option<&Path>) -> Result<(Vec<Finding>, usize)> {
    match baseline {
        Some(p) => Ok(finding::Baseline::load(p)?.hide(findings.to_vec())),
        None => Ok((findings.to_vec(), 0)),
    }
}

fn run_check(
    inputs: &[PathBuf],
    format: Format,
    baseline: Option<&Path>,
    common: &Common,
) -> Result<u8> {
    let outcome = process(inputs, common)?;
    let (shown, hidden) = new_findings(&outcome.findings, baseline)?;
    match format {
        Format::Json => outln!("{}", finding::to_json(&shown)),
        Format::Text => {
            let names = outcome
                .output
                .items()
                .filter_map(|(_, item)| {
                    Some((item.number()?, item.name.as_str().replace('\n', " ")))
                })
                .collect();
            out!("{}", render_text(&shown, &names));
            if baseline.is_some() {
                outln!("（--baseline にある既出の {hidden} 件は表示していません）");
            }
        }
    }
    Ok(exit_code(&shown))
}

/// Findings as terminal text: grouped by file and sheet, then by item № (with its name from
/// `names`), one line per finding (code, severity, cell, indicator, message), then a count by
/// severity.
pub fn render_text(findings: &[Finding], names: &std::collections::HashMap<u32, String>) -> String {
    let mut out = String::new();
    let mut group: Option<(String, Option<String>)> = None;
    let mut item_group: Option<Option<u32>> = None;
    for f in findings {
        let key = (f.at.file.clone(), f.at.sheet.clone());
        if group.as_ref() != Some(&key) {
            out.push_str(&format!(
                "{}{}\n",
                key.0,
                key.1
                    .as_deref()
                    .map(|s| format!(" [{s}]"))
                    .unwrap_or_default()
            ));
            group = Some(key);
            item_group = None;
        }
        if item_group != Some(f.at.item) {
            if let Some(n) = f.at.item {
                match names.get(&n) {
                    Some(name) => out.push_str(&format!("  №{n} {name}\n")),
                    None => out.push_str(&format!("  №{n}\n")),
                }
            }
            item_group = Some(f.at.item);
        }
        let indent = if f.at.item.is_some() { "    " } else { "  " };
        let cell = f.at.a1().unwrap_or_else(|| "-".into());
        let ind =
            f.at.indicator
                .as_deref()
                .map(|s| format!(" {}", s.replace('\n', " ")))
                .unwrap_or_default();
        out.push_str(&format!(
            "{indent}{} {} {}{}: {}\n",
            f.code.as_str(),
            f.severity().label(),
            cell,
            ind,
            f.message
        ));
    }
    let (e, w, i) = finding::counts(findings);
    out.push_str(&format!("エラー {e} 件、警告 {w} 件、情報 {i} 件\n"));
    out
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn run_diff(old: &Path, new: &Path, format: Format, layout: Option<&Path>) -> Result<u8> {
    let layout = match layout {
        Some(p) => Layout::load(p)?,
        None => Layout::builtin(),
    };
    let before = read::read_workbook(old, &layout)?;
    let after = read::read_workbook(new, &layout)?;
    let diffs = changelog::compare_reports(&before.report, &after.report);
    match format {
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&diffs).expect("differences serialise")
        ),
        Format::Text => out!("{}", changelog::render_differences(&diffs)),
    }
    Ok(u8::from(!diffs.is_empty()))
}

fn run_report(
    inputs: &[PathBuf],
    out: &Path,
    mut options: write::WriteOptions,
    baseline: Option<&Path>,
    split: bool,
    common: &Common,
) -> Result<u8> {
    // The report as read is not written: correct it in place, one model in memory.
    let outcome = process_with(inputs, common, false)?;
    let (shown, hidden) = new_findings(&outcome.findings, baseline)?;
    let (e, w, i) = finding::counts(&shown);
    drop(shown);
    options.history = changelog::history(&outcome.history, &outcome.changes);
    let mut targets = vec![
        out.join("report.xlsx"),
        out.join("changes.csv"),
        out.join("findings.json"),
    ];
    if split {
        targets.extend(batch::split_names(inputs).iter().map(|n| out.join(n)));
    }
    for t in &targets {
        if inputs.iter().any(|i| same_file(i, t)) {
            return Err(Error::WouldOverwriteInput(t.clone()));
        }
    }
    let items = outcome.output.items().count();
    let indicators: usize = outcome
        .output
        .items()
        .map(|(_, i)| i.indicators.len())
        .sum();
    // The report is handed over: each sheet is freed once written.
    let xlsx = write::report_workbook(
        outcome.output,
        &outcome.calc,
        &outcome.layout,
        outcome.year,
        &options,
        &outcome.changes,
        &targets[0],
    )?;
    std::fs::create_dir_all(out).map_err(|e| Error::Write {
        path: out.to_path_buf(),
        detail: e.to_string(),
    })?;
    write::write_atomic(&targets[0], &xlsx)?;
    write::write_atomic(&targets[1], &changelog::to_csv(&outcome.changes))?;
    write::write_atomic(&targets[2], finding::to_json(&outcome.findings).as_bytes())?;
    for (input, target) in inputs.iter().zip(targets.iter().skip(3)) {
        let mine = batch::changes_of(&input.display().to_string(), &outcome.changes);
        write::write_atomic(target, &changelog::to_csv(&mine))?;
    }
    outln!(
        "{}年度: {items} 項目・{indicators} 指標を再計算しました。修正 {} 件、エラー {e} 件、警告 {w} 件、情報 {i} 件。",
        outcome.year,
        outcome.changes.len()
    );
    if baseline.is_some() {
        outln!("（--baseline にある既出の {hidden} 件は数えていません。findings.json にはすべて記録しています）");
    }
    for t in &targets {
        outln!("  {}", t.display());
    }
    Ok(exit_code(&outcome.findings))
}
