//! `cargo bench`: the speed and peak memory of `shinchoku report` against two baselines, as
//! ratios measured in one run.
//!
//! Input → output: the sample workbook → synthetic office workbooks (N departments × M items,
//! the sample's real texts, indicators and typing mistakes, renumbered; written with
//! rust_xlsxwriter into `target/bench-data/`) → a Markdown table on stdout (also written to
//! `target/bench-data/results.md`).
//!
//! Every variant runs as a child process under `/usr/bin/time -f %M` (its peak RSS):
//! (a) `shinchoku report` on the 63-item sample, 5,000 and 10,000 items; (b) the floor: calamine
//! reading + rust_xlsxwriter writing the same cells with no logic (this binary, `floor IN OUT`),
//! and the formatted floor, which also writes the merges and a format on every cell of the
//! used range (`floor-fmt IN OUT`); (c) `python3 benches/openpyxl_load_save.py IN OUT`
//! (skipped with `SHINCHOKU_BENCH_SKIP_OPENPYXL=1`). Times are medians of several runs.

use calamine::{Data, Reader};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use shinchoku::layout::Layout;
use shinchoku::model::{Field, Found, Item, TextField};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const SHINCHOKU: &str = env!("CARGO_BIN_EXE_shinchoku");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str);
    if matches!(mode, Some("floor" | "floor-fmt")) && args.len() == 4 {
        let formatted = mode == Some("floor-fmt");
        if let Err(e) = floor(Path::new(&args[2]), Path::new(&args[3]), formatted) {
            eprintln!("floor: {e}");
            std::process::exit(2);
        }
        return;
    }
    if let Err(e) = run() {
        eprintln!("bench: {e}");
        std::process::exit(2);
    }
}

/// The floor: read every cell with calamine and write the same cells with rust_xlsxwriter.
/// `formatted` (the "floor+fmt" column): also read the sheets' merges, write every cell of the
/// used range (blanks too) with one bordered format and the same merges, as a report must.
fn floor(input: &Path, output: &Path, formatted: bool) -> Result<(), Box<dyn std::error::Error>> {
    let mut xlsx: calamine::Xlsx<_> = calamine::open_workbook(input)?;
    let mut out = Workbook::new();
    let fmt = Format::new()
        .set_font_name("ＭＳ Ｐゴシック")
        .set_font_size(9)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    for name in xlsx.sheet_names() {
        let range = xlsx.worksheet_range(&name)?;
        let ws = out.add_worksheet();
        ws.set_name(&name)?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut covered = std::collections::HashSet::new();
        if formatted {
            for m in xlsx.merge_cells_by_sheet_name(&name)? {
                let ((fr, fc), (lr, lc)) = (m.start, m.end);
                ws.merge_range(fr, fc as u16, lr, lc as u16, "", &fmt)?;
                for r in fr..=lr {
                    for c in fc..=lc {
                        if (r, c) != (fr, fc) {
                            covered.insert((r, c));
                        }
                    }
                }
            }
        }
        let cells: Box<dyn Iterator<Item = (usize, usize, &Data)>> = if formatted {
            Box::new(range.cells())
        } else {
            Box::new(range.used_cells())
        };
        for (r, c, v) in cells {
            let (r, c) = (r0 + r as u32, (c0 as usize + c) as u16);
            if !formatted {
                match v {
                    Data::Float(f) => ws.write_number(r, c, *f)?,
                    Data::Int(i) => ws.write_number(r, c, *i as f64)?,
                    Data::String(s) => ws.write_string(r, c, s)?,
                    Data::Empty => continue,
                    other => ws.write_string(r, c, other.to_string())?,
                };
                continue;
            }
            match v {
                Data::Float(f) => ws.write_number_with_format(r, c, *f, &fmt)?,
                Data::Int(i) => ws.write_number_with_format(r, c, *i as f64, &fmt)?,
                Data::String(s) => ws.write_string_with_format(r, c, s, &fmt)?,
                Data::Empty if covered.contains(&(r, u32::from(c))) => continue,
                Data::Empty => ws.write_blank(r, c, &fmt)?,
                other => ws.write_string_with_format(r, c, other.to_string(), &fmt)?,
            };
        }
    }
    out.save(output)?;
    Ok(())
}

/// One timed child run: wall seconds and peak RSS in KiB (None without /usr/bin/time).
struct Sample {
    secs: f64,
    peak_kib: Option<u64>,
}

