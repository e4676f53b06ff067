//! Two inputs carrying the same item № with different cells (a resubmission): both places,
//! when each file was saved, the first differing field, and which copy is newer → E108 (the
//! default) or W227 (`--prefer-newer`).

use super::{item_location, place, Taken};
use crate::compare::compare_items;
use crate::finding::{Code, Finding, Location};
use crate::model::{Item, Report};
use crate::saved::{self, Saved};

/// Which of two conflicting copies was saved later.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Newer {
    First,
    Second,
    /// Equal or unknown times: no copy can be chosen.
    Same,
}

/// Two copies of an item № that differ: the arguments of E108 / W227 and which is newer.
pub(super) struct Conflict {
    location: Location,
    /// №, first place, its saved time, second place, its saved time, field, old, new.
    args: [String; 8],
    pub newer: Newer,
    /// The file of the newer copy.
    newer_file: String,
}

impl Conflict {
    /// E108: the later input is not used; what to do.
    pub fn error(&self) -> Finding {
        let what = match self.newer {
            Newer::Same => "保存日時が同じため、--prefer-newer でも選べません",
            _ => "保存日時の新しい方を使うには --prefer-newer を付けてください",
        };
        self.finding(Code::ConflictingItem, what)
    }

    /// W227: the newer copy is used (`--prefer-newer`).
    pub fn warning(&self) -> Finding {
        self.finding(Code::NewerCopyUsed, &self.newer_file)
    }

    fn finding(&self, code: Code, last: &str) -> Finding {
        let mut args: Vec<&str> = self.args.iter().map(String::as_str).collect();
        args.push(last);
        let found = Some(self.args[0].clone());
        Finding::new(code, self.location.clone(), found, &args)
    }
}

/// The conflict when a second copy of an item (from another file) differs from the kept one:
/// both places and saved times and the first differing field, located at the second copy.
/// None for an identical copy.
pub(super) fn conflict(
    merged: &Report,
    first: &Taken,
    (file, item): (&str, &Item),
    sheet: &str,
    (first_saved, saved): (&Option<Saved>, &Option<Saved>),
) -> Option<Conflict> {
    let (first_file, fs, fc, fi) = first;
    let kept = &merged.sheets[*fs].sections[*fc].items[*fi];
    let diffs = compare_items(kept, item, sheet);
    let d = diffs.first()?;
    let n = item.number()?.to_string();
    let newer = match (first_saved, saved) {
        (Some(a), Some(b)) if a.secs > b.secs => Newer::First,
        (Some(a), Some(b)) if a.secs < b.secs => Newer::Second,
        _ => Newer::Same,
    };
    let newer_file = match newer {
        Newer::First => first_file.clone(),
        _ => file.to_string(),
    };
    Some(Conflict {
        location: item_location(file, item),
        args: [
            n,
            place(first_file, kept),
            saved::text_of(first_saved.as_ref()),
            place(file, item),
            saved::text_of(saved.as_ref()),
            d.field.clone(),
            d.old.clone(),
            d.new.clone(),
        ],
        newer,
        newer_file,
    })
}
