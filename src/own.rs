//! shinchoku's own content: everything shinchoku writes into a workbook that can come back as an
//! input (its hidden sheets, and the notes, cover and instruction lines that later issues add to
//! return workbooks and templates). The reader consumes what is registered here: it is never
//! reported as stray and never carried as a department's content. Each later addition registers
//! itself in this one place.

use crate::history::HISTORY_SHEET;
use crate::reference::REFERENCE_SHEET;
use crate::value::squash;

/// A sheet shinchoku writes beside the 大分類 sheets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnSheet {
    /// The cumulative 変更履歴 (veryHidden in `report.xlsx`): its rows are read back.
    History,
    /// The plan and earlier actuals as sent (veryHidden in a `template --from` workbook):
    /// read into the input's reference for `drift`.
    Reference,
    /// A return workbook's 指摘一覧: shinchoku's list of the findings, passed over when the
    /// workbook comes back as a submission.
    Findings,
}

/// The findings sheet of a return workbook (返却/<stem>_確認.xlsx).
pub const FINDINGS_SHEET: &str = "指摘一覧";

/// Every sheet shinchoku writes besides the 大分類 sheets, by name.
pub const SHEETS: &[(&str, OwnSheet)] = &[
    (HISTORY_SHEET, OwnSheet::History),
    (FINDINGS_SHEET, OwnSheet::Findings),
    (REFERENCE_SHEET, OwnSheet::Reference),
];

/// The start of a return workbook's cover line.
pub const COVER: &str = "【確認結果】";

/// The line that starts shinchoku's part of a note in a return workbook: what stands above it
/// is the department's own comment, what follows is shinchoku's (codes and messages).
pub const NOTE: &str = COVER;

/// The department's own part of a cell note: all of it when shinchoku wrote none, the text above
/// [`NOTE`] when shinchoku's lines follow, None when nothing is left.
pub fn department_note(note: &str) -> Option<&str> {
    let own = match note.strip_prefix(NOTE) {
        Some(_) => 0,
        None => note.find(&format!("\n{NOTE}")).unwrap_or(note.len()),
    };
    let mine = note[..own].trim_end_matches(['\n', '\r']);
    (!mine.trim().is_empty()).then_some(mine)
}

/// The start of a template's instruction line.
pub const INSTRUCTION: &str = "【記入方法】";

/// Lines shinchoku writes on a 大分類 sheet outside the table (the cover line of return
/// workbooks, the instruction line of templates), matched after normalisation by prefix.
/// Fills are not cells: the reader never sees them; notes are read as comments, without
/// shinchoku's part ([`department_note`]).
pub const LINES: &[&str] = &[COVER, INSTRUCTION];

/// The fill colours shinchoku writes (RGB): the header blue of the report, review and return
/// workbooks, the 入力 colour of a template's input cells and the 悪い / どちらでもない / 良い
/// marks of a return workbook (`write/marks.rs`, `write/formats.rs`). A cell filled in one of
/// these is shinchoku's own colour, never reported as the department's.
pub const FILLS: &[&str] = &["D9E1F2", "FFCC99", "FFC7CE", "FFEB9C", "C6EFCE"];

/// True if `rgb` ("FFCC99", any case, with or without alpha) is one of [`FILLS`].
pub fn is_own_fill(rgb: &str) -> bool {
    let rgb = rgb.to_ascii_uppercase();
    FILLS.iter().any(|f| rgb.ends_with(f))
}

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

    #[test]
    fn shinchokus_part_of_a_note_is_not_the_departments() {
        assert_eq!(department_note("担当: 山田"), Some("担当: 山田"));
        assert_eq!(department_note("担当\n【確認結果】\nE104 …"), Some("担当"));
        assert_eq!(department_note("【確認結果】\nE104 …"), None);
        assert_eq!(department_note("  "), None);
    }

    #[test]
    fn the_cover_instruction_and_findings_sheet_are_registered() {
        assert!(is_own_line("【確認結果】確認事項はありません。"));
        assert!(is_own_line("【記入方法】色付きのセルに記入してください。"));
        assert!(!is_own_line("確認事項はありません。"));
        assert_eq!(sheet(FINDINGS_SHEET), Some(OwnSheet::Findings));
        assert!(is_own_fill("FFFFCC99") && is_own_fill("c6efce"));
        assert!(!is_own_fill("FFFF00"));
    }
}
