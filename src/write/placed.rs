//! Where each value read from an input went in the written workbook: (input file, sheet, row,
//! column) → (report sheet, row, column), recorded while the sheets are written, so that the
//! review workbook can link a finding to its cell in the report.

use crate::finding::Location;
use crate::model::CellRef;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// A cell of the written workbook: sheet, 0-based row and column.
pub type ReportCell = (Arc<str>, u32, u16);

/// An input cell: file, sheet, 0-based row and column.
type InputCell = (Arc<str>, Arc<str>, u32, u32);

/// The written place of every value read from an input cell.
#[derive(Debug, Default)]
pub struct Placed(RefCell<HashMap<InputCell, ReportCell>>);

impl Placed {
    /// Records that the value read from `at` was written at `cell`.
    pub(super) fn record(&self, at: Option<&CellRef>, cell: ReportCell) {
        if let Some(at) = at {
            self.0
                .borrow_mut()
                .entry((at.file.clone(), at.sheet.clone(), at.row, at.col))
                .or_insert(cell);
        }
    }

    /// The written cell of the value a finding is about, if it was written.
    pub fn get(&self, at: &Location) -> Option<ReportCell> {
        let (sheet, (row, col)) = (at.sheet.as_deref()?, at.pos?);
        let key: InputCell = (at.file.as_str().into(), sheet.into(), row, col);
        self.0.borrow().get(&key).cloned()
    }
}
