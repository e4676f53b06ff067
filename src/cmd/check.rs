//! `shinchoku check`: the findings of the inputs on the terminal, as text or JSON.

use super::{exit_code, file_names, new_findings, print, resubmission_lines};
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
    let seen = new_findings(&outcome.findings, baseline)?;
    let shown = &seen.kept;
    match format {
        Format::Json => print(&format!("{}\n", render::findings_json(shown)))?,
        Format::Text => {
            let names = outcome
                .output
                .items()
                .filter_map(|(_, item)| {
                    Some((item.number()?, item.name.as_str().replace('\n', " ")))
                })
                .collect();
            let mut text = render::check_text(shown, &names);
            if baseline.is_some() {
                text.push_str(&format!("{}\n", seen.line()));
            }
            let statuses = render::file_statuses(
                &file_names(inputs),
                &outcome.output,
                shown,
                &outcome.corrections,
            );
            for st in &statuses {
                text.push_str(&format!("  {}\n", st.line(false)));
            }
            text.push_str(&resubmission_lines(settings, &outcome.findings));
            print(&text)?;
        }
    }
    // Errors are never hidden by a baseline: the exit code agrees with the counts printed.
    Ok(exit_code(shown))
}
