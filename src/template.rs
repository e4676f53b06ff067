//! The department workbook (`template`): a blank [`Report`] in the layout's sheets, or next
//! cycle's report made from this cycle's (structure, bases and targets kept; the new year's
//! actuals, the derived figures and the texts emptied) → [`Report`] + [`Calculation`] for
//! [`crate::write::template_workbook`].

use crate::calc::{derive, Calculation, Rule};
use crate::layout::Layout;
use crate::model::{Action, Field, Indicator, Item, Report, Section, Sheet, TextField, Year};
use crate::rules::{ActualRule, RateRule, TotalRule};

/// Item blocks per sheet of a blank workbook.
pub const BLANK_ITEMS: usize = 10;

fn label(text: &str) -> TextField {
    TextField {
        text: Some(text.to_string()),
        at: None,
    }
}

/// A blank workbook for `year`: one sheet per 大分類 of the layout, each with
/// [`BLANK_ITEMS`] empty items of two action rows and one indicator, rated by the default rule
/// (ratio, given total, annual actuals).
pub fn blank(layout: &Layout, year: Year) -> (Report, Calculation) {
    let indicator = Indicator {
        target_label: label(&layout.labels.target_row[0]),
        actual_label: label(&layout.labels.actual_row[0]),
        ..Indicator::default()
    };
    let item = Item {
        actions: vec![Action::default(), Action::default()],
        indicators: vec![indicator],
        ..Item::default()
    };
    let rule = Rule {
        rate: RateRule::Ratio,
        total: TotalRule::Given,
        actual: ActualRule::Annual,
        decimals: 0,
        percent: false,
        declared: false,
    };
    let sheets = layout
        .section
        .iter()
        .map(|s| Sheet {
            name: s.sheet.clone(),
            sections: vec![Section {
                heading: TextField::default(),
                items: vec![item.clone(); BLANK_ITEMS],
            }],
            ..Sheet::default()
        })
        .collect();
    let report = Report {
        year: Some(year),
        sheets,
    };
    let calc = recalculate_with(&report, year, |_| rule);
    (report, calc)
}

/// Next cycle's workbook for `year` from this cycle's corrected report and its calculation:
/// structure, bases, targets and earlier actuals kept; the actuals of `year` and later, the
/// derived figures, 達成状況, 評価, the two texts and the top-right date and number emptied.
/// Each indicator keeps the rule it had.
pub fn next_cycle(report: &Report, calc: &Calculation, year: Year) -> (Report, Calculation) {
    let mut next = report.clone();
    next.year = Some(year);
    for sheet in &mut next.sheets {
        sheet.date = TextField::default();
        sheet.doc_no = TextField::default();
        for section in &mut sheet.sections {
            for item in &mut section.items {
                for t in [
                    &mut item.status,
                    &mut item.grade,
                    &mut item.results,
                    &mut item.plan,
                ] {
                    *t = TextField::default();
                }
                for ind in &mut item.indicators {
                    for f in ind.actuals[year.index()..].iter_mut().chain([
                        &mut ind.actual_total,
                        &mut ind.effect,
                        &mut ind.rate_year,
                        &mut ind.rate_total,
                    ]) {
                        *f = Field::default();
                    }
                }
            }
        }
    }
    let rules: Vec<_> = calc.indicators.iter().map(|(p, d)| (*p, d.rule)).collect();
    let calc = recalculate_with(&next, year, |path| {
        rules
            .binary_search_by(|(p, _)| p.cmp(&path))
            .map(|i| rules[i].1)
            .unwrap_or(Rule {
                rate: RateRule::Ratio,
                total: TotalRule::None,
                actual: ActualRule::Annual,
                decimals: 0,
                percent: false,
                declared: false,
            })
    });
    (next, calc)
}

/// Derives every indicator of `report` for `year` with the rule `rule_of` gives its position.
fn recalculate_with(
    report: &Report,
    year: Year,
    rule_of: impl Fn(crate::calc::Path) -> Rule,
) -> Calculation {
    let mut indicators = Vec::new();
    for (si, sheet) in report.sheets.iter().enumerate() {
        for (ci, section) in sheet.sections.iter().enumerate() {
            for (ii, item) in section.items.iter().enumerate() {
                for (ki, ind) in item.indicators.iter().enumerate() {
                    let path = (si, ci, ii, ki);
                    indicators.push((path, derive(ind, rule_of(path), year)));
                }
            }
        }
    }
    Calculation {
        year: Some(year),
        indicators,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calc::Figure;

    #[test]
    fn blank_has_the_layout_sheets_and_dash_figures() {
        let layout = Layout::builtin();
        let (report, calc) = blank(&layout, Year::ALL[0]);
        assert_eq!(report.sheets.len(), layout.section.len());
        assert_eq!(report.items().count(), layout.section.len() * BLANK_ITEMS);
        assert!(calc
            .indicators
            .iter()
            .all(|(_, d)| d.effect == Figure::Dash && d.rate_total == Figure::Dash));
    }
}
