//! Sizes: column widths from the layout, the display width of Japanese text, and row
//! heights that show every wrapped text of an item block.

use super::rows::Rows;
use crate::layout::{col, Layout};
use crate::model::Item;
use rust_xlsxwriter::XlsxError;

/// Excel's largest row height in points.
const MAX_ROW_HEIGHT: f64 = 409.0;

/// The width of column `c` (Excel character units) from the layout.
pub(super) fn column_width(layout: &Layout, c: u16) -> f64 {
    let w = &layout.widths;
    match c {
        col::NO => w.no,
        col::NAME => w.name,
        col::ACTION => w.action,
        col::INDICATOR => w.indicator,
        col::KUBUN => w.kubun,
        col::BASE => w.base,
        col::TOTAL => w.total,
        col::EFFECT => w.effect,
        col::RATE_YEAR | col::RATE_TOTAL => w.rate,
        col::STATUS => w.status,
        col::GRADE => w.grade,
        col::RESULTS => w.results,
        col::PLAN => w.plan,
        c if c < col::INDICATOR => w.schedule,
        _ => w.year,
    }
}

/// Display width of a text in half-width units: Japanese (East Asian wide) characters count 2,
/// ASCII and half-width katakana 1.
pub fn display_units(s: &str) -> usize {
    s.chars()
        .map(|c| {
            if c.is_ascii() || ('\u{FF61}'..='\u{FF9F}').contains(&c) {
                1
            } else {
                2
            }
        })
        .sum()
}

/// Characters that may not start a line (禁則): closing brackets and punctuation, small kana
/// and the prolonged sound mark. Excel keeps them on the line before.
const NO_LINE_START: &str = "、。，．,.）)」』】〕〉》］]｝}”’！？!?：；:;ー…ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ％%";

/// Characters that may not end a line: opening brackets.
const NO_LINE_END: &str = "（(「『【〔〈《［[｛{“‘";

/// Half-width units one line of a wrapped cell holds in a column `width` characters wide at
/// `font_pt`: Excel's column of round(8w) + 5 pixels (the ＭＳ Ｐゴシック default), less the
/// cell's padding, over the width of a half-width character (half the font size), with a
/// margin for the proportional ＭＳ Ｐゴシック and the fonts that stand in for it.
/// (LibreOffice prints a column wider for the same font, so Excel's wrapping is the tighter.)
fn line_capacity(width: f64, font_pt: f64) -> f64 {
    let pixels = (8.0 * width).round() + 5.0 - 6.0;
    let half = font_pt * 96.0 / 72.0 / 2.0;
    (pixels / half * 0.9).floor().max(2.0)
}

/// Lines a wrapped text takes in a column `width` characters wide at `font_pt`, breaking as
/// Excel does: at the width, never starting a line with closing punctuation nor ending one
/// with an opening bracket (the character before moves down with it).
pub fn wrapped_lines(text: &str, width: f64, font_pt: f64) -> u32 {
    let capacity = line_capacity(width, font_pt) as usize;
    text.split('\n')
        .map(|line| {
            let mut lines = 1;
            let mut used = 0;
            let mut prev: Option<char> = None;
            for c in line.chars() {
                let w = display_units(c.encode_utf8(&mut [0; 4]));
                if used + w > capacity && used > 0 {
                    lines += 1;
                    used = 0;
                    // 追い出し: the character before comes down with a closing mark, and an
                    // opening bracket never stays at the end.
                    let carry =
                        prev.filter(|p| NO_LINE_START.contains(c) || NO_LINE_END.contains(*p));
                    if let Some(p) = carry {
                        used = display_units(p.encode_utf8(&mut [0; 4]));
                    }
                }
                used += w;
                prev = Some(c);
            }
            lines
        })
        .sum()
}

/// Height in points a text of `lines` lines needs: the lines and a little room above and
/// below when it wraps (the cell's padding).
pub(super) fn text_height(layout: &Layout, lines: u32) -> f64 {
    let padding = if lines > 1 { 4.0 } else { 0.0 };
    line_height(layout) * f64::from(lines) + padding
}

/// Height in points of one line of text in the layout's font.
pub(super) fn line_height(layout: &Layout) -> f64 {
    (layout.font.size * 1.5 * 4.0).ceil() / 4.0
}

