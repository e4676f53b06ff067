//! Sheet-level reading (issue 10): which sheets of a workbook are read (by type and visibility),
//! and what an .xlsx holds beyond its cells — cell comments (read, with their cell), drawings,
//! external hyperlinks and defined names (named in one finding per kind) — found from the zip's
//! part names and its small parts (workbook, relationships, comments); and each worksheet's
//! structure around its values (merges, hidden rows, breaks, styles: [`structure`]).

use crate::finding::{Code, Finding, Location};
use calamine::{SheetType, SheetVisible};
use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read};

mod structure;
pub use structure::{sheet_structure, SheetStructure, Styles};

/// Why a sheet is not read: the finding's code and its one argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    /// W235 (not a worksheet) or W236 (hidden).
    pub code: Code,
    /// The kind of sheet, in Japanese.
    pub kind: &'static str,
}

impl Skip {
    /// The finding naming the skipped sheet `sheet` of `file`.
    pub fn finding(&self, file: &str, sheet: &str) -> Finding {
        Finding::new(
            self.code,
            Location {
                file: file.to_string(),
                sheet: Some(sheet.to_string()),
                ..Location::default()
            },
            None,
            &[self.kind],
        )
    }
}

/// Whether the sheet `name` of type `typ` and visibility `visible` is skipped, and why. Chart,
/// dialog, macro and VBA sheets hold no table; a hidden or veryHidden sheet is not published as
/// visible data — except shinchoku's own sheets (the veryHidden 変更履歴 of `report.xlsx`, the
/// veryHidden 配布時の計画 of a template).
pub fn skip(name: &str, typ: SheetType, visible: SheetVisible) -> Option<Skip> {
    let not_worksheet = |kind| {
        Some(Skip {
            code: Code::SheetNotWorksheet,
            kind,
        })
    };
    match typ {
        SheetType::WorkSheet => {}
        SheetType::ChartSheet => return not_worksheet("グラフ"),
        SheetType::DialogSheet => return not_worksheet("ダイアログ"),
        SheetType::MacroSheet => return not_worksheet("マクロ"),
        SheetType::Vba => return not_worksheet("VBAモジュール"),
    }
    if crate::own::sheet(name).is_some() {
        return None;
    }
    let hidden = |kind| {
        Some(Skip {
            code: Code::HiddenSheetSkipped,
            kind,
        })
    };
    match visible {
        SheetVisible::Visible => None,
        SheetVisible::Hidden => hidden("非表示"),
        SheetVisible::VeryHidden => hidden("完全に非表示（veryHidden）"),
    }
}

/// Excel's limit on the characters of one cell.
pub const MAX_CELL_CHARS: usize = 32_767;

/// W237 for every text of an item longer than Excel's cell limit (LibreOffice and openpyxl
/// write longer ones): the report cannot hold the whole text.
pub fn long_texts(report: &crate::model::Report) -> Vec<Finding> {
    let mut out = Vec::new();
    for (_, item) in report.items() {
        let texts = [
            ("実施計画", &item.name),
            ("年度実績", &item.results),
            ("年度計画", &item.plan),
        ];
        for (label, field) in texts {
            let n = field.as_str().chars().count();
            if let (true, Some(at)) = (n > MAX_CELL_CHARS, &field.at) {
                out.push(Finding::new(
                    Code::TextTooLong,
                    Location::cell(at, item.number(), None),
                    None,
                    &[label, &n.to_string()],
                ));
            }
        }
    }
    out
}

