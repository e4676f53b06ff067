//! Command-line arguments (clap derive) and their checked form; `--help` and usage errors in
//! Japanese (only option names stay English): arguments → [`Invocation`].

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use std::path::PathBuf;

/// shinchoku（進捗）: 行財政改革 実施計画 進捗状況報告書のブックを点検・再計算し、報告書ブックと修正記録を書き出します。
#[derive(Debug, Parser)]
#[command(
    name = "shinchoku",
    version,
    long_about = None,
    override_usage = "shinchoku <コマンド> [オプション]\n       shinchoku <ブックまたはフォルダー>...   （コマンドなし: 入力の隣の新しいフォルダーに report を書き出します）"
)]
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
    /// 報告年度 R1〜R5（既定: 見出し「R1年度 年度実績」から）
    #[arg(long, value_name = "年度", value_parser = parse_year)]
    pub year: Option<crate::model::Year>,
    /// 計算規則のファイル（既定: 組み込みの templates/rules.toml）
    #[arg(long, value_name = "ファイル")]
    pub rules: Option<PathBuf>,
    /// 様式のファイル（既定: 組み込みの templates/layout.toml）
    #[arg(long, value_name = "ファイル")]
    pub layout: Option<PathBuf>,
    /// 全項目の計画のブック（または前回の報告書）。どの入力にもない項目と、計画の欄・前年度までの実績の変更を指摘します
    #[arg(long, value_name = "ファイル")]
    pub plan: Option<PathBuf>,
    /// 同じ項目№が内容の違う複数の入力にあるとき、保存日時（ブックの保存日時、なければファイルの更新日時）の新しい方を使います（既定: エラー）
    #[arg(long)]
    pub prefer_newer: bool,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// 入力を点検し、指摘を一覧にします（終了コード 0: エラーなし、1: エラーあり、2: 読めない入力）
    #[command(override_usage = "shinchoku check <ブック>... [オプション]")]
    Check {
        /// 入力のブック（.xlsx / .xls）。課ごとに一つずつ、または全体で一つ
        #[arg(required = true, value_name = "ブック")]
        inputs: Vec<PathBuf>,
        /// 表示の形式: text（読みやすい行、既定）または json（findings.json と同じ配列）
        #[arg(
            long,
            value_name = "形式",
            value_enum,
            default_value_t,
            hide_possible_values = true,
            hide_default_value = true
        )]
        format: Format,
        /// 前回の findings.json。そこにある指摘は表示しません
        #[arg(long, value_name = "ファイル")]
        baseline: Option<PathBuf>,
        /// Options shared with the other commands.
        #[command(flatten)]
        common: Common,
    },
    /// 再計算して フォルダー/report.xlsx・changes.csv・findings.json を書き出します。以前の出力は フォルダー/以前の出力/ に移します（終了コード 0: 書き出した、1: 書き出したが要修正のエラーあり、2: 何も書き出していない）
    #[command(override_usage = "shinchoku report <ブック>... --out <フォルダー> [オプション]")]
    Report {
        /// 入力のブック（.xlsx / .xls）。課ごとに一つずつ、または全体で一つ
        #[arg(required = true, value_name = "ブック")]
        inputs: Vec<PathBuf>,
        /// 出力先フォルダー（なければ作ります）
        #[arg(long, value_name = "フォルダー")]
        out: PathBuf,
        /// 1枚目右上の日付: 令和n年m月 または R n/m（既定: Rn 年度の報告書は 令和(n+1)年7月）
        #[arg(long, value_name = "日付", value_parser = crate::layout::parse_date)]
        date: Option<String>,
        /// 1枚目右上の資料番号（例: 資料２）
        #[arg(long = "doc-no", value_name = "番号")]
        doc_no: Option<String>,
        /// 前回の findings.json。集計にはそこにない指摘だけを数えます（findings.json にはすべて記録）
        #[arg(long, value_name = "ファイル")]
        baseline: Option<PathBuf>,
        /// 互換のための別名です。課ごとの結果は毎回 フォルダー/返却/<入力名>_確認.xlsx に書き出すので、指定しても出力は変わりません（changes-<入力名>.csv は書き出しません）
        #[arg(long)]
        split: bool,
        /// Options shared with the other commands.
        #[command(flatten)]
        common: Common,
    },
    /// 二つの版のブックをセルごとに比べます（終了コード 0: 同じ、1: 違いあり、2: 読めない）
    #[command(override_usage = "shinchoku diff <旧> <新> [オプション]")]
    Diff {
        /// 前の版
        #[arg(value_name = "旧")]
        old: PathBuf,
        /// 後の版
        #[arg(value_name = "新")]
        new: PathBuf,
        /// 表示の形式: text（読みやすい行、既定）または json
        #[arg(
            long,
            value_name = "形式",
            value_enum,
            default_value_t,
            hide_possible_values = true,
            hide_default_value = true
        )]
        format: Format,
        /// 様式のファイル（既定: 組み込みの templates/layout.toml）
        #[arg(long, value_name = "ファイル")]
        layout: Option<PathBuf>,
    },
    /// 課に配る記入用ブックを書き出します（入力欄だけ編集でき、シートは保護）。--from を付けると今回の報告書から次の年度のブックを作ります
    #[command(
        override_usage = "shinchoku template --out <ファイル> [--from <報告書>] [オプション]"
    )]
    Template(TemplateArgs),
}