/// Height in points of a heading row of `lines` lines (headings are 2 pt larger); 0 for none.
pub(super) fn heading_height(layout: &Layout, lines: u32) -> f64 {
    ((layout.font.size + 2.0) * 1.5 * 4.0).ceil() / 4.0 * f64::from(lines)
}

/// Row heights that show every wrapped text of a block: single-row texts (actions) set their
/// row, 2-row indicator names their pair, whole-block texts (name, results, plan) the block.
/// Returns the height of the block.
pub(super) fn set_block_heights(
    ws: &mut Rows<'_>,
    row: u32,
    span: u32,
    item: &Item,
    layout: &Layout,
) -> Result<f64, XlsxError> {
    let line = line_height(layout);
    let need = |text: &str, c: u16| {
        text_height(
            layout,
            wrapped_lines(text, column_width(layout, c), layout.font.size),
        )
    };
    let mut heights = vec![line; span as usize];
    for (r, a) in item.actions.iter().enumerate() {
        heights[r] = heights[r].max(need(a.text.as_str(), col::ACTION));
    }
    let mut grow = |range: std::ops::Range<usize>, needed: f64| {
        let have: f64 = heights[range.clone()].iter().sum();
        if needed > have {
            let extra = (needed - have) / range.len() as f64;
            for h in &mut heights[range] {
                *h += extra;
            }
        }
    };
    for (k, ind) in item.indicators.iter().enumerate() {
        grow(2 * k..2 * k + 2, need(ind.name.as_str(), col::INDICATOR));
    }
    for (t, c) in [
        (&item.name, col::NAME),
        (&item.status, col::STATUS),
        (&item.results, col::RESULTS),
        (&item.plan, col::PLAN),
    ] {
        grow(0..span as usize, need(t.as_str(), c));
    }
    let mut total = 0.0;
    for (r, h) in heights.iter().enumerate() {
        // Quarter points keep the file stable and readable; Excel's limit is 409 pt a row.
        let h = ((h * 4.0).ceil() / 4.0).min(MAX_ROW_HEIGHT);
        ws.set_row_height(row + r as u32, h)?;
        total += h;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_count_double_when_wrapping() {
        assert_eq!(display_units("ab"), 2);
        assert_eq!(display_units("職員ｱ"), 5);
        assert_eq!(line_capacity(10.0, 10.0), 10.0);
        assert_eq!(wrapped_lines("", 10.0, 10.0), 1);
        assert_eq!(wrapped_lines("一二三四五六七八九十", 10.0, 10.0), 2);
        assert_eq!(wrapped_lines("一二三四五", 10.0, 10.0), 1);
        assert_eq!(wrapped_lines("a\nb", 10.0, 10.0), 2);
    }

    #[test]
    fn closing_punctuation_never_starts_a_line() {
        // Five wide characters fill a line of 10 units: 、 would start the second line, so
        // 五 comes down with it; the line count stays 2 but the second line is longer.
        assert_eq!(wrapped_lines("一二三四五、六七八", 10.0, 10.0), 2);
        // Here the carried character makes a third line.
        assert_eq!(wrapped_lines("一二三四五、六七八九", 10.0, 10.0), 3);
        // An opening bracket at the end of a line goes down with the next character.
        assert_eq!(wrapped_lines("一二三四（五六七八", 10.0, 10.0), 2);
        assert_eq!(wrapped_lines("一二三四（五六七八九", 10.0, 10.0), 3);
    }

    #[test]
    fn a_row_is_never_taller_than_excel_allows() {
        let layout = Layout::builtin();
        let mut item = Item::default();
        item.results.text = Some("長い年度実績の文章。".repeat(400));
        let mut ws = rust_xlsxwriter::Worksheet::new();
        let mut rows = Rows::new(&mut ws);
        let height = set_block_heights(&mut rows, 0, 1, &item, &layout).unwrap();
        rows.flush().unwrap();
        assert_eq!(height, MAX_ROW_HEIGHT);
    }

    #[test]
    fn wrapped_text_gets_room_above_and_below() {
        let layout = Layout::builtin();
        assert_eq!(text_height(&layout, 1), 15.0);
        assert_eq!(text_height(&layout, 2), 34.0);
    }
}
