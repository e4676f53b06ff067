//! Reading: an office workbook (.xlsx, also .xls/.ods where calamine can) → [`Report`].
//!
//! Cells are streamed into a sparse grid (a stray cell at XFD1048576 costs one entry, not a
//! giant range), the table header is found by its labels, and every item block is walked with
//! each value's provenance (file, sheet, A1 cell).

use crate::error::{Error, Result};
use crate::finding::{Code, Finding, Location};
use crate::history::HistoryRow;
use crate::layout::{matches, Layout};
use crate::model::{
    a1, Action, CellRef, Field, Found, Indicator, Item, Report, Section, Sheet, TextField, Year,
};
use crate::own::OwnSheet;
use crate::sheets::{Extras, Skip};
use crate::value::{excel_date, from_f64, parse_text, squash, Value};
use calamine::{Data, DataRef, Reader};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

/// One worksheet's non-empty cells, its merged ranges and the coverage ledger: every cell the
/// reader consumes is marked, so that whatever is left can be named in a finding.
#[derive(Default)]
struct Grid {
    cells: BTreeMap<(u32, u32), Found>,
    /// The formulas of the cells that hold one (read in the same pass as the values).
    formulas: HashMap<(u32, u32), String>,
    /// Merged ranges by their top-left cell: the bottom-right cell.
    merges: HashMap<(u32, u32), (u32, u32)>,
    /// The cells the reader consumed (read into the model or named in a finding).
    used: RefCell<HashSet<(u32, u32)>>,
}

impl Grid {
    fn get(&self, row: u32, col: u32) -> &Found {
        static EMPTY: Found = Found::Empty;
        self.cells.get(&(row, col)).unwrap_or(&EMPTY)
    }

    /// The cell, marked as consumed.
    fn take(&self, row: u32, col: u32) -> &Found {
        let f = self.get(row, col);
        if *f != Found::Empty {
            self.used.borrow_mut().insert((row, col));
        }
        f
    }

    fn mark(&self, row: u32, col: u32) {
        if self.cells.contains_key(&(row, col)) {
            self.used.borrow_mut().insert((row, col));
        }
    }

    fn is_used(&self, row: u32, col: u32) -> bool {
        self.used.borrow().contains(&(row, col))
    }

    /// The last row of the merged range starting at (row, col), if any.
    fn merged_to(&self, row: u32, col: u32) -> Option<u32> {
        self.merges.get(&(row, col)).map(|(r, _)| *r)
    }

    fn row_has_number(&self, row: u32) -> bool {
        self.cells
            .range((row, 0)..=(row, u32::MAX))
            .any(|(_, v)| matches!(v, Found::Number(_)))
    }
}

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
    let size = std::fs::metadata(path).map_err(io_error)?.len();
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
    let extras = load_grids(path, bytes, &mut |name, grid| {
        let grid = match grid {
            Ok(grid) => grid,
            Err(skip) => return input.findings.push(skip.finding(&file, &name)),
        };
        any_cells |= !grid.cells.is_empty();
        match crate::own::sheet(&name) {
            Some(OwnSheet::History) => {
                input.history = history_rows(&grid);
                return;
            }
            None => {}
        }
        match parse_sheet(&file, &name, &grid, layout, &mut input) {
            Some(sheet) => input.report.sheets.push(sheet),
            // The whole sheet is not in the report: the finding names how much and where.
            None => input.findings.push(Finding::new(
                Code::SheetSkipped,
                Location {
                    file: file.clone(),
                    sheet: Some(name.clone()),
                    ..Location::default()
                },
                skipped_extent(&grid),
                &[],
            )),
        }
    })?;
    extras_into(&mut input, extras);
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
        for (row, col, text) in list {
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
/// shinchoku's writer.
fn history_rows(grid: &Grid) -> Vec<HistoryRow> {
    let mut rows: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for ((r, c), v) in grid.cells.range((1, 0)..) {
        let cells = rows.entry(*r).or_default();
        let c = *c as usize;
        if c < 11 {
            if cells.len() <= c {
                cells.resize(c + 1, String::new());
            }
            cells[c] = v.display();
        }
    }
    rows.values()
        .filter_map(|cells| HistoryRow::from_cells(cells))
        .collect()
}

const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Opens the workbook from its bytes and hands each sheet's name and grid to `sheet`, in sheet
/// order (or why the sheet is not read: a chart or hidden sheet); returns what an .xlsx holds
/// beyond its cells.
fn load_grids(
    path: &Path,
    bytes: Vec<u8>,
    sheet: &mut dyn FnMut(String, std::result::Result<Grid, Skip>),
) -> Result<Extras> {
    let not_workbook = |detail: String| Error::NotWorkbook {
        path: path.to_path_buf(),
        detail,
    };
    if bytes.starts_with(b"PK") {
        // An OpenDocument spreadsheet stores its mimetype first, uncompressed.
        if bytes.get(30..bytes.len().min(100)).is_some_and(|b| {
            b.windows(46)
                .any(|w| w == b"application/vnd.oasis.opendocument.spreadsheet")
        }) {
            return Err(not_workbook(
                "OpenDocument（.ods）のブックです。ExcelやLibreOfficeでブック（.xlsx）として保存してから指定してください"
                    .into(),
            ));
        }
        crate::guard::check_xlsx(path, &bytes)?;
        let extras = crate::sheets::scan(&bytes);
        let bytes = crate::sheets::normalised(bytes);
        let mut xlsx = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
            calamine::XlsxError::Password => Error::Encrypted(path.to_path_buf()),
            e => not_workbook(e.to_string()),
        })?;
        for meta in xlsx.sheets_metadata().to_vec() {
            let name = meta.name;
            if let Some(skip) = crate::sheets::skip(&name, meta.typ, meta.visible) {
                sheet(name, Err(skip));
                continue;
            }
            let mut grid = Grid::default();
            {
                let mut cells = xlsx
                    .worksheet_cells_reader(&name)
                    .map_err(|e| not_workbook(e.to_string()))?;
                // One pass: each cell's value (a formula's cached result) and its formula.
                while let Some(cell) = cells
                    .next_cell_with_formula()
                    .map_err(|e| not_workbook(e.to_string()))?
                {
                    let found = found_of_ref(&cell.value);
                    if let Some(fx) = cell.formula.filter(|f| !f.trim().is_empty()) {
                        grid.formulas.insert(cell.pos, fx);
                    }
                    if found != Found::Empty {
                        grid.cells.insert(cell.pos, found);
                    }
                }
            }
            // Merges bound item blocks; a sheet whose merges cannot be read is read without.
            if let Ok(merges) = xlsx.merge_cells_by_sheet_name(&name) {
                grid.merges = merges.into_iter().map(|d| (d.start, d.end)).collect();
            }
            sheet(name, Ok(grid));
        }
        return Ok(extras);
    }
    if bytes.starts_with(&OLE_MAGIC) {
        // An OLE container is either a legacy .xls or an encrypted (password-protected) .xlsx,
        // which holds an `EncryptedPackage` stream: calamine's xlsx reader recognises that.
        if let Err(calamine::XlsxError::Password) =
            calamine::Xlsx::new(Cursor::new(bytes.as_slice()))
        {
            return Err(Error::Encrypted(path.to_path_buf()));
        }
        crate::guard::check_xls(path, &bytes)?;
        let mut xls = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| match e {
            calamine::XlsError::Password => Error::Encrypted(path.to_path_buf()),
            e => not_workbook(e.to_string()),
        })?;
        for meta in xls.sheets_metadata().to_vec() {
            let name = meta.name;
            if let Some(skip) = crate::sheets::skip(&name, meta.typ, meta.visible) {
                sheet(name, Err(skip));
                continue;
            }
            let range = xls
                .worksheet_range(&name)
                .map_err(|e| not_workbook(e.to_string()))?;
            sheet(name, Ok(grid_from_range(&range)));
        }
        return Ok(Extras::default());
    }
    Err(not_workbook(what_it_is(path, &bytes)))
}

