//! `shinchoku report`: the report workbook, `changes.csv` and `findings.json` in a folder,
//! and a summary on the terminal.

use super::{exit_code, new_findings, print};
use crate::error::Result;
use crate::outset::{self, OutputSet};
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
    // Everything the run reads is protected from the set's move aside.
    let reads: Vec<&Path> = inputs
        .iter()
        .map(PathBuf::as_path)
        .chain(settings.reads())
        .chain(options.baseline.as_deref())
        .collect();
    let mut set = OutputSet::begin(out, &reads)?;
    let items = outcome.output.items().count();
    let indicators = outcome.output.indicators().count();
    // The report is handed over: each sheet is freed once written.
    let xlsx = write::report_workbook(
        outcome.output,
        &settings.layout,
        outcome.year,
        &write_options,
        &outcome.corrections,
        &out.join(outset::REPORT),
    )?;
    set.write(outset::REPORT, &xlsx)?;
    drop(xlsx);
    set.write(outset::CHANGES, &render::changes_csv(&outcome.corrections))?;
    set.write(
        outset::FINDINGS,
        render::findings_json(&outcome.findings).as_bytes(),
    )?;
    if options.split {
        for (input, name) in inputs.iter().zip(batch::split_names(inputs)) {
            let mine = correct::of_file(&input.display().to_string(), &outcome.corrections);
            set.write(&name, &render::changes_csv(&mine))?;
        }
    }
    let done = set.commit()?;
    let mut text = format!(
        "{}年度: {items} 項目・{indicators} 指標を再計算しました。修正 {} 件、エラー {e} 件、警告 {w} 件、情報 {i} 件。\n",
        outcome.year,
        outcome.corrections.len()
    );
    text.push_str(&format!("表紙の日付: {date}（--date で変えられます）\n"));
    if options.baseline.is_some() {
        text.push_str(&format!("（--baseline にある既出の {hidden} 件は数えていません。findings.json にはすべて記録しています）\n"));
    }
    for t in &done.written {
        text.push_str(&format!("  {}\n", t.display()));
    }
    if let Some(backup) = &done.backup {
        text.push_str(&format!(
            "  以前の出力は {} に移しました\n",
            backup.display()
        ));
    }
    print(&text)?;
    Ok(exit_code(&outcome.findings))
}
