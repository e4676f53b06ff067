//! E120: an input cell (基準, 目標, 実績, a level indicator's 合計) holding a formula whose result
//! the saving program did not store (openpyxl and many scripts keep formulas without results):
//! named with its formula, never read as a silent blank. With a stored result, the result is
//! the value and nothing is said.

use super::Ctx;
use crate::finding::{Code, Finding};
use crate::model::{Field, Found, Indicator};
use crate::rules::TotalRule;

/// The input cells of `ind` with their field names.
fn inputs<'a>(ind: &'a Indicator, cx: &Ctx<'_>) -> Vec<(String, &'a Field)> {
    let mut v = vec![
        ("29基準".to_string(), &ind.base),
        ("29基準（実績行）".to_string(), &ind.base_again),
        ("合計目標".to_string(), &ind.target_total),
    ];
    for (y, f) in ind.targets.iter().enumerate() {
        v.push((format!("R{}目標", y + 1), f));
    }
    for (y, f) in ind.actuals.iter().enumerate() {
        v.push((format!("R{}実績", y + 1), f));
    }
    if cx.d.rule.total == TotalRule::None {
        v.push(("実績合計".to_string(), &ind.actual_total));
    }
    v
}

/// E120 for every input cell of `ind` holding a formula without a stored result.
pub(super) fn without_value(ind: &Indicator, cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (label, f) in inputs(ind, cx) {
        if let (Some(fx), Found::Empty) = (&f.formula, &f.found) {
            let shown = format!("={}", fx.trim_start_matches('='));
            out.push(Finding::new(
                Code::FormulaWithoutValue,
                cx.at(f),
                None,
                &[&label, &shown],
            ));
        }
    }
}
