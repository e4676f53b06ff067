//! Finding the table header rows on a sheet and the column each kind of value is in.

use super::grid::Grid;
use super::labels::{Kind, Label, Labels, YearLabel};
use super::Input;
use crate::finding::{Code, Finding, Location};
use crate::model::{CellRef, Found};
use crate::value::squash;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Column positions of one table, found from its header labels.
#[derive(Clone, Debug, Default)]
pub(super) struct Columns {
    pub(super) no: Option<u32>,
    pub(super) name: Option<u32>,
    pub(super) action: Option<u32>,
    pub(super) schedule: [Option<u32>; 5],
    pub(super) indicator: u32,
    pub(super) unit: Option<u32>,
    pub(super) kubun: Option<u32>,
    pub(super) base: Option<u32>,
    pub(super) years: [Option<u32>; 5],
    pub(super) total: Option<u32>,
    pub(super) effect: Option<u32>,
    pub(super) rate_year: Option<u32>,
    pub(super) rate_total: Option<u32>,
    pub(super) status: Option<u32>,
    pub(super) grade: Option<u32>,
    pub(super) results: Option<u32>,
    pub(super) plan: Option<u32>,
    pub(super) last: u32,
    /// Columns with a header label that is none of the layout's kinds (担当課, 備考): their
    /// cells are carried as texts of the item ([`crate::model::Item::extras`]). Each with its
    /// header cell's row.
    pub(super) extras: Vec<(u32, String, u32)>,
    /// The header text of every labelled column, for messages.
    pub(super) heads: BTreeMap<u32, String>,
}

impl Columns {
    /// The columns the reader maps.
    pub(super) fn mapped(&self) -> Vec<u32> {
        let mut v: Vec<u32> = [
            self.no,
            self.name,
            self.action,
            Some(self.indicator),
            self.unit,
            self.kubun,
            self.base,
            self.total,
            self.effect,
            self.rate_year,
            self.rate_total,
            self.status,
            self.grade,
            self.results,
            self.plan,
        ]
        .into_iter()
        .chain(self.schedule)
        .chain(self.years)
        .flatten()
        .collect();
        v.sort_unstable();
        v
    }

    /// The columns of the item itself (left of the indicator), where a note would stand.
    pub(super) fn item_cols(&self) -> Vec<u32> {
        [self.no, self.name].into_iter().flatten().collect()
    }
}

/// A table header: its rows (the same row for a one-row header) and the columns it defines.
pub(super) struct HeaderAt {
    pub(super) upper: u32,
    pub(super) lower: u32,
    pub(super) columns: Columns,
}

/// Longest cell text (in bytes) that is tried as a header label.
pub(super) const MAX_LABEL_BYTES: usize = 120;

/// Kinds that make a row look like the table's header.
pub(super) fn is_table_kind(k: Kind) -> bool {
    !matches!(k, Kind::Group | Kind::Actions)
}

/// The labels of one row's text cells (rows holding a number are data, never a header).
pub(super) fn row_labels<'g>(
    grid: &'g Grid,
    labels: &Labels,
    row: u32,
    seen: &mut HashMap<&'g str, Label>,
) -> Vec<(u32, Label)> {
    if grid.row_has_number(row) {
        return Vec::new();
    }
    grid.cells
        .range((row, 0)..=(row, u32::MAX))
        .filter_map(|((_, c), v)| match v {
            // Texts repeat (marks, 目標/実績, "-"): each is classified once per sheet.
            Found::Text(t) if t.len() <= MAX_LABEL_BYTES => Some((
                *c,
                *seen.entry(t.as_str()).or_insert_with(|| labels.classify(t)),
            )),
            _ => None,
        })
        .filter(|(_, l)| *l != Label::Unknown)
        .collect()
}

