//! The item blocks of one table, each value with its cell, and the coverage ledger.

use super::grid::Grid;
use super::headers::Columns;
use super::labels::Labels;
use super::sheet::{is_total_text, item_no, ItemNo};
use super::{range_a1, Input};
use crate::finding::{Code, Finding, Location};
use crate::layout::matches;
use crate::model::{a1, Action, CellRef, Field, Found, Indicator, Item, TextField};
use crate::value::{is_percent_format, parse_text, Value};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// One table of a sheet as the item parser sees it: the grid, its columns, the cell and text
/// constructors that record provenance, and the 区分 labels.
#[derive(Clone, Copy)]
pub(super) struct Table<'a> {
    pub(super) grid: &'a Grid,
    pub(super) cols: &'a Columns,
    pub(super) at: &'a dyn Fn(u32, u32) -> CellRef,
    pub(super) text_field: &'a dyn Fn(u32, u32) -> TextField,
    pub(super) labels: &'a Labels,
}

/// Splits the rows of one table into item blocks and notes, and reads each block; each
/// block's first and last row (its merge's end included) goes to `extents`, one per item.
pub(super) fn parse_items(
    table: &Table<'_>,
    rows: &[u32],
    input: &mut Input,
    notes: &mut BTreeSet<u32>,
    extents: &mut Vec<(u32, u32)>,
) -> Vec<Item> {
    let Table {
        grid,
        cols,
        at,
        text_field,
        labels,
    } = *table;
    let mapped = cols.mapped();
    let item_cols = cols.item_cols();
    // A note row: a 計/合計 line, or text standing only in the № or 実施計画 column, or only
    // outside the table's columns.
    let is_note = |r: u32| -> bool {
        let cells: Vec<(u32, &Found)> = grid
            .cells
            .range((r, 0)..=(r, u32::MAX))
            .map(|((_, c), v)| (*c, v))
            .collect();
        let total = cells
            .iter()
            .filter(|(c, _)| *c <= cols.indicator)
            .take(2)
            .any(|(_, v)| matches!(v, Found::Text(t) if is_total_text(t)));
        let in_table: Vec<&(u32, &Found)> =
            cells.iter().filter(|(c, _)| mapped.contains(c)).collect();
        let outside_only = in_table.is_empty();
        let lone_text = in_table.len() == 1
            && item_cols.contains(&in_table[0].0)
            && matches!(in_table[0].1, Found::Text(_))
            && cols
                .no
                .is_none_or(|c| !matches!(item_no(grid.get(r, c)), ItemNo::Good(_)));
        total || outside_only || lone_text
    };
    let starts_item = |r: u32| -> bool {
        if is_note(r) {
            return false;
        }
        match cols.no {
            Some(c) => match item_no(grid.get(r, c)) {
                ItemNo::Good(_) | ItemNo::Bad => true,
                ItemNo::NotNo => false,
                ItemNo::Empty => cols.name.is_some_and(|n| *grid.get(r, n) != Found::Empty),
            },
            None => cols.name.is_some_and(|n| *grid.get(r, n) != Found::Empty),
        }
    };
    let starts: Vec<usize> = (0..rows.len()).filter(|i| starts_item(rows[*i])).collect();
    // An office that merges item cells merges every block: there, an unmerged № is a block
    // of one row, and rows below it are not its actions.
    let merge_of = |s: u32| {
        cols.no
            .and_then(|c| grid.merged_to(s, c))
            .or_else(|| cols.name.and_then(|c| grid.merged_to(s, c)))
    };
    let merged_style = starts.iter().any(|&i| merge_of(rows[i]).is_some());
    let mut in_block: HashSet<u32> = HashSet::new();
    let mut items = Vec::new();
    for (k, &si) in starts.iter().enumerate() {
        let s = rows[si];
        let next = starts.get(k + 1).copied().unwrap_or(rows.len());
        // The block: to its merge's end when the № (or 実施計画) cell is merged; else up to the
        // first note or empty row.
        let merged = merge_of(s).or(merged_style.then_some(s));
        let mut block: Vec<u32> = vec![s];
        for &r in &rows[si + 1..next] {
            match merged {
                Some(m) if r > m => break,
                Some(_) => {}
                None if r > block[block.len() - 1] + 1 || is_note(r) => break,
                None => {}
            }
            block.push(r);
        }
        in_block.extend(block.iter().copied());
        extents.push((s, merged.unwrap_or(s).max(block[block.len() - 1])));
        items.push(parse_item(
            grid, cols, &block, at, text_field, labels, input,
        ));
    }
    notes.extend(rows.iter().filter(|r| !in_block.contains(r)).copied());
    items
}

