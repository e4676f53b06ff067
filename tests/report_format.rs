//! The published workbook read back by a second reader (openpyxl, tests/py/xlsx_facts.py):
//! fonts, merges, △ number formats, widths, A3 landscape print setup, footers, lists, no notes
//! (corrections are listed in the review workbook), live formulas; and byte-stable output.

use crate::fixture::{root, with_sample, Run};
use serde_json::Value as Json;
use std::path::Path;
use std::process::Command;

/// The facts openpyxl reads from a workbook (see tests/py/xlsx_facts.py).
pub fn facts(book: &Path) -> Json {
    let out = Command::new("python3")
        .arg(root().join("tests/py/xlsx_facts.py"))
        .arg(book)
        .output()
        .expect("python3 runs (installed by .ci/run)");
    assert!(
        out.status.success(),
        "openpyxl could not read {}: {}",
        book.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("facts are JSON")
}

/// Writes the sample's report into a temp dir; returns the dir.
fn report() -> tempfile::TempDir {
    let dir = with_sample();
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "out"])
        .ok();
    dir
}

fn strings(v: &Json) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

#[test]
fn report_reads_back_with_the_published_layout_and_print_setup() {
    let dir = report();
    let facts = facts(&dir.path().join("out/report.xlsx"));
    let sheets = facts["sheets"].as_array().unwrap();
    let names: Vec<&str> = sheets.iter().map(|s| s["name"].as_str().unwrap()).collect();
    // The report sheets, then the change log of the corrections (SPEC §6).
    assert_eq!(
        names,
        ["大分類1", "大分類2", "大分類3", "大分類4", "変更履歴"]
    );
    let shorts = [
        "１組織・人材",
        "２業務の見直し",
        "３歳出・歳入",
        "４協働の推進",
    ];
    // First page numbers as laid out: 大分類3 prints on three pages (3–5).
    for ((s, short), first_page) in sheets.iter().zip(shorts).zip([1, 2, 3, 6]) {
        let name = s["name"].as_str().unwrap();
        // Every written cell is in the Japanese font (none falls back to Calibri).
        assert_eq!(strings(&s["fonts"]), ["ＭＳ Ｐゴシック"], "{name}");
        // The △ formats of SPEC §3: integers and rates on every sheet.
        let formats = strings(&s["number_formats"]);
        for f in [r##"#,##0;"△ "#,##0"##, r##"#,##0.0;"△ "#,##0.0"##] {
            assert!(formats.contains(&f), "{name}: {f} missing from {formats:?}");
        }
        // Widths from the layout (Excel stores width + padding).
        let w = |c: &str| s["widths"][c].as_f64().unwrap();
        assert!((w("B") - 22.0).abs() < 1.0, "{name} B {}", w("B"));
        assert!((w("W") - 42.0).abs() < 1.0, "{name} W {}", w("W"));
        assert!(w("W") > w("C") && w("C") > w("A"), "{name}");
        // A3 (paperSize 8), landscape, at the scale that fits the width (fitting to pages
        // would make Excel ignore the manual breaks).
        assert_eq!(s["paper_size"], 8, "{name}");
        assert_eq!(s["orientation"], "landscape", "{name}");
        assert_eq!(s["fit_to_page"], false, "{name}");
        assert_eq!(s["scale"], 61, "{name}");
        // The first table's two header rows repeat on every page.
        assert_eq!(s["print_title_rows"], "$3:$4", "{name}");
        assert!(
            s["print_area"]
                .as_str()
                .unwrap()
                .starts_with(&format!("'{name}'!$A$1:$X$")),
            "{name}: {}",
            s["print_area"]
        );
        assert_eq!(
            s["footer"].as_str().unwrap(),
            format!("&P 実施計画進捗状況報告書【{short}】"),
            "{name}"
        );
        assert_eq!(s["use_first_page_number"], true, "{name}");
        assert_eq!(s["first_page_number"], first_page, "{name}");
        // Header merges: group labels across, tall labels down.
        let merges = strings(&s["merges"]);
        for m in ["A3:B3", "C3:H3", "I3:Q3", "R3:R4", "W3:W4", "X3:X4"] {
            assert!(merges.contains(&m), "{name}: {m} not merged");
        }
        // 評価: Ａ/Ｂ/Ｃ only; 達成状況: a list that warns (so "№45に統合" can stay).
        let dv = s["validations"].as_array().unwrap();
        let grade = dv
            .iter()
            .find(|v| v["sqref"].as_str().unwrap().starts_with('V'))
            .expect("評価 validation");
        assert_eq!(grade["type"], "list");
        assert_eq!(grade["formula1"], "\"Ａ,Ｂ,Ｃ\"");
        assert!(grade["errorStyle"].is_null() || grade["errorStyle"] == "stop");
        assert!(grade["sqref"]
            .as_str()
            .unwrap()
            .split(' ')
            .any(|c| c == "V5"));
        let status = dv
            .iter()
            .find(|v| v["sqref"].as_str().unwrap().starts_with('U'))
            .expect("達成状況 validation");
        assert_eq!(status["formula1"], "\"達成,未達成,休止\"");
        assert_eq!(status["errorStyle"], "warning");
    }
    let s1 = &sheets[0];
    // Top right of the first sheet: date and 資料 number; headings; the year in the headers.
    assert_eq!(s1["values"]["W1"], "令和2年7月");
    assert_eq!(s1["values"]["X1"], "資料２");
    assert_eq!(
        s1["values"]["A1"],
        "大分類１ 組織・人材マネジメントの見直し"
    );
    assert_eq!(s1["values"]["W3"], "R1年度\n年度実績");
    assert_eq!(s1["values"]["X3"], "R2年度\n年度計画");
    // №1 普通会計職員数 (improve, level): live formulas, cached figures, item cells merged.
    let merges = strings(&s1["merges"]);
    for m in [
        "A5:A6", "B5:B6", "I5:I6", "R5:R6", "S5:S6", "T5:T6", "W5:W6",
    ] {
        assert!(merges.contains(&m), "{m} not merged");
    }
    assert_eq!(
        s1["formulas"]["R5"],
        "=IF(ISNUMBER(L6),IF(ISNUMBER(K5),ROUND(L6-K5,0),L6),\"-\")"
    );
    assert_eq!(
        s1["formulas"]["S5"],
        "=IF(AND(ISNUMBER(L6),ISNUMBER(L5),ISNUMBER(K5)),IF(ROUND(K5-L5,0)=0,\"-\",ROUND((ROUND(K5-L6,0))*100/(ROUND(K5-L5,0)),1)),\"-\")"
    );
    assert_eq!(s1["values"]["R5"], -9);
    assert_eq!(s1["values"]["S5"], 900);
    // A level indicator leaves 合計 and 合計目標達成率 without formulas.
    assert!(s1["formulas"].get("Q6").is_none());
    assert!(s1["formulas"].get("T5").is_none());
    // Wrapped texts get taller rows than one line.
    assert!(
        s1["heights"]["5"].as_f64().unwrap() > 15.0,
        "{}",
        s1["heights"]
    );
    // №50 繰出金 (ratio, given total): 合計 and 合計率 are formulas; "-" is read back as "-".
    let s3 = &sheets[2];
    let to_date = s3["formulas"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, f)| f.as_str().unwrap().contains("SUM("))
        .expect("an actual-to-date formula");
    assert!(to_date.0.starts_with('Q'), "{to_date:?}");
    assert!(s3["values"]
        .as_object()
        .unwrap()
        .iter()
        .any(|(c, v)| c.starts_with('S') && v == "-"));
    assert_eq!(facts["created"], "2020-01-01T00:00:00");
}

