//! The review workbook for the office (確認結果.xlsx, SPEC §9), never printed as 資料: 指摘一覧
//! (one row per finding, the severity coloured, a link to its cell in the report), 提出状況 (one
//! row per input file), 集計 (per 大分類, 小分類 and in total) and the cumulative 変更履歴. Formatted
//! like the report: the layout's font, thin borders, △ numbers, widths that fit.

use super::heights::display_units;
use super::placed::Placed;
use super::to_f64;
use crate::finding::{Finding, Severity};
use crate::history::{HistoryRow, HISTORY_HEADER, HISTORY_SHEET};
use crate::layout::Layout;
use crate::model::a1;
use crate::render::{FileStatus, TallyRow};
use crate::value::decimals;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Chart, ChartType, Color, Format, FormatAlign, FormatBorder, FormatUnderline, Url, Workbook,
    Worksheet, XlsxError,
};
use std::path::{Path, PathBuf};

/// The name of the review workbook.
pub const REVIEW_FILE: &str = "確認結果.xlsx";

/// What the review workbook shows.
pub struct Review<'a> {
    /// Every finding of the run.
    pub findings: &'a [Finding],
    /// One status per input file.
    pub statuses: &'a [FileStatus],
    /// The 集計 rows.
    pub tally: &'a [TallyRow],
    /// The cumulative 変更履歴 (earlier runs' rows and this run's).
    pub history: &'a [HistoryRow],
    /// The report's file name, linked relatively (same folder).
    pub report_name: &'a str,
    /// The folder both are written to (links to input files are relative to it).
    pub out_dir: &'a Path,
}

/// Excel's built-in cell styles: 悪い, どちらでもない, 良い (fill, font).
const BAD: (u32, u32) = (0xFFC7CE, 0x9C0006);
const NEUTRAL: (u32, u32) = (0xFFEB9C, 0x9C5700);
const GOOD: (u32, u32) = (0xC6EFCE, 0x006100);

struct Styles {
    header: Format,
    text: Format,
    wrap: Format,
    integer: Format,
    link: Format,
    bold_integer: Format,
    bold_text: Format,
    layout: Layout,
}

impl Styles {
    fn new(layout: &Layout) -> Styles {
        let base = Format::new()
            .set_font_name(&layout.font.name)
            .set_font_size(layout.font.size)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let header = base
            .clone()
            .set_bold()
            .set_background_color("#D9E1F2")
            .set_align(FormatAlign::Center)
            .set_text_wrap();
        let integer = base.clone().set_num_format(&layout.formats.integer);
        Styles {
            header,
            text: base.clone(),
            wrap: base.clone().set_text_wrap(),
            link: base
                .clone()
                .set_font_color(Color::RGB(0x0563C1))
                .set_underline(FormatUnderline::Single),
            bold_integer: integer.clone().set_bold(),
            bold_text: base.set_bold(),
            integer,
            layout: layout.clone(),
        }
    }

    fn number(&self, d: Decimal) -> Format {
        self.text
            .clone()
            .set_num_format(self.layout.formats.for_decimals(decimals(d)))
    }

    fn marked(&self, (fill, font): (u32, u32)) -> Format {
        self.text
            .clone()
            .set_background_color(fill)
            .set_font_color(font)
            .set_align(FormatAlign::Center)
    }
}

/// Column widths that fit the longest text of each column (East Asian characters count
/// double), between `min` and 60.
struct Widths(Vec<usize>);

impl Widths {
    fn see(&mut self, col: usize, text: &str) {
        if self.0.len() <= col {
            self.0.resize(col + 1, 4);
        }
        let w = text.lines().map(display_units).max().unwrap_or(0);
        self.0[col] = self.0[col].max(w);
    }

    fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (c, w) in self.0.iter().enumerate() {
            ws.set_column_width(c as u16, (*w as f64 + 2.0).min(60.0))?;
        }
        Ok(())
    }
}