/// What an .xlsx holds beyond its cells.
#[derive(Debug, Default)]
pub struct Extras {
    /// Cell comments by sheet name: (0-based row, col, text), in the order of their part.
    pub comments: BTreeMap<String, Vec<(u32, u32, String)>>,
    /// Kinds of content with no place in the report ("図・グラフ・画像" …) and what shows it.
    pub kinds: Vec<(&'static str, String)>,
    /// Each worksheet's merges, hidden rows, manual breaks, cell styles and hyperlinks, by name.
    pub structures: HashMap<String, SheetStructure>,
    /// The workbook's cell styles (number formats, fills).
    pub styles: Styles,
    /// The text of `dcterms:modified` in `docProps/core.xml`: when the workbook was saved.
    pub modified: Option<String>,
}

/// Comments, drawings, external hyperlinks and defined names of the zip `bytes` (already passed
/// by `guard::check_xlsx`, so every part is within its size limits). A part that cannot be read
/// is passed over: this scan never refuses a workbook calamine can read.
pub fn scan(bytes: &[u8]) -> Extras {
    let mut extras = Extras::default();
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return extras;
    };
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let mut part = |name: &str| -> Option<String> {
        let mut f = zip.by_name(name).ok()?;
        if f.size() > crate::guard::MAX_PART {
            return None;
        }
        let mut s = String::new();
        f.read_to_string(&mut s).ok()?;
        Some(s)
    };
    extras.modified = part("docProps/core.xml").and_then(|xml| core_modified(&xml));
    let workbook = part("xl/workbook.xml").unwrap_or_default();
    extras.styles = Styles::parse(&part("xl/styles.xml").unwrap_or_default());
    let book_rels = rels(
        &part("xl/_rels/workbook.xml.rels").unwrap_or_default(),
        "xl/",
    );
    let mut hyperlinks = 0;
    for tag in tags(&workbook, "sheet") {
        let (Some(sheet), Some(id)) = (attr(tag, "name"), attr_suffix(tag, ":id")) else {
            continue;
        };
        let Some((_, target)) = book_rels.get(&id) else {
            continue;
        };
        if let Some(xml) = part(target) {
            extras
                .structures
                .insert(unescape(sheet), sheet_structure(&xml));
        }
        let (dir, file) = target.rsplit_once('/').unwrap_or(("", target));
        let sheet_rels = rels(
            &part(&format!("{dir}/_rels/{file}.rels")).unwrap_or_default(),
            &format!("{dir}/"),
        );
        for (typ, target) in sheet_rels.values() {
            if typ.ends_with("/hyperlink") {
                hyperlinks += 1;
            } else if typ.ends_with("/comments") {
                let text = part(target).unwrap_or_default();
                let list = comments(&text);
                if !list.is_empty() {
                    extras
                        .comments
                        .entry(unescape(sheet))
                        .or_default()
                        .extend(list);
                }
            }
        }
    }
    let drawings = names
        .iter()
        .filter(|n| {
            (n.starts_with("xl/drawings/") && n.ends_with(".xml") && !n.contains("/_rels/"))
                || n.starts_with("xl/charts/")
                || n.starts_with("xl/media/")
        })
        .count();
    if drawings > 0 {
        extras
            .kinds
            .push(("図・グラフ・画像", format!("{drawings}個の部品")));
    }
    if hyperlinks > 0 {
        extras
            .kinds
            .push(("ハイパーリンク", format!("{hyperlinks}個")));
    }
    // Print areas and titles (`_xlnm.`) are the layout's own; other names are the department's.
    let defined: Vec<String> = tags(&workbook, "definedName")
        .filter_map(|t| attr(t, "name"))
        .filter(|n| !n.starts_with("_xlnm."))
        .map(unescape)
        .collect();
    if !defined.is_empty() {
        extras.kinds.push(("名前の定義", defined.join("、")));
    }
    extras
}

/// The opening tags `<name …>` of `xml` (their attribute text).
fn tags<'x>(xml: &'x str, name: &'x str) -> impl Iterator<Item = &'x str> + 'x {
    let open = format!("<{name}");
    let len = open.len();
    let starts: Vec<usize> = xml.match_indices(open.as_str()).map(|(at, _)| at).collect();
    starts.into_iter().filter_map(move |at| {
        let rest = &xml[at + len..];
        if !rest.starts_with([' ', '\t', '\n', '\r', '>', '/']) {
            return None;
        }
        rest.find('>').map(|end| &rest[..end])
    })
}

/// The value of attribute `name` in a tag's attribute text, borrowed from it (the scan runs
/// this for every cell tag: no allocation).
fn attr<'t>(tag: &'t str, name: &str) -> Option<&'t str> {
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let at = from + i;
        let Some(rest) = tag[at + name.len()..].strip_prefix('=') else {
            from = at + 1;
            continue;
        };
        if at == 0 || tag[..at].ends_with(char::is_whitespace) {
            let quote = rest.chars().next()?;
            let body = &rest[quote.len_utf8()..];
            return body.find(quote).map(|end| &body[..end]);
        }
        from = at + name.len();
    }
    None
}

/// The value of the first attribute whose name ends with `suffix` (`r:id` in any prefix).
fn attr_suffix(tag: &str, suffix: &str) -> Option<String> {
    let at = tag.find(&format!("{suffix}="))?;
    let rest = &tag[at + suffix.len() + 1..];
    let quote = rest.chars().next()?;
    let body = &rest[1..];
    body.find(quote).map(|end| body[..end].to_string())
}

