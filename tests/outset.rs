//! The output set through the real binary: an earlier set is kept aside byte for byte, a
//! failure replaces nothing, read paths are never overwritten, a held folder lock refuses a
//! second run, and changes.csv escapes formula-like texts.

use crate::fixture::{inline_cell, repack, replace_cell, shinchoku, text, with_sample};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir` (relative path → bytes), folders walked.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn names(files: &BTreeMap<String, Vec<u8>>) -> Vec<&str> {
    files.keys().map(String::as_str).collect()
}

#[test]
fn a_rerun_keeps_the_earlier_set_byte_for_byte() {
    // The README's first command, twice.
    let dir = with_sample();
    let first = shinchoku(dir.path(), &["report", "mine-r1.xlsx", "--out", "out"]);
    assert_eq!(first.status.code(), Some(0), "{:?}", text(&first));
    let out = dir.path().join("out");
    // A clerk's hand edit of the report must survive too.
    std::fs::write(out.join("report.xlsx"), b"edited by hand").unwrap();
    let earlier = tree(&out);
    assert_eq!(
        names(&earlier),
        [
            "changes.csv",
            "findings.json",
            "report.xlsx",
            "確認結果.xlsx",
            "返却/mine-r1_確認.xlsx"
        ]
    );

    let again = shinchoku(dir.path(), &["report", "mine-r1.xlsx", "--out", "out"]);
    let (stdout, stderr) = text(&again);
    assert_eq!(again.status.code(), Some(0), "{stderr}");
    let backups: Vec<_> = std::fs::read_dir(out.join("以前の出力"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(backups.len(), 1, "{backups:?}");
    assert_eq!(tree(&backups[0]), earlier, "the earlier set, moved whole");
    let stamp = backups[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(
        stdout.contains(&format!("以前の出力は out/以前の出力/{stamp} に移しました")),
        "{stdout}"
    );
    let now = tree(&out);
    assert_ne!(now["report.xlsx"], b"edited by hand");
    assert_eq!(
        now["changes.csv"], earlier["changes.csv"],
        "same input, same log"
    );
    assert!(
        !now.keys().any(|k| k.contains("shinchoku")),
        "no temporary or lock file left: {:?}",
        names(&now)
    );
}

#[test]
fn a_folder_where_an_output_goes_replaces_nothing() {
    let dir = with_sample();
    let first = shinchoku(dir.path(), &["report", "mine-r1.xlsx", "--out", "out"]);
    assert_eq!(first.status.code(), Some(0));
    let out = dir.path().join("out");
    // A folder now stands where findings.json goes.
    std::fs::remove_file(out.join("findings.json")).unwrap();
    std::fs::create_dir(out.join("findings.json")).unwrap();
    let earlier = tree(&out);

    let run = shinchoku(dir.path(), &["report", "mine-r1.xlsx", "--out", "out"]);
    let (_, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("E034 出力ファイルの場所 out/findings.json にフォルダーがあります"),
        "{stderr}"
    );
    assert!(
        stderr.contains("以前の出力は何も置き換えていません"),
        "{stderr}"
    );
    assert_eq!(tree(&out), earlier, "every earlier output byte-identical");
    assert!(out.join("findings.json").is_dir());
    assert!(!out.join("以前の出力").exists());

    // Without an earlier set: nothing at all appears.
    std::fs::create_dir_all(dir.path().join("fresh/changes.csv")).unwrap();
    let run = shinchoku(dir.path(), &["report", "mine-r1.xlsx", "--out", "fresh"]);
    assert_eq!(run.status.code(), Some(2));
    assert_eq!(
        std::fs::read_dir(dir.path().join("fresh")).unwrap().count(),
        1,
        "only the folder that was there"
    );
}

#[test]
fn no_path_the_run_reads_is_overwritten() {
    let dir = with_sample();
    let first = shinchoku(dir.path(), &["report", "mine-r1.xlsx", "--out", "out"]);
    assert_eq!(first.status.code(), Some(0));
    let earlier = tree(&dir.path().join("out"));
    for (option, path) in [
        ("--plan", "out/report.xlsx"),
        ("--baseline", "out/findings.json"),
    ] {
        let run = shinchoku(
            dir.path(),
            &["report", "mine-r1.xlsx", option, path, "--out", "out"],
        );
        let (_, stderr) = text(&run);
        assert_eq!(run.status.code(), Some(2), "{option}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "E011 入力ファイルを上書きする出力先は使えません: {path}"
            )),
            "{option}: {stderr}"
        );
        assert_eq!(tree(&dir.path().join("out")), earlier, "{option}");
    }
}

#[test]
fn a_held_lock_refuses_a_second_run() {
    let dir = with_sample();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // Held as a running shinchoku holds it: an OS lock on out/.shinchoku.lock.
    let lock = std::fs::File::create(out.join(shinchoku::outset::LOCK)).unwrap();
    lock.lock().unwrap();
    let run = shinchoku(dir.path(), &["report", "mine-r1.xlsx", "--out", "out"]);
    let (_, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("E032 出力先フォルダー out には別の shinchoku が書き出している最中です"),
        "{stderr}"
    );
    assert_eq!(
        names(&tree(&out)),
        [shinchoku::outset::LOCK],
        "nothing written"
    );
    lock.unlock().unwrap();
    drop(lock);
    let run = shinchoku(dir.path(), &["report", "mine-r1.xlsx", "--out", "out"]);
    assert_eq!(run.status.code(), Some(0), "{:?}", text(&run));
}

#[test]
fn output_path_problems_are_named_in_japanese() {
    let dir = with_sample();
    std::fs::write(dir.path().join("taken"), b"a file").unwrap();
    for out in ["taken", "taken/below"] {
        let run = shinchoku(dir.path(), &["report", "mine-r1.xlsx", "--out", out]);
        let (_, stderr) = text(&run);
        assert_eq!(run.status.code(), Some(2), "{stderr}");
        assert_eq!(
            stderr,
            "shinchoku: E030 出力先 taken はファイルです。出力先にはフォルダーを指定してください（なければ作ります）。何も書き込んでいません\n"
        );
    }
}

#[test]
fn an_open_report_refuses_the_run() {
    let dir = with_sample();
    let first = shinchoku(dir.path(), &["report", "mine-r1.xlsx", "--out", "out"]);
    assert_eq!(first.status.code(), Some(0));
    std::fs::write(dir.path().join("out/~$report.xlsx"), b"owner").unwrap();
    let earlier = tree(&dir.path().join("out"));
    let run = shinchoku(dir.path(), &["report", "mine-r1.xlsx", "--out", "out"]);
    let (_, stderr) = text(&run);
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(
        stderr
            .contains("E033 out/report.xlsx が Excel で開かれています（~$report.xlsx があります）"),
        "{stderr}"
    );
    assert_eq!(tree(&dir.path().join("out")), earlier);
}

#[test]
fn changes_csv_escapes_an_injected_indicator_name_but_not_a_dash() {
    let dir = tempfile::tempdir().unwrap();
    let evil = "-2+3+cmd|' /C calc'!A0";
    let mut report = crate::fixture::small_report(&[1]);
    let ind = &mut report.sheets[0].sections[0].items[0].indicators[0];
    ind.name.text = Some(evil.into());
    // 区分 実勢 is corrected to 実績: a change on this indicator.
    ind.actual_label.text = Some("実勢".into());
    let bytes = crate::fixture::workbook_bytes(&report);
    std::fs::write(dir.path().join("in.xlsx"), &bytes).unwrap();
    // The 年度目標達成率 typed as 「-」 where a figure is due: corrected, old value 「-」.
    let read = shinchoku::process(&[dir.path().join("in.xlsx")], &crate::fixture::defaults())
        .unwrap()
        .input;
    let at = read.sheets[0].sections[0].items[0].indicators[0]
        .rate_year
        .at
        .clone()
        .expect("the rate cell");
    let a1 = at.a1();
    let edited = repack(&bytes, None, &|name, data| {
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(data).unwrap();
            replace_cell(&xml, &a1, &inline_cell(&a1, "-")).into_bytes()
        } else {
            data
        }
    });
    std::fs::write(dir.path().join("in.xlsx"), edited).unwrap();

    let run = shinchoku(dir.path(), &["report", "in.xlsx", "--out", "out"]);
    assert_ne!(run.status.code(), Some(2), "{:?}", text(&run));
    let csv = std::fs::read_to_string(dir.path().join("out/changes.csv")).unwrap();
    assert!(csv.contains(&format!(",'{evil},")), "{csv}");
    assert!(!csv.contains(&format!(",{evil},")), "{csv}");
    let dash_row = csv
        .lines()
        .find(|l| l.contains(&format!(",{a1},")))
        .unwrap_or_else(|| panic!("a change at {a1}: {csv}"));
    assert!(dash_row.contains(",-,"), "「-」 as it was: {dash_row}");
}

#[test]
fn runs_at_once_into_one_folder_never_mix_their_files() {
    // No timing is asserted: whichever run gets the lock writes a whole set, the other
    // refuses (E032) or comes after it and moves that set aside whole.
    let dir = with_sample();
    for _ in 0..4 {
        let spawn = || {
            std::process::Command::new(env!("CARGO_BIN_EXE_shinchoku"))
                .args(["report", "mine-r1.xlsx", "--out", "out"])
                .current_dir(dir.path())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        for run in [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()] {
            let (_, stderr) = text(&run);
            match run.status.code() {
                Some(0) => {}
                Some(2) => assert!(stderr.contains("E032"), "{stderr}"),
                other => panic!("{other:?}: {stderr}"),
            }
        }
    }
    let out = dir.path().join("out");
    assert_eq!(
        listing_of(&out),
        [
            "changes.csv",
            "findings.json",
            "report.xlsx",
            "以前の出力",
            "確認結果.xlsx",
            "返却"
        ]
    );
    for backup in std::fs::read_dir(out.join("以前の出力")).unwrap() {
        assert_eq!(
            listing_of(&backup.unwrap().path()),
            [
                "changes.csv",
                "findings.json",
                "report.xlsx",
                "確認結果.xlsx",
                "返却"
            ],
            "every set kept aside is whole"
        );
    }
}

fn listing_of(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The rows of the long sheets wait in temporary files in the output folder while a workbook
/// is filled: a run does not need the system's temporary folder (full or locked down on some
/// office PCs), and leaves nothing behind but the set.
#[test]
fn report_needs_no_system_temporary_folder_and_leaves_no_temporary_file() {
    let dir = with_sample();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_shinchoku"))
        .args(["report", "mine-r1.xlsx", "--out", "out"])
        .current_dir(dir.path())
        .env("TMPDIR", dir.path().join("no-such-folder"))
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let files: Vec<String> = tree(&dir.path().join("out")).into_keys().collect();
    assert_eq!(
        files,
        [
            "changes.csv",
            "findings.json",
            "report.xlsx",
            "確認結果.xlsx",
            "返却/mine-r1_確認.xlsx"
        ]
    );
}