/// Builds the review workbook in `wb` (new, its temporary folder set). `placed` says where each
/// input value went in the report.
///
/// # Errors
/// [`XlsxError`] if a text is longer than a cell allows.
pub(super) fn build(
    mut wb: Workbook,
    review: &Review<'_>,
    placed: &Placed,
    layout: &Layout,
) -> Result<Vec<u8>, XlsxError> {
    let s = Styles::new(layout);
    let normal = Format::new()
        .set_font_name(&layout.font.name)
        .set_font_size(11)
        .set_font_charset(128);
    wb.set_default_format(&normal, 18, 72)?;
    let created = rust_xlsxwriter::ExcelDateTime::from_ymd(2020, 1, 1)?;
    wb.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title("確認結果")
            .set_author("shinchoku")
            .set_creation_datetime(&created),
    );
    findings_sheet(wb.add_worksheet_with_low_memory()?, review, placed, &s)?;
    status_sheet(wb.add_worksheet(), review.statuses, &s)?;
    tally_sheet(wb.add_worksheet(), review.tally, &s)?;
    history_sheet(wb.add_worksheet_with_low_memory()?, review.history, &s)?;
    wb.save_to_buffer()
}

/// A header row, frozen, repeated on every printed page; A4 landscape, one page wide.
fn table(ws: &mut Worksheet, name: &str, header: &[&str], s: &Styles) -> Result<Widths, XlsxError> {
    ws.set_name(name)?;
    let mut widths = Widths(Vec::new());
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &s.header)?;
        widths.see(c, h);
    }
    ws.set_freeze_panes(1, 0)?;
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    Ok(widths)
}

