//! One sheet: its regions (小分類 tables) and the item numbers that start each block.

use super::grid::Grid;
use super::headers::{find_headers, table_bands, Columns};
use super::items::{ledger, parse_items, Table};
use super::labels::{norm, Labels};
use super::Input;
use crate::finding::{Code, Finding, Location};
use crate::layout::Layout;
use crate::model::{a1, CellRef, Found, Item, Section, Sheet, TextField};
use crate::value::{parse_text, squash, Value};
use std::collections::BTreeSet;
use std::sync::Arc;

/// How a № cell starts an item.
pub(super) enum ItemNo {
    /// A №-like value: 5, "5", ①, 「No.5」.
    Good(u32),
    /// A number that is no item № (0, negative, 5.5).
    Bad,
    /// Text that is no № (a note).
    NotNo,
    Empty,
}

pub(super) fn item_no(found: &Found) -> ItemNo {
    use rust_decimal::prelude::ToPrimitive;
    let whole = |d: rust_decimal::Decimal| -> ItemNo {
        if d.fract().is_zero() && d > rust_decimal::Decimal::ZERO {
            d.to_u32().map_or(ItemNo::Bad, ItemNo::Good)
        } else {
            ItemNo::Bad
        }
    };
    match found {
        Found::Empty => ItemNo::Empty,
        Found::Number(d) => whole(*d),
        Found::Huge(_) => ItemNo::Bad,
        Found::Text(t) => {
            let s = norm(t);
            let s = ["NO.", "NO", "№", "#"]
                .iter()
                .find_map(|p| s.strip_prefix(p))
                .unwrap_or(&s);
            match parse_text(s) {
                Value::Number(d) => whole(d),
                Value::Blank => ItemNo::Empty,
                _ => ItemNo::NotNo,
            }
        }
    }
}

/// A 計 / 合計 / 小計 / 総計 line.
pub(super) fn is_total_text(s: &str) -> bool {
    matches!(
        norm(s).as_str(),
        "計" | "合計" | "小計" | "総計" | "合計額" | "計(合計)"
    )
}

/// A region of a sheet read as one table: its columns and the rows it owns.
pub(super) struct Region {
    pub(super) cols: Columns,
    pub(super) start: u32,
    pub(super) end: u32,
}

/// Parses one worksheet into one sheet per table standing below or beside another (usually
/// one); empty when it holds no report table. A table under a 大分類 line naming another
/// 大分類 than the one above it, or beside another, is read on its own rows or columns, never
/// merged cell by cell into the first, and lands on the sheet its 大分類 heading names.
pub(super) fn parse_tables(
    file: &str,
    name: &str,
    grid: &Grid,
    layout: &Layout,
    input: &mut Input,
) -> Vec<Sheet> {
    let below = tables_below(grid, name, layout);
    if below.is_empty() {
        return tables_beside(file, name, grid, layout, input);
    }
    let first = grid.cells.keys().next().copied().unwrap_or((0, 0));
    let mut starts = vec![first];
    starts.extend(below);
    let mut sheets = Vec::new();
    for (k, &(row, col)) in starts.iter().enumerate() {
        let to = starts.get(k + 1).map_or(u32::MAX, |s| s.0);
        let part = grid.band(row..to, 0..u32::MAX);
        let mut here = tables_beside(file, name, &part, layout, input);
        if here.is_empty() {
            // A 大分類 line over no table (a note that names one): its rows are named.
            name_band(file, name, &part, input);
        }
        if k > 0 {
            if let Some(sheet) = here.first_mut() {
                second_table(file, name, (row, col), starts[k - 1], sheet, layout, input);
            }
        }
        sheets.extend(here);
    }
    sheets
}

/// The 大分類 lines (row, column) that start a table of another 大分類 below the first.
fn tables_below(grid: &Grid, name: &str, layout: &Layout) -> Vec<(u32, u32)> {
    let mut home = layout.section_for(name, "").map(|l| l.sheet.clone());
    let mut out = Vec::new();
    let mut row_of = grid.cells.iter().peekable();
    while let Some((&(r, _), _)) = row_of.peek() {
        let cells: Vec<(u32, &Found)> = grid
            .cells
            .range((r, 0)..=(r, u32::MAX))
            .map(|((_, c), v)| (*c, v))
            .collect();
        while row_of.peek().is_some_and(|((rr, _), _)| *rr == r) {
            row_of.next();
        }
        // Only a short all-text row can be a heading: the longer rows are not normalised.
        let only_text = cells.iter().all(|(_, v)| matches!(v, Found::Text(_)));
        let heading = (only_text && cells.len() <= 3)
            .then(|| {
                cells.iter().find_map(|(c, v)| match v {
                    Found::Text(t) if squash(t).starts_with("大分類") => Some((*c, t)),
                    _ => None,
                })
            })
            .flatten();
        let Some((c, text)) = heading else {
            continue;
        };
        let Some(sheet) = layout.section_for("", text).map(|l| l.sheet.clone()) else {
            continue;
        };
        match &home {
            Some(h) if *h != sheet => out.push((r, c)),
            _ => {}
        }
        home = Some(sheet);
    }
    out
}

