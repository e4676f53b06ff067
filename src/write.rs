//! Writing: the corrected [`Report`] (+ its [`Calculation`], the [`Layout`] and the
//! [`Change`]s) → the report workbook as published (SPEC §2, §6): layout with merges, borders,
//! the Japanese font and the △ formats; derived cells as live formulas whose cached results
//! are our decimals; notes on corrected cells; 評価/達成状況 lists; A3 landscape print setup.
//! Also the department workbook (`template`: same layout, inputs unlocked, sheets protected)
//! and the other output files, each written to a temporary file and renamed into place.

use crate::calc::{input_decimals, Calculation, Derived, Figure, Rule};
use crate::changelog::Change;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::model::{
    a1, CellRef, Field, Found, Indicator, Item, Report, Sheet, TextField, Value, Year,
};
use crate::rules::{ActualRule, RateRule, TotalRule};
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, Formula, Note, Workbook, Worksheet, XlsxError,
};
use std::borrow::{Borrow, Cow};
use std::collections::BTreeMap;
use std::path::Path;

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

/// Options of the written report that come from the command line.
#[derive(Clone, Debug, Default)]
pub struct WriteOptions {
    /// `--date`: the top-right date of the first sheet.
    pub date: Option<String>,
    /// `--doc-no`: the top-right document number of the first sheet.
    pub doc_no: Option<String>,
    /// The rows of the 変更履歴 sheet (earlier runs' and this run's).
    pub history: Vec<crate::changelog::HistoryRow>,
}

/// The formats used in the report, built once from the layout.
struct Formats {
    plain: Format,
    text: Format,
    text_wrap: Format,
    center: Format,
    center_wrap: Format,
    heading: Format,
    header: Format,
    rate: Format,
    numbers: [Format; 4],
    derived: [Format; 4],
}

impl Formats {
    /// `unlock_inputs`: input cells stay editable on a protected sheet (the template).
    fn new(layout: &Layout, unlock_inputs: bool) -> Formats {
        let font = Format::new()
            .set_font_name(&layout.font.name)
            .set_font_size(layout.font.size)
            .set_font_charset(128);
        let locked = font
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let input = if unlock_inputs {
            locked.clone().set_unlocked()
        } else {
            locked.clone()
        };
        let number = |base: &Format, decimals: u32| {
            base.clone()
                .set_num_format(layout.formats.for_decimals(decimals))
        };
        Formats {
            plain: font.clone().set_align(FormatAlign::Right),
            text: input.clone(),
            text_wrap: input.clone().set_text_wrap().set_align(FormatAlign::Top),
            center: input.clone().set_align(FormatAlign::Center),
            center_wrap: input.clone().set_align(FormatAlign::Center).set_text_wrap(),
            heading: font.set_font_size(layout.font.size + 2.0).set_bold(),
            header: locked
                .clone()
                .set_align(FormatAlign::Center)
                .set_text_wrap()
                .set_background_color("#D9E1F2"),
            // Derived cells align right so a "-" result lines up with the figures.
            rate: locked
                .clone()
                .set_align(FormatAlign::Right)
                .set_num_format(&layout.formats.rate),
            numbers: [0, 1, 2, 3].map(|d| number(&input, d)),
            derived: [0, 1, 2, 3].map(|d| number(&locked, d).set_align(FormatAlign::Right)),
        }
    }

    fn number(&self, decimals: u32) -> &Format {
        &self.numbers[decimals.min(3) as usize]
    }

    fn derived(&self, decimals: u32) -> &Format {
        &self.derived[decimals.min(3) as usize]
    }
}

/// Converts an exact decimal to the f64 a cell stores (correctly rounded, via its text).
pub fn to_f64(d: rust_decimal::Decimal) -> f64 {
    d.normalize().to_string().parse().unwrap_or(0.0)
}

/// What is written: the published report, or the workbook sent to departments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Report,
    Template,
}

/// Everything the sheet writer needs besides the sheet itself.
struct Ctx<'a> {
    layout: &'a Layout,
    calc: &'a Calculation,
    f: Formats,
    year: Year,
    kind: Kind,
    /// Notes on corrected cells, by input location.
    notes: Notes,
}