/// Arguments of `template`.
#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// 書き出すブック（.xlsx）
    #[arg(long, value_name = "ファイル")]
    pub out: PathBuf,
    /// 今回の報告書。項目・基準・目標・前年度までの実績を引き継ぎ、配った値をブックに記録します（戻ったときに照合）
    #[arg(long, value_name = "報告書")]
    pub from: Option<PathBuf>,
    /// 作るブックの年度 R1〜R5（既定: --from の次の年度、--from なしでは R1）
    #[arg(long, value_name = "年度", value_parser = parse_year)]
    pub year: Option<crate::model::Year>,
    /// 計算規則のファイル（--from を読むときに使います）
    #[arg(long, value_name = "ファイル")]
    pub rules: Option<PathBuf>,
    /// 様式のファイル（既定: 組み込みの templates/layout.toml）
    #[arg(long, value_name = "ファイル")]
    pub layout: Option<PathBuf>,
}

/// clap's rendering of help or version, ending in a line break.
fn with_newline(e: &clap::Error) -> String {
    let mut text = e.render().to_string();
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// The help layout of every command: clap's own, with Japanese headings.
const HELP_TEMPLATE: &str =
    "{before-help}{about-with-newline}\n使い方: {usage}\n\n{all-args}{after-help}";

/// The command line as clap sees it, in Japanese: help templates, headings, the help and
/// version flags' texts; no `help` subcommand (`--help` everywhere).
pub fn command() -> clap::Command {
    let japanese = |cmd: clap::Command| {
        cmd.help_template(HELP_TEMPLATE)
            .disable_help_flag(true)
            .mut_args(|a| {
                let heading = if a.is_positional() {
                    "引数"
                } else {
                    "オプション"
                };
                a.help_heading(heading)
            })
            .arg(
                clap::Arg::new("help")
                    .short('h')
                    .long("help")
                    .action(ArgAction::Help)
                    .help("この説明を表示します")
                    .help_heading("オプション"),
            )
    };
    japanese(Cli::command())
        .disable_help_subcommand(true)
        .disable_version_flag(true)
        .subcommand_help_heading("コマンド")
        .subcommand_value_name("コマンド")
        .after_help("ブックやフォルダーをこのプログラムに重ねて置く（ドラッグ・アンド・ドロップ）と、コマンドなしで report を実行します。")
        .arg(
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("バージョンを表示します")
                .help_heading("オプション"),
        )
        .mut_subcommands(japanese)
}

/// The command names (anything else first on the line may be a dropped file).
pub const COMMANDS: [&str; 4] = ["check", "report", "diff", "template"];

/// What the command line asks for.
#[derive(Debug)]
pub enum Invocation {
    /// A command.
    Run(Box<Cli>),
    /// Help, version or a usage error was printed: exit with this code.
    Exit(u8),
}

/// Parses the command line (`args` starts with the program name). Help, version and usage
/// errors are printed here, in Japanese.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Invocation {
    let args: Vec<OsString> = args.into_iter().collect();
    let parsed = command()
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m));
    match parsed {
        Ok(cli) => Invocation::Run(Box::new(cli)),
        Err(e) => {
            let (text, code) = render_error(&e, &args);
            if code == 0 {
                // Help on stdout; a closed pipe (`--help | head`) is no error.
                use std::io::Write as _;
                let _ = std::io::stdout().lock().write_all(text.as_bytes());
            } else {
                eprint!("{text}");
            }
            Invocation::Exit(code)
        }
    }
}