fn run_child(program: &str, args: &[&str]) -> Result<Sample, String> {
    let time = Path::new("/usr/bin/time");
    let mut cmd = if time.exists() {
        let mut c = Command::new(time);
        c.args(["-f", "%M", program]);
        c
    } else {
        Command::new(program)
    };
    cmd.args(args);
    let start = Instant::now();
    let out = cmd.output().map_err(|e| format!("{program}: {e}"))?;
    let secs = start.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // shinchoku exits 1 when errors need a person; that is a finished run.
    if !matches!(out.status.code(), Some(0 | 1)) {
        return Err(format!("{program} {args:?} failed: {stderr}"));
    }
    let peak_kib = time
        .exists()
        .then(|| stderr.lines().last().and_then(|l| l.trim().parse().ok()))
        .flatten();
    Ok(Sample { secs, peak_kib })
}

/// Median time and the largest peak RSS of `runs` runs.
fn measure(runs: usize, program: &str, args: &[&str]) -> Result<Sample, String> {
    let mut samples = Vec::new();
    for _ in 0..runs {
        samples.push(run_child(program, args)?);
    }
    samples.sort_by(|a, b| a.secs.total_cmp(&b.secs));
    let peak_kib = samples.iter().filter_map(|s| s.peak_kib).max();
    Ok(Sample {
        secs: samples[samples.len() / 2].secs,
        peak_kib,
    })
}

/// One input size and its three measurements.
struct Row {
    label: String,
    items: usize,
    ours: Sample,
    floor: Sample,
    floor_fmt: Sample,
    /// None with `SHINCHOKU_BENCH_SKIP_OPENPYXL=1` (quick re-runs).
    openpyxl: Option<Sample>,
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let data = PathBuf::from(ROOT).join("target/bench-data");
    std::fs::create_dir_all(&data)?;
    let sample = PathBuf::from(ROOT).join("samples/mine-r1.xlsx");
    let layout = Layout::builtin();
    let source = shinchoku::read::read_workbook(&sample, &layout)?.report;
    let items: Vec<Item> = source.items().map(|(_, i)| i.clone()).collect();
    let mut inputs = vec![("sample (4 sheets × ≈16)".to_string(), 63, sample.clone())];
    for (departments, per) in [(10, 500), (20, 500)] {
        let path = data.join(format!("office-{departments}x{per}.xlsx"));
        let start = Instant::now();
        generate(&items, departments, per, &path)?;
        eprintln!(
            "generated {} ({} items) in {:.2} s",
            path.display(),
            departments * per,
            start.elapsed().as_secs_f64()
        );
        inputs.push((
            format!("{departments} departments × {per}"),
            departments * per,
            path,
        ));
    }
    let me = std::env::current_exe()?.display().to_string();
    let script = PathBuf::from(ROOT).join("benches/openpyxl_load_save.py");
    let script = script.display().to_string();
    let skip_openpyxl = std::env::var_os("SHINCHOKU_BENCH_SKIP_OPENPYXL").is_some();
    let mut rows = Vec::new();
    for (label, n, path) in inputs {
        let input = path.display().to_string();
        let out_dir = data.join(format!("out-{n}"));
        let out_dir = out_dir.display().to_string();
        let floor_out = data.join(format!("floor-{n}.xlsx")).display().to_string();
        let py_out = data
            .join(format!("openpyxl-{n}.xlsx"))
            .display()
            .to_string();
        let (runs, py_runs) = if n < 1000 { (7, 3) } else { (3, 1) };
        eprintln!("measuring {label} …");
        let report = ["report", input.as_str(), "--out", out_dir.as_str()];
        run_child(SHINCHOKU, &report)?; // warm-up (page cache)
        rows.push(Row {
            label,
            items: n,
            ours: measure(runs, SHINCHOKU, &report)?,
            floor: measure(runs, &me, &["floor", &input, &floor_out])?,
            floor_fmt: measure(runs, &me, &["floor-fmt", &input, &floor_out])?,
            openpyxl: if skip_openpyxl {
                None
            } else {
                Some(measure(py_runs, "python3", &[&script, &input, &py_out])?)
            },
        });
    }
    let table = render(&rows);
    print!("{table}");
    std::fs::write(data.join("results.md"), &table)?;
    Ok(())
}

fn mib(s: &Sample) -> String {
    s.peak_kib
        .map_or("n/a".into(), |k| format!("{:.0}", k as f64 / 1024.0))
}

fn ratio(a: f64, b: f64) -> String {
    format!("{:.2}×", a / b)
}

