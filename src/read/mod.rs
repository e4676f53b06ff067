//! Reading: an office workbook (.xlsx, also .xls/.ods where calamine can) → [`Report`].
//!
//! Cells are streamed into a sparse grid (a stray cell at XFD1048576 costs one entry, not a
//! giant range), the table header is found by its labels, and every item block is walked with
//! each value's provenance (file, sheet, A1 cell).

mod grid;
mod headers;
mod items;
mod labels;
mod sheet;

use self::grid::{load_grids, Grid};
use self::sheet::parse_tables;
use crate::error::{Error, Result};
use crate::finding::{Code, Finding, Location};
use crate::history::HistoryRow;
use crate::layout::Layout;
use crate::model::{a1, CellRef, Found, Report, Year};
use crate::own::OwnSheet;
use crate::reference::Reference;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// What one input file contributed: its sheets, the year its headers name, and findings.
#[derive(Debug, Default)]
pub struct Input {
    /// The file as given.
    pub file: String,
    /// The parsed report of this file alone.
    pub report: Report,
    /// The year in the "R1年度 年度実績" header and where it was read.
    pub header_year: Option<(Year, String, CellRef)>,
    /// Findings made while reading.
    pub findings: Vec<Finding>,
    /// The rows of a 変更履歴 sheet (a report written by an earlier run).
    pub history: Vec<HistoryRow>,
    /// The cell comments of the file, each with its cell (for the return workbooks; the published
    /// report carries no notes).
    pub comments: Vec<(CellRef, String)>,
    /// The plan and earlier actuals the workbook was sent with (its 配布時の計画 sheet, written
    /// by `template --from`), for `drift`.
    pub reference: Option<Reference>,
    /// The columns the layout does not know whose cells were carried as texts of the items
    /// (the header cell, and its description for the one I328 of the file).
    pub extra_columns: Vec<(CellRef, String)>,
    /// When the file was saved (the workbook's own time, else the file's), for resubmissions.
    pub saved: Option<crate::saved::Saved>,
}

/// True for an Excel lock file (`~$総務課.xlsx`), present while the original is open in Excel.
pub fn is_lock_file(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n.to_string_lossy().starts_with("~$"))
}

/// Reads one workbook.
///
/// # Errors
/// A missing file, a directory, a file that is not a workbook (or is damaged or encrypted), or
/// a workbook without any sheet holding the report table.
pub fn read_workbook(path: &Path, layout: &Layout) -> Result<Input> {
    let file = path.display().to_string();
    if path.is_dir() {
        return Err(Error::IsDirectory(path.to_path_buf()));
    }
    let io_error = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => Error::NotFound(path.to_path_buf()),
        _ => Error::Io {
            path: path.to_path_buf(),
            source: e,
        },
    };
    let meta = std::fs::metadata(path).map_err(io_error)?;
    let size = meta.len();
    if size > crate::guard::MAX_FILE {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            detail: format!("ファイルの大きさ {size} バイト"),
        });
    }
    let bytes = std::fs::read(path).map_err(io_error)?;
    let mut input = Input {
        file: file.clone(),
        ..Input::default()
    };
    // Each sheet is parsed as soon as it is loaded, so only one grid is in memory at a time.
    let mut any_cells = false;
    let mut marks = Marks::default();
    let extras = load_grids(path, bytes, &mut |name, grid| {
        let grid = match grid {
            Ok(grid) => grid,
            Err(skip) => return input.findings.push(skip.finding(&file, &name)),
        };
        any_cells |= !grid.cells.is_empty();
        match crate::own::sheet(&name) {
            Some(OwnSheet::History) => {
                input.history = history_rows(grid.cells);
                return;
            }
            Some(OwnSheet::Reference) => {
                input.reference = Reference::from_rows(&own_rows(grid.cells, 12));
                return;
            }
            // A return workbook's list of findings: shinchoku's own, never the department's.
            Some(OwnSheet::Findings) => return,
            None => {}
        }
        marks.add(&name, &grid);
        let sheets = parse_tables(&file, &name, &grid, layout, &mut input);
        if sheets.is_empty() {
            // The whole sheet is not in the report: the finding names how much and where.
            input.findings.push(Finding::new(
                Code::SheetSkipped,
                Location {
                    file: file.clone(),
                    sheet: Some(name.clone()),
                    ..Location::default()
                },
                skipped_extent(&grid),
                &[],
            ));
        }
        input.report.sheets.extend(sheets);
    })?;
    input.saved = crate::saved::Saved::of(extras.modified.as_deref(), meta.modified().ok());
    extras_into(&mut input, extras);
    if let Some((at, _)) = input.extra_columns.first() {
        let list: Vec<&str> = input
            .extra_columns
            .iter()
            .map(|(_, t)| t.as_str())
            .collect();
        let list = list.join("、");
        input.findings.push(Finding::new(
            Code::ExtraColumns,
            Location::cell(at, None, None),
            None,
            &[&list],
        ));
    }
    marks.into_findings(&mut input);
    let long = crate::sheets::long_texts(&input.report);
    input.findings.extend(long);
    if !any_cells {
        return Err(Error::EmptyWorkbook(path.to_path_buf()));
    }
    if input.report.sheets.is_empty() {
        return Err(Error::NoReportSheet(path.to_path_buf()));
    }
    Ok(input)
}

