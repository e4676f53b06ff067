//! Tests of the output set: moves, refusals, locks and failures on real folders.

use super::*;
use std::time::Duration;

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if e.path().is_file() {
            out.push((name, std::fs::read(e.path()).unwrap()));
        } else {
            for (inner, bytes) in files(&e.path()) {
                out.push((format!("{name}/{inner}"), bytes));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn timestamps_are_utc_calendar_dates() {
    let at = |s: u64| timestamp(SystemTime::UNIX_EPOCH + Duration::from_secs(s));
    assert_eq!(at(0), "19700101-000000");
    // 2026-12-01 15:30:12 UTC.
    assert_eq!(at(1_796_139_012), "20261201-153012");
    // A leap day.
    assert_eq!(at(951_782_400), "20000229-000000");
}

#[test]
fn every_member_is_named_once() {
    for m in MEMBERS {
        assert!(is_member(m));
    }
    assert!(is_member("changes-総務課.csv"));
    assert!(!is_member("総務課.xlsx"));
    assert!(!is_member(BACKUPS));
    assert!(!is_member(LOCK));
}

#[test]
fn a_new_set_moves_the_earlier_one_aside_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut set = OutputSet::begin(&out, &[]).unwrap();
    set.write(REPORT, b"first report").unwrap();
    set.write("changes-a.csv", b"a").unwrap();
    let returns = set.folder(RETURNS).unwrap();
    std::fs::write(returns.join("総務課_確認.xlsx"), b"r").unwrap();
    let first = set.commit().unwrap();
    assert!(first.backup.is_none());
    assert_eq!(first.written.len(), 3);
    let before = files(&out);

    let mut set = OutputSet::begin(&out, &[]).unwrap();
    set.write(REPORT, b"second").unwrap();
    let second = set.commit().unwrap();
    let backup = second.backup.unwrap();
    assert!(backup.starts_with(out.join(BACKUPS)));
    assert_eq!(files(&backup), before, "the earlier set, byte for byte");
    assert_eq!(std::fs::read(out.join(REPORT)).unwrap(), b"second");
    assert!(
        !out.join(RETURNS).exists(),
        "returns of the earlier run moved too"
    );
    assert!(!out.join(LOCK).exists(), "the lock file is removed");
}

#[test]
fn a_failed_move_puts_everything_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_path_buf();
    let mut set = OutputSet::begin(&out, &[]).unwrap();
    set.write(REPORT, b"old report").unwrap();
    set.write(CHANGES, b"old changes").unwrap();
    set.commit().unwrap();
    let before = files(&out);

    let mut set = OutputSet::begin(&out, &[]).unwrap();
    set.write(REPORT, b"new report").unwrap();
    set.write(CHANGES, b"new changes").unwrap();
    set.write(FINDINGS, b"new findings").unwrap();
    set.fail_at_place = Some(2);
    let err = set.commit().unwrap_err();
    assert!(err.to_string().starts_with("E035"), "{err}");
    assert!(err.to_string().contains("何も置き換えていません"), "{err}");
    assert_eq!(
        files(&out),
        before,
        "nothing replaced, no temporary file left"
    );
}

#[test]
fn a_dropped_set_leaves_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("new");
    let mut set = OutputSet::begin(&out, &[]).unwrap();
    set.write(REPORT, b"x").unwrap();
    drop(set);
    assert!(!out.exists(), "a folder made for a failed run is removed");
}

#[test]
fn temporaries_of_a_killed_run_are_removed() {
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join(format!(".{FINDINGS}{TMP_SUFFIX}"));
    std::fs::write(&stale, b"half").unwrap();
    let mine = dir.path().join(".mine.shinchoku-tmp");
    std::fs::write(&mine, b"not ours").unwrap();
    drop(OutputSet::begin(dir.path(), &[]).unwrap());
    assert!(!stale.exists());
    assert!(mine.exists(), "only names of the set are removed");
}

#[test]
fn a_held_lock_refuses_a_second_set() {
    let dir = tempfile::tempdir().unwrap();
    let held = OutputSet::begin(dir.path(), &[]).unwrap();
    let err = OutputSet::begin(dir.path(), &[]).unwrap_err();
    assert!(matches!(err, Error::OutputBusy(_)), "{err}");
    drop(held);
    OutputSet::begin(dir.path(), &[]).unwrap();
}

#[test]
fn a_read_path_in_the_set_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(RETURNS)).unwrap();
    let returned = dir.path().join(RETURNS).join("総務課_確認.xlsx");
    std::fs::write(&returned, b"x").unwrap();
    let err = OutputSet::begin(dir.path(), &[&returned]).unwrap_err();
    assert!(matches!(err, Error::WouldOverwriteInput(_)), "{err}");
    let elsewhere = dir.path().join("総務課.xlsx");
    std::fs::write(&elsewhere, b"x").unwrap();
    OutputSet::begin(dir.path(), &[&elsewhere]).unwrap();
}

#[test]
fn an_excel_lock_file_refuses() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(REPORT), b"x").unwrap();
    std::fs::write(dir.path().join(format!("~${REPORT}")), b"").unwrap();
    let err = OutputSet::begin(dir.path(), &[]).unwrap_err();
    assert!(err.to_string().starts_with("E033"), "{err}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_folder_that_cannot_be_created_gets_e031_with_the_system_detail_below() {
    // /proc refuses new folders even to root.
    let err = OutputSet::begin(Path::new("/proc/shinchoku-out"), &[]).unwrap_err();
    let text = err.to_string();
    let (first, second) = text.split_once('\n').expect("two lines");
    assert_eq!(
        first,
        "E031 出力先フォルダー /proc/shinchoku-out を作れません。何も書き込んでいません"
    );
    assert!(
        second.starts_with("  ") && second.contains("os error"),
        "{second}"
    );
}

#[test]
fn output_path_problems_have_their_own_messages() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"x").unwrap();
    let err = OutputSet::begin(&file, &[]).unwrap_err();
    assert!(matches!(err, Error::OutputIsFile(_)), "{err}");
    let err = OutputSet::begin(&file.join("below"), &[]).unwrap_err();
    assert!(matches!(err, Error::OutputIsFile(_)), "{err}");
}
