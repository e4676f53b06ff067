//! The 評価 and 達成状況 lists on every item's cell.

use crate::layout::{col, Layout};
use crate::model::a1;
use rust_xlsxwriter::{DataValidation, DataValidationErrorStyle, Worksheet, XlsxError};

/// The 評価 list (strict) and the 達成状況 list (a warning only) on every item's cell.
pub(super) fn validations(
    ws: &mut Worksheet,
    layout: &Layout,
    item_rows: &[u32],
) -> Result<(), XlsxError> {
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
