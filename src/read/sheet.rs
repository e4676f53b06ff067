//! One sheet: its regions (小分類 tables) and the item numbers that start each block.

use super::grid::Grid;
use super::headers::{find_headers, Columns};
use super::items::{ledger, parse_items, Table};
use super::labels::{norm, Labels};
use super::Input;
use crate::layout::Layout;
use crate::model::{CellRef, Found, Section, Sheet, TextField};
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

/// Parses one worksheet; None when it holds no report table.
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
    let mut col_groups: Vec<(u32, u32, Columns)> = Vec::new();
    for (region, heading) in &regions {
        let cols = &region.cols;
        col_groups.push((region.start, region.end, cols.clone()));
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
                    let items = parse_items(
                        &Table {
                            grid,
                            cols,
                            at: &at,
                            text_field: &text_field,
                            labels: &labels,
                        },
                        &rows,
                        input,
                        &mut notes,
                    );
                    section.items = items;
                    sheet.sections.push(std::mem::take(&mut section));
                    section.heading = text_field(hr, hc);
                    rows.clear();
                    continue;
                }
            }
            rows.push(r);
        }
        section.items = parse_items(
            &Table {
                grid,
                cols,
                at: &at,
                text_field: &text_field,
                labels: &labels,
            },
            &rows,
            input,
            &mut notes,
        );
        sheet.sections.push(section);
    }
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
