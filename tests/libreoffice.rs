//! LibreOffice as the independent calculator and printer: it recalculates the written
//! workbook (forced by a throwaway profile, see TESTING-NOTES.md) and every formula must give
//! the cached value we wrote; a planted wrong cached value proves the comparison can fail. The
//! PDF export must print A3 landscape pages; the template and a return workbook render.

use crate::fixture::{next_cycle, root, sample, text, with_sample, Run};
use serde_json::Value as Json;
use shinchoku::model::Figure;
use shinchoku::rules::TotalRule;
use shinchoku::settings::Settings;
use std::path::Path;
use std::process::Command;

/// A LibreOffice profile that recalculates every formula when an .xlsx is loaded.
fn recalculating_profile(dir: &Path) -> String {
    let user = dir.join("user");
    std::fs::create_dir_all(&user).unwrap();
    std::fs::write(
        user.join("registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .unwrap();
    format!("-env:UserInstallation=file://{}", dir.display())
}

/// Converts `inputs` with headless LibreOffice to `to` (xlsx, pdf) into `outdir`.
fn soffice(inputs: &[&Path], to: &str, outdir: &Path, profile: &Path) {
    let out = Command::new("soffice")
        .arg(recalculating_profile(profile))
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(outdir)
        .args(inputs)
        .output()
        .expect("soffice runs (libreoffice-calc, installed by .ci/run)");
    assert!(out.status.success(), "soffice: {:?}", text(&out));
    for i in inputs {
        let stem = i.file_stem().unwrap().to_string_lossy();
        let made = outdir.join(format!("{stem}.{to}"));
        assert!(
            made.is_file(),
            "{} not made: {:?}",
            made.display(),
            text(&out)
        );
    }
}

/// Every formula cell of `ours` whose cached value differs from LibreOffice's recalculation.
fn compare(ours: &Path, recalculated: &Path) -> Json {
    let out = Command::new("python3")
        .arg(root().join("tests/py/recalc_compare.py"))
        .args([ours, recalculated])
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{:?}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn libreoffice_recalculates_every_formula_to_our_cached_value() {
    let dir = with_sample();
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "out"])
        .ok();
    let ours = dir.path().join("out/report.xlsx");

    // The same report with one cached value planted wrong: №1's 年度目標達成率 (900.0) as 999.
    let common = Settings::default();
    let mut outcome = shinchoku::process(&[sample()], &common).unwrap();
    let first = outcome.output.indicators_mut().next().unwrap().1;
    let planted_figure = &mut first.recalculated.as_mut().unwrap().rate_year;
    assert_eq!(*planted_figure, Figure::Number(900.into()));
    *planted_figure = Figure::Number(999.into());
    let planted = dir.path().join("planted.xlsx");
    let bytes = shinchoku::write::report_workbook(
        &outcome.output,
        &common.layout,
        outcome.year,
        &Default::default(),
        &planted,
    )
    .unwrap();
    std::fs::write(&planted, bytes).unwrap();

    let lo = dir.path().join("lo");
    soffice(&[&ours, &planted], "xlsx", &lo, &dir.path().join("profile"));

    let good = compare(&ours, &lo.join("report.xlsx"));
    let formulas = good["formulas"].as_u64().unwrap();
    // 実施効果 + 年度目標達成率 for every indicator, 合計 + 合計率 for those with a given total
    // (102 for the sample's 35 indicators).
    let expected: u64 = outcome
        .output
        .indicators()
        .map(|(_, ind)| ind.recalculated.unwrap())
        .map(|d| {
            if d.rule.total == TotalRule::Given {
                4
            } else {
                2
            }
        })
        .sum();
    assert_eq!(formulas, expected, "{good}");
    assert!(formulas >= 100, "{good}");
    assert_eq!(good["mismatches"], Json::Array(vec![]), "{good:#}");

    let bad = compare(&planted, &lo.join("planted.xlsx"));
    let m = bad["mismatches"].as_array().unwrap();
    assert_eq!(m.len(), 1, "{bad:#}");
    assert_eq!(m[0]["sheet"], "大分類1");
    assert_eq!(m[0]["cell"], "S5");
    assert_eq!(m[0]["cached"], 999);
    assert_eq!(m[0]["recalculated"], 900);
}

#[test]
fn libreoffice_prints_a3_landscape_pages() {
    let dir = with_sample();
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "out"])
        .ok();
    let pdf_dir = dir.path().join("pdf");
    soffice(
        &[&dir.path().join("out/report.xlsx")],
        "pdf",
        &pdf_dir,
        &dir.path().join("profile"),
    );
    let out = Command::new("pdfinfo")
        .args(["-f", "1", "-l", "9999"])
        .arg(pdf_dir.join("report.pdf"))
        .output()
        .expect("pdfinfo runs (poppler-utils, installed by .ci/run)");
    let info = String::from_utf8_lossy(&out.stdout);
    let sizes: Vec<(f64, f64)> = info
        .lines()
        .filter(|l| l.starts_with("Page") && l.contains(" size:"))
        .map(|l| {
            let dims: Vec<f64> = l
                .split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect();
            (dims[1], dims[2])
        })
        .collect();
    // The designed pages, read back with openpyxl: every manual break falls between items,
    // pages are numbered on from sheet to sheet, a scale (not fit-to-page, which makes Excel
    // ignore manual breaks), the 大分類 line above every 小分類 table.
    let facts = Command::new("python3")
        .arg(root().join("tests/py/page_facts.py"))
        .arg(dir.path().join("out/report.xlsx"))
        .output()
        .expect("python3 runs");
    assert!(facts.status.success(), "{:?}", text(&facts));
    let facts: Json = serde_json::from_slice(&facts.stdout).unwrap();
    let mut pages: Vec<Vec<u64>> = Vec::new();
    for sheet in facts.as_array().unwrap() {
        let name = sheet["sheet"].as_str().unwrap();
        assert_eq!(sheet["fit"], false, "{name}");
        assert!(sheet["scale"].as_u64().unwrap() >= 50, "{name}: {sheet}");
        assert_eq!(sheet["first_page"], pages.len() as u64 + 1, "{name}");
        let breaks: Vec<u64> = sheet["breaks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_u64().unwrap())
            .collect();
        let items = sheet["items"].as_array().unwrap();
        for b in &breaks {
            let inside = items
                .iter()
                .find(|i| i["first"].as_u64().unwrap() <= *b && *b < i["last"].as_u64().unwrap());
            assert!(
                inside.is_none(),
                "{name}: break after row {b} splits {inside:?}"
            );
        }
        pages.push(Vec::new());
        for item in items {
            let first = item["first"].as_u64().unwrap();
            while pages.len()
                < sheet["first_page"].as_u64().unwrap() as usize
                    + breaks.iter().filter(|b| **b < first).count()
            {
                pages.push(Vec::new());
            }
            pages.last_mut().unwrap().push(item["no"].as_u64().unwrap());
        }
        for h in sheet["headings"].as_array().unwrap() {
            let text = h["text"].as_str().unwrap();
            let above = h["above"].as_str().unwrap_or("");
            assert!(
                text.contains("大分類") || above.contains("大分類"),
                "{name}: no 大分類 line above {h}"
            );
        }
    }
    let span: Vec<(u64, u64)> = pages
        .iter()
        .map(|p| (*p.first().unwrap(), *p.last().unwrap()))
        .collect();
    // The seed prints 1–8, 9–20, 21–34, 35–45, 46–55, 56–63: the sample carries the city's
    // breaks (before №35, before №46) and each of its pages fits, so the report keeps them.
    assert_eq!(
        span,
        [(1, 8), (9, 20), (21, 34), (35, 45), (46, 55), (56, 63)],
        "{pages:?}"
    );
    // LibreOffice prints exactly the designed pages (adds no break of its own), footers 1–6.
    let pdftext = Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf_dir.join("report.pdf"))
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils)");
    let pdftext = String::from_utf8_lossy(&pdftext.stdout);
    let footers: Vec<String> = pdftext
        .split('\u{c}')
        .filter_map(|page| {
            page.lines()
                .map(str::trim)
                .find(|l| l.contains("実施計画進捗状況報告書【"))
                .map(String::from)
        })
        .collect();
    let shorts = [
        "１組織・人材",
        "２業務の見直し",
        "３歳出・歳入",
        "３歳出・歳入",
        "３歳出・歳入",
        "４協働の推進",
    ];
    let expected: Vec<String> = shorts
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{} 実施計画進捗状況報告書【{s}】", i + 1))
        .collect();
    assert_eq!(footers, expected, "{pdftext}");
    // The items each printed page shows (its № cells) are the designed page's.
    for (page, (text, want)) in pdftext.split('\u{c}').zip(&pages).enumerate() {
        for no in [want.first().unwrap(), want.last().unwrap()] {
            let shown = text
                .lines()
                .any(|l| l.split_whitespace().next() == Some(no.to_string().as_str()));
            assert!(shown, "page {}: № {no} not printed\n{text}", page + 1);
        }
    }
    // The PDF has exactly the designed pages: LibreOffice added no break of its own.
    assert_eq!(sizes.len(), pages.len(), "{info}");
    // Printing the whole workbook prints only 資料2: every page has the report's footer, and
    // the veryHidden 変更履歴 (its header word 修正前) is on none.
    assert_eq!(
        pdftext.matches("実施計画進捗状況報告書【").count(),
        sizes.len(),
        "{pdftext}"
    );
    assert!(!pdftext.contains("修正前"), "{pdftext}");
    for (w, h) in sizes {
        assert!(
            (w - 1190.55).abs() < 1.0 && (h - 841.89).abs() < 1.0,
            "not A3 landscape: {w} x {h}\n{info}"
        );
    }
}