pub(super) fn field(
    grid: &Grid,
    row: u32,
    col: Option<u32>,
    at: &dyn Fn(u32, u32) -> CellRef,
) -> Field {
    let Some(col) = col else {
        return Field::default();
    };
    let found = grid.take(row, col).clone();
    let format: Option<std::sync::Arc<str>> = grid
        .structure
        .styles
        .get(&(row, col))
        .and_then(|s| grid.styles.format_code(*s))
        .filter(|code| *code != "General")
        .map(Into::into);
    let mut value = match &found {
        Found::Empty => Value::Blank,
        Found::Number(d) => Value::Number(*d),
        Found::Text(s) => parse_text(s),
        Found::Huge(s) => Value::Text(s.clone()),
    };
    // 102.9 % is stored as 1.029 with a percent format: the value is what the cell shows
    // (the correction stage logs the scaling as a form correction).
    if let (Found::Number(d), true) = (&found, format.as_deref().is_some_and(is_percent_format)) {
        if let Some(shown) = d.checked_mul(Decimal::ONE_HUNDRED) {
            value = Value::Number(shown.normalize());
        }
    }
    let formula = grid.formulas.get(&(row, col)).cloned();
    Field {
        value,
        found,
        at: Some(at(row, col)),
        formula,
        format,
    }
}

pub(super) fn parse_item(
    grid: &Grid,
    cols: &Columns,
    rows: &[u32],
    at: &dyn Fn(u32, u32) -> CellRef,
    text_field: &dyn Fn(u32, u32) -> TextField,
    labels: &Labels,
    input: &mut Input,
) -> Item {
    let s = rows[0];
    // Item-level cells keep their place even when blank, so a finding about a missing
    // 年度計画 can name the cell to fill in.
    let opt_text = |col: Option<u32>| {
        col.map(|c| TextField {
            at: Some(at(s, c)),
            ..text_field(s, c)
        })
        .unwrap_or_default()
    };
    let mut no = field(grid, s, cols.no, at);
    match item_no(&no.found) {
        ItemNo::Good(n) => {
            if matches!(no.found, Found::Text(_)) && no.value.number().is_none() {
                // 「No.5」: the № is 5.
                no.value = Value::Number(n.into());
            }
        }
        ItemNo::Bad => {
            let found = no.found.display();
            if let Some(cell) = &no.at {
                input.findings.push(Finding::new(
                    Code::BadItemNo,
                    Location::cell(cell, None, None),
                    Some(found.clone()),
                    &[&found],
                ));
            }
        }
        ItemNo::NotNo | ItemNo::Empty => {}
    }
    let mut item = Item {
        no,
        name: opt_text(cols.name),
        status: opt_text(cols.status),
        grade: opt_text(cols.grade),
        results: opt_text(cols.results),
        plan: opt_text(cols.plan),
        at: Some(at(s, cols.no.or(cols.name).unwrap_or(0))),
        ..Item::default()
    };
    for &r in rows {
        let text = cols.action.map(|c| text_field(r, c)).unwrap_or_default();
        let marks: [TextField; 5] = std::array::from_fn(|y| {
            cols.schedule[y]
                .map(|c| text_field(r, c))
                .unwrap_or_default()
        });
        if text.text.is_some() || marks.iter().any(|m| m.text.is_some()) {
            item.actions.push(Action { text, marks });
        }
    }
    let kubun_of = |r: u32| -> String {
        cols.kubun
            .map(|c| grid.get(r, c).display())
            .unwrap_or_default()
    };
    let number_cells = |r: u32| -> Vec<u32> {
        [cols.base, cols.total]
            .into_iter()
            .chain(cols.years)
            .flatten()
            .filter(|c| {
                !grid.get(r, *c).display().is_empty()
                    && !parse_text(&grid.get(r, *c).display()).is_absent()
            })
            .collect()
    };
    let mut i = 0;
    while i < rows.len() {
        let r = rows[i];
        let name_found = grid.get(r, cols.indicator).display();
        let has_name = !name_found.is_empty() && !parse_text(&name_found).is_absent();
        let kubun = kubun_of(r);
        let is_target = matches(&kubun, &labels.target_row);
        let next = rows.get(i + 1).copied();
        let swapped = matches(&kubun, &labels.actual_row)
            && next.is_some_and(|n| matches(&kubun_of(n), &labels.target_row));
        if is_target || has_name || swapped {
            let lower_row = next.unwrap_or(r + 1);
            let (target, actual) = if swapped {
                (lower_row, r)
            } else {
                (r, lower_row)
            };
            if swapped {
                input.findings.push(Finding::new(
                    Code::SwappedRows,
                    Location::cell(
                        &at(r, cols.kubun.unwrap_or(cols.indicator)),
                        None,
                        Some(name_found.as_str()).filter(|n| !n.is_empty()),
                    ),
                    Some(kubun.clone()),
                    &[&(target + 1).to_string(), &(actual + 1).to_string()],
                ));
            }
            let ind = Indicator {
                name: text_field(r, cols.indicator),
                unit: cols.unit.map(|c| text_field(r, c)).unwrap_or_default(),
                target_label: cols
                    .kubun
                    .map(|c| text_field(target, c))
                    .unwrap_or_default(),
                actual_label: cols
                    .kubun
                    .map(|c| text_field(actual, c))
                    .unwrap_or_default(),
                base: field(grid, target, cols.base, at),
                base_again: field(grid, actual, cols.base, at),
                targets: std::array::from_fn(|y| field(grid, target, cols.years[y], at)),
                target_total: field(grid, target, cols.total, at),
                actuals: std::array::from_fn(|y| field(grid, actual, cols.years[y], at)),
                actual_total: field(grid, actual, cols.total, at),
                effect: field(grid, r, cols.effect, at),
                rate_year: field(grid, r, cols.rate_year, at),
                rate_total: field(grid, r, cols.rate_total, at),
                recalculated: None,
            };
            item.indicators.push(ind);
            i += 2;
            continue;
        }
        if i == 0 && !name_found.is_empty() {
            item.placeholder = text_field(r, cols.indicator);
        }
        let numbers = number_cells(r);
        if !has_name && kubun.is_empty() && !numbers.is_empty() {
            // Numbers without a name: named in one finding with the row below when it is the
            // same kind of row (the 実績 of the same nameless indicator).
            let mut cells: Vec<(u32, u32)> = numbers.iter().map(|c| (r, *c)).collect();
            let mut step = 1;
            if let Some(n) = next {
                let below = number_cells(n);
                if parse_text(&grid.get(n, cols.indicator).display()).is_absent()
                    && kubun_of(n).is_empty()
                    && !below.is_empty()
                {
                    cells.extend(below.iter().map(|c| (n, *c)));
                    step = 2;
                }
            }
            for (cr, cc) in &cells {
                grid.mark(*cr, *cc);
            }
            let (r0, c0) = cells[0];
            let last = cells[cells.len() - 1];
            let range = range_a1(r0, numbers[0], last.0, *numbers.iter().max().unwrap_or(&c0));
            input.findings.push(Finding::new(
                Code::UnnamedIndicatorRow,
                Location::cell(&at(r0, c0), None, None),
                Some(grid.get(r0, c0).display()),
                &[&format!("{}個のセル、{range}", cells.len())],
            ));
            i += step;
            continue;
        }
        i += 1;
    }
    for (c, label, _) in &cols.extras {
        for &r in rows {
            let cell = text_field(r, *c);
            if cell.text.is_some() {
                item.extras.push((label.clone(), cell));
            }
        }
    }
    // "-" cells of an item without indicators are placeholders: nothing to carry.
    let mapped = cols.mapped();
    for &r in rows {
        for ((_, c), v) in grid.cells.range((r, 0)..=(r, cols.last)) {
            if let Found::Text(t) = v {
                if t.len() <= 8
                    && !grid.is_used(r, *c)
                    && mapped.contains(c)
                    && parse_text(t) == Value::NotApplicable
                {
                    grid.mark(r, *c);
                }
            }
        }
    }
    // An indicator is large and a report holds tens of thousands: no spare capacity kept.
    item.indicators.shrink_to_fit();
    item.actions.shrink_to_fit();
    item
}

