//! Where each value read from an input went in the written workbook: (input file, sheet, row,
//! column) → (report sheet, row, column), recorded while the sheets are written, so that the
//! review workbook can link a finding to its cell in the report.

use crate::finding::{Finding, Location};
use crate::model::CellRef;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// A cell of the written workbook: sheet, 0-based row and column.
pub type ReportCell = (Arc<str>, u32, u16);

/// An input cell: file, sheet, 0-based row and column.
type InputCell = (Arc<str>, Arc<str>, u32, u32);

/// The written place of the values read from the input cells asked for (the cells of the
/// findings the workbook links to): only those are kept, not one entry per written cell.
#[derive(Debug, Default)]
pub struct Placed {
    cells: RefCell<HashMap<InputCell, Option<ReportCell>>>,
    /// The (row, column) of every cell asked for: most written cells are not, and this tells
    /// so without hashing the file and sheet names.
    positions: HashSet<(u32, u32)>,
}

impl Placed {
    /// Keeps the written place of the cell of each of `findings` (those about a cell).
    pub fn of(findings: &[Finding]) -> Placed {
        let wanted: HashMap<InputCell, Option<ReportCell>> = (findings.iter())
            .filter_map(|f| Some((key(&f.at)?, None)))
            .collect();
        Placed {
            positions: wanted.keys().map(|(_, _, r, c)| (*r, *c)).collect(),
            cells: RefCell::new(wanted),
        }
    }

    /// Records that the value read from `at` was written at `cell`, if that cell was asked for
    /// (the first place it was written wins).
    pub(super) fn record(&self, at: Option<&CellRef>, cell: ReportCell) {
        if let Some(at) = at.filter(|at| self.positions.contains(&(at.row, at.col))) {
            let mut map = self.cells.borrow_mut();
            let slot = map.get_mut(&(at.file.clone(), at.sheet.clone(), at.row, at.col));
            if let Some(slot @ None) = slot {
                *slot = Some(cell);
            }
        }
    }

    /// The written cell of the value a finding is about, if it was asked for and written.
    pub fn get(&self, at: &Location) -> Option<ReportCell> {
        self.cells.borrow().get(&key(at)?).cloned().flatten()
    }
}

/// The input cell of a finding's location, if it is about one.
fn key(at: &Location) -> Option<InputCell> {
    let (sheet, (row, col)) = (at.sheet.as_deref()?, at.pos?);
    Some((at.file.as_str().into(), sheet.into(), row, col))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Code;

    fn at(row: u32) -> CellRef {
        CellRef {
            file: "a.xlsx".into(),
            sheet: "大分類1".into(),
            row,
            col: 2,
        }
    }

    #[test]
    fn keeps_the_first_place_of_the_cells_findings_link_to_and_no_other() {
        let linked = Location::cell(&at(4), Some(1), None);
        let other = Location::cell(&at(5), Some(1), None);
        let finding = Finding::new(Code::LockFileSkipped, linked.clone(), None, &[]);
        let placed = Placed::of(&[finding]);
        placed.record(Some(&at(4)), ("大分類1".into(), 10, 3));
        placed.record(Some(&at(4)), ("大分類1".into(), 20, 3));
        placed.record(Some(&at(5)), ("大分類1".into(), 11, 3));
        assert_eq!(placed.get(&linked), Some(("大分類1".into(), 10, 3)));
        assert_eq!(placed.get(&other), None);
        assert_eq!(placed.cells.borrow().len(), 1);
    }
}
