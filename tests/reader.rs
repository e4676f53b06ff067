//! The reader's own finding codes (issue 9): one small workbook per code, each holding exactly
//! that layout problem; the code, the cell and the message are asserted. The base is №55
//! ふるさと納税 of the corrected sample written by shinchoku (sheet 大分類3, header rows 3–4,
//! item rows 5–6: A № … I 項目, J 区分, K 29基準, L–P R1–R5, Q 合計, R–T, U 達成状況,
//! V 評価, W 年度実績, X 年度計画).

use crate::fixture::{
    defaults, inline_cell, python, repack, replace_cell, small_report, workbook_bytes,
};
use shinchoku::finding::{Code, Finding};

const SHEET: &str = "xl/worksheets/sheet1.xml";

/// The base workbook with its sheet XML edited by `edit`.
fn edited(edit: impl Fn(String) -> String) -> Vec<u8> {
    let bytes = workbook_bytes(&small_report(&[55]));
    repack(&bytes, None, &|name, data| {
        if name == SHEET {
            edit(String::from_utf8(data).unwrap()).into_bytes()
        } else {
            data
        }
    })
}

/// Rows appended below the table (`cells` as (A1, inline text)), in row order.
fn with_rows(xml: String, cells: &[(&str, &str)]) -> String {
    let mut rows = String::new();
    let mut by_row: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
    for (a1, text) in cells {
        let row: u32 = a1
            .trim_start_matches(|c: char| c.is_ascii_uppercase())
            .parse()
            .unwrap();
        by_row.entry(row).or_default().push(inline_cell(a1, text));
    }
    for (r, cs) in by_row {
        rows.push_str(&format!("<row r=\"{r}\">{}</row>", cs.concat()));
    }
    xml.replacen("</sheetData>", &format!("{rows}</sheetData>"), 1)
}

fn findings_with(bytes: &[u8], common: &shinchoku::settings::Settings) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.xlsx");
    std::fs::write(&path, bytes).unwrap();
    shinchoku::process(&[path], common)
        .expect("the small workbook reads")
        .findings
}

fn findings(bytes: &[u8]) -> Vec<Finding> {
    findings_with(bytes, &defaults())
}

/// The one finding with `code`, with its cell and message asserted.
fn one(findings: &[Finding], code: Code, cell: &str, message: &str) -> Finding {
    let hits: Vec<&Finding> = findings.iter().filter(|f| f.code == code).collect();
    assert_eq!(hits.len(), 1, "{}: {findings:#?}", code.as_str());
    assert_eq!(hits[0].at.a1().as_deref(), Some(cell), "{:#?}", hits[0]);
    assert_eq!(hits[0].message, message, "{:#?}", hits[0]);
    hits[0].clone()
}

