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
    #[error("E003 ファイルを読み込めません: {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
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
    #[error("E012 出力ファイルを書き込めません（Excelで開いていないか確認してください）: {path}: {source}")]
    Write {
        /// The output file.
        path: PathBuf,
        /// What the system or the workbook writer said.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The terminal output (stdout) cannot be written, e.g. a full disk behind `>`; a closed
    /// pipe (`| head`) is not an error.
    #[error("E013 結果を標準出力に書き込めません: {0}")]
    Stdout(#[source] std::io::Error),
    /// Inputs of a batch were made for different report years.
    #[error(
        "E014 報告年度の異なるブックが混ざっています。同じ年度のブックだけを指定してください: {0}"
    )]
    MixedYears(String),
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

impl Error {
    /// The stable code of this error ("E001"), the first word of its message.
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound(_) => "E001",
            Error::IsDirectory(_) => "E002",
            Error::Io { .. } => "E003",
            Error::NotWorkbook { .. } => "E004",
            Error::Encrypted(_) => "E005",
            Error::NoReportSheet(_) => "E006",
            Error::TooLarge { .. } => "E007",
            Error::Settings { .. } => "E008",
            Error::YearMismatch { .. } => "E009",
            Error::NoYear(_) => "E010",
            Error::WouldOverwriteInput(_) => "E011",
            Error::Write { .. } => "E012",
            Error::Stdout(_) => "E013",
            Error::MixedYears(_) => "E014",
            Error::EmptyWorkbook(_) => "E020",
            Error::Baseline { .. } => "E021",
            Error::NoNextYear(_) => "E022",
            Error::OutputIsFile(_) => "E030",
            Error::OutputDir { .. } => "E031",
            Error::OutputBusy(_) => "E032",
            Error::OutputOpenInExcel { .. } => "E033",
            Error::OutputIsFolder(_) => "E034",
            Error::OutputNotWritten { .. } => "E035",
            Error::NoWorkbooks(_) => "E036",
        }
    }

    /// An output-writing error for `path`.
    pub fn write(
        path: &std::path::Path,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        Error::Write {
            path: path.to_path_buf(),
            source: source.into(),
        }
    }
}

/// Shorthand for results that may stop the run.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::io;

    /// One error of every variant, each with its full message.
    fn every_error() -> Vec<(Error, &'static str)> {
        let p = || PathBuf::from("a.xlsx");
        let os = || io::Error::new(io::ErrorKind::PermissionDenied, "denied");
        vec![
            (Error::NotFound(p()), "E001 ファイルが見つかりません: a.xlsx"),
            (Error::IsDirectory(p()), "E002 フォルダーが指定されました。ブック（.xlsx）を指定してください: a.xlsx"),
            (Error::Io { path: p(), source: os() }, "E003 ファイルを読み込めません: a.xlsx: denied"),
            (Error::NotWorkbook { path: p(), detail: "x".into() }, "E004 Excelブックとして読み込めません（壊れているか、ブックではありません）: a.xlsx: x"),
            (Error::Encrypted(p()), "E005 パスワードで保護されたブックは読み込めません。保護を解除して保存し直してください: a.xlsx"),
            (Error::NoReportSheet(p()), "E006 報告書の表（見出し「項目」「29基準」「実施効果」など）が見つかるシートがありません: a.xlsx"),
            (Error::TooLarge { path: p(), detail: "x".into() }, "E007 ブックの中身が大きすぎるため読み込みを中止しました（x）: a.xlsx"),
            (Error::Settings { path: p(), detail: "x".into() }, "E008 設定ファイルを読み込めません: a.xlsx: x"),
            (Error::YearMismatch { given: "R2".into(), header: "R1年度 年度実績".into(), at: "a.xlsx 大分類1!W3".into() }, "E009 指定された年度 R2 とブックの見出し「R1年度 年度実績」（a.xlsx 大分類1!W3）が一致しません"),
            (Error::NoYear(p()), "E010 報告年度が分かりません。見出し「R1年度 年度実績」を確認するか --year を指定してください: a.xlsx"),
            (Error::WouldOverwriteInput(p()), "E011 入力ファイルを上書きする出力先は使えません: a.xlsx"),
            (Error::write(&p(), os()), "E012 出力ファイルを書き込めません（Excelで開いていないか確認してください）: a.xlsx: denied"),
            (Error::Stdout(os()), "E013 結果を標準出力に書き込めません: denied"),
            (Error::MixedYears("a.xlsx（R1）、b.xlsx（R2）".into()), "E014 報告年度の異なるブックが混ざっています。同じ年度のブックだけを指定してください: a.xlsx（R1）、b.xlsx（R2）"),
            (Error::EmptyWorkbook(p()), "E020 ブックが空です（シートにセルが一つもありません）: a.xlsx"),
            (Error::Baseline { path: p(), detail: "x".into() }, "E021 比較用の findings.json（--baseline）を読み込めません: a.xlsx: x"),
            (Error::NoNextYear(p()), "E022 a.xlsx は計画最終年度（R5）の報告書です。次の年度はありません。作る年度を --year で指定してください"),
        ]
    }

    #[test]
    fn every_message_is_exact_and_starts_with_its_unique_code() {
        let mut seen = HashSet::new();
        for (e, message) in every_error() {
            assert_eq!(e.to_string(), message);
            assert!(message.starts_with(&format!("{} ", e.code())), "{message}");
            assert!(seen.insert(e.code()), "code {} used twice", e.code());
        }
    }

    #[test]
    fn the_os_error_is_kept_as_the_source() {
        use std::error::Error as _;
        let e = Error::Io {
            path: PathBuf::from("a.xlsx"),
            source: io::Error::new(io::ErrorKind::NotFound, "gone"),
        };
        assert_eq!(e.source().map(|s| s.to_string()).as_deref(), Some("gone"));
    }

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
                Error::OutputNotWritten { path: p().join("report.xlsx"), hint: "Excel などで開いていないか確認してください。", detail: "os error 32".into() },
                "E035 out/report.xlsx を書き出せませんでした。Excel などで開いていないか確認してください。以前の出力は何も置き換えていません\n  os error 32",
            ),
            (
                Error::NoWorkbooks(p()),
                "E036 フォルダー out に Excel ブック（.xlsx / .xls）がありません",
            ),
        ];
        for (error, text) in cases {
            assert_eq!(error.to_string(), text);
            assert!(text.starts_with(&format!("{} ", error.code())), "{text}");
        }
    }
}
