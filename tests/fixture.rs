//! Fixture builder: temp dirs, the sample, running the real binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped sample workbook.
pub fn sample() -> PathBuf {
    root().join("samples/mine-r1.xlsx")
}

/// Runs the shinchoku binary with `args` in `dir`.
pub fn shinchoku(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_shinchoku"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the binary runs")
}

/// stdout and stderr as text.
pub fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A temp dir holding a copy of the sample as `mine-r1.xlsx`.
pub fn with_sample() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::copy(sample(), dir.path().join("mine-r1.xlsx")).expect("copy sample");
    dir
}