impl Ctx<'_> {
    /// The note of the cell a value was read from, if that value was corrected.
    fn note(&self, at: Option<&CellRef>) -> Option<&String> {
        let at = at?;
        self.notes
            .get(&(at.row, at.col))?
            .iter()
            .find(|(file, sheet, _)| *file == *at.file && *sheet == *at.sheet)
            .map(|(_, _, text)| text)
    }

    /// Puts the correction note of `at` (if any) on the written cell.
    fn annotate(
        &self,
        ws: &mut Worksheet,
        row: u32,
        c: u16,
        at: Option<&CellRef>,
    ) -> Result<(), XlsxError> {
        if let Some(text) = self.note(at) {
            let note = Note::new(text)
                .set_author("shinchoku")
                .add_author_prefix(false)
                .set_font_name(&self.layout.font.name)
                .set_width(300)
                .set_height(90);
            ws.insert_note(row, c, &note)?;
        }
        Ok(())
    }
}

/// Note texts of corrected cells by input (row, column), then file and sheet: a lookup
/// compares names only for a corrected position.
type Notes = BTreeMap<(u32, u32), Vec<(String, String, String)>>;

/// The note text of each corrected cell: the old value and the reason (several joined).
fn notes_of(changes: &[Change]) -> Notes {
    let mut notes = Notes::new();
    for c in changes {
        let (Some(sheet), Some((row, col))) = (&c.at.sheet, c.at.pos) else {
            continue;
        };
        let old = if c.old.is_empty() {
            "（空欄）"
        } else {
            c.old.as_str()
        };
        let text = format!(
            "修正 {}: {}\n修正前: {old}\n理由: {}",
            c.code.as_str(),
            c.field,
            c.reason
        );
        let here = notes.entry((row, col)).or_default();
        match here
            .iter_mut()
            .find(|(file, s, _)| *file == c.at.file && s == sheet)
        {
            Some((_, _, t)) => {
                t.push('\n');
                t.push_str(&text);
            }
            None => here.push((c.at.file.clone(), sheet.clone(), text)),
        }
    }
    notes
}

/// A report handed to [`report_workbook`]: its sheets are freed as they are written.
impl From<Report> for Cow<'_, Report> {
    fn from(report: Report) -> Self {
        Cow::Owned(report)
    }
}

/// A borrowed report for [`report_workbook`], kept by the caller.
impl<'a> From<&'a Report> for Cow<'a, Report> {
    fn from(report: &'a Report) -> Self {
        Cow::Borrowed(report)
    }
}

/// Builds the report workbook in memory. Corrected cells carry a note with the old value and
/// the reason; derived cells are live formulas whose cached results are our decimals.
///
/// # Errors
/// [`Error::Write`] if a value cannot be stored (e.g. a text longer than Excel allows).
pub fn report_workbook<'a>(
    report: impl Into<Cow<'a, Report>>,
    calc: &Calculation,
    layout: &Layout,
    year: Year,
    options: &WriteOptions,
    changes: &[Change],
    out_name: &Path,
) -> Result<Vec<u8>> {
    let ctx = Ctx {
        layout,
        calc,
        f: Formats::new(layout, false),
        year,
        kind: Kind::Report,
        notes: notes_of(changes),
    };
    // An owned report is dropped sheet by sheet as each is written.
    match report.into() {
        Cow::Borrowed(r) => build(&r.sheets, &ctx, options, out_name),
        Cow::Owned(r) => build(r.sheets, &ctx, options, out_name),
    }
}

/// Builds the department workbook (`template`): the same layout, derived cells as formulas,
/// input cells unlocked and every sheet protected without a password.
///
/// # Errors
/// [`Error::Write`] if a value cannot be stored.
pub fn template_workbook(
    report: &Report,
    calc: &Calculation,
    layout: &Layout,
    year: Year,
    out_name: &Path,
) -> Result<Vec<u8>> {
    let ctx = Ctx {
        layout,
        calc,
        f: Formats::new(layout, true),
        year,
        kind: Kind::Template,
        notes: Notes::new(),
    };
    build(&report.sheets, &ctx, &WriteOptions::default(), out_name)
}

