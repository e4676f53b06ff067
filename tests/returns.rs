//! What goes back to each department (issue 13): a return workbook per input in 返却/, its
//! cells marked with notes, read back as a submission; the template's protection. Workbooks
//! are read back with openpyxl.

use crate::fixture::{python, root, sample, with_sample, Run};
use serde_json::Value as Json;
use std::path::Path;
use std::process::Command;

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

/// The item numbers of the findings about `file`.
fn items(findings: &[Json], file: &str) -> Vec<u64> {
    let mut v: Vec<u64> = findings
        .iter()
        .filter(|f| f["file"] == file)
        .filter_map(|f| f["item"].as_u64())
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[test]
fn a_four_department_batch_gives_one_marked_return_workbook_per_input_that_reads_back() {
    let dir = with_sample();
    let status = Command::new("python3")
        .arg(root().join("tests/fixtures/one_sheet_departments.py"))
        .arg(sample())
        .arg(dir.path())
        .status()
        .expect("python3 runs");
    assert!(status.success());
    let depts = ["総務課", "財政課", "企画課", "建設課"];
    let mut args = vec!["report"];
    let files: Vec<String> = depts.iter().map(|d| format!("{d}.xlsx")).collect();
    args.extend(files.iter().map(String::as_str));
    args.extend(["--plan", "mine-r1.xlsx", "--out", "out"]);
    Run::new(dir.path()).args(&args).fails(1);
    let mut marked = 0;
    for d in depts {
        let name = format!("out/返却/{d}_確認.xlsx");
        let path = dir.path().join(&name);
        assert!(path.exists(), "{name}");
        let input = check_json(
            dir.path(),
            &format!("{d}.xlsx"),
            i32::from(matches!(d, "総務課" | "建設課")),
        );
        let back = check_json(
            dir.path(),
            &name,
            i32::from(matches!(d, "総務課" | "建設課")),
        );
        // No stray-content finding for the cover line, the 指摘一覧 sheet and its links, the
        // notes or the mark fills.
        for f in &back {
            let stray = ["I305", "W216", "W217", "I308", "I326", "W238"];
            assert!(!stray.contains(&f["code"].as_str().unwrap()), "{d}: {f}");
        }
        // The department's items only, all of them.
        let (mine, theirs) = (items(&input, &format!("{d}.xlsx")), items(&back, &name));
        assert!(!theirs.is_empty(), "{d}");
        assert!(
            theirs.iter().all(|n| mine.contains(n)),
            "{d}: {theirs:?} ⊄ {mine:?}"
        );
        // Every error and warning still found on the return workbook is marked and noted.
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
    // Fixing the marked 評価 of 総務課 and checking again: exit 0, nothing stray.
    let name = "out/返却/総務課_確認.xlsx";
    let back = check_json(dir.path(), name, 1);
    let e = back.iter().find(|f| f["code"] == "E104").expect("E104");
    let fix = format!(
        "import openpyxl,sys\nwb=openpyxl.load_workbook(sys.argv[1])\nwb['{}']['{}']='Ａ'\nwb.save(sys.argv[1])\nprint('{{}}')",
        e["sheet"].as_str().unwrap(),
        e["cell"].as_str().unwrap()
    );
    python(&fix, &[&dir.path().join(name)]);
    let fixed = check_json(dir.path(), name, 0);
    assert!(fixed
        .iter()
        .all(|f| f["code"] != "I305" && f["code"] != "W217"));
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
