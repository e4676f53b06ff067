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

/// One run of the shinchoku binary, built up and then checked by its exit code (in the style
/// of just's test harness): `Run::new(dir).args(&["check", "a.xlsx"]).ok()` or `.fails(2)`.
#[must_use = "a run does nothing until .ok() or .fails(code)"]
pub struct Run {
    dir: PathBuf,
    args: Vec<String>,
}

/// What a finished run printed, and its raw output.
pub struct Ran {
    /// stdout as text.
    pub stdout: String,
    /// stderr as text.
    pub stderr: String,
    /// The raw output (status and bytes).
    pub output: Output,
}

impl Run {
    /// A run in `dir` (the working directory), with no arguments yet.
    pub fn new(dir: &Path) -> Self {
        Self {
            dir: dir.to_path_buf(),
            args: Vec::new(),
        }
    }

    /// Appends `args`.
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args.extend(args.iter().map(|a| a.to_string()));
        self
    }

    /// Runs and asserts exit 0.
    pub fn ok(self) -> Ran {
        self.expect(&[0], "0")
    }

    /// Runs and asserts exit `code` (1: error findings, 2: the run stopped).
    pub fn fails(self, code: i32) -> Ran {
        self.expect(&[code], &code.to_string())
    }

    /// Runs and asserts the run went to its end: exit 0 or 1 (findings may be errors), not a
    /// whole-run error (2) or a panic.
    pub fn completes(self) -> Ran {
        self.expect(&[0, 1], "0 or 1")
    }

    fn expect(self, codes: &[i32], want: &str) -> Ran {
        let output = Command::new(env!("CARGO_BIN_EXE_shinchoku"))
            .args(&self.args)
            .current_dir(&self.dir)
            .output()
            .expect("the binary runs");
        let (stdout, stderr) = text(&output);
        let code = output.status.code();
        assert!(
            code.is_some_and(|c| codes.contains(&c)),
            "shinchoku {:?}: expected exit {want}, got {:?}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}",
            self.args,
            output.status,
        );
        Ran {
            stdout,
            stderr,
            output,
        }
    }
}

/// Runs the shinchoku binary with `args` in `dir`, for tests that inspect the exit status
/// themselves (races, several outcomes allowed); prefer [`Run`].
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

/// The sample's report (`out/report.xlsx`) and next cycle's workbook from it (`r2.xlsx`).
pub fn next_cycle() -> tempfile::TempDir {
    let dir = with_sample();
    next_cycle_in(dir.path());
    dir
}

/// [`next_cycle`] in `dir`, whose `mine-r1.xlsx` a test may have edited first.
pub fn next_cycle_in(dir: &Path) {
    Run::new(dir)
        .args(&["report", "mine-r1.xlsx", "--out", "out"])
        .ok();
    Run::new(dir)
        .args(&["template", "--from", "out/report.xlsx", "--out", "r2.xlsx"])
        .ok();
}

/// A temp dir with the sample and the four department workbooks cut from it
/// (`tests/fixtures/one_sheet_departments.py`: 総務課, 財政課, 企画課, 建設課 `.xlsx`).
pub fn with_departments() -> tempfile::TempDir {
    let dir = with_sample();
    let status = std::process::Command::new("python3")
        .arg(root().join("tests/fixtures/one_sheet_departments.py"))
        .arg(sample())
        .arg(dir.path())
        .status()
        .expect("python3 runs");
    assert!(status.success());
    dir
}

/// Options with every setting at its default (built-in rules and layout, year from the file).
pub fn defaults() -> shinchoku::settings::Settings {
    shinchoku::settings::Settings::default()
}

/// The sample as corrected by shinchoku (no form or derived-figure findings left).
pub fn corrected_sample() -> shinchoku::model::Report {
    shinchoku::process(&[sample()], &defaults())
        .expect("the sample reads")
        .output
}

/// A small report: the corrected sample cut down to the items `numbers`, each kept on its
/// sheet and in its section; empty sheets and sections are dropped. The sample leaves 達成状況
/// blank where nothing was achieved (W223): here a blank one reads 未達成, a complete entry.
pub fn small_report(numbers: &[u32]) -> shinchoku::model::Report {
    let mut report = corrected_sample();
    for item in report.items_mut() {
        item.status.text.get_or_insert_with(|| "未達成".into());
    }
    for sheet in &mut report.sheets {
        for section in &mut sheet.sections {
            section
                .items
                .retain(|i| i.number().is_some_and(|n| numbers.contains(&n)));
        }
        sheet.sections.retain(|s| !s.items.is_empty());
    }
    report.sheets.retain(|s| !s.sections.is_empty());
    report
}

