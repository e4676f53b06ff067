//! Comparing two versions of a report cell by cell, in report terms (sheet, cell, item №,
//! indicator, field, old → new, and a character diff of texts): what `diff` shows and what the
//! merge of department files (E108) uses to tell identical copies from conflicting ones.

use crate::model::{CellRef, Field, Found, Item, Report, Sheet, TextField};
use serde::Serialize;
use similar::{ChangeTag, TextDiff};
use std::collections::BTreeMap;

/// One cell of an item, in report terms, for comparing two versions.
struct ItemCell {
    /// 0 for the item's own cells, n for the n-th indicator, 100 + n for the n-th action.
    group: usize,
    field: String,
    indicator: Option<String>,
    at: Option<CellRef>,
    value: String,
    text: bool,
}

fn push_field(cells: &mut Vec<ItemCell>, group: usize, ind: Option<&str>, label: &str, f: &Field) {
    cells.push(ItemCell {
        group,
        field: label.to_string(),
        indicator: ind.map(str::to_string),
        at: f.at.clone(),
        // A percent cell (1.029 shown as 102.9%) is compared as the percent it shows.
        value: match (&f.found, &f.value) {
            (Found::Number(_), crate::value::Value::Number(d)) if f.is_percent() => {
                d.normalize().to_string()
            }
            _ => f.found.display(),
        },
        text: matches!(f.found, Found::Text(_)),
    });
}

/// A derived figure: blank and "-" both say "not computable" (SPEC §3), as in the correction of derived figures,
/// so a formula now showing "-" where the department left the cell blank is no difference.
fn push_derived(
    cells: &mut Vec<ItemCell>,
    group: usize,
    ind: Option<&str>,
    label: &str,
    f: &Field,
) {
    if f.value.is_absent() {
        let blank = Field {
            found: Found::Empty,
            ..f.clone()
        };
        push_field(cells, group, ind, label, &blank);
    } else {
        push_field(cells, group, ind, label, f);
    }
}

fn push_text(
    cells: &mut Vec<ItemCell>,
    group: usize,
    ind: Option<&str>,
    label: &str,
    t: &TextField,
) {
    cells.push(ItemCell {
        group,
        field: label.to_string(),
        indicator: ind.map(str::to_string),
        at: t.at.clone(),
        value: t.as_str().to_string(),
        text: true,
    });
}

/// Every cell of an item with its field name, in report order.
fn item_cells(item: &Item) -> Vec<ItemCell> {
    let mut cells = Vec::new();
    push_field(&mut cells, 0, None, "№", &item.no);
    push_text(&mut cells, 0, None, "実施計画", &item.name);
    for (ai, a) in item.actions.iter().enumerate() {
        let label = format!("行動計画{}", ai + 1);
        push_text(&mut cells, 100 + ai, None, &label, &a.text);
        for (y, m) in a.marks.iter().enumerate() {
            push_text(
                &mut cells,
                100 + ai,
                None,
                &format!("{label} R{}", y + 1),
                m,
            );
        }
    }
    push_text(&mut cells, 0, None, "項目", &item.placeholder);
    for (ki, ind) in item.indicators.iter().enumerate() {
        let g = ki + 1;
        let name = ind.name.text.clone();
        let name = name.as_deref();
        push_text(&mut cells, g, name, "項目", &ind.name);
        push_text(&mut cells, g, name, "区分（目標行）", &ind.target_label);
        push_text(&mut cells, g, name, "区分（実績行）", &ind.actual_label);
        push_field(&mut cells, g, name, "29基準", &ind.base);
        push_field(&mut cells, g, name, "29基準（実績行）", &ind.base_again);
        for (y, f) in ind.targets.iter().enumerate() {
            push_field(&mut cells, g, name, &format!("R{}目標", y + 1), f);
        }
        push_field(&mut cells, g, name, "合計目標", &ind.target_total);
        for (y, f) in ind.actuals.iter().enumerate() {
            push_field(&mut cells, g, name, &format!("R{}実績", y + 1), f);
        }
        push_derived(&mut cells, g, name, "実績合計", &ind.actual_total);
        push_derived(&mut cells, g, name, "実施効果", &ind.effect);
        push_derived(&mut cells, g, name, "年度目標達成率", &ind.rate_year);
        push_derived(&mut cells, g, name, "合計目標達成率", &ind.rate_total);
    }
    push_text(&mut cells, 0, None, "達成状況", &item.status);
    push_text(&mut cells, 0, None, "評価", &item.grade);
    push_text(&mut cells, 0, None, "年度実績", &item.results);
    push_text(&mut cells, 0, None, "年度計画", &item.plan);
    cells
}