fn mem_ratio(a: &Sample, b: &Sample) -> String {
    match (a.peak_kib, b.peak_kib) {
        (Some(a), Some(b)) => ratio(a as f64, b as f64),
        _ => "n/a".into(),
    }
}

fn render(rows: &[Row]) -> String {
    let mut t = String::from(
        "| input | items | ours s | floor s | floor+fmt s | openpyxl s | ours/floor | ours/floor+fmt | openpyxl/ours | ours MiB | floor MiB | floor+fmt MiB | openpyxl MiB | mem ours/floor | mem ours/floor+fmt |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let na = || "n/a".to_string();
    for r in rows {
        let py = r.openpyxl.as_ref();
        t.push_str(&format!(
            "| {} | {} | {:.3} | {:.3} | {:.3} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            r.label,
            r.items,
            r.ours.secs,
            r.floor.secs,
            r.floor_fmt.secs,
            py.map_or_else(na, |p| format!("{:.3}", p.secs)),
            ratio(r.ours.secs, r.floor.secs),
            ratio(r.ours.secs, r.floor_fmt.secs),
            py.map_or_else(na, |p| ratio(p.secs, r.ours.secs)),
            mib(&r.ours),
            mib(&r.floor),
            mib(&r.floor_fmt),
            py.map_or_else(na, mib),
            mem_ratio(&r.ours, &r.floor),
            mem_ratio(&r.ours, &r.floor_fmt),
        ));
    }
    if let [.., half, full] = rows {
        let py = match (&half.openpyxl, &full.openpyxl) {
            (Some(h), Some(f)) => ratio(f.secs, h.secs),
            _ => na(),
        };
        t.push_str(&format!(
            "\nLinearity ({} → {} items): ours {}, floor {}, floor+fmt {}, openpyxl {}.\n",
            half.items,
            full.items,
            ratio(full.ours.secs, half.ours.secs),
            ratio(full.floor.secs, half.floor.secs),
            ratio(full.floor_fmt.secs, half.floor_fmt.secs),
            py
        ));
    }
    t
}

/// The formats of the synthetic workbook: the office's font and thin borders everywhere.
struct Formats {
    text: Format,
    wrap: Format,
    number: Format,
    header: Format,
}

/// Writes a synthetic office workbook: `departments` sheets of `per` items each, cycling
/// through the sample's items (texts, indicators and typing mistakes as found), numbered
/// 1, 2, 3 … across the workbook, in the layout of SPEC §2.
fn generate(items: &[Item], departments: usize, per: usize, path: &Path) -> Result<(), XlsxError> {
    let base = Format::new()
        .set_font_name("ＭＳ Ｐゴシック")
        .set_font_size(9)
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let f = Formats {
        text: base.clone(),
        wrap: base.clone().set_text_wrap(),
        number: base.clone().set_num_format("#,##0.0;\"△ \"#,##0.0"),
        header: base.clone().set_align(FormatAlign::Center).set_text_wrap(),
    };
    let mut wb = Workbook::new();
    let mut no = 0usize;
    for d in 0..departments {
        let ws = wb.add_worksheet();
        ws.set_name(format!("部署{:02}", d + 1))?;
        ws.write_string(0, 0, format!("大分類{} 部署{:02}の取組", d + 1, d + 1))?;
        if d == 0 {
            ws.write_string(0, 22, "令和2年7月")?;
            ws.write_string(0, 23, "資料２")?;
        }
        ws.write_string(1, 0, format!("＜小分類1 部署{:02}の実施項目＞", d + 1))?;
        write_header(ws, &f)?;
        let mut row = 4u32;
        for _ in 0..per {
            let mut item = items[no % items.len()].clone();
            no += 1;
            item.no.found = Found::Number(no.into());
            if let Some(name) = &mut item.name.text {
                name.push_str(&format!("（部署{:02}）", d + 1));
            }
            row = write_item(ws, row, &item, &f)?;
        }
    }
    wb.save(path)
}

fn write_header(ws: &mut Worksheet, f: &Formats) -> Result<(), XlsxError> {
    let over_both_rows: [(u16, &str); 7] = [
        (17, "実施効果"),
        (18, "年度目標達成率"),
        (19, "合計目標達成率"),
        (20, "達成状況"),
        (21, "評価"),
        (22, "R1年度\n年度実績"),
        (23, "R2年度\n年度計画"),
    ];
    let lower: [(u16, &str); 15] = [
        (0, "№"),
        (1, "実施計画"),
        (3, "R1"),
        (4, "R2"),
        (5, "R3"),
        (6, "R4"),
        (7, "R5"),
        (8, "項目"),
        (10, "29基準"),
        (11, "R1"),
        (12, "R2"),
        (13, "R3"),
        (14, "R4"),
        (15, "R5"),
        (16, "合計"),
    ];
    ws.merge_range(2, 0, 2, 1, "実施項目", &f.header)?;
    ws.merge_range(2, 2, 2, 7, "行動計画", &f.header)?;
    ws.merge_range(2, 8, 2, 16, "成果指標", &f.header)?;
    for (c, label) in over_both_rows {
        ws.merge_range(2, c, 3, c, label, &f.header)?;
    }
    for (c, label) in lower {
        ws.write_string_with_format(3, c, label, &f.header)?;
    }
    Ok(())
}

fn cell(ws: &mut Worksheet, r: u32, c: u16, found: &Found, fmt: &Format) -> Result<(), XlsxError> {
    match found {
        Found::Empty => ws.write_blank(r, c, fmt)?,
        Found::Number(d) => ws.write_number_with_format(r, c, shinchoku::write::to_f64(*d), fmt)?,
        Found::Text(s) => ws.write_string_with_format(r, c, s, fmt)?,
        Found::Huge(n) => ws.write_number_with_format(r, c, shinchoku::write::huge(n), fmt)?,
    };
    Ok(())
}

fn text(t: &TextField) -> Found {
    t.text.clone().map_or(Found::Empty, Found::Text)
}

/// A cell over `rows` rows (merged when more than one).
fn block(
    ws: &mut Worksheet,
    r: u32,
    c: u16,
    rows: u32,
    found: &Found,
    fmt: &Format,
) -> Result<(), XlsxError> {
    if rows > 1 {
        ws.merge_range(r, c, r + rows - 1, c, "", fmt)?;
    }
    cell(ws, r, c, found, fmt)
}

fn write_item(ws: &mut Worksheet, row: u32, item: &Item, f: &Formats) -> Result<u32, XlsxError> {
    let span = item.span() as u32;
    block(ws, row, 0, span, &item.no.found, &f.text)?;
    block(ws, row, 1, span, &text(&item.name), &f.wrap)?;
    block(ws, row, 20, span, &text(&item.status), &f.text)?;
    block(ws, row, 21, span, &text(&item.grade), &f.text)?;
    block(ws, row, 22, span, &text(&item.results), &f.wrap)?;
    block(ws, row, 23, span, &text(&item.plan), &f.wrap)?;
    for (i, a) in item.actions.iter().enumerate() {
        let r = row + i as u32;
        cell(ws, r, 2, &text(&a.text), &f.wrap)?;
        for (y, m) in a.marks.iter().enumerate() {
            cell(ws, r, 3 + y as u16, &text(m), &f.text)?;
        }
    }
    if item.indicators.is_empty() {
        let dash = text(&item.placeholder);
        for c in [8, 16, 17, 18, 19] {
            cell(ws, row, c, &dash, &f.text)?;
        }
    }
    for (k, ind) in item.indicators.iter().enumerate() {
        let r = row + 2 * k as u32;
        block(ws, r, 8, 2, &text(&ind.name), &f.wrap)?;
        cell(ws, r, 9, &text(&ind.target_label), &f.text)?;
        cell(ws, r + 1, 9, &text(&ind.actual_label), &f.text)?;
        let pairs: [(u16, &Field, &Field); 7] = [
            (10, &ind.base, &ind.base_again),
            (11, &ind.targets[0], &ind.actuals[0]),
            (12, &ind.targets[1], &ind.actuals[1]),
            (13, &ind.targets[2], &ind.actuals[2]),
            (14, &ind.targets[3], &ind.actuals[3]),
            (15, &ind.targets[4], &ind.actuals[4]),
            (16, &ind.target_total, &ind.actual_total),
        ];
        for (c, upper, lower) in pairs {
            cell(ws, r, c, &upper.found, &f.number)?;
            cell(ws, r + 1, c, &lower.found, &f.number)?;
        }
        block(ws, r, 17, 2, &ind.effect.found, &f.number)?;
        block(ws, r, 18, 2, &ind.rate_year.found, &f.number)?;
        block(ws, r, 19, 2, &ind.rate_total.found, &f.number)?;
    }
    Ok(row + span)
}
