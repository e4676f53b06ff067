//! Plan drift through the binary: next cycle's workbook (`template --from` the sample's report),
//! edited by openpyxl as a department might (a second writer), checked with `--plan` = the
//! report it was made from. Every plan cell changed is one finding with both values; a
//! department that only typed its own inputs gets none.

use crate::fixture::{with_sample, Run};
use std::path::Path;
use std::process::Command;

/// Sets `cells` ((sheet, A1, value); numbers when they parse) in `src` and saves `dst`.
fn edit(src: &Path, dst: &Path, cells: &[(&str, &str, &str)]) {
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

/// The sample's report (`out/report.xlsx`) and next cycle's workbook from it (`r2.xlsx`).
fn next_cycle() -> tempfile::TempDir {
    let dir = with_sample();
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "out"])
        .ok();
    Run::new(dir.path())
        .args(&["template", "--from", "out/report.xlsx", "--out", "r2.xlsx"])
        .ok();
    dir
}

/// The drift lines of `check … --plan out/report.xlsx` (codes E140, W250–W252).
fn drift(dir: &Path, input: &str) -> Vec<String> {
    let ran = Run::new(dir)
        .args(&["check", input, "--plan", "out/report.xlsx"])
        .completes();
    ran.stdout
        .lines()
        .filter(|l| {
            ["E140", "W250", "W251", "W252"]
                .iter()
                .any(|c| l.contains(c))
        })
        .map(|l| l.trim().to_string())
        .collect()
}

#[test]
fn an_untouched_return_and_own_inputs_only_give_no_drift() {
    let dir = next_cycle();
    assert_eq!(drift(dir.path(), "r2.xlsx"), Vec::<String>::new());
    // The department types its own R2 actual and texts: still no drift.
    edit(
        &dir.path().join("r2.xlsx"),
        &dir.path().join("typed.xlsx"),
        &[
            ("大分類1", "M6", "335"),
            ("大分類1", "W5", "定員を見直した"),
        ],
    );
    assert_eq!(drift(dir.path(), "typed.xlsx"), Vec::<String>::new());
}

#[test]
fn e140_plan_numbers_and_earlier_actuals_changed() {
    let dir = next_cycle();
    edit(
        &dir.path().join("r2.xlsx"),
        &dir.path().join("changed.xlsx"),
        &[
            ("大分類1", "K5", "350"),
            ("大分類1", "L5", "340"),
            ("大分類1", "L6", "330"),
            ("大分類1", "I5", "普通会計職員数(人)※見直し後"),
        ],
    );
    let lines = drift(dir.path(), "changed.xlsx");
    assert_eq!(
        lines,
        [
            "W250 警告 I5 普通会計職員数(人)※見直し後: 項目が計画（report.xlsx）の「普通会計職員数(人)」から「普通会計職員数(人)※見直し後」に変わっています",
            "E140 エラー K5 普通会計職員数(人)※見直し後: 29基準が計画（report.xlsx）の 342 から 350 に変わっています。計画と前年度までの実績は変えられません（報告書には提出された値を使っています）",
            "E140 エラー L5 普通会計職員数(人)※見直し後: R1目標が計画（report.xlsx）の 341 から 340 に変わっています。計画と前年度までの実績は変えられません（報告書には提出された値を使っています）",
            "E140 エラー L6 普通会計職員数(人)※見直し後: R1実績が計画（report.xlsx）の 333 から 330 に変わっています。計画と前年度までの実績は変えられません（報告書には提出された値を使っています）",
        ]
    );
}

#[test]
fn w250_a_plan_text_changed() {
    let dir = next_cycle();
    edit(
        &dir.path().join("r2.xlsx"),
        &dir.path().join("name.xlsx"),
        &[("大分類1", "B5", "機構改革による定員の適正化")],
    );
    assert_eq!(
        drift(dir.path(), "name.xlsx"),
        ["W250 警告 B5: 実施計画が計画（report.xlsx）の「機構改革による定員適正化の推進」から「機構改革による定員の適正化」に変わっています"]
    );
}

#[test]
fn w252_an_action_row_added() {
    let dir = next_cycle();
    // №1 has one action in a two-row block: text in the second row is a row the plan lacks.
    edit(
        &dir.path().join("r2.xlsx"),
        &dir.path().join("action.xlsx"),
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
    edit(
        &dir.path().join("r2.xlsx"),
        &dir.path().join("rows.xlsx"),
        &[("大分類1", "A7", "99")],
    );
    let lines = drift(dir.path(), "rows.xlsx");
    assert_eq!(
        lines,
        ["W251 警告 A7: 項目№99は計画（report.xlsx）にありません"],
        "{lines:#?}"
    );
}
