//! Command-line arguments (clap derive) and their checked form.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// shinchoku（進捗）: 行財政改革 実施計画 進捗状況報告書のブックを点検・再計算し、報告書ブックと修正記録を書き出します。
#[derive(Debug, Parser)]
#[command(name = "shinchoku", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Output format of findings on the terminal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Readable lines grouped by sheet and item.
    #[default]
    Text,
    /// The findings.json array (SPEC §6).
    Json,
}

/// Options shared by the commands that read and recalculate.
#[derive(Debug, Default, clap::Args)]
pub struct Common {
    /// Report year R1..R5 (default: from the "R1年度 年度実績" header).
    #[arg(long, value_parser = parse_year)]
    pub year: Option<crate::model::Year>,
    /// A rules file replacing the built-in templates/rules.toml.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// A layout file replacing the built-in templates/layout.toml.
    #[arg(long, value_name = "FILE")]
    pub layout: Option<PathBuf>,
    /// The full plan (a workbook with every item), to report items missing from every input.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the entries and list findings (exit 0: no errors, 1: errors, 2: unreadable).
    Check {
        /// Input workbooks (.xlsx), one per department or one for all.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// An earlier run's findings.json: findings already in it are not shown again.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Options shared with the other commands.
        #[command(flatten)]
        common: Common,
    },
    /// Recalculate and write DIR/report.xlsx, DIR/changes.csv and DIR/findings.json
    /// (exit 0: written, 1: written but errors need a person, 2: nothing written).
    Report {
        /// Input workbooks (.xlsx), one per department or one for all.
        #[arg(required = true, value_name = "INPUT")]
        inputs: Vec<PathBuf>,
        /// Output folder (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Top-right date of the first sheet: 令和n年m月 or R n/m (default: an Rn report is
        /// dated 令和(n+1)年7月).
        #[arg(long, value_parser = crate::layout::parse_date)]
        date: Option<String>,
        /// Top-right document number of the first sheet (e.g. 資料２).
        #[arg(long = "doc-no")]
        doc_no: Option<String>,
        /// An earlier run's findings.json: the summary counts only findings not in it
        /// (DIR/findings.json still lists all).
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Also write DIR/changes-<input file stem>.csv per input (each department's corrections).
        #[arg(long)]
        split: bool,
        /// Options shared with the other commands.
        #[command(flatten)]
        common: Common,
    },
    /// Compare two versions of a workbook cell by cell (exit 0: equal, 1: different, 2: unreadable).
    Diff {
        /// The earlier version.
        old: PathBuf,
        /// The later version.
        new: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// A layout file replacing the built-in templates/layout.toml.
        #[arg(long, value_name = "FILE")]
        layout: Option<PathBuf>,
    },
    /// Write the workbook sent to departments: the report's layout with empty inputs,
    /// derived cells as formulas, input cells unlocked and sheets protected (no password).
    /// With --from, next cycle's workbook from this cycle's report.
    Template(TemplateArgs),
}

/// Arguments of `template`.
#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// The workbook to write (.xlsx).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// This cycle's report: the new workbook keeps its items, bases and targets.
    #[arg(long, value_name = "REPORT")]
    pub from: Option<PathBuf>,
    /// The new workbook's year R1..R5 (default: the year after --from's, R1 without it).
    #[arg(long, value_parser = parse_year)]
    pub year: Option<crate::model::Year>,
    /// A rules file replacing the built-in templates/rules.toml (used to read --from).
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// A layout file replacing the built-in templates/layout.toml.
    #[arg(long, value_name = "FILE")]
    pub layout: Option<PathBuf>,
}

fn parse_year(s: &str) -> Result<crate::model::Year, String> {
    crate::model::Year::parse(s).ok_or_else(|| format!("年度は R1〜R5 で指定してください: {s}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