/// One cell that differs between two versions, in the report's own terms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// The worksheet (of the new version; of the old one for a removed item).
    pub sheet: String,
    /// The cell in A1 notation, if there is one.
    pub cell: Option<String>,
    /// The item №.
    pub item: Option<u32>,
    /// The indicator name.
    pub indicator: Option<String>,
    /// Which field ("R1実績", "年度実績", "項目" …).
    pub field: String,
    /// The old value ("" when blank).
    pub old: String,
    /// The new value ("" when blank).
    pub new: String,
    /// For text, the character diff of old → new.
    pub diff: Option<String>,
}

/// The cells that differ between two versions of one item (locations are not compared).
pub fn compare_items(old: &Item, new: &Item, sheet: &str) -> Vec<Difference> {
    let item = new.number().or(old.number());
    let keyed = |cells: Vec<ItemCell>| -> BTreeMap<(usize, String), ItemCell> {
        cells
            .into_iter()
            .map(|c| ((c.group, c.field.clone()), c))
            .collect()
    };
    let mut old_cells = keyed(item_cells(old));
    let mut out = Vec::new();
    for n in item_cells(new) {
        let o = old_cells.remove(&(n.group, n.field.clone()));
        let old_value = o.as_ref().map(|o| o.value.clone()).unwrap_or_default();
        if old_value == n.value {
            continue;
        }
        let at =
            n.at.clone()
                .or_else(|| o.as_ref().and_then(|o| o.at.clone()));
        let text = n.text || o.as_ref().is_some_and(|o| o.text);
        out.push(Difference {
            sheet: at
                .as_ref()
                .map_or(sheet.to_string(), |a| a.sheet.to_string()),
            cell: at.as_ref().map(CellRef::a1),
            item,
            indicator: n.indicator.or_else(|| o.and_then(|o| o.indicator)),
            field: n.field,
            diff: text.then(|| char_diff(&old_value, &n.value)),
            old: old_value,
            new: n.value,
        });
    }
    for (_, o) in old_cells {
        if o.value.is_empty() {
            continue;
        }
        out.push(Difference {
            sheet: o
                .at
                .as_ref()
                .map_or(sheet.to_string(), |a| a.sheet.to_string()),
            cell: o.at.as_ref().map(CellRef::a1),
            item,
            indicator: o.indicator,
            field: o.field,
            diff: o.text.then(|| char_diff(&o.value, "")),
            old: o.value,
            new: String::new(),
        });
    }
    out
}

/// How an item is matched between two versions: by №, else by sheet and name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum ItemKey {
    No(u32),
    Name(String, String),
}

fn item_key(sheet: &Sheet, item: &Item) -> ItemKey {
    match item.number() {
        Some(n) => ItemKey::No(n),
        None => ItemKey::Name(sheet.name.clone(), item.name.as_str().to_string()),
    }
}

/// A sheet text as compared: a 小分類 heading without the 大分類 line the report prints in
/// the same cell (the line is the layout's, not the department's text).
pub fn heading_text(text: &str) -> String {
    if text.contains("小分類") {
        text.lines()
            .filter(|l| !l.contains("大分類"))
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        text.to_string()
    }
}

fn sheet_texts(sheet: &Sheet) -> Vec<(String, &TextField)> {
    let mut v = vec![
        ("大分類".to_string(), &sheet.heading),
        ("日付".to_string(), &sheet.date),
        ("資料番号".to_string(), &sheet.doc_no),
    ];
    for (i, sec) in sheet.sections.iter().enumerate() {
        v.push((format!("小分類{}", i + 1), &sec.heading));
    }
    v
}

/// Every cell that differs between two versions of a report: sheet headings, then items
/// matched by № (an item only in one version shows all its cells as added or removed).
pub fn compare_reports(old: &Report, new: &Report) -> Vec<Difference> {
    let mut out = Vec::new();
    let empty = Sheet::default();
    let old_sheets: BTreeMap<&str, &Sheet> =
        old.sheets.iter().map(|s| (s.name.as_str(), s)).collect();
    for sheet in &new.sheets {
        let before = old_sheets
            .get(sheet.name.as_str())
            .copied()
            .unwrap_or(&empty);
        let before_texts = sheet_texts(before);
        for (i, (field, t)) in sheet_texts(sheet).into_iter().enumerate() {
            let o = before_texts
                .get(i)
                .map(|(_, t)| heading_text(t.as_str()))
                .unwrap_or_default();
            let n = heading_text(t.as_str());
            if o != n {
                let at =
                    t.at.as_ref()
                        .or(before_texts.get(i).and_then(|(_, t)| t.at.as_ref()));
                out.push(Difference {
                    sheet: sheet.name.clone(),
                    cell: at.map(CellRef::a1),
                    item: None,
                    indicator: None,
                    field,
                    diff: Some(char_diff(&o, &n)),
                    old: o,
                    new: n,
                });
            }
        }
    }
    let mut old_items: BTreeMap<ItemKey, (&Sheet, &Item)> = BTreeMap::new();
    for (s, i) in old.items() {
        old_items.entry(item_key(s, i)).or_insert((s, i));
    }
    let blank = Item::default();
    for (s, i) in new.items() {
        let (_, oi) = old_items.remove(&item_key(s, i)).unwrap_or((s, &blank));
        out.extend(compare_items(oi, i, &s.name));
    }
    for (s, i) in old_items.into_values() {
        out.extend(compare_items(i, &blank, &s.name));
    }
    out
}

