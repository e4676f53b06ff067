//! What the office sees (issue 12): completeness of a submission, a status line per file, the
//! review workbook 確認結果.xlsx (findings linked to their cells, 提出状況, 集計, 変更履歴), a
//! published workbook that is 資料2 and nothing else, and `--baseline` that never hides errors.
//! Workbooks are read back with openpyxl or calamine, not with our reader.

use crate::fixture::{
    corrected_sample, next_cycle, python, sample, with_departments, with_sample, Ran, Run,
};
use calamine::{Data, Reader};
use serde_json::Value as Json;
use std::path::Path;

/// The findings of a `check --format json` or a findings.json.
fn findings(json: &str) -> Vec<Json> {
    serde_json::from_str::<Json>(json)
        .expect("a JSON array")
        .as_array()
        .expect("an array")
        .clone()
}

fn codes<'a>(rows: &'a [Json], code: &str) -> Vec<&'a Json> {
    rows.iter().filter(|r| r["code"] == code).collect()
}

fn filter(text: &str, dir: &Path) -> String {
    let mut text = text.to_string();
    for d in [dir.canonicalize().unwrap(), dir.to_path_buf()] {
        text = text.replace(&d.display().to_string(), "[TMP]");
    }
    text
}

#[test]
fn an_untouched_next_year_workbook_fails_with_one_error_per_missing_actual() {
    let dir = next_cycle();
    let Ran { stdout, .. } = Run::new(dir.path())
        .args(&["check", "r2.xlsx", "--format", "json"])
        .fails(1);
    let rows = findings(&stdout);
    // Due: every indicator with a baseline or a target (the next-year workbook empties every
    // 達成状況, so no item is 休止 or merged there).
    let report = corrected_sample();
    let due = report
        .indicators()
        .filter(|(_, ind)| {
            ind.base.value.number().is_some()
                || ind.target_total.value.number().is_some()
                || ind.targets.iter().any(|t| t.value.number().is_some())
        })
        .count();
    let missing: Vec<&Json> = rows
        .iter()
        .filter(|r| r["code"] == "E103" || r["code"] == "E112")
        .collect();
    assert!(due > 20, "{due}");
    assert_eq!(missing.len(), due, "{stdout}");
    assert_eq!(codes(&rows, "I310").len(), 0, "{stdout}");
    // Each names its R2 actual cell (column M) and its indicator.
    for r in &missing {
        let cell = r["cell"].as_str().unwrap();
        assert!(cell.starts_with('M'), "{r}");
        assert!(r["indicator"].is_string(), "{r}");
    }
    // The emptied 評価 and 年度実績 are reported too.
    assert_eq!(codes(&rows, "W222").len(), 63, "{stdout}");
    assert_eq!(codes(&rows, "W224").len(), 63, "{stdout}");
}

#[test]
fn every_blank_grade_of_the_sample_is_reported() {
    let dir = with_sample();
    let Ran { stdout, .. } = Run::new(dir.path())
        .args(&["check", "mine-r1.xlsx", "--format", "json"])
        .ok();
    let reported: std::collections::BTreeSet<(String, String)> = codes(&findings(&stdout), "W222")
        .iter()
        .map(|r| {
            (
                r["sheet"].as_str().unwrap().into(),
                r["cell"].as_str().unwrap().into(),
            )
        })
        .collect();
    // Independently: the rows whose column A holds an item № and column V nothing.
    let mut wb = calamine::open_workbook_auto(sample()).unwrap();
    let mut blank = std::collections::BTreeSet::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for row in 0..=range.end().unwrap().0 {
            let no = range.get_value((row, 0));
            let grade = range.get_value((row, 21));
            if matches!(no, Some(Data::Float(_) | Data::Int(_)))
                && matches!(grade, None | Some(Data::Empty))
            {
                blank.insert((name.clone(), shinchoku::model::a1(row, 21)));
            }
        }
    }
    assert_eq!(blank.len(), 20);
    assert_eq!(reported, blank);
}

const LINKS: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
rows = []
for r in wb["指摘一覧"].iter_rows(min_row=2):
    link = r[9].hyperlink
    rows.append({"code": r[1].value, "file": r[2].value, "cell": r[4].value,
                 "target": link.target if link else None,
                 "location": link.location if link else None,
                 "fill": r[0].fill.fgColor.rgb})
ws = wb["指摘一覧"]
print(json.dumps({"sheets": wb.sheetnames, "rows": rows, "filter": ws.auto_filter.ref,
                  "freeze": ws.freeze_panes}))
