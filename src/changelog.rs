//! The change log: the input [`Report`] + its [`Calculation`] → the corrected report and one
//! [`Change`] per corrected cell (SPEC §5: forms of values and derived figures only), and
//! `changes.csv` (SPEC §6).

use crate::calc::{same_at_precision, Calculation, Figure};
use crate::finding::{Code, Finding, Location};
use crate::model::{Field, Found, Indicator, Item, Report, TextField, Value};
use crate::value::squash;
use similar::{ChangeTag, TextDiff};

/// One corrected cell: where it was found, old and new value, the code and the Japanese reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Where in the input (file, sheet, cell, item, indicator).
    pub at: Location,
    /// Which field ("実施効果", "R1実績", "評価" …).
    pub field: String,
    /// The value as found.
    pub old: String,
    /// The value written (numbers as plain decimals).
    pub new: String,
    /// The finding code that explains it.
    pub code: Code,
    /// The Japanese reason (the finding's message).
    pub reason: String,
}

impl Change {
    /// The finding that reports this correction.
    pub fn to_finding(&self) -> Finding {
        Finding {
            code: self.code,
            at: self.at.clone(),
            // A blank cell was found as nothing: null in findings.json, not "".
            found: Some(self.old.clone()).filter(|s| !s.is_empty()),
            message: self.reason.clone(),
        }
    }
}

/// Applies the corrections SPEC §5 allows and records each one.
pub fn correct(report: &Report, calc: &Calculation) -> (Report, Vec<Change>) {
    let mut out = report.clone();
    let mut changes = Vec::new();
    for (si, sheet) in out.sheets.iter_mut().enumerate() {
        for (ci, section) in sheet.sections.iter_mut().enumerate() {
            for (ii, item) in section.items.iter_mut().enumerate() {
                let no = item.number();
                correct_form(&mut item.no, "№", no, None, &mut changes);
                correct_grade(item, no, &mut changes);
                for (ki, ind) in item.indicators.iter_mut().enumerate() {
                    let name = ind.name.text.clone();
                    let name = name.as_deref();
                    correct_kubun(&mut ind.actual_label, no, name, &mut changes);
                    for (label, f) in input_fields(ind) {
                        correct_form(f, &label, no, name, &mut changes);
                    }
                    if let Some(d) = calc.get((si, ci, ii, ki)) {
                        let dec = d.rule.decimals;
                        let derived = [
                            ("実施効果", &mut ind.effect, d.effect, dec),
                            ("年度目標達成率", &mut ind.rate_year, d.rate_year, 1),
                            ("実績合計", &mut ind.actual_total, d.actual_to_date, dec),
                            ("合計目標達成率", &mut ind.rate_total, d.rate_total, 1),
                        ];
                        for (label, f, figure, decimals) in derived {
                            correct_derived(f, label, figure, decimals, no, name, &mut changes);
                        }
                    }
                }
            }
        }
    }
    (out, changes)
}

/// The input number fields of an indicator with their field names.
fn input_fields(ind: &mut Indicator) -> Vec<(String, &mut Field)> {
    let mut v: Vec<(String, &mut Field)> = vec![
        ("29基準".into(), &mut ind.base),
        ("29基準（実績行）".into(), &mut ind.base_again),
        ("合計目標".into(), &mut ind.target_total),
    ];
    for (y, f) in ind.targets.iter_mut().enumerate() {
        v.push((format!("R{}目標", y + 1), f));
    }
    for (y, f) in ind.actuals.iter_mut().enumerate() {
        v.push((format!("R{}実績", y + 1), f));
    }
    v
}

fn location(f: &Field, item: Option<u32>, indicator: Option<&str>) -> Location {
    f.at.as_ref()
        .map(|at| Location::cell(at, item, indicator))
        .unwrap_or_default()
}

/// The code for a number that was typed as text: a minus sign (▲, −, ‐ …) first, then
/// full-width digits, else a plain text number.
fn form_code(text: &str) -> Code {
    let s = squash(text);
    if s.starts_with(['△', '▲'])
        || s.starts_with(|c: char| c != '+' && !c.is_ascii_digit() && c != '.')
    {
        Code::MinusSign
    } else if text
        .chars()
        .any(|c| ('０'..='９').contains(&c) || matches!(c, '，' | '．' | '％' | '＋'))
    {
        Code::FullWidthNumber
    } else {
        Code::TextNumber
    }
}

/// A number typed as text becomes a number (logged); everything else is left as entered.
fn correct_form(
    f: &mut Field,
    label: &str,
    item: Option<u32>,
    indicator: Option<&str>,
    changes: &mut Vec<Change>,
) {
    if let (Found::Text(text), Value::Number(d)) = (&f.found, &f.value) {
        let code = form_code(text);
        let new = d.normalize().to_string();
        changes.push(Change {
            at: location(f, item, indicator),
            field: label.to_string(),
            old: text.clone(),
            new: new.clone(),
            code,
            reason: Finding::new(code, Location::default(), None, &[text, &new]).message,
        });
        f.found = Found::Number(*d);
    }
}

