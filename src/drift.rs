//! Plan drift: the plan a department was sent (`--plan`: the plan workbook or last cycle's
//! report) + the merged inputs + the report year → a finding for every plan cell the department
//! changed: 29基準, yearly and 合計 targets and the actuals of earlier years (errors), item and
//! indicator names and 行動計画 (warnings), items the plan does not have. Nothing is corrected:
//! the report keeps what the department returned, the clerk decides.

use crate::finding::{Code, Finding, Location};
use crate::model::{Action, CellRef, Field, Indicator, Item, Report, TextField, Year};
use crate::value::{squash, Value};
use std::collections::HashMap;

/// Every difference between the plan and the inputs in plan cells, for report year `year`.
pub fn compare(plan: &Report, plan_file: &str, merged: &Report, year: Year) -> Vec<Finding> {
    let planned: HashMap<u32, &Item> = plan
        .items()
        .filter_map(|(_, item)| Some((item.number()?, item)))
        .collect();
    let source = file_name(plan_file);
    let mut out = Vec::new();
    for (_, item) in merged.items() {
        let Some(n) = item.number() else {
            continue;
        };
        let Some(sent) = planned.get(&n) else {
            let at = item.no.at.as_ref().or(item.at.as_ref());
            let loc = at
                .map(|a| Location::cell(a, Some(n), None))
                .unwrap_or_default();
            let args = [n.to_string(), source.clone()];
            out.push(Finding::new(
                Code::PlanItemAdded,
                loc,
                None,
                &[&args[0], &args[1]],
            ));
            continue;
        };
        let cx = Drift {
            no: n,
            source: &source,
            year,
        };
        cx.item(sent, item, &mut out);
    }
    out
}

/// The plan file's name without its folder, for messages.
fn file_name(file: &str) -> String {
    std::path::Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned())
}

/// One item's comparison: its №, the plan's file name and the report year.
struct Drift<'a> {
    no: u32,
    source: &'a str,
    year: Year,
}

impl Drift<'_> {
    fn item(&self, sent: &Item, back: &Item, out: &mut Vec<Finding>) {
        self.text("実施計画", &sent.name, &back.name, None, out);
        self.actions(&sent.actions, back, out);
        if sent.indicators.len() != back.indicators.len() {
            let at = back.at.as_ref().or(back.no.at.as_ref());
            let (s, b) = (sent.indicators.len(), back.indicators.len());
            self.rows("成果指標", (s, b), at, out);
            return;
        }
        for (s, b) in sent.indicators.iter().zip(&back.indicators) {
            self.indicator(s, b, out);
        }
    }

    fn actions(&self, sent: &[Action], back: &Item, out: &mut Vec<Finding>) {
        let mine = &back.actions;
        // Blank trailing rows are not actions (a block taller than its actions).
        let count = |a: &[Action]| {
            a.iter()
                .rposition(|x| !x.text.as_str().trim().is_empty())
                .map_or(0, |i| i + 1)
        };
        if count(sent) != count(mine) {
            let at = mine.first().and_then(|a| a.text.at.as_ref());
            self.rows("行動計画", (count(sent), count(mine)), at, out);
            return;
        }
        for (i, (s, b)) in sent.iter().zip(mine).enumerate() {
            let label = format!("行動計画{}", i + 1);
            self.text(&label, &s.text, &b.text, None, out);
            for (y, (sm, bm)) in s.marks.iter().zip(&b.marks).enumerate() {
                self.text(&format!("{label} R{}", y + 1), sm, bm, None, out);
            }
        }
    }

    fn indicator(&self, sent: &Indicator, back: &Indicator, out: &mut Vec<Finding>) {
        let name = back.name.text.as_deref().or(sent.name.text.as_deref());
        self.text("項目", &sent.name, &back.name, name, out);
        self.number("29基準", &sent.base, &back.base, name, out);
        for (y, (s, b)) in sent.targets.iter().zip(&back.targets).enumerate() {
            self.number(&format!("R{}目標", y + 1), s, b, name, out);
        }
        self.number(
            "合計目標",
            &sent.target_total,
            &back.target_total,
            name,
            out,
        );
        // Actuals of the years before the report year were published already.
        for (y, (s, b)) in sent.actuals.iter().zip(&back.actuals).enumerate() {
            if y < self.year.index() {
                self.number(&format!("R{}実績", y + 1), s, b, name, out);
            }
        }
    }

    /// A number cell of the plan: any change is an error.
    fn number(
        &self,
        field: &str,
        sent: &Field,
        back: &Field,
        ind: Option<&str>,
        out: &mut Vec<Finding>,
    ) {
        let same = match (&sent.value, &back.value) {
            (Value::Number(a), Value::Number(b)) => a == b,
            (a, b) if a.is_absent() && b.is_absent() => true,
            (Value::Text(a), Value::Text(b)) => squash(a) == squash(b),
            _ => false,
        };
        if same {
            return;
        }
        let (old, new) = (shown(&sent.found.display()), shown(&back.found.display()));
        out.push(Finding::new(
            Code::PlanValueChanged,
            self.at(back.at.as_ref().or(sent.at.as_ref()), ind),
            Some(back.found.display()).filter(|s| !s.is_empty()),
            &[field, self.source, &old, &new],
        ));
    }

    /// A text of the plan: a change (beyond width and spaces) is a warning.
    fn text(
        &self,
        field: &str,
        sent: &TextField,
        back: &TextField,
        ind: Option<&str>,
        out: &mut Vec<Finding>,
    ) {
        if squash(sent.as_str()) == squash(back.as_str()) {
            return;
        }
        let (old, new) = (shown(sent.as_str()), shown(back.as_str()));
        out.push(Finding::new(
            Code::PlanTextChanged,
            self.at(back.at.as_ref().or(sent.at.as_ref()), ind),
            back.text.clone(),
            &[field, self.source, &old, &new],
        ));
    }

    /// Rows added or removed (行動計画, 成果指標): one warning with both counts.
    fn rows(
        &self,
        what: &str,
        (sent, back): (usize, usize),
        at: Option<&CellRef>,
        out: &mut Vec<Finding>,
    ) {
        out.push(Finding::new(
            Code::PlanRowsChanged,
            self.at(at, None),
            None,
            &[what, self.source, &sent.to_string(), &back.to_string()],
        ));
    }

    fn at(&self, at: Option<&CellRef>, ind: Option<&str>) -> Location {
        at.map(|a| Location::cell(a, Some(self.no), ind))
            .unwrap_or_default()
    }
}

/// A value for a message: （空欄） when blank, line breaks as spaces.
fn shown(s: &str) -> String {
    if s.trim().is_empty() {
        "（空欄）".to_string()
    } else {
        s.replace('\n', " ")
    }
}
