//! The report layout as data (`templates/layout.toml`): header labels and their variants,
//! header texts, column widths, number formats, font, print setup and per-大分類 titles.

use crate::error::{Error, Result};
use crate::value::squash;
use serde::Deserialize;
use std::path::Path;

/// The layout shipped with the program.
pub const DEFAULT_LAYOUT: &str = include_str!("../templates/layout.toml");

/// Column positions of the written report (A..X).
pub mod col {
    /// №
    pub const NO: u16 = 0;
    /// 実施計画
    pub const NAME: u16 = 1;
    /// 行動計画 text
    pub const ACTION: u16 = 2;
    /// Schedule marks R1..R5 start here.
    pub const SCHEDULE: u16 = 3;
    /// 項目
    pub const INDICATOR: u16 = 8;
    /// 目標 / 実績
    pub const KUBUN: u16 = 9;
    /// 29基準
    pub const BASE: u16 = 10;
    /// Indicator years R1..R5 start here.
    pub const YEARS: u16 = 11;
    /// 合計
    pub const TOTAL: u16 = 16;
    /// 実施効果
    pub const EFFECT: u16 = 17;
    /// 年度目標達成率
    pub const RATE_YEAR: u16 = 18;
    /// 合計目標達成率
    pub const RATE_TOTAL: u16 = 19;
    /// 達成状況
    pub const STATUS: u16 = 20;
    /// 評価
    pub const GRADE: u16 = 21;
    /// 年度実績
    pub const RESULTS: u16 = 22;
    /// 年度計画
    pub const PLAN: u16 = 23;
}

/// Accepted header labels per column; each list is matched after [`squash`].
#[derive(Clone, Debug, Deserialize)]
#[allow(missing_docs)]
pub struct Labels {
    pub no: Vec<String>,
    pub name: Vec<String>,
    pub actions: Vec<String>,
    pub indicator: Vec<String>,
    #[serde(default = "default_unit")]
    pub unit: Vec<String>,
    pub kubun: Vec<String>,
    pub base: Vec<String>,
    pub total: Vec<String>,
    pub effect: Vec<String>,
    pub rate_year: Vec<String>,
    pub rate_total: Vec<String>,
    pub status: Vec<String>,
    pub grade: Vec<String>,
    pub results: Vec<String>,
    pub plan: Vec<String>,
    pub target_row: Vec<String>,
    pub actual_row: Vec<String>,
}

/// Header texts the writer prints.
#[derive(Clone, Debug, Deserialize)]
#[allow(missing_docs)]
pub struct Header {
    pub item_group: String,
    pub action_group: String,
    pub indicator_group: String,
    pub no: String,
    pub name: String,
    pub indicator: String,
    pub base: String,
    pub total: String,
    pub effect: String,
    pub rate_year: String,
    pub rate_total: String,
    pub status: String,
    pub grade: String,
    pub results: String,
    pub plan: String,
}

/// Column widths (Excel character units).
#[derive(Clone, Debug, Deserialize)]
#[allow(missing_docs)]
pub struct Widths {
    pub no: f64,
    pub name: f64,
    pub action: f64,
    pub schedule: f64,
    pub indicator: f64,
    pub kubun: f64,
    pub base: f64,
    pub year: f64,
    pub total: f64,
    pub effect: f64,
    pub rate: f64,
    pub status: f64,
    pub grade: f64,
    pub results: f64,
    pub plan: f64,
}

/// Number formats by decimals, and for rates.
#[derive(Clone, Debug, Deserialize)]
#[allow(missing_docs)]
pub struct Formats {
    pub integer: String,
    pub decimal1: String,
    pub decimal2: String,
    pub decimal3: String,
    pub rate: String,
}

impl Formats {
    /// The number format for a value shown with `decimals` places.
    pub fn for_decimals(&self, decimals: u32) -> &str {
        match decimals {
            0 => &self.integer,
            1 => &self.decimal1,
            2 => &self.decimal2,
            _ => &self.decimal3,
        }
    }
}

/// The font of every cell.
#[derive(Clone, Debug, Deserialize)]
pub struct Font {
    /// Font name (a Japanese font).
    pub name: String,
    /// Point size.
    pub size: f64,
}

/// Print setup and page texts.
#[derive(Clone, Debug, Deserialize)]
pub struct Print {
    /// Top-right date of the first sheet; without it the report year's (see [`report_date`]).
    #[serde(default)]
    pub date: Option<String>,
    /// Top-right document number of the first sheet.
    pub doc_no: String,
    /// Footer; `{short}` is replaced by the section's short title.
    pub footer: String,
    /// Paper size code of the print setup (8 = A3).
    #[serde(default = "default_paper")]
    pub paper: u8,
    /// Margins in inches: left, right, top, bottom, header, footer.
    #[serde(default = "default_margins")]
    pub margins: [f64; 6],
}

fn default_unit() -> Vec<String> {
    vec!["単位".into()]
}

fn default_paper() -> u8 {
    8
}

fn default_margins() -> [f64; 6] {
    [0.4, 0.4, 0.6, 0.6, 0.3, 0.3]
}

/// The drop-down lists of the written workbook's 評価 and 達成状況 cells.
#[derive(Clone, Debug, Deserialize)]
pub struct Lists {
    /// 評価: only these (a stop dialog for anything else).
    pub grade: Vec<String>,
    /// 達成状況: offered, with a warning for other texts ("№45に統合").
    pub status: Vec<String>,
}

