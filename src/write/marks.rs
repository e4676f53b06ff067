//! The marks of a return workbook: every cell with a finding filled in Excel's 悪い (error) or
//! どちらでもない (warning) colours, every corrected cell in 良い, each with a note (the code and
//! the message, or 「旧」→「新」 and why); this year's input cells in Excel's 入力 colours.

use crate::correct::Correction;
use crate::finding::{Finding, Severity};
use crate::model::CellRef;
use rust_xlsxwriter::{Format, Note, Worksheet, XlsxError};
use std::borrow::Cow;
use std::collections::HashMap;

/// Excel's built-in cell styles (fill, font): 悪い, どちらでもない, 良い, 入力.
pub(super) const BAD: (u32, u32) = (0xFFC7CE, 0x9C0006);
pub(super) const NEUTRAL: (u32, u32) = (0xFFEB9C, 0x9C5700);
pub(super) const GOOD: (u32, u32) = (0xC6EFCE, 0x006100);
pub(super) const INPUT: (u32, u32) = (0xFFCC99, 0x3F3F76);

/// An input cell: file, sheet, 0-based row and column.
type InputCell = (String, String, u32, u32);

/// A cell's mark: its colours (the worst of its findings) and its note lines.
#[derive(Debug)]
struct Mark {
    rank: u8,
    colours: (u32, u32),
    lines: Vec<String>,
}

/// The marks of one workbook, by the input cell the value was read from.
#[derive(Debug, Default)]
pub struct Marks(HashMap<InputCell, Mark>);

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

    fn add(&mut self, f: &Finding, rank: u8, colours: (u32, u32), line: String) {
        let (Some(sheet), Some((row, col))) = (&f.at.sheet, f.at.pos) else {
            return;
        };
        let key = (f.at.file.clone(), sheet.clone(), row, col);
        let mark = self.0.entry(key).or_insert(Mark {
            rank,
            colours,
            lines: Vec::new(),
        });
        if rank < mark.rank {
            (mark.rank, mark.colours) = (rank, colours);
        }
        if !mark.lines.contains(&line) {
            mark.lines.push(line);
        }
    }

    fn get(&self, at: Option<&CellRef>) -> Option<&Mark> {
        let at = at?;
        let key = (at.file.to_string(), at.sheet.to_string(), at.row, at.col);
        self.0.get(&key)
    }

    /// `fmt` in the colours of the mark of `at`, unlocked so the department can fix it.
    pub(super) fn format<'f>(&self, at: Option<&CellRef>, fmt: &'f Format) -> Cow<'f, Format> {
        match self.get(at) {
            Some(m) => Cow::Owned(coloured(fmt, m.colours).set_unlocked()),
            None => Cow::Borrowed(fmt),
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
            let note = Note::new(m.lines.join("\n"))
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
        assert_eq!(mark.colours, BAD);
        assert_eq!(mark.lines.len(), 2);
        assert!(mark.lines[1].starts_with("E104 "), "{:?}", mark.lines);
        let other = CellRef { row: 5, ..at };
        assert!(marks.get(Some(&other)).is_none());
    }
}
