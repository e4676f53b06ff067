//! Everything a person or a script reads, rendered from the pipeline's results: the check
//! text on the terminal, `changes.csv`, `findings.json` (SPEC §6) and the `diff` text / JSON.
//! Pure functions from data to text or bytes; writing them out is the caller's.

use crate::compare::Difference;
use crate::correct::Correction;
use crate::finding::{counts, Finding, Severity};
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

/// Prefixes ' to a text cell that a spreadsheet would run as a formula (SPEC §6).
fn escape(cell: &str) -> String {
    if cell.starts_with(['=', '+', '@', '\t']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// `changes.csv`: UTF-8 with BOM, the header row of SPEC §6, one row per change.
pub fn changes_csv(corrections: &[Correction]) -> Vec<u8> {
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
        for c in corrections {
            w.write_record(c.cells().iter().map(|s| escape(s)))
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
        let long = |s: &str| s.chars().count() > 30 || s.contains('\n');
        let at = format!("{}!{cell}{item}{ind} {}", d.sheet, d.field);
        match &d.diff {
            // A long text shows only its character diff, not both versions in full.
            Some(diff) if long(&d.old) || long(&d.new) => {
                out.push_str(&format!("{at}（差分）: {}\n", show(diff)));
            }
            Some(diff) => out.push_str(&format!(
                "{at}: {} → {}（差分: {}）\n",
                show(&d.old),
                show(&d.new),
                show(diff)
            )),
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
        let csv = String::from_utf8(changes_csv(&[c])).unwrap();
        assert!(
            csv.starts_with("\u{FEFF}file,sheet,cell,item,indicator,field,old,new,code,reason\r\n")
        );
        assert!(csv.contains(",'=1+1,-25.1,W201,'@x"), "{csv}");
    }
}