/// A text change as a clerk reads it: 「旧」→「新」. Short texts are shown whole; in a long text
/// each changed run is shown with a few characters around it (…), runs joined by 「、」.
pub fn char_diff(old: &str, new: &str) -> String {
    const WHOLE: usize = 30;
    const CONTEXT: usize = 4;
    if old.chars().count() <= WHOLE && new.chars().count() <= WHOLE {
        return format!("「{old}」→「{new}」");
    }
    let diff = TextDiff::from_graphemes(old, new);
    let changes: Vec<(ChangeTag, &str)> = diff
        .iter_all_changes()
        .map(|c| (c.tag(), c.value()))
        .collect();
    let equal = |i: usize| changes[i].0 == ChangeTag::Equal;
    let mut runs = Vec::new();
    let mut i = 0;
    while i < changes.len() {
        if equal(i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < changes.len() && !equal(i) {
            i += 1;
        }
        let before: Vec<&str> = changes[..start]
            .iter()
            .rev()
            .take_while(|c| c.0 == ChangeTag::Equal)
            .take(CONTEXT)
            .map(|c| c.1)
            .collect();
        let before: String = before.into_iter().rev().collect();
        let after: String = changes[i..]
            .iter()
            .take_while(|c| c.0 == ChangeTag::Equal)
            .take(CONTEXT)
            .map(|c| c.1)
            .collect();
        let side = |tag: ChangeTag| -> String {
            changes[start..i]
                .iter()
                .filter(|c| c.0 == tag)
                .map(|c| c.1)
                .collect()
        };
        let lead = if before.is_empty() { "" } else { "…" };
        let tail = if after.is_empty() { "" } else { "…" };
        runs.push(format!(
            "「{lead}{before}{}{after}{tail}」→「{lead}{before}{}{after}{tail}」",
            side(ChangeTag::Delete),
            side(ChangeTag::Insert)
        ));
    }
    runs.join("、")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Indicator;

    #[test]
    fn a_heading_is_compared_without_the_major_line_printed_above_it() {
        let printed = "大分類１ 組織・人材マネジメントの見直し\n＜小分類2 人材育成・人材登用＞";
        assert_eq!(heading_text(printed), "＜小分類2 人材育成・人材登用＞");
        assert_eq!(heading_text("大分類１ 組織"), "大分類１ 組織");
    }

    #[test]
    fn text_changes_read_old_then_new() {
        assert_eq!(char_diff("実勢", "実績"), "「実勢」→「実績」");
        assert_eq!(char_diff("abc", ""), "「abc」→「」");
        let old = "・採用計画、組織体系の見直しに係る調査、ヒアリングの実施と結果の分析";
        let new = "・採用計画、組織体系の見直しに係る調査、聞き取りの実施と結果の分析";
        assert_eq!(
            char_diff(old, new),
            "「…る調査、ヒアリングの実施と…」→「…る調査、聞き取りの実施と…」"
        );
    }

    #[test]
    fn compare_items_names_field_indicator_and_text_diff() {
        let mut old = Item::default();
        old.name.text = Some("職員の人材育成".into());
        let mut ind = Indicator::default();
        ind.name.text = Some("研修参加率（％）".into());
        ind.actuals[0].found = Found::Number(rust_decimal::Decimal::from(80));
        old.indicators.push(ind);
        let mut new = old.clone();
        new.name.text = Some("職員の人材育成と登用".into());
        new.indicators[0].actuals[0].found = Found::Text("８５".into());
        let d = compare_items(&old, &new, "大分類1");
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(
            (d[0].field.as_str(), d[0].diff.as_deref()),
            (
                "実施計画",
                Some("「職員の人材育成」→「職員の人材育成と登用」")
            )
        );
        assert_eq!(d[1].field, "R1実績");
        assert_eq!(d[1].indicator.as_deref(), Some("研修参加率（％）"));
        assert_eq!((d[1].old.as_str(), d[1].new.as_str()), ("80", "８５"));
        assert!(compare_items(&old, &old, "大分類1").is_empty());
    }
}
