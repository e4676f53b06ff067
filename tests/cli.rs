//! The command line a clerk sees: `--help` and usage errors in Japanese (snapshots), and the
//! drop-in mode (`shinchoku FILE|FOLDER…` with no command).

use crate::fixture::{sample, shinchoku, text, with_sample};
use std::path::{Path, PathBuf};

/// The folders `dir` holds whose names start with the drop-in prefix.
fn dropin_folders(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(shinchoku::dropin::FOLDER_PREFIX)
        })
        .collect();
    found.sort();
    found
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn help_is_japanese() {
    let dir = with_sample();
    for (name, args) in [
        ("help_top", &["--help"][..]),
        ("help_report", &["report", "--help"]),
    ] {
        let run = shinchoku(dir.path(), args);
        let (stdout, stderr) = text(&run);
        assert_eq!(run.status.code(), Some(0), "{stderr}");
        insta::assert_snapshot!(name, stdout);
    }
}

#[test]
fn usage_errors_are_japanese_with_a_hint() {
    let dir = with_sample();
    for (name, args) in [
        ("usage_unknown_command", &["reprot", "mine-r1.xlsx"][..]),
        ("usage_missing_out", &["report", "mine-r1.xlsx"]),
    ] {
        let run = shinchoku(dir.path(), args);
        let (stdout, stderr) = text(&run);
        assert_eq!(run.status.code(), Some(2), "{stderr}");
        assert!(stdout.is_empty());
        assert!(!stderr.contains("error:"), "{stderr}");
        insta::assert_snapshot!(name, stderr);
    }
}

#[test]
fn every_usage_error_kind_is_rendered_in_japanese() {
    let dir = with_sample();
    for args in [
        &["check", "mine-r1.xlsx", "--format", "xml"][..],
        &["check", "mine-r1.xlsx", "--year", "R9"],
        &["check", "mine-r1.xlsx", "--bogus"],
        &["check", "mine-r1.xlsx", "--format"],
        &["diff", "a.xlsx", "b.xlsx", "c.xlsx"],
        &["report", "--out", "a", "--out", "b", "x.xlsx"],
        &["check"],
    ] {
        let run = shinchoku(dir.path(), args);
        let (_, stderr) = text(&run);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with("shinchoku: "), "{args:?}: {stderr}");
        for english in [
            "error:",
            "Usage:",
            "For more information",
            "tip:",
            "[OPTIONS]",
        ] {
            assert!(!stderr.contains(english), "{args:?}: {stderr}");
        }
        assert!(
            stderr.contains("詳しくは「shinchoku "),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn dropping_a_file_reports_into_a_new_folder_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    let dept = dir.path().join("提出");
    std::fs::create_dir(&dept).unwrap();
    std::fs::copy(sample(), dept.join("総務課.xlsx")).unwrap();
    // Started from elsewhere, as Explorer does, with the full path.
    let run = shinchoku(dir.path(), &[dept.join("総務課.xlsx").to_str().unwrap()]);
    let (stdout, stderr) = text(&run);
    assert!(matches!(run.status.code(), Some(0 | 1)), "{stderr}");
    let made = dropin_folders(&dept);
    assert_eq!(made.len(), 1, "{stdout}");
    assert_eq!(
        listing(&made[0]),
        [
            "changes.csv",
            "findings.json",
            "report.xlsx",
            "確認結果.xlsx",
            "返却"
        ]
    );
    assert!(
        stdout.contains(&format!("出力先フォルダー: {}", made[0].display())),
        "{stdout}"
    );
    // Dropped again: another new folder, the first untouched.
    let before = std::fs::read(made[0].join("report.xlsx")).unwrap();
    let again = shinchoku(dir.path(), &[dept.join("総務課.xlsx").to_str().unwrap()]);
    assert!(matches!(again.status.code(), Some(0 | 1)));
    assert_eq!(dropin_folders(&dept).len(), 2);
    assert_eq!(std::fs::read(made[0].join("report.xlsx")).unwrap(), before);
}

#[test]
fn dropping_a_folder_reads_its_workbooks_but_not_lock_files_or_outputs() {
    let dir = with_sample();
    let dept = dir.path().join("各課");
    std::fs::create_dir(&dept).unwrap();
    std::fs::copy(sample(), dept.join("総務課.xlsx")).unwrap();
    // An Excel lock file and an earlier report are skipped (neither is a readable input here).
    std::fs::write(dept.join("~$総務課.xlsx"), b"owner").unwrap();
    std::fs::write(dept.join("report.xlsx"), b"not read").unwrap();
    std::fs::write(dept.join("メモ.txt"), b"").unwrap();
    let run = shinchoku(dir.path(), &["各課"]);
    let (stdout, stderr) = text(&run);
    assert!(matches!(run.status.code(), Some(0 | 1)), "{stderr}");
    let made = dropin_folders(dir.path());
    assert_eq!(made.len(), 1, "beside the folder: {stdout}");
    let findings = std::fs::read_to_string(made[0].join("findings.json")).unwrap();
    assert!(findings.contains("総務課.xlsx"), "{findings}");
    assert!(!findings.contains("report.xlsx"));

    let run = shinchoku(dir.path(), &["ない.xlsx"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run)
        .1
        .contains("E001 ファイルが見つかりません: ない.xlsx"));
    assert_eq!(
        dropin_folders(dir.path()).len(),
        1,
        "no folder for a failed run"
    );

    let empty = dir.path().join("空");
    std::fs::create_dir(&empty).unwrap();
    let run = shinchoku(dir.path(), &["空"]);
    let (_, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr.contains("E036 フォルダー 空 に Excel ブック（.xlsx / .xls）がありません"),
        "{stderr}"
    );
    assert_eq!(
        dropin_folders(dir.path()).len(),
        1,
        "no folder for a failed run"
    );
}
