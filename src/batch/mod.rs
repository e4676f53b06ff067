//! Department batches: the reports of several input files → one merged [`Report`] in item
//! order, with the findings the merge makes (an item in two files with different values, a
//! file that adds nothing, a plan item missing from every input); the per-input names of the
//! return workbooks; and the progress bar shown while a batch is read.

mod resubmit;

use self::resubmit::{conflict, Newer};
use crate::compare::heading_text;
use crate::finding::{Code, Finding, Location};
use crate::layout::Layout;
use crate::model::{Item, Report, Section, Sheet};
use crate::saved::Saved;
use crate::value::squash;
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Where an item is, for messages: "file sheet!A5".
fn place(file: &str, item: &Item) -> String {
    match item.no.at.as_ref().or(item.at.as_ref()) {
        Some(at) => format!("{} {}!{}", at.file, at.sheet, at.a1()),
        None => file.to_string(),
    }
}

fn item_location(file: &str, item: &Item) -> Location {
    match item.no.at.as_ref().or(item.at.as_ref()) {
        Some(at) => Location::cell(at, item.number(), None),
        None => Location {
            file: file.to_string(),
            item: item.number(),
            ..Location::default()
        },
    }
}

/// The first item № of a section (u32::MAX when it has none), for ordering.
fn first_no(items: &[Item]) -> u32 {
    items
        .iter()
        .filter_map(Item::number)
        .min()
        .unwrap_or(u32::MAX)
}

/// One input of a merge: the file as given, its report and when it was saved.
#[derive(Debug)]
pub struct Part {
    /// The file as given.
    pub file: String,
    /// Its report.
    pub report: Report,
    /// When it was saved (for resubmissions).
    pub saved: Option<Saved>,
}

/// A merge: the merged report, its findings, and the copies left out by `--prefer-newer`
/// (file, item №), whose reading findings no longer apply.
#[derive(Debug, Default)]
pub struct Merged {
    /// The merged report.
    pub report: Report,
    /// E108, W214, W227.
    pub findings: Vec<Finding>,
    /// The older copies of conflicting items, left out by `--prefer-newer`.
    pub dropped: Vec<(String, u32)>,
}

/// Merges the inputs into one report: sheets by name, 小分類 by heading, items by №. An item
/// № already taken by another file is dropped silently when its cells are the same. When they
/// differ it is an error naming both files and saved times (E108; the later input is not
/// used) unless `prefer_newer`: then the copy saved later is used wherever it came in the
/// argument order, with a warning naming both (W227); equal times stay E108. A file from which
/// nothing was taken gets a warning. With more than one input, items, 小分類 and sheets are put
/// in item order; a single input keeps its own order.
pub fn merge(parts: Vec<Part>, prefer_newer: bool) -> Merged {
    let several = parts.len() > 1;
    let mut m = Merged::default();
    let saved: HashMap<String, Option<Saved>> =
        parts.iter().map(|p| (p.file.clone(), p.saved)).collect();
    // item № → (file, sheet index, section index, item index) of the copy kept.
    let mut taken: HashMap<u32, Taken> = HashMap::new();
    for Part { file, report, .. } in parts {
        let mut added = 0usize;
        for sheet in report.sheets {
            let si = sheet_slot(&mut m.report, &sheet);
            for section in sheet.sections {
                let ci = section_slot(&mut m.report.sheets[si], &section);
                for item in section.items {
                    if let Some(n) = item.number() {
                        if let Some(first) = taken.get(&n).filter(|t| t.0 != file).cloned() {
                            let times = (&saved[&first.0], &saved[&file]);
                            let second = (file.as_str(), &item);
                            let Some(c) = conflict(&m.report, &first, second, &sheet.name, times)
                            else {
                                continue;
                            };
                            if !prefer_newer || c.newer == Newer::Same {
                                m.findings.push(c.error());
                                continue;
                            }
                            m.findings.push(c.warning());
                            if c.newer == Newer::First {
                                m.dropped.push((file.clone(), n));
                                continue;
                            }
                            m.dropped.push((first.0.clone(), n));
                            let (_, fs, fc, fi) = first;
                            m.report.sheets[fs].sections[fc].items[fi] = item;
                            taken.insert(n, (file.clone(), fs, fc, fi));
                            added += 1;
                            continue;
                        }
                        let items = &m.report.sheets[si].sections[ci].items;
                        taken
                            .entry(n)
                            .or_insert((file.clone(), si, ci, items.len()));
                    }
                    m.report.sheets[si].sections[ci].items.push(item);
                    added += 1;
                }
            }
        }
        if added == 0 {
            m.findings.push(Finding::new(
                Code::FileAddsNothing,
                Location {
                    file: file.clone(),
                    ..Location::default()
                },
                None,
                &[],
            ));
        }
    }
    if several {
        put_in_item_order(&mut m.report);
    }
    m
}

