//! Drop-in mode: `shinchoku FILE|FOLDER…` with no command (what Windows does when files are
//! dropped on the program) → `report` into a new folder beside the first input.

use crate::cli::{Cli, Command, Common};
use crate::error::{Error, Result};
use crate::outset;
use std::ffi::OsString;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The commands: an argument with one of these names is never taken for a file.
pub use crate::cli::COMMANDS;

/// The name of drop-in output folders, before the timestamp.
pub const FOLDER_PREFIX: &str = "進捗状況報告書_出力_";

/// The paths of a command line without a command (`args` without the program name): `Some`
/// when the first argument is not a command or an option and names an existing file or folder
/// or looks like a workbook; `Some(empty)` when nothing was given. `None`: let clap parse it.
pub fn paths_given(args: &[OsString]) -> Option<Vec<PathBuf>> {
    let Some(first) = args.first() else {
        return Some(Vec::new());
    };
    let text = first.to_string_lossy();
    if text.starts_with('-') || COMMANDS.contains(&text.as_ref()) {
        return None;
    }
    let path = Path::new(first);
    let looks_like_path = path.exists()
        || is_workbook_name(&text)
        || text.contains('/')
        || text.contains(std::path::MAIN_SEPARATOR);
    looks_like_path.then(|| args.iter().map(PathBuf::from).collect())
}

/// Whether a file name ends in .xlsx or .xls (any case).
fn is_workbook_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.ends_with(".xlsx") || lower.ends_with(".xls")
}

/// Whether a file found in a dropped folder is read: a workbook, not an Excel lock file
/// (`~$…`), not hidden, and not one of shinchoku's own outputs.
pub fn is_input_in_folder(name: &str) -> bool {
    is_workbook_name(name)
        && !name.starts_with("~$")
        && !name.starts_with('.')
        && !outset::is_member(name)
}

/// The workbooks to read: each file as given (an Excel lock file `~$…` skipped with a note),
/// each folder replaced by its workbooks ([`is_input_in_folder`]) in name order.
///
/// # Errors
/// [`Error::NoWorkbooks`] for a folder without any, or when nothing is left to read;
/// [`Error::Io`] when a folder cannot be listed.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut inputs = Vec::new();
    for path in paths {
        if path.is_dir() {
            let entries = std::fs::read_dir(path).map_err(|e| Error::Io {
                path: path.clone(),
                source: e,
            })?;
            let mut found: Vec<PathBuf> = entries
                .filter_map(|e| e.ok())
                .filter(|e| e.path().is_file())
                .filter(|e| is_input_in_folder(&e.file_name().to_string_lossy()))
                .map(|e| e.path())
                .collect();
            if found.is_empty() {
                return Err(Error::NoWorkbooks(path.clone()));
            }
            found.sort();
            inputs.extend(found);
        } else if path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("~$"))
        {
            eprintln!(
                "shinchoku: Excel の一時ファイル {} は読みません",
                path.display()
            );
        } else {
            inputs.push(path.clone());
        }
    }
    match paths.first() {
        Some(first) if inputs.is_empty() => Err(Error::NoWorkbooks(first.clone())),
        _ => Ok(inputs),
    }
}

/// Creates the new output folder beside `first` (a file or folder):
/// `進捗状況報告書_出力_YYYYMMDD-HHMMSS` (UTC), with `-2`, `-3`, … if that name is taken.
///
/// # Errors
/// [`Error::OutputDir`] if it cannot be created.
pub fn output_folder(first: &Path, now: SystemTime) -> Result<PathBuf> {
    let parent = first
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let name = format!("{FOLDER_PREFIX}{}", outset::timestamp(now));
    outset::new_unique_dir(parent, &name).map_err(|e| Error::OutputDir {
        path: parent.join(&name),
        detail: e.to_string(),
    })
}

/// Whether to wait for Enter before exiting: only on Windows, only without a command (the
/// program was started by dropping files on it, or double-clicked), and only when stdin is a
/// terminal (a console window that closes when the program ends).
pub fn should_wait(windows: bool, command_given: bool, stdin_terminal: bool) -> bool {
    windows && !command_given && stdin_terminal
}

