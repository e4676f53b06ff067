//! The data model in the middle of the pipeline: read → [`Report`] → check/calc → write.
//!
//! Every value keeps where it was found ([`CellRef`]) and what the cell held ([`Found`]),
//! so findings and the change log can name the exact cell and the value as typed.

use crate::rules::Rule;
use crate::value::Value;
use rust_decimal::Decimal;
use serde::Serialize;
use std::fmt;
use std::sync::Arc;

/// A report year R1..R5 of the five-year plan.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Year(u8);

impl Year {
    /// All five plan years, R1 first.
    pub const ALL: [Year; 5] = [Year(1), Year(2), Year(3), Year(4), Year(5)];

    /// The year R`n`, if `n` is 1..=5.
    pub fn new(n: u8) -> Option<Year> {
        (1..=5).contains(&n).then_some(Year(n))
    }

    /// 1 for R1 … 5 for R5.
    pub fn number(self) -> u8 {
        self.0
    }

    /// 0-based index into per-year arrays.
    pub fn index(self) -> usize {
        usize::from(self.0 - 1)
    }

    /// Parses "R1", "Ｒ１", "R元", "令和元年度", "令和2年度" (after NFKC).
    pub fn parse(label: &str) -> Option<Year> {
        let s = crate::value::squash(label);
        let rest = s
            .strip_prefix("令和")
            .or_else(|| s.strip_prefix('R'))
            .or_else(|| s.strip_prefix('r'))?;
        let rest = rest.strip_suffix("年度").unwrap_or(rest);
        match rest {
            "元" => Some(Year(1)),
            _ => rest.parse::<u8>().ok().and_then(Year::new),
        }
    }
}

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "R{}", self.0)
    }
}

/// A cell position: file, sheet and 0-based row/column, shown as A1. The file and sheet names
/// are shared by every cell of the sheet (one allocation each, not one per value).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct CellRef {
    /// The input file as given on the command line.
    pub file: Arc<str>,
    /// The worksheet name.
    pub sheet: Arc<str>,
    /// 0-based row.
    pub row: u32,
    /// 0-based column.
    pub col: u32,
}

impl CellRef {
    /// The cell in A1 notation ("R12").
    pub fn a1(&self) -> String {
        a1(self.row, self.col)
    }
}

/// A1 notation for a 0-based (row, column): (0, 0) → "A1", (4, 26) → "AA5", by
/// `rust_xlsxwriter::utility`. Positions past Excel's last cell (XFD1048576), which no valid
/// workbook holds, are shown as that last row or column.
pub fn a1(row: u32, col: u32) -> String {
    let col = u16::try_from(col.min(16_383)).unwrap_or(16_383);
    rust_xlsxwriter::utility::row_col_to_cell(row.min(1_048_575), col)
}

/// What a cell held, exactly as read (numbers already converted to 15 significant digits).
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Found {
    /// No value.
    #[default]
    Empty,
    /// A numeric cell.
    Number(Decimal),
    /// A text cell, kept byte for byte.
    Text(String),
    /// A numeric cell beyond the exact decimals' range (8e28), kept as its number ("8e28"):
    /// written back as a number, never used in a calculation.
    Huge(String),
}

impl Found {
    /// The value as found, for messages and the change log ("" when empty).
    pub fn display(&self) -> String {
        match self {
            Found::Empty => String::new(),
            Found::Number(d) => d.normalize().to_string(),
            Found::Text(s) | Found::Huge(s) => s.clone(),
        }
    }
}

/// A derived figure: blank, "-" (zero or missing denominator / inputs), or a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    /// Nothing is shown (a level indicator's 合計).
    Blank,
    /// "-": not computable (zero or missing denominator, missing input).
    Dash,
    /// The figure.
    Number(Decimal),
}

impl Figure {
    /// The number, if any.
    pub fn number(self) -> Option<Decimal> {
        match self {
            Figure::Number(d) => Some(d),
            _ => None,
        }
    }

    /// The figure as a cell value.
    pub fn to_value(self) -> Value {
        match self {
            Figure::Blank => Value::Blank,
            Figure::Dash => Value::NotApplicable,
            Figure::Number(d) => Value::Number(d),
        }
    }