/// Finds every header in a sheet: one or two rows whose labels name at least 項目 and 29基準
/// (or 実施効果), or, for an E106, a row with three table labels matched exactly.
pub(super) fn find_headers(
    grid: &Grid,
    labels: &Labels,
    file: &str,
    sheet: &str,
    input: &mut Input,
    failed: &mut Vec<u32>,
) -> Vec<HeaderAt> {
    let mut headers = Vec::new();
    let rows: Vec<u32> = {
        let mut r: Vec<u32> = grid.cells.keys().map(|(r, _)| *r).collect();
        r.dedup();
        r
    };
    let mut cache: HashMap<u32, Vec<(u32, Label)>> = HashMap::new();
    let mut seen: HashMap<&str, Label> = HashMap::new();
    let mut labels_of = |row: u32| -> Vec<(u32, Label)> {
        cache
            .entry(row)
            .or_insert_with(|| row_labels(grid, labels, row, &mut seen))
            .clone()
    };
    let mut after = 0u32;
    for &row in &rows {
        if row < after {
            continue;
        }
        let here = labels_of(row);
        if here.is_empty() {
            continue;
        }
        let next = labels_of(row + 1);
        let lower = if next.len() >= 2 { row + 1 } else { row };
        let both: Vec<&Label> = here
            .iter()
            .chain(if lower > row { next.iter() } else { [].iter() })
            .map(|(_, l)| l)
            .collect();
        let kinds: BTreeSet<Kind> = both
            .iter()
            .filter_map(|l| match l {
                Label::Known { kind, .. } => Some(*kind),
                _ => None,
            })
            .collect();
        let exact: BTreeSet<Kind> = both
            .iter()
            .filter_map(|l| match l {
                Label::Known {
                    kind, exact: true, ..
                } if is_table_kind(*kind) => Some(*kind),
                _ => None,
            })
            .collect();
        let complete = kinds.contains(&Kind::Indicator)
            && (kinds.contains(&Kind::Base) || kinds.contains(&Kind::Effect));
        let table_like = exact.len() >= 3
            && [Kind::No, Kind::Name, Kind::Indicator]
                .iter()
                .any(|k| exact.contains(k));
        if !(complete || table_like) {
            continue;
        }
        after = lower + 1;
        match header_columns(grid, labels, row, lower, file, sheet, input) {
            Some(columns) => headers.push(HeaderAt {
                upper: row,
                lower,
                columns,
            }),
            None => failed.push(row),
        }
    }
    inherit_extras(&mut headers);
    headers
}

/// A column the department added under the first header (備考) stays that column in the tables
/// below it on the sheet, whose repeated headers do not name it, unless one maps that column.
fn inherit_extras(headers: &mut [HeaderAt]) {
    let mut known: Vec<(u32, String, u32)> = Vec::new();
    for h in headers.iter_mut() {
        let cols = &mut h.columns;
        let mapped = cols.mapped();
        for e in &known {
            let taken = mapped.contains(&e.0) || cols.extras.iter().any(|x| x.0 == e.0);
            if !taken {
                cols.extras.push(e.clone());
            }
        }
        cols.extras.sort_unstable();
        for e in &cols.extras {
            if !known.iter().any(|k| k.0 == e.0) {
                known.push(e.clone());
            }
        }
    }
}

