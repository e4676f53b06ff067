//! `shinchoku report`: the report workbook, the review workbook (確認結果.xlsx), `changes.csv`
//! and `findings.json` in a folder, and a summary on the terminal: a status line per input
//! file, the counts, and the errors themselves.

use super::{exit_code, file_names, new_findings, print, resubmission_lines};
use crate::correct::Correction;
use crate::error::Result;
use crate::finding::{Finding, Severity};
use crate::outset::{self, OutputSet};
use crate::settings::Settings;
use crate::{batch, correct, finding, render, write};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The options of `report` besides the inputs and settings.
pub(super) struct Options {
    /// The output folder.
    pub out: PathBuf,
    /// `--date`.
    pub date: Option<String>,
    /// `--doc-no`.
    pub doc_no: Option<String>,
    /// `--baseline`.
    pub baseline: Option<PathBuf>,
    /// `--split`: an alias kept for old command lines; the return workbooks, written on every
    /// run, replace its per-input change logs. The summary says so.
    pub split: bool,
}

/// Writes the outputs and prints the summary; exit 1 when a finding is an error. Called once
/// per process (its large structures are not freed, see the end).
pub(super) fn run(inputs: &[PathBuf], options: &Options, settings: &Settings) -> Result<u8> {
    let out = options.out.as_path();
    // The report as read is not written: correct it in place, one model in memory.
    let mut outcome = crate::process_in_place(inputs, settings)?;
    // Without a baseline every finding is shown: no copy of them.
    let seen = (options.baseline.as_deref())
        .map(|b| new_findings(&outcome.findings, Some(b)))
        .transpose()?;
    let kept: &[Finding] = seen.as_ref().map_or(&outcome.findings, |s| &s.kept);
    let statuses = render::file_statuses(
        &file_names(inputs),
        &outcome.output,
        kept,
        &outcome.corrections,
    );
    let tally = render::tally(&outcome.output);
    // The earlier runs' rows are moved, not copied; changes.csv shares this run's rows' texts.
    let earlier = outcome.history.len();
    let history = correct::history(std::mem::take(&mut outcome.history), &outcome.corrections);
    // The top-right date: --date, the layout's, else the one that follows the report year.
    let date = options
        .date
        .clone()
        .or_else(|| settings.layout.print.date.clone())
        .unwrap_or_else(|| crate::layout::report_date(outcome.year.number()));
    let write_options = write::WriteOptions {
        date: Some(date.clone()),
        doc_no: options.doc_no.clone(),
        history,
    };
    // Everything the run reads is protected from the set's move aside.
    let reads: Vec<&Path> = (inputs.iter().map(PathBuf::as_path))
        .chain(settings.reads())
        .chain(options.baseline.as_deref())
        .collect();
    let mut set = OutputSet::begin(out, &reads)?;
    let items = outcome.output.items().count();
    let indicators = outcome.output.indicators().count();
    let writing = Writing {
        inputs,
        settings,
        options: &write_options,
        out,
        returns: set.folder(outset::RETURNS)?,
    };
    let workbooks = fill_on_two_cores(&mut set, &outcome, &writing, earlier)?;
    // The model is freed before any workbook is saved: a save needs the most memory.
    drop(outcome.output);
    let review = write::Review {
        findings: &outcome.findings,
        statuses: &statuses,
        tally: &tally,
        history: &write_options.history,
        report_name: outset::REPORT,
        out_dir: out,
    };
    save_on_two_cores(&mut set, workbooks, review, &settings.layout)?;
    let done = set.commit()?;
    let mut text = format!(
        "{}年度: {items} 項目・{indicators} 指標を再計算しました。\n",
        outcome.year
    );
    for st in &statuses {
        text.push_str(&format!("  {}\n", st.line(true)));
    }
    text.push_str(&summary(kept, &outcome.corrections));
    text.push_str(&resubmission_lines(settings, &outcome.findings));
    if let Some(seen) = &seen {
        text.push_str(&format!("{}\n", seen.line()));
    }
    text.push_str(&errors(kept));
    text.push_str(&format!("表紙の日付: {date}（--date で変えられます）\n"));
    text.push_str(&written(&done));
    if options.split {
        text.push_str(SPLIT_ALIAS);
    }
    print(&text)?;
    // Errors are never hidden by a baseline: the exit code agrees with the counts printed.
    let code = exit_code(kept);
    // `report` is the last thing its process does (the binary's command or a drop): the
    // findings, corrections and 変更履歴 rows, tens of thousands of small allocations, are
    // left to the operating system at exit instead of freed one by one.
    std::mem::forget((
        outcome.findings,
        outcome.corrections,
        outcome.comments,
        outcome.references,
        write_options,
        statuses,
        seen,
    ));
    Ok(code)
}

