//! Sizes: column widths from the layout, the display width of Japanese text, and row
//! heights that show every wrapped text of an item block.

use crate::layout::{col, Layout};
use crate::model::Item;
use rust_xlsxwriter::{Worksheet, XlsxError};

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

/// Lines a wrapped text takes in a column `width` characters wide.
pub fn wrapped_lines(text: &str, width: f64) -> u32 {
    // A little under the column width: proportional Japanese fonts (and the fonts LibreOffice
    // substitutes) set wide characters slightly wider than two digit widths.
    let capacity = (width * 0.9 - 1.0).max(1.0);
    text.split('\n')
        .map(|line| {
            let units = display_units(line) as f64;
            ((units / capacity).ceil() as u32).max(1)
        })
        .sum()
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
    ws: &mut Worksheet,
    row: u32,
    span: u32,
    item: &Item,
    layout: &Layout,
) -> Result<f64, XlsxError> {
    let line = line_height(layout);
    let need = |text: &str, c: u16| f64::from(wrapped_lines(text, column_width(layout, c))) * line;
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
        assert_eq!(wrapped_lines("", 10.0), 1);
        assert_eq!(wrapped_lines("一二三四五六七八九十", 10.0), 3);
        assert_eq!(wrapped_lines("a\nb", 10.0), 2);
    }
}
