//! The corpus of layout variants (issue 9): `tests/fixtures/layout_variants.py` writes each class
//! with openpyxl from the sample; the real binary reports it; openpyxl (the oracle) compares the
//! report with the sample's cell for cell, and the expected finding codes and cells are asserted.
//! Every cell a variant added must be named in a finding (its cell, or inside the range its
//! message gives). Not one class ends in silence.

use crate::fixture::{a1_pos, root, sample, shinchoku};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const SCRIPT: &str = "tests/fixtures/layout_variants.py";
/// Codes that say content is not in the report.
const NOT_IN_REPORT: &[&str] = &[
    "W216", "W217", "W218", "W235", "W236", "W238", "I305", "I308", "I326",
];
/// Codes that say a whole sheet is not in the report.
const WHOLE_SHEET: &[&str] = &["I305", "W235", "W236"];

fn python(args: &[&str]) -> std::process::Output {
    Command::new("python3")
        .arg(root().join(SCRIPT))
        .args(args)
        .output()
        .expect("python3 runs (openpyxl is required)")
}

fn findings(dir: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join("findings.json")).unwrap_or_else(|_| "[]".into());
    serde_json::from_str(&text).unwrap()
}

/// The cells and ranges a finding names: its cell and every A1 or A1:B2 in its message.
fn named(f: &serde_json::Value) -> Vec<((u32, u32), (u32, u32))> {
    let mut out = Vec::new();
    if let Some(p) = f["cell"].as_str().and_then(a1_pos) {
        out.push((p, p));
    }
    let text = format!(
        "{} {}",
        f["message"].as_str().unwrap_or(""),
        f["found"].as_str().unwrap_or("")
    );
    for token in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == ':')) {
        let mut parts = token.split(':');
        let (a, b) = (parts.next().and_then(a1_pos), parts.next().and_then(a1_pos));
        match (a, b) {
            (Some(a), Some(b)) => out.push((a, b)),
            (Some(a), None) => out.push((a, a)),
            _ => {}
        }
    }
    out
}

/// True when `message` is an I328's and names `cell` of `sheet` in an entry 「大分類2!C4:C31：…」:
/// the cell is carried in the items (back in the return workbook), not printed in the report.
pub fn carried_in(code: &str, message: &str, sheet: &str, (row, col): (u32, u32)) -> bool {
    code == "I328"
        && message.split('、').any(|entry| {
            let Some((_, rest)) = entry.split_once(&format!("{sheet}!")) else {
                return false;
            };
            let mut ends = rest.split('：').next().unwrap_or("").split(':').map(a1_pos);
            match (ends.next().flatten(), ends.next().flatten()) {
                (Some(a), Some(b)) => (a.0..=b.0).contains(&row) && (a.1..=b.1).contains(&col),
                (Some(a), None) => a == (row, col),
                _ => false,
            }
        })
}

fn covered(findings: &[serde_json::Value], sheet: &str, cell: (u32, u32)) -> bool {
    findings.iter().any(|f| {
        let (code, message) = (f["code"].as_str(), f["message"].as_str());
        if carried_in(code.unwrap_or(""), message.unwrap_or(""), sheet, cell) {
            return true;
        }
        let same_sheet = f["sheet"].as_str() == Some(sheet);
        let whole_sheet = same_sheet && WHOLE_SHEET.contains(&f["code"].as_str().unwrap_or(""));
        whole_sheet
            || (same_sheet
                && NOT_IN_REPORT.contains(&f["code"].as_str().unwrap_or(""))
                && named(f).iter().any(|((r0, c0), (r1, c1))| {
                    (*r0..=*r1).contains(&cell.0) && (*c0..=*c1).contains(&cell.1)
                }))
    })
}