/// What filling the workbooks reads besides the outcome.
struct Writing<'a> {
    inputs: &'a [PathBuf],
    settings: &'a Settings,
    options: &'a write::WriteOptions,
    /// The output folder.
    out: &'a Path,
    /// The folder of the return workbooks (in the set being written).
    returns: PathBuf,
}

/// The workbooks filled but not saved.
struct Workbooks {
    /// One return workbook per input, with its path.
    returns: Vec<(PathBuf, write::Filled)>,
    report: write::Filled,
    /// Where the findings' cells went in the report, for the review workbook's links.
    placed: write::Placed,
}

/// Fills the workbooks on two cores: the return workbooks on one, the report workbook on the
/// other, which then writes changes.csv (from this run's 変更履歴 rows, those after `earlier`)
/// and findings.json. Each output is written to the set as soon as it is made.
fn fill_on_two_cores(
    set: &mut OutputSet,
    outcome: &crate::Outcome,
    w: &Writing<'_>,
    earlier: usize,
) -> Result<Workbooks> {
    std::thread::scope(|scope| {
        let returns = scope.spawn(|| fill_returns(&w.returns, w.inputs, outcome, w.settings));
        let report = (|| {
            let report = write::report_workbook_placed(
                &outcome.output,
                &w.settings.layout,
                outcome.year,
                w.options,
                &w.out.join(outset::REPORT),
                &outcome.findings,
            )?;
            let this_run = &w.options.history[earlier..];
            set.write(outset::CHANGES, &render::changes_csv(this_run))?;
            let findings = render::findings_json(&outcome.findings);
            set.write(outset::FINDINGS, findings.as_bytes())?;
            Ok(report)
        })();
        let returns = joined(returns)?;
        let (report, placed) = report?;
        Ok(Workbooks {
            returns,
            report,
            placed,
        })
    })
}

/// Saves the workbooks on two cores: one builds the review workbook (its links need the
/// report's cells) while the other saves the return workbooks, then the report. The return
/// workbooks go first: theirs is the largest save (rust_xlsxwriter copies every note), and
/// this thread's heap was just freed by the model.
fn save_on_two_cores(
    set: &mut OutputSet,
    workbooks: Workbooks,
    review: write::Review<'_>,
    layout: &crate::layout::Layout,
) -> Result<()> {
    let Workbooks {
        returns,
        report,
        placed,
    } = workbooks;
    let review_name = review.out_dir.join(outset::REVIEW);
    std::thread::scope(|scope| {
        // `placed` moves to the thread that reads it.
        let review =
            scope.spawn(move || write::review_workbook(&review, &placed, layout, &review_name));
        let saved = (|| {
            for (path, filled) in returns {
                write::write_atomic(&path, &filled.save()?)?;
            }
            set.write(outset::REPORT, &report.save()?)
        })();
        let review = joined(review);
        saved.and_then(|()| set.write(outset::REVIEW, &review?))
    })
}