#[test]
fn the_base_workbook_reads_without_a_finding() {
    let f = findings(&edited(|x| x));
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn e109_ambiguous_label() {
    // An office layout that lists 評価 under 達成状況 as well: the 評価 cell reads as both.
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("layout.toml");
    let text = shinchoku::layout::DEFAULT_LAYOUT.replace(
        "status = [\"達成状況\"]",
        "status = [\"達成状況\", \"評価\"]",
    );
    std::fs::write(&layout, text).unwrap();
    let common = shinchoku::settings::Settings::load(Some(&layout), None).unwrap();
    let f = findings_with(&edited(|x| x), &common);
    one(
        &f,
        Code::AmbiguousLabel,
        "V3",
        "見出し「評価」は「達成状況」とも「評価」とも読めるため、どちらの列にもしませんでした",
    );
}

#[test]
fn e110_bad_item_no() {
    for (value, cell) in [
        ("0", "<c r=\"A5\"><v>0</v></c>"),
        ("5.5", "<c r=\"A5\"><v>5.5</v></c>"),
    ] {
        let f = findings(&edited(|x| replace_cell(&x, "A5", cell)));
        let e = one(
            &f,
            Code::BadItemNo,
            "A5",
            &format!("項目№「{value}」は1以上の整数ではありません"),
        );
        assert_eq!(e.found.as_deref(), Some(value));
    }
}

#[test]
fn e111_year_outside_plan() {
    for label in ["H30", "2019年度", "平成29年度"] {
        let f = findings(&edited(|x| {
            replace_cell(&x, "L4", &inline_cell("L4", label))
        }));
        one(
            &f,
            Code::YearOutsidePlan,
            "L4",
            &format!("見出し「{label}」の年度は計画期間（R1〜R5＝令和元年度〜令和5年度）の外です。この列は報告書に入っていません"),
        );
        // The column's cells are named too (the header cell by the E111), never lost silently.
        one(
            &f,
            Code::ColumnNotRead,
            "L5",
            &format!("列L（見出し「{label}」）の2個のセル（L5:L6）は報告書に入っていません"),
        );
    }
}

#[test]
fn w216_column_not_read() {
    let f = findings(&edited(|x| {
        // Texts right of the table in both item rows, under no header label (a labelled
        // column is carried: I328).
        let x = insert_cell(&x, 5, &inline_cell("Y5", "継続"));
        insert_cell(&x, 6, &inline_cell("Y6", "要確認"))
    }));
    one(
        &f,
        Code::ColumnNotRead,
        "Y5",
        "列Y（見出し「なし」）の2個のセル（Y5:Y6）は報告書に入っていません",
    );
}

/// `cell` appended at the end of row `row`.
fn insert_cell(xml: &str, row: u32, cell: &str) -> String {
    let start = xml.find(&format!("<row r=\"{row}\"")).expect("the row");
    let end = start + xml[start..].find("</row>").unwrap();
    format!("{}{cell}{}", &xml[..end], &xml[end..])
}

#[test]
fn w217_note_not_read() {
    // A footnote under the table and a 計 line: notes, never an item or an action.
    let f = findings(&edited(|x| {
        with_rows(x, &[("B8", "計"), ("L8", "123"), ("A10", "※ 速報値です")])
    }));
    let notes: Vec<&Finding> = f.iter().filter(|f| f.code == Code::NoteNotRead).collect();
    assert_eq!(notes.len(), 2, "{f:#?}");
    assert_eq!(notes[0].at.a1().as_deref(), Some("B8"));
    assert_eq!(
        notes[0].message,
        "表の外や項目の後の記入「計」など2個のセル（B8:L8）は報告書に入っていません"
    );
    assert_eq!(
        notes[1].message,
        "表の外や項目の後の記入「※ 速報値です」など1個のセル（A10）は報告書に入っていません"
    );
    assert!(f.iter().all(|f| f.code != Code::MissingItemNo), "{f:#?}");
}

#[test]
fn w218_unnamed_indicator_row() {
    // Numbers typed in a row below the indicator, without 項目 or 区分.
    let f = findings(&edited(|x| {
        let x = x.replace("<mergeCell ref=\"A5:A6\"/>", "<mergeCell ref=\"A5:A8\"/>");
        let rows = "<row r=\"7\"><c r=\"K7\"><v>10</v></c><c r=\"L7\"><v>12</v></c></row>";
        x.replacen("</sheetData>", &format!("{rows}</sheetData>"), 1)
    }));
    one(
        &f,
        Code::UnnamedIndicatorRow,
        "K7",
        "成果指標の項目名と区分が空欄の行に数値が入力されています（2個のセル、K7:L7）。この行は報告書に入っていません",
    );
}

#[test]
fn i308_furniture_not_read() {
    // A title line of the office above the table.
    let f = findings(&edited(|x| {
        insert_cell(&x, 1, &inline_cell("M1", "（所管課記入用）"))
    }));
    one(
        &f,
        Code::FurnitureNotRead,
        "M1",
        "表題や見出しなど様式の記入「（所管課記入用）」など1個のセル（M1）は報告書に入っていません",
    );
}

#[test]
fn i309_swapped_rows() {
    // 区分 says 実績 above 目標: the pair is read by its labels, not by position.
    let f = findings(&edited(|x| {
        let x = replace_cell(&x, "J5", &inline_cell("J5", "実績"));
        replace_cell(&x, "J6", &inline_cell("J6", "目標"))
    }));
    one(
        &f,
        Code::SwappedRows,
        "J5",
        "区分の表示どおり、6行目を目標、5行目を実績として読みました（実績行が目標行より上にあります）",
    );
}

/// The base workbook with its parts edited by `edit` (by part name) and `added` parts appended.
fn with_parts(edit: &dyn Fn(&str, String) -> String, added: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let bytes = workbook_bytes(&small_report(&[55]));
    let bytes = repack(&bytes, None, &|name, data| {
        edit(name, String::from_utf8(data).unwrap()).into_bytes()
    });
    let mut zip = zip::ZipWriter::new_append(std::io::Cursor::new(bytes)).unwrap();
    for (name, text) in added {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The one finding with `code`, on sheet `sheet` (or the whole file) without a cell.
fn one_without_cell(findings: &[Finding], code: Code, sheet: Option<&str>, message: &str) {
    let hits: Vec<&Finding> = findings.iter().filter(|f| f.code == code).collect();
    assert_eq!(hits.len(), 1, "{}: {findings:#?}", code.as_str());
    assert_eq!(hits[0].at.sheet.as_deref(), sheet, "{:#?}", hits[0]);
    assert_eq!(hits[0].at.a1(), None, "{:#?}", hits[0]);
    assert_eq!(hits[0].message, message, "{:#?}", hits[0]);
}

/// A second sheet 「大分類3(前回)」 (`state`: its visibility attribute) on the part of relationship
/// `rid` (the base workbook's rId1 is its only sheet).
fn second_sheet(name: &str, xml: String, state: &str, rid: &str) -> String {
    if name == "xl/workbook.xml" {
        xml.replace(
            "</sheets>",
            &format!(
                "<sheet name=\"大分類3(前回)\" sheetId=\"9\"{state} r:id=\"{rid}\"/></sheets>"
            ),
        )
    } else {
        xml
    }
}

#[test]
fn w235_sheet_not_worksheet() {
    // A chart sheet is skipped with a finding: the file is still read (not refused as broken).
    let bytes = with_parts(
        &|name, xml| {
            let xml = second_sheet(name, xml, "", "rId99");
            if name == "xl/_rels/workbook.xml.rels" {
                xml.replace(
                    "</Relationships>",
                    "<Relationship Id=\"rId99\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>",
                )
            } else {
                xml
            }
        },
        &[],
    );
    let f = findings(&bytes);
    one_without_cell(
        &f,
        Code::SheetNotWorksheet,
        Some("大分類3(前回)"),
        "グラフのシートは読み飛ばしました。このシートは報告書に入っていません",
    );
}

#[test]
fn w236_hidden_sheet_skipped() {
    // A veryHidden stale copy is not published; shinchoku's own 変更履歴 is read silently (the
    // base workbook reads without a finding).
    let f = findings(&with_parts(
        &|name, xml| second_sheet(name, xml, " state=\"veryHidden\"", "rId1"),
        &[],
    ));
    one_without_cell(
        &f,
        Code::HiddenSheetSkipped,
        Some("大分類3(前回)"),
        "完全に非表示（veryHidden）のシートは公開する報告書に表示しないため読み飛ばしました。このシートの内容は報告書に入っていません",
    );
}

#[test]
fn i325_comments_read() {
    // Comments resolve sheet → rels (a `../` target) → comments part, and are kept with their cell.
    let comments = "<?xml version=\"1.0\"?><comments xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><authors><author>財政課</author></authors><commentList><comment ref=\"V5\" authorId=\"0\"><text><r><t>担当課に確認済み</t></r></text></comment></commentList></comments>";
    let rels = "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments\" Target=\"../comments1.xml\"/></Relationships>";
    let bytes = with_parts(
        &|_, x| x,
        &[
            ("xl/comments1.xml", comments),
            ("xl/worksheets/_rels/sheet1.xml.rels", rels),
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    let input =
        shinchoku::read::read_workbook(&path, &shinchoku::layout::Layout::builtin()).unwrap();
    assert_eq!(input.comments.len(), 1);
    assert_eq!(input.comments[0].0.a1(), "V5");
    assert_eq!(input.comments[0].1, "担当課に確認済み");
    let sheet = input.comments[0].0.sheet.to_string();
    one_without_cell(
        &input.findings,
        Code::CommentsRead,
        None,
        &format!("セルのコメント1件（{sheet}!V5）を読み取りました。公開する報告書には載りません"),
    );
}

#[test]
fn i326_extra_not_in_report() {
    // A defined name of the department (print areas are the layout's own and say nothing).
    let bytes = with_parts(
        &|name, xml| {
            if name == "xl/workbook.xml" {
                xml.replace(
                    "<definedNames>",
                    "<definedNames><definedName name=\"集計範囲\">大分類3!$A$5:$A$6</definedName>",
                )
            } else {
                xml
            }
        },
        &[],
    );
    let f = findings(&bytes);
    one_without_cell(
        &f,
        Code::ExtraNotInReport,
        None,
        "このブックの名前の定義（集計範囲）は報告書に入っていません",
    );
}

#[test]
fn a_relationship_target_with_a_dot_segment_resolves() {
    // 「./worksheets/sheet1.xml」 (written so by some tools) is the same part: read, no finding.
    let bytes = with_parts(
        &|name, xml| {
            if name == "xl/_rels/workbook.xml.rels" {
                xml.replace("Target=\"worksheets/", "Target=\"./worksheets/")
            } else {
                xml
            }
        },
        &[],
    );
    let f = findings(&bytes);
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn w237_text_too_long() {
    // A 40,000-character 年度実績 (possible from LibreOffice or openpyxl) is named.
    let long = "あ".repeat(40_000);
    let f = findings(&edited(|x| {
        replace_cell(&x, "W5", &inline_cell("W5", &long))
    }));
    one(
        &f,
        Code::TextTooLong,
        "W5",
        "年度実績の文章が40000文字あり、Excelの1つのセルに入る32,767文字を超えています。報告書のセルには全文が入りません",
    );
}

#[test]
fn i320_excel_lock_file_is_skipped_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("総務課.xlsx");
    std::fs::write(&book, workbook_bytes(&small_report(&[55]))).unwrap();
    let lock = dir.path().join("~$総務課.xlsx");
    std::fs::write(&lock, b"\x0bowner name").unwrap();
    let o = shinchoku::process(&[book, lock.clone()], &defaults()).unwrap();
    let f: Vec<&Finding> = o
        .findings
        .iter()
        .filter(|f| f.code == Code::LockFileSkipped)
        .collect();
    assert_eq!(f.len(), 1, "{:#?}", o.findings);
    assert_eq!(f[0].at.file, lock.display().to_string());
    assert_eq!(
        f[0].message,
        "Excelの一時ファイル（~$で始まる名前）を読み飛ばしました。元のブックがExcelで開かれている可能性があります"
    );
}

#[test]
fn csv_pdf_and_ods_are_named_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let mut ods = b"PK\x03\x04".to_vec();
    ods.resize(30, 0);
    ods.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet");
    let cases: [(&str, &[u8], &str); 3] = [
        ("a.csv", "№,実施計画\n1,x\n".as_bytes(), "CSVファイルです。"),
        ("a.pdf", b"%PDF-1.7\n\xff\xfe", "PDFファイルです。"),
        (
            "a.ods",
            &ods,
            "OpenDocument（.ods）のブックです。ExcelやLibreOfficeで",
        ),
    ];
    for (name, bytes, said) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let e = shinchoku::read::read_workbook(&path, &defaults().layout).unwrap_err();
        let msg = e.to_string();
        assert!(msg.starts_with("E004 "), "{msg}");
        assert!(msg.contains(said), "{msg}");
        assert!(
            msg.ends_with("ブック（.xlsx）として保存してから指定してください"),
            "{msg}"
        );
    }
}

/// Items №54 and №55 in one table of 大分類3 (header rows 3–4, №54 in rows 5–8, №55 in rows
/// 9–10) with the manual row breaks `ids` (Excel's `<brk id>`: the last row before the break).
fn with_breaks(ids: &[u32]) -> Vec<u8> {
    let bytes = workbook_bytes(&small_report(&[54, 55]));
    repack(&bytes, None, &|name, data| {
        let xml = String::from_utf8(data).unwrap();
        if name != SHEET {
            return xml.into_bytes();
        }
        assert!(!xml.contains("<rowBreaks"), "two items fit one page");
        let brks: String = ids
            .iter()
            .map(|i| format!(r#"<brk id="{i}" max="16383" man="1"/>"#))
            .collect();
        let n = ids.len();
        let breaks = format!(r#"<rowBreaks count="{n}" manualBreakCount="{n}">{brks}</rowBreaks>"#);
        xml.replacen("</worksheet>", &format!("{breaks}</worksheet>"), 1)
            .into_bytes()
    })
}

/// The outcome of reading `bytes`: the items' (№, first row 1-based, page break) and findings.
fn read_breaks(bytes: &[u8]) -> (Vec<(u32, u32, bool)>, shinchoku::Outcome) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.xlsx");
    std::fs::write(&path, bytes).unwrap();
    let outcome = shinchoku::process(&[path], &defaults()).expect("the small workbook reads");
    let items = outcome
        .output
        .items()
        .map(|(_, i)| {
            let row = i.at.as_ref().unwrap().row + 1;
            (i.number().unwrap(), row, i.page_break)
        })
        .collect();
    (items, outcome)
}

#[test]
fn w243_break_inside_item() {
    // A page would start at row 7, inside №54's rows 5–8: named, not carried.
    let (items, outcome) = read_breaks(&with_breaks(&[6]));
    assert_eq!(items, [(54, 5, false), (55, 9, false)]);
    let f = one(
        &outcome.findings,
        Code::BreakInsideItem,
        "A7",
        "7行目の上の改ページが項目の途中にあります。この改ページは使わず、報告書の改ページは項目の間に置きます",
    );
    assert_eq!(f.at.item, Some(54));
    assert!(!outcome
        .findings
        .iter()
        .any(|f| f.code == Code::BreakAfterItems));
}

#[test]
fn i335_break_after_items() {
    let (items, outcome) = read_breaks(&with_breaks(&[20]));
    assert_eq!(items, [(54, 5, false), (55, 9, false)]);
    one(
        &outcome.findings,
        Code::BreakAfterItems,
        "A21",
        "21行目の上の改ページは最後の項目より後にあるため、報告書には使いません",
    );
}

#[test]
fn breaks_between_items_and_above_a_heading_are_carried_into_the_report() {
    // A page starting at the 小分類 heading (row 2) puts it with №54; one at row 9 starts №55.
    let (items, outcome) = read_breaks(&with_breaks(&[1, 8]));
    assert_eq!(items, [(54, 5, true), (55, 9, true)]);
    assert!(
        outcome
            .findings
            .iter()
            .all(|f| !matches!(f.code, Code::BreakInsideItem | Code::BreakAfterItems)),
        "{:#?}",
        outcome.findings
    );
    // Written again, the report keeps the break before №55 (the sheet's first page needs none).
    let again = workbook_bytes(&outcome.output);
    let (items, _) = read_breaks(&again);
    assert_eq!(items, [(54, 5, false), (55, 9, true)]);
}

#[test]
fn w238_hidden_rows_not_read() {
    // A stale indicator hidden in two rows under №55's: named, not read as a second indicator.
    let f = findings(&edited(|x| {
        let x = x.replace("<mergeCell ref=\"A5:A6\"/>", "<mergeCell ref=\"A5:A8\"/>");
        let rows = format!(
            "<row r=\"7\" hidden=\"1\">{}{}<c r=\"K7\"><v>10</v></c></row><row r=\"8\" hidden=\"1\">{}<c r=\"K8\"><v>9</v></c></row>",
            inline_cell("I7", "旧指標(件)"),
            inline_cell("J7", "目標"),
            inline_cell("J8", "実績")
        );
        x.replacen("</sheetData>", &format!("{rows}</sheetData>"), 1)
    }));
    one(
        &f,
        Code::HiddenRowsNotRead,
        "I7",
        "非表示の行（7〜8行目）の5個のセル（I7:K8）は、公開する報告書に表示しないため読み取りませんでした。この行の内容は報告書に入っていません",
    );
    assert_eq!(f.len(), 1, "{f:#?}");
}

/// Moves the cells and merges of sheet 2 to column AA of sheet 1 (openpyxl), removing sheet 2.
const BESIDE: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
a, b = wb.worksheets[0], wb.worksheets[1]
for row in b.iter_rows():
    for c in row:
        if c.value is not None:
            a.cell(c.row, c.column + 26, c.value)
for m in b.merged_cells.ranges:
    a.merge_cells(start_row=m.min_row, start_column=m.min_col + 26, end_row=m.max_row, end_column=m.max_col + 26)
wb.remove(b)
wb.save(sys.argv[1])
print(json.dumps([a.title, b.title]))
"#;

#[test]
fn i327_second_table_beside_the_first() {
    // №1 (大分類1) and №55 (大分類3) on one sheet, side by side: two tables, never merged.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("beside.xlsx");
    std::fs::write(&path, workbook_bytes(&small_report(&[1, 55]))).unwrap();
    let names = python(BESIDE, &[&path]);
    assert_eq!(names, serde_json::json!(["大分類1", "大分類3"]));
    let o = shinchoku::process(&[path], &defaults()).unwrap();
    one(
        &o.findings,
        Code::SecondTable,
        "AA3",
        "AA3から始まる表を、A3の表とは別の表として読みました（報告書では大分類3のシートに入れます）",
    );
    let sheets: Vec<(&str, Vec<u32>)> = o
        .output
        .sheets
        .iter()
        .map(|s| {
            let n = s.sections.iter().flat_map(|c| &c.items);
            (s.name.as_str(), n.filter_map(|i| i.number()).collect())
        })
        .collect();
    assert_eq!(sheets, vec![("大分類1", vec![1]), ("大分類3", vec![55])]);
    // The same figures as the two tables apart.
    let apart = shinchoku::process(&[write_small(&dir, &[1, 55])], &defaults()).unwrap();
    assert_eq!(items(&o.output), items(&apart.output));
    let stray = [
        Code::ColumnNotRead,
        Code::NoteNotRead,
        Code::FurnitureNotRead,
    ];
    assert!(
        o.findings.iter().all(|f| !stray.contains(&f.code)),
        "{:#?}",
        o.findings
    );
}

fn write_small(dir: &tempfile::TempDir, numbers: &[u32]) -> std::path::PathBuf {
    let path = dir.path().join("apart.xlsx");
    std::fs::write(&path, workbook_bytes(&small_report(numbers))).unwrap();
    path
}

/// Every item's №, indicators' names and figures, without provenance.
fn items(report: &shinchoku::model::Report) -> Vec<String> {
    report
        .items()
        .map(|(_, i)| {
            let ind: Vec<String> = i
                .indicators
                .iter()
                .map(|d| {
                    let t: Vec<String> =
                        d.targets.iter().map(|f| format!("{:?}", f.value)).collect();
                    let a: Vec<String> =
                        d.actuals.iter().map(|f| format!("{:?}", f.value)).collect();
                    format!("{}|{}|{}", d.name.as_str(), t.join(","), a.join(","))
                })
                .collect();
            format!(
                "{:?} {} {} {}",
                i.number(),
                i.name.as_str(),
                i.grade.as_str(),
                ind.join(";")
            )
        })
        .collect()
}

/// The sample with cells set by openpyxl (`tests/py/fill_cells.py`), saved as `out`.
fn filled(dir: &std::path::Path, out: &str, cells: &[&str]) -> std::path::PathBuf {
    let fill = std::process::Command::new("python3")
        .arg(crate::fixture::root().join("tests/py/fill_cells.py"))
        .arg(dir.join("mine-r1.xlsx"))
        .arg(dir.join(out))
        .args(cells)
        .output()
        .unwrap();
    assert!(fill.status.success(), "{:?}", crate::fixture::text(&fill));
    dir.join(out)
}

/// Every number-column value of a report, in order (what the report prints).
fn figures(report: &shinchoku::model::Report) -> Vec<shinchoku::value::Value> {
    report
        .indicators()
        .flat_map(|(_, ind)| {
            [&ind.base, &ind.target_total, &ind.actual_total, &ind.effect]
                .into_iter()
                .chain([&ind.rate_year, &ind.rate_total])
                .chain(ind.targets.iter().chain(ind.actuals.iter()))
                .map(|f| f.value.clone())
        })
        .collect()
}

/// A yellow fill on K5, the 入力 colour shinchoku's template uses on L5, and a link from A5 to
/// a place in the workbook (openpyxl).
const MARKED: &str = r#"
import json, sys, openpyxl
from openpyxl.styles import PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb.worksheets[0]
ws["K5"].fill = PatternFill("solid", fgColor="FFFF00")
ws["L5"].fill = PatternFill("solid", fgColor="FFCC99")
ws["A5"].hyperlink = Hyperlink(ref="A5", location="'大分類3'!V5")
wb.save(sys.argv[1])
print(json.dumps(ws.title))
"#;

#[test]
fn i326_fill_colours_and_links_in_the_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("marked.xlsx");
    std::fs::write(&path, workbook_bytes(&small_report(&[55]))).unwrap();
    python(MARKED, &[&path]);
    let f = findings(&std::fs::read(&path).unwrap());
    let messages: Vec<&str> = f
        .iter()
        .filter(|f| f.code == Code::ExtraNotInReport)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "このブックの塗りつぶしの色（1個のセル: 大分類3!K5）は報告書に入っていません",
            "このブックのブック内へのリンク（1個のセル: 大分類3!A5）は報告書に入っていません",
        ],
        "{f:#?}"
    );
}

/// Excel stores 102.9 % as 1.029 with a `0.0%` format. Written so by openpyxl into the sample's
/// №3 特別研修参加率 actual (大分類1 L16), it gives the same figures as 102.9 typed, W203 (a
/// percent actual above 100) still fires, and the scaling is a form correction: a
/// `changes.csv` row and a note in the return workbook.
#[test]
fn i321_percent_format_reads_as_the_percent_shown() {
    let dir = crate::fixture::with_sample();
    let typed = filled(dir.path(), "typed.xlsx", &["大分類1", "L16", "102.9"]);
    let pct = filled(dir.path(), "pct.xlsx", &["大分類1", "L16", "pct:1.029"]);
    let typed = shinchoku::process(&[typed], &defaults()).unwrap();
    let pct = shinchoku::process(&[pct], &defaults()).unwrap();
    assert_eq!(figures(&pct.output), figures(&typed.output));
    let at = |f: &Finding| (f.code, f.at.a1());
    let l16 = Some("L16".to_string());
    for outcome in [&typed, &pct] {
        assert!(outcome
            .findings
            .iter()
            .any(|f| at(f) == (Code::PercentOver100, l16.clone())));
    }
    let i321 = one(
        &pct.findings,
        Code::PercentFormat,
        "L16",
        "パーセントの表示形式のセル（表示「102.9%」、保存値 1.029）を数値 102.9 に修正しました",
    );
    assert_eq!(i321.at.item, Some(3));
    assert_eq!(pct.corrections.len(), typed.corrections.len() + 1);

    crate::fixture::Run::new(dir.path())
        .args(&["report", "pct.xlsx", "--out", "out"])
        .completes();
    let csv = std::fs::read_to_string(dir.path().join("out/changes.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().filter(|l| l.contains(",I321,")).collect();
    assert_eq!(rows.len(), 1, "{csv}");
    assert!(
        rows[0].starts_with("pct.xlsx,大分類1,L16,3,特別研修参加率(%),R1実績,102.9%,102.9,I321,"),
        "{}",
        rows[0]
    );
    let notes = crate::fixture::python(
        "import json,sys\nfrom openpyxl import load_workbook\n\
         c=load_workbook(sys.argv[1])['大分類1']['L16'].comment\n\
         print(json.dumps(c.text if c else None))",
        &[&dir.path().join("out/返却/pct_確認.xlsx")],
    );
    let note = notes.as_str().unwrap_or_default();
    assert!(
        note.contains("修正 R1実績: 「102.9%」→「102.9」 パーセントの表示形式のセル（表示「102.9%」、保存値 1.029）"),
        "{note}"
    );
}

/// A department's own formula typed into every 実施効果 of a file the same way (relative to its
/// row): one W230 for the file naming how many cells, each cell still in `changes.csv`.
#[test]
fn the_same_other_formula_down_a_column_is_one_w230() {
    let dir = crate::fixture::with_sample();
    let cells = [
        "大分類1",
        "R5",
        "=L6-K5+1",
        "大分類1",
        "R13",
        "=L14-K13+1",
        "大分類1",
        "R15",
        "=L16-K15+1",
    ];
    let edited = filled(dir.path(), "own.xlsx", &cells);
    let outcome = shinchoku::process(&[edited], &defaults()).unwrap();
    one(
        &outcome.findings,
        Code::FormulaReplaced,
        "R5",
        "実施効果のセルの式「=L6-K5+1」は計算規則の式ではありません（再計算値 -9 に修正）。同じ形の式がこのファイルの3個のセルにあり、すべて再計算値に修正しました",
    );
    let fixed: Vec<_> = outcome
        .corrections
        .iter()
        .filter(|c| c.code() == Code::FormulaReplaced)
        .map(|c| c.at().a1().unwrap_or_default())
        .collect();
    assert_eq!(fixed, ["R5", "R13", "R15"]);
}

#[test]
fn i328_a_remarks_column_is_read_into_the_items() {
    // 備考 at the right of 大分類1: each item's cell is a text of the item, with its label and
    // cell; one I328 names the column, its range from the header and its count.
    let dir = tempfile::tempdir().unwrap();
    let path = crate::extra_columns::with_remarks(dir.path());
    let input =
        shinchoku::read::read_workbook(&path, &shinchoku::layout::Layout::builtin()).unwrap();
    let extras: Vec<(Option<u32>, String, String, String)> = input
        .report
        .items()
        .flat_map(|(_, item)| {
            item.extras.iter().map(move |(label, t)| {
                let at = t.at.as_ref().map(|a| a.a1()).unwrap_or_default();
                (item.number(), label.clone(), t.as_str().to_string(), at)
            })
        })
        .collect();
    let want = [
        (Some(1), "備考", "前年度から継続", "Y5"),
        (Some(3), "備考", "要確認", "Y13"),
    ]
    .map(|(n, l, t, a)| (n, l.to_string(), t.to_string(), a.to_string()));
    assert_eq!(extras, want);
    assert!(input.findings.iter().all(|f| f.code != Code::ColumnNotRead));
    let i328: Vec<&Finding> = (input.findings.iter())
        .filter(|f| f.code == Code::ExtraColumns)
        .collect();
    assert_eq!(i328.len(), 1);
    assert_eq!(i328[0].at.a1().as_deref(), Some("Y4"));
    assert_eq!(
        i328[0].message,
        "表の見出しにない列（大分類1!Y4:Y13：Y列「備考」2個のセル）の内容を各項目の文章として\
         読み取りました。返却ブックでは各項目の№のセルのメモで戻しますが、公開する報告書には載りません"
    );
}