/// The comments of `extras` into `input` with one I325 finding, and one I326 per other kind.
fn extras_into(input: &mut Input, extras: crate::sheets::Extras) {
    let file: Arc<str> = input.file.as_str().into();
    let mut places = Vec::new();
    for (sheet, list) in extras.comments {
        let sheet: Arc<str> = sheet.into();
        for (row, col, note) in list {
            // shinchoku's own part of a return workbook's note is not the department's.
            let Some(text) = crate::own::department_note(&note).map(str::to_string) else {
                continue;
            };
            places.push(format!("{}!{}", sheet, a1(row, col)));
            let at = CellRef {
                file: file.clone(),
                sheet: sheet.clone(),
                row,
                col,
            };
            input.comments.push((at, text));
        }
    }
    let at = Location {
        file: input.file.clone(),
        ..Location::default()
    };
    if !input.comments.is_empty() {
        let n = input.comments.len().to_string();
        let found = input
            .comments
            .iter()
            .map(|(c, t)| format!("{}!{}: {t}", c.sheet, c.a1()));
        let found = found.collect::<Vec<_>>().join("\n");
        input.findings.push(Finding::new(
            Code::CommentsRead,
            at.clone(),
            Some(found),
            &[&n, &places.join("、")],
        ));
    }
    for (kind, what) in extras.kinds {
        input.findings.push(Finding::new(
            Code::ExtraNotInReport,
            at.clone(),
            None,
            &[kind, &what],
        ));
    }
}

/// The department's fill colours and links to places in the workbook, by cell ("大分類1!K5"):
/// neither has a place in the report. shinchoku's own fills ([`crate::own::FILLS`]) are not
/// the department's; the links of its own sheets (a return workbook's 指摘一覧) are not seen.
#[derive(Default)]
struct Marks {
    fills: Vec<String>,
    links: Vec<String>,
}

impl Marks {
    /// The fills and in-workbook links of sheet `name`.
    fn add(&mut self, name: &str, grid: &Grid) {
        let mut fills: Vec<(u32, u32)> = (grid.structure.styles.iter())
            .filter(|(_, s)| {
                grid.styles.is_filled(**s)
                    && !grid
                        .styles
                        .fill_colour(**s)
                        .is_some_and(crate::own::is_own_fill)
            })
            .map(|(k, _)| *k)
            .collect();
        fills.sort_unstable();
        self.fills
            .extend(fills.iter().map(|(r, c)| format!("{name}!{}", a1(*r, *c))));
        let links = grid.structure.hyperlinks.iter();
        self.links.extend(
            links
                .filter(|(_, to)| to.is_some())
                .map(|((r, c), _)| format!("{name}!{}", a1(*r, *c))),
        );
    }

    /// One I326 per kind present, with its number of cells and the first few.
    fn into_findings(self, input: &mut Input) {
        for (kind, cells) in [
            ("塗りつぶしの色", self.fills),
            ("ブック内へのリンク", self.links),
        ] {
            if cells.is_empty() {
                continue;
            }
            let mut what = format!(
                "{}個のセル: {}",
                cells.len(),
                cells[..cells.len().min(5)].join("、")
            );
            if cells.len() > 5 {
                what.push_str(" ほか");
            }
            input.findings.push(Finding::new(
                Code::ExtraNotInReport,
                Location {
                    file: input.file.clone(),
                    ..Location::default()
                },
                Some(cells[..cells.len().min(100)].join("、")),
                &[kind, &what],
            ));
        }
    }
}

/// What a skipped sheet held: its number of cells and their range ("12個のセル（A1:X30）").
fn skipped_extent(grid: &Grid) -> Option<String> {
    let first = grid.cells.keys().next()?;
    let (mut r1, mut c0, mut c1) = (first.0, first.1, first.1);
    for (r, c) in grid.cells.keys() {
        r1 = r1.max(*r);
        c0 = c0.min(*c);
        c1 = c1.max(*c);
    }
    let n = grid.cells.len();
    Some(format!(
        "{n}個のセル（{}）は報告書に入っていません",
        range_a1(first.0, c0, r1, c1)
    ))
}

/// "A1" for one cell, "A1:X30" for a range.
fn range_a1(r0: u32, c0: u32, r1: u32, c1: u32) -> String {
    if (r0, c0) == (r1, c1) {
        a1(r0, c0)
    } else {
        format!("{}:{}", a1(r0, c0), a1(r1, c1))
    }
}

/// The rows of a 変更履歴 sheet below its header row, as written by
/// shinchoku's writer; each text moved out of the sheet's cells, not copied.
fn history_rows(cells: BTreeMap<(u32, u32), Found>) -> Vec<HistoryRow> {
    own_rows(cells, 11)
        .into_iter()
        .filter_map(|row| {
            let cells: Vec<String> = (row.into_iter())
                .map(|f| match f {
                    Found::Text(s) | Found::Huge(s) => s,
                    f => f.display(),
                })
                .collect();
            HistoryRow::from_cells(cells)
        })
        .collect()
}

/// The rows of one of shinchoku's own sheets below its header row: the cells of the first
/// `width` columns, in row order (moved out of the sheet's cells).
fn own_rows(mut cells: BTreeMap<(u32, u32), Found>, width: usize) -> Vec<Vec<Found>> {
    let mut rows: BTreeMap<u32, Vec<Found>> = BTreeMap::new();
    for ((r, c), v) in cells.split_off(&(1, 0)) {
        let cells = rows.entry(r).or_default();
        let c = c as usize;
        if c < width {
            if cells.len() <= c {
                cells.resize(c + 1, Found::Empty);
            }
            cells[c] = v;
        }
    }
    rows.into_values().collect()
}
