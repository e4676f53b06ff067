//! shinchoku（進捗）: read the office's progress-report workbooks, check every entry,
//! recalculate 実施効果 and the 達成率, and write the report workbook with a change log.
//!
//! The pipeline, one module per stage with the model in the middle (imports point down this
//! list only; `tests/layers.rs` checks it):
//! [`error`] → [`value`] → [`vocab`] → [`rules`] → [`model`] → [`finding`] → [`layout`] →
//! [`settings`] → [`guard`] → [`saved`] → [`history`] → [`reference`] → [`own`] → [`compare`] → [`read`] → [`batch`] → [`drift`] → [`calc`] →
//! [`check`] → [`correct`] → [`template`] → [`render`] → [`write`] → [`outset`] → [`cli`] →
//! [`cmd`] → [`dropin`].
//! [`process`] runs read → batch → calc → check → correct for the commands.

pub mod batch;
pub mod calc;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod compare;
pub mod correct;
pub mod drift;
pub mod dropin;
pub mod error;
pub mod finding;
pub mod guard;
pub mod history;
pub mod layout;
pub mod model;
pub mod outset;
pub mod own;
pub mod read;
pub mod reference;
pub mod render;
pub mod rules;
pub mod saved;
pub mod settings;
pub mod sheets;
pub mod template;
pub mod value;
pub mod vocab;
pub mod write;

pub use cmd::run;

use crate::correct::Correction;
use crate::error::{Error, Result};
use crate::finding::{Code, Finding};
use crate::history::HistoryRow;
use crate::model::{Report, Year};
use crate::settings::Settings;
use std::path::PathBuf;

/// Everything one run produced: the report as read and as corrected, what was found and what
/// was changed.
#[derive(Debug)]
pub struct Outcome {
    /// The report year used.
    pub year: Year,
    /// The report as read (merged over all inputs), recalculated; empty after
    /// [`process_in_place`], which corrects the report in place.
    pub input: Report,
    /// The corrected report to write (recalculated figures on each indicator).
    pub output: Report,
    /// All findings, sorted by file, sheet, row, column.
    pub findings: Vec<Finding>,
    /// All corrections, in report order.
    pub corrections: Vec<Correction>,
    /// The earlier rows of the 変更履歴 sheet found in the inputs.
    pub history: Vec<HistoryRow>,
    /// The reference each input carried (its file as given), passed on to its return workbook.
    pub references: Vec<(String, reference::Reference)>,
    /// The departments' cell comments, each with its input cell (for the return workbooks).
    pub comments: Vec<(model::CellRef, String)>,
}

/// An indicator as findings name it: file, item №, indicator.
type IndicatorKey = (String, Option<u32>, Option<String>);

fn indicator_key(f: &Finding) -> IndicatorKey {
    (f.at.file.clone(), f.at.item, f.at.indicator.clone())
}

/// The indicators with a value that cannot be read as a number (E105, W209).
fn unreadable_indicators(findings: &[Finding]) -> std::collections::HashSet<IndicatorKey> {
    findings
        .iter()
        .filter(|f| {
            matches!(
                f.code,
                Code::TextInActual | Code::TextInNumberCell | Code::NumberOutOfRange
            )
        })
        .filter(|f| f.at.indicator.is_some())
        .map(indicator_key)
        .collect()
}

/// `rows` with each row kept once, at its first place: the same earlier rows may come back in
/// several inputs. Equal rows are found by sorting their places, so no row is copied.
fn first_of_each(rows: Vec<HistoryRow>) -> Vec<HistoryRow> {
    let key = |i: usize| (rows[i].run, &rows[i].cells);
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_unstable_by(|&a, &b| key(a).cmp(&key(b)).then(a.cmp(&b)));
    let mut keep = vec![true; rows.len()];
    for pair in order.windows(2) {
        if rows[pair[0]] == rows[pair[1]] {
            keep[pair[1]] = false;
        }
    }
    (rows.into_iter().zip(keep))
        .filter_map(|(row, keep)| keep.then_some(row))
        .collect()
}

/// A correction of a derived figure (not of what a department typed).
fn is_derived_fix(f: &Finding) -> bool {
    matches!(f.code, Code::DerivedDiffers | Code::DerivedFilled)
}

/// Reads, merges, recalculates, checks and corrects the inputs.
///
/// # Errors
/// Any input that cannot be read, or an unknown or disagreeing report year.
pub fn process(inputs: &[PathBuf], settings: &Settings) -> Result<Outcome> {
    process_with(inputs, settings, true)
}

/// [`process`] correcting the report in place: [`Outcome::input`] is left empty, so only one
/// model is in memory (`report`).
///
/// # Errors
/// As [`process`].
pub fn process_in_place(inputs: &[PathBuf], settings: &Settings) -> Result<Outcome> {
    process_with(inputs, settings, false)
}

/// What the inputs hold, read one by one: each file's report, every finding of the reading,
/// the earlier 変更履歴 rows (each once) and the report year.
struct Inputs {
    reports: Vec<batch::Part>,
    findings: Vec<finding::Finding>,
    history: Vec<HistoryRow>,
    /// The reference each input carries (its file as given), for `drift`.
    references: Vec<(String, reference::Reference)>,
    comments: Vec<(model::CellRef, String)>,
    year: Year,
}