/// The result of a scoped thread; its panic goes on in this thread.
fn joined<T>(thread: std::thread::ScopedJoinHandle<'_, T>) -> T {
    thread
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The 出力 line (every file written) and, when an earlier set was kept aside, where it went.
fn written(done: &outset::Committed) -> String {
    // In the order a clerk looks at them, whichever core wrote one first.
    let order = [
        outset::RETURNS,
        outset::REPORT,
        outset::REVIEW,
        outset::CHANGES,
        outset::FINDINGS,
    ];
    let mut written: Vec<&PathBuf> = done.written.iter().collect();
    written.sort_by_key(|p| order.iter().position(|n| p.ends_with(n)));
    let shown: Vec<String> = written.iter().map(|t| t.display().to_string()).collect();
    let mut text = format!("  出力: {}\n", shown.join(", "));
    if let Some(backup) = &done.backup {
        text.push_str(&format!(
            "  以前の出力は {} に移しました\n",
            backup.display()
        ));
    }
    text
}

/// One return workbook per input, to be saved in `folder` (返却/): its items, findings and corrections.
fn fill_returns(
    folder: &Path,
    inputs: &[PathBuf],
    outcome: &crate::Outcome,
    settings: &Settings,
) -> Result<Vec<(PathBuf, write::Filled)>> {
    let mut filled = Vec::new();
    for (input, name) in inputs.iter().zip(batch::return_names(inputs)) {
        let file = input.display().to_string();
        let report = batch::of_file(&outcome.output, &file);
        let findings = mine(&outcome.findings, |f| f.at.file == file);
        let corrections = mine(&outcome.corrections, |c| c.at().file == file);
        let comments = mine(&outcome.comments, |(at, _)| *at.file == *file);
        let ret = write::Return {
            report: &report,
            findings: &findings,
            corrections: &corrections,
            reference: outcome
                .references
                .iter()
                .find(|(f, _)| *f == file)
                .map(|(_, r)| r),
            comments: &comments,
        };
        let path = folder.join(&name);
        let workbook = write::return_workbook(&ret, &settings.layout, outcome.year, &path)?;
        filled.push((path, workbook));
    }
    Ok(filled)
}

/// The entries of `all` that `is_mine`; all of them (a run on one input) borrowed, not copied.
fn mine<T: Clone>(all: &[T], is_mine: impl Fn(&T) -> bool) -> Cow<'_, [T]> {
    if all.iter().all(&is_mine) {
        return Cow::Borrowed(all);
    }
    Cow::Owned(all.iter().filter(|t| is_mine(t)).cloned().collect())
}

/// 「エラー 1 件（要修正）、警告 3 件、情報 2 件、修正 18 件（入力値の修正 2 件・空欄の補完 16 件）」
fn summary(shown: &[Finding], corrections: &[Correction]) -> String {
    let (e, w, i) = finding::counts(shown);
    let fills = render::fills(corrections);
    let needs = if e > 0 { "（要修正）" } else { "" };
    format!(
        "エラー {e} 件{needs}、警告 {w} 件、情報 {i} 件、修正 {} 件（入力値の修正 {} 件・空欄の補完 {fills} 件）\n",
        corrections.len(),
        corrections.len() - fills
    )
}

/// The errors, one line each (the first [`ERRORS_LISTED`]; the rest are in the review workbook).
fn errors(shown: &[Finding]) -> String {
    let errors: Vec<&Finding> = shown
        .iter()
        .filter(|f| f.severity() == Severity::Error)
        .collect();
    let mut text = String::new();
    for f in errors.iter().take(ERRORS_LISTED) {
        let file = std::path::Path::new(&f.at.file)
            .file_name()
            .map_or_else(|| f.at.file.clone(), |n| n.to_string_lossy().into_owned());
        let place = match (&f.at.sheet, f.at.a1()) {
            (Some(s), Some(c)) => format!(" {s}!{c}"),
            _ => String::new(),
        };
        let item = f.at.item.map(|n| format!(" №{n}")).unwrap_or_default();
        let ind =
            f.at.indicator
                .as_deref()
                .map(|s| format!(" {}", s.replace('\n', " ")))
                .unwrap_or_default();
        text.push_str(&format!(
            "  エラー {}: {file}{place}{item}{ind} {}\n",
            f.code.as_str(),
            f.message
        ));
    }
    if errors.len() > ERRORS_LISTED {
        text.push_str(&format!(
            "  ほか {} 件のエラーは {} の指摘一覧にあります\n",
            errors.len() - ERRORS_LISTED,
            outset::REVIEW
        ));
    }
    text
}

/// What `--split` prints: its per-input change logs are replaced by the return workbooks.
const SPLIT_ALIAS: &str = "  --split は互換のための別名です。課ごとの結果は 返却/ の確認ブックにあります（changes-<入力名>.csv は書き出しません）\n";

/// How many errors the summary lists one by one.
const ERRORS_LISTED: usize = 20;
