//! Page planning: the row heights of a sheet (in blocks: headings kept with their table,
//! item blocks never split) + the paper → the print scale and the manual page breaks, so
//! each designed page fits its paper and neither Excel nor LibreOffice adds a break of its own.

use super::heights::column_width;
use crate::layout::{col, Layout};
use rust_xlsxwriter::{Worksheet, XlsxError};

/// Points per inch.
const PT: f64 = 72.0;

/// The part of the page the planner leaves unused: Excel and LibreOffice round row heights
/// and scales a little differently.
const SAFETY: f64 = 0.97;

/// A run of rows that prints on one page: a heading with its table header, or an item block.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Block {
    /// First row (0-based).
    pub row: u32,
    /// Height in points (at 100 %).
    pub height: f64,
    /// A heading: it stays on the page of the block after it.
    pub keep_with_next: bool,
    /// A page starts here (a break carried from the input, before a heading or an item).
    pub starts_page: bool,
}

impl Block {
    /// A heading (with its table header): kept with the block after it.
    pub fn heading(row: u32, height: f64) -> Block {
        Block {
            row,
            height,
            keep_with_next: true,
            starts_page: false,
        }
    }

    /// An item block.
    pub fn item(row: u32, height: f64, starts_page: bool) -> Block {
        Block {
            row,
            height,
            keep_with_next: false,
            starts_page,
        }
    }
}

/// The paper (width, height) in points, landscape, for the paper codes the layout may name.
fn landscape_paper(code: u8) -> (f64, f64) {
    let mm = |w: f64, h: f64| (w / 25.4 * PT, h / 25.4 * PT);
    match code {
        9 => mm(297.0, 210.0),  // A4
        12 => mm(364.0, 257.0), // B4 (JIS)
        13 => mm(257.0, 182.0), // B5 (JIS)
        _ => mm(420.0, 297.0),  // A3
    }
}

/// The width in points a column takes in print at 100 %. rust_xlsxwriter stores
/// (round(8w) + 5) / 8 characters for the layout's ＭＳ Ｐゴシック default; Excel prints a
/// stored character as 6 pt, LibreOffice as 7 pt: the wider one is used.
fn printed_width(w: f64) -> f64 {
    ((8.0 * w).round() + 5.0) / 8.0 * 7.0
}

/// The print scale (per cent) at which the visible columns fit the paper's width, and the
/// height in points (at 100 %) of rows that fits one page at that scale.
pub(super) fn scale_and_capacity(layout: &Layout, hidden: &[u16]) -> (u16, f64) {
    let p = &layout.print;
    let (paper_w, paper_h) = landscape_paper(p.paper);
    let [left, right, top, bottom, ..] = p.margins;
    let table: f64 = (col::NO..=col::PLAN)
        .filter(|c| !hidden.contains(c))
        .map(|c| printed_width(column_width(layout, c)))
        .sum();
    let usable_w = paper_w - (left + right) * PT;
    let scale = ((usable_w / table * 100.0).floor() as u16).clamp(10, 100);
    let usable_h = paper_h - (top + bottom) * PT;
    (scale, usable_h * 100.0 / f64::from(scale) * SAFETY)
}

/// The rows that start a new page. `capacity` is the height of one page; `repeated` the
/// height of the header rows printed again at the top of every page after the first.
/// A block that starts a page (a break carried from the input) starts one, with the headings
/// before it; between those,
/// breaks are added only where the blocks do not fit one page (see [`fill`]).
pub(super) fn plan(blocks: &[Block], capacity: f64, repeated: f64) -> Vec<u32> {
    // A page that starts with a block starts with the headings kept with it; none at the top
    // of the sheet's first page.
    let mut starts: Vec<usize> = Vec::new();
    for i in (0..blocks.len()).filter(|&i| blocks[i].starts_page) {
        let mut j = i;
        while j > 0 && blocks[j - 1].keep_with_next {
            j -= 1;
        }
        if j > 0 && starts.last() != Some(&j) {
            starts.push(j);
        }
    }
    let mut breaks = Vec::new();
    let mut start = 0;
    while start < blocks.len() {
        let end = starts
            .iter()
            .copied()
            .find(|&i| i > start)
            .unwrap_or(blocks.len());
        // Every page but the sheet's first prints the repeated header rows at its top.
        let first = if start == 0 {
            0.0
        } else {
            breaks.push(blocks[start].row);
            repeated
        };
        breaks.extend(fill(&blocks[start..end], capacity, repeated, first));
        start = end;
    }
    breaks
}

