//! Everything a person or a script reads, rendered from the pipeline's results: the check
//! text on the terminal, `changes.csv`, `findings.json` (SPEC §6) and the `diff` text / JSON.
//! Pure functions from data to text or bytes; writing them out is the caller's.

use crate::compare::Difference;
use crate::finding::{counts, Finding, Severity};
use crate::history::HistoryRow;
use serde::Serialize;
use std::collections::HashMap;

mod status;
mod tally;
pub use status::{file_statuses, fills, FileStatus};
pub use tally::{money_scale, tally, TallyRow};

/// Findings as terminal text: grouped by file and sheet, then by item № (with its name from
/// `names`), one line per finding (code, severity, cell, indicator, message), then a count by
/// severity.
pub fn check_text(findings: &[Finding], names: &HashMap<u32, String>) -> String {
    let mut out = String::new();
    let mut group: Option<(String, Option<String>)> = None;
    let mut item_group: Option<Option<u32>> = None;
    for f in findings {
        let key = (f.at.file.clone(), f.at.sheet.clone());
        if group.as_ref() != Some(&key) {
            out.push_str(&format!(
                "{}{}\n",
                key.0,
                key.1
                    .as_deref()
                    .map(|s| format!(" [{s}]"))
                    .unwrap_or_default()
            ));
            group = Some(key);
            item_group = None;
        }
        if item_group != Some(f.at.item) {
            if let Some(n) = f.at.item {
                match names.get(&n) {
                    Some(name) => out.push_str(&format!("  №{n} {name}\n")),
                    None => out.push_str(&format!("  №{n}\n")),
                }
            }
            item_group = Some(f.at.item);
        }
        let indent = if f.at.item.is_some() { "    " } else { "  " };
        let cell = f.at.a1().unwrap_or_else(|| "-".into());
        let ind =
            f.at.indicator
                .as_deref()
                .map(|s| format!(" {}", s.replace('\n', " ")))
                .unwrap_or_default();
        out.push_str(&format!(
            "{indent}{} {} {}{}: {}\n",
            f.code.as_str(),
            f.severity().label(),
            cell,
            ind,
            f.message
        ));
    }
    let (e, w, i) = counts(findings);
    out.push_str(&format!("エラー {e} 件、警告 {w} 件、情報 {i} 件\n"));
    out
}

/// A CSV cell as Excel must see it (SPEC §6): a text that Excel would read as a formula
/// (starting with = + - @, a tab or a carriage return) gets a leading `'`; plain numbers
/// (`-25.1`, `+3`) and the not-applicable marks 「-」「--」「- -」 are left as they are.
pub fn csv_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !is_plain_number(cell) && !matches!(cell, "-" | "--" | "- -") {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// An optional sign, ASCII digits, and at most one decimal point between digits.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    all_digits(int) && all_digits(frac)
}

/// `changes.csv`: UTF-8 with BOM, the header row of SPEC §6, one row per change: the cells of
/// this run's 変更履歴 rows (`rows`), the same texts the 変更履歴 sheets show.
pub fn changes_csv(rows: &[HistoryRow]) -> Vec<u8> {
    let mut out = Vec::from("\u{FEFF}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record([
            "file",
            "sheet",
            "cell",
            "item",
            "indicator",
            "field",
            "old",
            "new",
            "code",
            "reason",
        ])
        .expect("writing to memory");
        for row in rows {
            let cells = row.cells.each_ref().map(|s| csv_cell(s));
            w.write_record(cells.iter().map(|c| c.as_bytes()))
                .expect("writing to memory");
        }
        w.flush().expect("writing to memory");
    }
    out
}

/// The `findings.json` object shape (SPEC §6).
#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    severity: Severity,
    file: &'a str,
    sheet: Option<&'a str>,
    cell: Option<String>,
    item: Option<u32>,
    indicator: Option<&'a str>,
    found: Option<&'a str>,
    message: &'a str,
}

/// The findings as the JSON array of SPEC §6 (pretty-printed).
pub fn findings_json(findings: &[Finding]) -> String {
    let rows: Vec<JsonFinding> = findings
        .iter()
        .map(|f| JsonFinding {
            code: f.code.as_str(),
            severity: f.severity(),
            file: &f.at.file,
            sheet: f.at.sheet.as_deref(),
            cell: f.at.a1(),
            item: f.at.item,
            indicator: f.at.indicator.as_deref(),
            found: f.found.as_deref(),
            message: &f.message,
        })
        .collect();
    serde_json::to_string_pretty(&rows).expect("findings serialise")
}

/// The differences as terminal text, one line each, then a count.
pub fn differences_text(diffs: &[Difference]) -> String {
    let mut out = String::new();
    for d in diffs {
        let cell = d.cell.as_deref().unwrap_or("-");
        let item = d.item.map(|n| format!(" №{n}")).unwrap_or_default();
        let ind = d
            .indicator
            .as_deref()
            .map(|s| format!(" {}", s.replace('\n', " ")))
            .unwrap_or_default();
        let show = |s: &str| {
            if s.is_empty() {
                "（空欄）".to_string()
            } else {
                s.replace('\n', "⏎")
            }
        };
        let at = format!("{}!{cell}{item}{ind} {}", d.sheet, d.field);
        match &d.diff {
            // A text change reads 「旧」→「新」 (a long text: its changed runs only).
            Some(diff) => out.push_str(&format!("{at}: {}\n", diff.replace('\n', "⏎"))),
            None => out.push_str(&format!("{at}: {} → {}\n", show(&d.old), show(&d.new))),
        }
    }
    if diffs.is_empty() {
        out.push_str("違いはありません\n");
    } else {
        out.push_str(&format!("違い {} 件\n", diffs.len()));
    }
    out
}

/// The differences as the pretty-printed JSON array of `diff --format json`.
pub fn differences_json(diffs: &[Difference]) -> String {
    serde_json::to_string_pretty(diffs).expect("differences serialise")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::correct::Correction;
    use crate::finding::{Code, Location};

    #[test]
    fn csv_escapes_formula_starts_but_not_negative_numbers() {
        let mut c = Correction {
            finding: Finding::new(Code::DerivedDiffers, Location::default(), None, &[]),
            field: "実施効果".into(),
            old: "=1+1".into(),
            new: "-25.1".into(),
        };
        c.finding.message = "@x".into();
        let rows = crate::correct::history(Vec::new(), &[c]);
        let csv = String::from_utf8(changes_csv(&rows)).unwrap();
        assert!(
            csv.starts_with("\u{FEFF}file,sheet,cell,item,indicator,field,old,new,code,reason\r\n")
        );
        assert!(csv.contains(",'=1+1,-25.1,W201,'@x"), "{csv}");
    }

    #[test]
    fn csv_cell_escapes_every_formula_start() {
        for (text, want) in [
            ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+A1", "'+A1"),
            ("@A1", "'@A1"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("-A1", "'-A1"),
            ("-1e5", "'-1e5"),
            ("-.5", "'-.5"),
            ("-1.", "'-1."),
            ("--1", "'--1"),
        ] {
            assert_eq!(csv_cell(text), want, "{text:?}");
        }
        for plain in [
            "-", "--", "- -", "-25.1", "+3", "-0", "12.5", "研修", "", "△5", "－",
        ] {
            assert!(
                matches!(csv_cell(plain), std::borrow::Cow::Borrowed(_)),
                "{plain:?} is left as it is"
            );
        }
    }
}
