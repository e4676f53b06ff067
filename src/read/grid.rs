//! The sparse grid of one worksheet and the pass that loads it from the workbook's bytes.

use crate::error::{Error, Result};
use crate::model::Found;
use crate::sheets::{Extras, SheetStructure, Skip, Styles};
use crate::value::{excel_date, from_f64};
use calamine::{Data, DataRef, Reader};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Cursor;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

/// One worksheet's non-empty cells, its merged ranges and the coverage ledger: every cell the
/// reader consumes is marked, so that whatever is left can be named in a finding.
#[derive(Default)]
pub(super) struct Grid {
    pub(super) cells: BTreeMap<(u32, u32), Found>,
    /// The formulas of the cells that hold one (read in the same pass as the values).
    pub(super) formulas: HashMap<(u32, u32), String>,
    /// Merged ranges by their top-left cell: the bottom-right cell.
    pub(super) merges: HashMap<(u32, u32), (u32, u32)>,
    /// The cells the reader consumed (read into the model or named in a finding).
    pub(super) used: RefCell<HashSet<(u32, u32)>>,
    /// What the sheet holds around its values: hidden rows, manual breaks, cell styles, links.
    pub(super) structure: SheetStructure,
    /// The workbook's cell styles (number formats, fills), shared by its sheets.
    pub(super) styles: Arc<Styles>,
}

impl Grid {
    pub(super) fn get(&self, row: u32, col: u32) -> &Found {
        static EMPTY: Found = Found::Empty;
        self.cells.get(&(row, col)).unwrap_or(&EMPTY)
    }

    /// The cell, marked as consumed.
    pub(super) fn take(&self, row: u32, col: u32) -> &Found {
        let f = self.get(row, col);
        if *f != Found::Empty {
            self.used.borrow_mut().insert((row, col));
        }
        f
    }

    pub(super) fn mark(&self, row: u32, col: u32) {
        if self.cells.contains_key(&(row, col)) {
            self.used.borrow_mut().insert((row, col));
        }
    }

    pub(super) fn is_used(&self, row: u32, col: u32) -> bool {
        self.used.borrow().contains(&(row, col))
    }

    /// The last row of the merged range starting at (row, col), if any.
    pub(super) fn merged_to(&self, row: u32, col: u32) -> Option<u32> {
        self.merges.get(&(row, col)).map(|(r, _)| *r)
    }

    /// The part of the sheet in `rows` and `cols`, as a sheet of its own (a table beside or
    /// below another): cells keep their place, the ledger starts empty.
    pub(super) fn band(&self, rows: Range<u32>, cols: Range<u32>) -> Grid {
        let inside = |(r, c): (u32, u32)| rows.contains(&r) && cols.contains(&c);
        Grid {
            cells: (self.cells.iter())
                .filter(|(k, _)| inside(**k))
                .map(|(k, v)| (*k, v.clone()))
                .collect(),
            formulas: (self.formulas.iter())
                .filter(|(k, _)| inside(**k))
                .map(|(k, v)| (*k, v.clone()))
                .collect(),
            merges: (self.merges.iter())
                .filter(|(k, _)| inside(**k))
                .map(|(k, v)| (*k, *v))
                .collect(),
            used: RefCell::default(),
            structure: self.structure.clone(),
            styles: self.styles.clone(),
        }
    }

    pub(super) fn row_has_number(&self, row: u32) -> bool {
        self.cells
            .range((row, 0)..=(row, u32::MAX))
            .any(|(_, v)| matches!(v, Found::Number(_)))
    }
}

pub(super) const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Opens the workbook from its bytes and hands each sheet's name and grid to `sheet`, in sheet
/// order (or why the sheet is not read: a chart or hidden sheet); returns what an .xlsx holds
/// beyond its cells.
pub(super) fn load_grids(
    path: &Path,
    bytes: Vec<u8>,
    sheet: &mut dyn FnMut(String, std::result::Result<Grid, Skip>),
) -> Result<Extras> {
    let not_workbook = |detail: String| not_a_workbook(path, detail);
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
        // The structure scan (merges, hidden rows, styles …) reads each sheet's XML on a
        // second core while calamine reads the same sheets' cells on this one.
        let (mut extras, grids) = std::thread::scope(|scope| {
            let scan = scope.spawn(|| crate::sheets::scan(&bytes));
            let grids = cell_grids(path, crate::sheets::normalised(bytes.clone()));
            let extras = scan
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (extras, grids)
        });
        let styles = Arc::new(std::mem::take(&mut extras.styles));
        for (name, grid) in grids? {
            let grid = grid.map(|mut grid| {
                // Merges bound item blocks (from the structure scan: no second parse).
                grid.structure = extras.structures.remove(&name).unwrap_or_default();
                grid.merges = grid.structure.merges.iter().copied().collect();
                grid.styles = styles.clone();
                grid
            });
            sheet(name, grid);
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

/// Every sheet's name and cells (each cell's value, a formula's cached result, and its
/// formula) in sheet order, or why the sheet is not read; structure and styles not yet set.
fn cell_grids(
    path: &Path,
    bytes: Vec<u8>,
) -> Result<Vec<(String, std::result::Result<Grid, Skip>)>> {
    let not_workbook = |detail: String| not_a_workbook(path, detail);
    let mut xlsx = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsxError::Password => Error::Encrypted(path.to_path_buf()),
        e => not_workbook(e.to_string()),
    })?;
    let mut grids = Vec::new();
    for meta in xlsx.sheets_metadata().to_vec() {
        let name = meta.name;
        if let Some(skip) = crate::sheets::skip(&name, meta.typ, meta.visible) {
            grids.push((name, Err(skip)));
            continue;
        }
        let mut grid = Grid::default();
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
        drop(cells);
        grids.push((name, Ok(grid)));
    }
    Ok(grids)
}

/// The error for `path` that calamine could not read as a workbook, saying why.
fn not_a_workbook(path: &Path, detail: String) -> Error {
    Error::NotWorkbook {
        path: path.to_path_buf(),
        detail,
    }
}

/// What a file that is no workbook is, by its first bytes and name, and what to do with it.
pub(super) fn what_it_is(path: &Path, bytes: &[u8]) -> String {
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

pub(super) fn grid_from_range(range: &calamine::Range<Data>) -> Grid {
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

pub(super) fn number_or_text(f: f64) -> Found {
    match from_f64(f) {
        Some(d) => Found::Number(d),
        None if f.is_finite() => Found::Huge(format!("{f:e}")),
        None => Found::Text(f.to_string()),
    }
}

pub(super) fn found_of_ref(v: &DataRef<'_>) -> Found {
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

pub(super) fn found_of_data(v: &Data) -> Found {
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
