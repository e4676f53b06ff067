//! Department batches, the change log and `diff`, through the real binary on real workbooks:
//! the sample split into department files (by openpyxl, a different writer), conflicting
//! duplicates, `--plan`, `--split` (an alias), the 変更履歴 sheet on a re-run, and snapshots of what
//! people read.

use crate::fixture::{repack, root, sample, small_report, with_sample, workbook_bytes, Ran, Run};
use calamine::{Data, Reader};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Every non-empty cell of every sheet of a workbook: (sheet, A1) → value as text.
fn cells(path: &Path) -> BTreeMap<(String, String), String> {
    let mut wb = calamine::open_workbook_auto(path).expect("workbook opens");
    let mut out = BTreeMap::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).expect("sheet reads");
        for (r, c, v) in range.used_cells() {
            let (r0, c0) = range.start().expect("non-empty");
            let a1 = shinchoku::model::a1(r0 + r as u32, c0 + c as u32);
            let s = match v {
                Data::Empty => continue,
                other => other.to_string(),
            };
            out.insert((name.clone(), a1), s);
        }
    }
    out
}

/// The 変更履歴 sheet as lines of tab-separated cells.
fn history(path: &Path) -> Vec<String> {
    let mut wb = calamine::open_workbook_auto(path).expect("workbook opens");
    let range = wb.worksheet_range("変更履歴").expect("変更履歴 sheet");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|v| v.to_string().replace('\n', "⏎"))
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect()
}

/// Writes dept1.xlsx … dept4.xlsx into `dir`: item № ≡ k (mod 4) each, by openpyxl.
fn split_departments(dir: &Path) {
    let status = Command::new("python3")
        .arg(root().join("tests/fixtures/split_departments.py"))
        .arg(sample())
        .arg(dir)
        .status()
        .expect("python3 runs (openpyxl is required)");
    assert!(status.success(), "split_departments.py failed");
}

#[test]
fn four_department_files_give_the_single_file_report_cell_for_cell() {
    let dir = with_sample();
    split_departments(dir.path());
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "one"])
        .ok();
    // Given in reverse order: the merge puts items back in № order.
    let args = [
        "report",
        "dept4.xlsx",
        "dept3.xlsx",
        "dept2.xlsx",
        "dept1.xlsx",
        "--out",
        "many",
    ];
    let Ran { stdout, .. } = Run::new(dir.path()).args(&args).ok();
    assert!(stdout.contains("63 項目"), "{stdout}");
    let expected = cells(&dir.path().join("one/report.xlsx"));
    let got = cells(&dir.path().join("many/report.xlsx"));
    let mut mismatches = Vec::new();
    for key in expected.keys().chain(got.keys()) {
        let (sheet, a1) = key;
        // The change log names the department file a correction came from.
        if sheet == "変更履歴" && a1.starts_with('B') && a1 != "B1" {
            assert!(got[key].starts_with("dept"), "{sheet}!{a1} {}", got[key]);
            continue;
        }
        if expected.get(key) != got.get(key) {
            mismatches.push(format!(
                "{sheet}!{a1} expected {:?} got {:?}",
                expected.get(key),
                got.get(key)
            ));
        }
    }
    assert!(expected.len() > 1000, "the report has its cells");
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn e108_conflicting_duplicate_is_an_error_naming_both_files() {
    let dir = with_sample();
    std::fs::copy(sample(), dir.path().join("copy.xlsx")).unwrap();
    let script = "import openpyxl,sys\n\
                  wb=openpyxl.load_workbook(sys.argv[1]); wb['大分類1']['L6']=340; wb.save(sys.argv[2])";
    let status = Command::new("python3")
        .args(["-c", script])
        .arg(sample())
        .arg(dir.path().join("changed.xlsx"))
        .status()
        .unwrap();
    assert!(status.success());
    let Ran { stdout, .. } = Run::new(dir.path())
        .args(&["check", "mine-r1.xlsx", "copy.xlsx", "changed.xlsx"])
        .fails(1);
    // Both files with their saved times: the sample's own, and openpyxl's time of saving.
    assert!(
        stdout.contains(
            "  №1 機構改革による定員適正化の推進\n    E108 エラー A5: 項目№1が mine-r1.xlsx 大分類1!A5（"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            " UTC・ブックの保存日時）の両方にあり、内容が異なります（R1実績: 「333」と「340」）。\
             後者は使いませんでした。保存日時の新しい方を使うには --prefer-newer を付けてください"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("と changed.xlsx 大分類1!A5（"), "{stdout}");
    assert_eq!(stdout.matches("E108").count(), 1, "{stdout}");
    // An identical copy is no conflict, but it adds nothing; so does the conflicting file.
    assert!(stdout.contains("copy.xlsx\n  W214 警告 -: "), "{stdout}");
    assert!(stdout.contains("changed.xlsx\n  W214"), "{stdout}");
    assert!(
        !stdout.contains("E101"),
        "no duplicate-№ error on top: {stdout}"
    );
}

#[test]
fn w215_plan_names_the_items_missing_from_every_input_and_split_is_an_alias() {
    let dir = with_sample();
    split_departments(dir.path());
    let Ran { stdout, .. } = Run::new(dir.path())
        .args(&[
            "report",
            "dept1.xlsx",
            "dept2.xlsx",
            "--plan",
            "mine-r1.xlsx",
            "--split",
            "--out",
            "out",
        ])
        .ok();
    let findings = std::fs::read_to_string(dir.path().join("out/findings.json")).unwrap();
    let missing: Vec<u32> = serde_json::from_str::<Vec<serde_json::Value>>(&findings)
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "W215")
        .map(|f| f["item"].as_u64().unwrap() as u32)
        .collect();
    let expected: Vec<u32> = (1..=63).filter(|n| n % 4 == 2 || n % 4 == 3).collect();
    assert_eq!(missing, expected);
    // --split is an alias kept for old command lines: the return workbooks replace its
    // per-input change logs, and the summary says so.
    assert!(
        stdout.contains(
            "--split は互換のための別名です。課ごとの結果は 返却/ の確認ブックにあります"
        ),
        "{stdout}"
    );
    let names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with("changes-")),
        "{names:?}"
    );
    for dept in ["dept1", "dept2"] {
        let back = dir.path().join(format!("out/返却/{dept}_確認.xlsx"));
        assert!(back.exists(), "{dept}");
    }
}

