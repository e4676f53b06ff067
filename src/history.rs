//! The 変更履歴 rows: their shape, the sheet's name and header, and reading a row back from the
//! cells of that sheet (a report written by shinchoku comes back as an input with its earlier
//! rows). Building rows from this run's corrections is `correct::history`, a later stage; writing
//! the sheet is the writer's.

use crate::value::squash;

/// The name of the change-log sheet in the report workbook.
pub const HISTORY_SHEET: &str = "変更履歴";

/// The header row of the 変更履歴 sheet: the run number, then the columns of `changes.csv`.
pub const HISTORY_HEADER: [&str; 11] = [
    "回",
    "ファイル",
    "シート",
    "セル",
    "項目№",
    "指標",
    "欄",
    "修正前",
    "修正後",
    "コード",
    "理由",
];

/// One row of the 変更履歴 sheet: which run made the change, and the change as in `changes.csv`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HistoryRow {
    /// The run number (1 for the first report, 2 for the next re-run …).
    pub run: u32,
    /// file, sheet, cell, item, indicator, field, old, new, code, reason.
    pub cells: [String; 10],
}

impl HistoryRow {
    /// A row from the cells of a 変更履歴 sheet row (the run number first); None for a row
    /// that is not one (blank, or no run number).
    pub fn from_cells(cells: Vec<String>) -> Option<HistoryRow> {
        let mut cells = cells.into_iter();
        let run = squash(&cells.next()?).parse().ok()?;
        let rest: [String; 10] = std::array::from_fn(|_| cells.next().unwrap_or_default());
        Some(HistoryRow { run, cells: rest })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_reads_back_from_its_cells() {
        let cells: Vec<String> = ["2", "a.xlsx", "大分類1"].map(String::from).into();
        let row = HistoryRow::from_cells(cells).unwrap();
        assert_eq!(
            (row.run, row.cells[1].as_str(), row.cells[9].as_str()),
            (2, "大分類1", "")
        );
        assert_eq!(HistoryRow::from_cells(vec!["回".to_string()]), None);
    }
}