/// Puts every 小分類 on the sheet of its 大分類 in the layout (found by the input sheet's name
/// or by the 大分類 number of its heading), whatever the input sheet was called: a department's
/// sheet 「総務課」 headed 「大分類１ …」 lands on 大分類1. On a sheet that names no 大分類, each
/// item goes by its № to the 大分類 and 小分類 it has in `plan` (`--plan`), if given. Sheets
/// without items are dropped, so the published workbook has no empty page. Sheets the layout
/// does not know keep their name and come after the layout's, in their order.
pub fn into_layout_sheets(report: &mut Report, layout: &Layout, plan: Option<&Report>) {
    let sheet_name = |s: &Sheet| {
        layout
            .section_for(&s.name, s.heading.as_str())
            .map(|l| l.sheet.clone())
    };
    // № → the plan's sheet (as the layout names it) and 小分類.
    let mut home: HashMap<u32, (Sheet, Section)> = HashMap::new();
    for s in plan.map_or(&[][..], |p| &p.sheets[..]) {
        let like = Sheet {
            name: sheet_name(s).unwrap_or_else(|| s.name.clone()),
            ..s.without_sections()
        };
        for sec in &s.sections {
            let empty = Section {
                heading: sec.heading.clone(),
                items: Vec::new(),
            };
            for n in sec.items.iter().filter_map(Item::number) {
                home.insert(n, (like.clone(), empty.clone()));
            }
        }
    }
    let mut out: Vec<Sheet> = Vec::new();
    let mut joined = false;
    for sheet in std::mem::take(&mut report.sheets) {
        let named = sheet_name(&sheet);
        let like = Sheet {
            name: named.clone().unwrap_or_else(|| sheet.name.clone()),
            ..sheet.without_sections()
        };
        // What earlier input sheets put where: joining them needs the item order again.
        let before: HashMap<String, usize> = out
            .iter()
            .map(|s| {
                (
                    s.name.clone(),
                    s.sections.iter().map(|c| c.items.len()).sum(),
                )
            })
            .collect();
        for mut section in sheet.sections {
            let items = std::mem::take(&mut section.items);
            for item in items {
                let (into, sec) = match item.number().and_then(|n| home.get(&n)) {
                    Some((s, sec)) if named.is_none() => {
                        joined = true;
                        (s, sec)
                    }
                    _ => (&like, &section),
                };
                joined |= before.get(&into.name).is_some_and(|n| *n > 0);
                let si = match out.iter().position(|s| s.name == into.name) {
                    Some(si) => si,
                    None => {
                        out.push(into.clone());
                        out.len() - 1
                    }
                };
                if out[si].heading.text.is_none() {
                    out[si].heading = into.heading.clone();
                }
                let ci = section_slot(&mut out[si], sec);
                out[si].sections[ci].items.push(item);
            }
        }
    }
    report.sheets = out;
    if joined {
        put_in_item_order(report);
    }
    let rank = |s: &Sheet| {
        layout
            .section
            .iter()
            .position(|l| l.sheet == s.name)
            .unwrap_or(usize::MAX)
    };
    report.sheets.sort_by_key(rank);
}