/// A relationships part: Id → (Type, target resolved against `base`, `./` and `../` applied).
fn rels(xml: &str, base: &str) -> BTreeMap<String, (String, String)> {
    tags(xml, "Relationship")
        .filter_map(|t| {
            let id = attr(t, "Id")?.to_string();
            let typ = attr(t, "Type")?.to_string();
            let target = attr(t, "Target")?;
            let external = attr(t, "TargetMode").is_some_and(|m| m == "External");
            let path = if external {
                target.to_string()
            } else {
                resolve(base, target)
            };
            Some((id, (typ, path)))
        })
        .collect()
}

const BOOK_RELS: &str = "xl/_rels/workbook.xml.rels";

/// The zip `bytes` with the workbook's relationship targets written from the root when one of
/// them holds a `.` or `..` segment ("./worksheets/sheet2.xml", which calamine looks up as
/// "xl/./worksheets/sheet2.xml" and does not find). Every other workbook is returned as it is,
/// without a copy; so is one whose parts cannot be copied (calamine then says what is wrong).
pub fn normalised(bytes: Vec<u8>) -> Vec<u8> {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes.as_slice())) else {
        return bytes;
    };
    let Some(rels) = zip.by_name(BOOK_RELS).ok().and_then(|mut f| {
        let mut s = String::new();
        (f.size() <= crate::guard::MAX_PART && f.read_to_string(&mut s).is_ok()).then_some(s)
    }) else {
        return bytes;
    };
    let dotted = |t: &str| t.starts_with("./") || t.starts_with("../") || t.contains("/./");
    let mut fixed = rels.clone();
    for tag in tags(&rels, "Relationship") {
        let external = attr(tag, "TargetMode").is_some_and(|m| m == "External");
        if let Some(target) = attr(tag, "Target").filter(|t| !external && dotted(t)) {
            let root = format!("/{}", resolve("xl/", target));
            fixed = fixed.replace(
                &format!("Target=\"{target}\""),
                &format!("Target=\"{root}\""),
            );
        }
    }
    if fixed == rels {
        return bytes;
    }
    copy_with(&mut zip, BOOK_RELS, &fixed).unwrap_or(bytes)
}

/// A copy of `zip` with the part `name` replaced by `text` (every other part copied raw).
fn copy_with(zip: &mut zip::ZipArchive<Cursor<&[u8]>>, name: &str, text: &str) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).ok()?;
        if part.name().is_ok_and(|n| n == name) {
            continue;
        }
        out.raw_copy_file(part).ok()?;
    }
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    out.start_file(name, options).ok()?;
    out.write_all(text.as_bytes()).ok()?;
    Some(out.finish().ok()?.into_inner())
}

/// `target` resolved against the folder `base` ("xl/"): absolute targets from the root, `.` and
/// `..` segments applied.
pub fn resolve(base: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(abs) => abs.to_string(),
        None => format!("{base}{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// The text of the `modified` element (`dcterms:modified`, whatever its prefix) of a core
/// properties part.
fn core_modified(xml: &str) -> Option<String> {
    let open = xml
        .match_indices('<')
        .map(|(at, _)| &xml[at + 1..])
        .find(|t| {
            let name = t.split([' ', '>', '/']).next().unwrap_or("");
            name.rsplit(':').next() == Some("modified") && !name.is_empty()
        })?;
    let body = &open[open.find('>')? + 1..];
    Some(unescape(&body[..body.find('<')?]))
}

/// The comments of a comments part: (0-based row, col, text of all its runs).
fn comments(xml: &str) -> Vec<(u32, u32, String)> {
    let mut out = Vec::new();
    for (at, _) in xml.match_indices("<comment ") {
        let rest = &xml[at..];
        let end = rest.find("</comment>").unwrap_or(rest.len());
        let body = &rest[..end];
        let Some(cell) = body.find('>').and_then(|e| attr(&body[8..e], "ref")) else {
            continue;
        };
        let Some((row, col)) = pos(cell) else {
            continue;
        };
        let mut text = String::new();
        for (t, _) in body.match_indices("<t") {
            let after = &body[t + 2..];
            if !after.starts_with(['>', ' ']) {
                continue;
            }
            let Some(open) = after.find('>') else {
                continue;
            };
            if after[..open].ends_with('/') {
                continue;
            }
            let inner = &after[open + 1..];
            if let Some(close) = inner.find("</t>") {
                text.push_str(&unescape(&inner[..close]));
            }
        }
        out.push((row, col, text));
    }
    out
}

/// 0-based (row, col) of an A1 name ("B3" → (2, 1)).
fn pos(a1: &str) -> Option<(u32, u32)> {
    let letters = &a1[..a1.bytes().take_while(u8::is_ascii_uppercase).count()];
    let row: u32 = a1[letters.len()..].parse().ok()?;
    if letters.is_empty() || row == 0 {
        return None;
    }
    let col = letters
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1));
    Some((row - 1, col - 1))
}

