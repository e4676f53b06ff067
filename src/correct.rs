//! Correction: the recalculated [`Report`] → the corrected report (in place) and one
//! [`Correction`] per corrected cell (SPEC §5: forms of values and derived figures only; a
//! department's targets, actuals, grades and texts are never changed). Each correction holds
//! the [`Finding`] that reports it; [`history`] numbers them as rows of the 変更履歴.

use crate::calc::given::{is_rule_formula, shape, DerivedCell};
use crate::calc::same_at_precision;
use crate::compare::char_diff;
use crate::finding::{Code, Finding, Location};
use crate::history::HistoryRow;
use crate::model::{Field, Figure, Found, Indicator, Item, Report, TextField};
use crate::value::{squash, Value};
use crate::vocab;

/// One corrected cell: the finding that reports it (code, place in the input, value as found,
/// Japanese reason), which field, and the value as found and as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Correction {
    /// The finding: where in the input, the code and the reason.
    pub finding: Finding,
    /// Which field ("実施効果", "R1実績", "評価" …).
    pub field: String,
    /// The value as found ("" when blank).
    pub old: String,
    /// The value written (numbers as plain decimals).
    pub new: String,
}

impl Correction {
    fn new(at: Location, field: &str, old: String, new: String, code: Code, args: &[&str]) -> Self {
        // A blank cell was found as nothing: null in findings.json, not "".
        let found = Some(old.clone()).filter(|s| !s.is_empty());
        Correction {
            finding: Finding::new(code, at, found, args),
            field: field.to_string(),
            old,
            new,
        }
    }

    /// Where in the input the value was found.
    pub fn at(&self) -> &Location {
        &self.finding.at
    }

    /// The finding code that explains it.
    pub fn code(&self) -> Code {
        self.finding.code
    }

    /// The Japanese reason (the finding's message).
    pub fn reason(&self) -> &str {
        &self.finding.message
    }

    /// The columns of `changes.csv` and of a 変更履歴 row: file, sheet, cell, item, indicator,
    /// field, old, new, code, reason.
    pub fn cells(&self) -> [String; 10] {
        let at = self.at();
        [
            at.file.clone(),
            at.sheet.clone().unwrap_or_default(),
            at.a1().unwrap_or_default(),
            at.item.map(|n| n.to_string()).unwrap_or_default(),
            at.indicator.clone().unwrap_or_default(),
            self.field.clone(),
            self.old.clone(),
            self.new.clone(),
            self.code().as_str().to_string(),
            self.reason().to_string(),
        ]
    }
}

/// Applies the corrections SPEC §5 allows to `report` (already recalculated), in place, and
/// records each one.
pub fn correct(report: &mut Report) -> Vec<Correction> {
    let mut out = Vec::new();
    for item in report.items_mut() {
        let no = item.number();
        correct_form(&mut item.no, "№", no, None, &mut out);
        correct_grade(item, no, &mut out);
        for ind in &mut item.indicators {
            correct_indicator(ind, no, &mut out);
        }
    }
    for group in formula_groups(&out).into_iter().filter(|g| g.len() > 1) {
        let first = &mut out[group[0]].finding.message;
        first.push_str(&format!(
            "。同じ形の式がこのファイルの{}個のセルにあり、すべて再計算値に修正しました",
            group.len()
        ));
    }
    out
}

/// The W230 corrections by file, field and formula shape (a formula copied down a column is
/// one shape), each group in order: indices into `corrections`.
fn formula_groups(corrections: &[Correction]) -> Vec<Vec<usize>> {
    let mut groups: Vec<((String, String, String), Vec<usize>)> = Vec::new();
    for (i, c) in corrections.iter().enumerate() {
        let Some((row, _)) = c.at().pos.filter(|_| c.code() == Code::FormulaReplaced) else {
            continue;
        };
        let key = (c.at().file.clone(), c.field.clone(), shape(&c.old, row));
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, g)) => g.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

/// The W230 corrections that repeat the first of their file with a formula of the same shape:
/// logged in `changes.csv`, their finding given once (W230 once per file for a formula that
/// differs everywhere the same way, not once per cell).
pub fn repeated_formulas(corrections: &[Correction]) -> std::collections::HashSet<usize> {
    formula_groups(corrections)
        .into_iter()
        .flat_map(|g| g.into_iter().skip(1))
        .collect()
}