/// The I327 of a table at `at` read apart from the one at `before`; the sheet goes to the
/// report sheet its 大分類 heading names.
fn second_table(
    file: &str,
    name: &str,
    at: (u32, u32),
    before: (u32, u32),
    sheet: &mut Sheet,
    layout: &Layout,
    input: &mut Input,
) {
    let home = (layout.section_for("", sheet.heading.as_str())).map(|l| l.sheet.clone());
    let goes = match &home {
        Some(h) if *h != sheet.name => format!("報告書では{h}のシートに入れます"),
        _ => "報告書では同じシートに入れます".into(),
    };
    let cell = CellRef {
        file: file.into(),
        sheet: name.into(),
        row: at.0,
        col: at.1,
    };
    input.findings.push(Finding::new(
        Code::SecondTable,
        Location::cell(&cell, None, None),
        None,
        &[&a1(at.0, at.1), &a1(before.0, before.1), &goes],
    ));
    if let Some(h) = home {
        sheet.name = h;
    }
}

/// One sheet per table standing side by side (usually one).
fn tables_beside(
    file: &str,
    name: &str,
    grid: &Grid,
    layout: &Layout,
    input: &mut Input,
) -> Vec<Sheet> {
    let bands = table_bands(grid, &Labels::new(layout));
    if bands.is_empty() {
        return parse_sheet(file, name, grid, layout, input)
            .into_iter()
            .collect();
    }
    let mut starts: Vec<(u32, u32)> = vec![(0, bands[0].row)];
    starts.extend(bands.iter().map(|b| (b.col, b.row)));
    let mut sheets = Vec::new();
    for (k, &(from, row)) in starts.iter().enumerate() {
        let to = starts.get(k + 1).map_or(u32::MAX, |s| s.0);
        let part = grid.band(0..u32::MAX, from..to);
        let Some(mut sheet) = parse_sheet(file, name, &part, layout, input) else {
            // No table found in the band (its header is named by an E106): its cells are named.
            name_band(file, name, &part, input);
            continue;
        };
        if k > 0 {
            let before = (starts[k - 1].1, starts[k - 1].0);
            second_table(file, name, (row, from), before, &mut sheet, layout, input);
        }
        sheets.push(sheet);
    }
    sheets
}

/// The cells of a band without a readable table, in one W217.
fn name_band(file: &str, name: &str, part: &Grid, input: &mut Input) {
    let Some(((r, c), v)) = part.cells.iter().find(|(k, _)| !part.is_used(k.0, k.1)) else {
        return;
    };
    let (mut r1, mut c0, mut c1) = (*r, *c, *c);
    for (rr, cc) in part.cells.keys() {
        r1 = r1.max(*rr);
        c0 = c0.min(*cc);
        c1 = c1.max(*cc);
    }
    let cell = CellRef {
        file: file.into(),
        sheet: name.into(),
        row: *r,
        col: *c,
    };
    let short: String = v.display().chars().take(20).collect();
    input.findings.push(Finding::new(
        Code::NoteNotRead,
        Location::cell(&cell, None, None),
        Some(v.display()),
        &[
            &short,
            &part.cells.len().to_string(),
            &super::range_a1(*r, c0, r1, c1),
        ],
    ));
}

