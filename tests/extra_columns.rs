//! A column the layout does not know (issue 10, part 2): a 備考 column at the right of the
//! sample's 大分類1, written by openpyxl, is read into the items and comes back to the
//! department on each item's № cell in its return workbook (read back with openpyxl).

use crate::fixture::{python, sample, Run};
use std::path::Path;

/// Copies the sample (argv 1) to argv 2 with 備考 in Y4 and notes for items 1 (Y5) and 3 (Y13).
pub const ADD_REMARKS: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["大分類1"]
ws["Y4"] = "備考"
ws["Y5"] = "前年度から継続"
ws["Y13"] = "要確認"
wb.save(sys.argv[2])
print("{}")
"#;

/// The notes of column A on 大分類1 of a return workbook: cell → note.
const NOTES: &str = r#"
import json, sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1])["大分類1"]
print(json.dumps({c.coordinate: c.comment.text for c in ws["A"] if c.comment}, ensure_ascii=False))
"#;

/// The sample with the 備考 column, as `dir/remarks.xlsx`.
pub fn with_remarks(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("remarks.xlsx");
    python(ADD_REMARKS, &[&sample(), &path]);
    path
}

#[test]
fn a_remarks_column_comes_back_on_the_item_numbers_of_the_return_workbook() {
    let dir = tempfile::tempdir().unwrap();
    with_remarks(dir.path());
    Run::new(dir.path())
        .args(&["report", "remarks.xlsx", "--out", "out"])
        .completes();
    let findings = std::fs::read_to_string(dir.path().join("out/findings.json")).unwrap();
    assert!(!findings.contains("\"W216\""), "{findings}");
    let notes = python(NOTES, &[&dir.path().join("out/返却/remarks_確認.xlsx")]);
    assert_eq!(notes["A5"], "備考: 前年度から継続", "{notes}");
    assert_eq!(notes["A13"], "備考: 要確認", "{notes}");
    assert_eq!(notes.as_object().unwrap().len(), 2, "{notes}");
}