/// What a file that is no workbook is, by its first bytes and name, and what to do with it.
fn what_it_is(path: &Path, bytes: &[u8]) -> String {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let kind = if bytes.starts_with(b"%PDF") {
        "PDFファイルです"
    } else if ext == "csv" {
        "CSVファイルです"
    } else if std::str::from_utf8(bytes).is_ok() {
        "テキストファイルです"
    } else {
        "先頭がExcelブック（xlsx/xls）の形式ではありません"
    };
    format!("{kind}。Excelでブック（.xlsx）として保存してから指定してください")
}

fn grid_from_range(range: &calamine::Range<Data>) -> Grid {
    let mut grid = Grid::default();
    for (row, col, value) in range.used_cells() {
        let found = found_of_data(value);
        if found != Found::Empty {
            let (r0, c0) = range.start().unwrap_or((0, 0));
            grid.cells.insert((r0 + row as u32, c0 + col as u32), found);
        }
    }
    grid
}

fn number_or_text(f: f64) -> Found {
    match from_f64(f) {
        Some(d) => Found::Number(d),
        None => Found::Text(f.to_string()),
    }
}

fn found_of_ref(v: &DataRef<'_>) -> Found {
    match v {
        DataRef::Int(i) => Found::Number((*i).into()),
        DataRef::Float(f) => number_or_text(*f),
        DataRef::String(s) => Found::Text(s.clone()),
        DataRef::SharedString(s) => Found::Text((*s).to_string()),
        DataRef::Bool(b) => Found::Text(if *b { "TRUE" } else { "FALSE" }.into()),
        DataRef::DateTime(d) if d.is_datetime() => Found::Text(excel_date(d.as_f64())),
        DataRef::DateTime(d) => number_or_text(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Found::Text(s.clone()),
        DataRef::Error(e) => Found::Text(e.to_string()),
        DataRef::Empty => Found::Empty,
    }
}

fn found_of_data(v: &Data) -> Found {
    match v {
        Data::Int(i) => Found::Number((*i).into()),
        Data::Float(f) => number_or_text(*f),
        Data::String(s) => Found::Text(s.clone()),
        Data::Bool(b) => Found::Text(if *b { "TRUE" } else { "FALSE" }.into()),
        Data::DateTime(d) if d.is_datetime() => Found::Text(excel_date(d.as_f64())),
        Data::DateTime(d) => number_or_text(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Found::Text(s.clone()),
        Data::Error(e) => Found::Text(e.to_string()),
        Data::Empty => Found::Empty,
    }
}

/// What a header label means: the column it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Kind {
    No,
    Name,
    Actions,
    Indicator,
    Unit,
    Kubun,
    Base,
    Total,
    Effect,
    RateYear,
    RateTotal,
    Status,
    Grade,
    Results,
    Plan,
    /// A group label over several columns (実施項目, 成果指標): layout furniture.
    Group,
}

impl Kind {
    /// The label as the office prints it, for messages.
    fn label(self) -> &'static str {
        match self {
            Kind::No => "№",
            Kind::Name => "実施計画",
            Kind::Actions => "行動計画",
            Kind::Indicator => "項目",
            Kind::Unit => "単位",
            Kind::Kubun => "区分",
            Kind::Base => "29基準",
            Kind::Total => "合計",
            Kind::Effect => "実施効果",
            Kind::RateYear => "年度目標達成率",
            Kind::RateTotal => "合計目標達成率",
            Kind::Status => "達成状況",
            Kind::Grade => "評価",
            Kind::Results => "年度実績",
            Kind::Plan => "年度計画",
            Kind::Group => "見出し",
        }
    }
}

/// A year as a header writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum YearLabel {
    /// A year of the plan, R1..R5.
    Plan(Year),
    /// A year outside the plan: an earlier 平成 year, a 西暦 year, R6 or later.
    Outside,
}

/// Reads a year label in any form SPEC §2 lists: R1, Ｒ１, R元, 令和元年度, 令和５年度, R1年度;
/// H31 / 平成31年度 are R1. `s` is already squashed.
fn year_label(s: &str) -> Option<YearLabel> {
    let s = s
        .strip_suffix("年度")
        .or_else(|| s.strip_suffix('年'))
        .unwrap_or(s);
    let number = |rest: &str| -> Option<u32> {
        match rest {
            "元" => Some(1),
            _ if !rest.is_empty()
                && rest.len() <= 4
                && rest.bytes().all(|b| b.is_ascii_digit()) =>
            {
                rest.parse().ok()
            }
            _ => None,
        }
    };
    if let Some(rest) = ["令和", "R", "r"].iter().find_map(|p| s.strip_prefix(p)) {
        let n = number(rest)?;
        return Some(match u8::try_from(n).ok().and_then(Year::new) {
            Some(y) => YearLabel::Plan(y),
            None => YearLabel::Outside,
        });
    }
    if let Some(rest) = ["平成", "H", "h"].iter().find_map(|p| s.strip_prefix(p)) {
        let n = number(rest)?;
        return Some(if n == 31 {
            YearLabel::Plan(Year::ALL[0])
        } else {
            YearLabel::Outside
        });
    }
    (s.len() == 4 && (1900..=2100).contains(&number(s)?)).then_some(YearLabel::Outside)
}

/// What one header cell says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label {
    /// A known column label (with the year its hint or prefix names, for 年度実績/年度計画);
    /// `exact` when it matched a label exactly (after the hint was stripped), not by prefix.
    Known {
        kind: Kind,
        year: Option<YearLabel>,
        exact: bool,
    },
    /// A year column (R1 … R5).
    Year(Year),
    /// A year outside the plan.
    OutsideYear,
    /// Matches two labels equally.
    Ambiguous(Kind, Kind),
    /// Not a label.
    Unknown,
}

/// The known labels of a layout, normalised once: (label, its column).
struct Labels {
    table: Vec<(String, Kind)>,
    target_row: Vec<String>,
    actual_row: Vec<String>,
}

