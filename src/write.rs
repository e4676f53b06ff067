//! Writing: the corrected [`Report`] (+ its [`Calculation`] and the [`Layout`]) → the report
//! workbook in the layout of SPEC §2, and the other output files, each written to a temporary
//! file and renamed into place.

use crate::calc::Calculation;
use crate::error::{Error, Result};
use crate::layout::Layout;
use crate::model::{Field, Found, Indicator, Item, Report, Sheet, TextField, Value, Year};
use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
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
    text: Format,
    text_wrap: Format,
    center: Format,
    heading: Format,
    header: Format,
    rate: Format,
    numbers: [Format; 4],
}

impl Formats {
    fn new(layout: &Layout) -> Formats {
        let base = Format::new()
            .set_font_name(&layout.font.name)
            .set_font_size(layout.font.size)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let number = |decimals: u32| {
            base.clone()
                .set_num_format(layout.formats.for_decimals(decimals))
        };
        Formats {
            text: base.clone(),
            text_wrap: base.clone().set_text_wrap().set_align(FormatAlign::Top),
            center: base.clone().set_align(FormatAlign::Center),
            heading: Format::new()
                .set_font_name(&layout.font.name)
                .set_font_size(layout.font.size + 2.0)
                .set_bold(),
            header: base
                .clone()
                .set_align(FormatAlign::Center)
                .set_text_wrap()
                .set_background_color("#D9E1F2"),
            rate: base.clone().set_num_format(&layout.formats.rate),
            numbers: [number(0), number(1), number(2), number(3)],
        }
    }

    fn number(&self, decimals: u32) -> &Format {
        &self.numbers[decimals.min(3) as usize]
    }
}

/// Converts an exact decimal to the f64 a cell stores (correctly rounded, via its text).
pub fn to_f64(d: rust_decimal::Decimal) -> f64 {
    d.normalize().to_string().parse().unwrap_or(0.0)
}

/// Builds the report workbook in memory.
///
/// # Errors
/// [`Error::Write`] if a value cannot be stored (e.g. a text longer than Excel allows).
pub fn report_workbook(
    report: &Report,
    calc: &Calculation,
    layout: &Layout,
    year: Year,
    options: &WriteOptions,
    out_name: &Path,
) -> Result<Vec<u8>> {
    let err = |e: XlsxError| Error::Write {
        path: out_name.to_path_buf(),
        detail: e.to_string(),
    };
    let mut workbook = Workbook::new();
    // Fixed document properties keep the output byte-stable for the same input.
    let created = ExcelDateTime::from_ymd(2020, 1, 1).map_err(err)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title("実施計画進捗状況報告書")
            .set_creation_datetime(&created),
    );
    let formats = Formats::new(layout);
    for (si, sheet) in report.sheets.iter().enumerate() {
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name).map_err(err)?;
        write_sheet(ws, si, sheet, calc, layout, &formats, year, options).map_err(err)?;
    }
    crate::changelog::add_history_sheet(&mut workbook, &options.history, &layout.font.name)
        .map_err(err)?;
    workbook.save_to_buffer().map_err(err)
}

