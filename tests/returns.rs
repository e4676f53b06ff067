//! What goes back to each department (issue 13): a return workbook per input in 返却/, its
//! cells marked with notes, read back as a submission; the template's protection. Workbooks
//! are read back with openpyxl.

use crate::fixture::{next_cycle_in, python, with_departments, with_sample, Ran, Run};
use serde_json::Value as Json;
use std::path::Path;

/// Every noted cell of every sheet: sheet!cell → (fill, note); the sheet names; the links of
/// 指摘一覧.
const MARKS: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
marks = {}
for ws in wb.worksheets:
    for row in ws.iter_rows():
        for c in row:
            if c.comment:
                marks[f"{ws.title}!{c.coordinate}"] = [c.fill.fgColor.rgb, c.comment.text]
links = [c.hyperlink.location for c in wb["指摘一覧"]["C"][1:] if c.hyperlink]
print(json.dumps({"sheets": wb.sheetnames, "marks": marks, "links": links,
                  "cover": wb.worksheets[0]["I1"].value}))
"#;

fn check_json(dir: &Path, file: &str, code: i32) -> Vec<Json> {
    let ran = Run::new(dir)
        .args(&["check", file, "--plan", "mine-r1.xlsx", "--format", "json"])
        .fails(code);
    serde_json::from_str::<Json>(&ran.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// The item numbers (numbers in column A) of every sheet but 指摘一覧.
const ITEM_NUMBERS: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print(json.dumps(sorted(int(c.value) for ws in wb.worksheets if ws.title != "指摘一覧"
                        for c in ws["A"] if isinstance(c.value, (int, float)))))
"#;

/// Codes of content the reader did not take (stray content).
const STRAY: [&str; 7] = ["I305", "I308", "I326", "W216", "W217", "W218", "W238"];

/// The errors and warnings of `file` as (code, item, indicator), sorted, without those whose
/// value shinchoku corrected (`corrected`): a return workbook carries the corrected value.
fn problems(findings: &[Json], file: &str, corrected: &[(String, String, String)]) -> Vec<String> {
    let mut v: Vec<String> = findings
        .iter()
        .filter(|f| f["file"] == file && f["severity"] != "info")
        .map(|f| {
            let s = |k: &str| f[k].as_str().map_or(f[k].to_string(), str::to_string);
            (s("code"), s("item"), s("indicator"))
        })
        .filter(|k| !corrected.contains(k))
        .map(|(c, i, n)| format!("{c} №{i} {n}"))
        .collect();
    v.sort();
    v
}

/// The corrections of `file` in changes.csv as (code, item, indicator).
fn corrected(csv: &Path, file: &str) -> Vec<(String, String, String)> {
    let mut r = csv::Reader::from_path(csv).unwrap();
    r.records()
        .map(Result::unwrap)
        .filter(|rec| &rec[0] == file)
        .map(|rec| {
            let item = if rec[3].is_empty() { "null" } else { &rec[3] };
            let ind = if rec[4].is_empty() { "null" } else { &rec[4] };
            (rec[8].to_string(), item.to_string(), ind.to_string())
        })
        .collect()
}

#[test]
fn a_four_department_batch_gives_one_marked_return_workbook_per_input_that_reads_back() {
    let dir = with_departments();
    let depts = ["総務課", "財政課", "企画課", "建設課"];
    let mut args = vec!["report"];
    let files: Vec<String> = depts.iter().map(|d| format!("{d}.xlsx")).collect();
    args.extend(files.iter().map(String::as_str));
    args.extend(["--plan", "mine-r1.xlsx", "--out", "out"]);
    Run::new(dir.path()).args(&args).fails(1);
    let mut marked = 0;
    let changes = dir.path().join("out/changes.csv");
    for d in depts {
        let name = format!("out/返却/{d}_確認.xlsx");
        let path = dir.path().join(&name);
        assert!(path.exists(), "{name}");
        // Planted errors: 総務課 a 評価 「a」 (E104), 建設課 a blank R1 actual (E112).
        let code = i32::from(matches!(d, "総務課" | "建設課"));
        let input_file = format!("{d}.xlsx");
        let input = check_json(dir.path(), &input_file, code);
        let back = check_json(dir.path(), &name, code);
        // No stray-content finding for the cover line, the 指摘一覧 sheet or the notes.
        for f in &back {
            assert!(!STRAY.contains(&f["code"].as_str().unwrap()), "{d}: {f}");
        }
        // The department's items, all of them and no other's.
        let mine = python(ITEM_NUMBERS, &[&dir.path().join(&input_file)]);
        let theirs = python(ITEM_NUMBERS, &[&path]);
        assert!(!mine.as_array().unwrap().is_empty(), "{d}");
        assert_eq!(theirs, mine, "{d}: the items of the return workbook");
        // The same findings, but for the values shinchoku corrected.
        let fixed = corrected(&changes, &input_file);
        let want = problems(&input, &input_file, &fixed);
        assert!(!want.is_empty(), "{d}");
        assert_eq!(
            problems(&back, &name, &fixed),
            want,
            "{d}: the same findings"
        );
        // Every error and warning found on the return workbook is marked and noted.
        let facts = python(MARKS, &[&path]);
        assert_eq!(
            facts["sheets"].as_array().unwrap().last().unwrap(),
            "指摘一覧"
        );
        assert!(
            facts["cover"].as_str().unwrap().starts_with("【確認結果】"),
            "{d}"
        );
        let marks = facts["marks"].as_object().unwrap();
        for f in &back {
            let fill = match f["severity"].as_str() {
                Some("error") => "FFFFC7CE",
                Some("warning") => "FFFFEB9C",
                _ => continue,
            };
            if f["file"].as_str() != Some(name.as_str()) || f["cell"].is_null() {
                continue;
            }
            let at = format!(
                "{}!{}",
                f["sheet"].as_str().unwrap(),
                f["cell"].as_str().unwrap()
            );
            let (got_fill, note) = (&marks[&at][0], marks[&at][1].as_str().unwrap());
            assert_eq!(got_fill, fill, "{d} {at}");
            assert!(
                note.contains(f["code"].as_str().unwrap()),
                "{d} {at}: {note}"
            );
            marked += 1;
        }
        assert!(!facts["links"].as_array().unwrap().is_empty(), "{d}: links");
    }
    assert!(marked > 10, "{marked} marked cells checked");
    // The departments fix their marked error cells and check again: exit 0, nothing stray.
    for d in ["総務課", "建設課"] {
        let name = format!("out/返却/{d}_確認.xlsx");
        let back = check_json(dir.path(), &name, 1);
        let mut fix = String::from("import openpyxl,sys\nwb=openpyxl.load_workbook(sys.argv[1])\n");
        for e in back.iter().filter(|f| f["severity"] == "error") {
            let value = match e["code"].as_str().unwrap() {
                "E104" => "'Ａ'",
                "E112" => "1",
                other => panic!("{d}: no fix planned for {other}"),
            };
            let (sheet, cell) = (e["sheet"].as_str().unwrap(), e["cell"].as_str().unwrap());
            fix.push_str(&format!("wb['{sheet}']['{cell}']={value}\n"));
        }
        fix.push_str("wb.save(sys.argv[1])\nprint('{}')");
        python(&fix, &[&dir.path().join(&name)]);
        let fixed = check_json(dir.path(), &name, 0);
        for f in &fixed {
            assert!(!STRAY.contains(&f["code"].as_str().unwrap()), "{d}: {f}");
        }
    }
}

/// The protection flags and fills of the template's cells.
const PROTECTION: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
cells = {a: [ws[a].protection.locked, ws[a].fill.fgColor.rgb] for a in sys.argv[2:]}
print(json.dumps({"sheet": ws.protection.sheet, "formatRows": ws.protection.formatRows,
                  "cells": cells, "line": ws["I1"].value}))
"#;

#[test]
fn the_template_locks_plan_cells_and_shades_this_years_inputs() {
    let dir = with_sample();
    Run::new(dir.path())
        .args(&["template", "--from", "mine-r1.xlsx", "--out", "r2.xlsx"])
        .ok();
    let path = dir.path().join("r2.xlsx");
    let cells = ["A5", "B5", "I5", "K5", "L5", "U5", "V5", "W5", "X5"];
    let mut args: Vec<&Path> = vec![&path];
    args.extend(cells.iter().map(Path::new));
    let facts = python(PROTECTION, &args);
    assert_eq!(facts["sheet"], true);
    assert_eq!(facts["formatRows"], false, "rows may be resized");
    assert!(facts["line"].as_str().unwrap().starts_with("【記入方法】"));
    for plan in ["A5", "B5", "I5", "K5", "L5"] {
        assert_eq!(facts["cells"][plan][0], true, "{plan} locked");
    }
    for input in ["U5", "V5", "W5", "X5"] {
        assert_eq!(facts["cells"][input][0], false, "{input} unlocked");
        assert_eq!(facts["cells"][input][1], "FFFFCC99", "{input} shaded");
    }
}

/// Adds a note by `author` to each `sheet!cell=text` given after the workbook path (openpyxl).
const ADD_COMMENTS: &str = r#"
import sys, openpyxl
from openpyxl.comments import Comment
wb = openpyxl.load_workbook(sys.argv[1])
for spec in sys.argv[2:]:
    place, text = spec.split("=", 1)
    sheet, cell = place.split("!")
    wb[sheet][cell].comment = Comment(text, "総務課")
wb.save(sys.argv[1])
print("{}")
"#;

/// Every note of every sheet: its text.
const NOTES: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
print(json.dumps([c.comment.text for ws in wb.worksheets for row in ws.iter_rows()
                  for c in row if c.comment]))
"#;

#[test]
fn the_departments_comments_go_back_on_their_cells_and_shinchokus_notes_are_not_read_as_theirs() {
    let dir = with_sample();
    // A warning's cell (a blank 達成状況 of the sample) and a cell without a finding get a
    // comment.
    let findings = check_json(dir.path(), "mine-r1.xlsx", 0);
    let warned = findings
        .iter()
        .find(|f| f["code"] == "W223" && f["sheet"] == "大分類1")
        .expect("a blank 達成状況 on 大分類1");
    let warned_at = format!("大分類1!{}", warned["cell"].as_str().unwrap());
    let input = dir.path().join("mine-r1.xlsx");
    let specs = [
        format!("{warned_at}=担当メモ: 達成状況は7月に確定"),
        "大分類1!B5=担当メモ: 名称は計画どおり".to_string(),
    ];
    let mut args: Vec<&Path> = vec![&input];
    args.extend(specs.iter().map(Path::new));
    python(ADD_COMMENTS, &args);
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "out"])
        .ok();
    let back = dir.path().join("out/返却/mine-r1_確認.xlsx");
    let notes = python(NOTES, &[&back]);
    let mine: Vec<&str> = notes
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Json::as_str)
        .filter(|n| n.contains("担当メモ"))
        .collect();
    assert_eq!(mine.len(), 2, "{mine:?}");
    // The comment alone, as typed; the warned cell: the comment, then shinchoku's part.
    assert!(mine.contains(&"担当メモ: 名称は計画どおり"), "{mine:?}");
    let both = mine.iter().find(|n| n.contains("7月に確定")).unwrap();
    assert!(
        both.starts_with("担当メモ: 達成状況は7月に確定\n【確認結果】\nW223 "),
        "{both}"
    );
    // Read back, only the department's two comments are its comments (I325), never
    // shinchoku's notes; the next return workbook carries the same two, not doubled.
    let again = check_json(dir.path(), "out/返却/mine-r1_確認.xlsx", 0);
    let i325: Vec<&Json> = again.iter().filter(|f| f["code"] == "I325").collect();
    assert_eq!(i325.len(), 1, "{again:?}");
    let found = i325[0]["found"].as_str().unwrap();
    assert_eq!(found.matches("担当メモ").count(), 2, "{found}");
    assert!(!found.contains("【確認結果】"), "{found}");
    assert!(i325[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("セルのコメント2件"));
}

