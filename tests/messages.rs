//! What a clerk reads when a run starts or stops: `--help` of each command, the summary line of
//! `report`, and every whole-run error (E001–E012, E020–E022) provoked from the command line,
//! as insta snapshots. Temp paths are replaced by `[TMP]` so the snapshots are stable.

use crate::fixture::{repack, root, small_report, with_sample, workbook_bytes, workbook_bytes_for};
use crate::fixture::{Ran, Run};
use shinchoku::model::Year;
use std::path::Path;

/// `text` with every spelling of `dir` replaced by `[TMP]`.
fn filter(text: &str, dir: &Path) -> String {
    let mut text = text.to_string();
    for d in [
        dir.to_path_buf(),
        dir.canonicalize().unwrap_or(dir.to_path_buf()),
    ] {
        text = text.replace(&d.display().to_string(), "[TMP]");
    }
    text
}

/// The exit code and stderr of a run that stopped, temp paths filtered, for a snapshot.
fn stopped(ran: &Ran, dir: &Path) -> String {
    assert!(!ran.stderr.contains("panicked"), "{}", ran.stderr);
    let code = ran.output.status.code().expect("an exit code");
    format!("exit {code}\n{}", filter(&ran.stderr, dir))
}

/// Runs `args` in `dir`, expects exit 2 and the message of `code`, and returns the snapshot text.
fn error(dir: &Path, args: &[&str], code: &str) -> String {
    let ran = Run::new(dir).args(args).fails(2);
    assert!(ran.stderr.contains(code), "{code} expected: {}", ran.stderr);
    stopped(&ran, dir)
}

#[test]
fn help_texts() {
    let dir = tempfile::tempdir().unwrap();
    for (name, args) in [
        ("help", &["--help"][..]),
        ("help_report", &["report", "--help"]),
        ("help_check", &["check", "--help"]),
    ] {
        let ran = Run::new(dir.path()).args(args).ok();
        insta::assert_snapshot!(name, ran.stdout);
    }
}

#[test]
fn report_summary_of_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let ran = Run::new(&root())
        .args(&[
            "report",
            "samples/mine-r1.xlsx",
            "--out",
            out.to_str().unwrap(),
        ])
        .ok();
    insta::assert_snapshot!("report_summary_sample", filter(&ran.stdout, dir.path()));
}

#[test]
fn e001_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = error(dir.path(), &["check", "missing.xlsx"], "E001");
    insta::assert_snapshot!("e001_missing_file", text);
}

#[test]
fn e002_a_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("folder")).unwrap();
    let text = error(dir.path(), &["check", "folder"], "E002");
    insta::assert_snapshot!("e002_folder", text);
}

#[test]
fn e003_unreadable_file() {
    // A path through a regular file (ENOTDIR): unreadable even for root, who reads a file of
    // permission 000.
    let dir = with_sample();
    let text = error(dir.path(), &["check", "mine-r1.xlsx/inner.xlsx"], "E003");
    insta::assert_snapshot!("e003_unreadable", text);
}

#[test]
fn e004_not_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.xlsx"), "これはブックではありません").unwrap();
    let text = error(dir.path(), &["check", "notes.xlsx"], "E004");
    insta::assert_snapshot!("e004_not_a_workbook", text);
}

#[test]
fn e005_encrypted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/fixtures/encrypted.xlsx"),
        dir.path().join("encrypted.xlsx"),
    )
    .unwrap();
    let text = error(dir.path(), &["check", "encrypted.xlsx"], "E005");
    insta::assert_snapshot!("e005_encrypted", text);
}

#[test]
fn e006_no_report_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "メモ").unwrap();
    std::fs::write(
        dir.path().join("notable.xlsx"),
        wb.save_to_buffer().unwrap(),
    )
    .unwrap();
    let text = error(dir.path(), &["check", "notable.xlsx"], "E006");
    insta::assert_snapshot!("e006_no_report_sheet", text);
}

#[test]
fn e007_too_large() {
    let dir = tempfile::tempdir().unwrap();
    let f = std::fs::File::create(dir.path().join("big.xlsx")).unwrap();
    f.set_len(shinchoku::guard::MAX_FILE + 1).unwrap();
    drop(f);
    let text = error(dir.path(), &["check", "big.xlsx"], "E007");
    insta::assert_snapshot!("e007_too_large", text);
}