/// Writes `report` as an R1 workbook (derived cells recalculated) and returns its bytes.
pub fn workbook_bytes(report: &shinchoku::model::Report) -> Vec<u8> {
    workbook_bytes_for(report, shinchoku::model::Year::ALL[0])
}

/// Writes `report` as a workbook of report year `year` with the built-in rules and layout
/// (derived cells recalculated for that year) and returns its bytes.
pub fn workbook_bytes_for(
    report: &shinchoku::model::Report,
    year: shinchoku::model::Year,
) -> Vec<u8> {
    let mut report = report.clone();
    let _ = shinchoku::calc::recalculate(&mut report, &shinchoku::rules::Rules::builtin(), year);
    shinchoku::write::report_workbook(
        report,
        &shinchoku::layout::Layout::builtin(),
        year,
        &Default::default(),
        Path::new("fixture.xlsx"),
    )
    .expect("the report writes")
}

/// Rewrites a zip: every part passes through `edit` (name, bytes) → bytes, in `order` (indices
/// into the original entries) or the original order.
pub fn repack(
    bytes: &[u8],
    order: Option<&[usize]>,
    edit: &dyn Fn(&str, Vec<u8>) -> Vec<u8>,
) -> Vec<u8> {
    repack_with(bytes, order, zip::CompressionMethod::Deflated, edit)
}

/// [`repack`] with the parts stored by `method` (Stored is fast: no compression).
pub fn repack_with(
    bytes: &[u8],
    order: Option<&[usize]>,
    method: zip::CompressionMethod,
    edit: &dyn Fn(&str, Vec<u8>) -> Vec<u8>,
) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let all: Vec<usize> = (0..zip.len()).collect();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(method);
    for &i in order.unwrap_or(&all) {
        let mut part = zip.by_index(i).expect("a part");
        let name = part.name().expect("a name").to_string();
        let mut data = Vec::new();
        part.read_to_end(&mut data).expect("part reads");
        out.start_file(name.clone(), options).expect("start part");
        out.write_all(&edit(&name, data)).expect("write part");
    }
    out.finish().expect("zip finishes").into_inner()
}

/// Replaces the whole `<c r="A1" …>…</c>` element of cell `a1` in a sheet's XML.
pub fn replace_cell(xml: &str, a1: &str, with: &str) -> String {
    let start = xml
        .find(&format!("<c r=\"{a1}\""))
        .unwrap_or_else(|| panic!("cell {a1} not in the sheet"));
    let rest = &xml[start..];
    let open_end = rest.find('>').expect("tag ends");
    let len = if rest[..open_end].ends_with('/') {
        open_end + 1
    } else {
        rest.find("</c>").expect("cell ends") + 4
    };
    format!("{}{}{}", &xml[..start], with, &xml[start + len..])
}

/// The A1 cell of the first cell in a sheet's XML holding shared string `text`.
pub fn cell_with_shared_string(bytes: &[u8], sheet_part: &str, text: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut read = |name: &str| {
        let mut s = String::new();
        zip.by_name(name)
            .expect("part present")
            .read_to_string(&mut s)
            .expect("utf-8 part");
        s
    };
    let strings = read("xl/sharedStrings.xml");
    let index = strings
        .split("<si>")
        .skip(1)
        .position(|si| si.contains(&format!(">{text}</t>")))
        .unwrap_or_else(|| panic!("{text} not a shared string"));
    let sheet = read(sheet_part);
    let at = sheet
        .find(&format!("t=\"s\"><v>{index}</v>"))
        .unwrap_or_else(|| panic!("{text} not used in {sheet_part}"));
    let start = sheet[..at].rfind("<c r=\"").expect("cell start") + 6;
    sheet[start..start + sheet[start..].find('"').expect("ref ends")].to_string()
}

/// An inline-string cell element.
pub fn inline_cell(a1: &str, text: &str) -> String {
    format!("<c r=\"{a1}\" t=\"inlineStr\"><is><t>{text}</t></is></c>")
}

/// Runs a Python snippet (openpyxl) with `args`; its stdout parsed as JSON.
pub fn python(script: &str, args: &[&Path]) -> serde_json::Value {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs (openpyxl is required)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the snippet prints JSON")
}

/// 0-based (row, col) of an A1 name.
pub fn a1_pos(a1: &str) -> Option<(u32, u32)> {
    let letters: String = a1.chars().take_while(char::is_ascii_uppercase).collect();
    let digits = &a1[letters.len()..];
    if letters.is_empty() || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let col = letters
        .bytes()
        .fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1))
        - 1;
    Some((digits.parse::<u32>().ok()? - 1, col))
}