/// Reads every input (skipping Excel lock files, with a finding), checks that they are of one
/// report year and that `--year` agrees.
fn read_inputs(inputs: &[PathBuf], settings: &Settings) -> Result<Inputs> {
    let mut findings = Vec::new();
    let mut reports = Vec::new();
    let mut history: Vec<HistoryRow> = Vec::new();
    let mut comments = Vec::new();
    let mut header_year = None;
    let mut references = Vec::new();
    let mut years: Vec<(String, Year)> = Vec::new();
    let bar = batch::progress(inputs.len());
    for path in inputs {
        bar.set_message(path.display().to_string());
        bar.inc(1);
        if read::is_lock_file(path) {
            let at = finding::Location {
                file: path.display().to_string(),
                ..finding::Location::default()
            };
            findings.push(finding::Finding::new(Code::LockFileSkipped, at, None, &[]));
            continue;
        }
        let input = read::read_workbook(path, &settings.layout)?;
        findings.extend(input.findings);
        comments.extend(input.comments);
        if let Some((y, _, _)) = &input.header_year {
            years.push((input.file.clone(), *y));
        }
        if header_year.is_none() {
            header_year = input.header_year;
        }
        // The same earlier rows may come back in several inputs: keep each once.
        if !input.history.is_empty() {
            history.extend(input.history);
            history = first_of_each(history);
        }
        if let Some(r) = input.reference {
            references.push((input.file.clone(), r));
        }
        reports.push(batch::Part {
            file: input.file,
            report: input.report,
            saved: input.saved,
        });
    }
    bar.finish_and_clear();
    if years.iter().any(|(_, y)| *y != years[0].1) {
        let named: Vec<String> = years.iter().map(|(f, y)| format!("{f}（{y}）")).collect();
        return Err(Error::MixedYears(named.join("、")));
    }
    let year = match (settings.year, &header_year) {
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
    Ok(Inputs {
        reports,
        findings,
        history,
        references,
        comments,
        year,
    })
}

fn process_with(inputs: &[PathBuf], settings: &Settings, keep_input: bool) -> Result<Outcome> {
    let layout = &settings.layout;
    let Inputs {
        reports,
        mut findings,
        history,
        references,
        comments,
        year,
    } = read_inputs(inputs, settings)?;
    let merged = batch::merge(reports, settings.prefer_newer);
    // The reading findings of a copy left out by --prefer-newer no longer apply to the report.
    let dropped = |f: &Finding| {
        f.at.item
            .is_some_and(|n| merged.dropped.contains(&(f.at.file.clone(), n)))
    };
    findings.retain(|f| !dropped(f));
    findings.extend(merged.findings);
    let mut input = merged.report;
    let plan = match &settings.plan {
        Some(path) => Some(read::read_workbook(path, layout)?),
        None => None,
    };
    batch::into_layout_sheets(&mut input, layout, plan.as_ref().map(|p| &p.report));
    if let Some(plan_input) = &plan {
        findings.extend(batch::missing_from_plan(
            &plan_input.report,
            &plan_input.file,
            &input,
        ));
    }
    let planned = plan.as_ref().map(|p| (&p.report, p.file.as_str()));
    findings.extend(drift::compare(planned, &references, &input, year));
    findings.extend(calc::recalculate(&mut input, &settings.rules, year));
    findings.extend(check::check(
        &input,
        year,
        &layout.lists.status,
        settings.rules.source(),
    ));
    let mut output = if keep_input {
        input.clone()
    } else {
        std::mem::take(&mut input)
    };
    let corrections = correct::correct(&mut output);
    let unreadable = unreadable_indicators(&findings);
    let repeated = correct::repeated_formulas(&corrections);
    // One finding per root cause: the derived figures of an indicator with an unreadable value
    // are recalculated (to "-") and logged in changes.csv, without findings of their own.
    findings.extend(
        corrections
            .iter()
            .enumerate()
            .filter(|(i, _)| !repeated.contains(i))
            .map(|(_, c)| &c.finding)
            .filter(|f| !(is_derived_fix(f) && unreadable.contains(&indicator_key(f))))
            .cloned(),
    );
    finding::sort(&mut findings);
    Ok(Outcome {
        year,
        input,
        output,
        findings,
        corrections,
        history,
        references,
        comments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_rows_are_kept_once_at_their_first_place() {
        let row = |run: u32, cell: &str| HistoryRow {
            run,
            cells: std::array::from_fn(|i| {
                if i == 0 {
                    cell.to_string()
                } else {
                    String::new()
                }
            }),
        };
        let rows = vec![
            row(2, "b"),
            row(1, "a"),
            row(2, "b"),
            row(1, "c"),
            row(1, "a"),
        ];
        assert_eq!(
            first_of_each(rows),
            vec![row(2, "b"), row(1, "a"), row(1, "c")]
        );
    }
}