/// Maps the labels of rows `upper` and `lower` (the same row for a one-row header) to columns;
/// None (with an E106) when a column the report needs is missing.
pub(super) fn header_columns(
    grid: &Grid,
    labels: &Labels,
    upper: u32,
    lower: u32,
    file: &str,
    sheet: &str,
    input: &mut Input,
) -> Option<Columns> {
    let cell_at = |row: u32, col: u32| CellRef {
        file: file.into(),
        sheet: sheet.into(),
        row,
        col,
    };
    let mut texts: BTreeMap<u32, (Option<String>, Option<String>)> = BTreeMap::new();
    for ((r, c), v) in grid.cells.range((upper, 0)..=(lower, u32::MAX)) {
        let e = texts.entry(*c).or_default();
        if *r == upper && upper != lower {
            e.0 = Some(v.display());
        } else {
            e.1 = Some(v.display());
        }
    }
    // Per column: its label and the cell it stands in. A label split over both rows
    // ("R1年度" above "年度実績") is read joined; else the lower row's label, else the upper's
    // (a label merged down over both rows stands in the upper row).
    let mut found: Vec<(u32, Label, u32, String)> = Vec::new();
    for (c, (up, low)) in &texts {
        let lab = |t: &Option<String>| t.as_deref().map_or(Label::Unknown, |t| labels.classify(t));
        let (lu, ll) = (lab(up), lab(low));
        let joined = match (up, low) {
            (Some(a), Some(b)) => {
                let j = labels.classify(&format!("{a}{b}"));
                matches!(
                    j,
                    Label::Known {
                        kind: Kind::Results | Kind::Plan,
                        ..
                    }
                )
                .then_some(j)
            }
            _ => None,
        };
        let (label, row, text) = if let Some(j) = joined {
            (
                j,
                upper,
                format!(
                    "{}{}",
                    up.clone().unwrap_or_default(),
                    low.clone().unwrap_or_default()
                ),
            )
        } else if ll != Label::Unknown || up.is_none() {
            (ll, lower, low.clone().unwrap_or_default())
        } else {
            (lu, upper, up.clone().unwrap_or_default())
        };
        // Both header cells of a column are the header: consumed when either is a label.
        if label != Label::Unknown {
            grid.mark(upper, *c);
            grid.mark(lower, *c);
        }
        found.push((*c, label, row, text));
    }
    for (c, label, row, text) in &found {
        let code_args: Option<(Code, Vec<String>)> = match label {
            Label::Ambiguous(a, b) => Some((
                Code::AmbiguousLabel,
                vec![text.clone(), a.label().into(), b.label().into()],
            )),
            Label::OutsideYear
            | Label::Known {
                year: Some(YearLabel::Outside),
                ..
            } => Some((Code::YearOutsidePlan, vec![text.clone()])),
            _ => None,
        };
        if let Some((code, args)) = code_args {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            input.findings.push(Finding::new(
                code,
                Location::cell(&cell_at(*row, *c), None, None),
                Some(text.clone()),
                &args,
            ));
        }
    }
    let first = |kind: Kind| -> Option<u32> {
        found.iter().find_map(|(c, l, _, _)| match l {
            Label::Known { kind: k, .. } if *k == kind => Some(*c),
            _ => None,
        })
    };
    let mut seen: Vec<String> = Vec::new();
    for (_, l, _, t) in &found {
        let t: String = t.split_whitespace().collect();
        if !matches!(l, Label::Unknown) && !seen.contains(&t) {
            seen.push(t);
        }
    }
    let Some(indicator) = first(Kind::Indicator) else {
        let col = found.first().map_or(0, |f| f.0);
        input.findings.push(Finding::new(
            Code::IncompleteHeader,
            Location::cell(&cell_at(lower, col), None, None),
            Some(format!("見出しにあった語: {}", seen.join("、"))),
            &["項目"],
        ));
        return None;
    };
    let mut cols = Columns {
        no: first(Kind::No),
        name: first(Kind::Name),
        action: first(Kind::Actions),
        indicator,
        unit: first(Kind::Unit),
        kubun: first(Kind::Kubun),
        base: first(Kind::Base),
        total: first(Kind::Total),
        effect: first(Kind::Effect),
        rate_year: first(Kind::RateYear),
        rate_total: first(Kind::RateTotal),
        status: first(Kind::Status),
        grade: first(Kind::Grade),
        results: first(Kind::Results),
        plan: first(Kind::Plan),
        ..Columns::default()
    };
    for (c, label, _, _) in &found {
        if let Label::Year(y) = label {
            let slot = if *c < indicator {
                &mut cols.schedule
            } else {
                &mut cols.years
            };
            slot[y.index()].get_or_insert(*c);
        }
    }
    // The unlabelled 区分 column: the first column right of 項目 (and its 単位) without a label.
    if cols.kubun.is_none() {
        let labelled: HashSet<u32> = found
            .iter()
            .filter(|(_, l, _, t)| *l != Label::Unknown || !squash(t).is_empty())
            .map(|(c, _, _, _)| *c)
            .collect();
        let limit = cols
            .base
            .or(cols.years.iter().flatten().min().copied())
            .unwrap_or(indicator + 2);
        cols.kubun = (indicator + 1..limit.max(indicator + 2)).find(|c| !labelled.contains(c));
    }
    if let Some((
        c,
        Label::Known {
            year: Some(YearLabel::Plan(year)),
            ..
        },
        row,
        text,
    )) = found.iter().find(|(c, _, _, _)| Some(*c) == cols.results)
    {
        let at = cell_at(*row, *c);
        match &input.header_year {
            None => input.header_year = Some((*year, text.clone(), at)),
            Some((y, first, first_at)) if y != year => {
                let other = format!("{} {}", first_at.sheet, first_at.a1());
                input.findings.push(Finding::new(
                    Code::YearHeaderMismatch,
                    Location::cell(&at, None, None),
                    Some(text.clone()),
                    &[text, &format!("「{first}」{other}")],
                ));
            }
            Some(_) => {}
        }
    }
    if cols.action.is_none() {
        cols.action = cols
            .schedule
            .iter()
            .flatten()
            .min()
            .map(|c| c.saturating_sub(1));
    }
    let missing: Vec<&str> = [
        ("29基準", cols.base.is_some()),
        ("実施効果", cols.effect.is_some()),
        ("年度目標達成率", cols.rate_year.is_some()),
        ("R1〜R5（成果指標）", cols.years.iter().any(Option::is_some)),
    ]
    .iter()
    .filter(|(_, ok)| !ok)
    .map(|(n, _)| *n)
    .collect();
    if !missing.is_empty() {
        input.findings.push(Finding::new(
            Code::IncompleteHeader,
            Location::cell(&cell_at(lower, indicator), None, None),
            Some(format!("見出しにあった語: {}", seen.join("、"))),
            &[&missing.join("」「")],
        ));
        return None;
    }
    let mapped = cols.mapped();
    cols.extras = found
        .iter()
        .filter(|(c, l, _, t)| *l == Label::Unknown && !squash(t).is_empty() && !mapped.contains(c))
        .map(|(c, _, row, t)| (*c, t.split_whitespace().collect(), *row))
        .collect();
    cols.heads = found
        .iter()
        .filter(|(_, _, _, t)| !t.is_empty())
        .map(|(c, _, _, t)| (*c, t.clone()))
        .collect();
    cols.last = texts.keys().copied().max().unwrap_or(indicator);
    Some(cols)
}