/// Squashed (NFKC, no spaces or line breaks) and ASCII upper-cased, for matching labels.
fn norm(s: &str) -> String {
    squash(s).to_ascii_uppercase()
}

impl Labels {
    fn new(layout: &Layout) -> Labels {
        let l = &layout.labels;
        let h = &layout.header;
        let mut table = Vec::new();
        let mut add = |variants: &[String], kind: Kind| {
            for v in variants {
                let n = norm(v);
                if !n.is_empty() && !table.iter().any(|(t, k)| *t == n && *k == kind) {
                    table.push((n, kind));
                }
            }
        };
        add(&l.no, Kind::No);
        add(&l.name, Kind::Name);
        add(&l.actions, Kind::Actions);
        add(&l.indicator, Kind::Indicator);
        add(&l.unit, Kind::Unit);
        add(&l.kubun, Kind::Kubun);
        add(&l.base, Kind::Base);
        add(&l.total, Kind::Total);
        add(&l.effect, Kind::Effect);
        add(&l.rate_year, Kind::RateYear);
        add(&l.rate_total, Kind::RateTotal);
        add(&l.status, Kind::Status);
        add(&l.grade, Kind::Grade);
        add(&l.results, Kind::Results);
        add(&l.plan, Kind::Plan);
        add(
            &[h.item_group.clone(), h.indicator_group.clone()],
            Kind::Group,
        );
        Labels {
            table,
            target_row: l.target_row.clone(),
            actual_row: l.actual_row.clone(),
        }
    }

    /// Reads one header cell: normalised, a trailing hint in parentheses stripped
    /// (「評価(A～C)」 → 評価; 「年度実績(R1年度)」 → 年度実績 of R1), then a known label matched
    /// exactly, else by prefix (the longest wins; two of equal length are ambiguous).
    fn classify(&self, text: &str) -> Label {
        if text.len() > MAX_LABEL_BYTES {
            return Label::Unknown;
        }
        let s = norm(text);
        if s.is_empty() {
            return Label::Unknown;
        }
        let (base, hint) = match (s.strip_suffix(')'), s.rfind('(')) {
            (Some(inner), Some(open)) if open > 0 => (&s[..open], Some(&inner[open + 1..])),
            _ => (s.as_str(), None),
        };
        let hint_year = hint.and_then(year_label);
        // The two text columns end with their word; the report year may stand before it.
        for (label, kind) in &self.table {
            if !matches!(kind, Kind::Results | Kind::Plan) {
                continue;
            }
            if let Some(prefix) = base.strip_suffix(label.as_str()) {
                let prefix = prefix.trim_end_matches(['・', '/', '-']);
                if prefix.is_empty() {
                    return Label::Known {
                        kind: *kind,
                        year: hint_year,
                        exact: true,
                    };
                }
                if let Some(y) = year_label(prefix) {
                    return Label::Known {
                        kind: *kind,
                        year: Some(y),
                        exact: true,
                    };
                }
            }
        }
        let mut exact = self.table.iter().filter(|(l, _)| l == base);
        if let Some((_, kind)) = exact.next() {
            if let Some((_, other)) = exact.find(|(_, k)| k != kind) {
                return Label::Ambiguous(*kind, *other);
            }
            return Label::Known {
                kind: *kind,
                year: hint_year,
                exact: true,
            };
        }
        match year_label(base) {
            Some(YearLabel::Plan(y)) => return Label::Year(y),
            Some(YearLabel::Outside) => return Label::OutsideYear,
            None => {}
        }
        let mut best: Option<(&str, Kind)> = None;
        let mut tie: Option<Kind> = None;
        for (label, kind) in &self.table {
            if !base.starts_with(label.as_str()) {
                continue;
            }
            match best {
                Some((b, k)) if b.len() == label.len() && k != *kind => tie = Some(*kind),
                Some((b, _)) if b.len() >= label.len() => {}
                _ => {
                    best = Some((label, *kind));
                    tie = None;
                }
            }
        }
        match (best, tie) {
            (Some((_, k)), Some(t)) => Label::Ambiguous(k, t),
            (Some((_, kind)), None) => Label::Known {
                kind,
                year: hint_year,
                exact: false,
            },
            (None, _) => Label::Unknown,
        }
    }
}

/// Column positions of one table, found from its header labels.
#[derive(Clone, Debug, Default)]
struct Columns {
    no: Option<u32>,
    name: Option<u32>,
    action: Option<u32>,
    schedule: [Option<u32>; 5],
    indicator: u32,
    unit: Option<u32>,
    kubun: Option<u32>,
    base: Option<u32>,
    years: [Option<u32>; 5],
    total: Option<u32>,
    effect: Option<u32>,
    rate_year: Option<u32>,
    rate_total: Option<u32>,
    status: Option<u32>,
    grade: Option<u32>,
    results: Option<u32>,
    plan: Option<u32>,
    last: u32,
    /// The header text of every labelled column, for messages.
    heads: BTreeMap<u32, String>,
}

impl Columns {
    /// The columns the reader maps.
    fn mapped(&self) -> Vec<u32> {
        let mut v: Vec<u32> = [
            self.no,
            self.name,
            self.action,
            Some(self.indicator),
            self.unit,
            self.kubun,
            self.base,
            self.total,
            self.effect,
            self.rate_year,
            self.rate_total,
            self.status,
            self.grade,
            self.results,
            self.plan,
        ]
        .into_iter()
        .chain(self.schedule)
        .chain(self.years)
        .flatten()
        .collect();
        v.sort_unstable();
        v
    }

    /// The columns of the item itself (left of the indicator), where a note would stand.
    fn item_cols(&self) -> Vec<u32> {
        [self.no, self.name].into_iter().flatten().collect()
    }
}

/// A table header: its rows (the same row for a one-row header) and the columns it defines.
struct HeaderAt {
    upper: u32,
    lower: u32,
    columns: Columns,
}

/// Longest cell text (in bytes) that is tried as a header label.
const MAX_LABEL_BYTES: usize = 120;

/// Kinds that make a row look like the table's header.
fn is_table_kind(k: Kind) -> bool {
    !matches!(k, Kind::Group | Kind::Actions)
}

/// The labels of one row's text cells (rows holding a number are data, never a header).
fn row_labels<'g>(
    grid: &'g Grid,
    labels: &Labels,
    row: u32,
    seen: &mut HashMap<&'g str, Label>,
) -> Vec<(u32, Label)> {
    if grid.row_has_number(row) {
        return Vec::new();
    }
    grid.cells
        .range((row, 0)..=(row, u32::MAX))
        .filter_map(|((_, c), v)| match v {
            // Texts repeat (marks, 目標/実績, "-"): each is classified once per sheet.
            Found::Text(t) if t.len() <= MAX_LABEL_BYTES => Some((
                *c,
                *seen.entry(t.as_str()).or_insert_with(|| labels.classify(t)),
            )),
            _ => None,
        })
        .filter(|(_, l)| *l != Label::Unknown)
        .collect()
}

