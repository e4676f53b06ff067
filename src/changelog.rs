//! The change log: the input [`Report`] + its [`Calculation`] → the corrected report and one
//! [`Change`] per corrected cell (SPEC §5: forms of values and derived figures only), and
//! `changes.csv` (SPEC §6); the 変更履歴 sheet (earlier rows kept, this run's appended); and the
//! cell-by-cell comparison of two reports ([`compare_reports`]) that `diff` and the merge of
//! department files use.

use crate::calc::{same_at_precision, Calculation, Figure};
use crate::finding::{Code, Finding, Location};
use crate::model::{CellRef, Field, Found, Indicator, Item, Report, Sheet, TextField, Value};
use crate::value::squash;
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use serde::Serialize;
use similar::{ChangeTag, TextDiff};
use std::collections::BTreeMap;

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

/// Applies the corrections SPEC §5 allows to `report`, in place, and records each one.
pub fn correct(report: &mut Report, calc: &Calculation) -> Vec<Change> {
    let mut changes = Vec::new();
    for (si, sheet) in report.sheets.iter_mut().enumerate() {
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
    changes
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
            w.write_record(change_cells(c).iter().map(|s| escape(s)))
                .expect("writing to memory");
        }
        w.flush().expect("writing to memory");
    }
    out
}

/// The name of the change-log sheet in the report workbook.
pub const HISTORY_SHEET: &str = "変更履歴";

/// The header row of the 変更履歴 sheet: the run number, then the columns of `changes.csv`.
pub const HISTORY_HEADER: [&str; 11] = [
    "回",
    "ファイル",
    "シート",
    "セル",
    "項目№",
    "指標",
    "欄",
    "修正前",
    "修正後",
    "コード",
    "理由",
];

/// One row of the 変更履歴 sheet: which run made the change, and the change as in `changes.csv`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct HistoryRow {
    /// The run number (1 for the first report, 2 for the next re-run …).
    pub run: u32,
    /// file, sheet, cell, item, indicator, field, old, new, code, reason.
    pub cells: [String; 10],
}

impl HistoryRow {
    /// A row from the cells of a 変更履歴 sheet row (the run number first); None for a row
    /// that is not one (blank, or no run number).
    pub fn from_cells(cells: &[String]) -> Option<HistoryRow> {
        let run = squash(cells.first()?).parse().ok()?;
        let rest: [String; 10] =
            std::array::from_fn(|i| cells.get(i + 1).cloned().unwrap_or_default());
        Some(HistoryRow { run, cells: rest })
    }
}

fn change_cells(c: &Change) -> [String; 10] {
    [
        c.at.file.clone(),
        c.at.sheet.clone().unwrap_or_default(),
        c.at.a1().unwrap_or_default(),
        c.at.item.map(|n| n.to_string()).unwrap_or_default(),
        c.at.indicator.clone().unwrap_or_default(),
        c.field.clone(),
        c.old.clone(),
        c.new.clone(),
        c.code.as_str().to_string(),
        c.reason.clone(),
    ]
}

/// The 変更履歴 of this run: the earlier rows kept as they were, then this run's changes
/// numbered one past the last earlier run (nothing is appended when nothing changed).
pub fn history(earlier: &[HistoryRow], changes: &[Change]) -> Vec<HistoryRow> {
    let run = earlier.iter().map(|r| r.run).max().unwrap_or(0) + 1;
    let mut rows = earlier.to_vec();
    rows.extend(changes.iter().map(|c| HistoryRow {
        run,
        cells: change_cells(c),
    }));
    rows
}

/// Adds the 変更履歴 sheet (header row and `rows`) to the report workbook, in `font`; no sheet
/// when there are no rows.
///
/// # Errors
/// A text longer than a cell allows.
pub fn add_history_sheet(
    workbook: &mut Workbook,
    rows: &[HistoryRow],
    font: &str,
) -> Result<(), XlsxError> {
    if rows.is_empty() {
        // Nothing was ever corrected: no sheet (a department template has none either).
        return Ok(());
    }
    let text = Format::new().set_font_name(font);
    let bold = text.clone().set_bold().set_background_color("#D9E1F2");
    let ws = workbook.add_worksheet();
    ws.set_name(HISTORY_SHEET)?;
    // Printed with the report: A3 landscape, one page wide, the header row on every page.
    ws.set_paper_size(8);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    for (c, h) in HISTORY_HEADER.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let widths = [4.0, 18.0, 10.0, 6.0, 6.0, 28.0, 16.0, 12.0, 12.0, 7.0, 60.0];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_number_with_format(r, 0, row.run, &text)?;
        for (c, v) in row.cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string_with_format(r, c as u16 + 1, v, &text)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

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
        value: f.found.display(),
        text: matches!(f.found, Found::Text(_)),
    });
}