/// Parses one table's worksheet (or band of one); None when it holds no report table.
pub(super) fn parse_sheet(
    file: &str,
    name: &str,
    grid: &Grid,
    layout: &Layout,
    input: &mut Input,
) -> Option<Sheet> {
    let labels = Labels::new(layout);
    let mut failed = Vec::new();
    let headers = find_headers(grid, &labels, file, name, input, &mut failed);
    let first = headers.first()?;
    // One allocation of each name for the whole sheet.
    let (file_name, sheet_name): (Arc<str>, Arc<str>) = (file.into(), name.into());
    let at = |row: u32, col: u32| CellRef {
        file: Arc::clone(&file_name),
        sheet: Arc::clone(&sheet_name),
        row,
        col,
    };
    let text_field = |row: u32, col: u32| -> TextField {
        match grid.take(row, col) {
            Found::Empty => TextField::default(),
            f => TextField {
                text: Some(f.display()),
                at: Some(at(row, col)),
            },
        }
    };
    let mut sheet = Sheet {
        name: name.to_string(),
        ..Sheet::default()
    };
    // Above the first table: the 大分類 heading, the date and the document number.
    for ((r, c), v) in grid.cells.range(..(first.upper, 0)) {
        let s = squash(&v.display());
        if s.contains("大分類") && sheet.heading.text.is_none() {
            sheet.heading = text_field(*r, *c);
        } else if s.starts_with("資料") && sheet.doc_no.text.is_none() {
            sheet.doc_no = text_field(*r, *c);
        } else if s.starts_with("令和") && s.contains('月') && sheet.date.text.is_none() {
            sheet.date = text_field(*r, *c);
        }
    }
    let heading_in = |r: u32, last: u32| -> Option<(u32, u32)> {
        if grid.row_has_number(r) {
            return None;
        }
        grid.cells
            .range((r, 0)..=(r, last))
            .find(|(_, v)| matches!(v, Found::Text(t) if t.contains("小分類")))
            .map(|((r, c), _)| (*r, *c))
    };
    // Header rows: every header's rows are the header, wherever it is repeated.
    let header_rows: BTreeSet<u32> = headers.iter().flat_map(|h| h.upper..=h.lower).collect();
    // Regions: a header with a 小分類 heading just above it starts a new table; a header
    // repeated without one (a page break made by hand) continues the table above.
    let last_row = grid.cells.keys().next_back().map_or(0, |(r, _)| *r);
    let mut regions: Vec<(Region, Option<(u32, u32)>)> = Vec::new();
    for (hi, h) in headers.iter().enumerate() {
        let cols = &h.columns;
        // The heading is looked for below the previous header only: a header repeated just
        // under another one must not take the heading of the table above.
        let floor = match hi {
            0 => 0,
            _ => headers[hi - 1].lower + 1,
        };
        let heading = (h.upper.saturating_sub(3).max(floor)..h.upper)
            .rev()
            .find_map(|r| heading_in(r, cols.last));
        if hi > 0 && heading.is_none() {
            continue;
        }
        let start = heading.map_or(h.upper, |(r, _)| r);
        if let Some((prev, _)) = regions.last_mut() {
            prev.end = start;
        }
        regions.push((
            Region {
                cols: h.columns.clone(),
                start: h.lower + 1,
                end: last_row + 1,
            },
            heading,
        ));
    }
    let mut notes: BTreeSet<u32> = BTreeSet::new();
    let mut extents: Vec<(u32, u32)> = Vec::new();
    // Rows the department hid inside a table are not published (as hidden sheets are not).
    let hidden: BTreeSet<u32> = grid.structure.hidden_rows.iter().copied().collect();
    let mut hidden_here: Vec<u32> = Vec::new();
    let mut col_groups: Vec<(u32, u32, Columns)> = Vec::new();
    for (region, heading) in &regions {
        let cols = &region.cols;
        col_groups.push((region.start, region.end, cols.clone()));
        let table = Table {
            grid,
            cols,
            at: &at,
            text_field: &text_field,
            labels: &labels,
        };
        let mut section = Section {
            heading: heading.map(|(r, c)| text_field(r, c)).unwrap_or_default(),
            items: Vec::new(),
        };
        let mut rows: Vec<u32> = Vec::new();
        let row_list: Vec<u32> = {
            let mut r: Vec<u32> = grid
                .cells
                .range((region.start, 0)..(region.end.max(region.start), 0))
                .map(|((r, _), _)| *r)
                .collect();
            r.dedup();
            r
        };
        for r in row_list {
            if header_rows.contains(&r) {
                continue;
            }
            if hidden.contains(&r) {
                hidden_here.push(r);
                continue;
            }
            // The 大分類 line repeated above a table (the report writes one above each).
            let only_heading = grid
                .cells
                .range((r, 0)..=(r, u32::MAX))
                .all(|(_, v)| {
                    matches!(v, Found::Text(t) if t.contains("大分類") && squash(t).starts_with("大分類"))
                });
            if only_heading {
                for c in grid
                    .cells
                    .range((r, 0)..=(r, u32::MAX))
                    .map(|((_, c), _)| *c)
                    .collect::<Vec<_>>()
                {
                    grid.mark(r, c);
                }
                continue;
            }
            // A 小分類 heading between items, without a repeated header: a new section.
            let no_like = cols
                .no
                .is_some_and(|c| matches!(item_no(grid.get(r, c)), ItemNo::Good(_)));
            if let (Some((hr, hc)), false) = (heading_in(r, cols.last), no_like) {
                if grid.cells.range((r, 0)..=(r, u32::MAX)).count() == 1 {
                    let items = parse_items(&table, &rows, input, &mut notes, &mut extents);
                    section.items = items;
                    sheet.sections.push(std::mem::take(&mut section));
                    section.heading = text_field(hr, hc);
                    rows.clear();
                    continue;
                }
            }
            rows.push(r);
        }
        section.items = parse_items(&table, &rows, input, &mut notes, &mut extents);
        sheet.sections.push(section);
    }
    carry_breaks(grid, &mut sheet, &extents, input, &at);
    hidden_rows_named(grid, (file, name), &hidden_here, input);
    // Above the first table is furniture, unless a table the reader skipped (E106) stands
    // there: its rows are a department's content.
    let furniture_end = failed.first().map_or(first.upper, |f| first.upper.min(*f));
    ledger(
        grid,
        (file, name),
        furniture_end,
        (&header_rows, &notes),
        &col_groups,
        input,
    );
    Some(sheet)
}

