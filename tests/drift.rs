//! Plan drift through the binary: next cycle's workbook (`template --from` the sample's report),
//! edited by openpyxl as a department might (a second writer; the veryHidden 配布時の計画 sheet
//! kept), checked against the reference it carries, against `--plan` = the report it was made
//! from (on a copy without that sheet, as a workbook the office did not make with `template`),
//! and against both. Every plan cell changed is one finding with both values; a department that
//! only typed its own inputs gets none; a plan that disagrees with the workbook's reference is
//! one finding per cell.

use crate::fixture::{next_cycle, python, Run};
use std::path::Path;
use std::process::Command;

/// The sheet `template --from` records what it sent in.
const SENT_SHEET: &str = "配布時の計画";

/// Sets `cells` ((sheet, A1, value); numbers when they parse) in `src` and saves `dst`; the
/// reference sheet is kept when `carried`, removed otherwise (a workbook made without
/// `template`).
fn edit(src: &Path, dst: &Path, cells: &[(&str, &str, &str)], carried: bool) {
    let mut script = format!(
        "from openpyxl import load_workbook\nwb = load_workbook({:?})\n",
        src.display().to_string()
    );
    for (sheet, cell, value) in cells {
        let v = match value.parse::<f64>() {
            Ok(n) => format!("{n}"),
            Err(_) => format!("{value:?}"),
        };
        script.push_str(&format!("wb[{sheet:?}][{cell:?}] = {v}\n"));
    }
    if !carried {
        script.push_str(&format!(
            "if {SENT_SHEET:?} in wb.sheetnames: del wb[{SENT_SHEET:?}]\n"
        ));
    }
    script.push_str(&format!("wb.save({:?})\n", dst.display().to_string()));
    let out = Command::new("python3")
        .arg("-c")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The drift codes: against one reference, and where the plan and the reference disagree.
const DRIFT: &[&str] = &[
    "E140", "E141", "W250", "W251", "W252", "W253", "W254", "W255", "W256",
];

/// The drift lines of `check ARGS…`.
fn drift_of(dir: &Path, args: &[&str]) -> Vec<String> {
    let ran = Run::new(dir).args(&["check"]).args(args).completes();
    ran.stdout
        .lines()
        .filter(|l| DRIFT.iter().any(|c| l.contains(c)))
        .map(|l| l.trim().to_string())
        .collect()
}

/// The drift lines of `check INPUT --plan out/report.xlsx`.
fn drift(dir: &Path, input: &str) -> Vec<String> {
    drift_of(dir, &[input, "--plan", "out/report.xlsx"])
}

/// `src` (in `dir`) edited into `dst` with the reference sheet removed.
fn unsent(dir: &Path, src: &str, dst: &str, cells: &[(&str, &str, &str)]) {
    edit(&dir.join(src), &dir.join(dst), cells, false);
}

/// `src` (in `dir`) edited into `dst`, the reference sheet kept.
fn returned(dir: &Path, src: &str, dst: &str, cells: &[(&str, &str, &str)]) {
    edit(&dir.join(src), &dir.join(dst), cells, true);
}

/// The four changes of the issue to №1: 29基準 342 → 350, R1 target 341 → 340, the published R1
/// actual 333 → 330 and the indicator's name.
const FOUR: &[(&str, &str, &str)] = &[
    ("大分類1", "K5", "350"),
    ("大分類1", "L5", "340"),
    ("大分類1", "L6", "330"),
    ("大分類1", "I5", "普通会計職員数(人)※見直し後"),
];

/// The four findings of [`FOUR`] against the reference named `source`.
fn four_lines(source: &str) -> Vec<String> {
    let fixed = "計画と前年度までの実績は変えられません（報告書には提出された値を使っています）";
    let ind = "普通会計職員数(人)※見直し後";
    vec![
        format!("W250 警告 I5 {ind}: 項目が計画（{source}）の「普通会計職員数(人)」から「{ind}」に変わっています"),
        format!("E140 エラー K5 {ind}: 29基準が計画（{source}）の 342 から 350 に変わっています。{fixed}"),
        format!("E140 エラー L5 {ind}: R1目標が計画（{source}）の 341 から 340 に変わっています。{fixed}"),
        format!("E140 エラー L6 {ind}: R1実績が計画（{source}）の 333 から 330 に変わっています。{fixed}"),
    ]
}

#[test]
fn an_untouched_return_and_own_inputs_only_give_no_drift() {
    let dir = next_cycle();
    let d = dir.path();
    let none = Vec::<String>::new();
    // The reference the workbook carries, --plan, and both.
    assert_eq!(drift_of(d, &["r2.xlsx"]), none);
    assert_eq!(drift(d, "r2.xlsx"), none);
    unsent(d, "r2.xlsx", "plain.xlsx", &[]);
    assert_eq!(drift(d, "plain.xlsx"), none);
    // The department types its own R2 actual and texts: still no drift.
    let own = [
        ("大分類1", "M6", "335"),
        ("大分類1", "W5", "定員を見直した"),
    ];
    returned(d, "r2.xlsx", "typed.xlsx", &own);
    assert_eq!(drift_of(d, &["typed.xlsx"]), none);
    assert_eq!(drift(d, "typed.xlsx"), none);
    unsent(d, "r2.xlsx", "typed-plain.xlsx", &own);
    assert_eq!(drift(d, "typed-plain.xlsx"), none);
}

#[test]
fn e140_the_reference_the_workbook_carries() {
    // No other file: the 配布時の計画 sheet written by `template --from` is the reference.
    let dir = next_cycle();
    returned(dir.path(), "r2.xlsx", "changed.xlsx", FOUR);
    assert_eq!(
        drift_of(dir.path(), &["changed.xlsx"]),
        four_lines("配布したブック")
    );
    // With --plan as well, agreeing with the reference: each change still once.
    assert_eq!(
        drift(dir.path(), "changed.xlsx"),
        four_lines("配布したブック")
    );
}

#[test]
fn e140_plan_numbers_and_earlier_actuals_changed() {
    // A workbook made without `template` (no reference sheet): --plan is the reference.
    let dir = next_cycle();
    unsent(dir.path(), "r2.xlsx", "changed.xlsx", FOUR);
    assert_eq!(drift(dir.path(), "changed.xlsx"), four_lines("report.xlsx"));
    assert_eq!(
        drift_of(dir.path(), &["changed.xlsx"]),
        Vec::<String>::new()
    );
}

#[test]
fn w250_a_plan_text_changed() {
    let dir = next_cycle();
    let name = [("大分類1", "B5", "機構改革による定員の適正化")];
    let line = |source: &str| {
        vec![format!("W250 警告 B5: 実施計画が計画（{source}）の「機構改革による定員適正化の推進」から「機構改革による定員の適正化」に変わっています")]
    };
    unsent(dir.path(), "r2.xlsx", "name.xlsx", &name);
    assert_eq!(drift(dir.path(), "name.xlsx"), line("report.xlsx"));
    returned(dir.path(), "r2.xlsx", "named.xlsx", &name);
    assert_eq!(
        drift_of(dir.path(), &["named.xlsx"]),
        line("配布したブック")
    );
}

#[test]
fn w252_an_action_row_added() {
    let dir = next_cycle();
    // №1 has one action in a two-row block: text in the second row is a row the plan lacks.
    unsent(
        dir.path(),
        "r2.xlsx",
        "action.xlsx",
        &[("大分類1", "C6", "定員管理計画の見直し")],
    );
    assert_eq!(
        drift(dir.path(), "action.xlsx"),
        ["W252 警告 C5: 行動計画の行数が計画（report.xlsx）の 1 行から 2 行に変わっています"]
    );
}

#[test]
fn w251_an_item_the_plan_does_not_have() {
    let dir = next_cycle();
    // №2 renumbered 99: an item the plan lacks (and the plan's №2 is missing, W215).
    unsent(
        dir.path(),
        "r2.xlsx",
        "rows.xlsx",
        &[("大分類1", "A7", "99")],
    );
    let lines = drift(dir.path(), "rows.xlsx");
    assert_eq!(
        lines,
        ["W251 警告 A7: 項目№99は計画（report.xlsx）にありません"],
        "{lines:#?}"
    );
}

#[test]
fn w256_an_item_the_workbook_was_sent_with_comes_back_renumbered() {
    // No --plan: №2 renumbered 99 is an item added (W251) and №2 one removed (W256).
    let dir = next_cycle();
    returned(
        dir.path(),
        "r2.xlsx",
        "renum.xlsx",
        &[("大分類1", "A7", "99")],
    );
    assert_eq!(
        drift_of(dir.path(), &["renum.xlsx"]),
        [
            "W256 警告 -: 配布したブックの項目№2「新本庁舎整備における窓口のワンストップ化及び施設の複合化の検討」がどの入力ファイルにもありません",
            "W251 警告 A7: 項目№99は計画（配布したブック）にありません",
        ]
    );
    // With --plan agreeing: W251 once, and the plan's W215 instead of W256.
    assert_eq!(
        drift(dir.path(), "renum.xlsx"),
        ["W251 警告 A7: 項目№99は計画（配布したブック）にありません"]
    );
}

/// `plan.xlsx`: the report (`out/report.xlsx`) edited at `cells`, so it disagrees with the
/// reference `r2.xlsx` carries.
fn disagreeing_plan(dir: &Path, cells: &[(&str, &str, &str)]) {
    unsent(dir, "out/report.xlsx", "plan.xlsx", cells);
}

#[test]
fn e141_the_plan_and_the_workbook_reference_disagree() {
    let dir = next_cycle();
    let d = dir.path();
    disagreeing_plan(d, &[("大分類1", "K5", "345")]);
    let line = |back: &str| {
        format!("E141 エラー K5 普通会計職員数(人): 29基準が計画（plan.xlsx）では 345、配布したブックでは 342 です（提出された値は {back}）。どちらが正しいか確認してください（報告書には提出された値を使っています）")
    };
    // An untouched return: the disagreement once, not also as a change against the plan.
    assert_eq!(
        drift_of(d, &["r2.xlsx", "--plan", "plan.xlsx"]),
        [line("342")]
    );
    // Returned as the plan has it: still the one disagreement.
    returned(d, "r2.xlsx", "as-plan.xlsx", &[("大分類1", "K5", "345")]);
    assert_eq!(
        drift_of(d, &["as-plan.xlsx", "--plan", "plan.xlsx"]),
        [line("345")]
    );
    // Changed to a third value: one finding naming all three.
    returned(d, "r2.xlsx", "third.xlsx", &[("大分類1", "K5", "350")]);
    assert_eq!(
        drift_of(d, &["third.xlsx", "--plan", "plan.xlsx"]),
        [line("350")]
    );
}

#[test]
fn w253_the_plan_and_the_workbook_reference_disagree_on_a_text() {
    let dir = next_cycle();
    disagreeing_plan(dir.path(), &[("大分類1", "B5", "定員の適正化")]);
    assert_eq!(
        drift_of(dir.path(), &["r2.xlsx", "--plan", "plan.xlsx"]),
        ["W253 警告 B5: 実施計画が計画（plan.xlsx）では「定員の適正化」、配布したブックでは「機構改革による定員適正化の推進」です（提出された値は「機構改革による定員適正化の推進」）。どちらが正しいか確認してください"]
    );
}

#[test]
fn w254_the_plan_and_the_workbook_reference_disagree_on_rows() {
    let dir = next_cycle();
    disagreeing_plan(dir.path(), &[("大分類1", "C6", "定員管理計画の見直し")]);
    assert_eq!(
        drift_of(dir.path(), &["r2.xlsx", "--plan", "plan.xlsx"]),
        ["W254 警告 C5: 行動計画の行数が計画（plan.xlsx）では 2 行、配布したブックでは 1 行です（提出されたブックは 1 行）。どちらが正しいか確認してください"]
    );
}

#[test]
fn w255_the_plan_lacks_an_item_the_workbook_was_sent_with() {
    let dir = next_cycle();
    disagreeing_plan(dir.path(), &[("大分類1", "A7", "99")]);
    assert_eq!(
        drift_of(dir.path(), &["r2.xlsx", "--plan", "plan.xlsx"]),
        ["W255 警告 A7: 項目№2は計画（plan.xlsx）にありませんが、配布したブックにはあります。どちらが正しいか確認してください"]
    );
}

#[test]
fn the_reference_round_trips_without_stray_content_or_drift() {
    let dir = next_cycle();
    let d = dir.path();
    // Report → report (with itself as the plan): no drift.
    let again = drift_of(d, &["out/report.xlsx", "--plan", "out/report.xlsx"]);
    assert_eq!(again, Vec::<String>::new());
    // Template → untouched return → check: nothing about the reference sheet.
    let ran = Run::new(d).args(&["check", "r2.xlsx"]).completes();
    let stray = ["W216", "W217", "W218", "W235", "W236", "I305", "I326"];
    let noted: Vec<&str> = ran
        .stdout
        .lines()
        .filter(|l| stray.iter().chain(DRIFT).any(|c| l.contains(c)))
        .collect();
    assert!(noted.is_empty(), "{noted:#?}");
    // The reference is veryHidden in the template and never published.
    Run::new(d)
        .args(&["report", "r2.xlsx", "--out", "out2"])
        .completes();
    let facts = python(
        "import sys, json\nfrom openpyxl import load_workbook\n\
         t = load_workbook(sys.argv[1]); r = load_workbook(sys.argv[2])\n\
         print(json.dumps([t[sys.argv[3]].sheet_state, r.sheetnames]))",
        &[
            &d.join("r2.xlsx"),
            &d.join("out2/report.xlsx"),
            Path::new(SENT_SHEET),
        ],
    );
    assert_eq!(facts[0], "veryHidden");
    let names: Vec<&str> = facts[1]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(!names.contains(&SENT_SHEET), "{names:?}");
}

#[test]
fn the_return_workbook_carries_the_reference_on() {
    // The department's return is reported; the office sends back 返却/…_確認.xlsx; sent in again
    // unchanged, it is still compared with what the department was first sent.
    let dir = next_cycle();
    let d = dir.path();
    returned(d, "r2.xlsx", "changed.xlsx", FOUR);
    Run::new(d)
        .args(&["report", "changed.xlsx", "--out", "o"])
        .fails(1);
    let back = "o/返却/changed_確認.xlsx";
    assert_eq!(drift_of(d, &[back]), four_lines("配布したブック"));
    let state = python(
        "import sys, json\nfrom openpyxl import load_workbook\n\
         print(json.dumps(load_workbook(sys.argv[1])[sys.argv[2]].sheet_state))",
        &[&d.join(back), Path::new(SENT_SHEET)],
    );
    assert_eq!(state, "veryHidden");
}