    /// Plain text for logs: "", "-", or a plain decimal ("-25.1").
    pub fn plain(self) -> String {
        match self {
            Figure::Blank => String::new(),
            Figure::Dash => "-".into(),
            Figure::Number(d) => d.normalize().to_string(),
        }
    }
}

/// The recalculated figures of one indicator and the rule that gave them (set by
/// `calc::recalculate` on the indicator itself, so they cannot be misaligned by a re-sort).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Derived {
    /// The rule used.
    pub rule: Rule,
    /// 実施効果 = A_n − B (A_n without a baseline).
    pub effect: Figure,
    /// 年度目標達成率, rounded to one decimal.
    pub rate_year: Figure,
    /// The 実績 row's 合計: actual to date.
    pub actual_to_date: Figure,
    /// 合計目標達成率, rounded to one decimal.
    pub rate_total: Figure,
}

/// A number-column cell: its parsed value, what it held, and where.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Field {
    /// The parsed value.
    pub value: Value,
    /// The cell content as found.
    pub found: Found,
    /// Where it was found (None for cells we created).
    pub at: Option<CellRef>,
    /// The formula the cell held, as stored (`found` is then its cached result, if any).
    pub formula: Option<String>,
    /// The cell's number format code as stored ("0.0%", `#,##0;"△ "#,##0`): a percent format
    /// scales the value, and a derived cell keeps the decimals it was shown with.
    pub format: Option<Arc<str>>,
}

impl Field {
    /// A field holding `value` that was not read from any cell.
    pub fn new(value: Value) -> Field {
        Field {
            value,
            found: Found::Empty,
            at: None,
            formula: None,
            format: None,
        }
    }

    /// The decimals the cell was shown with, when its number format fixes them.
    pub fn shown_decimals(&self) -> Option<u32> {
        self.format
            .as_deref()
            .and_then(crate::value::format_decimals)
    }

    /// True when the cell's number format shows a percent (1.029 shown as 102.9%).
    pub fn is_percent(&self) -> bool {
        self.format
            .as_deref()
            .is_some_and(crate::value::is_percent_format)
    }
}

/// A text cell: kept exactly as entered, line breaks included.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct TextField {
    /// The text (None when blank).
    pub text: Option<String>,
    /// Where it was found.
    pub at: Option<CellRef>,
}

impl TextField {
    /// The text, or "" when blank.
    pub fn as_str(&self) -> &str {
        self.text.as_deref().unwrap_or("")
    }
}

/// One row of the 行動計画: the action and its schedule marks R1..R5.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Action {
    /// The action text.
    pub text: TextField,
    /// Schedule marks (→, ━ …) per year R1..R5.
    pub marks: [TextField; 5],
}

/// One 成果指標 with its 目標 and 実績 rows.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Indicator {
    /// Indicator name with unit (項目).
    pub name: TextField,
    /// The 単位 cell, when the office has a 単位 column beside 項目.
    pub unit: TextField,
    /// 区分 cell of the upper row ("目標").
    pub target_label: TextField,
    /// 区分 cell of the lower row ("実績").
    pub actual_label: TextField,
    /// 29基準 in the 目標 row.
    pub base: Field,
    /// 29基準 repeated in the 実績 row.
    pub base_again: Field,
    /// Yearly targets R1..R5.
    pub targets: [Field; 5],
    /// 合計 target.
    pub target_total: Field,
    /// Yearly actuals R1..R5.
    pub actuals: [Field; 5],
    /// 合計 of the 実績 row: actual to date (derived).
    pub actual_total: Field,
    /// 実施効果 (derived).
    pub effect: Field,
    /// 年度目標達成率 (derived).
    pub rate_year: Field,
    /// 合計目標達成率 (derived).
    pub rate_total: Field,
    /// The recalculated figures (None until `calc::recalculate` has run).
    pub recalculated: Option<Derived>,
}