/// Where the kept copy of an item № is: file, sheet, section and item index in the merge.
pub(super) type Taken = (String, usize, usize, usize);

/// The index of `sheet`'s namesake in `merged` (added, without sections, if new); its
/// heading, date and number are filled from `sheet` where still blank.
fn sheet_slot(merged: &mut Report, sheet: &Sheet) -> usize {
    let si = match merged.sheets.iter().position(|s| s.name == sheet.name) {
        Some(si) => si,
        None => {
            merged.sheets.push(sheet.without_sections());
            merged.sheets.len() - 1
        }
    };
    let into = &mut merged.sheets[si];
    for (slot, from) in [
        (&mut into.heading, &sheet.heading),
        (&mut into.date, &sheet.date),
        (&mut into.doc_no, &sheet.doc_no),
    ] {
        if slot.text.is_none() {
            *slot = from.clone();
        }
    }
    si
}

/// The index of the 小分類 with `section`'s heading in `sheet` (added, empty, if new). A
/// heading carrying the 大分類 line (as our report and template print it) is the same 小分類.
fn section_slot(sheet: &mut Sheet, section: &Section) -> usize {
    let key = squash(&heading_text(section.heading.as_str()));
    match sheet
        .sections
        .iter()
        .position(|s| squash(&heading_text(s.heading.as_str())) == key)
    {
        Some(ci) => ci,
        None => {
            sheet.sections.push(Section {
                heading: section.heading.clone(),
                items: Vec::new(),
            });
            sheet.sections.len() - 1
        }
    }
}

/// Items, 小分類 and sheets sorted by item № (a batch of department files).
fn put_in_item_order(merged: &mut Report) {
    for sheet in &mut merged.sheets {
        for section in &mut sheet.sections {
            section
                .items
                .sort_by_key(|i| i.number().unwrap_or(u32::MAX));
        }
        sheet.sections.sort_by_key(|s| first_no(&s.items));
    }
    merged.sheets.sort_by_key(|s| {
        s.sections
            .iter()
            .map(|sec| first_no(&sec.items))
            .min()
            .unwrap_or(u32::MAX)
    });
}

/// A warning for every item of the plan whose № is in none of the inputs, at its place in the
/// plan file.
pub fn missing_from_plan(plan: &Report, plan_file: &str, merged: &Report) -> Vec<Finding> {
    let have: HashSet<u32> = merged.items().filter_map(|(_, i)| i.number()).collect();
    plan.items()
        .filter_map(|(_, item)| {
            let n = item.number()?;
            (!have.contains(&n)).then(|| {
                Finding::new(
                    Code::PlanItemMissing,
                    item_location(plan_file, item),
                    None,
                    &[&n.to_string(), item.name.as_str()],
                )
            })
        })
        .collect()
}

/// The return workbook names of the inputs (in `返却/`): `<input file stem>_確認.xlsx`, with
/// `-2`, `-3` … added when two inputs share a stem.
pub fn return_names(inputs: &[PathBuf]) -> Vec<String> {
    names_by_stem(inputs, |stem| format!("{stem}_確認"), "xlsx")
}

fn names_by_stem(inputs: &[PathBuf], name: impl Fn(&str) -> String, ext: &str) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    inputs
        .iter()
        .map(|input| {
            let stem = input
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let n = seen.entry(stem.clone()).or_insert(0);
            *n += 1;
            match *n {
                1 => format!("{}.{ext}", name(&stem)),
                n => format!("{}-{n}.{ext}", name(&stem)),
            }
        })
        .collect()
}