/// A number-column value from its text: "" blank, "-" not applicable, a number, else text.
fn value(s: &str) -> shinchoku::model::Field {
    use shinchoku::model::Field;
    use shinchoku::value::Value;
    Field::new(match s {
        "" => Value::Blank,
        "-" => Value::NotApplicable,
        _ => s
            .parse()
            .map(Value::Number)
            .unwrap_or_else(|_| Value::Text(s.to_string())),
    })
}

#[test]
fn libreoffice_agrees_on_edge_cases_of_every_rule_in_year_r2() {
    use shinchoku::calc::derive;
    use shinchoku::model::Year;
    use shinchoku::rules::Rule;
    use shinchoku::rules::{ActualRule, RateRule};
    let dir = with_sample();
    let common = Settings::default();
    let outcome = shinchoku::process(&[sample()], &common).unwrap();
    let mut report = outcome.output.clone();
    let r2 = Year::new(2).unwrap();
    let (ratio, improve) = (RateRule::Ratio, RateRule::Improve);
    let (given, none) = (TotalRule::Given, TotalRule::None);
    let (annual, cumulative) = (ActualRule::Annual, ActualRule::Cumulative);
    // (rate, total, actual, 29基準, R1 actual, R2 target, R2 actual, 合計 target)
    let cases = [
        (ratio, given, annual, "0.1", "0.2", "0.2", "0.3", "0.7"), // binary-float noise
        (ratio, given, annual, "", "-", "0", "5", "0"),            // zero denominators
        (ratio, given, annual, "3", "1", "4", "新方針による", "9"), // text actual
        (improve, none, annual, "-", "", "4", "5", ""),            // base not a number
        (improve, none, annual, "10", "", "10", "7", ""),          // improve, zero target gap
        (ratio, given, cumulative, "", "-1", "8", "-3.25", "13"),  // cumulative, negative
        (ratio, none, annual, "", "", "16", "1", ""),              // 6.25 → 6.3
        (ratio, none, annual, "", "", "-16", "1", ""),             // -6.25 → -6.3
        (ratio, none, annual, "", "", "1", "0.0105", ""),          // 1.05 → 1.1
        (ratio, given, annual, "", "0.335", "1", "0.01", "1"),     // 34.5 total, 1.0 year
        (improve, none, annual, "40561", "", "38558", "41064", ""), // △ 25.1
        (ratio, given, annual, "", "", "3", "2", "6"),             // 2 / 6 → 33.3
    ];
    let mut planted = 0;
    for ((_, ind), case) in report.indicators_mut().zip(cases) {
        let (rate, total, actual, base, a1, t2, a2, tt) = case;
        let derived = ind.recalculated.unwrap();
        ind.base = value(base);
        ind.actuals[0] = value(a1);
        ind.targets[1] = value(t2);
        ind.actuals[1] = value(a2);
        ind.target_total = value(tt);
        let rule = Rule {
            rate,
            total,
            actual,
            decimals: derived.rule.decimals,
            percent: false,
            declared: true,
        };
        ind.recalculated = Some(derive(ind, rule, r2));
        planted += 1;
    }
    assert_eq!(planted, cases.len());
    // The rest of the sample, recalculated for R2 as well (their R2 columns are mostly blank).
    for (_, ind) in report.indicators_mut().skip(cases.len()) {
        let rule = ind.recalculated.unwrap().rule;
        ind.recalculated = Some(derive(ind, rule, r2));
    }
    // The cases reach the corners they name (so LibreOffice is asked about them).
    let figures: Vec<_> = report
        .indicators()
        .map(|(_, ind)| ind.recalculated.unwrap())
        .collect();
    let rate = |i: usize| figures[i].rate_year;
    let num = |s: &str| Figure::Number(s.parse().unwrap());
    assert_eq!(rate(0), num("150"));
    assert_eq!(rate(1), Figure::Dash);
    assert_eq!(figures[3].effect, num("5"));
    assert_eq!(rate(4), Figure::Dash);
    assert_eq!(figures[5].rate_total, num("-25"));
    assert_eq!(rate(6), num("6.3"));
    assert_eq!(rate(7), num("-6.3"));
    assert_eq!(rate(8), num("1.1"));
    assert_eq!(figures[9].rate_total, num("34.5"));
    assert_eq!(rate(10), num("-25.1"));
    assert_eq!(figures[11].rate_total, num("33.3"));
    let edge = dir.path().join("edge.xlsx");
    let bytes =
        shinchoku::write::report_workbook(&report, &common.layout, r2, &Default::default(), &edge)
            .unwrap();
    std::fs::write(&edge, bytes).unwrap();
    let lo = dir.path().join("lo");
    soffice(&[&edge], "xlsx", &lo, &dir.path().join("profile"));
    let result = compare(&edge, &lo.join("edge.xlsx"));
    assert!(result["formulas"].as_u64().unwrap() >= 100, "{result}");
    assert_eq!(result["mismatches"], Json::Array(vec![]), "{result:#}");
}

