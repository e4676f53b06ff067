//! shinchoku's own content: everything shinchoku writes into a workbook that can come back as an
//! input (its hidden sheets, and the notes, cover and instruction lines that later issues add to
//! return workbooks and templates). The reader consumes what is registered here: it is never
//! reported as stray and never carried as a department's content. Each later addition registers
//! itself in this one place.

use crate::history::HISTORY_SHEET;
use crate::value::squash;

/// A sheet shinchoku writes beside the 大分類 sheets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnSheet {
    /// The cumulative 変更履歴 (veryHidden in `report.xlsx`): its rows are read back.
    History,
}

/// Every sheet shinchoku writes besides the 大分類 sheets, by name.
pub const SHEETS: &[(&str, OwnSheet)] = &[(HISTORY_SHEET, OwnSheet::History)];

/// Lines shinchoku writes on a 大分類 sheet outside the table (cover and instruction lines of
/// return workbooks and templates), matched after normalisation by prefix. Empty today: the
/// report workbook carries none (its correction notes are cell comments, which are not cells).
pub const LINES: &[&str] = &[];

/// The own sheet called `name`, if shinchoku writes one by that name.
pub fn sheet(name: &str) -> Option<OwnSheet> {
    SHEETS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
}

/// True if `text` is one of shinchoku's own lines.
pub fn is_own_line(text: &str) -> bool {
    if LINES.is_empty() {
        return false;
    }
    let s = squash(text);
    LINES.iter().any(|l| s.starts_with(&squash(l)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_history_sheet_is_registered() {
        assert_eq!(sheet(HISTORY_SHEET), Some(OwnSheet::History));
        assert_eq!(sheet("大分類1"), None);
        assert!(!is_own_line("大分類１ 組織・人材マネジメントの見直し"));
    }
}