fn correct_indicator(ind: &mut Indicator, no: Option<u32>, out: &mut Vec<Correction>) {
    let name = ind.name.text.clone();
    let name = name.as_deref();
    correct_kubun(&mut ind.actual_label, no, name, out);
    for (label, f) in input_fields(ind) {
        correct_form(f, &label, no, name, out);
    }
    if let Some(d) = ind.recalculated {
        let dec = d.rule.decimals;
        let derived = [
            ("実施効果", &mut ind.effect, d.effect, dec),
            ("年度目標達成率", &mut ind.rate_year, d.rate_year, 1),
            ("実績合計", &mut ind.actual_total, d.actual_to_date, dec),
            ("合計目標達成率", &mut ind.rate_total, d.rate_total, 1),
        ];
        for (label, f, figure, decimals) in derived {
            if given_formula(f, label, &d, (figure, decimals), no, name, out) {
                continue;
            }
            correct_derived(f, label, (figure, decimals), no, name, out);
        }
    }
}

/// A derived cell holding a formula: the rule's own formula (a workbook made by `template`)
/// takes the recalculated figure silently, cached result or not; another formula is replaced
/// by the figure with one warning naming both (W230). False when the cell holds no formula.
fn given_formula(
    f: &mut Field,
    label: &str,
    d: &crate::model::Derived,
    (figure, _decimals): (Figure, u32),
    item: Option<u32>,
    indicator: Option<&str>,
    out: &mut Vec<Correction>,
) -> bool {
    let (Some(formula), Some(row)) = (f.formula.clone(), f.at.as_ref().map(|a| a.row)) else {
        return false;
    };
    let which = match label {
        "実施効果" => DerivedCell::Effect,
        "年度目標達成率" => DerivedCell::RateYear,
        "実績合計" => DerivedCell::ActualTotal,
        _ => DerivedCell::RateTotal,
    };
    if !is_rule_formula(&formula, which, row, &d.rule) {
        let shown = format!("={}", formula.trim_start_matches('='));
        let new = figure.plain();
        let at = location(f.at.as_ref(), item, indicator);
        let shown_new = if new.is_empty() {
            "（空欄）".to_string()
        } else {
            new.clone()
        };
        let args = [label, shown.as_str(), shown_new.as_str()];
        out.push(Correction::new(
            at,
            label,
            shown.clone(),
            new,
            Code::FormulaReplaced,
            &args,
        ));
    }
    f.value = figure.to_value();
    f.found = match figure {
        Figure::Number(d) => Found::Number(d),
        Figure::Dash => Found::Text("-".into()),
        Figure::Blank => Found::Empty,
    };
    true
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

fn location(at: Option<&crate::model::CellRef>, item: Option<u32>, ind: Option<&str>) -> Location {
    at.map(|at| Location::cell(at, item, ind))
        .unwrap_or_default()
}

/// The code for a number that was typed as text: a minus sign (▲, −, ‐ …) first, then
/// full-width digits, else a plain text number.
fn form_code(text: &str) -> Code {
    let s = squash(text)
        .trim_start_matches(['N', 'n', 'O', 'o', '.', '#'])
        .to_string(); // 「No.5」 (a № read by the reader)
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
    out: &mut Vec<Correction>,
) {
    if let (Found::Text(text), Value::Number(d)) = (&f.found, &f.value) {
        let code = form_code(text);
        let new = d.normalize().to_string();
        let at = location(f.at.as_ref(), item, indicator);
        out.push(Correction::new(
            at,
            label,
            text.clone(),
            new.clone(),
            code,
            &[text, &new],
        ));
        f.found = Found::Number(*d);
    }
    if let (Found::Number(stored), Value::Number(d), true) = (&f.found, &f.value, f.is_percent()) {
        if stored != d {
            // 102.9 % typed in Excel: stored as 1.029 with a percent format.
            let (new, stored) = (d.normalize().to_string(), stored.normalize().to_string());
            let shown = format!("{new}%");
            let at = location(f.at.as_ref(), item, indicator);
            let args = [shown.as_str(), stored.as_str(), new.as_str()];
            let c = Correction::new(
                at,
                label,
                shown.clone(),
                new.clone(),
                Code::PercentFormat,
                &args,
            );
            out.push(c);
            f.found = Found::Number(*d);
        }
    }
}

/// A derived figure that shows differently from the recalculation (`figure` at `decimals`)
/// is replaced (logged).
fn correct_derived(
    f: &mut Field,
    label: &str,
    (figure, decimals): (Figure, u32),
    item: Option<u32>,
    indicator: Option<&str>,
    out: &mut Vec<Correction>,
) {
    if same_at_precision(&f.value, figure, decimals) {
        if let Figure::Number(d) = figure {
            correct_form(f, label, item, indicator, out);
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
    let at = location(f.at.as_ref(), item, indicator);
    let correction = if f.value == Value::Blank {
        let args = [label, shown_new.as_str(), ""];
        Correction::new(at, label, old, new, Code::DerivedFilled, &args)
    } else {
        let args = [label, old.as_str(), shown_new.as_str()];
        Correction::new(at, label, old.clone(), new, Code::DerivedDiffers, &args)
    };
    out.push(correction);
    f.value = figure.to_value();
    f.found = match figure {
        Figure::Number(d) => Found::Number(d),
        Figure::Dash => Found::Text("-".into()),
        Figure::Blank => Found::Empty,
    };
}

/// A half-width grade letter becomes full-width (logged).
fn correct_grade(item: &mut Item, no: Option<u32>, out: &mut Vec<Correction>) {
    if let Some(full) = vocab::full_width_grade(item.grade.as_str()) {
        let at = location(item.grade.at.as_ref(), no, None);
        correct_text(&mut item.grade, at, "評価", full, Code::HalfWidthGrade, out);
    }
}

/// "実勢" (and "実積") in the 実績 row's 区分 cell becomes "実績" (logged).
fn correct_kubun(
    label: &mut TextField,
    no: Option<u32>,
    indicator: Option<&str>,
    out: &mut Vec<Correction>,
) {
    if vocab::is_actual_typo(label.as_str()) {
        let at = location(label.at.as_ref(), no, indicator);
        correct_text(label, at, "区分", "実績", Code::KubunTypo, out);
    }
}

/// Replaces a text with `new`; the reason ends with the change as 「旧」→「新」 (SPEC §6).
fn correct_text(
    t: &mut TextField,
    at: Location,
    field: &str,
    new: &str,
    code: Code,
    out: &mut Vec<Correction>,
) {
    let old = t.as_str().to_string();
    let mut c = Correction::new(at, field, old.clone(), new.to_string(), code, &[&old, new]);
    c.finding.message = format!("{}（{}）", c.finding.message, char_diff(&old, new));
    out.push(c);
    t.text = Some(new.to_string());
}

/// The 変更履歴 of this run: the earlier rows kept as they were, then this run's corrections
/// numbered one past the last earlier run (nothing is appended when nothing changed).
pub fn history(earlier: Vec<HistoryRow>, corrections: &[Correction]) -> Vec<HistoryRow> {
    let run = earlier.iter().map(|r| r.run).max().unwrap_or(0) + 1;
    let mut rows = earlier;
    rows.extend(corrections.iter().map(|c| HistoryRow {
        run,
        cells: c.cells(),
    }));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn correction(old: &str, new: &str) -> Correction {
        Correction::new(
            Location::default(),
            "R1実績",
            old.into(),
            new.into(),
            Code::TextNumber,
            &[old, new],
        )
    }

    #[test]
    fn history_keeps_earlier_rows_and_numbers_the_new_run() {
        let first = history(Vec::new(), &[correction("１", "1")]);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].run, 1);
        let second = history(
            first.clone(),
            &[correction("２", "2"), correction("３", "3")],
        );
        assert_eq!(second[0], first[0]);
        assert_eq!(second.iter().map(|r| r.run).collect::<Vec<_>>(), [1, 2, 2]);
        assert_eq!(
            history(second.clone(), &[]),
            second,
            "nothing new, nothing appended"
        );
    }

    #[test]
    fn a_correction_holds_its_finding() {
        let c = correction("１", "1");
        assert_eq!(c.finding.found.as_deref(), Some("１"));
        assert_eq!(
            c.reason(),
            "文字列として入力された数値「１」を数値 1 に修正しました"
        );
        assert_eq!(correction("", "1").finding.found, None);
    }
}
