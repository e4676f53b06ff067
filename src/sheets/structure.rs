//! What a worksheet's XML holds around its cell values, read in one scan of its tags (the values
//! and formulas themselves come from calamine): merged ranges, hidden rows, manual row breaks,
//! each cell's style index and hyperlinks; and, from `xl/styles.xml`, each style's number format
//! and whether it fills the cell with a colour.

use super::{attr, pos, tags, unescape};
use std::collections::HashMap;

/// One worksheet's structure around its values. Rows and columns are 0-based.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SheetStructure {
    /// Merged ranges: top-left and bottom-right cell.
    pub merges: Vec<((u32, u32), (u32, u32))>,
    /// Rows marked hidden (`<row hidden="1">`).
    pub hidden_rows: Vec<u32>,
    /// Manual page breaks: each the 0-based first row of a new page (Excel's `<brk id>`, which
    /// counts rows from 1 and names the last row before the break).
    pub row_breaks: Vec<u32>,
    /// The style index (into `cellXfs`) of every cell that has one other than 0.
    pub styles: HashMap<(u32, u32), u32>,
    /// Hyperlinks by cell: the place inside the workbook (`location`), or `None` for a link to a
    /// file or web address (a relationship).
    pub hyperlinks: Vec<((u32, u32), Option<String>)>,
}

/// The scan of one worksheet part.
pub fn sheet_structure(xml: &str) -> SheetStructure {
    let mut out = SheetStructure::default();
    // Cells and rows in stream order: a `<c>` or `<row>` without `r` follows the one before it.
    let (mut row, mut col) = (0u32, 0u32);
    // Whether the scan stands inside `<rowBreaks>` (a `<brk>` of `<colBreaks>` is no row break).
    let mut in_row_breaks = false;
    let mut rest = xml;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        // A closing tag keeps its '/' in the name ("/row").
        let name_end = rest
            .char_indices()
            .skip(1)
            .find(|&(_, c)| c.is_whitespace() || c == '>' || c == '/')
            .map_or(rest.len(), |(i, _)| i);
        let name = &rest[..name_end];
        let tag_end = rest.find('>').unwrap_or(rest.len());
        let tag = &rest[name_end..tag_end];
        if name.starts_with("rowBreaks") {
            in_row_breaks = true;
        } else if name.starts_with("/rowBreaks") {
            in_row_breaks = false;
        }
        match name {
            "row" => {
                row = attr(tag, "r")
                    .and_then(|r| r.parse::<u32>().ok())
                    .map_or(row, |r| r.saturating_sub(1));
                col = 0;
                if attr(tag, "hidden").is_some_and(|h| h == "1" || h == "true") {
                    out.hidden_rows.push(row);
                }
            }
            "/row" => {
                row += 1;
                col = 0;
            }
            "c" => {
                if let Some((r, c)) = attr(tag, "r").and_then(pos) {
                    (row, col) = (r, c);
                }
                if let Some(s) = attr(tag, "s").and_then(|s| s.parse::<u32>().ok()) {
                    if s != 0 {
                        out.styles.insert((row, col), s);
                    }
                }
                col += 1;
            }
            "mergeCell" => {
                if let Some((from, to)) = attr(tag, "ref").and_then(range) {
                    out.merges.push((from, to));
                }
            }
            "brk" => {
                let manual = attr(tag, "man").is_some_and(|m| m == "1" || m == "true");
                if let Some(id) = attr(tag, "id").and_then(|i| i.parse::<u32>().ok()) {
                    if manual && in_row_breaks {
                        out.row_breaks.push(id);
                    }
                }
            }
            "hyperlink" => {
                if let Some(cells) = attr(tag, "ref").and_then(range) {
                    let location = attr(tag, "location").map(unescape);
                    out.hyperlinks.push((cells.0, location));
                }
            }
            _ => {}
        }
        rest = &rest[tag_end.min(rest.len())..];
    }
    out
}

/// "A1:C3" (or one cell "B2") → its corners.
fn range(r: &str) -> Option<((u32, u32), (u32, u32))> {
    let (a, b) = r.split_once(':').unwrap_or((r, r));
    Some((pos(a)?, pos(b)?))
}

/// The cell styles of `xl/styles.xml` (`cellXfs`): each style's number format and fill.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Styles {
    /// The number format id of each style, by style index.
    pub format_ids: Vec<u32>,
    /// The workbook's own number formats (ids from 164 on), by id.
    pub codes: HashMap<u32, String>,
    /// Whether each style fills its cell with a pattern or colour, by style index.
    pub filled: Vec<bool>,
    /// The colour of each style's fill ("FFCC99", upper-case RGB without alpha), by style
    /// index, where the fill names one.
    pub colours: Vec<Option<String>>,
}

