//! `shinchoku check`: the findings of the inputs on the terminal, as text or JSON.

use super::{exit_code, new_findings, print};
use crate::cli::Format;
use crate::error::Result;
use crate::render;
use crate::settings::Settings;
use std::path::{Path, PathBuf};

/// Prints the findings (those not in `baseline`); exit 1 when one is an error.
pub(super) fn run(
    inputs: &[PathBuf],
    format: Format,
    baseline: Option<&Path>,
    settings: &Settings,
) -> Result<u8> {
    let outcome = crate::process(inputs, settings)?;
    let (shown, hidden) = new_findings(&outcome.findings, baseline)?;
    match format {
        Format::Json => print(&format!("{}\n", render::findings_json(&shown)))?,
        Format::Text => {
            let names = outcome
                .output
                .items()
                .filter_map(|(_, item)| {
                    Some((item.number()?, item.name.as_str().replace('\n', " ")))
                })
                .collect();
            let mut text = render::check_text(&shown, &names);
            if baseline.is_some() {
                text.push_str(&format!(
                    "（--baseline にある既出の {hidden} 件は表示していません）\n"
                ));
            }
            print(&text)?;
        }
    }
    Ok(exit_code(&shown))
}
