//! One worksheet of a written workbook: headings, the top-right date and number, the table
//! header, every item block (texts, values, live formulas; where each input value went), the
//! 評価/達成状況 lists and the print setup.

use super::formats::Formats;
use super::heights::{column_width, heading_height, line_height, set_block_heights, wrapped_lines};
use super::marks::Marks;
use super::pages::{print_setup, Block, PrintPlan};
use super::placed::Placed;
use super::rows::{Fmt, IntoFmt, Rows};
use super::{huge, to_f64, WriteOptions};
use crate::calc::formulas::indicator_formulas;
use crate::calc::input_decimals;
use crate::layout::{col, report_date, Layout};
use crate::model::{
    CellRef, Derived, Field, Figure, Found, Indicator, Item, Section, Sheet, TextField, Year,
};
use crate::value::Value;
use rust_xlsxwriter::{Format, Formula, ProtectionOptions, Worksheet, XlsxError};
use std::borrow::Cow;

/// What is written: the published report, or the workbook sent to departments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// The report (資料2).
    Report,
    /// The department workbook: inputs unlocked, sheets protected.
    Template,
    /// A return workbook: as the template, with a cover line and the findings marked.
    Return,
}

/// Everything the sheet writer needs besides the sheet itself, shared by all sheets.
pub(super) struct Ctx<'a> {
    /// The layout in force.
    pub layout: &'a Layout,
    /// The formats, built once.
    pub f: Formats,
    /// The report year.
    pub year: Year,
    /// Report or template.
    pub kind: Kind,
    /// Where each value read from an input was written (the published report carries no
    /// notes: corrections are listed in the review workbook, linked to their cells).
    pub placed: Placed,
    /// The marks and notes of a return workbook (empty otherwise).
    pub marks: Marks,
    /// The line above the table: a return workbook's cover, a template's instruction.
    pub cover: Option<String>,
}

/// Where a value goes: a cell, merged down over `rows` rows when more than one.
#[derive(Clone, Copy)]
struct Place {
    row: u32,
    col: u16,
    rows: u32,
}

impl Place {
    fn cell(row: u32, col: u16) -> Place {
        Place { row, col, rows: 1 }
    }

    fn merged(row: u32, col: u16, rows: u32) -> Place {
        Place { row, col, rows }
    }
}

/// Writes one sheet of the report or template into its worksheet.
pub(super) struct SheetWriter<'a> {
    ws: Rows<'a>,
    ctx: &'a Ctx<'a>,
    name: std::sync::Arc<str>,
}