#[test]
fn every_layout_class_reads_right_or_says_what_is_not_in_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = python(&["build", dir.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expect: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("expect.json")).unwrap())
            .unwrap();
    let base = dir.path().join("sample-report");
    let run = shinchoku(
        dir.path(),
        &[
            "report",
            sample().to_str().unwrap(),
            "--out",
            base.to_str().unwrap(),
        ],
    );
    assert!(run.status.code().is_some_and(|c| c < 2));
    let key = |f: &serde_json::Value| {
        format!(
            "{} {}!{} {}",
            f["code"].as_str().unwrap_or(""),
            f["sheet"].as_str().unwrap_or("-"),
            f["cell"].as_str().unwrap_or("-"),
            f["message"].as_str().unwrap_or("")
        )
    };
    let sample_findings: Vec<String> = findings(&base).iter().map(key).collect();
    let mut failures = Vec::new();
    for (class, e) in &expect {
        let input = dir.path().join(format!("{class}.xlsx"));
        let out_dir = dir.path().join(format!("out-{class}"));
        let mut args = vec![
            "report".to_string(),
            input.to_str().unwrap().to_string(),
            "--out".into(),
            out_dir.to_str().unwrap().into(),
        ];
        if let Some(y) = e["year"].as_str() {
            args.extend(["--year".into(), y.into()]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = shinchoku(dir.path(), &args);
        let code = run.status.code();
        if code == Some(2) || code.is_none() {
            failures.push(format!(
                "{class}: exit {code:?} {}",
                String::from_utf8_lossy(&run.stderr)
            ));
            continue;
        }
        let found = findings(&out_dir);
        let codes: Vec<String> = found
            .iter()
            .map(|f| {
                format!(
                    "{}@{}!{}",
                    f["code"].as_str().unwrap(),
                    f["sheet"].as_str().unwrap_or("-"),
                    f["cell"].as_str().unwrap_or("-")
                )
            })
            .collect();
        let wanted = e["codes"].as_array().unwrap();
        for w in wanted {
            // A file-level finding (comments, links) names no sheet.
            let (code, sheet, cell) = (w[0].as_str().unwrap(), w[1].as_str(), w[2].as_str());
            let hit = found.iter().any(|f| {
                f["code"] == code
                    && f["sheet"].as_str() == sheet
                    && (cell.is_none() || f["cell"].as_str() == cell)
            });
            if !hit {
                failures.push(format!(
                    "{class}: expected {code} at {sheet:?}!{cell:?}, got {codes:?}"
                ));
            }
        }
        if class == "department_column" {
            // Every item row's 課 (12 items) and each header's label are read into the items.
            let want = "表の見出しにない列（大分類2!C4:C31：C列「担当課」12個のセル）の内容を\
                各項目の文章として読み取りました。返却ブックでは各項目の№のセルのメモで戻しますが、\
                公開する報告書には載りません";
            if !found
                .iter()
                .any(|f| f["code"] == "I328" && f["message"] == want)
            {
                failures.push(format!("{class}: no I328 「{want}」 in {codes:?}"));
            }
        }
        if e["same"].as_bool().unwrap() {
            let same = python(&[
                "same",
                base.join("report.xlsx").to_str().unwrap(),
                out_dir.join("report.xlsx").to_str().unwrap(),
            ]);
            if !same.status.success() {
                failures.push(format!(
                    "{class}: report differs from the sample's:\n{}",
                    String::from_utf8_lossy(&same.stdout)
                ));
            }
            // The same data gives the same findings as the sample (no false W207 …), plus the
            // class's own; only the 単位 column moves the cells right of it.
            if class != "unit_column" && !e["moved"].as_bool().unwrap_or(false) {
                let got: Vec<String> = found.iter().map(key).collect();
                for k in &sample_findings {
                    if !got.contains(k) {
                        failures.push(format!("{class}: lost the sample's finding {k}"));
                    }
                }
                for (k, f) in got.iter().zip(&found) {
                    let c = f["code"].as_str().unwrap();
                    if !sample_findings.contains(k) && !wanted.iter().any(|w| w[0] == c) {
                        failures.push(format!("{class}: unexpected finding {k}"));
                    }
                }
            }
            // A valid variant says nothing is missing; other classes name exactly their cells.
            let wanted_codes: Vec<&str> = wanted.iter().map(|w| w[0].as_str().unwrap()).collect();
            for f in &found {
                let c = f["code"].as_str().unwrap();
                if NOT_IN_REPORT.contains(&c) && !wanted_codes.contains(&c) {
                    failures.push(format!("{class}: unexpected {c}: {}", f["message"]));
                }
            }
        }
        for cell in e["added"].as_array().unwrap() {
            let sheet = cell[0].as_str().unwrap();
            let at = (
                cell[1].as_u64().unwrap() as u32,
                cell[2].as_u64().unwrap() as u32,
            );
            if !covered(&found, sheet, at) {
                failures.push(format!(
                    "{class}: added cell {sheet} {at:?} is named in no finding"
                ));
            }
        }
        if wanted.is_empty() && !e["same"].as_bool().unwrap() {
            failures.push(format!(
                "{class}: a class with neither an equal report nor a finding"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn report_of_a_report_changes_nothing_and_misses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("first");
    let second = dir.path().join("second");
    shinchoku(
        dir.path(),
        &[
            "report",
            sample().to_str().unwrap(),
            "--out",
            first.to_str().unwrap(),
        ],
    );
    let run = shinchoku(
        dir.path(),
        &[
            "report",
            first.join("report.xlsx").to_str().unwrap(),
            "--out",
            second.to_str().unwrap(),
        ],
    );
    assert!(run.status.code().is_some_and(|c| c < 2));
    let changes = std::fs::read_to_string(second.join("changes.csv")).unwrap();
    assert_eq!(changes.lines().count(), 1, "{changes}");
    let f = findings(&second);
    assert!(
        f.iter()
            .all(|f| !NOT_IN_REPORT.contains(&f["code"].as_str().unwrap())),
        "{f:#?}"
    );
}