fn severity_rank(f: &Finding) -> u8 {
    match f.severity() {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// 指摘一覧: errors, then warnings, then infos, each by file, sheet, row, column.
fn findings_sheet(
    ws: &mut Worksheet,
    review: &Review<'_>,
    placed: &Placed,
    s: &Styles,
) -> Result<(), XlsxError> {
    let header = [
        "重要度",
        "コード",
        "ファイル",
        "シート",
        "セル",
        "№",
        "指標",
        "入力値",
        "内容",
        "報告書のセル",
    ];
    let mut widths = table(ws, "指摘一覧", &header, s)?;
    let mut order: Vec<&Finding> = review.findings.iter().collect();
    order.sort_by_key(|f| severity_rank(f));
    let (error, warning) = (s.marked(BAD), s.marked(NEUTRAL));
    for (i, f) in order.iter().enumerate() {
        let r = i as u32 + 1;
        let sev = match f.severity() {
            Severity::Error => &error,
            Severity::Warning => &warning,
            Severity::Info => &s.text,
        };
        ws.write_string_with_format(r, 0, f.severity().label(), sev)?;
        let cells = [
            f.code.as_str().to_string(),
            f.at.file.clone(),
            f.at.sheet.clone().unwrap_or_default(),
            f.at.a1().unwrap_or_default(),
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string_with_format(r, c as u16 + 1, v, &s.text)?;
            widths.see(c + 1, v);
        }
        match f.at.item {
            Some(n) => ws.write_number_with_format(r, 5, f64::from(n), &s.integer)?,
            None => ws.write_blank(r, 5, &s.text)?,
        };
        let texts = [
            f.at.indicator.clone().unwrap_or_default(),
            f.found.clone().unwrap_or_default(),
            f.message.clone(),
        ];
        for (c, v) in texts.iter().enumerate() {
            ws.write_string_with_format(r, c as u16 + 6, v, &s.wrap)?;
            widths.see(c + 6, v);
        }
        match link(f, review, placed) {
            Some((target, text)) => {
                widths.see(9, &text);
                let url = Url::new(target).set_text(text);
                ws.write_url_with_format(r, 9, url, &s.link)?
            }
            None => ws.write_blank(r, 9, &s.text)?,
        };
    }
    widths.see(8, &"あ".repeat(25));
    widths.apply(ws)?;
    ws.autofilter(0, 0, order.len() as u32, 9)?;
    Ok(())
}

/// The link of a finding: its cell in the report (relative, same folder), else its cell in the
/// input file; (target, shown text).
fn link(f: &Finding, review: &Review<'_>, placed: &Placed) -> Option<(String, String)> {
    if let Some((sheet, row, col)) = placed.get(&f.at) {
        let cell = a1(row, u32::from(col));
        return Some((
            format!("file:///{}#'{sheet}'!{cell}", review.report_name),
            format!("{sheet}!{cell}"),
        ));
    }
    let sheet = f.at.sheet.as_deref()?;
    let cell = f.at.a1()?;
    let file = relative_to(Path::new(&f.at.file), review.out_dir);
    Some((
        format!("file:///{}#'{sheet}'!{cell}", file.display()),
        format!("入力 {sheet}!{cell}"),
    ))
}

/// `path` as seen from the folder `from` (as given when either cannot be resolved).
fn relative_to(path: &Path, from: &Path) -> PathBuf {
    let (Ok(p), Ok(f)) = (path.canonicalize(), from.canonicalize()) else {
        return path.to_path_buf();
    };
    let common = p
        .components()
        .zip(f.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in f.components().skip(common) {
        out.push("..");
    }
    out.extend(p.components().skip(common));
    out
}

/// 提出状況: one row per input file, its 状態 coloured, then a total row.
fn status_sheet(ws: &mut Worksheet, statuses: &[FileStatus], s: &Styles) -> Result<(), XlsxError> {
    let header = [
        "ファイル",
        "項目数",
        "未入力",
        "実績",
        "評価",
        "達成状況",
        "年度実績",
        "エラー",
        "警告",
        "修正",
        "状態",
    ];
    let mut widths = table(ws, "提出状況", &header, s)?;
    let figures = |st: &FileStatus| {
        [
            st.items,
            st.missing(),
            st.missing_actuals,
            st.missing_grades,
            st.missing_statuses,
            st.missing_results,
            st.errors,
            st.warnings,
            st.corrections,
        ]
    };
    let (bad, good) = (s.marked(BAD), s.marked(GOOD));
    let mut total = [0usize; 9];
    for (i, st) in statuses.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string_with_format(r, 0, st.name(), &s.text)?;
        widths.see(0, &st.name());
        for (c, n) in figures(st).iter().enumerate() {
            ws.write_number_with_format(r, c as u16 + 1, *n as f64, &s.integer)?;
            total[c] += n;
        }
        let (word, fmt) = if st.errors > 0 {
            ("要修正", &bad)
        } else {
            ("確認済み", &good)
        };
        ws.write_string_with_format(r, 10, word, fmt)?;
    }
    let r = statuses.len() as u32 + 1;
    ws.write_string_with_format(r, 0, "合計", &s.bold_text)?;
    for (c, n) in total.iter().enumerate() {
        ws.write_number_with_format(r, c as u16 + 1, *n as f64, &s.bold_integer)?;
    }
    ws.write_blank(r, 10, &s.bold_text)?;
    widths.apply(ws)
}

/// 集計: each 大分類 (bold), its 小分類 (indented), then the total (bold).
fn tally_sheet(ws: &mut Worksheet, rows: &[TallyRow], s: &Styles) -> Result<(), XlsxError> {
    let header = [
        "区分",
        "項目数",
        "Ａ",
        "Ｂ",
        "Ｃ",
        "未評価",
        "達成",
        "休止",
        "その他",
        "財政効果額（千円）",
        "合算した指標数",
    ];
    let mut widths = table(ws, "集計", &header, s)?;
    for (i, t) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        let (text, int) = if t.level == 2 {
            (&s.text, &s.integer)
        } else {
            (&s.bold_text, &s.bold_integer)
        };
        let label = if t.level == 2 {
            format!("　{}", t.label)
        } else {
            t.label.clone()
        };
        ws.write_string_with_format(r, 0, &label, text)?;
        widths.see(0, &label);
        let counts = [
            t.items,
            t.grades[0],
            t.grades[1],
            t.grades[2],
            t.ungraded,
            t.achieved,
            t.paused,
            t.other,
        ];
        for (c, n) in counts.iter().enumerate() {
            ws.write_number_with_format(r, c as u16 + 1, *n as f64, int)?;
        }
        let money = s.number(t.money);
        let money = if t.level == 2 {
            money
        } else {
            money.set_bold()
        };
        ws.write_number_with_format(r, 9, to_f64(t.money), &money)?;
        ws.write_number_with_format(r, 10, t.money_count as f64, int)?;
    }
    widths.apply(ws)?;
    grade_chart(ws, rows, s)
}

/// A stacked bar chart of Ａ/Ｂ/Ｃ per 大分類 beside the 集計, from a small table of the 大分類
/// rows (column M on) that the chart reads.
fn grade_chart(ws: &mut Worksheet, rows: &[TallyRow], s: &Styles) -> Result<(), XlsxError> {
    const AT: u16 = 12;
    let majors: Vec<&TallyRow> = rows.iter().filter(|t| t.level == 1).collect();
    if majors.is_empty() {
        return Ok(());
    }
    ws.write_string_with_format(0, AT, "大分類", &s.header)?;
    for (k, g) in ["Ａ", "Ｂ", "Ｃ"].iter().enumerate() {
        ws.write_string_with_format(0, AT + 1 + k as u16, *g, &s.header)?;
    }
    for (i, t) in majors.iter().enumerate() {
        let r = i as u32 + 1;
        // The chart's category: 「大分類１」 without the title.
        let short: String = t.label.split([' ', '　']).next().unwrap_or("").into();
        ws.write_string_with_format(r, AT, &short, &s.text)?;
        for k in 0..3 {
            ws.write_number_with_format(r, AT + 1 + k as u16, t.grades[k] as f64, &s.integer)?;
        }
    }
    ws.set_column_width(AT, 12)?;
    let last = majors.len() as u32;
    let mut chart = Chart::new(ChartType::BarStacked);
    for k in 1..=3 {
        chart
            .add_series()
            .set_name(("集計", 0, AT + k))
            .set_categories(("集計", 1, AT, last, AT))
            .set_values(("集計", 1, AT + k, last, AT + k));
    }
    chart.title().set_name("評価（Ａ・Ｂ・Ｃ）の内訳");
    ws.insert_chart(last + 2, AT, &chart)?;
    Ok(())
}

/// 変更履歴: 回, then the columns of changes.csv; numbers as numbers in the △ formats.
fn history_sheet(ws: &mut Worksheet, rows: &[HistoryRow], s: &Styles) -> Result<(), XlsxError> {
    let mut widths = table(ws, HISTORY_SHEET, &HISTORY_HEADER, s)?;
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_number_with_format(r, 0, f64::from(row.run), &s.integer)?;
        for (c, v) in row.cells.iter().enumerate() {
            let col = c as u16 + 1;
            // 項目№, 修正前, 修正後: numbers where they are numbers.
            let number = [3, 6, 7]
                .contains(&c)
                .then(|| v.parse::<Decimal>().ok())
                .flatten();
            match number {
                Some(d) => ws.write_number_with_format(r, col, to_f64(d), &s.number(d))?,
                None if v.is_empty() => ws.write_blank(r, col, &s.text)?,
                None => ws.write_string_with_format(r, col, v, &s.wrap)?,
            };
            widths.see(c + 1, v);
        }
    }
    widths.apply(ws)?;
    if !rows.is_empty() {
        ws.autofilter(0, 0, rows.len() as u32, HISTORY_HEADER.len() as u16 - 1)?;
    }
    Ok(())
}
