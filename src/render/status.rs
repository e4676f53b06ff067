//! The submission status of each input file (SPEC §9): items, missing entries by kind, errors,
//! warnings and corrections, as one line per file on the terminal and one row of the review
//! workbook's 提出状況 sheet.

use crate::correct::Correction;
use crate::finding::{Code, Finding, Severity};
use crate::model::Report;

/// The figures of one input file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileStatus {
    /// The input file as given.
    pub file: String,
    /// Items of the report taken from this file.
    pub items: usize,
    /// Blank 実績 of the report year where one is due (E103, E112).
    pub missing_actuals: usize,
    /// Blank 評価 (W222).
    pub missing_grades: usize,
    /// Blank 達成状況 (W223).
    pub missing_statuses: usize,
    /// Blank 年度実績 texts (W224).
    pub missing_results: usize,
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Corrections (form fixes and filled derived cells).
    pub corrections: usize,
}

impl FileStatus {
    /// All missing entries.
    pub fn missing(&self) -> usize {
        self.missing_actuals + self.missing_grades + self.missing_statuses + self.missing_results
    }

    /// The file name without its folder.
    pub fn name(&self) -> String {
        std::path::Path::new(&self.file)
            .file_name()
            .map_or_else(|| self.file.clone(), |n| n.to_string_lossy().into_owned())
    }

    /// 「総務課.xlsx: 16 項目・未入力 3（実績 2、評価 1）・エラー 1・警告 2」 (・修正 n with
    /// `corrections`).
    pub fn line(&self, corrections: bool) -> String {
        let kinds: Vec<String> = [
            ("実績", self.missing_actuals),
            ("評価", self.missing_grades),
            ("達成状況", self.missing_statuses),
            ("年度実績", self.missing_results),
        ]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
        let missing = if kinds.is_empty() {
            "0".to_string()
        } else {
            format!("{}（{}）", self.missing(), kinds.join("、"))
        };
        let mut line = format!(
            "{}: {} 項目・未入力 {missing}・エラー {}・警告 {}",
            self.name(),
            self.items,
            self.errors,
            self.warnings
        );
        if corrections {
            line.push_str(&format!("・修正 {}", self.corrections));
        }
        line
    }
}

/// One status per input file, in the order given: items from `report`, the rest counted from
/// `findings` (as shown) and `corrections`.
pub fn file_statuses(
    inputs: &[String],
    report: &Report,
    findings: &[Finding],
    corrections: &[Correction],
) -> Vec<FileStatus> {
    inputs
        .iter()
        .map(|file| {
            let mut s = FileStatus {
                file: file.clone(),
                ..FileStatus::default()
            };
            s.items = report
                .items()
                .filter(|(_, i)| i.at.as_ref().is_some_and(|a| *a.file == **file))
                .count();
            for f in findings.iter().filter(|f| f.at.file == *file) {
                match f.code {
                    Code::MissingActual | Code::BlankActual => s.missing_actuals += 1,
                    Code::BlankGrade => s.missing_grades += 1,
                    Code::BlankStatus => s.missing_statuses += 1,
                    Code::BlankResults => s.missing_results += 1,
                    _ => {}
                }
                match f.severity() {
                    Severity::Error => s.errors += 1,
                    Severity::Warning => s.warnings += 1,
                    Severity::Info => {}
                }
            }
            s.corrections = corrections.iter().filter(|c| c.at().file == *file).count();
            s
        })
        .collect()
}

/// How many corrections filled a blank derived cell (I306), apart from those that changed
/// what a department typed.
pub fn fills(corrections: &[Correction]) -> usize {
    corrections
        .iter()
        .filter(|c| c.code() == Code::DerivedFilled)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_each_kind_of_missing_entry() {
        let s = FileStatus {
            file: "in/総務課.xlsx".into(),
            items: 16,
            missing_actuals: 2,
            missing_grades: 1,
            errors: 1,
            warnings: 2,
            ..FileStatus::default()
        };
        assert_eq!(
            s.line(false),
            "総務課.xlsx: 16 項目・未入力 3（実績 2、評価 1）・エラー 1・警告 2"
        );
        let none = FileStatus {
            file: "a.xlsx".into(),
            ..FileStatus::default()
        };
        assert_eq!(
            none.line(true),
            "a.xlsx: 0 項目・未入力 0・エラー 0・警告 0・修正 0"
        );
    }
}