/// One 実施項目: a block of rows in the table.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Item {
    /// The item number cell (№).
    pub no: Field,
    /// 実施計画: the item name.
    pub name: TextField,
    /// 行動計画 rows.
    pub actions: Vec<Action>,
    /// 成果指標.
    pub indicators: Vec<Indicator>,
    /// Placeholder cells of an item without indicators ("-" in 項目 and results).
    pub placeholder: TextField,
    /// 達成状況.
    pub status: TextField,
    /// 評価.
    pub grade: TextField,
    /// 年度実績 text.
    pub results: TextField,
    /// 年度計画 text.
    pub plan: TextField,
    /// First cell of the block (for locating the item).
    pub at: Option<CellRef>,
    /// A page starts with this item (and with its 小分類 heading when it is the first of its
    /// table): the office's manual page break before its block, carried into the report.
    pub page_break: bool,
    /// Cells of columns the layout does not know (担当課, 備考): the column's header label and
    /// the cell's text, carried back to the department in its return workbook, never printed
    /// in the published report (資料2 prints the same columns for every department).
    pub extras: Vec<(String, TextField)>,
}

impl Item {
    /// The item number, if the № cell holds a whole number.
    pub fn number(&self) -> Option<u32> {
        use rust_decimal::prelude::ToPrimitive;
        let d = self.no.value.number()?;
        if d.fract().is_zero() {
            d.to_u32()
        } else {
            None
        }
    }

    /// Rows the block spans: max(actions, 2 × indicators, 1).
    pub fn span(&self) -> usize {
        self.actions.len().max(2 * self.indicators.len()).max(1)
    }
}

/// A 小分類: its heading and items.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Section {
    /// The heading ("＜小分類1 簡素で効率的な組織＞").
    pub heading: TextField,
    /// The items in sheet order.
    pub items: Vec<Item>,
}

/// One worksheet: a 大分類.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Sheet {
    /// Worksheet name.
    pub name: String,
    /// The 大分類 heading.
    pub heading: TextField,
    /// Top-right date ("令和2年7月"), if present.
    pub date: TextField,
    /// Top-right document number ("資料２"), if present.
    pub doc_no: TextField,
    /// The 小分類 tables.
    pub sections: Vec<Section>,
}

impl Sheet {
    /// The sheet's name, headings, date and number, without its tables (no copy of them).
    pub fn without_sections(&self) -> Sheet {
        Sheet {
            name: self.name.clone(),
            heading: self.heading.clone(),
            date: self.date.clone(),
            doc_no: self.doc_no.clone(),
            sections: Vec::new(),
        }
    }
}

/// A whole report: the sheets of one or more input workbooks.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Report {
    /// The worksheets in order.
    pub sheets: Vec<Sheet>,
}

impl Report {
    /// Every item with its sheet, in order.
    pub fn items(&self) -> impl Iterator<Item = (&Sheet, &Item)> {
        self.sheets.iter().flat_map(|s| {
            s.sections
                .iter()
                .flat_map(move |sec| sec.items.iter().map(move |i| (s, i)))
        })
    }

    /// Every item, mutably, in order.
    pub fn items_mut(&mut self) -> impl Iterator<Item = &mut Item> {
        self.sheets
            .iter_mut()
            .flat_map(|s| s.sections.iter_mut())
            .flat_map(|sec| sec.items.iter_mut())
    }

    /// Every indicator with its item, in report order.
    pub fn indicators(&self) -> impl Iterator<Item = (&Item, &Indicator)> {
        self.items()
            .flat_map(|(_, item)| item.indicators.iter().map(move |ind| (item, ind)))
    }

    /// Every indicator, mutably, with its item's № (see [`Item::number`]), in report order.
    pub fn indicators_mut(&mut self) -> impl Iterator<Item = (Option<u32>, &mut Indicator)> {
        self.items_mut().flat_map(|item| {
            let no = item.number();
            item.indicators.iter_mut().map(move |ind| (no, ind))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_names_columns_past_z() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(4, 25), "Z5");
        assert_eq!(a1(4, 26), "AA5");
        assert_eq!(a1(1_048_575, 16_383), "XFD1048576");
    }

    #[test]
    fn year_accepts_the_variants_of_real_workbooks() {
        for s in ["R1", "Ｒ１", "R元", "令和元年度", "R1年度", "Ｒ 1"] {
            assert_eq!(Year::parse(s), Year::new(1), "{s}");
        }
        assert_eq!(Year::parse("令和2年度"), Year::new(2));
        assert_eq!(Year::parse("R6"), None);
        assert_eq!(Year::parse("合計"), None);
    }
}