fn build<S: Borrow<Sheet>>(
    sheets: impl IntoIterator<Item = S>,
    ctx: &Ctx<'_>,
    options: &WriteOptions,
    out_name: &Path,
) -> Result<Vec<u8>> {
    let err = |e: XlsxError| Error::Write {
        path: out_name.to_path_buf(),
        detail: e.to_string(),
    };
    let mut workbook = Workbook::new();
    // The parts are deflated again by `fix_first_page_numbers`: the fastest level here.
    workbook.set_zip_compression_level(1);
    // The Normal style in the Japanese font (metrics of rust_xlsxwriter's ＭＳ Ｐゴシック example).
    let normal = Format::new()
        .set_font_name(&ctx.layout.font.name)
        .set_font_size(11)
        .set_font_charset(128)
        .set_align(FormatAlign::VerticalCenter);
    workbook.set_default_format(&normal, 18, 72).map_err(err)?;
    // Fixed document properties keep the output byte-stable for the same input.
    let created = ExcelDateTime::from_ymd(2020, 1, 1).map_err(err)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title("実施計画進捗状況報告書")
            .set_author("shinchoku")
            .set_creation_datetime(&created),
    );
    for (si, sheet) in sheets.into_iter().enumerate() {
        let sheet = sheet.borrow();
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name).map_err(err)?;
        write_sheet(ws, si, sheet, ctx, options).map_err(err)?;
    }
    crate::changelog::add_history_sheet(&mut workbook, &options.history, &ctx.layout.font.name)
        .map_err(err)?;
    let xlsx = workbook.save_to_buffer().map_err(err)?;
    drop(workbook);
    fix_first_page_numbers(&xlsx).map_err(|e| Error::Write {
        path: out_name.to_path_buf(),
        detail: e.to_string(),
    })
}

/// rust_xlsxwriter 0.102 writes a sheet's first page number as `useFirstPageNumber="N"` (a
/// boolean attribute) without `firstPageNumber`, so Excel and LibreOffice number the pages from
/// 1 (the bug XlsxWriter fixed in 0.6.8). Rewrites it in the worksheet parts to
/// `firstPageNumber="N" useFirstPageNumber="1"`. Every deflated part (written by
/// rust_xlsxwriter at its fastest level) is deflated again at [`DEFLATE_LEVEL`], with the same
/// fixed timestamps, so the output stays byte-stable.
fn fix_first_page_numbers(xlsx: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::{Read, Write};
    use zip::write::SimpleFileOptions;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(xlsx.len())));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i)?;
        let name = file.name()?.to_string();
        if file.compression() != zip::CompressionMethod::Deflated {
            out.raw_copy_file(file)?;
            continue;
        }
        let mut bytes = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0));
        file.read_to_end(&mut bytes)?;
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(DEFLATE_LEVEL))
            .last_modified_time(file.last_modified().unwrap_or_default());
        drop(file);
        out.start_file(name.as_str(), options)?;
        if name.starts_with("xl/worksheets/") && name.ends_with(".xml") {
            let xml = String::from_utf8_lossy(&bytes);
            out.write_all(first_page_number_attribute(&xml).as_bytes())?;
        } else {
            out.write_all(&bytes)?;
        }
    }
    Ok(out.finish()?.into_inner())
}

/// The deflate level of the written workbook: 3, as Excel uses (levels 4–6 take about twice as
/// long for files a few per cent smaller).
const DEFLATE_LEVEL: i64 = 3;