/// A derived figure: blank and "-" both say "not computable" (SPEC §3), as in [`correct`],
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
                .map(|(_, t)| t.as_str())
                .unwrap_or_default();
            if o != t.as_str() {
                let at =
                    t.at.as_ref()
                        .or(before_texts.get(i).and_then(|(_, t)| t.at.as_ref()));
                out.push(Difference {
                    sheet: sheet.name.clone(),
                    cell: at.map(CellRef::a1),
                    item: None,
                    indicator: None,
                    field,
                    old: o.to_string(),
                    new: t.as_str().to_string(),
                    diff: Some(char_diff(o, t.as_str())),
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

/// The differences as terminal text, one line each, then a count.
pub fn render_differences(diffs: &[Difference]) -> String {
    let mut out = String::new();
    for d in diffs {
        let cell = d.cell.as_deref().unwrap_or("-");
        let item = d.item.map(|n| format!(" №{n}")).unwrap_or_default();
        let ind = d
            .indicator
            .as_deref()
            .map(|s| format!(" {}", s.replace('\n', " ")))
            .unwrap_or_default();
        let show = |s: &str| {
            if s.is_empty() {
                "（空欄）".to_string()
            } else {
                s.replace('\n', "⏎")
            }
        };
        let long = |s: &str| s.chars().count() > 30 || s.contains('\n');
        let at = format!("{}!{cell}{item}{ind} {}", d.sheet, d.field);
        match &d.diff {
            // A long text shows only its character diff, not both versions in full.
            Some(diff) if long(&d.old) || long(&d.new) => {
                out.push_str(&format!("{at}（差分）: {}\n", show(diff)));
            }
            Some(diff) => out.push_str(&format!(
                "{at}: {} → {}（差分: {}）\n",
                show(&d.old),
                show(&d.new),
                show(diff)
            )),
            None => out.push_str(&format!("{at}: {} → {}\n", show(&d.old), show(&d.new))),
        }
    }
    if diffs.is_empty() {
        out.push_str("違いはありません\n");
    } else {
        out.push_str(&format!("違い {} 件\n", diffs.len()));
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

    fn change(old: &str, new: &str) -> Change {
        Change {
            at: Location::default(),
            field: "R1実績".into(),
            old: old.into(),
            new: new.into(),
            code: Code::TextNumber,
            reason: "r".into(),
        }
    }

    #[test]
    fn history_keeps_earlier_rows_and_numbers_the_new_run() {
        let first = history(&[], &[change("１", "1")]);
        assert_eq!(first.len(), 1);
        assert_eq!(first[0].run, 1);
        let second = history(&first, &[change("２", "2"), change("３", "3")]);
        assert_eq!(second[0], first[0]);
        assert_eq!(second.iter().map(|r| r.run).collect::<Vec<_>>(), [1, 2, 2]);
        assert_eq!(
            history(&second, &[]),
            second,
            "nothing new, nothing appended"
        );
        let cells: Vec<String> = ["2", "a.xlsx", "大分類1"].map(String::from).into();
        let row = HistoryRow::from_cells(&cells).unwrap();
        assert_eq!(
            (row.run, row.cells[1].as_str(), row.cells[9].as_str()),
            (2, "大分類1", "")
        );
        assert_eq!(HistoryRow::from_cells(&["回".to_string()]), None);
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
            ("実施計画", Some("職員の人材育成{+と登用+}"))
        );
        assert_eq!(d[1].field, "R1実績");
        assert_eq!(d[1].indicator.as_deref(), Some("研修参加率（％）"));
        assert_eq!((d[1].old.as_str(), d[1].new.as_str()), ("80", "８５"));
        assert!(compare_items(&old, &old, "大分類1").is_empty());
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
