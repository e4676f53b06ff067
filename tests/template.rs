//! `template`: the department workbook, blank or as next cycle's made from this cycle's report,
//! read back by our reader (year, structure, what is kept and emptied) and by openpyxl
//! (protection, unlocked inputs, formulas), then filled in and reported for R2.

use crate::fixture::{root, text, with_sample, Run};
use crate::report_format::facts;
use shinchoku::model::{a1, Report, Year};
use shinchoku::settings::Settings;
use shinchoku::value::Value;
use std::path::Path;
use std::process::Command;

fn read(path: &Path, year: Option<Year>) -> (Year, Report) {
    let common = Settings::default().with_year(year);
    let o = shinchoku::process(&[path.to_path_buf()], &common).unwrap();
    (o.year, o.output)
}

/// The sample's report and next cycle's (R2) workbook made from it, in a temp dir.
fn next_cycle() -> tempfile::TempDir {
    let dir = with_sample();
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "out"])
        .ok();
    let run = Run::new(dir.path())
        .args(&[
            "template",
            "--from",
            "out/report.xlsx",
            "--year",
            "R2",
            "--out",
            "next/r2.xlsx",
        ])
        .ok();
    assert!(run.stdout.contains("R2年度の記入用ブック（63 項目）"));
    dir
}

#[test]
fn next_cycle_keeps_structure_bases_targets_and_empties_the_new_year() {
    let dir = next_cycle();
    let (_, this) = read(&dir.path().join("out/report.xlsx"), None);
    let (year, next) = read(&dir.path().join("next/r2.xlsx"), None);
    // The header now says R2 年度実績 / R3 年度計画, and our reader takes the year from it.
    assert_eq!(year, Year::new(2).unwrap());
    Run::new(dir.path())
        .args(&["check", "next/r2.xlsx", "--year", "R2"])
        .completes();
    assert_eq!(next.items().count(), 63);
    for ((_, a), (_, b)) in this.items().zip(next.items()) {
        assert_eq!(a.number(), b.number());
        assert_eq!(a.name.text, b.name.text);
        assert_eq!(a.actions.len(), b.actions.len());
        assert_eq!(a.indicators.len(), b.indicators.len(), "№{:?}", a.number());
        for t in [&b.results, &b.plan, &b.status, &b.grade] {
            assert_eq!(t.text, None, "№{:?} text kept", b.number());
        }
        for (x, y) in a.indicators.iter().zip(&b.indicators) {
            assert_eq!(x.name.text, y.name.text);
            assert_eq!(x.base.value, y.base.value);
            assert_eq!(x.target_total.value, y.target_total.value);
            let targets = |i: &shinchoku::model::Indicator| {
                i.targets
                    .iter()
                    .map(|f| f.value.clone())
                    .collect::<Vec<_>>()
            };
            assert_eq!(targets(x), targets(y));
            assert_eq!(x.actuals[0].value, y.actuals[0].value, "R1 actual kept");
            assert_eq!(y.actuals[1].value, Value::Blank, "R2 actual emptied");
        }
    }
    let facts = facts(&dir.path().join("next/r2.xlsx"));
    let sheets = facts["sheets"].as_array().unwrap();
    // The plan as sent (veryHidden, tests/drift.rs) is protected too; the 大分類 sheets follow.
    let sent = shinchoku::reference::REFERENCE_SHEET;
    assert!(sheets
        .iter()
        .any(|s| s["name"] == sent && s["protected"] == true));
    for s in sheets.iter().filter(|s| s["name"] != sent) {
        assert_eq!(s["protected"], true, "{}", s["name"]);
        assert_eq!(s["values"]["W3"], "R2年度\n年度実績");
        assert_eq!(s["values"]["X3"], "R3年度\n年度計画");
        let unlocked: Vec<&str> = s["unlocked"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        // This year's inputs (R2 actuals, text columns) are editable; plan cells, formulas
        // and headers are not.
        for cell in ["W5", "X5", "V5", "U5"] {
            assert!(unlocked.contains(&cell), "{} {cell} locked", s["name"]);
        }
        assert!(unlocked.iter().any(|c| c.starts_with('M')), "an R2 actual");
        for cell in ["A5", "B5", "L5", "J5", "R5"] {
            assert!(
                !unlocked.contains(&cell),
                "{} {cell} (plan) unlocked",
                s["name"]
            );
        }
        for cell in s["formulas"].as_object().unwrap().keys() {
            assert!(!unlocked.contains(&cell.as_str()), "{cell} unlocked");
        }
        assert!(!unlocked.contains(&"W3"));
    }
    // The R2 formulas look at the R2 column (M).
    let s1 = &facts["sheets"][0];
    assert_eq!(
        s1["formulas"]["R5"],
        "=IF(ISNUMBER(M6),IF(ISNUMBER(K5),ROUND(M6-K5,0),M6),\"-\")"
    );
    assert_eq!(s1["values"]["R5"], "-");
}

#[test]
fn filled_r2_workbook_reports_r2_figures() {
    let dir = next_cycle();
    let (_, next) = read(&dir.path().join("next/r2.xlsx"), None);
    // №55 ふるさと納税 (ratio, given total, annual): the department types R2 target and actual.
    let (sheet, item) = next.items().find(|(_, i)| i.number() == Some(55)).unwrap();
    let ind = &item.indicators[0];
    let cell = |f: &shinchoku::model::Field| {
        let at = f.at.as_ref().expect("read from a cell");
        a1(at.row, at.col)
    };
    let (target, actual) = (cell(&ind.targets[1]), cell(&ind.actuals[1]));
    let fill = Command::new("python3")
        .arg(root().join("tests/py/fill_cells.py"))
        .arg(dir.path().join("next/r2.xlsx"))
        .arg(dir.path().join("filled.xlsx"))
        .args([&sheet.name, &target, "77000", &sheet.name, &actual, "80000"])
        .output()
        .unwrap();
    assert!(fill.status.success(), "{:?}", text(&fill));
    Run::new(dir.path())
        .args(&["report", "filled.xlsx", "--year", "R2", "--out", "r2out"])
        .completes();
    let (year, out) = read(&dir.path().join("r2out/report.xlsx"), None);
    assert_eq!(year, Year::new(2).unwrap());
    let (_, item) = out.items().find(|(_, i)| i.number() == Some(55)).unwrap();
    let ind = &item.indicators[0];
    let n = |s: &str| Value::Number(s.parse().unwrap());
    // 80,000 / 77,000 → 103.9; 80,000 − 58,611 = 21,389; (59,280 + 80,000) / 385,000 → 36.2.
    assert_eq!(ind.rate_year.value, n("103.9"));
    assert_eq!(ind.effect.value, n("21389"));
    assert_eq!(ind.actual_total.value, n("139280"));
    assert_eq!(ind.rate_total.value, n("36.2"));
}

/// The template's formulas, saved by openpyxl without results: only the real edits are reported.
/// An input holding a formula without a result is named (E120); a derived cell holding another
/// formula is recalculated with one warning (W230).
#[test]
fn template_formulas_saved_without_results_give_only_the_real_edits() {
    let dir = next_cycle();
    let (_, next) = read(&dir.path().join("next/r2.xlsx"), None);
    let (sheet, item) = next.items().find(|(_, i)| i.number() == Some(55)).unwrap();
    let ind = &item.indicators[0];
    let cell = |f: &shinchoku::model::Field| {
        let at = f.at.as_ref().expect("read from a cell");
        a1(at.row, at.col)
    };
    let (target, actual) = (cell(&ind.targets[1]), cell(&ind.actuals[1]));
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec![&sheet.name, &target, "77000", &sheet.name, &actual, "80000"];
        args.extend_from_slice(extra);
        let fill = Command::new("python3")
            .arg(root().join("tests/py/fill_cells.py"))
            .arg(dir.path().join("next/r2.xlsx"))
            .arg(dir.path().join(out))
            .args(args)
            .output()
            .unwrap();
        assert!(fill.status.success(), "{:?}", text(&fill));
        let common = Settings::default().with_year(Year::new(2));
        shinchoku::process(&[dir.path().join(out)], &common).unwrap()
    };
    let plain = run("plain.xlsx", &[]);
    let derived: Vec<_> = plain
        .corrections
        .iter()
        .map(|c| c.code().as_str())
        .filter(|c| ["W201", "I306", "W230"].contains(c))
        .collect();
    assert!(derived.is_empty(), "{derived:?}");
    let codes: Vec<_> = plain.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(
        !codes.contains(&"E120") && !codes.contains(&"W201"),
        "{codes:?}"
    );

    let effect = cell(&ind.effect);
    let target1 = cell(&ind.targets[0]);
    let sum = format!("=SUM({target1}:{target1})");
    let actual1 = cell(&ind.actuals[0]);
    let edited = run(
        "edited.xlsx",
        &[
            &sheet.name,
            &target1,
            &sum,
            &sheet.name,
            &effect,
            "=1+1",
            &sheet.name,
            &actual1,
            "date:2019-12-15",
        ],
    );
    let e121: Vec<_> = edited
        .findings
        .iter()
        .filter(|f| f.code.as_str() == "E121")
        .collect();
    assert_eq!(e121.len(), 1, "{e121:?}");
    assert_eq!(e121[0].at.pos.map(|(r, c)| a1(r, c)), Some(actual1));
    assert_eq!(
        e121[0].message,
        "数値の欄に日付「2019/12/15」が入っています（Excelは「12/15」「5-2」などの入力を日付に変えます）。数値を入力し直してください"
    );
    let e120: Vec<_> = edited
        .findings
        .iter()
        .filter(|f| f.code.as_str() == "E120")
        .collect();
    assert_eq!(e120.len(), 1, "{e120:?}");
    assert_eq!(e120[0].at.pos.map(|(r, c)| a1(r, c)), Some(target1.clone()));
    assert_eq!(
        e120[0].message,
        format!("R1目標のセルの式「{sum}」に計算結果が保存されていません。Excelで開いて保存し直すか、値を入力してください")
    );
    let w230: Vec<_> = edited
        .corrections
        .iter()
        .filter(|c| c.code().as_str() == "W230")
        .collect();
    assert_eq!(w230.len(), 1, "{w230:?}");
    assert_eq!(w230[0].finding.at.pos.map(|(r, c)| a1(r, c)), Some(effect));
    assert_eq!(
        w230[0].finding.message,
        "実施効果のセルの式「=1+1」は計算規則の式ではありません（再計算値 21389 に修正）"
    );
}