"#;

#[test]
fn a_four_department_batch_gives_the_four_layout_sheets_and_linked_findings() {
    let dir = with_departments();
    let files = ["総務課.xlsx", "財政課.xlsx", "企画課.xlsx", "建設課.xlsx"];
    let mut args = vec!["report"];
    args.extend(files);
    // 建設課's sheet has lost its 大分類 heading: without the plan it keeps its own name.
    let mut alone = args.clone();
    alone.extend(["--out", "alone"]);
    Run::new(dir.path()).args(&alone).fails(1);
    let wb = calamine::open_workbook_auto(dir.path().join("alone/report.xlsx")).unwrap();
    assert_eq!(wb.sheet_names()[3], "建設課");
    args.extend(["--plan", "mine-r1.xlsx", "--out", "out"]);
    let Ran { stdout, .. } = Run::new(dir.path()).args(&args).fails(1);
    insta::assert_snapshot!("four_departments_summary", filter(&stdout, dir.path()));
    for f in files {
        assert!(stdout.contains(&format!("  {f}: ")), "{stdout}");
    }
    // The published workbook: exactly the layout's 大分類 sheets visible, 変更履歴 veryHidden.
    let out = dir.path().join("out");
    let wb = calamine::open_workbook_auto(out.join("report.xlsx")).unwrap();
    let visible: Vec<(String, String)> = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), format!("{:?}", s.visible)))
        .collect();
    assert_eq!(
        visible,
        [
            ("大分類1", "Visible"),
            ("大分類2", "Visible"),
            ("大分類3", "Visible"),
            ("大分類4", "Visible"),
            ("変更履歴", "VeryHidden")
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    // One hyperlinked row per finding; the link opens the finding's cell in report.xlsx.
    let all = findings(&std::fs::read_to_string(out.join("findings.json")).unwrap());
    let review = python(LINKS, &[&out.join("確認結果.xlsx")]);
    assert_eq!(
        review["sheets"],
        serde_json::json!(["指摘一覧", "提出状況", "集計", "変更履歴"])
    );
    assert_eq!(review["freeze"], "A2");
    let rows = review["rows"].as_array().unwrap();
    assert_eq!(rows.len(), all.len());
    assert_eq!(review["filter"], format!("A1:J{}", rows.len() + 1));
    for (k, f) in files.iter().enumerate() {
        let mine: Vec<&Json> = rows.iter().filter(|r| r["file"] == *f).collect();
        assert_eq!(
            mine.len(),
            all.iter().filter(|r| r["file"] == *f).count(),
            "{f}"
        );
        for r in mine {
            // Each department's sheet is placed on its 大分類 (by heading, or by № in the
            // plan) at the same rows.
            assert_eq!(r["target"], "report.xlsx", "{r}");
            let want = format!("'大分類{}'!{}", k + 1, r["cell"].as_str().unwrap());
            assert_eq!(r["location"], want.as_str(), "{r}");
        }
    }
    let e104: Vec<&Json> = rows.iter().filter(|r| r["code"] == "E104").collect();
    assert_eq!(e104.len(), 1);
    assert_eq!(e104[0]["fill"], "FFFFC7CE", "{}", e104[0]);
}

#[test]
fn a_baseline_rerun_with_an_unresolved_error_prints_it_and_fails() {
    let dir = with_departments();
    Run::new(dir.path())
        .args(&["report", "総務課.xlsx", "--out", "first"])
        .fails(1);
    let Ran { stdout, .. } = Run::new(dir.path())
        .args(&[
            "report",
            "総務課.xlsx",
            "--out",
            "second",
            "--baseline",
            "first/findings.json",
        ])
        .fails(1);
    assert!(
        stdout.contains("エラー 1 件（要修正）、警告 0 件、情報 0 件"),
        "{stdout}"
    );
    assert!(
        stdout.contains("新規 0 件・解決 0 件・未解決エラー 1 件"),
        "{stdout}"
    );
    assert!(
        stdout.contains("エラー E104: 総務課.xlsx 総務課!V5 №1 評価「a」"),
        "{stdout}"
    );
    let Ran { stdout, .. } = Run::new(dir.path())
        .args(&["check", "総務課.xlsx", "--baseline", "first/findings.json"])
        .fails(1);
    assert!(stdout.contains("E104 エラー V5"), "{stdout}");
    assert!(stdout.contains("未解決エラー 1 件"), "{stdout}");
}

const TALLY: &str = r#"
import json, re, sys, unicodedata, openpyxl
report = openpyxl.load_workbook(sys.argv[1], data_only=True)
grades = {"Ａ": 0, "Ｂ": 0, "Ｃ": 0, "未評価": 0}
status = {"達成": 0, "休止": 0, "その他": 0}
items, money, summed = 0, 0.0, 0
for ws in report.worksheets:
    if ws.sheet_state != "visible":
        continue
    for row in range(1, ws.max_row + 1):
        if isinstance(ws.cell(row, 1).value, (int, float)):
            items += 1
            g = ws.cell(row, 22).value
            grades[g if g in grades else "未評価"] += 1
            s = ws.cell(row, 21).value
            status[s if s in ("達成", "休止") else "その他"] += 1
        name = ws.cell(row, 9).value
        effect = ws.cell(row, 18).value
        if ws.cell(row, 10).value == "目標" and name and isinstance(effect, (int, float)):
            units = re.findall(r"\(([^()]*)\)", unicodedata.normalize("NFKC", name))
            if "千円" in units or "円" in units:
                money += effect if "千円" in units else effect / 1000
                summed += 1
review = openpyxl.load_workbook(sys.argv[2])
total = [c.value for c in list(review["集計"].iter_rows(max_col=11))[-1]]
print(json.dumps({"mine": ["合計", items, grades["Ａ"], grades["Ｂ"], grades["Ｃ"], grades["未評価"],
                           status["達成"], status["休止"], status["その他"], round(money, 3), summed],
                  "theirs": total}))
"#;

#[test]
fn the_tally_of_the_sample_equals_counts_made_over_the_report() {
    let dir = with_sample();
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "out"])
        .ok();
    let out = dir.path().join("out");
    let counted = python(
        TALLY,
        &[&out.join("report.xlsx"), &out.join("確認結果.xlsx")],
    );
    let mut theirs = counted["theirs"].clone();
    // Money as counted, to the same precision.
    theirs[9] = serde_json::json!((theirs[9].as_f64().unwrap() * 1000.0).round() / 1000.0);
    assert_eq!(counted["mine"], theirs);
    assert_eq!(counted["mine"][1], 63);
}

