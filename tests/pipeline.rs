//! End to end through the binary: report, round-trip, second year, bad input.

use crate::fixture::{with_sample, Ran, Run};
use shinchoku::model::{Report, Year};
use shinchoku::settings::Settings;
use shinchoku::value::Value;
use std::path::Path;

fn read(path: &Path) -> Report {
    let common = Settings::default();
    shinchoku::process(&[path.to_path_buf()], &common)
        .unwrap()
        .input
}

/// Every text of a report (names, actions, marks, indicator names, status, grade, texts).
fn texts(r: &Report) -> Vec<String> {
    let mut v = Vec::new();
    for (_, item) in r.items() {
        v.push(item.name.as_str().to_string());
        v.push(item.results.as_str().to_string());
        v.push(item.plan.as_str().to_string());
        v.push(item.status.as_str().to_string());
        for a in &item.actions {
            v.push(a.text.as_str().to_string());
        }
        for ind in &item.indicators {
            v.push(ind.name.as_str().to_string());
        }
    }
    v
}

/// Every number of a report, in order (inputs and derived figures).
fn numbers(r: &Report) -> Vec<Value> {
    let mut v = Vec::new();
    for (_, item) in r.items() {
        v.push(item.no.value.clone());
        for ind in &item.indicators {
            v.push(ind.base.value.clone());
            v.extend(ind.targets.iter().map(|f| f.value.clone()));
            v.push(ind.target_total.value.clone());
            v.extend(ind.actuals.iter().map(|f| f.value.clone()));
            for f in [
                &ind.actual_total,
                &ind.effect,
                &ind.rate_year,
                &ind.rate_total,
            ] {
                // blank and "-" mean the same; compare meaning, not form
                v.push(if f.value.is_absent() {
                    Value::Blank
                } else {
                    f.value.clone()
                });
            }
        }
    }
    v
}

#[test]
fn report_writes_three_files_and_a_summary() {
    let dir = with_sample();
    let Ran { stdout, .. } = Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "out"])
        .ok();
    assert!(stdout.contains("63 項目"), "{stdout}");
    for f in ["report.xlsx", "changes.csv", "findings.json"] {
        assert!(dir.path().join("out").join(f).is_file(), "{f} missing");
    }
    let csv = std::fs::read_to_string(dir.path().join("out/changes.csv")).unwrap();
    assert!(csv.starts_with("\u{FEFF}file,sheet,cell,item,indicator,field,old,new,code,reason"));
    assert!(
        csv.contains("大分類3,J6,21,"),
        "実勢 correction logged at its cell:\n{csv}"
    );
}

#[test]
fn report_on_its_own_output_changes_nothing() {
    let dir = with_sample();
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "a"])
        .ok();
    Run::new(dir.path())
        .args(&["report", "a/report.xlsx", "--out", "b"])
        .ok();
    let csv = std::fs::read_to_string(dir.path().join("b/changes.csv")).unwrap();
    assert_eq!(
        csv.lines().count(),
        1,
        "only the header row expected:\n{csv}"
    );
    // The report's own layout (the 大分類 line above every 小分類 table, page breaks) reads
    // back as layout: the second run finds nothing the first did not.
    let found = |run: &str| -> Vec<(String, String)> {
        let json = std::fs::read_to_string(dir.path().join(run).join("findings.json")).unwrap();
        let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
        rows.iter()
            .map(|r| (r["code"].to_string(), r["cell"].to_string()))
            .collect()
    };
    let first = found("a");
    for f in found("b") {
        assert!(
            first.contains(&f),
            "new finding on the report's own output: {f:?}"
        );
    }

    let sample = read(&dir.path().join("mine-r1.xlsx"));
    let a = read(&dir.path().join("a/report.xlsx"));
    let b = read(&dir.path().join("b/report.xlsx"));
    assert_eq!(
        numbers(&a),
        numbers(&b),
        "figures changed on the second run"
    );
    // Texts survive byte for byte, line breaks included.
    assert_eq!(texts(&sample), texts(&a));
    assert_eq!(texts(&a), texts(&b));
    assert!(texts(&a).iter().any(|t| t.contains('\n')));
    // The pages too: the breaks the report carried (the sample's, before №35 and №46) and
    // wrote are read back as the report's own and written again where they were.
    let breaks_a = row_breaks(&dir.path().join("a/report.xlsx"));
    assert!(
        breaks_a.iter().any(|b| b.contains(r#"<brk id="26""#)),
        "{breaks_a:?}"
    );
    assert_eq!(breaks_a, row_breaks(&dir.path().join("b/report.xlsx")));
}

/// The `<rowBreaks>` element of each worksheet part of the workbook at `path` ("" for none).
fn row_breaks(path: &Path) -> Vec<String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        if !part.name().unwrap().starts_with("xl/worksheets/sheet") {
            continue;
        }
        let mut xml = String::new();
        part.read_to_string(&mut xml).unwrap();
        let breaks = xml
            .find("<rowBreaks")
            .and_then(|at| Some(&xml[at..at + xml[at..].find("</rowBreaks>")?]));
        out.push(breaks.unwrap_or("").to_string());
    }
    out
}