/// Finds every header in a sheet: one or two rows whose labels name at least 項目 and 29基準
/// (or 実施効果), or, for an E106, a row with three table labels matched exactly.
fn find_headers(
    grid: &Grid,
    labels: &Labels,
    file: &str,
    sheet: &str,
    input: &mut Input,
    failed: &mut Vec<u32>,
) -> Vec<HeaderAt> {
    let mut headers = Vec::new();
    let rows: Vec<u32> = {
        let mut r: Vec<u32> = grid.cells.keys().map(|(r, _)| *r).collect();
        r.dedup();
        r
    };
    let mut cache: HashMap<u32, Vec<(u32, Label)>> = HashMap::new();
    let mut seen: HashMap<&str, Label> = HashMap::new();
    let mut labels_of = |row: u32| -> Vec<(u32, Label)> {
        cache
            .entry(row)
            .or_insert_with(|| row_labels(grid, labels, row, &mut seen))
            .clone()
    };
    let mut after = 0u32;
    for &row in &rows {
        if row < after {
            continue;
        }
        let here = labels_of(row);
        if here.is_empty() {
            continue;
        }
        let next = labels_of(row + 1);
        let lower = if next.len() >= 2 { row + 1 } else { row };
        let both: Vec<&Label> = here
            .iter()
            .chain(if lower > row { next.iter() } else { [].iter() })
            .map(|(_, l)| l)
            .collect();
        let kinds: BTreeSet<Kind> = both
            .iter()
            .filter_map(|l| match l {
                Label::Known { kind, .. } => Some(*kind),
                _ => None,
            })
            .collect();
        let exact: BTreeSet<Kind> = both
            .iter()
            .filter_map(|l| match l {
                Label::Known {
                    kind, exact: true, ..
                } if is_table_kind(*kind) => Some(*kind),
                _ => None,
            })
            .collect();
        let complete = kinds.contains(&Kind::Indicator)
            && (kinds.contains(&Kind::Base) || kinds.contains(&Kind::Effect));
        let table_like = exact.len() >= 3
            && [Kind::No, Kind::Name, Kind::Indicator]
                .iter()
                .any(|k| exact.contains(k));
        if !(complete || table_like) {
            continue;
        }
        after = lower + 1;
        match header_columns(grid, labels, row, lower, file, sheet, input) {
            Some(columns) => headers.push(HeaderAt {
                upper: row,
                lower,
                columns,
            }),
            None => failed.push(row),
        }
    }
    headers
}

/// Maps the labels of rows `upper` and `lower` (the same row for a one-row header) to columns;
/// None (with an E106) when a column the report needs is missing.
fn header_columns(
    grid: &Grid,
    labels: &Labels,
    upper: u32,
    lower: u32,
    file: &str,
    sheet: &str,
    input: &mut Input,
) -> Option<Columns> {
    let cell_at = |row: u32, col: u32| CellRef {
        file: file.into(),
        sheet: sheet.into(),
        row,
        col,
    };
    let mut texts: BTreeMap<u32, (Option<String>, Option<String>)> = BTreeMap::new();
    for ((r, c), v) in grid.cells.range((upper, 0)..=(lower, u32::MAX)) {
        let e = texts.entry(*c).or_default();
        if *r == upper && upper != lower {
            e.0 = Some(v.display());
        } else {
            e.1 = Some(v.display());
        }
    }
    // Per column: its label and the cell it stands in. A label split over both rows
    // ("R1年度" above "年度実績") is read joined; else the lower row's label, else the upper's
    // (a label merged down over both rows stands in the upper row).
    let mut found: Vec<(u32, Label, u32, String)> = Vec::new();
    for (c, (up, low)) in &texts {
        let lab = |t: &Option<String>| t.as_deref().map_or(Label::Unknown, |t| labels.classify(t));
        let (lu, ll) = (lab(up), lab(low));
        let joined = match (up, low) {
            (Some(a), Some(b)) => {
                let j = labels.classify(&format!("{a}{b}"));
                matches!(
                    j,
                    Label::Known {
                        kind: Kind::Results | Kind::Plan,
                        ..
                    }
                )
                .then_some(j)
            }
            _ => None,
        };
        let (label, row, text) = if let Some(j) = joined {
            (
                j,
                upper,
                format!(
                    "{}{}",
                    up.clone().unwrap_or_default(),
                    low.clone().unwrap_or_default()
                ),
            )
        } else if ll != Label::Unknown || up.is_none() {
            (ll, lower, low.clone().unwrap_or_default())
        } else {
            (lu, upper, up.clone().unwrap_or_default())
        };
        // Both header cells of a column are the header: consumed when either is a label.
        if label != Label::Unknown {
            grid.mark(upper, *c);
            grid.mark(lower, *c);
        }
        found.push((*c, label, row, text));
    }
    for (c, label, row, text) in &found {
        let code_args: Option<(Code, Vec<String>)> = match label {
            Label::Ambiguous(a, b) => Some((
                Code::AmbiguousLabel,
                vec![text.clone(), a.label().into(), b.label().into()],
            )),
            Label::OutsideYear
            | Label::Known {
                year: Some(YearLabel::Outside),
                ..
            } => Some((Code::YearOutsidePlan, vec![text.clone()])),
            _ => None,
        };
        if let Some((code, args)) = code_args {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            input.findings.push(Finding::new(
                code,
                Location::cell(&cell_at(*row, *c), None, None),
                Some(text.clone()),
                &args,
            ));
        }
    }
    let first = |kind: Kind| -> Option<u32> {
        found.iter().find_map(|(c, l, _, _)| match l {
            Label::Known { kind: k, .. } if *k == kind => Some(*c),
            _ => None,
        })
    };
    let mut seen: Vec<String> = Vec::new();
    for (_, l, _, t) in &found {
        let t: String = t.split_whitespace().collect();
        if !matches!(l, Label::Unknown) && !seen.contains(&t) {
            seen.push(t);
        }
    }
    let Some(indicator) = first(Kind::Indicator) else {
        let col = found.first().map_or(0, |f| f.0);
        input.findings.push(Finding::new(
            Code::IncompleteHeader,
            Location::cell(&cell_at(lower, col), None, None),
            Some(format!("見出しにあった語: {}", seen.join("、"))),
            &["項目"],
        ));
        return None;
    };
    let mut cols = Columns {
        no: first(Kind::No),
        name: first(Kind::Name),
        action: first(Kind::Actions),
        indicator,
        unit: first(Kind::Unit),
        kubun: first(Kind::Kubun),
        base: first(Kind::Base),
        total: first(Kind::Total),
        effect: first(Kind::Effect),
        rate_year: first(Kind::RateYear),
        rate_total: first(Kind::RateTotal),
        status: first(Kind::Status),
        grade: first(Kind::Grade),
        results: first(Kind::Results),
        plan: first(Kind::Plan),
        ..Columns::default()
    };
    for (c, label, _, _) in &found {
        if let Label::Year(y) = label {
            let slot = if *c < indicator {
                &mut cols.schedule
            } else {
                &mut cols.years
            };
            slot[y.index()].get_or_insert(*c);
        }
    }
    // The unlabelled 区分 column: the first column right of 項目 (and its 単位) without a label.
    if cols.kubun.is_none() {
        let labelled: HashSet<u32> = found
            .iter()
            .filter(|(_, l, _, t)| *l != Label::Unknown || !squash(t).is_empty())
            .map(|(c, _, _, _)| *c)
            .collect();
        let limit = cols
            .base
            .or(cols.years.iter().flatten().min().copied())
            .unwrap_or(indicator + 2);
        cols.kubun = (indicator + 1..limit.max(indicator + 2)).find(|c| !labelled.contains(c));
    }
    if let Some((
        c,
        Label::Known {
            year: Some(YearLabel::Plan(year)),
            ..
        },
        row,
        text,
    )) = found.iter().find(|(c, _, _, _)| Some(*c) == cols.results)
    {
        let at = cell_at(*row, *c);
        match &input.header_year {
            None => input.header_year = Some((*year, text.clone(), at)),
            Some((y, first, first_at)) if y != year => {
                let other = format!("{} {}", first_at.sheet, first_at.a1());
                input.findings.push(Finding::new(
                    Code::YearHeaderMismatch,
                    Location::cell(&at, None, None),
                    Some(text.clone()),
                    &[text, &format!("「{first}」{other}")],
                ));
            }
            Some(_) => {}
        }
    }
    if cols.action.is_none() {
        cols.action = cols
            .schedule
            .iter()
            .flatten()
            .min()
            .map(|c| c.saturating_sub(1));
    }
    let missing: Vec<&str> = [
        ("29基準", cols.base.is_some()),
        ("実施効果", cols.effect.is_some()),
        ("年度目標達成率", cols.rate_year.is_some()),
        ("R1〜R5（成果指標）", cols.years.iter().any(Option::is_some)),
    ]
    .iter()
    .filter(|(_, ok)| !ok)
    .map(|(n, _)| *n)
    .collect();
    if !missing.is_empty() {
        input.findings.push(Finding::new(
            Code::IncompleteHeader,
            Location::cell(&cell_at(lower, indicator), None, None),
            Some(format!("見出しにあった語: {}", seen.join("、"))),
            &[&missing.join("」「")],
        ));
        return None;
    }
    cols.heads = found
        .iter()
        .filter(|(_, _, _, t)| !t.is_empty())
        .map(|(c, _, _, t)| (*c, t.clone()))
        .collect();
    cols.last = texts.keys().copied().max().unwrap_or(indicator);
    Some(cols)
}

