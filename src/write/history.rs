//! The 変更履歴 sheet of the report workbook: header row, then one row per correction of this
//! and earlier runs. veryHidden: not a page of 資料2, not offered by Excel's 再表示, but read
//! back when the report is an input again (its copy for people is in the review workbook).

use crate::history::{HistoryRow, HISTORY_HEADER, HISTORY_SHEET};
use crate::layout::Layout;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// Adds the 変更履歴 sheet (header row and `rows`) in the layout's font and paper; no sheet
/// when there are no rows.
///
/// # Errors
/// A text longer than a cell allows.
pub(super) fn add_history_sheet(
    workbook: &mut Workbook,
    rows: &[HistoryRow],
    layout: &Layout,
) -> Result<(), XlsxError> {
    if rows.is_empty() {
        // Nothing was ever corrected: no sheet (a department template has none either).
        return Ok(());
    }
    // The rows keep the workbook's Normal style (the layout's font): no format of their own.
    let bold = Format::new()
        .set_font_name(&layout.font.name)
        .set_bold()
        .set_background_color("#D9E1F2");
    let ws = workbook.add_worksheet_with_low_memory()?;
    ws.set_name(HISTORY_SHEET)?;
    ws.set_very_hidden(true);
    for (c, h) in HISTORY_HEADER.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    let widths = [4.0, 18.0, 10.0, 6.0, 6.0, 28.0, 16.0, 12.0, 12.0, 7.0, 60.0];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_number(r, 0, row.run)?;
        for (c, v) in row.cells.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r, c as u16 + 1, v)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}