impl<'a> SheetWriter<'a> {
    /// A writer of `ws`.
    pub fn new(ws: &'a mut Worksheet, ctx: &'a Ctx<'a>) -> SheetWriter<'a> {
        let name = ws.name().into();
        SheetWriter {
            ws: Rows::new(ws),
            ctx,
            name,
        }
    }

    /// Writes `sheet` (the `index`-th of the workbook), its pages numbered from
    /// `first_page`; returns the number of pages it prints on.
    pub fn sheet(
        &mut self,
        index: usize,
        sheet: &Sheet,
        options: &WriteOptions,
        first_page: u16,
    ) -> Result<u16, XlsxError> {
        let ctx = self.ctx;
        let layout = ctx.layout;
        for c in col::NO..=col::PLAN {
            self.ws.ws().set_column_width(c, column_width(layout, c))?;
        }
        let section_layout = layout.section_for(&sheet.name, sheet.heading.as_str());
        let heading = self.top_row(index, sheet, options)?;
        let mut blocks = vec![Block::heading(0, heading_height(layout, 1))];
        let mut row: u32 = 1;
        let mut first_header = None;
        let mut item_rows = Vec::new();
        let mut any_middle_years = false;
        for (ci, section) in sheet.sections.iter().enumerate() {
            let top = row;
            let lines = self.section_heading(&mut row, ci, heading.as_deref(), section)?;
            let header = self.header(row)?;
            // A page break goes before the heading, never before the blank row above it.
            blocks.push(Block::heading(
                if ci > 0 { top + 1 } else { top },
                f64::from(row - top - u32::from(lines > 0)) * line_height(layout)
                    + heading_height(layout, lines)
                    + header,
            ));
            first_header.get_or_insert((row, header));
            row += 2;
            for item in &section.items {
                any_middle_years |= item.indicators.iter().any(|ind| {
                    (1..4).any(|y| {
                        !ind.targets[y].value.is_absent() || !ind.actuals[y].value.is_absent()
                    })
                });
                item_rows.push(row);
                let (next, height) = self.item(row, item)?;
                // A break carried from the input starts a page with this item (and its headings).
                blocks.push(Block::item(row, height, item.page_break));
                row = next;
                // The block is complete: the worksheet may write its rows out.
                self.ws.flush()?;
            }
        }
        self.ws.finish(row, &ctx.f.normal)?;
        let hidden = self.hide_middle_years(any_middle_years)?;
        super::lists::validations(self.ws.ws(), self.ctx.layout, &item_rows)?;
        let print = PrintPlan {
            short: section_layout.map(|s| s.short.as_str()),
            first_header,
            end_row: row,
            first_page,
            hidden: &hidden,
            blocks: &blocks,
        };
        let pages = print_setup(self.ws.ws(), layout, &print)?;
        if self.ctx.kind != Kind::Report {
            // Rows stay resizable: a five-line 年度実績 needs a taller row.
            let options = ProtectionOptions {
                format_rows: true,
                ..ProtectionOptions::new()
            };
            self.ws.ws().protect_with_options(&options);
        }
        Ok(pages)
    }

    /// Row 1: the 大分類 heading (returned), a report's date and number, a return's cover line.
    fn top_row(
        &mut self,
        index: usize,
        sheet: &Sheet,
        options: &WriteOptions,
    ) -> Result<Option<String>, XlsxError> {
        let ctx = self.ctx;
        let (layout, f) = (ctx.layout, &ctx.f);
        let section_layout = layout.section_for(&sheet.name, sheet.heading.as_str());
        let heading = sheet.heading.text.clone().or_else(|| {
            section_layout
                .map(|s| format!("大分類{} {}", crate::value::fullwidth_digits(s.no), s.title))
        });
        if let Some(h) = &heading {
            self.ws
                .write_string_with_format(0, col::NO, h, &f.heading)?;
            self.ws.set_row_height(0, heading_height(layout, 1))?;
        }
        if ctx.kind == Kind::Report {
            self.date_and_number(index, sheet, options)?;
        }
        if let Some(cover) = &ctx.cover {
            self.ws
                .write_string_with_format(0, col::INDICATOR, cover, &f.cover)?;
        }
        Ok(heading)
    }

    /// Hides the R2–R4 indicator columns other than the report year's when no item uses them
    /// (`used`), as the seed prints; returns the hidden columns.
    fn hide_middle_years(&mut self, used: bool) -> Result<Vec<u16>, XlsxError> {
        let mut hidden = Vec::new();
        if !used {
            for y in 1..4 {
                if y != self.ctx.year.index() {
                    self.ws.ws().set_column_hidden(col::YEARS + y as u16)?;
                    hidden.push(col::YEARS + y as u16);
                }
            }
        }
        Ok(hidden)
    }

    /// The 小分類 heading at `row` (after a blank row from the second table on), with the
    /// 大分類 line `major` above it in the same cell, as the city prints every table; moves
    /// `row` to the table header and returns the lines written (0 without a heading).
    fn section_heading(
        &mut self,
        row: &mut u32,
        ci: usize,
        major: Option<&str>,
        section: &Section,
    ) -> Result<u32, XlsxError> {
        let f = &self.ctx.f;
        if ci > 0 {
            self.ws.set_row_height(*row, line_height(self.ctx.layout))?;
            *row += 1;
        }
        // A heading read back from our own report carries the 大分類 line already.
        let minor: Option<String> = section.heading.text.as_ref().map(|h| {
            h.lines()
                .filter(|l| !l.contains("大分類"))
                .collect::<Vec<_>>()
                .join("\n")
        });
        let text = match (ci, major, minor) {
            (_, _, None) => {
                // The row stays (blank), as a table without a heading always had it.
                *row += 1;
                return Ok(0);
            }
            (0, _, Some(m)) | (_, None, Some(m)) => m,
            (_, Some(major), Some(m)) => format!("{major}\n{m}"),
        };
        let lines = text.lines().count().max(1) as u32;
        self.ws
            .set_row_height(*row, heading_height(self.ctx.layout, lines))?;
        if lines > 1 {
            self.ws
                .merge_range((*row, col::NO), (*row, col::PLAN), text, &f.heading_lines)?;
        } else {
            self.ws
                .write_string_with_format(*row, col::NO, text, &f.heading)?;
        }
        *row += 1;
        Ok(lines)
    }

    /// The top-right date (first sheet only): `--date`, else the layout's, else the report
    /// year's (Rn → 令和(n+1)年7月), never the input's (a reused workbook carries last year's).
    /// The document number: `--doc-no`, else the sheet's own, else (first sheet) the layout's.
    fn date_and_number(
        &mut self,
        index: usize,
        sheet: &Sheet,
        options: &WriteOptions,
    ) -> Result<(), XlsxError> {
        let ctx = self.ctx;
        let (layout, f) = (ctx.layout, &ctx.f);
        let doc_no = options.doc_no.clone().or_else(|| sheet.doc_no.text.clone());
        let (date, doc_no) = if index == 0 {
            let date = options.date.clone().or_else(|| layout.print.date.clone());
            (
                Some(date.unwrap_or_else(|| report_date(ctx.year.number()))),
                Some(doc_no.unwrap_or_else(|| layout.print.doc_no.clone())),
            )
        } else {
            (None, doc_no)
        };
        if let Some(d) = date {
            self.ws
                .write_string_with_format(0, col::RESULTS, d, &f.plain)?;
        }
        if let Some(d) = doc_no {
            self.ws
                .write_string_with_format(0, col::PLAN, d, &f.plain)?;
        }
        Ok(())
    }

    /// The two header rows at `row` and `row + 1`.
    /// Returns the height of the two rows.
    fn header(&mut self, row: u32) -> Result<f64, XlsxError> {
        let ctx = self.ctx;
        let (layout, f, year) = (ctx.layout, &ctx.f, ctx.year);
        let ws = &mut self.ws;
        let h = &layout.header;
        let next_year = year.number() + 1;
        ws.merge_range((row, col::NO), (row, col::NAME), &h.item_group, &f.header)?;
        let action_end = (row, col::SCHEDULE + 4);
        ws.merge_range((row, col::ACTION), action_end, &h.action_group, &f.header)?;
        let indicator_end = (row, col::TOTAL);
        ws.merge_range(
            (row, col::INDICATOR),
            indicator_end,
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
            ws.merge_range((row, c), (row + 1, c), text, &f.header)?;
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
        .map(|(c, t)| wrapped_lines(t, column_width(layout, *c), layout.font.size))
        .max()
        .unwrap_or(1)
        .max(2);
        let each = line_height(layout) * f64::from(lines) / 2.0;
        let each = each.max(line_height(layout));
        ws.set_row_height(row, each)?;
        ws.set_row_height(lower, each)?;
        Ok(2.0 * each)
    }

    /// Records where the value read from `at` was written; a marked cell gets its note.
    fn annotate(&mut self, row: u32, c: u16, at: Option<&CellRef>) -> Result<(), XlsxError> {
        self.ctx.placed.record(at, (self.name.clone(), row, c));
        self.ctx.marks.note(self.ws.ws(), row, c, at)
    }

    /// The format of a cell read from `at`: its mark's colours when it has one.
    fn look(&self, at: Option<&CellRef>, fmt: Fmt<'a>) -> Fmt<'a> {
        self.ctx.marks.format(at, fmt)
    }

    /// The format of an input cell of this year: `input` (unlocked and shaded) outside the
    /// report, else `report`.
    fn entry(&self, report: &'a Format, input: &'a Format) -> &'a Format {
        match self.ctx.kind {
            Kind::Report => report,
            _ => input,
        }
    }

    /// Writes a text cell, merged over its rows when more than one.
    fn text(&mut self, p: Place, t: &TextField, fmt: impl IntoFmt<'a>) -> Result<(), XlsxError> {
        let fmt = self.look(t.at.as_ref(), fmt.into_fmt());
        match (&t.text, p.rows > 1) {
            // The merge writes its first cell: not written twice.
            (text, true) => self.ws.merge_range(
                (p.row, p.col),
                (p.row + p.rows - 1, p.col),
                text.as_deref().unwrap_or(""),
                fmt,
            )?,
            (Some(s), false) => self.ws.write_string_with_format(p.row, p.col, s, fmt)?,
            (None, false) => self.ws.write_blank(p.row, p.col, fmt)?,
        };
        self.annotate(p.row, p.col, t.at.as_ref())
    }

    /// Writes a number-column value (a number in `fmt`, text or "-" in `text_fmt`), merged
    /// over its rows when more than one.
    fn value(
        &mut self,
        p: Place,
        field: &Field,
        fmt: impl IntoFmt<'a>,
        text_fmt: impl IntoFmt<'a>,
    ) -> Result<(), XlsxError> {
        let (row, c) = (p.row, p.col);
        let fmt = self.look(field.at.as_ref(), fmt.into_fmt());
        let text_fmt = self.look(field.at.as_ref(), text_fmt.into_fmt());
        if p.rows > 1 {
            let last = (row + p.rows - 1, c);
            self.ws.merge_range((row, c), last, "", fmt.clone())?;
        }
        match &field.value {
            Value::Number(d) => self.ws.write_number_with_format(row, c, to_f64(*d), fmt)?,
            Value::NotApplicable => {
                let text = match &field.found {
                    Found::Text(s) => s.clone(),
                    _ => "-".to_string(),
                };
                self.ws.write_string_with_format(row, c, text, text_fmt)?
            }
            Value::Text(s) => match &field.found {
                Found::Huge(n) => self.ws.write_number_with_format(row, c, huge(n), fmt)?,
                _ => self.ws.write_string_with_format(row, c, s, text_fmt)?,
            },
            Value::Blank => self.ws.write_blank(row, c, fmt)?,
        };
        self.annotate(row, c, field.at.as_ref())
    }

    /// Writes a live formula whose cached result is our figure; the note is that of the cell
    /// the entered figure `field` came from.
    fn formula(
        &mut self,
        p: Place,
        formula: &str,
        figure: Figure,
        fmt: &'a Format,
        field: &Field,
    ) -> Result<(), XlsxError> {
        let (row, c) = (p.row, p.col);
        let fmt = self.look(field.at.as_ref(), Cow::Borrowed(fmt));
        if p.rows > 1 {
            let last = (row + p.rows - 1, c);
            self.ws.merge_range((row, c), last, "", fmt.clone())?;
        }
        let cached = match figure {
            Figure::Number(d) => d.normalize().to_string(),
            Figure::Dash | Figure::Blank => "-".to_string(),
        };
        let formula = Formula::new(formula).set_result(cached);
        self.ws.write_formula_with_format(row, c, formula, fmt)?;
        self.annotate(row, c, field.at.as_ref())
    }

    /// Writes one item block starting at `row`; returns the row after it and its height.
    fn item(&mut self, row: u32, item: &Item) -> Result<(u32, f64), XlsxError> {
        let ctx = self.ctx;
        let f = &ctx.f;
        let span = item.span() as u32;
        let whole = |c| Place::merged(row, c, span);
        self.value(whole(col::NO), &item.no, &f.center, &f.center)?;
        self.text(whole(col::NAME), &item.name, &f.text_wrap)?;
        let input = &f.entries;
        let entries = [
            (
                col::STATUS,
                &item.status,
                &f.center_wrap,
                &input.center_wrap,
            ),
            (col::GRADE, &item.grade, &f.center, &input.center),
            (col::RESULTS, &item.results, &f.text_wrap, &input.text_wrap),
            (col::PLAN, &item.plan, &f.text_wrap, &input.text_wrap),
        ];
        for (c, field, report, input) in entries {
            self.text(whole(c), field, self.entry(report, input))?;
        }
        let blank = TextField::default();
        for r in 0..span {
            let action = item.actions.get(r as usize);
            let text = action.map_or(&blank, |a| &a.text);
            self.text(Place::cell(row + r, col::ACTION), text, &f.text_wrap)?;
            for y in 0..5u16 {
                let mark = action.map_or(&blank, |a| &a.marks[y as usize]);
                self.text(Place::cell(row + r, col::SCHEDULE + y), mark, &f.center)?;
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
                    let fmt = if c >= col::BASE { &f.right } else { &f.center };
                    self.text(Place::cell(row + r, c), cell, fmt)?;
                }
            }
        }
        for (ki, ind) in item.indicators.iter().enumerate() {
            self.indicator(row + 2 * ki as u32, ind)?;
        }
        // Rows of the block below the last indicator keep their borders.
        if !item.indicators.is_empty() {
            for r in (2 * item.indicators.len() as u32)..span {
                for c in col::INDICATOR..=col::RATE_TOTAL {
                    self.ws.write_blank(row + r, c, &f.text)?;
                }
            }
        }
        let height = set_block_heights(&mut self.ws, row, span, item, self.ctx.layout)?;
        Ok((row + span, height))
    }

    /// Writes one indicator's two rows starting at `top` (目標 above, 実績 below).
    fn indicator(&mut self, top: u32, ind: &Indicator) -> Result<(), XlsxError> {
        let ctx = self.ctx;
        let f = &ctx.f;
        let lower = top + 1;
        let decimals = ind.recalculated.map_or(0, |d| d.rule.decimals);
        let num = f.number(decimals);
        self.text(
            Place::merged(top, col::INDICATOR, 2),
            &ind.name,
            &f.text_wrap,
        )?;
        self.text(Place::cell(top, col::KUBUN), &ind.target_label, &f.center)?;
        self.text(Place::cell(lower, col::KUBUN), &ind.actual_label, &f.center)?;
        self.value(Place::cell(top, col::BASE), &ind.base, num, &f.right)?;
        self.value(
            Place::cell(lower, col::BASE),
            &ind.base_again,
            num,
            &f.right,
        )?;
        for y in 0..5u16 {
            let (t, a) = (&ind.targets[y as usize], &ind.actuals[y as usize]);
            self.value(Place::cell(top, col::YEARS + y), t, num, &f.right)?;
            if usize::from(y) == ctx.year.index() {
                let num = self.entry(num, f.entries.number(decimals));
                let right = self.entry(&f.right, &f.entries.right);
                self.value(Place::cell(lower, col::YEARS + y), a, num, right)?;
            } else {
                self.value(Place::cell(lower, col::YEARS + y), a, num, &f.right)?;
            }
        }
        self.value(
            Place::cell(top, col::TOTAL),
            &ind.target_total,
            num,
            &f.right,
        )?;
        match &ind.recalculated {
            Some(d) => self.derived(top, ind, d),
            None => {
                self.value(
                    Place::cell(lower, col::TOTAL),
                    &ind.actual_total,
                    num,
                    &f.right,
                )?;
                let rest = [
                    (col::EFFECT, &ind.effect, num),
                    (col::RATE_YEAR, &ind.rate_year, &f.rate),
                    (col::RATE_TOTAL, &ind.rate_total, &f.rate),
                ];
                for (c, field, fmt) in rest {
                    self.value(Place::merged(top, c, 2), field, fmt, &f.right)?;
                }
                Ok(())
            }
        }
    }

    /// The derived cells of an indicator at `top`: live formulas of its rule, cached with the
    /// recalculated figures `d`; a level indicator's 合計 and 合計目標達成率 as entered.
    fn derived(&mut self, top: u32, ind: &Indicator, d: &Derived) -> Result<(), XlsxError> {
        let ctx = self.ctx;
        let f = &ctx.f;
        let lower = top + 1;
        let decimals = d.rule.decimals;
        let dp = decimals.max(input_decimals(ind));
        let fx = indicator_formulas(top, self.ctx.year, &d.rule, dp);
        let dnum = f.derived(decimals);
        // Each derived cell keeps the decimals the input showed it with.
        let effect = Place::merged(top, col::EFFECT, 2);
        let fmt = f.shown(&ind.effect, dnum, decimals);
        self.formula(effect, &fx.effect, d.effect, fmt, &ind.effect)?;
        let rate_year = Place::merged(top, col::RATE_YEAR, 2);
        let fmt = f.shown(&ind.rate_year, &f.rate, 1);
        self.formula(rate_year, &fx.rate_year, d.rate_year, fmt, &ind.rate_year)?;
        let total = Place::cell(lower, col::TOTAL);
        let rate_total = Place::merged(top, col::RATE_TOTAL, 2);
        match (fx.actual_to_date, fx.rate_total) {
            (Some(sum), Some(rate)) => {
                let fmt = f.shown(&ind.actual_total, dnum, decimals);
                self.formula(total, &sum, d.actual_to_date, fmt, &ind.actual_total)?;
                let fmt = f.shown(&ind.rate_total, &f.rate, 1);
                self.formula(rate_total, &rate, d.rate_total, fmt, &ind.rate_total)?;
            }
            _ => {
                self.value(total, &ind.actual_total, dnum, &f.right)?;
                self.value(rate_total, &ind.rate_total, &f.rate, &f.right)?;
            }
        }
        Ok(())
    }
}
