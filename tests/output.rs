//! What a clerk and the office's scripts read: the text of `check`, the findings.json shape
//! (SPEC §6), exit codes (SPEC §7) and `--baseline`.

use crate::fixture::{small_report, with_sample, workbook_bytes, Ran, Run};

#[test]
fn check_text_of_the_sample_lists_the_seed_anomalies_by_sheet_and_item() {
    let dir = with_sample();
    let Ran { stdout, .. } = Run::new(dir.path()).args(&["check", "mine-r1.xlsx"]).ok();
    insta::assert_snapshot!("check_sample_text", stdout);
}

const KEYS: [&str; 9] = [
    "code",
    "severity",
    "file",
    "sheet",
    "cell",
    "item",
    "indicator",
    "found",
    "message",
];

/// Asserts the findings.json shape of SPEC §6 and returns the objects.
fn assert_findings_shape(json: &str) -> Vec<serde_json::Value> {
    let value: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
    let rows = value.as_array().expect("a JSON array").clone();
    for row in &rows {
        let obj = row.as_object().expect("objects");
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        let mut want = KEYS.to_vec();
        want.sort_unstable();
        let mut got = keys.clone();
        got.sort_unstable();
        assert_eq!(got, want, "{row}");
        assert!(obj["code"].as_str().unwrap().len() == 4);
        assert!(["error", "warning", "info"].contains(&obj["severity"].as_str().unwrap()));
        assert!(obj["file"].is_string());
        for k in ["sheet", "cell", "indicator", "found"] {
            assert!(obj[k].is_string() || obj[k].is_null(), "{k}: {row}");
        }
        assert!(obj["item"].is_u64() || obj["item"].is_null(), "{row}");
        assert!(!obj["message"].as_str().unwrap().is_empty());
    }
    // Keys in the documented order, as the office's scripts see them.
    let first = json.find('{').map(|i| &json[i..]).unwrap_or("");
    let mut at = 0;
    for k in KEYS {
        let i = first[at..]
            .find(&format!("\"{k}\":"))
            .unwrap_or_else(|| panic!("{k} out of order"));
        at += i;
    }
    rows
}

/// (row, column) of an A1 cell, for checking the order.
fn row_col(a1: &str) -> (u32, u32) {
    let letters: String = a1.chars().take_while(char::is_ascii_uppercase).collect();
    let col = letters
        .bytes()
        .fold(0, |c, b| c * 26 + u32::from(b - b'A' + 1));
    (a1[letters.len()..].parse().unwrap(), col)
}

#[test]
fn check_json_and_findings_json_have_the_shape_of_spec_6() {
    let dir = with_sample();
    let Ran { stdout, .. } = Run::new(dir.path())
        .args(&["check", "mine-r1.xlsx", "--format", "json"])
        .ok();
    let rows = assert_findings_shape(&stdout);
    // 32 of the seed's own anomalies and filled figures, the rules doubt (W226), 20 blank 評価
    // (W222) and 42 blank 達成状況 (W223).
    assert_eq!(rows.len(), 95);
    let kubun = rows
        .iter()
        .find(|r| r["code"] == "W210")
        .expect("実勢 reported");
    assert_eq!(
        kubun,
        &serde_json::json!({
            "code": "W210", "severity": "warning", "file": "mine-r1.xlsx", "sheet": "大分類3",
            "cell": "J6", "item": 21,
            "indicator": "公共施設(ﾊｺﾓﾉ)の延床面積の減少面積累計(㎡)", "found": "実勢",
            "message": "区分「実勢」を「実績」に修正しました（「実勢」→「実績」）"
        })
    );
    let keys: Vec<(String, String, (u32, u32))> = rows
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap().to_string(),
                r["sheet"].as_str().unwrap_or("").to_string(),
                r["cell"].as_str().map_or((0, 0), row_col),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "ordered by file, sheet, row, column");

    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "out"])
        .ok();
    let written = std::fs::read_to_string(dir.path().join("out/findings.json")).unwrap();
    assert_eq!(
        written.trim_end(),
        stdout.trim_end(),
        "check --format json = findings.json"
    );
}

#[test]
fn errors_exit_1_and_warnings_alone_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = small_report(&[55]);
    report.sheets[0].sections[0].items[0].grade.text = Some("Ｄ".into());
    std::fs::write(dir.path().join("bad.xlsx"), workbook_bytes(&report)).unwrap();
    let Ran { stdout, .. } = Run::new(dir.path()).args(&["check", "bad.xlsx"]).fails(1);
    assert!(stdout.contains("E104 エラー V5: 評価「Ｄ」"), "{stdout}");
    assert!(
        stdout.ends_with(
            "エラー 1 件、警告 0 件、情報 0 件\n  bad.xlsx: 1 項目・未入力 0・エラー 1・警告 0\n"
        ),
        "{stdout}"
    );
}

#[test]
fn baseline_hides_what_an_earlier_run_found() {
    let dir = with_sample();
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "first"])
        .ok();
    let Ran { stdout, .. } = Run::new(dir.path())
        .args(&["check", "mine-r1.xlsx", "--baseline", "first/findings.json"])
        .ok();
    assert!(
        stdout.starts_with("エラー 0 件、警告 0 件、情報 0 件\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "新規 0 件・解決 0 件・未解決エラー 0 件（既出の警告・情報 95 件は表示していません）"
        ),
        "{stdout}"
    );

    // A resubmission (another name, another folder) with one new problem shows only that one.
    // The input as sent (so the old findings are there again), plus a bad grade.
    let mut report = shinchoku::process(
        &[dir.path().join("mine-r1.xlsx")],
        &crate::fixture::defaults(),
    )
    .unwrap()
    .input;
    let item = report
        .sheets
        .iter_mut()
        .flat_map(|s| s.sections.iter_mut())
        .flat_map(|s| s.items.iter_mut())
        .find(|i| i.number() == Some(55))
        .unwrap();
    item.grade.text = Some("Ｅ".into());
    std::fs::create_dir(dir.path().join("v2")).unwrap();
    std::fs::write(
        dir.path().join("v2/mine-r1-v2.xlsx"),
        workbook_bytes(&report),
    )
    .unwrap();
    let Ran { stdout, .. } = Run::new(dir.path())
        .args(&[
            "check",
            "v2/mine-r1-v2.xlsx",
            "--baseline",
            "first/findings.json",
            "--format",
            "json",
        ])
        .fails(1);
    let rows = assert_findings_shape(&stdout);
    let codes: Vec<&str> = rows.iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["E104"], "{stdout}");

    // report counts only the new findings but still records them all for the next baseline.
    let Ran { stdout, .. } = Run::new(dir.path())
        .args(&[
            "report",
            "mine-r1.xlsx",
            "--out",
            "second",
            "--baseline",
            "first/findings.json",
        ])
        .ok();
    assert!(
        stdout.contains("エラー 0 件、警告 0 件、情報 0 件"),
        "{stdout}"
    );
    assert!(stdout.contains("既出の警告・情報 95 件"), "{stdout}");
    let all = std::fs::read_to_string(dir.path().join("second/findings.json")).unwrap();
    assert_eq!(assert_findings_shape(&all).len(), 95);

    std::fs::write(dir.path().join("broken.json"), "{not json").unwrap();
    let bad = Run::new(dir.path())
        .args(&["check", "mine-r1.xlsx", "--baseline", "broken.json"])
        .fails(2);
    assert!(
        bad.stderr.contains("E021"),
        "{:?}",
        (&bad.stdout, &bad.stderr)
    );
}