impl Default for Lists {
    fn default() -> Lists {
        Lists {
            grade: ["Ａ", "Ｂ", "Ｃ"].map(String::from).to_vec(),
            status: ["達成", "未達成", "休止"].map(String::from).to_vec(),
        }
    }
}

/// One 大分類: its sheet name, title and footer short title. (Its first page number follows
/// the pages laid out before it; a `first_page` key of an older layout file is ignored.)
#[derive(Clone, Debug, Deserialize)]
pub struct SectionLayout {
    /// 大分類 number.
    pub no: u32,
    /// Worksheet name.
    pub sheet: String,
    /// Title after "大分類Ｎ".
    pub title: String,
    /// Short title in the footer.
    pub short: String,
}

/// The whole layout file.
#[derive(Clone, Debug, Deserialize)]
#[allow(missing_docs)]
pub struct Layout {
    pub labels: Labels,
    pub header: Header,
    pub widths: Widths,
    pub formats: Formats,
    pub font: Font,
    pub print: Print,
    #[serde(default)]
    pub lists: Lists,
    #[serde(default)]
    pub section: Vec<SectionLayout>,
}

impl Layout {
    /// The built-in layout.
    pub fn builtin() -> Layout {
        toml::from_str(DEFAULT_LAYOUT).expect("the built-in layout.toml is valid (tested)")
    }

    /// Loads an edited layout file.
    ///
    /// # Errors
    /// [`Error::Settings`] when the file cannot be read or is not a valid layout.
    pub fn load(path: &Path) -> Result<Layout> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Settings {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })?;
        toml::from_str(&text).map_err(|e| Error::Settings {
            path: path.to_path_buf(),
            detail: e.to_string(),
        })
    }

    /// The section layout for a worksheet, by sheet name or by 大分類 number in its heading.
    pub fn section_for(&self, sheet: &str, heading: &str) -> Option<&SectionLayout> {
        self.section.iter().find(|s| s.sheet == sheet).or_else(|| {
            let h = squash(heading);
            self.section
                .iter()
                .find(|s| h.starts_with(&format!("大分類{}", s.no)))
        })
    }
}

/// The date a report of plan year R`year` is printed with, as the seed dates its R1 report:
/// 令和(n+1)年7月.
pub fn report_date(year: u8) -> String {
    format!("令和{}年7月", u32::from(year) + 1)
}

/// Checks a `--date`: 「令和n年m月」 (元 and full-width digits accepted) or 「R n/m」, given
/// back as 「令和n年m月」.
///
/// # Errors
/// A message in Japanese for anything else (「2021/7」 is refused: the report uses 令和).
pub fn parse_date(s: &str) -> std::result::Result<String, String> {
    let t = squash(s);
    let t = t.replace("元", "1");
    let (year, month) = if let Some(rest) = t.strip_prefix("令和") {
        rest.strip_suffix('月')
            .and_then(|r| r.split_once('年'))
            .unwrap_or(("", ""))
    } else if let Some(rest) = t.strip_prefix(['R', 'r']) {
        rest.split_once('/').unwrap_or(("", ""))
    } else {
        ("", "")
    };
    let number = |x: &str| {
        x.parse::<u32>()
            .ok()
            .filter(|_| x.chars().all(|c| c.is_ascii_digit()))
    };
    match (number(year), number(month)) {
        (Some(y), Some(m)) if (1..=99).contains(&y) && (1..=12).contains(&m) => {
            Ok(format!("令和{y}年{m}月"))
        }
        _ => Err(format!(
            "日付は「令和n年m月」（または R n/m）で書いてください（例: 令和2年7月、R2/7）: {s}"
        )),
    }
}

/// True if `label` equals one of `variants` after normalisation.
pub fn matches(label: &str, variants: &[String]) -> bool {
    let l = squash(label);
    !l.is_empty() && variants.iter().any(|v| squash(v) == l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_layout_parses() {
        let l = Layout::builtin();
        assert_eq!(l.section.len(), 4);
        assert!(matches("２９\n基準", &l.labels.base));
        assert!(matches("Ｎｏ", &l.labels.no));
        assert!(matches("№", &l.labels.no));
        assert_eq!(l.print.date, None);
    }

    #[test]
    fn a_report_is_dated_july_of_the_next_reiwa_year() {
        assert_eq!(report_date(1), "令和2年7月");
        assert_eq!(report_date(2), "令和3年7月");
    }

    #[test]
    fn date_accepts_reiwa_and_r_forms_and_refuses_the_rest() {
        for (s, want) in [
            ("令和3年7月", "令和3年7月"),
            ("令和３年７月", "令和3年7月"),
            ("令和元年12月", "令和1年12月"),
            ("R3/7", "令和3年7月"),
            ("R 3/7", "令和3年7月"),
            ("Ｒ３/７", "令和3年7月"),
        ] {
            assert_eq!(parse_date(s).as_deref(), Ok(want), "{s}");
        }
        for s in ["2021/7", "令和3年", "R3/13", "3年7月", "令和3年7月1日", ""] {
            assert!(parse_date(s).unwrap_err().contains("令和n年m月"), "{s}");
        }
    }
}
