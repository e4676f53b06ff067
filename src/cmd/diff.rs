//! `shinchoku diff`: what changed between two versions of a workbook, cell by cell.

use super::print;
use crate::cli::Format;
use crate::compare::compare_reports;
use crate::error::Result;
use crate::layout::Layout;
use crate::{read, render};
use std::path::Path;

/// Prints the differences; exit 1 when there are any.
pub(super) fn run(old: &Path, new: &Path, format: Format, layout: Option<&Path>) -> Result<u8> {
    let layout = layout.map_or_else(|| Ok(Layout::builtin()), Layout::load)?;
    let before = read::read_workbook(old, &layout)?;
    let after = read::read_workbook(new, &layout)?;
    let diffs = compare_reports(&before.report, &after.report);
    match format {
        Format::Json => print(&format!("{}\n", render::differences_json(&diffs)))?,
        Format::Text => print(&render::differences_text(&diffs))?,
    }
    Ok(u8::from(!diffs.is_empty()))
}