#[test]
fn sample_change_log_and_history_sheet() {
    let dir = with_sample();
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "out"])
        .ok();
    let csv = std::fs::read_to_string(dir.path().join("out/changes.csv")).unwrap();
    insta::assert_snapshot!("sample_changes_csv", csv);
    let sheet = history(&dir.path().join("out/report.xlsx"));
    insta::assert_snapshot!("sample_history_sheet", sheet.join("\n"));
}

#[test]
fn resubmission_change_log_history_and_diff() {
    let dir = with_sample();
    let fixture = root().join("tests/fixtures/resubmission.xlsx");
    std::fs::copy(&fixture, dir.path().join("resubmission.xlsx")).unwrap();
    Run::new(dir.path())
        .args(&["report", "resubmission.xlsx", "--out", "out"])
        .ok();
    let csv = std::fs::read_to_string(dir.path().join("out/changes.csv")).unwrap();
    insta::assert_snapshot!("resubmission_changes_csv", csv);
    let sheet = history(&dir.path().join("out/report.xlsx"));
    insta::assert_snapshot!("resubmission_history_sheet", sheet.join("\n"));
    let Ran { stdout, .. } = Run::new(dir.path())
        .args(&["diff", "mine-r1.xlsx", "resubmission.xlsx"])
        .fails(1);
    insta::assert_snapshot!("resubmission_diff_text", stdout);
    let json = Run::new(dir.path())
        .args(&[
            "diff",
            "mine-r1.xlsx",
            "resubmission.xlsx",
            "--format",
            "json",
        ])
        .fails(1);
    insta::assert_snapshot!("resubmission_diff_json", json.stdout);
}

#[test]
fn diff_of_the_sample_and_its_report_lists_exactly_the_corrections() {
    let dir = with_sample();
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "out"])
        .ok();
    let Ran { stdout, .. } = Run::new(dir.path())
        .args(&["diff", "mine-r1.xlsx", "out/report.xlsx"])
        .fails(1);
    insta::assert_snapshot!("sample_diff_text", stdout);
    let csv = std::fs::read_to_string(dir.path().join("out/changes.csv")).unwrap();
    assert_eq!(
        stdout.lines().count() - 1,
        csv.lines().count() - 1,
        "one difference per logged change"
    );
    let same = Run::new(dir.path())
        .args(&["diff", "mine-r1.xlsx", "mine-r1.xlsx"])
        .ok();
    assert_eq!(same.stdout, "違いはありません\n");
    let bad = Run::new(dir.path())
        .args(&["diff", "mine-r1.xlsx", "missing.xlsx"])
        .fails(2);
    assert!(
        bad.stderr.contains("E001"),
        "{:?}",
        (&bad.stdout, &bad.stderr)
    );
}