/// How a № cell starts an item.
enum ItemNo {
    /// A №-like value: 5, "5", ①, 「No.5」.
    Good(u32),
    /// A number that is no item № (0, negative, 5.5).
    Bad,
    /// Text that is no № (a note).
    NotNo,
    Empty,
}

fn item_no(found: &Found) -> ItemNo {
    use rust_decimal::prelude::ToPrimitive;
    let whole = |d: rust_decimal::Decimal| -> ItemNo {
        if d.fract().is_zero() && d > rust_decimal::Decimal::ZERO {
            d.to_u32().map_or(ItemNo::Bad, ItemNo::Good)
        } else {
            ItemNo::Bad
        }
    };
    match found {
        Found::Empty => ItemNo::Empty,
        Found::Number(d) => whole(*d),
        Found::Text(t) => {
            let s = norm(t);
            let s = ["NO.", "NO", "№", "#"]
                .iter()
                .find_map(|p| s.strip_prefix(p))
                .unwrap_or(&s);
            match parse_text(s) {
                Value::Number(d) => whole(d),
                Value::Blank => ItemNo::Empty,
                _ => ItemNo::NotNo,
            }
        }
    }
}

/// A 計 / 合計 / 小計 / 総計 line.
fn is_total_text(s: &str) -> bool {
    matches!(
        norm(s).as_str(),
        "計" | "合計" | "小計" | "総計" | "合計額" | "計(合計)"
    )
}

/// A region of a sheet read as one table: its columns and the rows it owns.
struct Region {
    cols: Columns,
    start: u32,
    end: u32,
}