/// A table standing beside the first on one sheet: its first column and its header row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Band {
    pub(super) col: u32,
    pub(super) row: u32,
}

/// The tables beside the first on a sheet (a second department's table pasted at column AA):
/// found where a header row names 項目 twice and, reading its labels and those of the rows
/// around it left to right, a column kind (№, 実施計画, 項目 …) comes a second time. The band
/// starts at the first label after the previous table's last one (a 実施項目 group above №).
pub(super) fn table_bands(grid: &Grid, labels: &Labels) -> Vec<Band> {
    let mut seen: HashMap<&str, Label> = HashMap::new();
    let mut bands: BTreeMap<u32, u32> = BTreeMap::new();
    let mut rows: Vec<u32> = grid.cells.keys().map(|(r, _)| *r).collect();
    rows.dedup();
    for &row in &rows {
        let here = row_labels(grid, labels, row, &mut seen);
        let indicators = here
            .iter()
            .filter(|(_, l)| {
                matches!(
                    l,
                    Label::Known {
                        kind: Kind::Indicator,
                        ..
                    }
                )
            })
            .count();
        if indicators < 2 {
            continue;
        }
        let mut all: Vec<(u32, u32, Label)> = Vec::new();
        for r in row.saturating_sub(1)..=row + 1 {
            let list = row_labels(grid, labels, r, &mut seen);
            all.extend(list.into_iter().map(|(c, l)| (c, r, l)));
        }
        all.sort_by_key(|(c, r, _)| (*c, *r));
        let mut kinds: HashSet<Kind> = HashSet::new();
        let mut pending: Option<(u32, u32)> = None;
        for (c, r, label) in all {
            match label {
                Label::Known { kind, .. } if kind != Kind::Group => {
                    if !kinds.insert(kind) {
                        let (col, at) = pending.unwrap_or((c, r));
                        bands.entry(col).or_insert(at);
                        kinds.clear();
                        kinds.insert(kind);
                    }
                    pending = None;
                }
                _ => {
                    pending.get_or_insert((c, r));
                }
            }
        }
    }
    bands
        .into_iter()
        .map(|(col, row)| Band { col, row })
        .collect()
}