/// The breaks of a run of blocks that starts a page (`first` of it already taken). A heading
/// never ends a page, an item block is never split (one taller than a page gets a page of its
/// own). The run takes as few pages as the blocks allow, and they are evened out: each page is
/// filled up to the lowest height at which that many pages still suffice, so no last page is
/// left holding one item.
fn fill(blocks: &[Block], capacity: f64, repeated: f64, first: f64) -> Vec<u32> {
    let fewest = greedy(blocks, capacity, repeated, first).len();
    let (mut low, mut high) = (0.0, capacity);
    for _ in 0..40 {
        let mid = (low + high) / 2.0;
        if greedy(blocks, mid, repeated, first).len() <= fewest {
            high = mid;
        } else {
            low = mid;
        }
    }
    greedy(blocks, high, repeated, first)
}

/// Breaks that fill each page with blocks while they fit in `capacity`, the first page
/// starting with `first` used.
fn greedy(blocks: &[Block], capacity: f64, repeated: f64, first: f64) -> Vec<u32> {
    let mut breaks = Vec::new();
    let mut used = first;
    let mut i = 0;
    while i < blocks.len() {
        // A heading and the blocks it is kept with move as one.
        let mut j = i;
        let mut height = 0.0;
        while j < blocks.len() {
            height += blocks[j].height;
            j += 1;
            if !blocks[j - 1].keep_with_next {
                break;
            }
        }
        if i > 0 && used + height > capacity {
            breaks.push(blocks[i].row);
            used = repeated;
        }
        used += height;
        i = j;
    }
    breaks
}

/// What the print setup of one sheet needs from the sheet writer.
pub(super) struct PrintPlan<'a> {
    /// The section's short title for the footer.
    pub short: Option<&'a str>,
    /// The first table's header row and the height of its two rows (repeated on every page).
    pub first_header: Option<(u32, f64)>,
    /// The row after the last written row.
    pub end_row: u32,
    /// The page number of the sheet's first page.
    pub first_page: u16,
    /// Hidden columns (not printed).
    pub hidden: &'a [u16],
    /// The sheet's rows in blocks.
    pub blocks: &'a [Block],
}