/// clap's message for `e` (help, version or a usage error) in Japanese, and the exit code:
/// 0 for help and version, 2 for a usage error. `args` is the command line, for the hint.
pub fn render_error(e: &clap::Error, args: &[OsString]) -> (String, u8) {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => return (with_newline(e), 0),
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => return (with_newline(e), 2),
        _ => {}
    }
    let mut out = format!("shinchoku: {}\n", message(e));
    out.push_str(&hints(e));
    if let Some(ContextValue::StyledStr(usage)) = e.get(ContextKind::Usage) {
        let usage = usage.to_string();
        let usage = usage.strip_prefix("Usage:").unwrap_or(&usage).trim();
        out.push_str(&format!("\n使い方: {usage}\n"));
    }
    let command = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find(|a| COMMANDS.contains(a));
    let help = match command {
        Some(c) => format!("shinchoku {c} --help"),
        None => "shinchoku --help".to_string(),
    };
    out.push_str(&format!("\n詳しくは「{help}」を見てください。\n"));
    (out, 2)
}

/// The text of a context value of `e` ("" when absent).
fn context(e: &clap::Error, kind: ContextKind) -> String {
    match e.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

/// The Japanese message of a usage error, by kind.
fn message(e: &clap::Error) -> String {
    let text = |kind| context(e, kind);
    let arg = text(ContextKind::InvalidArg);
    let value = text(ContextKind::InvalidValue);
    match e.kind() {
        ErrorKind::InvalidSubcommand => {
            format!(
                "「{}」というコマンドはありません",
                text(ContextKind::InvalidSubcommand)
            )
        }
        ErrorKind::UnknownArgument if arg.starts_with('-') => {
            format!("「{arg}」というオプションはありません")
        }
        ErrorKind::UnknownArgument => format!("余分な引数「{arg}」があります"),
        ErrorKind::MissingRequiredArgument => match e.get(ContextKind::InvalidArg) {
            Some(ContextValue::Strings(v)) => format!("次の指定が必要です: {}", v.join(" ")),
            _ => "必要な指定がありません".to_string(),
        },
        ErrorKind::MissingSubcommand => {
            "コマンド（check, report, diff, template）を指定してください".to_string()
        }
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} に値を指定してください"),
        ErrorKind::InvalidValue => format!("{arg} に「{value}」は指定できません"),
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            format!("{arg} に「{value}」は指定できません{why}")
        }
        ErrorKind::ArgumentConflict => match e.get(ContextKind::PriorArg) {
            Some(ContextValue::String(prior)) if *prior != arg => {
                format!("{arg} と {prior} は同時には指定できません")
            }
            _ => format!("{arg} は一度だけ指定してください"),
        },
        ErrorKind::TooManyValues => format!("{arg} に余分な値「{value}」があります"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg} の値の数が正しくありません")
        }
        ErrorKind::NoEquals => format!("{arg} の値は「=」でつないで指定してください"),
        ErrorKind::InvalidUtf8 => "引数に文字として読めないものがあります".to_string(),
        _ => format!("コマンドラインを読めません（{}）", e.kind()),
    }
}

/// The suggestions (「もしかして」) and hints of a usage error, as lines after a blank line.
fn hints(e: &clap::Error) -> String {
    let text = |kind| context(e, kind);
    let arg = text(ContextKind::InvalidArg);
    let mut hints = Vec::new();
    let mut suggestions = Vec::new();
    if let Some(ContextValue::Strings(valid)) = e.get(ContextKind::ValidValue) {
        hints.push(format!("指定できる値: {}", valid.join(", ")));
    }
    for kind in [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ] {
        let suggestion = text(kind);
        if !suggestion.is_empty() {
            suggestions.push(format!("もしかして: {suggestion}"));
        }
    }
    if e.kind() == ErrorKind::InvalidSubcommand && text(ContextKind::InvalidSubcommand) == "help" {
        suggestions.push("もしかして: --help".to_string());
    }
    // clap's tip about `--` helps with a value such as -5, not with a mistyped option name.
    if e.kind() == ErrorKind::UnknownArgument
        && e.get(ContextKind::Suggested).is_some()
        && !arg.starts_with("--")
    {
        hints.push(format!(
            "「-」で始まる値を渡すには、その前に「--」を置いてください（例: -- {arg}）"
        ));
    }
    if e.kind() == ErrorKind::InvalidSubcommand && text(ContextKind::InvalidSubcommand) != "help" {
        hints.push("ブックやフォルダーを渡すときは、そのパスがあるか確認してください".to_string());
    }
    let mut out = String::new();
    if !hints.is_empty() || !suggestions.is_empty() {
        out.push('\n');
        for line in suggestions {
            out.push_str(&format!("  {line}\n"));
        }
        for hint in hints {
            out.push_str(&format!("  ヒント: {hint}\n"));
        }
    }
    out
}

fn parse_year(s: &str) -> Result<crate::model::Year, String> {
    crate::model::Year::parse(s).ok_or_else(|| "年度は R1〜R5 で指定してください".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
        command().debug_assert();
    }
}
