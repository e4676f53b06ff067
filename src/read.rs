//! Reading: an office workbook (.xlsx, also .xls/.ods where calamine can) → [`Report`].
//!
//! Cells are streamed into a sparse grid (a stray cell at XFD1048576 costs one entry, not a
//! giant range), the table header is found by its labels, and every item block is walked with
//! each value's provenance (file, sheet, A1 cell).

use crate::error::{Error, Result};
use crate::finding::{Code, Finding, Location};
use crate::history::{HistoryRow, HISTORY_SHEET};
use crate::layout::{matches, Layout};
use crate::model::{
    Action, CellRef, Field, Found, Indicator, Item, Report, Section, Sheet, TextField, Year,
};
use crate::value::{from_f64, parse_text, squash, squash_cow, Value};
use calamine::{Data, DataRef, Reader};
use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

/// One worksheet's non-empty cells. Merges are not read: an item block runs from its № (or
/// 実施計画) cell to the next one, its trailing empty rows trimmed, whether or not the office
/// merged the block's cells.
#[derive(Default)]
struct Grid {
    cells: BTreeMap<(u32, u32), Found>,
}

impl Grid {
    fn get(&self, row: u32, col: u32) -> &Found {
        static EMPTY: Found = Found::Empty;
        self.cells.get(&(row, col)).unwrap_or(&EMPTY)
    }

    /// Rows that hold at least one cell in columns `..=last_col`.
    fn rows_with_content(&self, last_col: u32) -> Vec<u32> {
        let mut rows: Vec<u32> = self
            .cells
            .keys()
            .filter(|(_, c)| *c <= last_col)
            .map(|(r, _)| *r)
            .collect();
        rows.dedup();
        rows
    }