/// One group of cells the reader did not map.
pub(super) struct Group {
    pub(super) cells: Vec<(u32, u32)>,
}

impl Group {
    pub(super) fn range(&self) -> String {
        let (mut r0, mut c0, mut r1, mut c1) = (u32::MAX, u32::MAX, 0, 0);
        for (r, c) in &self.cells {
            r0 = r0.min(*r);
            c0 = c0.min(*c);
            r1 = r1.max(*r);
            c1 = c1.max(*c);
        }
        range_a1(r0, c0, r1, c1)
    }
}

/// The coverage ledger's findings: every non-empty cell of the sheet the reader did not
/// consume, grouped so that a clerk reads a few lines: layout furniture above the table and in
/// header rows (info), one finding per unmapped column of a table, one per note region
/// (rows outside every item block, or cells right of the table).
pub(super) fn ledger(
    grid: &Grid,
    (file, sheet): (&str, &str),
    furniture_end: u32,
    (header_rows, notes): (&BTreeSet<u32>, &BTreeSet<u32>),
    regions: &[(u32, u32, Columns)],
    input: &mut Input,
) {
    carried_columns(grid, (file, sheet), header_rows, regions, input);
    let mut furniture: Vec<Group> = Vec::new();
    let mut note_groups: Vec<Group> = Vec::new();
    let mut columns: BTreeMap<u32, Group> = BTreeMap::new();
    let mut header_cells: Vec<(u32, u32)> = Vec::new();
    let push_run = |groups: &mut Vec<Group>, r: u32, c: u32| match groups.last_mut() {
        Some(g) if g.cells.last().is_some_and(|(lr, _)| r <= lr + 1) => g.cells.push((r, c)),
        _ => groups.push(Group {
            cells: vec![(r, c)],
        }),
    };
    for ((r, c), v) in &grid.cells {
        let (r, c) = (*r, *c);
        if grid.is_used(r, c) || crate::own::is_own_line(&v.display()) {
            continue;
        }
        if r < furniture_end {
            push_run(&mut furniture, r, c);
            continue;
        }
        if header_rows.contains(&r) {
            header_cells.push((r, c));
            continue;
        }
        let region = regions.iter().any(|(s, e, _)| (*s..*e).contains(&r));
        if region && !notes.contains(&r) {
            columns
                .entry(c)
                .or_insert(Group { cells: Vec::new() })
                .cells
                .push((r, c));
        } else {
            push_run(&mut note_groups, r, c);
        }
    }
    // The header cell of an unread column is part of that column's finding.
    let mut header_furniture: Vec<Group> = Vec::new();
    for (r, c) in header_cells {
        match columns.get_mut(&c) {
            Some(g) => g.cells.push((r, c)),
            None => push_run(&mut header_furniture, r, c),
        }
    }
    furniture.extend(header_furniture);
    for g in columns.values_mut() {
        g.cells.sort_unstable();
    }
    let cell = |r: u32, c: u32| CellRef {
        file: file.into(),
        sheet: sheet.into(),
        row: r,
        col: c,
    };
    let short = |r: u32, c: u32| -> String {
        let t = grid.get(r, c).display();
        let t: String = t.chars().filter(|c| !c.is_control()).take(20).collect();
        t
    };
    for (code, groups) in [
        (Code::FurnitureNotRead, furniture),
        (Code::NoteNotRead, note_groups),
    ] {
        for g in groups {
            let (r, c) = g.cells[0];
            input.findings.push(Finding::new(
                code,
                Location::cell(&cell(r, c), None, None),
                Some(grid.get(r, c).display()),
                &[&short(r, c), &g.cells.len().to_string(), &g.range()],
            ));
        }
    }
    for (col, g) in columns {
        let (r, c) = g.cells[0];
        let head = regions
            .iter()
            .find_map(|(_, _, cols)| cols.heads.get(&col))
            .map_or_else(|| "なし".to_string(), |h| h.split_whitespace().collect());
        let letters: String = a1(0, col).trim_end_matches('1').to_string();
        input.findings.push(Finding::new(
            Code::ColumnNotRead,
            Location::cell(&cell(r, c), None, None),
            Some(grid.get(r, c).display()),
            &[&letters, &head, &g.cells.len().to_string(), &g.range()],
        ));
    }
}

