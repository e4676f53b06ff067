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
    /// `--out` (or a folder above it) is an existing file, where a folder is needed.
    #[error("E030 出力先 {0} はファイルです。出力先にはフォルダーを指定してください（なければ作ります）。何も書き込んでいません")]
    OutputIsFile(PathBuf),
    /// The output folder cannot be created.
    #[error("E031 出力先フォルダー {path} を作れません。何も書き込んでいません\n  {detail}")]
    OutputDir {
        /// The folder.
        path: PathBuf,
        /// What the system said.
        detail: String,
    },
    /// Another run holds the output folder's lock.
    #[error("E032 出力先フォルダー {0} には別の shinchoku が書き出している最中です。終わってからもう一度実行してください。何も書き込んでいません")]
    OutputBusy(PathBuf),
    /// An earlier output is open in Excel (its `~$` lock file is beside it).
    #[error("E033 {path} が Excel で開かれています（{lock} があります）。閉じてからもう一度実行してください。何も書き込んでいません")]
    OutputOpenInExcel {
        /// The earlier output.
        path: PathBuf,
        /// Excel's lock file name.
        lock: String,
    },
    /// A folder stands where an output file goes.
    #[error("E034 出力ファイルの場所 {0} にフォルダーがあります。別の場所に移してからもう一度実行してください。以前の出力は何も置き換えていません")]
    OutputIsFolder(PathBuf),
    /// Writing or moving an output failed; the earlier set is left as it was.
    #[error(
        "E035 {path} を書き出せませんでした。{hint}以前の出力は何も置き換えていません\n  {detail}"
    )]
    OutputNotWritten {
        /// The output file (or folder).
        path: PathBuf,
        /// What to check first, ending in 「。」, or empty.
        hint: &'static str,
        /// What the system said.
        detail: String,
    },
    /// A folder given without a command holds no workbook.
    #[error("E036 フォルダー {0} に Excel ブック（.xlsx / .xls）がありません")]
    NoWorkbooks(PathBuf),
    /// `template --from` a report of the plan's last year, with no `--year` for the new workbook.
    #[error("E022 {0} は計画最終年度（R5）の報告書です。次の年度はありません。作る年度を --year で指定してください")]
    NoNextYear(PathBuf),
}

/// Shorthand for results that may stop the run.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// The output-path messages, word for word: a clerk reads these when nothing was written.
    #[test]
    fn output_messages_say_what_happened_to_the_earlier_set() {
        let p = || PathBuf::from("out");
        let cases = [
            (
                Error::OutputIsFile(p()),
                "E030 出力先 out はファイルです。出力先にはフォルダーを指定してください（なければ作ります）。何も書き込んでいません",
            ),
            (
                Error::OutputDir { path: p(), detail: "Permission denied (os error 13)".into() },
                "E031 出力先フォルダー out を作れません。何も書き込んでいません\n  Permission denied (os error 13)",
            ),
            (
                Error::OutputBusy(p()),
                "E032 出力先フォルダー out には別の shinchoku が書き出している最中です。終わってからもう一度実行してください。何も書き込んでいません",
            ),
            (
                Error::OutputOpenInExcel { path: p().join("report.xlsx"), lock: "~$report.xlsx".into() },
                "E033 out/report.xlsx が Excel で開かれています（~$report.xlsx があります）。閉じてからもう一度実行してください。何も書き込んでいません",
            ),
            (
                Error::OutputIsFolder(p().join("changes.csv")),
                "E034 出力ファイルの場所 out/changes.csv にフォルダーがあります。別の場所に移してからもう一度実行してください。以前の出力は何も置き換えていません",
            ),
            (
                Error::OutputNotWritten { path: p().join("changes.csv"), hint: "", detail: "disk full".into() },
                "E035 out/changes.csv を書き出せませんでした。以前の出力は何も置き換えていません\n  disk full",
            ),
            (
                Error::OutputNotWritten { path: p().join("report.xlsx"), hint: crate::outset::OPEN_HINT, detail: "os error 32".into() },
                "E035 out/report.xlsx を書き出せませんでした。Excel などで開いていないか確認してください。以前の出力は何も置き換えていません\n  os error 32",
            ),
            (
                Error::NoWorkbooks(p()),
                "E036 フォルダー out に Excel ブック（.xlsx / .xls）がありません",
            ),
        ];
        for (error, text) in cases {
            assert_eq!(error.to_string(), text);
        }
    }
}