    fn row_is_empty(&self, row: u32, last_col: u32) -> bool {
        self.cells
            .range((row, 0)..=(row, last_col))
            .all(|(_, v)| *v == Found::Empty)
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
    load_grids(path, bytes, &mut |name, grid| {
        any_cells |= !grid.cells.is_empty();
        if name == HISTORY_SHEET {
            input.history = history_rows(&grid);
            return;
        }
        match parse_sheet(&file, &name, &grid, layout, &mut input) {
            Some(sheet) => input.report.sheets.push(sheet),
            None => input.findings.push(Finding::new(
                Code::SheetSkipped,
                Location {
                    file: file.clone(),
                    sheet: Some(name.clone()),
                    ..Location::default()
                },
                None,
                &[],
            )),
        }
    })?;
    if !any_cells {
        return Err(Error::EmptyWorkbook(path.to_path_buf()));
    }
    if input.report.sheets.is_empty() {
        return Err(Error::NoReportSheet(path.to_path_buf()));
    }
    Ok(input)
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
/// order.
fn load_grids(path: &Path, bytes: Vec<u8>, sheet: &mut dyn FnMut(String, Grid)) -> Result<()> {
    let not_workbook = |detail: String| Error::NotWorkbook {
        path: path.to_path_buf(),
        detail,
    };
    if bytes.starts_with(b"PK") {
        crate::guard::check_xlsx(path, &bytes)?;
        let mut xlsx = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
            calamine::XlsxError::Password => Error::Encrypted(path.to_path_buf()),
            e => not_workbook(e.to_string()),
        })?;
        for name in xlsx.sheet_names() {
            let mut grid = Grid::default();
            {
                let mut cells = xlsx
                    .worksheet_cells_reader(&name)
                    .map_err(|e| not_workbook(e.to_string()))?;
                while let Some(cell) = cells.next_cell().map_err(|e| not_workbook(e.to_string()))? {
                    let found = found_of_ref(cell.get_value());
                    if found != Found::Empty {
                        grid.cells.insert(cell.get_position(), found);
                    }
                }
            }
            sheet(name, grid);
        }
        return Ok(());
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
        for name in xls.sheet_names() {
            let range = xls
                .worksheet_range(&name)
                .map_err(|e| not_workbook(e.to_string()))?;
            sheet(name, grid_from_range(&range));
        }
        return Ok(());
    }
    Err(not_workbook(
        "先頭がExcelブック（xlsx/xls）の形式ではありません".into(),
    ))
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
        Data::DateTime(d) => number_or_text(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Found::Text(s.clone()),
        Data::Error(e) => Found::Text(e.to_string()),
        Data::Empty => Found::Empty,
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
}

/// A table header: its two rows and the columns it defines.
struct HeaderAt {
    upper: u32,
    lower: u32,
    columns: Columns,
}

/// Longest cell text (in bytes) that is tried as a header label.
const MAX_LABEL_BYTES: usize = 120;

/// Finds every header in a sheet: a row with the 項目 and 29基準 labels (the lower header row).
fn find_headers(
    grid: &Grid,
    layout: &Layout,
    file: &str,
    sheet: &str,
    input: &mut Input,
) -> Vec<HeaderAt> {
    let l = &layout.labels;
    let mut headers = Vec::new();
    let rows: Vec<u32> = {
        let mut r: Vec<u32> = grid.cells.keys().map(|(r, _)| *r).collect();
        r.dedup();
        r
    };
    // Variants normalised once; each cell once per row. Long texts (年度実績 …) are never a
    // header label, so they are not normalised at all: this loop sees every row of the sheet.
    let squashed = |variants: &[String]| -> Vec<String> {
        variants
            .iter()
            .map(|v| squash(v))
            .filter(|v| !v.is_empty())
            .collect()
    };
    let (indicator, base, effect) = (
        squashed(&l.indicator),
        squashed(&l.base),
        squashed(&l.effect),
    );
    for &row in &rows {
        let labels: Vec<std::borrow::Cow<'_, str>> = grid
            .cells
            .range((row, 0)..=(row, u32::MAX))
            .filter_map(|(_, v)| match v {
                Found::Text(t) if t.len() <= MAX_LABEL_BYTES => Some(squash_cow(t)),
                _ => None,
            })
            .collect();
        let has = |variants: &[String]| {
            labels
                .iter()
                .any(|t| variants.iter().any(|v| v.as_str() == t.as_ref()))
        };
        if !(has(&indicator) && (has(&base) || has(&effect))) {
            continue;
        }
        let upper = row.saturating_sub(1);
        if let Some(columns) = header_columns(grid, layout, upper, row, file, sheet, input) {
            headers.push(HeaderAt {
                upper,
                lower: row,
                columns,
            });
        }
    }
    headers
}

/// Maps the labels of rows `upper` and `lower` to columns.
fn header_columns(
    grid: &Grid,
    layout: &Layout,
    upper: u32,
    lower: u32,
    file: &str,
    sheet: &str,
    input: &mut Input,
) -> Option<Columns> {
    let l = &layout.labels;
    let mut labels: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for r in [upper, lower] {
        for ((_, c), v) in grid.cells.range((r, 0)..=(r, u32::MAX)) {
            labels.entry(*c).or_default().push(v.display());
        }
    }
    // Labels split over both rows ("R1年度" above "年度実績") are also tried joined.
    for texts in labels.values_mut() {
        if texts.len() == 2 {
            let joined = format!("{}{}", texts[0], texts[1]);
            texts.push(joined);
        }
    }
    let find = |variants: &[String]| -> Option<u32> {
        labels
            .iter()
            .find(|(_, texts)| texts.iter().any(|t| matches(t, variants)))
            .map(|(c, _)| *c)
    };
    let ends_with = |variants: &[String]| -> Option<(u32, String)> {
        labels.iter().find_map(|(c, texts)| {
            texts.iter().find_map(|t| {
                let s = squash(t);
                variants
                    .iter()
                    .any(|v| s.ends_with(&squash(v)))
                    .then(|| (*c, t.clone()))
            })
        })
    };
    let indicator = find(&l.indicator)?;
    let mut cols = Columns {
        no: find(&l.no),
        name: find(&l.name),
        action: find(&l.actions),
        indicator,
        base: find(&l.base),
        total: find(&l.total),
        effect: find(&l.effect),
        rate_year: find(&l.rate_year),
        rate_total: find(&l.rate_total),
        status: find(&l.status),
        grade: find(&l.grade),
        ..Columns::default()
    };
    cols.kubun = find(&l.kubun).or_else(|| {
        let next = indicator + 1;
        (!labels.contains_key(&next) || labels[&next].iter().all(|t| squash(t).is_empty()))
            .then_some(next)
    });
    if let Some((c, text)) = ends_with(&l.results) {
        cols.results = Some(c);
        let s = squash(&text);
        let prefix = l
            .results
            .iter()
            .find_map(|v| s.strip_suffix(&squash(v)))
            .unwrap_or("");
        if let Some(year) = Year::parse(prefix) {
            let at = CellRef {
                file: file.into(),
                sheet: sheet.into(),
                row: if grid.get(upper, c).display().is_empty() {
                    lower
                } else {
                    upper
                },
                col: c,
            };
            match &input.header_year {
                None => input.header_year = Some((year, text.clone(), at)),
                Some((y, first, first_at)) if *y != year => {
                    let found = Some(text.clone());
                    let other = format!("{} {}", first_at.sheet, first_at.a1());
                    input.findings.push(Finding::new(
                        Code::YearHeaderMismatch,
                        Location::cell(&at, None, None),
                        found,
                        &[&text, &format!("「{first}」{other}")],
                    ));
                }
                Some(_) => {}
            }
        }
    }
    cols.plan = ends_with(&l.plan).map(|(c, _)| c);
    for (c, texts) in &labels {
        if let Some(y) = texts.iter().find_map(|t| {
            let s = squash(t);
            (s.len() <= 12).then(|| Year::parse(&s)).flatten()
        }) {
            let slot = if *c < indicator {
                &mut cols.schedule
            } else {
                &mut cols.years
            };
            slot[y.index()].get_or_insert(*c);
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
        let at = CellRef {
            file: file.into(),
            sheet: sheet.into(),
            row: lower,
            col: indicator,
        };
        input.findings.push(Finding::new(
            Code::IncompleteHeader,
            Location::cell(&at, None, None),
            None,
            &[&missing.join("」「")],
        ));
        return None;
    }
    cols.last = labels.keys().copied().max().unwrap_or(indicator);
    Some(cols)
}

/// Parses one worksheet; None when it holds no report table.
fn parse_sheet(
    file: &str,
    name: &str,
    grid: &Grid,
    layout: &Layout,
    input: &mut Input,
) -> Option<Sheet> {
    let headers = find_headers(grid, layout, file, name, input);
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
        match grid.get(row, col) {
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
    for (hi, header) in headers.iter().enumerate() {
        let cols = &header.columns;
        // The 小分類 heading: the nearest row above the header with "小分類".
        let heading_row = (header.upper.saturating_sub(3)..header.upper)
            .rev()
            .find(|r| {
                grid.cells
                    .range((*r, 0)..=(*r, cols.last))
                    .any(|(_, v)| squash(&v.display()).contains("小分類"))
            });
        let heading = heading_row
            .and_then(|r| {
                grid.cells
                    .range((r, 0)..=(r, cols.last))
                    .find(|(_, v)| squash(&v.display()).contains("小分類"))
                    .map(|((r, c), _)| text_field(*r, *c))
            })
            .unwrap_or_default();
        let end = match headers.get(hi + 1) {
            Some(next) => {
                let next_heading = (next.upper.saturating_sub(3)..next.upper).find(|r| {
                    grid.cells
                        .range((*r, 0)..=(*r, cols.last))
                        .any(|(_, v)| squash(&v.display()).contains("小分類"))
                });
                next_heading.unwrap_or(next.upper)
            }
            None => grid
                .rows_with_content(cols.last)
                .last()
                .map_or(header.lower + 1, |r| r + 1),
        };
        let items = parse_items(grid, cols, header.lower + 1, end, &at, &text_field, layout);
        sheet.sections.push(Section { heading, items });
    }
    Some(sheet)
}

/// Walks the item blocks in rows `start..end` of one table.
fn parse_items(
    grid: &Grid,
    cols: &Columns,
    start: u32,
    end: u32,
    at: &dyn Fn(u32, u32) -> CellRef,
    text_field: &dyn Fn(u32, u32) -> TextField,
    layout: &Layout,
) -> Vec<Item> {
    let key = cols.no.or(cols.name);
    let starts: Vec<u32> = (start..end)
        .filter(|r| {
            key.is_some_and(|c| *grid.get(*r, c) != Found::Empty)
                || cols.name.is_some_and(|c| *grid.get(*r, c) != Found::Empty)
        })
        .collect();
    let mut items = Vec::new();
    for (i, &s) in starts.iter().enumerate() {
        let mut e = starts.get(i + 1).copied().unwrap_or(end);
        while e > s + 1 && grid.row_is_empty(e - 1, cols.last) {
            e -= 1;
        }
        items.push(parse_item(grid, cols, s, e, at, text_field, layout));
    }
    items
}

fn field(grid: &Grid, row: u32, col: Option<u32>, at: &dyn Fn(u32, u32) -> CellRef) -> Field {
    let Some(col) = col else {
        return Field::default();
    };
    let found = grid.get(row, col).clone();
    let value = match &found {
        Found::Empty => Value::Blank,
        Found::Number(d) => Value::Number(*d),
        Found::Text(s) => parse_text(s),
    };
    Field {
        value,
        found,
        at: Some(at(row, col)),
    }
}

fn parse_item(
    grid: &Grid,
    cols: &Columns,
    s: u32,
    e: u32,
    at: &dyn Fn(u32, u32) -> CellRef,
    text_field: &dyn Fn(u32, u32) -> TextField,
    layout: &Layout,
) -> Item {
    // Item-level cells keep their place even when blank, so a finding about a missing
    // 年度計画 can name the cell to fill in.
    let opt_text = |col: Option<u32>| {
        col.map(|c| TextField {
            at: Some(at(s, c)),
            ..text_field(s, c)
        })
        .unwrap_or_default()
    };
    let mut item = Item {
        no: field(grid, s, cols.no, at),
        name: opt_text(cols.name),
        status: opt_text(cols.status),
        grade: opt_text(cols.grade),
        results: opt_text(cols.results),
        plan: opt_text(cols.plan),
        at: Some(at(s, cols.no.or(cols.name).unwrap_or(0))),
        ..Item::default()
    };
    for r in s..e {
        let text = opt_text_at(cols.action, r, text_field);
        let marks: [TextField; 5] = std::array::from_fn(|y| {
            cols.schedule[y]
                .map(|c| text_field(r, c))
                .unwrap_or_default()
        });
        if text.text.is_some() || marks.iter().any(|m| m.text.is_some()) {
            item.actions.push(Action { text, marks });
        }
    }
    let mut r = s;
    while r < e {
        let name = text_field(r, cols.indicator);
        let kubun = cols.kubun.map(|c| text_field(r, c)).unwrap_or_default();
        let is_target_row = matches(kubun.as_str(), &layout.labels.target_row);
        let has_name = name
            .text
            .as_deref()
            .is_some_and(|t| !parse_text(t).is_absent());
        if is_target_row || has_name {
            let lower = r + 1;
            let ind = Indicator {
                name,
                target_label: kubun,
                actual_label: cols.kubun.map(|c| text_field(lower, c)).unwrap_or_default(),
                base: field(grid, r, cols.base, at),
                base_again: field(grid, lower, cols.base, at),
                targets: std::array::from_fn(|y| field(grid, r, cols.years[y], at)),
                target_total: field(grid, r, cols.total, at),
                actuals: std::array::from_fn(|y| field(grid, lower, cols.years[y], at)),
                actual_total: field(grid, lower, cols.total, at),
                effect: field(grid, r, cols.effect, at),
                rate_year: field(grid, r, cols.rate_year, at),
                rate_total: field(grid, r, cols.rate_total, at),
                recalculated: None,
            };
            item.indicators.push(ind);
            r += 2;
        } else {
            if r == s && name.text.is_some() {
                item.placeholder = name;
            }
            r += 1;
        }
    }
    item
}

fn opt_text_at(
    col: Option<u32>,
    row: u32,
    text_field: &dyn Fn(u32, u32) -> TextField,
) -> TextField {
    col.map(|c| text_field(row, c)).unwrap_or_default()
}
