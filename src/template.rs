//! The department workbook (`template`): a blank [`Report`] in the layout's sheets, or next
//! cycle's report made from this cycle's (structure, bases and targets kept; the new year's
//! actuals, the derived figures and the texts emptied), recalculated for the new year, for
//! the writer's template workbook.

use crate::calc::{recalculate_keeping_rules, recalculate_with_rule};
use crate::layout::Layout;
use crate::model::{Action, Field, Indicator, Item, Report, Section, Sheet, TextField, Year};
use crate::rules::Rule;

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
/// with a given total (ratio, given, annual actuals), recalculated.
pub fn blank(layout: &Layout, year: Year) -> Report {
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
    let mut report = Report { sheets };
    recalculate_with_rule(&mut report, year, Rule::inferred(true, 0, false));
    report
}

/// Next cycle's workbook for `year` from this cycle's corrected, recalculated report:
/// structure, bases, targets and earlier actuals kept; the actuals of `year` and later, the
/// derived figures, 達成状況, 評価, the two texts and the top-right date and number emptied.
/// Each indicator keeps the rule it had (an indicator without one: the default without a total).
pub fn next_cycle(report: &Report, year: Year) -> Report {
    let mut next = report.clone();
    for sheet in &mut next.sheets {
        sheet.date = TextField::default();
        sheet.doc_no = TextField::default();
    }
    for item in next.items_mut() {
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
    recalculate_keeping_rules(&mut next, year, Rule::inferred(false, 0, false));
    next
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Figure;

    #[test]
    fn blank_has_the_layout_sheets_and_dash_figures() {
        let layout = Layout::builtin();
        let report = blank(&layout, Year::ALL[0]);
        assert_eq!(report.sheets.len(), layout.section.len());
        assert_eq!(report.items().count(), layout.section.len() * BLANK_ITEMS);
        assert!(report.indicators().all(|(_, ind)| ind
            .recalculated
            .is_some_and(|d| d.effect == Figure::Dash && d.rate_total == Figure::Dash)));
    }
}