#[test]
fn rerun_keeps_earlier_history_rows_and_appends_new_ones() {
    let dir = with_sample();
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "r1"])
        .ok();
    let earlier = history(&dir.path().join("r1/report.xlsx"));
    // The published report comes back with one actual typed as full-width text; the edit is
    // made in the XML so the other cells keep their cached formula results, as Excel keeps them
    // (openpyxl would drop every cached result on save).
    let bytes = std::fs::read(dir.path().join("r1/report.xlsx")).unwrap();
    let back = crate::fixture::repack(&bytes, None, &|name, part| {
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(part).unwrap();
            crate::fixture::replace_cell(&xml, "L6", &crate::fixture::inline_cell("L6", "３３０"))
                .into_bytes()
        } else {
            part
        }
    });
    std::fs::write(dir.path().join("back.xlsx"), back).unwrap();
    Run::new(dir.path())
        .args(&["report", "back.xlsx", "--out", "r2"])
        .ok();
    let rows = history(&dir.path().join("r2/report.xlsx"));
    assert_eq!(rows[..earlier.len()], earlier[..], "earlier rows kept");
    // The corrected form only: the derived cells hold the rule's formulas, so the figures the
    // new actual moves are recalculated silently (issue 11), however stale their cached results.
    let new: Vec<String> = rows[earlier.len()..]
        .iter()
        .map(|r| r.split('\t').take(8).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        new,
        ["2 back.xlsx 大分類1 L6 1 普通会計職員数(人) R1実績 ３３０"]
    );
    // Nothing new: the sheet stays as it was.
    Run::new(dir.path())
        .args(&["report", "r2/report.xlsx", "--out", "r3"])
        .ok();
    assert_eq!(history(&dir.path().join("r3/report.xlsx")), rows);
}

#[test]
fn workbooks_of_different_report_years_in_one_batch_are_one_clear_error() {
    // An R1 department file and an R2 one (next cycle's): one message naming both and their
    // years, not a conflict per item.
    let dir = with_sample();
    let r2 = crate::fixture::workbook_bytes_for(
        &crate::fixture::small_report(&[55]),
        shinchoku::model::Year::new(2).unwrap(),
    );
    std::fs::write(dir.path().join("r2.xlsx"), r2).unwrap();
    let ran = Run::new(dir.path())
        .args(&["check", "mine-r1.xlsx", "r2.xlsx"])
        .fails(2);
    assert_eq!(
        ran.stderr.trim_end(),
        "shinchoku: E014 報告年度の異なるブックが混ざっています。同じ年度のブックだけを指定してください: mine-r1.xlsx（R1）、r2.xlsx（R2）"
    );
}

/// The bytes of a workbook of item №55 whose 年度計画 is `plan`, saved (its own
/// `dcterms:modified`) at `modified`, or with no saved time of its own when None.
fn item55_saved(plan: &str, modified: Option<&str>) -> Vec<u8> {
    let mut report = small_report(&[55]);
    report.sheets[0].sections[0].items[0].plan.text = Some(plan.into());
    let core = match modified {
        Some(m) => format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:creator>総務課</dc:creator><dcterms:modified xsi:type="dcterms:W3CDTF">{m}</dcterms:modified></cp:coreProperties>"#
        ),
        None => r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>総務課</dc:creator></cp:coreProperties>"#
            .to_string(),
    };
    repack(&workbook_bytes(&report), None, &|name, data| {
        if name == "docProps/core.xml" {
            core.clone().into_bytes()
        } else {
            data
        }
    })
}

/// Every non-empty text of the report's sheets.
fn texts(path: &Path) -> Vec<String> {
    cells(path).into_values().collect()
}

