//! The reference a department workbook carries (`template --from`): the plan cells and the
//! earlier actuals as sent, in a veryHidden sheet 「配布時の計画」, so that the workbook that comes
//! back can be compared with what was sent without any other file (`drift`). Its shape: the
//! sheet's name and header, the rows written from a [`Report`], and the [`Reference`] read back
//! from those rows. Writing the sheet is the writer's, reading its cells the reader's.

use crate::model::{
    Action, Field, Found, Indicator, Item, Report, Section, Sheet, TextField, Year,
};
use crate::value::{parse_text, squash, Value};

/// The name of the reference sheet in a department workbook.
pub const REFERENCE_SHEET: &str = "配布時の計画";

/// The header row of the reference sheet.
pub const REFERENCE_HEADER: [&str; 12] = [
    "№",
    "シート",
    "種別",
    "順",
    "内容",
    "29基準",
    "R1",
    "R2",
    "R3",
    "R4",
    "R5",
    "合計",
];

/// The 種別 of each row: the workbook's year, an item's name, one 行動計画 row with its marks,
/// one indicator's 目標 row (name, 29基準, targets, 合計) and its earlier actuals.
const YEAR: &str = "年度";
const ITEM: &str = "実施計画";
const ACTION: &str = "行動計画";
const TARGET: &str = "目標";
const ACTUAL: &str = "実績";

/// The plan and earlier actuals as sent: the workbook's report year and the items (with no
/// cell positions: the cells are those of the workbook that comes back).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reference {
    /// The year the workbook was made for (actuals before it were sent).
    pub year: Option<Year>,
    /// The items as sent, on their sheets.
    pub report: Report,
}

/// The reference rows of `report` made for `year`: a year row, then per numbered item its name
/// row, its 行動計画 rows and, per indicator, a 目標 row and an 実績 row with the actuals of the
/// years before `year`.
pub fn rows(report: &Report, year: Year) -> Vec<Vec<Found>> {
    let text = |s: &str| Found::Text(s.to_string());
    let mut out = vec![vec![
        Found::Empty,
        Found::Empty,
        text(YEAR),
        Found::Empty,
        text(&year.to_string()),
    ]];
    for (sheet, item) in report.items() {
        let Some(n) = item.number() else { continue };
        let head = |kind: &str, order: usize, content: &TextField| {
            let order = Found::Number((order as u32).into());
            vec![
                Found::Number(n.into()),
                text(&sheet.name),
                text(kind),
                order,
                content.text.as_deref().map_or(Found::Empty, text),
            ]
        };
        out.push(head(ITEM, 0, &item.name));
        for (i, a) in item.actions.iter().enumerate() {
            let mut row = head(ACTION, i + 1, &a.text);
            row.push(Found::Empty);
            row.extend(
                a.marks
                    .iter()
                    .map(|m| m.text.as_deref().map_or(Found::Empty, text)),
            );
            out.push(row);
        }
        for (k, ind) in item.indicators.iter().enumerate() {
            let mut row = head(TARGET, k + 1, &ind.name);
            row.push(cell(&ind.base));
            row.extend(ind.targets.iter().map(cell));
            row.push(cell(&ind.target_total));
            out.push(row);
            let mut row = head(ACTUAL, k + 1, &TextField::default());
            row.push(Found::Empty);
            let earlier = ind.actuals.iter().take(year.index());
            row.extend(earlier.map(cell));
            out.push(row);
        }
    }
    out
}

/// A number-column value as its cell holds it: a number, the text (「-」 as typed) or nothing.
fn cell(field: &Field) -> Found {
    match &field.value {
        Value::Number(d) => Found::Number(*d),
        Value::NotApplicable => match &field.found {
            Found::Text(s) => Found::Text(s.clone()),
            _ => Found::Text("-".to_string()),
        },
        Value::Text(s) => Found::Text(s.clone()),
        Value::Blank => Found::Empty,
    }
}