/// The columns the layout does not know whose cells were carried as texts of the items: each
/// with its header label, column, count and range into `input.extra_columns` (one I328 per file).
fn carried_columns(
    grid: &Grid,
    (file, sheet): (&str, &str),
    header_rows: &BTreeSet<u32>,
    regions: &[(u32, u32, Columns)],
    input: &mut Input,
) {
    let mut carried: BTreeMap<(u32, &str), (u32, Vec<u32>)> = BTreeMap::new();
    for (start, end, cols) in regions {
        for (c, label, head) in &cols.extras {
            // The header cells of a carried column (the table's, and a header repeated inside
            // the table) are read with it; the count is of the items' cells.
            grid.mark(*head, *c);
            let entry = carried.entry((*c, label)).or_insert((*head, Vec::new()));
            let rows = grid.cells.range((*start, 0)..(*end, 0));
            for ((r, _), _) in rows.filter(|((_, cc), _)| cc == c) {
                if header_rows.contains(r) {
                    grid.mark(*r, *c);
                } else if grid.is_used(*r, *c) {
                    entry.1.push(*r);
                }
            }
        }
    }
    for ((col, label), (head, rows)) in carried {
        let letters: String = a1(0, col).trim_end_matches('1').to_string();
        // The range runs from the header cell to the last carried cell.
        let last = rows.last().copied().unwrap_or(head).max(head);
        let range = range_a1(head, col, last, col);
        let at = CellRef {
            file: file.into(),
            sheet: sheet.into(),
            row: head,
            col,
        };
        let text = format!(
            "{sheet}!{range}：{letters}列「{label}」{}個のセル",
            rows.len()
        );
        input.extra_columns.push((at, text));
    }
}
