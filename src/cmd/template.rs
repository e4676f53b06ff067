//! `shinchoku template`: the workbook sent to departments, blank or next cycle's.

use super::{print, same_file};
use crate::cli::TemplateArgs;
use crate::error::{Error, Result};
use crate::model::Year;
use crate::settings::Settings;
use crate::{template, write};

/// Writes the department workbook.
pub(super) fn run(args: &TemplateArgs) -> Result<u8> {
    let settings = Settings::load(args.layout.as_deref(), args.rules.as_deref())?;
    let (report, year) = match &args.from {
        Some(from) => {
            if same_file(from, &args.out) {
                return Err(Error::WouldOverwriteInput(args.out.clone()));
            }
            let outcome = crate::process(std::slice::from_ref(from), &settings)?;
            let year = match args.year {
                Some(y) => y,
                None => Year::new(outcome.year.number() + 1)
                    .ok_or_else(|| Error::NoNextYear(from.clone()))?,
            };
            (template::next_cycle(&outcome.output, year), year)
        }
        None => {
            let year = args.year.unwrap_or(Year::ALL[0]);
            (template::blank(&settings.layout, year), year)
        }
    };
    if args.out.is_dir() {
        return Err(Error::OutputIsFolder(args.out.clone()));
    }
    // Next cycle's workbook carries the plan and earlier actuals it was sent with.
    let record = args.from.is_some();
    let xlsx = write::template_workbook(&report, &settings.layout, year, &args.out, record)?;
    if let Some(dir) = args.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::write(dir, e))?;
    }
    write::write_atomic(&args.out, &xlsx)?;
    // A blank workbook's slots are no items yet: counted as what they are.
    let what = match &args.from {
        Some(_) => format!("{} 項目", report.items().count()),
        None => format!(
            "空欄の様式: {} シート・各シート記入欄 {} 件",
            report.sheets.len(),
            template::BLANK_ITEMS
        ),
    };
    print(&format!(
        "{year}年度の記入用ブック（{what}）を書き出しました: {}\n",
        args.out.display()
    ))?;
    Ok(0)
}