/// The office's manual page breaks onto the items they put at the top of a page: a break
/// between two items, or above a 小分類 heading (its 大分類 line, its header), marks the item
/// after it. A break inside an item block is named (W243), one after the last item too (I335);
/// neither is carried. `extents` holds each item's first and last row, in item order.
fn carry_breaks(
    grid: &Grid,
    sheet: &mut Sheet,
    extents: &[(u32, u32)],
    input: &mut Input,
    at: &dyn Fn(u32, u32) -> CellRef,
) {
    let mut items: Vec<&mut Item> = sheet
        .sections
        .iter_mut()
        .flat_map(|s| s.items.iter_mut())
        .collect();
    for &b in &grid.structure.row_breaks {
        let inside = extents.iter().position(|&(s, l)| s < b && b <= l);
        let next = extents.iter().position(|&(s, _)| s >= b);
        let (code, item) = match (inside, next) {
            (Some(i), _) => (Code::BreakInsideItem, Some(i)),
            (None, Some(i)) => {
                items[i].page_break = true;
                continue;
            }
            (None, None) => (Code::BreakAfterItems, None),
        };
        let col = item.and_then(|i| items[i].at.as_ref()).map_or(0, |c| c.col);
        let no = item.and_then(|i| items[i].number());
        input.findings.push(Finding::new(
            code,
            Location::cell(&at(b, col), no, None),
            None,
            &[&(b + 1).to_string()],
        ));
    }
}

/// One W238 per run of hidden rows inside a table: its rows, cells and range; the cells are
/// consumed by the finding.
fn hidden_rows_named(grid: &Grid, (file, name): (&str, &str), rows: &[u32], input: &mut Input) {
    let mut runs: Vec<Vec<u32>> = Vec::new();
    for &r in rows {
        match runs.last_mut() {
            Some(run) if run.last().is_some_and(|l| r == l + 1) => run.push(r),
            _ => runs.push(vec![r]),
        }
    }
    for run in runs {
        let cells: Vec<(u32, u32)> = run
            .iter()
            .flat_map(|r| grid.cells.range((*r, 0)..=(*r, u32::MAX)).map(|(k, _)| *k))
            .collect();
        let Some(&(r0, c0)) = cells.first() else {
            continue;
        };
        for (r, c) in &cells {
            grid.mark(*r, *c);
        }
        let (lo, hi) = (run[0] + 1, run[run.len() - 1] + 1);
        let rows = if lo == hi {
            lo.to_string()
        } else {
            format!("{lo}〜{hi}")
        };
        let c_min = cells.iter().map(|k| k.1).min().unwrap_or(c0);
        let c_max = cells.iter().map(|k| k.1).max().unwrap_or(c0);
        let cell = CellRef {
            file: file.into(),
            sheet: name.into(),
            row: r0,
            col: c0,
        };
        input.findings.push(Finding::new(
            Code::HiddenRowsNotRead,
            Location::cell(&cell, None, None),
            Some(grid.get(r0, c0).display()),
            &[
                &rows,
                &cells.len().to_string(),
                &super::range_a1(run[0], c_min, run[run.len() - 1], c_max),
            ],
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_numbers_by_structure() {
        let t = |s: &str| item_no(&Found::Text(s.into()));
        assert!(matches!(t("No.5"), ItemNo::Good(5)));
        assert!(matches!(t("①"), ItemNo::Good(1)));
        assert!(matches!(t("※注"), ItemNo::NotNo));
        assert!(matches!(t("0"), ItemNo::Bad));
        assert!(matches!(
            item_no(&Found::Number("5.5".parse().unwrap())),
            ItemNo::Bad
        ));
        assert!(matches!(item_no(&Found::Number((-3).into())), ItemNo::Bad));
    }
}