impl Reference {
    /// The reference from the rows of its sheet below the header (each row's cells from column
    /// A); rows that are none of its kinds are passed over (the sheet is shinchoku's own). None
    /// when no item is left: an empty reference would make every item look added.
    pub fn from_rows(rows: &[Vec<Found>]) -> Option<Reference> {
        let mut reference = Reference::default();
        let mut items: Vec<(String, Item)> = Vec::new();
        for row in rows {
            let get = |c: usize| row.get(c).unwrap_or(&Found::Empty);
            let kind = squash(&get(2).display());
            if kind == YEAR {
                reference.year = Year::parse(&get(4).display());
                continue;
            }
            let (Some(n), Some(order)) = (whole(get(0)), whole(get(3))) else {
                continue;
            };
            let content = text_field(get(4));
            if kind == ITEM {
                let item = Item {
                    no: Field::new(Value::Number(n.into())),
                    name: content,
                    ..Item::default()
                };
                items.push((get(1).display(), item));
                continue;
            }
            let Some((_, item)) = items.iter_mut().rev().find(|(_, i)| i.number() == Some(n))
            else {
                continue;
            };
            let years = |from: usize| std::array::from_fn(|y| get(from + y).clone());
            match kind.as_str() {
                ACTION => item.actions.push(Action {
                    text: content,
                    marks: years(6).map(|f| text_field(&f)),
                }),
                TARGET => item.indicators.push(Indicator {
                    name: content,
                    base: field(get(5)),
                    targets: years(6).map(|f| field(&f)),
                    target_total: field(get(11)),
                    ..Indicator::default()
                }),
                ACTUAL => {
                    let k = order.checked_sub(1).map(|k| k as usize);
                    if let Some(ind) = k.and_then(|k| item.indicators.get_mut(k)) {
                        ind.actuals = years(6).map(|f| field(&f));
                    }
                }
                _ => {}
            }
        }
        if items.is_empty() {
            return None;
        }
        reference.report = into_sheets(items);
        Some(reference)
    }
}

/// A whole positive number cell (№, 順).
fn whole(f: &Found) -> Option<u32> {
    use rust_decimal::prelude::ToPrimitive;
    match f {
        Found::Number(d) if d.fract().is_zero() => d.to_u32(),
        _ => None,
    }
}

fn text_field(f: &Found) -> TextField {
    TextField {
        text: Some(f.display()).filter(|s| !s.is_empty()),
        at: None,
    }
}

fn field(f: &Found) -> Field {
    let value = match f {
        Found::Empty => Value::Blank,
        Found::Number(d) => Value::Number(*d),
        Found::Text(s) | Found::Huge(s) => parse_text(s),
    };
    Field {
        found: f.clone(),
        ..Field::new(value)
    }
}

/// The items on their sheets, in the order first seen, one 小分類 table per sheet.
fn into_sheets(items: Vec<(String, Item)>) -> Report {
    let mut report = Report::default();
    for (name, item) in items {
        let at = report.sheets.iter().position(|s| s.name == name);
        let at = at.unwrap_or_else(|| {
            report.sheets.push(Sheet {
                name,
                sections: vec![Section::default()],
                ..Sheet::default()
            });
            report.sheets.len() - 1
        });
        report.sheets[at].sections[0].items.push(item);
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_read_back_as_the_items_sent() {
        let num = |n: i64| Field::new(Value::Number(n.into()));
        let mut ind = Indicator {
            name: text_field(&Found::Text("職員数(人)".into())),
            base: num(342),
            target_total: Field::new(Value::NotApplicable),
            ..Indicator::default()
        };
        ind.targets[0] = num(341);
        ind.actuals[0] = num(333);
        ind.actuals[1] = num(330);
        let item = Item {
            no: num(1),
            name: text_field(&Found::Text("定員適正化".into())),
            actions: vec![Action::default()],
            indicators: vec![ind],
            ..Item::default()
        };
        let report = Report {
            sheets: vec![Sheet {
                name: "大分類1".into(),
                sections: vec![Section {
                    items: vec![item],
                    ..Section::default()
                }],
                ..Sheet::default()
            }],
        };
        assert_eq!(
            Reference::from_rows(&rows(&Report::default(), Year::ALL[1])),
            None
        );
        let back = Reference::from_rows(&rows(&report, Year::ALL[1])).unwrap();
        assert_eq!(back.year, Some(Year::ALL[1]));
        let (sheet, got) = back.report.items().next().unwrap();
        assert_eq!((sheet.name.as_str(), got.number()), ("大分類1", Some(1)));
        assert_eq!(got.name.as_str(), "定員適正化");
        assert_eq!(got.actions.len(), 1);
        let ind = &got.indicators[0];
        assert_eq!(ind.base.value, Value::Number(342.into()));
        assert_eq!(ind.targets[0].value, Value::Number(341.into()));
        assert_eq!(ind.target_total.value, Value::NotApplicable);
        // Only the actuals before the workbook's year were sent.
        assert_eq!(ind.actuals[0].value, Value::Number(333.into()));
        assert_eq!(ind.actuals[1].value, Value::Blank);
    }
}
