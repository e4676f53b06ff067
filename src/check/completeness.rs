//! Completeness of a submission for the report year (SPEC §5): a blank 実績 where the indicator
//! has a baseline or a target, and blank or unknown item entries (評価, 達成状況, 年度実績).

use super::{field_location, text_location};
use crate::finding::{Code, Finding};
use crate::model::{Indicator, Item, TextField, Year};
use crate::value::{squash, Value};

/// Whether the item is paused (休止) or merged into another (「№45に統合」): its missing
/// entries are only noted.
pub(crate) fn settled(item: &Item) -> bool {
    let status = squash(item.status.as_str());
    status == "休止" || status.contains("統合")
}

/// E112 / I310: a blank 実績 of the report year on an indicator with a baseline or any
/// target. When that year's own target is there, E103 already reports it (not twice); a
/// typed 「-」 is the department's "not applicable" and is not reported.
pub(super) fn report_year_actual(item: &Item, ind: &Indicator, year: Year, out: &mut Vec<Finding>) {
    let n = year.index();
    let actual = &ind.actuals[n];
    if actual.value != Value::Blank || actual.at.is_none() {
        return;
    }
    let planned = ind.base.value.number().is_some()
        || ind.target_total.value.number().is_some()
        || ind.targets.iter().any(|t| t.value.number().is_some());
    if !planned {
        return;
    }
    let at = field_location(actual, item.number(), ind.name.text.as_deref());
    let when = year.to_string();
    if settled(item) {
        let status = item.status.as_str().replace('\n', " ");
        out.push(Finding::new(
            Code::SettledWithoutActual,
            at,
            None,
            &[&when, &status],
        ));
    } else if ind.targets[n].value.number().is_none() {
        out.push(Finding::new(Code::BlankActual, at, None, &[&when]));
    }
}

/// W222–W225: blank 評価, 達成状況 or 年度実績, and a 達成状況 outside the office's list. Only
/// for columns the sheet has (a missing column is E106's).
pub(super) fn item_entries(item: &Item, year: Year, statuses: &[String], out: &mut Vec<Finding>) {
    let no = item.number();
    let blank = |t: &TextField| t.at.is_some() && t.as_str().trim().is_empty();
    if blank(&item.grade) {
        out.push(Finding::new(
            Code::BlankGrade,
            text_location(&item.grade, no, None),
            None,
            &[],
        ));
    }
    if blank(&item.status) {
        out.push(Finding::new(
            Code::BlankStatus,
            text_location(&item.status, no, None),
            None,
            &[],
        ));
    } else if item.status.at.is_some() && !known_status(item.status.as_str(), statuses) {
        let found = item.status.as_str().to_string();
        out.push(Finding::new(
            Code::UnknownStatus,
            text_location(&item.status, no, None),
            Some(found.clone()),
            &[&found.replace('\n', " "), &statuses.join("・")],
        ));
    }
    if blank(&item.results) {
        out.push(Finding::new(
            Code::BlankResults,
            text_location(&item.results, no, None),
            None,
            &[&year.to_string()],
        ));
    }
}

/// A word of the office's list (after normalisation), or a 「…に統合」 form.
fn known_status(status: &str, statuses: &[String]) -> bool {
    let s = squash(status);
    s.contains("統合") || statuses.iter().any(|w| squash(w) == s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_forms_and_listed_words_are_known_statuses() {
        let list = ["達成", "未達成", "休止"].map(String::from);
        for s in ["達成", "未 達成", "№45に統合", "休止"] {
            assert!(known_status(s, &list), "{s}");
        }
        for s in ["達成済", "検討中"] {
            assert!(!known_status(s, &list), "{s}");
        }
    }
}