#[test]
fn second_year_rates_use_r2_and_totals_sum_r1_and_r2() {
    let dir = with_sample();
    let path = dir.path().join("mine-r1.xlsx");
    let common = Settings::default();
    let outcome = shinchoku::process(&[path], &common).unwrap();
    let mut report = outcome.output.clone();
    // №55 ふるさと納税 (ratio, given, annual): R2 target 77,000, R2 actual 80,000.
    let (si, ci, ii) = report
        .sheets
        .iter()
        .enumerate()
        .flat_map(|(si, s)| {
            s.sections.iter().enumerate().flat_map(move |(ci, c)| {
                c.items
                    .iter()
                    .enumerate()
                    .filter(|(_, i)| i.number() == Some(55))
                    .map(move |(ii, _)| (si, ci, ii))
            })
        })
        .next()
        .unwrap();
    let ind = &mut report.sheets[si].sections[ci].items[ii].indicators[0];
    ind.targets[1].value = Value::Number(77000.into());
    ind.actuals[1].value = Value::Number(80000.into());
    let r2 = Year::new(2).unwrap();
    let bytes = crate::fixture::workbook_bytes_for(&report, r2);
    std::fs::write(dir.path().join("r2.xlsx"), bytes).unwrap();

    // Written, with an error (E112) for every R2 actual the sample does not have.
    Run::new(dir.path())
        .args(&["report", "r2.xlsx", "--year", "R2", "--out", "r2out"])
        .fails(1);
    let out = read(&dir.path().join("r2out/report.xlsx"));
    let (_, item) = out.items().find(|(_, i)| i.number() == Some(55)).unwrap();
    let ind = &item.indicators[0];
    // 年度: 80,000 / 77,000 = 103.896 → 103.9; 実施効果 80,000 − 58,611 = 21,389.
    assert_eq!(ind.rate_year.value, Value::Number("103.9".parse().unwrap()));
    assert_eq!(ind.effect.value, Value::Number(21389.into()));
    // 合計: (59,280 + 80,000) / 385,000 = 36.176 → 36.2.
    assert_eq!(ind.actual_total.value, Value::Number(139280.into()));
    assert_eq!(ind.rate_total.value, Value::Number("36.2".parse().unwrap()));
    // The header names the year: --year R1 now disagrees with it.
    let clash = Run::new(dir.path())
        .args(&["check", "r2.xlsx", "--year", "R1"])
        .fails(2);
    assert!(
        clash
            .stderr
            .contains("E009 指定された年度 R1 とブックの見出し「R2年度 年度実績」"),
        "one line, the header's line break shown as a space: {:?}",
        (&clash.stdout, &clash.stderr)
    );
}