#[test]
fn e008_broken_rules_and_missing_layout() {
    let dir = with_sample();
    std::fs::write(dir.path().join("rules.toml"), "[indicator\nname = ").unwrap();
    let text = error(
        dir.path(),
        &["check", "mine-r1.xlsx", "--rules", "rules.toml"],
        "E008",
    );
    insta::assert_snapshot!("e008_broken_rules", text);
    let text = error(
        dir.path(),
        &["check", "mine-r1.xlsx", "--layout", "missing.toml"],
        "E008",
    );
    insta::assert_snapshot!("e008_missing_layout", text);
}

#[test]
fn e009_year_mismatch() {
    let dir = with_sample();
    let text = error(
        dir.path(),
        &["check", "mine-r1.xlsx", "--year", "R2"],
        "E009",
    );
    insta::assert_snapshot!("e009_year_mismatch", text);
}

#[test]
fn e010_no_year() {
    // The results header without its year: "年度実績" alone.
    let dir = tempfile::tempdir().unwrap();
    let bytes = repack(
        &workbook_bytes(&small_report(&[55])),
        None,
        &|name, data| {
            if name.ends_with(".xml") {
                String::from_utf8(data)
                    .unwrap()
                    .replace("R1年度\n年度実績", "年度実績")
                    .replace("R1年度&#10;年度実績", "年度実績")
                    .into_bytes()
            } else {
                data
            }
        },
    );
    std::fs::write(dir.path().join("noyear.xlsx"), bytes).unwrap();
    let text = error(dir.path(), &["check", "noyear.xlsx"], "E010");
    insta::assert_snapshot!("e010_no_year", text);
}

#[test]
fn e011_output_overwriting_input() {
    let dir = with_sample();
    Run::new(dir.path())
        .args(&["report", "mine-r1.xlsx", "--out", "a"])
        .ok();
    let text = error(
        dir.path(),
        &["report", "a/report.xlsx", "--out", "a"],
        "E011",
    );
    insta::assert_snapshot!("e011_overwrite_input", text);
}

#[test]
fn e012_write_failure() {
    // The template's folder would be under a regular file: it cannot be made. (`report --out`
    // there is E030, an output-set message.)
    let dir = with_sample();
    let text = error(
        dir.path(),
        &["template", "--out", "mine-r1.xlsx/new/template.xlsx"],
        "E012",
    );
    insta::assert_snapshot!("e012_write_failure", text);
}

#[test]
fn e020_empty_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet();
    std::fs::write(dir.path().join("empty.xlsx"), wb.save_to_buffer().unwrap()).unwrap();
    let text = error(dir.path(), &["check", "empty.xlsx"], "E020");
    insta::assert_snapshot!("e020_empty_workbook", text);
}

#[test]
fn e021_bad_baseline() {
    let dir = with_sample();
    std::fs::write(dir.path().join("broken.json"), "{not json").unwrap();
    let text = error(
        dir.path(),
        &["check", "mine-r1.xlsx", "--baseline", "broken.json"],
        "E021",
    );
    insta::assert_snapshot!("e021_bad_baseline", text);
}

#[test]
fn e022_template_from_an_r5_report_without_a_year() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = workbook_bytes_for(&small_report(&[55]), Year::new(5).unwrap());
    std::fs::write(dir.path().join("r5.xlsx"), bytes).unwrap();
    let text = error(
        dir.path(),
        &["template", "--from", "r5.xlsx", "--out", "next.xlsx"],
        "E022",
    );
    insta::assert_snapshot!("e022_no_next_year", text);
}

#[test]
fn e013_stdout_that_cannot_be_written_is_an_error_not_silence() {
    // `check > full-disk`: /dev/full refuses every write with ENOSPC. Only a closed pipe
    // (`| head`, tested in pipeline.rs) is silent.
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not on this system
    };
    let dir = with_sample();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_shinchoku"))
        .args(["check", "mine-r1.xlsx"])
        .current_dir(dir.path())
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("shinchoku: E013 結果を標準出力に書き込めません: "),
        "{stderr}"
    );
}
