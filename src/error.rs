//! Errors that stop a run (exit code 2). Everything else is a finding.

use std::path::PathBuf;

/// A failure that stops the run: an input cannot be read at all, a settings file is broken,
/// or an output cannot be written. Messages are Japanese and name the file.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input file does not exist.
    #[error("E001 ファイルが見つかりません: {0}")]
    NotFound(PathBuf),
    /// The input is a directory.
    #[error("E002 フォルダーが指定されました。ブック（.xlsx）を指定してください: {0}")]
    IsDirectory(PathBuf),
    /// The file cannot be opened or read.
    #[error("E003 ファイルを読み込めません: {path}: {detail}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        detail: String,
    },
    /// The file is not an Excel workbook we can read (or it is damaged).
    #[error("E004 Excelブックとして読み込めません（壊れているか、ブックではありません）: {path}: {detail}")]
    NotWorkbook {
        /// The file.
        path: PathBuf,
        /// What the reader said.
        detail: String,
    },
    /// The workbook is protected by a password (encrypted).
    #[error("E005 パスワードで保護されたブックは読み込めません。保護を解除して保存し直してください: {0}")]
    Encrypted(PathBuf),
    /// No worksheet holds the report's table header.
    #[error("E006 報告書の表（見出し「項目」「29基準」「実施効果」など）が見つかるシートがありません: {0}")]
    NoReportSheet(PathBuf),
    /// The file is too large or claims absurd sizes inside.
    #[error("E007 ブックの中身が大きすぎるため読み込みを中止しました（{detail}）: {path}")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Which part and how large.
        detail: String,
    },
    /// A rules or layout file is broken.
    #[error("E008 設定ファイルを読み込めません: {path}: {detail}")]
    Settings {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// `--year` disagrees with the workbook's text header.
    #[error("E009 指定された年度 {given} とブックの見出し「{header}」（{at}）が一致しません")]
    YearMismatch {
        /// The year from `--year`.
        given: String,
        /// The header text.
        header: String,
        /// Where the header is.
        at: String,
    },
    /// The report year cannot be determined.
    #[error("E010 報告年度が分かりません。見出し「R1年度 年度実績」を確認するか --year を指定してください: {0}")]
    NoYear(PathBuf),
    /// An output would overwrite an input.
    #[error("E011 入力ファイルを上書きする出力先は使えません: {0}")]
    WouldOverwriteInput(PathBuf),
    /// Writing an output failed.
    #[error("E012 出力ファイルを書き込めません（Excelで開いていないか確認してください）: {path}: {detail}")]
    Write {
        /// The output file.
        path: PathBuf,
        /// What the system said.
        detail: String,
    },
    /// The workbook has no sheet, or no sheet holds any cell.
    #[error("E020 ブックが空です（シートにセルが一つもありません）: {0}")]
    EmptyWorkbook(PathBuf),
    /// The `--baseline` findings file cannot be read.
    #[error("E021 比較用の findings.json（--baseline）を読み込めません: {path}: {detail}")]
    Baseline {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        detail: String,
    },
    /// `template --from` a report of the plan's last year, with no `--year` for the new workbook.
    #[error("E022 {0} は計画最終年度（R5）の報告書です。次の年度はありません。作る年度を --year で指定してください")]
    NoNextYear(PathBuf),
}

/// Shorthand for results that may stop the run.
pub type Result<T, E = Error> = std::result::Result<T, E>;