#[allow(clippy::too_many_arguments)]
fn write_sheet(
    ws: &mut Worksheet,
    si: usize,
    sheet: &Sheet,
    calc: &Calculation,
    layout: &Layout,
    f: &Formats,
    year: Year,
    options: &WriteOptions,
) -> Result<(), XlsxError> {
    set_widths(ws, layout)?;
    let heading = sheet.heading.text.clone().or_else(|| {
        layout
            .section_for(&sheet.name, "")
            .map(|s| format!("大分類{} {}", fullwidth_digits(s.no), s.title))
    });
    if let Some(h) = heading {
        ws.write_string_with_format(0, col::NO, h, &f.heading)?;
    }
    let date = options.date.clone().or_else(|| sheet.date.text.clone());
    let doc_no = options.doc_no.clone().or_else(|| sheet.doc_no.text.clone());
    if si == 0 {
        let date = date.unwrap_or_else(|| layout.print.date.clone());
        let doc_no = doc_no.unwrap_or_else(|| layout.print.doc_no.clone());
        ws.write_string(0, col::RESULTS, date)?;
        ws.write_string(0, col::PLAN, doc_no)?;
    } else {
        if let Some(d) = date {
            ws.write_string(0, col::RESULTS, d)?;
        }
        if let Some(d) = doc_no {
            ws.write_string(0, col::PLAN, d)?;
        }
    }
    let mut row: u32 = 1;
    let mut any_middle_years = false;
    for (ci, section) in sheet.sections.iter().enumerate() {
        if ci > 0 {
            row += 1;
        }
        if let Some(h) = &section.heading.text {
            ws.write_string_with_format(row, col::NO, h, &f.heading)?;
        }
        row += 1;
        write_header(ws, row, layout, f, year)?;
        row += 2;
        for (ii, item) in section.items.iter().enumerate() {
            any_middle_years |= item.indicators.iter().any(|ind| {
                (1..4)
                    .any(|y| !ind.targets[y].value.is_absent() || !ind.actuals[y].value.is_absent())
            });
            row = write_item(ws, row, (si, ci, ii), item, calc, f)?;
        }
    }
    if !any_middle_years {
        for y in 1..4 {
            ws.set_column_hidden(col::YEARS + y)?;
        }
    }
    Ok(())
}

fn fullwidth_digits(n: u32) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
        .collect()
}

fn set_widths(ws: &mut Worksheet, layout: &Layout) -> Result<(), XlsxError> {
    let w = &layout.widths;
    let widths = [
        (col::NO, w.no),
        (col::NAME, w.name),
        (col::ACTION, w.action),
        (col::INDICATOR, w.indicator),
        (col::KUBUN, w.kubun),
        (col::BASE, w.base),
        (col::TOTAL, w.total),
        (col::EFFECT, w.effect),
        (col::RATE_YEAR, w.rate),
        (col::RATE_TOTAL, w.rate),
        (col::STATUS, w.status),
        (col::GRADE, w.grade),
        (col::RESULTS, w.results),
        (col::PLAN, w.plan),
    ];
    for (c, width) in widths {
        ws.set_column_width(c, width)?;
    }
    for y in 0..5 {
        ws.set_column_width(col::SCHEDULE + y, w.schedule)?;
        ws.set_column_width(col::YEARS + y, w.year)?;
    }
    Ok(())
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
    Ok(())
}

/// Writes a text cell, merged over `rows` rows when more than one.
fn text_block(
    ws: &mut Worksheet,
    row: u32,
    c: u16,
    rows: u32,
    t: &TextField,
    fmt: &Format,
) -> Result<(), XlsxError> {
    if rows > 1 {
        ws.merge_range(row, c, row + rows - 1, c, "", fmt)?;
    }
    match &t.text {
        Some(s) => ws.write_string_with_format(row, c, s, fmt)?,
        None => ws.write_blank(row, c, fmt)?,
    };
    Ok(())
}

/// Writes a number-column value, merged over `rows` rows when more than one.
fn value_block(
    ws: &mut Worksheet,
    row: u32,
    c: u16,
    rows: u32,
    field: &Field,
    fmt: &Format,
    text_fmt: &Format,
) -> Result<(), XlsxError> {
    if rows > 1 {
        ws.merge_range(row, c, row + rows - 1, c, "", fmt)?;
    }
    write_value(ws, row, c, field, fmt, text_fmt)
}

fn write_value(
    ws: &mut Worksheet,
    row: u32,
    c: u16,
    field: &Field,
    fmt: &Format,
    text_fmt: &Format,
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
    Ok(())
}