/// Values, protection and lists of the first sheet of a template: cell → [value, locked];
/// each list's cells and formula.
const TEMPLATE_FACTS: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
cells = {a: [ws[a].value, ws[a].protection.locked] for a in sys.argv[2:]}
lists = {dv.formula1: str(dv.sqref).split() for dv in ws.data_validations.dataValidation}
print(json.dumps({"cells": cells, "lists": lists}))
"#;

#[test]
fn the_template_from_a_report_carries_its_r2_to_r4_targets_locked_and_offers_the_lists() {
    let dir = with_sample();
    // №1's R2–R4 targets, which the city's printed report leaves out, typed into the report.
    let set = "import openpyxl,sys\nwb=openpyxl.load_workbook(sys.argv[1]); ws=wb['大分類1']\n\
               ws['M5']=341; ws['N5']=340; ws['O5']=339\nwb.save(sys.argv[1])\nprint('{}')";
    python(set, &[&dir.path().join("mine-r1.xlsx")]);
    next_cycle_in(dir.path());
    let path = dir.path().join("r2.xlsx");
    let cells = ["M5", "N5", "O5", "M6", "U5", "V5"];
    let mut args: Vec<&Path> = vec![&path];
    args.extend(cells.iter().map(Path::new));
    let facts = python(TEMPLATE_FACTS, &args);
    for (cell, target) in [("M5", 341), ("N5", 340), ("O5", 339)] {
        assert_eq!(facts["cells"][cell][0], target, "{cell}");
        assert_eq!(
            facts["cells"][cell][1], true,
            "{cell} locked: a target is the plan's"
        );
    }
    assert_eq!(
        facts["cells"]["M6"],
        serde_json::json!([null, false]),
        "the R2 actual"
    );
    // 評価 and 達成状況 lists on every item's cell.
    let lists = &facts["lists"];
    assert!(
        lists["\"Ａ,Ｂ,Ｃ\""]
            .as_array()
            .unwrap()
            .contains(&"V5".into()),
        "{lists}"
    );
    assert!(
        lists["\"達成,未達成,休止\""]
            .as_array()
            .unwrap()
            .contains(&"U5".into()),
        "{lists}"
    );
    // A blank template's summary does not count its empty slots as items.
    let Ran { stdout, .. } = Run::new(dir.path())
        .args(&["template", "--out", "blank.xlsx"])
        .ok();
    assert_eq!(
        stdout,
        "R1年度の記入用ブック（空欄の様式: 4 シート・各シート記入欄 10 件）を書き出しました: blank.xlsx\n"
    );
}
