//! Writing: the corrected, recalculated [`Report`] (+ the [`Layout`] and the
//! [`Correction`]s) → the report workbook as published (SPEC §2, §6): layout with merges,
//! borders, the Japanese font and the △ formats; derived cells as live formulas whose cached
//! results are our decimals; 評価/達成状況 lists; A3 landscape print setup; the 変更履歴 as a
//! veryHidden sheet; no review annotations. The review workbook for the office ([`review`]:
//! findings linked to their cells, submission status, 集計, 変更履歴). Also the department
//! workbook (`template`: same layout, inputs unlocked, sheets protected) and [`write_atomic`]
//! for every output file. The only module that builds workbooks with rust_xlsxwriter.

mod formats;
mod heights;
mod history;
mod lists;
mod marks;
mod page_numbers;
mod pages;
mod placed;
mod reference;
mod returns;
mod review;
mod rows;
mod sheet;

pub use heights::{display_units, wrapped_lines};
pub use placed::Placed;
pub use returns::{return_workbook, Return, RETURN_FINDINGS_SHEET};
pub use review::{Review, REVIEW_FILE};

use crate::error::{Error, Result};
use crate::finding::Finding;
use crate::history::HistoryRow;
use crate::layout::Layout;
use crate::model::{Report, Sheet, Year};
use formats::Formats;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};
use sheet::{Ctx, Kind, SheetWriter};
use std::borrow::{Borrow, Cow};
use std::path::{Path, PathBuf};

/// Options of the written report that come from the command line.
#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    /// `--date`: the top-right date of the first sheet.
    pub date: Option<String>,
    /// `--doc-no`: the top-right document number of the first sheet.
    pub doc_no: Option<String>,
    /// The rows of the 変更履歴 sheet (earlier runs' and this run's).
    pub history: Vec<HistoryRow>,
}

/// Converts an exact decimal to the f64 a cell stores (correctly rounded, via its text).
pub fn to_f64(d: rust_decimal::Decimal) -> f64 {
    d.normalize().to_string().parse().unwrap_or(0.0)
}

/// The f64 of a number cell kept beyond the exact decimals' range (`Found::Huge`, "8e28").
pub fn huge(n: &str) -> f64 {
    n.parse().unwrap_or(f64::MAX)
}

/// A report handed to [`report_workbook`]: its sheets are freed as they are written.
impl From<Report> for Cow<'_, Report> {
    fn from(report: Report) -> Self {
        Cow::Owned(report)
    }
}

/// A borrowed report for [`report_workbook`], kept by the caller.
impl<'a> From<&'a Report> for Cow<'a, Report> {
    fn from(report: &'a Report) -> Self {
        Cow::Borrowed(report)
    }
}

/// Builds the report workbook in memory: 資料2 as published, without review annotations
/// (corrections are listed in the review workbook); derived cells are live formulas whose
/// cached results are the figures recalculated on each indicator.
///
/// # Errors
/// [`Error::Write`] if a value cannot be stored (e.g. a text longer than Excel allows).
pub fn report_workbook<'a>(
    report: impl Into<Cow<'a, Report>>,
    layout: &Layout,
    year: Year,
    options: &WriteOptions,
    out_name: &Path,
) -> Result<Vec<u8>> {
    report_workbook_placed(report, layout, year, options, out_name, &[])?
        .0
        .save()
}

/// [`report_workbook`], filled but not saved, also giving where the value of each of
/// `linked`'s cells was written (for the links of the review workbook).
///
/// # Errors
/// As [`report_workbook`].
pub fn report_workbook_placed<'a>(
    report: impl Into<Cow<'a, Report>>,
    layout: &Layout,
    year: Year,
    options: &WriteOptions,
    out_name: &Path,
    linked: &[Finding],
) -> Result<(Filled, Placed)> {
    let ctx = Ctx {
        layout,
        f: Formats::new(layout),
        year,
        kind: Kind::Report,
        placed: Placed::of(linked),
        marks: marks::Marks::default(),
        cover: None,
    };
    // An owned report is dropped sheet by sheet as each is written.
    let xlsx = match report.into() {
        Cow::Borrowed(r) => fill(&r.sheets, &ctx, options, out_name, None),
        Cow::Owned(r) => fill(r.sheets, &ctx, options, out_name, None),
    }?;
    Ok((xlsx, ctx.placed))
}

/// Builds the review workbook (確認結果.xlsx) in memory; `placed` is what
/// [`report_workbook_placed`] gave, for the links to the report's cells.
///
/// # Errors
/// [`Error::Write`] if a value cannot be stored.
pub fn review_workbook(
    review: &Review<'_>,
    placed: &Placed,
    layout: &Layout,
    out_name: &Path,
) -> Result<Vec<u8>> {
    let mut workbook = Workbook::new();
    in_own_folder(&mut workbook, out_name);
    review::build(workbook, review, placed, layout).map_err(|e| Error::write(out_name, e))
}