/// Writes one item block starting at `row`; returns the row after it.
fn write_item(
    ws: &mut Worksheet,
    row: u32,
    (si, ci, ii): (usize, usize, usize),
    item: &Item,
    calc: &Calculation,
    f: &Formats,
) -> Result<u32, XlsxError> {
    let span = item.span() as u32;
    value_block(ws, row, col::NO, span, &item.no, f.number(0), &f.center)?;
    text_block(ws, row, col::NAME, span, &item.name, &f.text_wrap)?;
    text_block(ws, row, col::STATUS, span, &item.status, &f.center)?;
    text_block(ws, row, col::GRADE, span, &item.grade, &f.center)?;
    text_block(ws, row, col::RESULTS, span, &item.results, &f.text_wrap)?;
    text_block(ws, row, col::PLAN, span, &item.plan, &f.text_wrap)?;
    for r in 0..span {
        let action = item.actions.get(r as usize);
        let blank = TextField::default();
        text_block(
            ws,
            row + r,
            col::ACTION,
            1,
            action.map_or(&blank, |a| &a.text),
            &f.text_wrap,
        )?;
        for y in 0..5u16 {
            let mark = action.map_or(&blank, |a| &a.marks[y as usize]);
            text_block(ws, row + r, col::SCHEDULE + y, 1, mark, &f.center)?;
        }
    }
    if item.indicators.is_empty() {
        let placeholder = &item.placeholder;
        for c in col::INDICATOR..=col::RATE_TOTAL {
            let is_dash_col = matches!(
                c,
                col::INDICATOR | col::TOTAL | col::EFFECT | col::RATE_YEAR | col::RATE_TOTAL
            );
            let t = if is_dash_col {
                placeholder.clone()
            } else {
                TextField::default()
            };
            for r in 0..span {
                let cell = if r == 0 { &t } else { &TextField::default() };
                text_block(ws, row + r, c, 1, cell, &f.center)?;
            }
        }
    }
    for (ki, ind) in item.indicators.iter().enumerate() {
        let top = row + 2 * ki as u32;
        let decimals = calc.get((si, ci, ii, ki)).map_or(0, |d| d.rule.decimals);
        write_indicator(ws, top, ind, decimals, f)?;
    }
    // Rows of the block below the last indicator keep their borders.
    for r in (2 * item.indicators.len() as u32)..span {
        if !item.indicators.is_empty() {
            for c in col::INDICATOR..=col::RATE_TOTAL {
                ws.write_blank(row + r, c, &f.text)?;
            }
        }
    }
    Ok(row + span)
}

fn write_indicator(
    ws: &mut Worksheet,
    top: u32,
    ind: &Indicator,
    decimals: u32,
    f: &Formats,
) -> Result<(), XlsxError> {
    let lower = top + 1;
    let num = f.number(decimals);
    text_block(ws, top, col::INDICATOR, 2, &ind.name, &f.text_wrap)?;
    text_block(ws, top, col::KUBUN, 1, &ind.target_label, &f.center)?;
    text_block(ws, lower, col::KUBUN, 1, &ind.actual_label, &f.center)?;
    write_value(ws, top, col::BASE, &ind.base, num, &f.center)?;
    write_value(ws, lower, col::BASE, &ind.base_again, num, &f.center)?;
    for y in 0..5u16 {
        write_value(
            ws,
            top,
            col::YEARS + y,
            &ind.targets[y as usize],
            num,
            &f.center,
        )?;
        write_value(
            ws,
            lower,
            col::YEARS + y,
            &ind.actuals[y as usize],
            num,
            &f.center,
        )?;
    }
    write_value(ws, top, col::TOTAL, &ind.target_total, num, &f.center)?;
    write_value(ws, lower, col::TOTAL, &ind.actual_total, num, &f.center)?;
    value_block(ws, top, col::EFFECT, 2, &ind.effect, num, &f.center)?;
    value_block(
        ws,
        top,
        col::RATE_YEAR,
        2,
        &ind.rate_year,
        &f.rate,
        &f.center,
    )?;
    value_block(
        ws,
        top,
        col::RATE_TOTAL,
        2,
        &ind.rate_total,
        &f.rate,
        &f.center,
    )?;
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
