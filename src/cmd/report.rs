//! `shinchoku report`: the report workbook, `changes.csv` and `findings.json` in a folder,
//! and a summary on the terminal.

use super::{exit_code, new_findings, print, same_file};
use crate::error::{Error, Result};
use crate::settings::Settings;
use crate::{batch, correct, finding, render, write};
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
    /// `--split`: a change log per input.
    pub split: bool,
}

/// Writes the outputs and prints the summary; exit 1 when a finding is an error.
pub(super) fn run(inputs: &[PathBuf], options: &Options, settings: &Settings) -> Result<u8> {
    let out = options.out.as_path();
    // The report as read is not written: correct it in place, one model in memory.
    let outcome = crate::process_in_place(inputs, settings)?;
    let (shown, hidden) = new_findings(&outcome.findings, options.baseline.as_deref())?;
    let (e, w, i) = finding::counts(&shown);
    drop(shown);
    let date = options
        .date
        .clone()
        .or_else(|| settings.layout.print.date.clone())
        .unwrap_or_else(|| crate::layout::report_date(outcome.year.number()));
    let write_options = write::WriteOptions {
        date: Some(date.clone()),
        doc_no: options.doc_no.clone(),
        history: correct::history(&outcome.history, &outcome.corrections),
    };
    let targets = targets(inputs, out, options.split);
    for t in &targets {
        if inputs.iter().any(|i| same_file(i, t)) {
            return Err(Error::WouldOverwriteInput(t.clone()));
        }
    }
    let items = outcome.output.items().count();
    let indicators = outcome.output.indicators().count();
    // The report is handed over: each sheet is freed once written.
    let xlsx = write::report_workbook(
        outcome.output,
        &settings.layout,
        outcome.year,
        &write_options,
        &outcome.corrections,
        &targets[0],
    )?;
    std::fs::create_dir_all(out).map_err(|e| Error::write(out, e))?;
    write::write_atomic(&targets[0], &xlsx)?;
    write::write_atomic(&targets[1], &render::changes_csv(&outcome.corrections))?;
    write::write_atomic(
        &targets[2],
        render::findings_json(&outcome.findings).as_bytes(),
    )?;
    for (input, target) in inputs.iter().zip(targets.iter().skip(3)) {
        let mine = correct::of_file(&input.display().to_string(), &outcome.corrections);
        write::write_atomic(target, &render::changes_csv(&mine))?;
    }
    let mut text = format!(
        "{}年度: {items} 項目・{indicators} 指標を再計算しました。修正 {} 件、エラー {e} 件、警告 {w} 件、情報 {i} 件。\n",
        outcome.year,
        outcome.corrections.len()
    );
    text.push_str(&format!("表紙の日付: {date}（--date で変えられます）\n"));
    if options.baseline.is_some() {
        text.push_str(&format!("（--baseline にある既出の {hidden} 件は数えていません。findings.json にはすべて記録しています）\n"));
    }
    for t in &targets {
        text.push_str(&format!("  {}\n", t.display()));
    }
    print(&text)?;
    Ok(exit_code(&outcome.findings))
}

/// The files written: report.xlsx, changes.csv, findings.json, then with `split` one change
/// log per input.
fn targets(inputs: &[PathBuf], out: &Path, split: bool) -> Vec<PathBuf> {
    let mut targets = vec![
        out.join("report.xlsx"),
        out.join("changes.csv"),
        out.join("findings.json"),
    ];
    if split {
        targets.extend(batch::split_names(inputs).iter().map(|n| out.join(n)));
    }
    targets
}
