//! The return workbook of one department input (返却/<stem>_確認.xlsx, OUTPUTS.md): its items
//! in the report layout with the recalculated figures and the department's own cell comments,
//! a cover line above each table, every finding's cell marked with a note, every corrected
//! cell noted, protected like the template, and a 指摘一覧 sheet linking each finding to its
//! cell. It reads back as a submission: the cover line, the 指摘一覧 sheet and shinchoku's part
//! of each note are registered in [`crate::own`].

use super::formats::Formats;
use super::marks::{coloured, Marks, BAD, NEUTRAL};
use super::placed::Placed;
use super::reference::add_reference_sheet;
use super::sheet::{Ctx, Kind};
use super::{fill, Filled, WriteOptions};
use crate::correct::Correction;
use crate::error::Result;
use crate::finding::{self, Finding, Severity};
use crate::layout::Layout;
use crate::model::{a1, CellRef, Report, Year};
use crate::reference::Reference;
use rust_xlsxwriter::{Color, Format, FormatBorder, FormatUnderline, Url, Workbook, XlsxError};
use std::path::Path;

pub use crate::own::FINDINGS_SHEET as RETURN_FINDINGS_SHEET;

/// What one return workbook shows: one input's items, findings and corrections.
pub struct Return<'a> {
    /// The input's items (already recalculated and corrected).
    pub report: &'a Report,
    /// The input's findings.
    pub findings: &'a [Finding],
    /// The input's corrections.
    pub corrections: &'a [Correction],
    /// The plan and earlier actuals the input was sent with, carried on so the next return is
    /// compared with them too.
    pub reference: Option<&'a Reference>,
    /// The department's own cell comments, each with its input cell: back on their cells.
    pub comments: &'a [(CellRef, String)],
}

/// Fills a return workbook (saved with [`Filled::save`]).
///
/// # Errors
/// [`crate::error::Error::Write`] if a value cannot be stored.
pub fn return_workbook(
    ret: &Return<'_>,
    layout: &Layout,
    year: Year,
    out_name: &Path,
) -> Result<Filled> {
    let ctx = Ctx {
        layout,
        f: Formats::new(layout),
        year,
        kind: Kind::Return,
        placed: Placed::of(ret.findings),
        marks: Marks::new(ret.findings, ret.corrections)
            .with_comments(&with_extras(ret.comments, ret.report)),
        cover: Some(cover(ret.findings)),
    };
    let extra = |wb: &mut Workbook| {
        findings_sheet(wb, ret.findings, &ctx.placed, layout)?;
        match ret.reference {
            Some(r) => add_reference_sheet(wb, &r.report, r.year.unwrap_or(year)),
            None => Ok(()),
        }
    };
    fill(
        &ret.report.sheets,
        &ctx,
        &WriteOptions::default(),
        out_name,
        Some(&extra),
    )
}

/// The department's comments with the texts of its extra columns (「担当課: 総務課」, one line
/// each) added to the comment of each item's № cell, where they come back to the department.
fn with_extras(comments: &[(CellRef, String)], report: &Report) -> Vec<(CellRef, String)> {
    let mut out = comments.to_vec();
    let items = report.sheets.iter().flat_map(|s| &s.sections);
    for item in items.flat_map(|s| &s.items) {
        let (Some(at), false) = (&item.no.at, item.extras.is_empty()) else {
            continue;
        };
        let lines = item
            .extras
            .iter()
            .map(|(label, t)| format!("{label}: {}", t.as_str()));
        let lines = lines.collect::<Vec<_>>().join("\n");
        match out.iter_mut().find(|(c, _)| c == at) {
            Some((_, text)) => *text = format!("{text}\n{lines}"),
            None => out.push((at.clone(), lines)),
        }
    }
    out
}