/// The layout's paper, landscape, at the scale that fits the width; the first table's header
/// rows on every page; margins; manual breaks between blocks; the footer with the section's
/// short title, numbered from the sheet's first page; the print area. Returns the pages.
pub(super) fn print_setup(
    ws: &mut Worksheet,
    layout: &Layout,
    plan_of: &PrintPlan<'_>,
) -> Result<u16, XlsxError> {
    let p = &layout.print;
    ws.set_paper_size(p.paper);
    ws.set_landscape();
    let (scale, capacity) = scale_and_capacity(layout, plan_of.hidden);
    // A scale, not "fit to one page wide": Excel ignores manual breaks when fitting to pages.
    ws.set_print_scale(scale);
    ws.set_print_center_horizontally(true);
    let [left, right, top, bottom, header, footer] = p.margins;
    ws.set_margins(left, right, top, bottom, header, footer);
    let mut repeated = 0.0;
    if let Some((h, height)) = plan_of.first_header {
        ws.set_repeat_rows(h, h + 1)?;
        repeated = height;
    }
    let breaks = plan(plan_of.blocks, capacity, repeated);
    if !breaks.is_empty() {
        ws.set_page_breaks(&breaks)?;
    }
    if let Some(short) = plan_of.short {
        ws.set_footer(format!("&C{}", p.footer.replace("{short}", short)));
        ws.set_print_first_page_number(plan_of.first_page);
    }
    ws.set_print_area(0, col::NO, plan_of.end_row.max(1) - 1, col::PLAN)?;
    Ok(breaks.len() as u16 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(row: u32, height: f64) -> Block {
        Block::item(row, height, false)
    }

    fn heading(row: u32, height: f64) -> Block {
        Block::heading(row, height)
    }

    #[test]
    fn breaks_fall_between_items_and_keep_a_heading_with_its_first_item() {
        let blocks = [
            heading(0, 20.0),
            item(2, 50.0),
            item(5, 50.0),
            heading(8, 20.0),
            item(10, 30.0),
        ];
        // 20 + 50 + 50 = 120 fits; the heading at 8 would fit alone but not with its item.
        assert_eq!(greedy(&blocks, 130.0, 10.0, 0.0), vec![8]);
        // Evened out, the two pages hold 70 and 10 + 50 + 50.
        assert_eq!(plan(&blocks, 130.0, 10.0), vec![5]);
        assert_eq!(plan(&blocks, 1000.0, 10.0), Vec::<u32>::new());
        // The repeated header counts on the second page: 10 + 50 + 20 + 30 > 100.
        assert_eq!(plan(&blocks, 100.0, 10.0), vec![5, 8]);
    }

    #[test]
    fn pages_are_evened_out_so_no_last_page_holds_one_item() {
        let blocks: Vec<Block> = (0..10).map(|r| item(r, 10.0)).collect();
        // Greedy would print 9 + 1; as few pages, evened out: 5 + 5.
        assert_eq!(greedy(&blocks, 90.0, 0.0, 0.0), vec![9]);
        assert_eq!(plan(&blocks, 90.0, 0.0), vec![5]);
    }

    #[test]
    fn carried_breaks_are_kept_and_only_a_page_too_long_gets_more() {
        let mut blocks: Vec<Block> = (0..10).map(|r| item(r, 10.0)).collect();
        blocks[3].starts_page = true;
        blocks[5].starts_page = true;
        // 3 + 2 + 5 items: each carried page fits, nothing added, nothing evened out.
        assert_eq!(plan(&blocks, 90.0, 0.0), vec![3, 5]);
        // A carried break before the sheet's first block adds no page.
        blocks[0].starts_page = true;
        assert_eq!(plan(&blocks, 90.0, 0.0), vec![3, 5]);
        // The last carried page (5 items + the repeated 20) does not fit 60: split, evened out.
        assert_eq!(plan(&blocks, 60.0, 20.0), vec![3, 5, 8]);
        // An item with a carried break takes its headings with it; at the top of the sheet,
        // headings and all, it adds no page.
        let blocks = [
            heading(0, 5.0),
            item(1, 10.0),
            heading(2, 5.0),
            heading(3, 5.0),
            Block::item(5, 10.0, true),
        ];
        assert_eq!(plan(&blocks, 100.0, 0.0), vec![2]);
        let blocks = [heading(0, 5.0), heading(1, 5.0), Block::item(3, 10.0, true)];
        assert_eq!(plan(&blocks, 100.0, 0.0), Vec::<u32>::new());
    }

    #[test]
    fn a_block_taller_than_a_page_gets_its_own_page() {
        let blocks = [item(0, 10.0), item(1, 500.0), item(9, 10.0)];
        assert_eq!(plan(&blocks, 100.0, 0.0), vec![1, 9]);
    }

    #[test]
    fn the_builtin_a3_layout_prints_at_a_scale_that_fits_the_width() {
        let layout = Layout::builtin();
        let hidden = [col::YEARS + 1, col::YEARS + 2, col::YEARS + 3];
        let (scale, capacity) = scale_and_capacity(&layout, &hidden);
        assert!((55..=70).contains(&scale), "{scale}");
        assert!(capacity > 1000.0 && capacity < 1400.0, "{capacity}");
    }
}