/// Parses one worksheet; None when it holds no report table.
fn parse_sheet(
    file: &str,
    name: &str,
    grid: &Grid,
    layout: &Layout,
    input: &mut Input,
) -> Option<Sheet> {
    let labels = Labels::new(layout);
    let mut failed = Vec::new();
    let headers = find_headers(grid, &labels, file, name, input, &mut failed);
    let first = headers.first()?;
    // One allocation of each name for the whole sheet.
    let (file_name, sheet_name): (Arc<str>, Arc<str>) = (file.into(), name.into());
    let at = |row: u32, col: u32| CellRef {
        file: Arc::clone(&file_name),
        sheet: Arc::clone(&sheet_name),
        row,
        col,
    };
    let text_field = |row: u32, col: u32| -> TextField {
        match grid.take(row, col) {
            Found::Empty => TextField::default(),
            f => TextField {
                text: Some(f.display()),
                at: Some(at(row, col)),
            },
        }
    };
    let mut sheet = Sheet {
        name: name.to_string(),
        ..Sheet::default()
    };
    // Above the first table: the 大分類 heading, the date and the document number.
    for ((r, c), v) in grid.cells.range(..(first.upper, 0)) {
        let s = squash(&v.display());
        if s.contains("大分類") && sheet.heading.text.is_none() {
            sheet.heading = text_field(*r, *c);
        } else if s.starts_with("資料") && sheet.doc_no.text.is_none() {
            sheet.doc_no = text_field(*r, *c);
        } else if s.starts_with("令和") && s.contains('月') && sheet.date.text.is_none() {
            sheet.date = text_field(*r, *c);
        }
    }
    let heading_in = |r: u32, last: u32| -> Option<(u32, u32)> {
        if grid.row_has_number(r) {
            return None;
        }
        grid.cells
            .range((r, 0)..=(r, last))
            .find(|(_, v)| matches!(v, Found::Text(t) if t.contains("小分類")))
            .map(|((r, c), _)| (*r, *c))
    };
    // Header rows: every header's rows are the header, wherever it is repeated.
    let header_rows: BTreeSet<u32> = headers.iter().flat_map(|h| h.upper..=h.lower).collect();
    // Regions: a header with a 小分類 heading just above it starts a new table; a header
    // repeated without one (a page break made by hand) continues the table above.
    let last_row = grid.cells.keys().next_back().map_or(0, |(r, _)| *r);
    let mut regions: Vec<(Region, Option<(u32, u32)>)> = Vec::new();
    for (hi, h) in headers.iter().enumerate() {
        let cols = &h.columns;
        // The heading is looked for below the previous header only: a header repeated just
        // under another one must not take the heading of the table above.
        let floor = match hi {
            0 => 0,
            _ => headers[hi - 1].lower + 1,
        };
        let heading = (h.upper.saturating_sub(3).max(floor)..h.upper)
            .rev()
            .find_map(|r| heading_in(r, cols.last));
        if hi > 0 && heading.is_none() {
            continue;
        }
        let start = heading.map_or(h.upper, |(r, _)| r);
        if let Some((prev, _)) = regions.last_mut() {
            prev.end = start;
        }
        regions.push((
            Region {
                cols: h.columns.clone(),
                start: h.lower + 1,
                end: last_row + 1,
            },
            heading,
        ));
    }
    let mut notes: BTreeSet<u32> = BTreeSet::new();
    let mut col_groups: Vec<(u32, u32, Columns)> = Vec::new();
    for (region, heading) in &regions {
        let cols = &region.cols;
        col_groups.push((region.start, region.end, cols.clone()));
        let mut section = Section {
            heading: heading.map(|(r, c)| text_field(r, c)).unwrap_or_default(),
            items: Vec::new(),
        };
        let mut rows: Vec<u32> = Vec::new();
        let row_list: Vec<u32> = {
            let mut r: Vec<u32> = grid
                .cells
                .range((region.start, 0)..(region.end.max(region.start), 0))
                .map(|((r, _), _)| *r)
                .collect();
            r.dedup();
            r
        };
        for r in row_list {
            if header_rows.contains(&r) {
                continue;
            }
            // The 大分類 line repeated above a table (the report writes one above each).
            let only_heading = grid
                .cells
                .range((r, 0)..=(r, u32::MAX))
                .all(|(_, v)| {
                    matches!(v, Found::Text(t) if t.contains("大分類") && squash(t).starts_with("大分類"))
                });
            if only_heading {
                for c in grid
                    .cells
                    .range((r, 0)..=(r, u32::MAX))
                    .map(|((_, c), _)| *c)
                    .collect::<Vec<_>>()
                {
                    grid.mark(r, c);
                }
                continue;
            }
            // A 小分類 heading between items, without a repeated header: a new section.
            let no_like = cols
                .no
                .is_some_and(|c| matches!(item_no(grid.get(r, c)), ItemNo::Good(_)));
            if let (Some((hr, hc)), false) = (heading_in(r, cols.last), no_like) {
                if grid.cells.range((r, 0)..=(r, u32::MAX)).count() == 1 {
                    let items = parse_items(
                        &Table {
                            grid,
                            cols,
                            at: &at,
                            text_field: &text_field,
                            labels: &labels,
                        },
                        &rows,
                        input,
                        &mut notes,
                    );
                    section.items = items;
                    sheet.sections.push(std::mem::take(&mut section));
                    section.heading = text_field(hr, hc);
                    rows.clear();
                    continue;
                }
            }
            rows.push(r);
        }
        section.items = parse_items(
            &Table {
                grid,
                cols,
                at: &at,
                text_field: &text_field,
                labels: &labels,
            },
            &rows,
            input,
            &mut notes,
        );
        sheet.sections.push(section);
    }
    // Above the first table is furniture, unless a table the reader skipped (E106) stands
    // there: its rows are a department's content.
    let furniture_end = failed.first().map_or(first.upper, |f| first.upper.min(*f));
    ledger(
        grid,
        (file, name),
        furniture_end,
        (&header_rows, &notes),
        &col_groups,
        input,
    );
    Some(sheet)
}

/// One table of a sheet as the item parser sees it: the grid, its columns, the cell and text
/// constructors that record provenance, and the 区分 labels.
#[derive(Clone, Copy)]
struct Table<'a> {
    grid: &'a Grid,
    cols: &'a Columns,
    at: &'a dyn Fn(u32, u32) -> CellRef,
    text_field: &'a dyn Fn(u32, u32) -> TextField,
    labels: &'a Labels,
}

/// Splits the rows of one table into item blocks and notes, and reads each block.
fn parse_items(
    table: &Table<'_>,
    rows: &[u32],
    input: &mut Input,
    notes: &mut BTreeSet<u32>,
) -> Vec<Item> {
    let Table {
        grid,
        cols,
        at,
        text_field,
        labels,
    } = *table;
    let mapped = cols.mapped();
    let item_cols = cols.item_cols();
    // A note row: a 計/合計 line, or text standing only in the № or 実施計画 column, or only
    // outside the table's columns.
    let is_note = |r: u32| -> bool {
        let cells: Vec<(u32, &Found)> = grid
            .cells
            .range((r, 0)..=(r, u32::MAX))
            .map(|((_, c), v)| (*c, v))
            .collect();
        let total = cells
            .iter()
            .filter(|(c, _)| *c <= cols.indicator)
            .take(2)
            .any(|(_, v)| matches!(v, Found::Text(t) if is_total_text(t)));
        let in_table: Vec<&(u32, &Found)> =
            cells.iter().filter(|(c, _)| mapped.contains(c)).collect();
        let outside_only = in_table.is_empty();
        let lone_text = in_table.len() == 1
            && item_cols.contains(&in_table[0].0)
            && matches!(in_table[0].1, Found::Text(_))
            && cols
                .no
                .is_none_or(|c| !matches!(item_no(grid.get(r, c)), ItemNo::Good(_)));
        total || outside_only || lone_text
    };
    let starts_item = |r: u32| -> bool {
        if is_note(r) {
            return false;
        }
        match cols.no {
            Some(c) => match item_no(grid.get(r, c)) {
                ItemNo::Good(_) | ItemNo::Bad => true,
                ItemNo::NotNo => false,
                ItemNo::Empty => cols.name.is_some_and(|n| *grid.get(r, n) != Found::Empty),
            },
            None => cols.name.is_some_and(|n| *grid.get(r, n) != Found::Empty),
        }
    };
    let starts: Vec<usize> = (0..rows.len()).filter(|i| starts_item(rows[*i])).collect();
    // An office that merges item cells merges every block: there, an unmerged № is a block
    // of one row, and rows below it are not its actions.
    let merge_of = |s: u32| {
        cols.no
            .and_then(|c| grid.merged_to(s, c))
            .or_else(|| cols.name.and_then(|c| grid.merged_to(s, c)))
    };
    let merged_style = starts.iter().any(|&i| merge_of(rows[i]).is_some());
    let mut in_block: HashSet<u32> = HashSet::new();
    let mut items = Vec::new();
    for (k, &si) in starts.iter().enumerate() {
        let s = rows[si];
        let next = starts.get(k + 1).copied().unwrap_or(rows.len());
        // The block: to its merge's end when the № (or 実施計画) cell is merged; else up to the
        // first note or empty row.
        let merged = merge_of(s).or(merged_style.then_some(s));
        let mut block: Vec<u32> = vec![s];
        for &r in &rows[si + 1..next] {
            match merged {
                Some(m) if r > m => break,
                Some(_) => {}
                None if r > block[block.len() - 1] + 1 || is_note(r) => break,
                None => {}
            }
            block.push(r);
        }
        in_block.extend(block.iter().copied());
        items.push(parse_item(
            grid, cols, &block, at, text_field, labels, input,
        ));
    }
    notes.extend(rows.iter().filter(|r| !in_block.contains(r)).copied());
    items
}