/// The items of `report` read from `file` (as given on the command line), in their sheets and
/// 小分類; sheets and 小分類 without one are left out. When every item is of `file` (a run on
/// one input), the report itself is borrowed: no second copy of the model in memory.
pub fn of_file<'a>(report: &'a Report, file: &str) -> std::borrow::Cow<'a, Report> {
    let of = |item: &Item| {
        let at = item.no.at.as_ref().or(item.name.at.as_ref());
        at.is_some_and(|at| &*at.file == file)
    };
    let whole = report.sheets.iter().all(|sheet| {
        !sheet.sections.is_empty()
            && (sheet.sections.iter()).all(|s| !s.items.is_empty() && s.items.iter().all(of))
    });
    if whole {
        return std::borrow::Cow::Borrowed(report);
    }
    let mut mine = report.clone();
    for sheet in &mut mine.sheets {
        for section in &mut sheet.sections {
            section.items.retain(of);
        }
        sheet.sections.retain(|s| !s.items.is_empty());
    }
    mine.sheets.retain(|s| !s.sections.is_empty());
    std::borrow::Cow::Owned(mine)
}

/// A progress bar over `len` input files on stderr: drawn only for a batch (more than one
/// file), when stderr is a terminal and `CI` is not set; hidden otherwise.
pub fn progress(len: usize) -> ProgressBar {
    let shown = len > 1 && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    if !shown {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}") {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CellRef, Field, TextField};
    use crate::value::Value;
    use rust_decimal::Decimal;

    fn item(file: &str, n: u32, name: &str, row: u32) -> Item {
        let at = CellRef {
            file: file.into(),
            sheet: "大分類1".into(),
            row,
            col: 0,
        };
        Item {
            no: Field {
                value: Value::Number(Decimal::from(n)),
                found: crate::model::Found::Number(Decimal::from(n)),
                at: Some(at.clone()),
                formula: None,
                format: None,
            },
            name: TextField {
                text: Some(name.into()),
                at: Some(CellRef { col: 1, ..at }),
            },
            ..Item::default()
        }
    }

    fn report(items: Vec<Item>) -> Report {
        Report {
            sheets: vec![Sheet {
                name: "大分類1".into(),
                sections: vec![Section {
                    heading: TextField::default(),
                    items,
                }],
                ..Sheet::default()
            }],
        }
    }

    /// The merge parts of (file, report, saved seconds from the workbook).
    fn parts(list: Vec<(&str, Report, Option<i64>)>) -> Vec<Part> {
        list.into_iter()
            .map(|(file, report, secs)| Part {
                file: file.into(),
                report,
                saved: secs.map(|secs| Saved {
                    secs,
                    source: crate::saved::Source::Workbook,
                }),
            })
            .collect()
    }

    #[test]
    fn of_file_borrows_a_report_of_one_file_and_copies_a_file_of_a_batch() {
        let one = report(vec![item("a.xlsx", 1, "一", 4), item("a.xlsx", 2, "二", 6)]);
        let mine = of_file(&one, "a.xlsx");
        assert!(matches!(mine, std::borrow::Cow::Borrowed(_)));
        assert_eq!(mine.items().count(), 2);
        let two = report(vec![item("a.xlsx", 1, "一", 4), item("b.xlsx", 2, "二", 6)]);
        let mine = of_file(&two, "b.xlsx");
        assert!(matches!(mine, std::borrow::Cow::Owned(_)));
        let numbers: Vec<_> = mine.items().filter_map(|(_, i)| i.number()).collect();
        assert_eq!(numbers, [2]);
        assert_eq!(of_file(&two, "c.xlsx").sheets.len(), 0);
    }

    #[test]
    fn merge_puts_items_in_number_order_and_drops_identical_duplicates() {
        let a = report(vec![item("a.xlsx", 3, "三", 4), item("a.xlsx", 1, "一", 6)]);
        let b = report(vec![item("b.xlsx", 2, "二", 4), item("b.xlsx", 3, "三", 9)]);
        let m = merge(parts(vec![("a.xlsx", a, None), ("b.xlsx", b, None)]), false);
        let numbers: Vec<_> = m.report.items().filter_map(|(_, i)| i.number()).collect();
        assert_eq!(numbers, [1, 2, 3]);
        assert!(m.findings.is_empty(), "{:?}", m.findings);
    }

    #[test]
    fn conflicting_duplicate_names_both_places_times_and_the_difference() {
        let a = report(vec![item("a.xlsx", 3, "三", 4)]);
        let b = report(vec![item("b.xlsx", 3, "参", 9)]);
        let m = merge(
            parts(vec![("a.xlsx", a, Some(86_400)), ("b.xlsx", b, None)]),
            false,
        );
        assert_eq!(m.report.items().count(), 1);
        let codes: Vec<_> = m.findings.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["E108", "W214"]);
        assert_eq!(
            m.findings[0].message,
            "項目№3が a.xlsx 大分類1!A5（1970-01-02 00:00:00 UTC・ブックの保存日時）と \
             b.xlsx 大分類1!A10（保存日時不明）の両方にあり、内容が異なります\
             （実施計画: 「三」と「参」）。後者は使いませんでした。\
             保存日時が同じため、--prefer-newer でも選べません"
        );
        assert_eq!(m.findings[0].at.a1().as_deref(), Some("A10"));
        assert!(m.dropped.is_empty());
    }

    #[test]
    fn prefer_newer_keeps_the_copy_saved_later_in_either_order() {
        let old = || report(vec![item("old.xlsx", 3, "古", 4)]);
        let new = || report(vec![item("new.xlsx", 3, "新", 9)]);
        for list in [
            vec![
                ("old.xlsx", old(), Some(100)),
                ("new.xlsx", new(), Some(200)),
            ],
            vec![
                ("new.xlsx", new(), Some(200)),
                ("old.xlsx", old(), Some(100)),
            ],
        ] {
            let m = merge(parts(list), true);
            let names: Vec<_> = m.report.items().map(|(_, i)| i.name.as_str()).collect();
            assert_eq!(names, ["新"]);
            let w227 = m.findings.iter().find(|f| f.code == Code::NewerCopyUsed);
            let w227 = w227.expect("W227");
            assert!(w227
                .message
                .ends_with("保存日時の新しい new.xlsx の項目を使いました"));
            assert_eq!(m.dropped, [("old.xlsx".to_string(), 3)]);
        }
        let equal = vec![("old.xlsx", old(), Some(1)), ("new.xlsx", new(), Some(1))];
        let m = merge(parts(equal), true);
        assert_eq!(m.findings[0].code, Code::ConflictingItem);
    }

    #[test]
    fn plan_items_missing_from_every_input_are_named() {
        let plan = report(vec![
            item("plan.xlsx", 1, "一", 4),
            item("plan.xlsx", 2, "二", 6),
        ]);
        let have = report(vec![item("a.xlsx", 1, "一", 4)]);
        let f = missing_from_plan(&plan, "plan.xlsx", &have);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].message,
            "計画の項目№2「二」がどの入力ファイルにもありません"
        );
        assert_eq!(f[0].at.a1().as_deref(), Some("A7"));
    }

    #[test]
    fn return_names_use_the_input_stem_and_never_collide() {
        let inputs = ["dir/総務課.xlsx", "財政課.xlsx", "other/総務課.xlsx"].map(PathBuf::from);
        assert_eq!(
            return_names(&inputs),
            ["総務課_確認.xlsx", "財政課_確認.xlsx", "総務課_確認-2.xlsx"]
        );
    }

    #[test]
    fn a_single_input_gets_no_progress_bar() {
        assert!(progress(1).is_hidden());
    }

    #[test]
    fn file_that_adds_nothing_is_named() {
        let a = report(vec![item("a.xlsx", 1, "一", 4)]);
        let m = merge(
            parts(vec![("a.xlsx", a.clone(), None), ("b.xlsx", a, None)]),
            false,
        );
        let findings = m.findings;
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].at.file, "b.xlsx");
        assert_eq!(
            findings[0].message,
            "このファイルから報告書に加わった項目がありません（すべて他のファイルと同じ項目№か、項目がありません）"
        );
    }
}
