//! The cell formats of the written workbooks, built once from the layout.

use super::marks::entry;
use crate::layout::Layout;
use crate::model::Field;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder};

/// The formats used in the report, built once from the layout.
pub(super) struct Formats {
    /// The workbook's Normal style (its default format): a cell in it stores no style.
    pub normal: Format,
    /// The top-right date and number: plain, right-aligned.
    pub plain: Format,
    /// A bordered text cell.
    pub text: Format,
    /// A bordered text cell that wraps, aligned to the top.
    pub text_wrap: Format,
    /// A bordered, centred cell.
    pub center: Format,
    /// A bordered, centred cell that wraps.
    pub center_wrap: Format,
    /// A text or "-" in a number column: right-aligned with the numbers' indent, so a typed
    /// "-" lines up with a "-" a formula gives.
    pub right: Format,
    /// The 大分類 / 小分類 headings.
    pub heading: Format,
    /// The 大分類 line and the 小分類 heading in one cell, on two lines.
    pub heading_lines: Format,
    /// The table header cells.
    pub header: Format,
    /// The line above the table (a return workbook's cover, a template's instruction).
    pub cover: Format,
    /// A derived rate (one decimal, △ for negatives).
    pub rate: Format,
    /// Input numbers with 0–3 decimals.
    numbers: [Format; 4],
    /// Derived numbers with 0–3 decimals (locked, right-aligned).
    derived: [Format; 4],
    /// This year's input cells of a template or return workbook.
    pub entries: Entries,
}

/// The formats of this year's input cells in a template or return workbook: the report's,
/// unlocked and in Excel's 入力 colours, made once rather than per cell.
pub(super) struct Entries {
    /// [`Formats::center_wrap`] as an input cell.
    pub center_wrap: Format,
    /// [`Formats::center`] as an input cell.
    pub center: Format,
    /// [`Formats::text_wrap`] as an input cell.
    pub text_wrap: Format,
    /// [`Formats::right`] as an input cell.
    pub right: Format,
    /// [`Formats::number`] as input cells.
    numbers: [Format; 4],
}

impl Entries {
    /// The input number format with `decimals` places (3 at most) as an input cell.
    pub fn number(&self, decimals: u32) -> &Format {
        &self.numbers[decimals.min(3) as usize]
    }
}

impl Formats {
    /// Every cell locked: a protected sheet unlocks this year's inputs one by one.
    pub fn new(layout: &Layout) -> Formats {
        let font = Format::new()
            .set_font_name(&layout.font.name)
            .set_font_size(layout.font.size)
            .set_font_charset(128);
        let locked = font
            .clone()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter);
        let input = locked.clone();
        // Numbers keep a small indent from the right border.
        let number = |base: &Format, decimals: u32| {
            base.clone()
                .set_num_format(layout.formats.for_decimals(decimals))
                .set_align(FormatAlign::Right)
                .set_indent(1)
        };
        let text_wrap = input.clone().set_text_wrap().set_align(FormatAlign::Top);
        let center = input.clone().set_align(FormatAlign::Center);
        let center_wrap = input.clone().set_align(FormatAlign::Center).set_text_wrap();
        let right = input.clone().set_align(FormatAlign::Right).set_indent(1);
        Formats {
            // The metrics of rust_xlsxwriter's ＭＳ Ｐゴシック example (set in `build`).
            normal: Format::new()
                .set_font_name(&layout.font.name)
                .set_font_size(11)
                .set_font_charset(128)
                .set_align(FormatAlign::VerticalCenter),
            plain: font.clone().set_align(FormatAlign::Right),
            text: input.clone(),
            text_wrap: text_wrap.clone(),
            center: center.clone(),
            center_wrap: center_wrap.clone(),
            right: right.clone(),
            heading: font
                .clone()
                .set_font_size(layout.font.size + 2.0)
                .set_bold(),
            cover: font.clone().set_bold().set_font_color(0x9C0006),
            heading_lines: font
                .set_font_size(layout.font.size + 2.0)
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Left)
                .set_align(FormatAlign::VerticalCenter),
            header: locked
                .clone()
                .set_align(FormatAlign::Center)
                .set_text_wrap()
                .set_background_color("#D9E1F2"),
            // Derived cells align right so a "-" result lines up with the figures.
            rate: locked
                .clone()
                .set_align(FormatAlign::Right)
                .set_indent(1)
                .set_num_format(&layout.formats.rate),
            numbers: [0, 1, 2, 3].map(|d| number(&input, d)),
            derived: [0, 1, 2, 3].map(|d| number(&locked, d)),
            entries: Entries {
                center_wrap: entry(&center_wrap),
                center: entry(&center),
                text_wrap: entry(&text_wrap),
                right: entry(&right),
                numbers: [0, 1, 2, 3].map(|d| entry(&number(&input, d))),
            },
        }
    }

    /// The input number format with `decimals` places (3 at most).
    pub fn number(&self, decimals: u32) -> &Format {
        &self.numbers[decimals.min(3) as usize]
    }

    /// The derived number format with `decimals` places (3 at most).
    pub fn derived(&self, decimals: u32) -> &Format {
        &self.derived[decimals.min(3) as usize]
    }

    /// The format of a derived cell: the decimals `field` was shown with in the input when
    /// they differ from `decimals` (what the city printed stays printed so: 7.9 shown as
    /// 「8」), else `default`.
    pub fn shown<'f>(&'f self, field: &Field, default: &'f Format, decimals: u32) -> &'f Format {
        match field.shown_decimals() {
            Some(d) if d != decimals => self.derived(d),
            _ => default,
        }
    }
}