fn field(grid: &Grid, row: u32, col: Option<u32>, at: &dyn Fn(u32, u32) -> CellRef) -> Field {
    let Some(col) = col else {
        return Field::default();
    };
    let found = grid.take(row, col).clone();
    let value = match &found {
        Found::Empty => Value::Blank,
        Found::Number(d) => Value::Number(*d),
        Found::Text(s) => parse_text(s),
    };
    let formula = grid.formulas.get(&(row, col)).cloned();
    Field {
        value,
        found,
        at: Some(at(row, col)),
        formula,
    }
}

fn parse_item(
    grid: &Grid,
    cols: &Columns,
    rows: &[u32],
    at: &dyn Fn(u32, u32) -> CellRef,
    text_field: &dyn Fn(u32, u32) -> TextField,
    labels: &Labels,
    input: &mut Input,
) -> Item {
    let s = rows[0];
    // Item-level cells keep their place even when blank, so a finding about a missing
    // 年度計画 can name the cell to fill in.
    let opt_text = |col: Option<u32>| {
        col.map(|c| TextField {
            at: Some(at(s, c)),
            ..text_field(s, c)
        })
        .unwrap_or_default()
    };
    let mut no = field(grid, s, cols.no, at);
    match item_no(&no.found) {
        ItemNo::Good(n) => {
            if matches!(no.found, Found::Text(_)) && no.value.number().is_none() {
                // 「No.5」: the № is 5.
                no.value = Value::Number(n.into());
            }
        }
        ItemNo::Bad => {
            let found = no.found.display();
            if let Some(cell) = &no.at {
                input.findings.push(Finding::new(
                    Code::BadItemNo,
                    Location::cell(cell, None, None),
                    Some(found.clone()),
                    &[&found],
                ));
            }
        }
        ItemNo::NotNo | ItemNo::Empty => {}
    }
    let mut item = Item {
        no,
        name: opt_text(cols.name),
        status: opt_text(cols.status),
        grade: opt_text(cols.grade),
        results: opt_text(cols.results),
        plan: opt_text(cols.plan),
        at: Some(at(s, cols.no.or(cols.name).unwrap_or(0))),
        ..Item::default()
    };
    for &r in rows {
        let text = cols.action.map(|c| text_field(r, c)).unwrap_or_default();
        let marks: [TextField; 5] = std::array::from_fn(|y| {
            cols.schedule[y]
                .map(|c| text_field(r, c))
                .unwrap_or_default()
        });
        if text.text.is_some() || marks.iter().any(|m| m.text.is_some()) {
            item.actions.push(Action { text, marks });
        }
    }
    let kubun_of = |r: u32| -> String {
        cols.kubun
            .map(|c| grid.get(r, c).display())
            .unwrap_or_default()
    };
    let number_cells = |r: u32| -> Vec<u32> {
        [cols.base, cols.total]
            .into_iter()
            .chain(cols.years)
            .flatten()
            .filter(|c| {
                !grid.get(r, *c).display().is_empty()
                    && !parse_text(&grid.get(r, *c).display()).is_absent()
            })
            .collect()
    };
    let mut i = 0;
    while i < rows.len() {
        let r = rows[i];
        let name_found = grid.get(r, cols.indicator).display();
        let has_name = !name_found.is_empty() && !parse_text(&name_found).is_absent();
        let kubun = kubun_of(r);
        let is_target = matches(&kubun, &labels.target_row);
        let next = rows.get(i + 1).copied();
        let swapped = matches(&kubun, &labels.actual_row)
            && next.is_some_and(|n| matches(&kubun_of(n), &labels.target_row));
        if is_target || has_name || swapped {
            let lower_row = next.unwrap_or(r + 1);
            let (target, actual) = if swapped {
                (lower_row, r)
            } else {
                (r, lower_row)
            };
            if swapped {
                input.findings.push(Finding::new(
                    Code::SwappedRows,
                    Location::cell(
                        &at(r, cols.kubun.unwrap_or(cols.indicator)),
                        None,
                        Some(name_found.as_str()).filter(|n| !n.is_empty()),
                    ),
                    Some(kubun.clone()),
                    &[&(target + 1).to_string(), &(actual + 1).to_string()],
                ));
            }
            let ind = Indicator {
                name: text_field(r, cols.indicator),
                unit: cols.unit.map(|c| text_field(r, c)).unwrap_or_default(),
                target_label: cols
                    .kubun
                    .map(|c| text_field(target, c))
                    .unwrap_or_default(),
                actual_label: cols
                    .kubun
                    .map(|c| text_field(actual, c))
                    .unwrap_or_default(),
                base: field(grid, target, cols.base, at),
                base_again: field(grid, actual, cols.base, at),
                targets: std::array::from_fn(|y| field(grid, target, cols.years[y], at)),
                target_total: field(grid, target, cols.total, at),
                actuals: std::array::from_fn(|y| field(grid, actual, cols.years[y], at)),
                actual_total: field(grid, actual, cols.total, at),
                effect: field(grid, r, cols.effect, at),
                rate_year: field(grid, r, cols.rate_year, at),
                rate_total: field(grid, r, cols.rate_total, at),
                recalculated: None,
            };
            item.indicators.push(ind);
            i += 2;
            continue;
        }
        if i == 0 && !name_found.is_empty() {
            item.placeholder = text_field(r, cols.indicator);
        }
        let numbers = number_cells(r);
        if !has_name && kubun.is_empty() && !numbers.is_empty() {
            // Numbers without a name: named in one finding with the row below when it is the
            // same kind of row (the 実績 of the same nameless indicator).
            let mut cells: Vec<(u32, u32)> = numbers.iter().map(|c| (r, *c)).collect();
            let mut step = 1;
            if let Some(n) = next {
                let below = number_cells(n);
                if parse_text(&grid.get(n, cols.indicator).display()).is_absent()
                    && kubun_of(n).is_empty()
                    && !below.is_empty()
                {
                    cells.extend(below.iter().map(|c| (n, *c)));
                    step = 2;
                }
            }
            for (cr, cc) in &cells {
                grid.mark(*cr, *cc);
            }
            let (r0, c0) = cells[0];
            let last = cells[cells.len() - 1];
            let range = range_a1(r0, numbers[0], last.0, *numbers.iter().max().unwrap_or(&c0));
            input.findings.push(Finding::new(
                Code::UnnamedIndicatorRow,
                Location::cell(&at(r0, c0), None, None),
                Some(grid.get(r0, c0).display()),
                &[&format!("{}個のセル、{range}", cells.len())],
            ));
            i += step;
            continue;
        }
        i += 1;
    }
    // "-" cells of an item without indicators are placeholders: nothing to carry.
    let mapped = cols.mapped();
    for &r in rows {
        for ((_, c), v) in grid.cells.range((r, 0)..=(r, cols.last)) {
            if let Found::Text(t) = v {
                if t.len() <= 8
                    && !grid.is_used(r, *c)
                    && mapped.contains(c)
                    && parse_text(t) == Value::NotApplicable
                {
                    grid.mark(r, *c);
                }
            }
        }
    }
    item
}