/// XML character references and the five named entities.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let ent = &tail[1..end];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=end]),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_found_by_whole_name_and_borrowed() {
        let tag = r#" xr="X9" r="B3" s='7' ref="A1:C2""#;
        assert_eq!(attr(tag, "r"), Some("B3"));
        assert_eq!(attr(tag, "s"), Some("7"));
        assert_eq!(attr(tag, "ref"), Some("A1:C2"));
        assert_eq!(attr(tag, "t"), None);
        assert_eq!(pos("B3"), Some((2, 1)));
        assert_eq!(pos("3"), None);
    }

    #[test]
    fn targets_resolve_with_dot_segments() {
        assert_eq!(
            resolve("xl/", "./worksheets/sheet2.xml"),
            "xl/worksheets/sheet2.xml"
        );
        assert_eq!(
            resolve("xl/worksheets/", "../comments1.xml"),
            "xl/comments1.xml"
        );
        assert_eq!(
            resolve("xl/", "/xl/worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
    }

    #[test]
    fn dotted_targets_are_written_from_the_root() {
        let rels = r#"<Relationships><Relationship Id="rId1" Type="t/worksheet" Target="./worksheets/sheet1.xml"/></Relationships>"#;
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        out.start_file(BOOK_RELS, options).unwrap();
        std::io::Write::write_all(&mut out, rels.as_bytes()).unwrap();
        out.start_file("xl/workbook.xml", options).unwrap();
        let bytes = out.finish().unwrap().into_inner();
        let fixed = normalised(bytes);
        let mut zip = zip::ZipArchive::new(Cursor::new(fixed)).unwrap();
        let mut text = String::new();
        zip.by_name(BOOK_RELS)
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert!(
            text.contains(r#"Target="/xl/worksheets/sheet1.xml""#),
            "{text}"
        );
        assert!(zip.by_name("xl/workbook.xml").is_ok());
    }

    #[test]
    fn the_saved_time_is_read_from_the_core_properties() {
        let xml = r#"<cp:coreProperties xmlns:dcterms="http://purl.org/dc/terms/"><dc:creator>a</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">2019-01-01T00:00:00Z</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2020-06-30T09:12:05Z</dcterms:modified></cp:coreProperties>"#;
        assert_eq!(core_modified(xml).as_deref(), Some("2020-06-30T09:12:05Z"));
        assert_eq!(core_modified("<cp:coreProperties/>"), None);
    }

    #[test]
    fn comments_are_read_with_their_cell() {
        let xml = r#"<comments><authors><author>a</author></authors><commentList><comment ref="B3" authorId="0"><text><r><rPr><b/></rPr><t>担当:</t></r><r><t xml:space="preserve"> 確認&amp;済</t></r></text></comment></commentList></comments>"#;
        assert_eq!(comments(xml), vec![(2, 1, "担当: 確認&済".to_string())]);
    }

    #[test]
    fn hidden_sheets_are_skipped_except_the_own_history() {
        assert!(skip("大分類1", SheetType::WorkSheet, SheetVisible::Visible).is_none());
        let s = skip(
            "大分類1(前回)",
            SheetType::WorkSheet,
            SheetVisible::VeryHidden,
        )
        .unwrap();
        assert_eq!(s.code, Code::HiddenSheetSkipped);
        let history = crate::history::HISTORY_SHEET;
        assert!(skip(history, SheetType::WorkSheet, SheetVisible::VeryHidden).is_none());
        let sent = crate::reference::REFERENCE_SHEET;
        assert!(skip(sent, SheetType::WorkSheet, SheetVisible::VeryHidden).is_none());
        let c = skip("グラフ1", SheetType::ChartSheet, SheetVisible::Visible).unwrap();
        assert_eq!(c.code, Code::SheetNotWorksheet);
    }
}