/// A derived figure that shows differently from the recalculation is replaced (logged).
fn correct_derived(
    f: &mut Field,
    label: &str,
    figure: Figure,
    decimals: u32,
    item: Option<u32>,
    indicator: Option<&str>,
    changes: &mut Vec<Change>,
) {
    if same_at_precision(&f.value, figure, decimals) {
        if let Figure::Number(d) = figure {
            correct_form(f, label, item, indicator, changes);
            f.value = Value::Number(d);
            f.found = Found::Number(d);
        }
        return;
    }
    let old = f.found.display();
    let new = figure.plain();
    let shown_new = if new.is_empty() {
        "（空欄）".to_string()
    } else {
        new.clone()
    };
    let (code, args) = if f.value == Value::Blank {
        (Code::DerivedFilled, [label, shown_new.as_str(), ""])
    } else {
        (
            Code::DerivedDiffers,
            [label, old.as_str(), shown_new.as_str()],
        )
    };
    let reason = Finding::new(code, Location::default(), None, &args).message;
    changes.push(Change {
        at: location(f, item, indicator),
        field: label.to_string(),
        old,
        new,
        code,
        reason,
    });
    f.value = figure.to_value();
    f.found = match figure {
        Figure::Number(d) => Found::Number(d),
        Figure::Dash => Found::Text("-".into()),
        Figure::Blank => Found::Empty,
    };
}

/// A half-width grade letter becomes full-width (logged).
fn correct_grade(item: &mut Item, no: Option<u32>, changes: &mut Vec<Change>) {
    let Some(text) = item.grade.text.clone() else {
        return;
    };
    let full = match text.trim() {
        "A" => "Ａ",
        "B" => "Ｂ",
        "C" => "Ｃ",
        _ => return,
    };
    push_text_change(
        &mut item.grade,
        "評価",
        full,
        Code::HalfWidthGrade,
        no,
        None,
        changes,
    );
}

/// "実勢" (and "実積") in the 実績 row's 区分 cell becomes "実績" (logged).
fn correct_kubun(
    label: &mut TextField,
    no: Option<u32>,
    indicator: Option<&str>,
    changes: &mut Vec<Change>,
) {
    if matches!(squash(label.as_str()).as_str(), "実勢" | "実積") {
        push_text_change(
            label,
            "区分",
            "実績",
            Code::KubunTypo,
            no,
            indicator,
            changes,
        );
    }
}

fn push_text_change(
    t: &mut TextField,
    field: &str,
    new: &str,
    code: Code,
    item: Option<u32>,
    indicator: Option<&str>,
    changes: &mut Vec<Change>,
) {
    let old = t.as_str().to_string();
    let at =
        t.at.as_ref()
            .map(|a| Location::cell(a, item, indicator))
            .unwrap_or_default();
    let message = Finding::new(code, Location::default(), None, &[&old, new]).message;
    changes.push(Change {
        at,
        field: field.to_string(),
        old: old.clone(),
        new: new.to_string(),
        code,
        reason: format!("{message}（差分: {}）", char_diff(&old, new)),
    });
    t.text = Some(new.to_string());
}

/// A character-level diff ("[-勢-]{+績+}"), graphemes as units, neighbouring changes merged.
pub fn char_diff(old: &str, new: &str) -> String {
    let diff = TextDiff::from_graphemes(old, new);
    let mut out = String::new();
    let mut pending_del = String::new();
    let mut pending_ins = String::new();
    let flush = |out: &mut String, del: &mut String, ins: &mut String| {
        if !del.is_empty() {
            out.push_str(&format!("[-{del}-]"));
            del.clear();
        }
        if !ins.is_empty() {
            out.push_str(&format!("{{+{ins}+}}"));
            ins.clear();
        }
    };
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Equal => {
                flush(&mut out, &mut pending_del, &mut pending_ins);
                out.push_str(change.value());
            }
            ChangeTag::Delete => pending_del.push_str(change.value()),
            ChangeTag::Insert => pending_ins.push_str(change.value()),
        }
    }
    flush(&mut out, &mut pending_del, &mut pending_ins);
    out
}

/// Prefixes ' to a text cell that a spreadsheet would run as a formula (SPEC §6).
fn escape(cell: &str) -> String {
    if cell.starts_with(['=', '+', '@', '\t']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// `changes.csv`: UTF-8 with BOM, the header row of SPEC §6, one row per change.
pub fn to_csv(changes: &[Change]) -> Vec<u8> {
    let mut out = Vec::from("\u{FEFF}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record([
            "file",
            "sheet",
            "cell",
            "item",
            "indicator",
            "field",
            "old",
            "new",
            "code",
            "reason",
        ])
        .expect("writing to memory");
        for c in changes {
            let item = c.at.item.map(|n| n.to_string()).unwrap_or_default();
            let row = [
                c.at.file.clone(),
                c.at.sheet.clone().unwrap_or_default(),
                c.at.a1().unwrap_or_default(),
                item,
                c.at.indicator.clone().unwrap_or_default(),
                c.field.clone(),
                c.old.clone(),
                c.new.clone(),
                c.code.as_str().to_string(),
                c.reason.clone(),
            ];
            w.write_record(row.iter().map(|s| escape(s)))
                .expect("writing to memory");
        }
        w.flush().expect("writing to memory");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_diff_merges_neighbouring_changes() {
        assert_eq!(char_diff("実勢", "実績"), "実[-勢-]{+績+}");
        assert_eq!(char_diff("abcd", "axyd"), "a[-bc-]{+xy+}d");
    }

    #[test]
    fn csv_escapes_formula_starts_but_not_negative_numbers() {
        let change = Change {
            at: Location::default(),
            field: "実施効果".into(),
            old: "=1+1".into(),
            new: "-25.1".into(),
            code: Code::DerivedDiffers,
            reason: "@x".into(),
        };
        let csv = String::from_utf8(to_csv(&[change])).unwrap();
        assert!(
            csv.starts_with("\u{FEFF}file,sheet,cell,item,indicator,field,old,new,code,reason\r\n")
        );
        assert!(csv.contains(",'=1+1,-25.1,W201,'@x"), "{csv}");
    }
}