#[test]
fn report_of_the_report_changes_nothing_and_keeps_the_history() {
    let dir = with_sample();
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "one"])
        .ok();
    let Ran { stdout, .. } = Run::new(dir.path())
        .args(&["report", "one/report.xlsx", "--out", "two"])
        .ok();
    assert!(stdout.contains("修正 0 件"), "{stdout}");
    let csv = std::fs::read_to_string(dir.path().join("two/changes.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1, "{csv}");
    // No finding about content the reader did not take (the veryHidden 変更履歴 is its own).
    let all = findings(&std::fs::read_to_string(dir.path().join("two/findings.json")).unwrap());
    assert!(all.iter().all(|f| f["severity"] != "info"), "{all:?}");
    // The 変更履歴 of the first run, in the report (veryHidden) and in the review workbook.
    for (file, sheet_rows) in [("two/report.xlsx", 19), ("two/確認結果.xlsx", 19)] {
        let mut wb = calamine::open_workbook_auto(dir.path().join(file)).unwrap();
        let rows = wb.worksheet_range("変更履歴").unwrap().rows().count();
        assert_eq!(rows, sheet_rows, "{file}");
    }
}

#[test]
fn a_finding_outside_the_report_links_to_the_input_cell() {
    // №55 in two files with different 年度計画: the second copy is not in the report (E108), so
    // its finding links to the cell of the input file.
    let dir = tempfile::tempdir().unwrap();
    let report = crate::fixture::small_report(&[55]);
    let mut other = report.clone();
    other.sheets[0].sections[0].items[0].plan.text = Some("別の計画".into());
    let write = |name: &str, r: &shinchoku::model::Report| {
        std::fs::write(dir.path().join(name), crate::fixture::workbook_bytes(r)).unwrap();
    };
    write("a.xlsx", &report);
    write("b.xlsx", &other);
    Run::new(dir.path())
        .args(&["report", "a.xlsx", "b.xlsx", "--out", "out"])
        .fails(1);
    let review = python(LINKS, &[&dir.path().join("out/確認結果.xlsx")]);
    let e108: Vec<&Json> = review["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["code"] == "E108")
        .collect();
    assert_eq!(e108.len(), 1, "{review}");
    assert_eq!(e108[0]["target"], "../b.xlsx", "{}", e108[0]);
    assert_eq!(e108[0]["location"], "'大分類3'!A5", "{}", e108[0]);
}