#[test]
fn blank_template_has_the_layout_sheets_protected() {
    let dir = tempfile::tempdir().unwrap();
    Run::new(dir.path())
        .args(&["template", "--out", "blank.xlsx"])
        .ok();
    let facts = facts(&dir.path().join("blank.xlsx"));
    let sheets = facts["sheets"].as_array().unwrap();
    assert_eq!(sheets.len(), 4);
    for s in sheets {
        assert_eq!(s["protected"], true);
        assert_eq!(s["values"]["W3"], "R1年度\n年度実績");
        // Every derived cell is a formula showing "-" until the inputs are typed.
        let formulas = s["formulas"].as_object().unwrap();
        assert!(formulas.len() >= 40, "{}", formulas.len());
        for cell in formulas.keys() {
            assert_eq!(s["values"][cell], "-", "{cell}");
        }
        assert_eq!(s["paper_size"], 8);
    }
}

#[test]
fn next_cycle_after_r5_asks_for_a_year() {
    // A report of the plan's last year has no next cycle unless --year names one.
    let dir = with_sample();
    let (_, report) = read(&dir.path().join("mine-r1.xlsx"), None);
    let r5 = Year::new(5).unwrap();
    let bytes = crate::fixture::workbook_bytes_for(&report, r5);
    std::fs::write(dir.path().join("r5.xlsx"), bytes).unwrap();
    let run = Run::new(dir.path())
        .args(&["template", "--from", "r5.xlsx", "--out", "next.xlsx"])
        .fails(2);
    assert!(
        run.stderr
            .contains("E022 r5.xlsx は計画最終年度（R5）の報告書です。次の年度はありません。"),
        "{:?}",
        (&run.stdout, &run.stderr)
    );
    assert!(!dir.path().join("next.xlsx").exists());
}