/// `useFirstPageNumber="N"` → `firstPageNumber="N" useFirstPageNumber="1"` in one sheet's XML.
fn first_page_number_attribute(xml: &str) -> String {
    const ATTR: &str = "useFirstPageNumber=\"";
    let Some(start) = xml.find(ATTR) else {
        return xml.to_string();
    };
    let digits: String = xml[start + ATTR.len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let old = format!("{ATTR}{digits}\"");
    if digits.is_empty() || !xml[start..].starts_with(&old) {
        return xml.to_string();
    }
    xml.replacen(
        &old,
        &format!("firstPageNumber=\"{digits}\" useFirstPageNumber=\"1\""),
        1,
    )
}

fn write_sheet(
    ws: &mut Worksheet,
    si: usize,
    sheet: &Sheet,
    ctx: &Ctx<'_>,
    options: &WriteOptions,
) -> Result<(), XlsxError> {
    let (layout, f) = (ctx.layout, &ctx.f);
    set_widths(ws, layout)?;
    let section_layout = layout.section_for(&sheet.name, sheet.heading.as_str());
    let heading = sheet.heading.text.clone().or_else(|| {
        section_layout.map(|s| format!("大分類{} {}", fullwidth_digits(s.no), s.title))
    });
    if let Some(h) = heading {
        ws.write_string_with_format(0, col::NO, h, &f.heading)?;
    }
    if ctx.kind == Kind::Report {
        let date = options.date.clone().or_else(|| sheet.date.text.clone());
        let doc_no = options.doc_no.clone().or_else(|| sheet.doc_no.text.clone());
        let (date, doc_no) = if si == 0 {
            (
                Some(date.unwrap_or_else(|| layout.print.date.clone())),
                Some(doc_no.unwrap_or_else(|| layout.print.doc_no.clone())),
            )
        } else {
            (date, doc_no)
        };
        if let Some(d) = date {
            ws.write_string_with_format(0, col::RESULTS, d, &f.plain)?;
        }
        if let Some(d) = doc_no {
            ws.write_string_with_format(0, col::PLAN, d, &f.plain)?;
        }
    }
    let mut row: u32 = 1;
    let mut first_header = None;
    let mut item_rows = Vec::new();
    let mut any_middle_years = false;
    for (ci, section) in sheet.sections.iter().enumerate() {
        if ci > 0 {
            row += 1;
        }
        if let Some(h) = &section.heading.text {
            ws.write_string_with_format(row, col::NO, h, &f.heading)?;
        }
        row += 1;
        write_header(ws, row, layout, f, ctx.year)?;
        first_header.get_or_insert(row);
        row += 2;
        for (ii, item) in section.items.iter().enumerate() {
            any_middle_years |= item.indicators.iter().any(|ind| {
                (1..4)
                    .any(|y| !ind.targets[y].value.is_absent() || !ind.actuals[y].value.is_absent())
            });
            item_rows.push(row);
            row = write_item(ws, row, (si, ci, ii), item, ctx)?;
        }
    }
    if !any_middle_years {
        for y in 1..4 {
            if y != ctx.year.index() {
                ws.set_column_hidden(col::YEARS + y as u16)?;
            }
        }
    }
    validations(ws, &item_rows, layout)?;
    print_setup(ws, sheet, ctx, first_header, row)?;
    if ctx.kind == Kind::Template {
        ws.protect();
    }
    Ok(())
}

/// The 評価 list (strict) and the 達成状況 list (a warning only) on every item's cell.
fn validations(ws: &mut Worksheet, item_rows: &[u32], layout: &Layout) -> Result<(), XlsxError> {
    let Some(&first) = item_rows.first() else {
        return Ok(());
    };
    let lists = [
        (
            col::GRADE,
            &layout.lists.grade,
            DataValidationErrorStyle::Stop,
        ),
        (
            col::STATUS,
            &layout.lists.status,
            DataValidationErrorStyle::Warning,
        ),
    ];
    for (c, list, style) in lists {
        let cells: Vec<String> = item_rows.iter().map(|&r| a1(r, u32::from(c))).collect();
        let dv = DataValidation::new()
            .allow_list_strings(list)?
            .set_error_style(style)
            .set_multi_range(cells.join(" "));
        ws.add_data_validation(first, c, first, c, &dv)?;
    }
    Ok(())
}

/// A3 landscape, one page wide, the first table's header rows on every page, margins, the
/// footer with the section's short title and the sheet's first page number, the print area.
fn print_setup(
    ws: &mut Worksheet,
    sheet: &Sheet,
    ctx: &Ctx<'_>,
    first_header: Option<u32>,
    end_row: u32,
) -> Result<(), XlsxError> {
    let p = &ctx.layout.print;
    ws.set_paper_size(p.paper);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    let [left, right, top, bottom, header, footer] = p.margins;
    ws.set_margins(left, right, top, bottom, header, footer);
    if let Some(h) = first_header {
        ws.set_repeat_rows(h, h + 1)?;
    }
    if let Some(s) = ctx.layout.section_for(&sheet.name, sheet.heading.as_str()) {
        ws.set_footer(format!("&C{}", p.footer.replace("{short}", &s.short)));
        ws.set_print_first_page_number(s.first_page);
    }
    ws.set_print_area(0, col::NO, end_row.max(1) - 1, col::PLAN)?;
    Ok(())
}

fn fullwidth_digits(n: u32) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
        .collect()
}

fn set_widths(ws: &mut Worksheet, layout: &Layout) -> Result<(), XlsxError> {
    for c in col::NO..=col::PLAN {
        ws.set_column_width(c, column_width(layout, c))?;
    }
    Ok(())
}