#[test]
fn the_published_report_has_no_notes_and_the_review_workbook_lists_every_change() {
    use calamine::Reader;
    let dir = report();
    let facts = facts(&dir.path().join("out/report.xlsx"));
    let notes: usize = facts["sheets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["comments"].as_object().unwrap().len())
        .sum();
    assert_eq!(notes, 0, "資料2 carries no review annotations");
    let csv: Vec<csv::StringRecord> = csv::Reader::from_path(dir.path().join("out/changes.csv"))
        .unwrap()
        .records()
        .map(Result::unwrap)
        .collect();
    assert!(csv.len() >= 10, "only {} changes in the sample", csv.len());
    let mut review = calamine::open_workbook_auto(dir.path().join("out/確認結果.xlsx")).unwrap();
    let history = review.worksheet_range("変更履歴").unwrap();
    let rows: Vec<Vec<String>> = history
        .rows()
        .skip(1)
        .map(|r| r.iter().map(ToString::to_string).collect())
        .collect();
    assert_eq!(rows.len(), csv.len());
    for (row, change) in rows.iter().zip(&csv) {
        // 回, then file, sheet, cell … code, reason as in changes.csv.
        assert_eq!(
            (&row[2], &row[3], &row[9], &row[10]),
            (
                &change[1].to_string(),
                &change[2].to_string(),
                &change[8].to_string(),
                &change[9].to_string()
            )
        );
    }
}

#[test]
fn same_input_gives_identical_bytes() {
    let dir = with_sample();
    for out in ["one", "two"] {
        Run::new(dir.path())
            .args(&["report", "mine-r1.xlsx", "--out", out])
            .ok();
    }
    let one = std::fs::read(dir.path().join("one/report.xlsx")).unwrap();
    let two = std::fs::read(dir.path().join("two/report.xlsx")).unwrap();
    assert!(one == two, "report.xlsx differs between two runs");
}

#[test]
fn the_date_follows_the_report_year_and_a_western_date_is_refused() {
    let dir = report();
    // Next cycle's department workbook (R2), filled as it comes back, reported as R2.
    Run::new(dir.path())
        .args(&["template", "--from", "out/report.xlsx", "--out", "r2.xlsx"])
        .ok();
    let ran = Run::new(dir.path())
        .args(&["report", "r2.xlsx", "--out", "r2"])
        .completes();
    assert!(
        ran.stdout.contains("表紙の日付: 令和3年7月"),
        "{}",
        ran.stdout
    );
    let facts = facts(&dir.path().join("r2/report.xlsx"));
    assert_eq!(facts["sheets"][0]["values"]["W1"], "令和3年7月");
    // The R1 sample keeps the city's 令和2年7月; R n/m is the short form of --date.
    let r1 = facts_of_report(dir.path(), &["--date", "R3/8"]);
    assert_eq!(r1["sheets"][0]["values"]["W1"], "令和3年8月");
    let refused = Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "x", "--date", "2021/7"])
        .fails(2);
    assert!(
        refused.stderr.contains("「令和n年m月」（または R n/m）"),
        "{}",
        refused.stderr
    );
    assert!(!dir.path().join("x").exists());
}