/// Builds the department workbook (`template`): the same layout, derived cells as formulas,
/// plan cells locked, this year's input cells unlocked in Excel's 入力 colours, an instruction
/// line above each table, every sheet protected without a password (rows resizable). With
/// `record` (next cycle's workbook), the plan cells and earlier actuals written are recorded
/// in the veryHidden sheet [`crate::reference::REFERENCE_SHEET`], read back on return.
///
/// # Errors
/// [`Error::Write`] if a value cannot be stored.
pub fn template_workbook(
    report: &Report,
    layout: &Layout,
    year: Year,
    out_name: &Path,
    record: bool,
) -> Result<Vec<u8>> {
    let ctx = Ctx {
        layout,
        f: Formats::new(layout),
        year,
        kind: Kind::Template,
        placed: Placed::default(),
        marks: marks::Marks::default(),
        cover: Some(instruction(year)),
    };
    let extra = |wb: &mut Workbook| reference::add_reference_sheet(wb, report, year);
    fill(
        &report.sheets,
        &ctx,
        &WriteOptions::default(),
        out_name,
        record.then_some(&extra as &ExtraSheets<'_>),
    )?
    .save()
}

/// The template's instruction line (registered in [`crate::own::LINES`]).
fn instruction(year: Year) -> String {
    format!(
        "{}色付きのセル（{year}年度の実績・達成状況・評価・年度実績・年度計画）に記入してください。行の高さは変えられます。",
        crate::own::INSTRUCTION
    )
}

/// Sheets added after the 大分類 sheets and 変更履歴 (a return workbook's 指摘一覧).
type ExtraSheets<'a> = dyn Fn(&mut Workbook) -> std::result::Result<(), XlsxError> + 'a;

/// Low-memory sheets keep their rows in temporary files in the folder of the file being
/// written, where the run writes anyway, rather than in the system's temporary folder (full or
/// locked down on some office PCs). A folder that does not exist yet (`template` makes it when
/// it writes) leaves the system's.
fn in_own_folder(workbook: &mut Workbook, out_name: &Path) {
    let folder = out_name
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // On failure rust_xlsxwriter keeps its default; the write itself reports the real problem.
    let _ = workbook.set_tempdir(folder);
}

/// A workbook whose sheets are written but which is not saved yet: the rows of its item sheets
/// wait in temporary files (rust_xlsxwriter's low-memory worksheets), nothing of the model
/// is kept, so it can be saved after the model is freed, or on another thread.
pub struct Filled {
    workbook: Workbook,
    out_name: PathBuf,
}

impl Filled {
    /// The .xlsx bytes: saved, with the pages numbered on from sheet to sheet.
    ///
    /// # Errors
    /// [`Error::Write`] if rust_xlsxwriter cannot assemble the file.
    pub fn save(self) -> Result<Vec<u8>> {
        let Filled {
            mut workbook,
            out_name,
        } = self;
        let xlsx = (workbook.save_to_buffer()).map_err(|e| Error::write(&out_name, e))?;
        drop(workbook);
        page_numbers::fix_first_page_numbers(&xlsx).map_err(|e| Error::write(&out_name, e))
    }
}

/// Writes the sheets (each item sheet in low-memory mode, fed row by row), the 変更履歴 and
/// the `extra` sheets into a new workbook.
fn fill<S: Borrow<Sheet>>(
    sheets: impl IntoIterator<Item = S>,
    ctx: &Ctx<'_>,
    options: &WriteOptions,
    out_name: &Path,
    extra: Option<&ExtraSheets<'_>>,
) -> Result<Filled> {
    let err = |e: XlsxError| Error::write(out_name, e);
    let mut workbook = Workbook::new();
    in_own_folder(&mut workbook, out_name);
    // The parts are deflated again by `fix_first_page_numbers`: the fastest level here.
    workbook.set_zip_compression_level(1);
    // The Normal style in the Japanese font.
    workbook
        .set_default_format(&ctx.f.normal, 18, 72)
        .map_err(err)?;
    // Fixed document properties keep the output byte-stable for the same input.
    let created = ExcelDateTime::from_ymd(2020, 1, 1).map_err(err)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title("実施計画進捗状況報告書")
            .set_author("shinchoku")
            .set_creation_datetime(&created),
    );
    // Each sheet's pages are numbered on from the pages of the sheets before it.
    let mut first_page = 1;
    for (si, sheet) in sheets.into_iter().enumerate() {
        let sheet = sheet.borrow();
        let ws = workbook.add_worksheet_with_low_memory().map_err(err)?;
        ws.set_name(&sheet.name).map_err(err)?;
        first_page += SheetWriter::new(ws, ctx)
            .sheet(si, sheet, options, first_page)
            .map_err(err)?;
    }
    history::add_history_sheet(&mut workbook, &options.history, ctx.layout).map_err(err)?;
    if let Some(extra) = extra {
        extra(&mut workbook).map_err(err)?;
    }
    Ok(Filled {
        workbook,
        out_name: out_name.to_path_buf(),
    })
}

/// Writes `bytes` to `path` through a temporary file in the same folder, then renames it.
///
/// # Errors
/// [`Error::Write`] when the folder is not writable or the target is locked (open in Excel).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let err = |e: std::io::Error| Error::write(path, e);
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        err(e)
    })
}
