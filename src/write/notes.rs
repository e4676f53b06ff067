//! The notes on corrected cells: the old value and the reason, looked up by the position
//! the value was read from.

use crate::correct::Correction;
use crate::model::CellRef;
use std::collections::BTreeMap;

/// The note of one corrected cell: input file, sheet, text.
type Note = (String, String, String);

/// Note texts of corrected cells by input (row, column), then file and sheet: a lookup
/// compares names only for a corrected position.
#[derive(Default)]
pub(super) struct Notes(BTreeMap<(u32, u32), Vec<Note>>);

impl Notes {
    /// The note text of each corrected cell: the old value and the reason (several joined).
    pub fn of(corrections: &[Correction]) -> Notes {
        let mut notes = BTreeMap::<_, Vec<Note>>::new();
        for c in corrections {
            let at = c.at();
            let (Some(sheet), Some((row, col))) = (&at.sheet, at.pos) else {
                continue;
            };
            let old = if c.old.is_empty() {
                "（空欄）"
            } else {
                c.old.as_str()
            };
            let text = format!(
                "修正 {}: {}\n修正前: {old}\n理由: {}",
                c.code().as_str(),
                c.field,
                c.reason()
            );
            let here = notes.entry((row, col)).or_default();
            match here
                .iter_mut()
                .find(|(file, s, _)| *file == at.file && s == sheet)
            {
                Some((_, _, t)) => {
                    t.push('\n');
                    t.push_str(&text);
                }
                None => here.push((at.file.clone(), sheet.clone(), text)),
            }
        }
        Notes(notes)
    }

    /// The note of the cell a value was read from, if that value was corrected.
    pub fn get(&self, at: Option<&CellRef>) -> Option<&String> {
        let at = at?;
        self.0
            .get(&(at.row, at.col))?
            .iter()
            .find(|(file, sheet, _)| *file == *at.file && *sheet == *at.sheet)
            .map(|(_, _, text)| text)
    }
}