/// The width of column `c` (Excel character units) from the layout.
fn column_width(layout: &Layout, c: u16) -> f64 {
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

/// The two header rows at `row` and `row + 1`.
fn write_header(
    ws: &mut Worksheet,
    row: u32,
    layout: &Layout,
    f: &Formats,
    year: Year,
) -> Result<(), XlsxError> {
    let h = &layout.header;
    let next_year = year.number() + 1;
    ws.merge_range(row, col::NO, row, col::NAME, &h.item_group, &f.header)?;
    ws.merge_range(
        row,
        col::ACTION,
        row,
        col::SCHEDULE + 4,
        &h.action_group,
        &f.header,
    )?;
    ws.merge_range(
        row,
        col::INDICATOR,
        row,
        col::TOTAL,
        &h.indicator_group,
        &f.header,
    )?;
    let tall = [
        (col::EFFECT, h.effect.clone()),
        (col::RATE_YEAR, h.rate_year.clone()),
        (col::RATE_TOTAL, h.rate_total.clone()),
        (col::STATUS, h.status.clone()),
        (col::GRADE, h.grade.clone()),
        (col::RESULTS, format!("{year}年度\n{}", h.results)),
        (col::PLAN, format!("R{next_year}年度\n{}", h.plan)),
    ];
    for (c, text) in tall {
        ws.merge_range(row, c, row + 1, c, &text, &f.header)?;
    }
    let lower = row + 1;
    ws.write_string_with_format(lower, col::NO, &h.no, &f.header)?;
    ws.write_string_with_format(lower, col::NAME, &h.name, &f.header)?;
    ws.write_blank(lower, col::ACTION, &f.header)?;
    ws.write_string_with_format(lower, col::INDICATOR, &h.indicator, &f.header)?;
    ws.write_blank(lower, col::KUBUN, &f.header)?;
    ws.write_string_with_format(lower, col::BASE, &h.base, &f.header)?;
    ws.write_string_with_format(lower, col::TOTAL, &h.total, &f.header)?;
    for y in Year::ALL {
        let c = y.index() as u16;
        ws.write_string_with_format(lower, col::SCHEDULE + c, y.to_string(), &f.header)?;
        ws.write_string_with_format(lower, col::YEARS + c, y.to_string(), &f.header)?;
    }
    let lines = [
        (col::RATE_YEAR, h.rate_year.as_str()),
        (col::RATE_TOTAL, h.rate_total.as_str()),
        (col::EFFECT, h.effect.as_str()),
    ]
    .iter()
    .map(|(c, t)| wrapped_lines(t, column_width(layout, *c)))
    .max()
    .unwrap_or(1)
    .max(2);
    let each = line_height(layout) * f64::from(lines) / 2.0;
    ws.set_row_height(row, each.max(line_height(layout)))?;
    ws.set_row_height(lower, each.max(line_height(layout)))?;
    Ok(())
}

/// Height in points of one line of text in the layout's font.
fn line_height(layout: &Layout) -> f64 {
    (layout.font.size * 1.5 * 4.0).ceil() / 4.0
}

/// Writes a text cell, merged over `rows` rows when more than one.
fn text_block(
    ws: &mut Worksheet,
    row: u32,
    c: u16,
    rows: u32,
    t: &TextField,
    fmt: &Format,
    ctx: &Ctx<'_>,
) -> Result<(), XlsxError> {
    match (&t.text, rows > 1) {
        // The merge writes its first cell: not written twice.
        (text, true) => ws.merge_range(
            row,
            c,
            row + rows - 1,
            c,
            text.as_deref().unwrap_or(""),
            fmt,
        )?,
        (Some(s), false) => ws.write_string_with_format(row, c, s, fmt)?,
        (None, false) => ws.write_blank(row, c, fmt)?,
    };
    ctx.annotate(ws, row, c, t.at.as_ref())
}

/// Writes a number-column value, merged over `rows` rows when more than one.
#[allow(clippy::too_many_arguments)]
fn value_block(
    ws: &mut Worksheet,
    row: u32,
    c: u16,
    rows: u32,
    field: &Field,
    fmt: &Format,
    text_fmt: &Format,
    ctx: &Ctx<'_>,
) -> Result<(), XlsxError> {
    if rows > 1 {
        ws.merge_range(row, c, row + rows - 1, c, "", fmt)?;
    }
    write_value(ws, row, c, field, fmt, text_fmt, ctx)
}

#[allow(clippy::too_many_arguments)]
fn write_value(
    ws: &mut Worksheet,
    row: u32,
    c: u16,
    field: &Field,
    fmt: &Format,
    text_fmt: &Format,
    ctx: &Ctx<'_>,
) -> Result<(), XlsxError> {
    match &field.value {
        Value::Number(d) => ws.write_number_with_format(row, c, to_f64(*d), fmt)?,
        Value::NotApplicable => {
            let text = match &field.found {
                Found::Text(s) => s.clone(),
                _ => "-".to_string(),
            };
            ws.write_string_with_format(row, c, text, text_fmt)?
        }
        Value::Text(s) => ws.write_string_with_format(row, c, s, text_fmt)?,
        Value::Blank => ws.write_blank(row, c, fmt)?,
    };
    ctx.annotate(ws, row, c, field.at.as_ref())
}

/// Writes a live formula whose cached result is our figure, merged over `rows` rows.
#[allow(clippy::too_many_arguments)]
fn formula_block(
    ws: &mut Worksheet,
    row: u32,
    c: u16,
    rows: u32,
    formula: &str,
    figure: Figure,
    fmt: &Format,
    at: Option<&CellRef>,
    ctx: &Ctx<'_>,
) -> Result<(), XlsxError> {
    if rows > 1 {
        ws.merge_range(row, c, row + rows - 1, c, "", fmt)?;
    }
    let cached = match figure {
        Figure::Number(d) => d.normalize().to_string(),
        Figure::Dash | Figure::Blank => "-".to_string(),
    };
    ws.write_formula_with_format(row, c, Formula::new(formula).set_result(cached), fmt)?;
    ctx.annotate(ws, row, c, at)
}

/// Writes one item block starting at `row`; returns the row after it.
fn write_item(
    ws: &mut Worksheet,
    row: u32,
    (si, ci, ii): (usize, usize, usize),
    item: &Item,
    ctx: &Ctx<'_>,
) -> Result<u32, XlsxError> {
    let f = &ctx.f;
    let span = item.span() as u32;
    value_block(
        ws,
        row,
        col::NO,
        span,
        &item.no,
        f.number(0),
        &f.center,
        ctx,
    )?;
    text_block(ws, row, col::NAME, span, &item.name, &f.text_wrap, ctx)?;
    text_block(
        ws,
        row,
        col::STATUS,
        span,
        &item.status,
        &f.center_wrap,
        ctx,
    )?;
    text_block(ws, row, col::GRADE, span, &item.grade, &f.center, ctx)?;
    text_block(
        ws,
        row,
        col::RESULTS,
        span,
        &item.results,
        &f.text_wrap,
        ctx,
    )?;
    text_block(ws, row, col::PLAN, span, &item.plan, &f.text_wrap, ctx)?;
    let blank = TextField::default();
    for r in 0..span {
        let action = item.actions.get(r as usize);
        let text = action.map_or(&blank, |a| &a.text);
        text_block(ws, row + r, col::ACTION, 1, text, &f.text_wrap, ctx)?;
        for y in 0..5u16 {
            let mark = action.map_or(&blank, |a| &a.marks[y as usize]);
            text_block(ws, row + r, col::SCHEDULE + y, 1, mark, &f.center, ctx)?;
        }
    }
    if item.indicators.is_empty() {
        for c in col::INDICATOR..=col::RATE_TOTAL {
            let is_dash_col = matches!(
                c,
                col::INDICATOR | col::TOTAL | col::EFFECT | col::RATE_YEAR | col::RATE_TOTAL
            );
            for r in 0..span {
                let cell = if r == 0 && is_dash_col {
                    &item.placeholder
                } else {
                    &blank
                };
                text_block(ws, row + r, c, 1, cell, &f.center, ctx)?;
            }
        }
    }
    for (ki, ind) in item.indicators.iter().enumerate() {
        let top = row + 2 * ki as u32;
        write_indicator(ws, top, ind, ctx.calc.get((si, ci, ii, ki)), ctx)?;
    }
    // Rows of the block below the last indicator keep their borders.
    if !item.indicators.is_empty() {
        for r in (2 * item.indicators.len() as u32)..span {
            for c in col::INDICATOR..=col::RATE_TOTAL {
                ws.write_blank(row + r, c, &f.text)?;
            }
        }
    }
    set_block_heights(ws, row, span, item, ctx.layout)?;
    Ok(row + span)
}

/// Row heights that show every wrapped text of a block: single-row texts (actions) set their
/// row, 2-row indicator names their pair, whole-block texts (name, results, plan) the block.
fn set_block_heights(
    ws: &mut Worksheet,
    row: u32,
    span: u32,
    item: &Item,
    layout: &Layout,
) -> Result<(), XlsxError> {
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
    for (r, h) in heights.iter().enumerate() {
        // Quarter points keep the file stable and readable.
        ws.set_row_height(row + r as u32, (h * 4.0).ceil() / 4.0)?;
    }
    Ok(())
}

/// The Excel formulas of an indicator's derived cells (SPEC §4), for the rows `top` (目標) and
/// `top + 1` (実績): the same rule as [`crate::calc::derive`], "-" where it gives "-".
pub struct IndicatorFormulas {
    /// 実施効果 = A_n − B (A_n without a numeric base).
    pub effect: String,
    /// 年度目標達成率.
    pub rate_year: String,
    /// The 実績 row's 合計 (None for a level indicator: left as entered).
    pub actual_to_date: Option<String>,
    /// 合計目標達成率 (None for a level indicator).
    pub rate_total: Option<String>,
}

/// Builds the formulas of the indicator at `top` for the report year under `rule`; `dp` is the
/// rounding of sums and differences (the most decimals of the inputs), which removes binary
/// floating-point noise so Excel shows exactly our decimal.
pub fn indicator_formulas(top: u32, year: Year, rule: &Rule, dp: u32) -> IndicatorFormulas {
    let lower = top + 1;
    let yc = u32::from(col::YEARS) + year.index() as u32;
    let a = a1(lower, yc);
    let t = a1(top, yc);
    let b = a1(top, u32::from(col::BASE));
    let pct = |num: &str, den: &str, cond: &str| {
        format!("IF({cond},IF({den}=0,\"-\",ROUND(({num})*100/({den}),1)),\"-\")")
    };
    let effect = format!("=IF(ISNUMBER({a}),IF(ISNUMBER({b}),ROUND({a}-{b},{dp}),{a}),\"-\")");
    let rate_year = match rule.rate {
        RateRule::Ratio => format!(
            "={}",
            pct(&a, &t, &format!("AND(ISNUMBER({a}),ISNUMBER({t}))"))
        ),
        RateRule::Improve => format!(
            "={}",
            pct(
                &format!("ROUND({b}-{a},{dp})"),
                &format!("ROUND({b}-{t},{dp})"),
                &format!("AND(ISNUMBER({a}),ISNUMBER({t}),ISNUMBER({b}))")
            )
        ),
    };
    let (actual_to_date, rate_total) = match rule.total {
        TotalRule::None => (None, None),
        TotalRule::Given => {
            let to_date = match rule.actual {
                ActualRule::Cumulative => format!("=IF(ISNUMBER({a}),{a},\"-\")"),
                ActualRule::Annual => format!(
                    "=IF(ISNUMBER({a}),ROUND(SUM({}:{a}),{dp}),\"-\")",
                    a1(lower, u32::from(col::YEARS))
                ),
            };
            let qa = a1(lower, u32::from(col::TOTAL));
            let qt = a1(top, u32::from(col::TOTAL));
            let rate = format!(
                "={}",
                pct(&qa, &qt, &format!("AND(ISNUMBER({qa}),ISNUMBER({qt}))"))
            );
            (Some(to_date), Some(rate))
        }
    };
    IndicatorFormulas {
        effect,
        rate_year,
        actual_to_date,
        rate_total,
    }
}

fn write_indicator(
    ws: &mut Worksheet,
    top: u32,
    ind: &Indicator,
    derived: Option<&Derived>,
    ctx: &Ctx<'_>,
) -> Result<(), XlsxError> {
    let f = &ctx.f;
    let lower = top + 1;
    let decimals = derived.map_or(0, |d| d.rule.decimals);
    let num = f.number(decimals);
    text_block(ws, top, col::INDICATOR, 2, &ind.name, &f.text_wrap, ctx)?;
    text_block(ws, top, col::KUBUN, 1, &ind.target_label, &f.center, ctx)?;
    text_block(ws, lower, col::KUBUN, 1, &ind.actual_label, &f.center, ctx)?;
    write_value(ws, top, col::BASE, &ind.base, num, &f.center, ctx)?;
    write_value(ws, lower, col::BASE, &ind.base_again, num, &f.center, ctx)?;
    for y in 0..5u16 {
        let (t, a) = (&ind.targets[y as usize], &ind.actuals[y as usize]);
        write_value(ws, top, col::YEARS + y, t, num, &f.center, ctx)?;
        write_value(ws, lower, col::YEARS + y, a, num, &f.center, ctx)?;
    }
    write_value(ws, top, col::TOTAL, &ind.target_total, num, &f.center, ctx)?;
    let Some(d) = derived else {
        write_value(
            ws,
            lower,
            col::TOTAL,
            &ind.actual_total,
            num,
            &f.center,
            ctx,
        )?;
        let rest = [
            (col::EFFECT, &ind.effect, num),
            (col::RATE_YEAR, &ind.rate_year, &f.rate),
            (col::RATE_TOTAL, &ind.rate_total, &f.rate),
        ];
        for (c, field, fmt) in rest {
            value_block(ws, top, c, 2, field, fmt, &f.center, ctx)?;
        }
        return Ok(());
    };
    let dp = decimals.max(input_decimals(ind));
    let fx = indicator_formulas(top, ctx.year, &d.rule, dp);
    let dnum = f.derived(decimals);
    let at = |field: &Field| field.at.clone();
    formula_block(
        ws,
        top,
        col::EFFECT,
        2,
        &fx.effect,
        d.effect,
        dnum,
        at(&ind.effect).as_ref(),
        ctx,
    )?;
    formula_block(
        ws,
        top,
        col::RATE_YEAR,
        2,
        &fx.rate_year,
        d.rate_year,
        &f.rate,
        at(&ind.rate_year).as_ref(),
        ctx,
    )?;
    match (fx.actual_to_date, fx.rate_total) {
        (Some(total), Some(rate)) => {
            formula_block(
                ws,
                lower,
                col::TOTAL,
                1,
                &total,
                d.actual_to_date,
                dnum,
                at(&ind.actual_total).as_ref(),
                ctx,
            )?;
            formula_block(
                ws,
                top,
                col::RATE_TOTAL,
                2,
                &rate,
                d.rate_total,
                &f.rate,
                at(&ind.rate_total).as_ref(),
                ctx,
            )?;
        }
        _ => {
            write_value(
                ws,
                lower,
                col::TOTAL,
                &ind.actual_total,
                dnum,
                &f.center,
                ctx,
            )?;
            value_block(
                ws,
                top,
                col::RATE_TOTAL,
                2,
                &ind.rate_total,
                &f.rate,
                &f.center,
                ctx,
            )?;
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file in the same folder, then renames it.
///
/// # Errors
/// [`Error::Write`] when the folder is not writable or the target is locked (open in Excel).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let err = |e: std::io::Error| Error::Write {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        err(e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_page_number_is_written_as_excel_reads_it() {
        let xml = r#"<pageSetup paperSize="8" useFirstPageNumber="6" horizontalDpi="200"/>"#;
        assert_eq!(
            first_page_number_attribute(xml),
            r#"<pageSetup paperSize="8" firstPageNumber="6" useFirstPageNumber="1" horizontalDpi="200"/>"#
        );
        assert_eq!(first_page_number_attribute("<a/>"), "<a/>");
    }

    #[test]
    fn wide_characters_count_double_when_wrapping() {
        assert_eq!(display_units("ab"), 2);
        assert_eq!(display_units("職員ｱ"), 5);
        assert_eq!(wrapped_lines("", 10.0), 1);
        assert_eq!(wrapped_lines("一二三四五六七八九十", 10.0), 3);
        assert_eq!(wrapped_lines("a\nb", 10.0), 2);
    }

    #[test]
    fn formulas_follow_the_rule_for_the_report_year() {
        let rule = Rule {
            rate: RateRule::Ratio,
            total: TotalRule::Given,
            actual: ActualRule::Annual,
            decimals: 0,
            percent: false,
            declared: true,
        };
        let f = indicator_formulas(4, Year::new(2).unwrap(), &rule, 0);
        assert_eq!(
            f.rate_year,
            r#"=IF(AND(ISNUMBER(M6),ISNUMBER(M5)),IF(M5=0,"-",ROUND((M6)*100/(M5),1)),"-")"#
        );
        assert_eq!(
            f.actual_to_date.as_deref(),
            Some(r#"=IF(ISNUMBER(M6),ROUND(SUM(L6:M6),0),"-")"#)
        );
        let level = Rule {
            total: TotalRule::None,
            ..rule
        };
        let f = indicator_formulas(4, Year::new(1).unwrap(), &level, 0);
        assert!(f.actual_to_date.is_none() && f.rate_total.is_none());
    }
}