/// 「【確認結果】エラー 2 件・警告 3 件があります。…」 or 「【確認結果】確認事項はありません。」
pub fn cover(findings: &[Finding]) -> String {
    let (e, w, _) = finding::counts(findings);
    let cover = crate::own::COVER;
    let counts = match (e, w) {
        (0, 0) => return format!("{cover}確認事項はありません。"),
        (e, 0) => format!("エラー {e} 件"),
        (0, w) => format!("警告 {w} 件"),
        (e, w) => format!("エラー {e} 件・警告 {w} 件"),
    };
    format!("{cover}{counts}があります。赤・黄の印のセルを修正して再提出してください。")
}

/// 指摘一覧: the input's errors and warnings (then infos), each linked to its written cell.
fn findings_sheet(
    wb: &mut Workbook,
    findings: &[Finding],
    placed: &Placed,
    layout: &Layout,
) -> std::result::Result<(), XlsxError> {
    let ws = wb.add_worksheet_with_low_memory()?;
    ws.set_name(RETURN_FINDINGS_SHEET)?;
    let base = Format::new()
        .set_font_name(&layout.font.name)
        .set_font_size(layout.font.size)
        .set_border(FormatBorder::Thin);
    let header = base.clone().set_bold().set_background_color(0xD9E1F2);
    let wrap = base.clone().set_text_wrap();
    let link = base
        .clone()
        .set_font_color(Color::RGB(0x0563C1))
        .set_underline(FormatUnderline::Single);
    let heads = ["重要度", "コード", "セル", "№", "指標", "入力値", "内容"];
    let widths = [8.0, 8.0, 16.0, 6.0, 30.0, 16.0, 60.0];
    for (c, (h, w)) in heads.iter().zip(widths).enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &header)?;
        ws.set_column_width(c as u16, w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    let (error, warning) = (coloured(&base, BAD), coloured(&base, NEUTRAL));
    let mut order: Vec<&Finding> = findings.iter().collect();
    order.sort_by_key(|f| f.severity());
    for (i, f) in order.iter().enumerate() {
        let r = i as u32 + 1;
        let sev = match f.severity() {
            Severity::Error => &error,
            Severity::Warning => &warning,
            Severity::Info => &base,
        };
        ws.write_string_with_format(r, 0, f.severity().label(), sev)?;
        ws.write_string_with_format(r, 1, f.code.as_str(), &base)?;
        match placed.get(&f.at) {
            Some((sheet, row, col)) => {
                let cell = a1(row, u32::from(col));
                let url = Url::new(format!("internal:'{sheet}'!{cell}"))
                    .set_text(format!("{sheet}!{cell}"));
                ws.write_url_with_format(r, 2, url, &link)?;
            }
            None => {
                ws.write_blank(r, 2, &base)?;
            }
        }
        match f.at.item {
            Some(n) => ws.write_number_with_format(r, 3, f64::from(n), &base)?,
            None => ws.write_blank(r, 3, &base)?,
        };
        let texts = [
            f.at.indicator.as_deref().unwrap_or_default(),
            f.found.as_deref().unwrap_or_default(),
            f.message.as_str(),
        ];
        for (c, v) in texts.into_iter().enumerate() {
            ws.write_string_with_format(r, c as u16 + 4, v, &wrap)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Code, Location};

    fn at_v5(code: Code, args: &[&str]) -> Finding {
        let loc = Location {
            file: "a.xlsx".into(),
            sheet: Some("大分類1".into()),
            pos: Some((4, 21)),
            ..Location::default()
        };
        Finding::new(code, loc, None, args)
    }

    #[test]
    fn the_cover_line_counts_errors_and_warnings_and_is_shinchokus_own() {
        let none = cover(&[]);
        assert_eq!(none, "【確認結果】確認事項はありません。");
        let some = cover(&[
            at_v5(Code::UnknownGrade, &["a"]),
            at_v5(Code::BlankStatus, &[]),
        ]);
        assert!(
            some.starts_with("【確認結果】エラー 1 件・警告 1 件があります。"),
            "{some}"
        );
        assert!(crate::own::is_own_line(&none) && crate::own::is_own_line(&some));
    }
}