/// Runs drop-in mode: `report` of `paths` into a new folder beside the first; with no paths,
/// the help. Never replaces anything. Returns the exit code (as `report`'s).
pub fn run(paths: &[PathBuf]) -> u8 {
    let option = paths
        .iter()
        .map(|p| p.to_string_lossy())
        .find(|p| p.starts_with('-'));
    let code = if paths.is_empty() {
        eprint!("{}", crate::cli::command().render_help());
        2
    } else if let Some(option) = option {
        eprintln!("{}", options_need_a_command(&option));
        2
    } else {
        match report(paths) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("shinchoku: {e}");
                2
            }
        }
    };
    if should_wait(cfg!(windows), false, std::io::stdin().is_terminal()) {
        eprint!("\nEnter キーを押すと閉じます。");
        let _ = std::io::stdin().read_line(&mut String::new());
    }
    code
}

/// The usage error for an option given without a command.
fn options_need_a_command(option: &str) -> String {
    format!(
        "shinchoku: コマンドなしではオプション（{option}）は使えません。\
         「shinchoku report <ブック>... --out <フォルダー> {option} …」のように report を付けてください。\n\n\
         詳しくは「shinchoku report --help」を見てください。"
    )
}

fn report(paths: &[PathBuf]) -> Result<u8> {
    let inputs = expand(paths)?;
    let out = output_folder(&paths[0], SystemTime::now())?;
    let cli = Cli {
        command: Command::Report {
            inputs,
            out: out.clone(),
            date: None,
            doc_no: None,
            baseline: None,
            split: false,
            common: Common::default(),
        },
    };
    let code = crate::run(cli);
    if code == 2 {
        // Nothing was written: the new folder goes too (only if still empty).
        let _ = std::fs::remove_dir(&out);
    } else {
        let _ = crate::cmd::print(&format!("出力先フォルダー: {}\n", out.display()));
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn commands_and_options_go_to_clap() {
        assert_eq!(paths_given(&os(&["report", "a.xlsx"])), None);
        assert_eq!(paths_given(&os(&["--help"])), None);
        assert_eq!(
            paths_given(&os(&["reprot"])),
            None,
            "a typo is a usage error"
        );
        assert_eq!(
            paths_given(&os(&["提出.xlsx", "b"])),
            Some(vec![PathBuf::from("提出.xlsx"), PathBuf::from("b")])
        );
        assert_eq!(
            paths_given(&os(&["dir/x"])),
            Some(vec![PathBuf::from("dir/x")])
        );
        assert_eq!(paths_given(&[]), Some(vec![]));
    }

    #[test]
    fn an_option_without_a_command_is_a_usage_error() {
        assert_eq!(run(&[PathBuf::from("a.xlsx"), PathBuf::from("--year")]), 2);
        assert!(options_need_a_command("--year").contains("report を付けてください"));
    }

    #[test]
    fn a_folder_reads_its_workbooks_only() {
        assert!(is_input_in_folder("総務課.xlsx"));
        assert!(is_input_in_folder("古い.XLS"));
        assert!(!is_input_in_folder("~$総務課.xlsx"));
        assert!(!is_input_in_folder("report.xlsx"));
        assert!(!is_input_in_folder("確認結果.xlsx"));
        assert!(!is_input_in_folder(".report.xlsx.shinchoku-tmp"));
        assert!(!is_input_in_folder("メモ.txt"));

        let dir = tempfile::tempdir().unwrap();
        for name in ["b.xlsx", "a.xls", "~$b.xlsx", "report.xlsx", "x.csv"] {
            std::fs::write(dir.path().join(name), b"").unwrap();
        }
        std::fs::create_dir(dir.path().join("sub.xlsx")).unwrap();
        let got = expand(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(got, [dir.path().join("a.xls"), dir.path().join("b.xlsx")]);

        let empty = tempfile::tempdir().unwrap();
        let err = expand(&[empty.path().to_path_buf()]).unwrap_err();
        assert!(err.to_string().starts_with("E036"), "{err}");
    }

    #[test]
    fn the_output_folder_is_new_and_beside_the_input() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("提出.xlsx");
        let at = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_139_012);
        let first = output_folder(&input, at).unwrap();
        assert_eq!(
            first,
            dir.path().join("進捗状況報告書_出力_20261201-153012")
        );
        let second = output_folder(&input, at).unwrap();
        assert_eq!(
            second,
            dir.path().join("進捗状況報告書_出力_20261201-153012-2")
        );
        assert!(first.is_dir() && second.is_dir());
    }

    #[test]
    fn waits_for_enter_only_in_its_own_windows_console_without_a_command() {
        assert!(should_wait(true, false, true));
        assert!(!should_wait(false, false, true), "not outside Windows");
        assert!(!should_wait(true, true, true), "not after a command");
        assert!(
            !should_wait(true, false, false),
            "not when stdin is redirected"
        );
    }
}
