//! The 配布時の計画 sheet of a department workbook made by `template --from`: the plan cells and
//! earlier actuals as written, in the rows of [`crate::reference`]. veryHidden: not a page, not
//! offered by Excel's 再表示, not touched by the department, but read back when the workbook
//! returns, so `drift` can compare it with what was sent.

use super::to_f64;
use crate::model::{Found, Report, Year};
use crate::reference::{rows, REFERENCE_HEADER, REFERENCE_SHEET};
use rust_xlsxwriter::{Workbook, XlsxError};

/// Adds the 配布時の計画 sheet for `report` made for `year` (in the workbook's Normal style),
/// protected like the template.
///
/// # Errors
/// A text longer than a cell allows.
pub(super) fn add_reference_sheet(
    workbook: &mut Workbook,
    report: &Report,
    year: Year,
) -> Result<(), XlsxError> {
    // A veryHidden sheet read back by value: its cells keep the workbook's Normal style (no
    // format of their own to look up per cell).
    let ws = workbook.add_worksheet_with_low_memory()?;
    ws.set_name(REFERENCE_SHEET)?;
    ws.set_very_hidden(true);
    for (c, h) in REFERENCE_HEADER.iter().enumerate() {
        ws.write_string(0, c as u16, *h)?;
    }
    for (r, row) in rows(report, year).iter().enumerate() {
        let r = r as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            let c = c as u16;
            match v {
                Found::Empty => {}
                Found::Number(d) => {
                    ws.write_number(r, c, to_f64(*d))?;
                }
                Found::Text(s) => {
                    ws.write_string(r, c, s)?;
                }
                Found::Huge(n) => {
                    ws.write_number(r, c, super::huge(n))?;
                }
            }
        }
    }
    ws.protect();
    Ok(())
}