#[test]
fn bad_input_gets_a_japanese_message_and_exit_2() {
    let dir = with_sample();
    std::fs::write(dir.path().join("notes.xlsx"), "これはブックではありません").unwrap();
    std::fs::create_dir(dir.path().join("folder")).unwrap();
    let cases = [
        ("missing.xlsx", "E001 ファイルが見つかりません"),
        ("notes.xlsx", "E004 Excelブックとして読み込めません"),
        ("folder", "E002 フォルダーが指定されました"),
    ];
    for (input, message) in cases {
        for cmd in ["check", "report"] {
            let Ran { stderr, .. } = Run::new(dir.path())
                .args(&[cmd, input, "--out", "o"][..if cmd == "check" { 2 } else { 4 }])
                .fails(2);
            assert!(stderr.contains(message), "{cmd} {input}: {stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
    assert!(
        !dir.path().join("o").exists(),
        "nothing is written for unreadable input"
    );
}

#[test]
fn output_may_not_overwrite_an_input() {
    let dir = with_sample();
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "a"])
        .ok();
    let again = Run::new(dir.path())
        .args(&["report", "a/report.xlsx", "--out", "a"])
        .fails(2);
    assert!(again.stderr.contains("E011"));
}

#[test]
fn help_matches_the_commands() {
    let dir = with_sample();
    let Ran { stdout, .. } = Run::new(dir.path()).args(&["--help"]).ok();
    for word in ["check", "report"] {
        assert!(stdout.contains(word), "{stdout}");
    }
    let report = Run::new(dir.path()).args(&["report", "--help"]).ok().stdout;
    for flag in [
        "--out", "--year", "--rules", "--layout", "--date", "--doc-no",
    ] {
        assert!(report.contains(flag), "{flag} missing from report --help");
    }
}

#[test]
fn a_closed_pipe_does_not_panic() {
    // `shinchoku check … | head -1`: the reader goes away before the findings are printed.
    let dir = with_sample();
    for args in [
        &["check", "mine-r1.xlsx"][..],
        &["check", "mine-r1.xlsx", "--format", "json"],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_shinchoku"))
            .args(args)
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: {stderr}");
    }
}

#[test]
fn a_merged_block_with_blank_trailing_rows_reads_as_without_them() {
    // The reader bounds an item by the next item's start, not by the № merge: three blank
    // rows at the end of item 1's block (merged with it by the writer) change nothing.
    let plain = crate::fixture::small_report(&[1, 2, 3]);
    let mut padded = plain.clone();
    let section = &mut padded.sheets[0].sections[0];
    assert!(
        section.items.len() > 1,
        "item 1 is followed by another item"
    );
    let item = &mut section.items[0];
    assert!(!item.indicators.is_empty());
    let span = item.span();
    item.actions
        .resize(span + 3, shinchoku::model::Action::default());
    let dir = tempfile::tempdir().unwrap();
    let read_back = |report: &Report, name: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, crate::fixture::workbook_bytes(report)).unwrap();
        (read(&path), path)
    };
    let (a, _) = read_back(&plain, "plain.xlsx");
    let (b, padded_path) = read_back(&padded, "padded.xlsx");
    // The padded file really merges item 1's № over its blank rows.
    let mut xlsx: calamine::Xlsx<_> = calamine::open_workbook(&padded_path).unwrap();
    let sheet = &padded.sheets[0].name;
    let first = b.sheets[0].sections[0].items[0].no.at.clone().unwrap();
    let merges = xlsx.merge_cells_by_sheet_name(sheet).unwrap();
    assert!(
        merges
            .iter()
            .any(|m| m.start == (first.row, 0) && m.end == (first.row + span as u32 + 2, 0)),
        "{merges:?}"
    );
    assert_eq!(b.items().count(), plain.items().count());
    assert_eq!(texts(&a), texts(&b));
    assert_eq!(numbers(&a), numbers(&b));
    let shape = |r: &Report| -> Vec<(usize, usize)> {
        r.items()
            .map(|(_, i)| (i.actions.len(), i.indicators.len()))
            .collect()
    };
    assert_eq!(shape(&a), shape(&b));
}
