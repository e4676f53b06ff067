//! The marks of a return workbook: every cell with a finding filled in Excel's 悪い (error) or
//! どちらでもない (warning) colours, every corrected cell in 良い, each with a note (the code and
//! the message, or 「旧」→「新」 and why); the department's own cell comments back on their
//! cells (in the same note, above shinchoku's part, which starts with [`crate::own::NOTE`]);
//! this year's input cells in Excel's 入力 colours.

use crate::correct::Correction;
use crate::finding::{Finding, Severity};
use crate::model::CellRef;
use rust_xlsxwriter::{Format, Note, Worksheet, XlsxError};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Excel's built-in cell styles (fill, font): 悪い, どちらでもない, 良い, 入力.
pub(super) const BAD: (u32, u32) = (0xFFC7CE, 0x9C0006);
pub(super) const NEUTRAL: (u32, u32) = (0xFFEB9C, 0x9C5700);
pub(super) const GOOD: (u32, u32) = (0xC6EFCE, 0x006100);
pub(super) const INPUT: (u32, u32) = (0xFFCC99, 0x3F3F76);

/// An input cell: file, sheet, 0-based row and column.
type InputCell = (String, String, u32, u32);

/// A cell's mark: its colours (the worst of its findings; none for a comment alone), the
/// department's comment and shinchoku's note lines.
#[derive(Debug, Default)]
struct Mark {
    colours: Option<(u8, (u32, u32))>,
    comment: Option<String>,
    lines: Vec<String>,
}

impl Mark {
    /// The note: the department's comment, then shinchoku's lines under [`crate::own::NOTE`].
    fn text(&self) -> String {
        let mut parts: Vec<String> = self.comment.iter().cloned().collect();
        if !self.lines.is_empty() {
            parts.push(crate::own::NOTE.to_string());
            parts.extend(self.lines.iter().cloned());
        }
        parts.join("\n")
    }
}

/// The marks of one workbook, by the input cell the value was read from.
#[derive(Debug, Default)]
pub struct Marks {
    by_cell: HashMap<InputCell, Mark>,
    /// The (row, column) of every marked cell: most written cells have none, and this tells
    /// so without building the file and sheet names of a key.
    positions: HashSet<(u32, u32)>,
}

impl Marks {
    /// The marks of `findings` (errors and warnings) and `corrections`.
    pub fn new(findings: &[Finding], corrections: &[Correction]) -> Marks {
        let mut marks = Marks::default();
        for f in findings {
            let (rank, colours) = match f.severity() {
                Severity::Error => (0, BAD),
                Severity::Warning => (1, NEUTRAL),
                Severity::Info => continue,
            };
            let line = format!("{} {}", f.code.as_str(), f.message);
            marks.add(f, rank, colours, line);
        }
        for c in corrections {
            let line = format!(
                "修正 {}: 「{}」→「{}」 {}",
                c.field, c.old, c.new, c.finding.message
            );
            marks.add(&c.finding, 2, GOOD, line);
        }
        marks
    }

    /// With the department's cell `comments` on their cells.
    pub fn with_comments(mut self, comments: &[(CellRef, String)]) -> Marks {
        for (at, text) in comments {
            let key = (at.file.to_string(), at.sheet.to_string(), at.row, at.col);
            self.positions.insert((at.row, at.col));
            self.by_cell.entry(key).or_default().comment = Some(text.clone());
        }
        self
    }

    fn add(&mut self, f: &Finding, rank: u8, colours: (u32, u32), line: String) {
        let (Some(sheet), Some((row, col))) = (&f.at.sheet, f.at.pos) else {
            return;
        };
        let key = (f.at.file.clone(), sheet.clone(), row, col);
        self.positions.insert((row, col));
        let mark = self.by_cell.entry(key).or_default();
        if mark.colours.is_none_or(|(r, _)| rank < r) {
            mark.colours = Some((rank, colours));
        }
        if !mark.lines.contains(&line) {
            mark.lines.push(line);
        }
    }