/// The sample reported with `extra` options into `dir`/dated: its facts.
fn facts_of_report(dir: &Path, extra: &[&str]) -> Json {
    let mut args = vec!["report", "mine-r1.xlsx", "--out", "dated"];
    args.extend_from_slice(extra);
    Run::new(dir).args(&args).ok();
    facts(&dir.join("dated/report.xlsx"))
}

/// Each cell's number format and cached value, for the cells named after the book.
const CELL_FORMATS: &str = "import json,sys\nfrom openpyxl import load_workbook\n\
    f=load_workbook(sys.argv[1])['大分類1']\n\
    v=load_workbook(sys.argv[1],data_only=True)['大分類1']\n\
    print(json.dumps({a:[f[a].number_format,repr(v[a].value)] for a in ['R13','R15','R17','R21','S15']}))";

/// What the city printed stays printed so: the sample stores the exact 実施効果 7.9 (大分類1
/// R15) and 0.14 (R17) shown with no decimals, as the seed prints 「8」 and 「0」; the report
/// keeps that display over the exact figure. A cell shown with its rule's decimals keeps them.
#[test]
fn derived_cells_keep_the_decimals_the_city_printed() {
    let dir = report();
    let cells = crate::fixture::python(CELL_FORMATS, &[&dir.path().join("out/report.xlsx")]);
    let integer = r##"#,##0;"△ "#,##0"##;
    let one = r##"#,##0.0;"△ "#,##0.0"##;
    let expected = serde_json::json!({
        "R13": [integer, "0"],
        "R15": [integer, "7.9"],
        "R17": [integer, "0.14"],
        "R21": [one, "1.37"],
        "S15": [one, "102.9"],
    });
    assert_eq!(cells, expected);
}

/// The item sheets are fed to rust_xlsxwriter's low-memory worksheets, which ignore a write
/// to a row above the last one (saying so on stderr) and, in 0.102, write a last row with
/// cells and a height twice: every row of every written workbook must appear once, in order.
#[test]
fn every_sheet_writes_each_row_once_in_order_and_no_write_is_ignored() {
    use std::io::Read;
    let dir = with_sample();
    let ran = Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "out"])
        .ok();
    assert!(!ran.stderr.contains("Ignoring"), "{}", ran.stderr);
    let out = dir.path().join("out");
    for book in ["report.xlsx", "確認結果.xlsx", "返却/mine-r1_確認.xlsx"] {
        let bytes = std::fs::read(out.join(book)).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut sheets = 0;
        for i in 0..zip.len() {
            let mut part = zip.by_index(i).unwrap();
            let name = part.name().unwrap().to_string();
            if !name.starts_with("xl/worksheets/sheet") {
                continue;
            }
            sheets += 1;
            let mut xml = String::new();
            part.read_to_string(&mut xml).unwrap();
            let rows: Vec<u32> = xml
                .split("<row r=\"")
                .skip(1)
                .map(|s| s[..s.find('"').unwrap()].parse().unwrap())
                .collect();
            assert!(!rows.is_empty(), "{book} {name}: no rows");
            let ascending = rows.windows(2).all(|w| w[0] < w[1]);
            assert!(ascending, "{book} {name}: rows out of order or twice");
        }
        assert!(sheets >= 2, "{book}: {sheets} sheets");
    }
}