/// One group of cells the reader did not map.
struct Group {
    cells: Vec<(u32, u32)>,
}

impl Group {
    fn range(&self) -> String {
        let (mut r0, mut c0, mut r1, mut c1) = (u32::MAX, u32::MAX, 0, 0);
        for (r, c) in &self.cells {
            r0 = r0.min(*r);
            c0 = c0.min(*c);
            r1 = r1.max(*r);
            c1 = c1.max(*c);
        }
        range_a1(r0, c0, r1, c1)
    }
}

/// The coverage ledger's findings: every non-empty cell of the sheet the reader did not
/// consume, grouped so that a clerk reads a few lines: layout furniture above the table and in
/// header rows (info), one finding per unmapped column of a table, one per note region
/// (rows outside every item block, or cells right of the table).
fn ledger(
    grid: &Grid,
    (file, sheet): (&str, &str),
    furniture_end: u32,
    (header_rows, notes): (&BTreeSet<u32>, &BTreeSet<u32>),
    regions: &[(u32, u32, Columns)],
    input: &mut Input,
) {
    let mut furniture: Vec<Group> = Vec::new();
    let mut note_groups: Vec<Group> = Vec::new();
    let mut columns: BTreeMap<u32, Group> = BTreeMap::new();
    let mut header_cells: Vec<(u32, u32)> = Vec::new();
    let push_run = |groups: &mut Vec<Group>, r: u32, c: u32| match groups.last_mut() {
        Some(g) if g.cells.last().is_some_and(|(lr, _)| r <= lr + 1) => g.cells.push((r, c)),
        _ => groups.push(Group {
            cells: vec![(r, c)],
        }),
    };
    for ((r, c), v) in &grid.cells {
        let (r, c) = (*r, *c);
        if grid.is_used(r, c) || crate::own::is_own_line(&v.display()) {
            continue;
        }
        if r < furniture_end {
            push_run(&mut furniture, r, c);
            continue;
        }
        if header_rows.contains(&r) {
            header_cells.push((r, c));
            continue;
        }
        let region = regions.iter().any(|(s, e, _)| (*s..*e).contains(&r));
        if region && !notes.contains(&r) {
            columns
                .entry(c)
                .or_insert(Group { cells: Vec::new() })
                .cells
                .push((r, c));
        } else {
            push_run(&mut note_groups, r, c);
        }
    }
    // The header cell of an unread column is part of that column's finding.
    let mut header_furniture: Vec<Group> = Vec::new();
    for (r, c) in header_cells {
        match columns.get_mut(&c) {
            Some(g) => g.cells.push((r, c)),
            None => push_run(&mut header_furniture, r, c),
        }
    }
    furniture.extend(header_furniture);
    for g in columns.values_mut() {
        g.cells.sort_unstable();
    }
    let cell = |r: u32, c: u32| CellRef {
        file: file.into(),
        sheet: sheet.into(),
        row: r,
        col: c,
    };
    let short = |r: u32, c: u32| -> String {
        let t = grid.get(r, c).display();
        let t: String = t.chars().filter(|c| !c.is_control()).take(20).collect();
        t
    };
    for (code, groups) in [
        (Code::FurnitureNotRead, furniture),
        (Code::NoteNotRead, note_groups),
    ] {
        for g in groups {
            let (r, c) = g.cells[0];
            input.findings.push(Finding::new(
                code,
                Location::cell(&cell(r, c), None, None),
                Some(grid.get(r, c).display()),
                &[&short(r, c), &g.cells.len().to_string(), &g.range()],
            ));
        }
    }
    for (col, g) in columns {
        let (r, c) = g.cells[0];
        let head = regions
            .iter()
            .find_map(|(_, _, cols)| cols.heads.get(&col))
            .map_or_else(|| "なし".to_string(), |h| h.split_whitespace().collect());
        let letters: String = a1(0, col).trim_end_matches('1').to_string();
        input.findings.push(Finding::new(
            Code::ColumnNotRead,
            Location::cell(&cell(r, c), None, None),
            Some(grid.get(r, c).display()),
            &[&letters, &head, &g.cells.len().to_string(), &g.range()],
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Labels {
        Labels::new(&Layout::builtin())
    }

    fn kind(text: &str) -> Option<Kind> {
        match labels().classify(text) {
            Label::Known { kind, .. } => Some(kind),
            _ => None,
        }
    }

    #[test]
    fn labels_are_read_by_meaning() {
        assert_eq!(kind("評価(A～C)"), Some(Kind::Grade));
        assert_eq!(kind("達成状況（達成・未達成）"), Some(Kind::Status));
        assert_eq!(kind("合計目標\n達成率"), Some(Kind::RateTotal));
        assert_eq!(kind("合計"), Some(Kind::Total));
        assert_eq!(kind("実施効果額"), Some(Kind::Effect));
        assert_eq!(kind("Ｎｏ．"), Some(Kind::No));
        assert_eq!(kind("単位"), Some(Kind::Unit));
        assert_eq!(
            labels().classify("年度実績(R1年度)"),
            Label::Known {
                kind: Kind::Results,
                year: Some(YearLabel::Plan(Year::ALL[0])),
                exact: true
            }
        );
        assert_eq!(
            labels().classify("令和元年度\n年度実績"),
            Label::Known {
                kind: Kind::Results,
                year: Some(YearLabel::Plan(Year::ALL[0])),
                exact: true
            }
        );
        assert_eq!(kind("備考"), None);
    }

    #[test]
    fn years_in_every_form() {
        let y = |s: &str| year_label(&norm(s));
        for s in [
            "R1",
            "Ｒ１",
            "R元",
            "令和元年度",
            "H31",
            "平成31年度",
            "R1年度",
        ] {
            assert_eq!(y(s), Some(YearLabel::Plan(Year::ALL[0])), "{s}");
        }
        assert_eq!(y("令和５年度"), Some(YearLabel::Plan(Year::ALL[4])));
        for s in ["H30", "平成29年度", "2019", "2019年度", "R6"] {
            assert_eq!(y(s), Some(YearLabel::Outside), "{s}");
        }
        assert_eq!(y("29基準"), None);
        assert_eq!(y("合計"), None);
    }

    #[test]
    fn item_numbers_by_structure() {
        let t = |s: &str| item_no(&Found::Text(s.into()));
        assert!(matches!(t("No.5"), ItemNo::Good(5)));
        assert!(matches!(t("①"), ItemNo::Good(1)));
        assert!(matches!(t("※注"), ItemNo::NotNo));
        assert!(matches!(t("0"), ItemNo::Bad));
        assert!(matches!(
            item_no(&Found::Number("5.5".parse().unwrap())),
            ItemNo::Bad
        ));
        assert!(matches!(item_no(&Found::Number((-3).into())), ItemNo::Bad));
    }
}