/// The template and a return workbook (protected, shaded, noted) render in LibreOffice: the
/// PDF has pages and its first page becomes an image (pdftoppm).
#[test]
fn libreoffice_renders_the_template_and_a_return_workbook() {
    let dir = next_cycle();
    let ret = dir.path().join("out/返却/mine-r1_確認.xlsx");
    let template = dir.path().join("r2.xlsx");
    let pdf_dir = dir.path().join("pdf");
    soffice(
        &[&template, &ret],
        "pdf",
        &pdf_dir,
        &dir.path().join("profile"),
    );
    for stem in ["r2", "mine-r1_確認"] {
        let pdf = pdf_dir.join(format!("{stem}.pdf"));
        let info = Command::new("pdfinfo")
            .arg(&pdf)
            .output()
            .expect("pdfinfo runs");
        let info = String::from_utf8_lossy(&info.stdout).into_owned();
        let pages: u32 = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0);
        assert!(pages >= 1, "{stem}: {info}");
        let png = pdf_dir.join(stem);
        let out = Command::new("pdftoppm")
            .args(["-png", "-r", "30", "-f", "1", "-l", "1"])
            .arg(&pdf)
            .arg(&png)
            .output()
            .expect("pdftoppm runs (poppler-utils)");
        assert!(out.status.success(), "{stem}: {:?}", text(&out));
        let made: Vec<_> = std::fs::read_dir(&pdf_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                name.starts_with(&format!("{stem}-")) && name.ends_with(".png")
            })
            .collect();
        assert_eq!(made.len(), 1, "{stem}: {made:?}");
        assert!(std::fs::metadata(&made[0]).unwrap().len() > 1000, "{stem}");
    }
}