impl Styles {
    /// The styles part's scan (an unreadable part gives no styles: every cell then shows as
    /// typed, the default).
    pub fn parse(xml: &str) -> Styles {
        let codes = tags(xml, "numFmt")
            .filter_map(|t| {
                let id = attr(t, "numFmtId")?.parse().ok()?;
                Some((id, unescape(attr(t, "formatCode")?)))
            })
            .collect();
        let section = |name: &str| -> &str {
            let Some(from) = xml.find(&format!("<{name}")) else {
                return "";
            };
            let to = xml[from..]
                .find(&format!("</{name}>"))
                .map_or(xml.len(), |e| from + e);
            &xml[from..to]
        };
        let fills: Vec<(bool, Option<String>)> = section("fills")
            .split("<fill>")
            .skip(1)
            .map(|f| {
                let filled = tags(f, "patternFill")
                    .next()
                    .and_then(|t| attr(t, "patternType"))
                    .is_some_and(|p| p != "none" && p != "gray125")
                    || f.contains("<gradientFill");
                let colour = tags(f, "fgColor").next().and_then(|t| attr(t, "rgb"));
                let colour = colour.map(|c| {
                    let c = c.to_ascii_uppercase();
                    let n = c.chars().count();
                    c.chars().skip(n.saturating_sub(6)).collect::<String>()
                });
                (filled, colour)
            })
            .collect();
        let mut format_ids = Vec::new();
        let mut filled = Vec::new();
        let mut colours = Vec::new();
        for xf in tags(section("cellXfs"), "xf") {
            format_ids.push(
                attr(xf, "numFmtId")
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0),
            );
            let fill: usize = attr(xf, "fillId").and_then(|n| n.parse().ok()).unwrap_or(0);
            let (on, colour) = fills.get(fill).cloned().unwrap_or_default();
            filled.push(on);
            colours.push(colour.filter(|_| on));
        }
        Styles {
            format_ids,
            codes,
            filled,
            colours,
        }
    }

    /// The number format code of style `style` ("0.0%", "General" …): the workbook's own, or
    /// Excel's built-in code for the ids that matter here (numbers, percents, dates).
    pub fn format_code(&self, style: u32) -> Option<&str> {
        let id = *self.format_ids.get(style as usize)?;
        if let Some(code) = self.codes.get(&id) {
            return Some(code);
        }
        Some(match id {
            0 => "General",
            1 => "0",
            2 => "0.00",
            3 => "#,##0",
            4 => "#,##0.00",
            9 => "0%",
            10 => "0.00%",
            11 => "0.00E+00",
            14 => "yyyy/m/d",
            49 => "@",
            _ => return None,
        })
    }

    /// True when style `style` fills its cell with a colour or pattern.
    pub fn is_filled(&self, style: u32) -> bool {
        self.filled.get(style as usize).copied().unwrap_or(false)
    }

    /// The RGB colour ("FFCC99") style `style` fills its cell with, if it names one.
    pub fn fill_colour(&self, style: u32) -> Option<&str> {
        self.colours.get(style as usize)?.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_part_gives_merges_hidden_rows_breaks_styles_and_links() {
        let xml = r#"<worksheet><sheetData>
            <row r="1"><c r="A1" s="3" t="s"><v>0</v></c><c r="B1"><v>1</v></c></row>
            <row r="4" hidden="1"><c s="5"><v>2</v></c><c s="6"><v>3</v></c></row>
            <row><c><v>4</v></c><c s="7"/></row>
            </sheetData><mergeCells count="1"><mergeCell ref="A1:B3"/></mergeCells>
            <hyperlinks><hyperlink ref="C2" location="'集計'!A1"/><hyperlink ref="D4" r:id="rId1"/></hyperlinks>
            <rowBreaks count="2" manualBreakCount="1"><brk id="20" max="16383" man="1"/><brk id="40" max="16383"/></rowBreaks>
            <colBreaks count="1" manualBreakCount="1"><brk id="5" man="1"/></colBreaks></worksheet>"#;
        let s = sheet_structure(xml);
        assert_eq!(s.merges, vec![((0, 0), (2, 1))]);
        assert_eq!(s.hidden_rows, vec![3]);
        assert_eq!(s.row_breaks, vec![20]);
        let mut styles: Vec<_> = s.styles.into_iter().collect();
        styles.sort();
        assert_eq!(
            styles,
            vec![((0, 0), 3), ((3, 0), 5), ((3, 1), 6), ((4, 1), 7)]
        );
        assert_eq!(
            s.hyperlinks,
            vec![((1, 2), Some("'集計'!A1".into())), ((3, 3), None)]
        );
    }

    #[test]
    fn styles_give_number_formats_and_fills() {
        let xml = r#"<styleSheet><numFmts count="1"><numFmt numFmtId="176" formatCode="0.0%"/></numFmts>
            <fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
            <fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/></patternFill></fill></fills>
            <cellStyleXfs count="1"><xf numFmtId="0" fillId="2"/></cellStyleXfs>
            <cellXfs count="3"><xf numFmtId="0" fillId="0"/><xf numFmtId="176" fillId="2"/><xf numFmtId="10"/></cellXfs></styleSheet>"#;
        let s = Styles::parse(xml);
        assert_eq!(s.format_code(0), Some("General"));
        assert_eq!(s.format_code(1), Some("0.0%"));
        assert_eq!(s.format_code(2), Some("0.00%"));
        assert_eq!(s.format_code(3), None);
        assert!(!s.is_filled(0) && s.is_filled(1) && !s.is_filled(2));
        assert_eq!(s.fill_colour(1), Some("FFFF00"));
        assert_eq!(s.fill_colour(0), None);
    }
}