#[test]
fn w227_prefer_newer_uses_the_copy_saved_later_whatever_the_argument_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // The older copy has the later file time: the workbook's own saved time decides.
    std::fs::write(
        d.join("new.xlsx"),
        item55_saved("新しい計画", Some("2020-07-02T09:00:00Z")),
    )
    .unwrap();
    std::fs::write(
        d.join("old.xlsx"),
        item55_saved("古い計画", Some("2020-07-01T18:30:00+09:00")),
    )
    .unwrap();
    // By default an error naming both files and both saved times.
    let Ran { stdout, .. } = Run::new(d)
        .args(&["check", "new.xlsx", "old.xlsx"])
        .fails(1);
    assert!(
        stdout.contains(
            "項目№55が new.xlsx 大分類3!A5（2020-07-02 09:00:00 UTC・ブックの保存日時）と \
             old.xlsx 大分類3!A5（2020-07-01 09:30:00 UTC・ブックの保存日時）の両方にあり、\
             内容が異なります（年度計画: 「新しい計画」と「古い計画」）。後者は使いませんでした。\
             保存日時の新しい方を使うには --prefer-newer を付けてください"
        ),
        "{stdout}"
    );
    assert!(
        !stdout.contains("--prefer-newer）:"),
        "no rule stated without it: {stdout}"
    );
    for (i, order) in [["old.xlsx", "new.xlsx"], ["new.xlsx", "old.xlsx"]]
        .iter()
        .enumerate()
    {
        let out = format!("out{i}");
        let mut args = vec!["report"];
        args.extend(order);
        args.extend(["--prefer-newer", "--out", &out]);
        let Ran { stdout, .. } = Run::new(d).args(&args).ok();
        // The rule and the decision are stated in the summary, both files and times named.
        assert!(
            stdout.contains("同じ項目№で内容の違う入力は、保存日時の新しい方を使いました（--prefer-newer）: 1 件\n  W227 項目№55が "),
            "{stdout}"
        );
        assert!(
            stdout.contains("--prefer-newer により、保存日時の新しい new.xlsx の項目を使いました"),
            "{stdout}"
        );
        assert!(
            stdout.contains("2020-07-01 09:30:00 UTC・ブックの保存日時"),
            "{stdout}"
        );
        let report = texts(&d.join(&out).join("report.xlsx"));
        assert!(report.iter().any(|t| t == "新しい計画"), "{order:?}");
        assert!(!report.iter().any(|t| t == "古い計画"), "{order:?}");
        let findings = std::fs::read_to_string(d.join(&out).join("findings.json")).unwrap();
        let findings: Vec<serde_json::Value> = serde_json::from_str(&findings).unwrap();
        let w227: Vec<_> = findings.iter().filter(|f| f["code"] == "W227").collect();
        assert_eq!(w227.len(), 1, "{findings:?}");
        assert!(findings.iter().all(|f| f["code"] != "E108"), "{findings:?}");
    }
}

#[test]
fn e108_without_a_saved_time_in_the_workbook_names_the_file_times() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let at = |secs| std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs);
    for (name, plan, secs) in [
        ("a.xlsx", "計画A", 1_593_600_000),
        ("b.xlsx", "計画B", 1_593_500_000),
    ] {
        std::fs::write(d.join(name), item55_saved(plan, None)).unwrap();
        let f = std::fs::File::options()
            .write(true)
            .open(d.join(name))
            .unwrap();
        f.set_modified(at(secs)).unwrap();
    }
    let Ran { stdout, .. } = Run::new(d).args(&["check", "a.xlsx", "b.xlsx"]).fails(1);
    assert!(
        stdout.contains(
            "a.xlsx 大分類3!A5（2020-07-01 10:40:00 UTC・ファイルの更新日時）と \
             b.xlsx 大分類3!A5（2020-06-30 06:53:20 UTC・ファイルの更新日時）"
        ),
        "{stdout}"
    );
    // With --prefer-newer the file time decides: a.xlsx, given first, is also the newer.
    let Ran { stdout, .. } = Run::new(d)
        .args(&["check", "b.xlsx", "a.xlsx", "--prefer-newer"])
        .ok();
    assert!(
        stdout.contains("保存日時の新しい a.xlsx の項目を使いました"),
        "{stdout}"
    );
    // Equal times cannot decide: still an error, saying so.
    let f = std::fs::File::options()
        .write(true)
        .open(d.join("b.xlsx"))
        .unwrap();
    f.set_modified(at(1_593_600_000)).unwrap();
    let Ran { stdout, .. } = Run::new(d)
        .args(&["check", "b.xlsx", "a.xlsx", "--prefer-newer"])
        .fails(1);
    assert!(
        stdout.contains("保存日時が同じため、--prefer-newer でも選べません"),
        "{stdout}"
    );
    assert!(stdout.contains("（--prefer-newer）: 0 件"), "{stdout}");
}
