//! Row order for rust_xlsxwriter's low-memory worksheets: cell writes, merges and row heights
//! of one block are held here and handed to the worksheet sorted by row, because a low-memory
//! worksheet writes each row to a temporary file once a later row is touched and ignores
//! anything sent to a row above it. The report's item blocks are written column group by
//! column group (merged cells, actions, then each indicator's two rows), which is clearer
//! than row by row; this keeps that code and still feeds the worksheet in the order it needs.

use rust_xlsxwriter::{Format, Formula, Worksheet, XlsxError};
use std::borrow::Cow;

/// A format borrowed from the shared [`super::formats::Formats`], or made for one cell.
pub(super) type Fmt<'a> = Cow<'a, Format>;

/// A shared format (`&Format`) or one made for the cell ([`Fmt`]).
pub(super) trait IntoFmt<'a> {
    /// As a [`Fmt`].
    fn into_fmt(self) -> Fmt<'a>;
}

impl<'a> IntoFmt<'a> for &'a Format {
    fn into_fmt(self) -> Fmt<'a> {
        Cow::Borrowed(self)
    }
}

impl<'a> IntoFmt<'a> for Fmt<'a> {
    fn into_fmt(self) -> Fmt<'a> {
        self
    }
}

/// One write held until its block is complete.
enum Write<'a> {
    Height(f64),
    Text(String, Fmt<'a>),
    Number(f64, Fmt<'a>),
    Blank(Fmt<'a>),
    Formula(Formula, Fmt<'a>),
    Merge {
        last_row: u32,
        last_col: u16,
        text: String,
        fmt: Fmt<'a>,
    },
}

/// A worksheet fed in row order: writes are held until [`Rows::flush`], then sent sorted by
/// row (in the order they were made within a row, so a later write to a cell still wins).
pub(super) struct Rows<'a> {
    ws: &'a mut Worksheet,
    held: Vec<(u32, u16, Write<'a>)>,
}

impl<'a> Rows<'a> {
    /// Rows of `ws`.
    pub fn new(ws: &'a mut Worksheet) -> Rows<'a> {
        Rows {
            ws,
            held: Vec::new(),
        }
    }

    /// The worksheet, for what is not a row's content (columns, notes, print setup).
    pub fn ws(&mut self) -> &mut Worksheet {
        self.ws
    }

    /// A text cell.
    pub fn write_string_with_format(
        &mut self,
        row: u32,
        col: u16,
        text: impl Into<String>,
        fmt: impl IntoFmt<'a>,
    ) -> Result<(), XlsxError> {
        self.hold(row, col, Write::Text(text.into(), fmt.into_fmt()));
        Ok(())
    }

    /// A number cell.
    pub fn write_number_with_format(
        &mut self,
        row: u32,
        col: u16,
        number: f64,
        fmt: impl IntoFmt<'a>,
    ) -> Result<(), XlsxError> {
        self.hold(row, col, Write::Number(number, fmt.into_fmt()));
        Ok(())
    }

    /// A formatted blank cell.
    pub fn write_blank(
        &mut self,
        row: u32,
        col: u16,
        fmt: impl IntoFmt<'a>,
    ) -> Result<(), XlsxError> {
        self.hold(row, col, Write::Blank(fmt.into_fmt()));
        Ok(())
    }

    /// A formula cell (with its cached result).
    pub fn write_formula_with_format(
        &mut self,
        row: u32,
        col: u16,
        formula: Formula,
        fmt: impl IntoFmt<'a>,
    ) -> Result<(), XlsxError> {
        self.hold(row, col, Write::Formula(formula, fmt.into_fmt()));
        Ok(())
    }

    /// A merged range with `text` in its first cell.
    pub fn merge_range(
        &mut self,
        first: (u32, u16),
        last: (u32, u16),
        text: impl Into<String>,
        fmt: impl IntoFmt<'a>,
    ) -> Result<(), XlsxError> {
        let write = Write::Merge {
            last_row: last.0,
            last_col: last.1,
            text: text.into(),
            fmt: fmt.into_fmt(),
        };
        self.hold(first.0, first.1, write);
        Ok(())
    }

    /// The height of `row` in points.
    pub fn set_row_height(&mut self, row: u32, height: f64) -> Result<(), XlsxError> {
        self.hold(row, 0, Write::Height(height));
        Ok(())
    }

    fn hold(&mut self, row: u32, col: u16, write: Write<'a>) {
        self.held.push((row, col, write));
    }

    /// Sends everything held to the worksheet, row by row.
    ///
    /// # Errors
    /// What the worksheet refuses (a text longer than a cell allows, a bad merge).
    pub fn flush(&mut self) -> Result<(), XlsxError> {
        // Stable: within a row the writes keep their order.
        self.held.sort_by_key(|(row, _, _)| *row);
        for (row, col, write) in self.held.drain(..) {
            match write {
                Write::Height(h) => self.ws.set_row_height(row, h)?,
                Write::Text(s, f) => self.ws.write_string_with_format(row, col, s, &f)?,
                Write::Number(n, f) => self.ws.write_number_with_format(row, col, n, &f)?,
                Write::Blank(f) => self.ws.write_blank(row, col, &f)?,
                Write::Formula(x, f) => self.ws.write_formula_with_format(row, col, x, &f)?,
                Write::Merge {
                    last_row,
                    last_col,
                    text,
                    fmt,
                } => self
                    .ws
                    .merge_range(row, col, last_row, last_col, &text, &fmt)?,
            };
        }
        Ok(())
    }
}

impl Rows<'_> {
    /// Sends everything held, then an empty cell in the workbook's `normal` format at `after` (the row below the last one
    /// written), so that the last row is written out while the sheet is filled rather than
    /// when it is saved. rust_xlsxwriter 0.102 writes a last row that has both cells and a
    /// height twice on save (the second time as an empty `<row>` with the same number, which
    /// Excel reports as damaged); a last row with a cell and no height is written once.
    ///
    /// # Errors
    /// As [`Rows::flush`].
    pub fn finish(&mut self, after: u32, normal: &Format) -> Result<(), XlsxError> {
        self.flush()?;
        self.ws.write_blank(after, 0, normal)?;
        Ok(())
    }
}

impl Drop for Rows<'_> {
    fn drop(&mut self) {
        debug_assert!(self.held.is_empty(), "rows dropped before flush");
    }
}