    fn get(&self, at: Option<&CellRef>) -> Option<&Mark> {
        let at = at?;
        if !self.positions.contains(&(at.row, at.col)) {
            return None;
        }
        let key = (at.file.to_string(), at.sheet.to_string(), at.row, at.col);
        self.by_cell.get(&key)
    }

    /// `fmt` in the colours of the mark of `at`, unlocked so the department can fix it.
    pub(super) fn format<'f>(&self, at: Option<&CellRef>, fmt: Cow<'f, Format>) -> Cow<'f, Format> {
        match self.get(at).and_then(|m| m.colours) {
            Some((_, colours)) => Cow::Owned(coloured(&fmt, colours).set_unlocked()),
            None => fmt,
        }
    }

    /// The note of the mark of `at` on the written cell (`row`, `col`).
    pub(super) fn note(
        &self,
        ws: &mut Worksheet,
        row: u32,
        col: u16,
        at: Option<&CellRef>,
    ) -> Result<(), XlsxError> {
        if let Some(m) = self.get(at) {
            let note = Note::new(m.text())
                .set_author("shinchoku")
                .add_author_prefix(false)
                .set_width(360)
                .set_height(120);
            ws.insert_note(row, col, &note)?;
        }
        Ok(())
    }
}

/// `fmt` with a fill and a font colour.
pub(super) fn coloured(fmt: &Format, (fill, font): (u32, u32)) -> Format {
    fmt.clone().set_background_color(fill).set_font_color(font)
}

/// An input cell of this year: unlocked, in Excel's 入力 colours.
pub(super) fn entry(fmt: &Format) -> Format {
    coloured(fmt, INPUT).set_unlocked()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Code, Location};

    #[test]
    fn the_worst_finding_colours_a_cell_and_every_message_is_in_its_note() {
        let loc = Location {
            file: "a.xlsx".into(),
            sheet: Some("大分類1".into()),
            pos: Some((4, 21)),
            ..Location::default()
        };
        let warning = Finding::new(Code::BlankStatus, loc.clone(), None, &[]);
        let error = Finding::new(Code::UnknownGrade, loc, None, &["a"]);
        let marks = Marks::new(&[warning, error], &[]);
        let at = CellRef {
            file: "a.xlsx".into(),
            sheet: "大分類1".into(),
            row: 4,
            col: 21,
        };
        let mark = marks.get(Some(&at)).unwrap();
        assert_eq!(mark.colours, Some((0, BAD)));
        assert_eq!(mark.lines.len(), 2);
        assert!(mark.lines[1].starts_with("E104 "), "{:?}", mark.lines);
        let other = CellRef { row: 5, ..at };
        assert!(marks.get(Some(&other)).is_none());
    }

    #[test]
    fn a_comment_and_a_finding_share_one_note_and_a_comment_alone_is_not_coloured() {
        let at = CellRef {
            file: "a.xlsx".into(),
            sheet: "大分類1".into(),
            row: 4,
            col: 21,
        };
        let loc = Location {
            file: "a.xlsx".into(),
            sheet: Some("大分類1".into()),
            pos: Some((4, 21)),
            ..Location::default()
        };
        let alone = CellRef {
            row: 9,
            ..at.clone()
        };
        let comments = [
            (at.clone(), "担当: 山田".to_string()),
            (alone.clone(), "要確認".into()),
        ];
        let error = Finding::new(Code::UnknownGrade, loc, None, &["a"]);
        let marks = Marks::new(&[error], &[]).with_comments(&comments);
        let both = marks.get(Some(&at)).unwrap().text();
        assert!(
            both.starts_with("担当: 山田\n【確認結果】\nE104 評価「a」"),
            "{both}"
        );
        assert_eq!(crate::own::department_note(&both), Some("担当: 山田"));
        let fmt = Format::new();
        assert!(matches!(
            marks.format(Some(&alone), Cow::Borrowed(&fmt)),
            Cow::Borrowed(_)
        ));
        assert_eq!(marks.get(Some(&alone)).unwrap().text(), "要確認");
    }
}
