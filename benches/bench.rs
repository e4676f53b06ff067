//! `cargo bench`: the speed and peak memory of `shinchoku report` against the floor of moving the
//! same workbooks, as ratios measured in one run.
//!
//! Input → output: the sample workbook → synthetic office workbooks (N departments × M items,
//! the sample's real texts and indicators, renumbered; written with rust_xlsxwriter into
//! `target/bench-data/`) in two kinds: **clean** (every derived figure as recalculated, so the
//! run corrects nothing) and **all corrected** (every 実施効果 and rate typed 0) → a Markdown
//! table on stdout (also written to `target/bench-data/results.md`).
//!
//! Every variant runs as a child process under `/usr/bin/time -f %M` (its peak RSS):
//! (a) `shinchoku report` on the sample and on each synthetic workbook; (b) the floor: this
//! binary's `floor-fmt IN OUT` (calamine reading + rust_xlsxwriter writing every cell of the
//! used range with one bordered format and the merges) applied to **every workbook that run
//! wrote** (report, review, return workbooks): its time is the sum, its memory the largest;
//! (c) `python3 benches/openpyxl_load_save.py IN OUT` on the clean 2,000-item input (skipped
//! with `SHINCHOKU_BENCH_SKIP_OPENPYXL=1`). Times are medians of at least three runs.

use calamine::{Data, Reader};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use shinchoku::model::{Field, Found, Item, TextField};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const SHINCHOKU: &str = env!("CARGO_BIN_EXE_shinchoku");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args.get(1).map(String::as_str);
    if mode == Some("floor-fmt") && args.len() == 4 {
        if let Err(e) = floor(Path::new(&args[2]), Path::new(&args[3])) {
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

/// The floor: read every cell with calamine and the sheets' merges, and write every cell of the
/// used range (blanks too) with one bordered format and the same merges, as a report must.
fn floor(input: &Path, output: &Path) -> Result<(), Box<dyn std::error::Error>> {
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
        for (r, c, v) in range.cells() {
            let (r, c) = (r0 + r as u32, (c0 as usize + c) as u16);
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

/// What the synthetic workbook's derived figures hold.
#[derive(Clone, Copy, PartialEq)]
enum Figures {
    /// As the sample has them (its typing mistakes included).
    AsFound,
    /// As recalculated: the run corrects nothing.
    Clean,
    /// Every 実施効果 and rate typed 0: the run corrects every one.
    Zero,
}

/// One input and its measurements.
struct Row {
    label: String,
    items: usize,
    /// Rows of the run's changes.csv.
    corrections: usize,
    ours: Sample,
    /// The copy program over every workbook the run wrote: summed time, largest peak.
    floor: Sample,
    /// How many workbooks the run wrote.
    workbooks: usize,
    /// None with `SHINCHOKU_BENCH_SKIP_OPENPYXL=1`, and for all but the clean 2,000 items.
    openpyxl: Option<Sample>,
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let data = PathBuf::from(ROOT).join("target/bench-data");
    std::fs::create_dir_all(&data)?;
    let sample = PathBuf::from(ROOT).join("samples/mine-r1.xlsx");
    let settings = shinchoku::settings::Settings::load(None, None)?;
    let outcome = shinchoku::process(std::slice::from_ref(&sample), &settings)?;
    let clean: Vec<Item> = outcome.output.items().map(|(_, i)| i.clone()).collect();
    let mut inputs = vec![(
        "sample (4 sheets × ≈16)".to_string(),
        63,
        sample.clone(),
        Figures::AsFound,
    )];
    for (departments, per) in [(4, 500), (20, 500)] {
        let n = departments * per;
        let start = Instant::now();
        // All corrected: every derived figure 0. Clean: the same office with the figures
        // shinchoku recalculates for it (its rules as they apply to the renumbered items).
        let zero = office(&clean, departments, per);
        let zero_path = data.join(format!("office-{n}-zero.xlsx"));
        generate(&zero, &zero_path)?;
        let fixed = shinchoku::process(std::slice::from_ref(&zero_path), &settings)?.output;
        let fixed: Vec<Item> = fixed.items().map(|(_, i)| i.clone()).collect();
        let fixed: Vec<Vec<Item>> = fixed.chunks(per).map(<[Item]>::to_vec).collect();
        let clean_path = data.join(format!("office-{n}-clean.xlsx"));
        generate(&fixed, &clean_path)?;
        eprintln!(
            "generated {n} items in {:.2} s",
            start.elapsed().as_secs_f64()
        );
        inputs.push((format!("{n} items, clean"), n, clean_path, Figures::Clean));
        inputs.push((
            format!("{n} items, all corrected"),
            n,
            zero_path,
            Figures::Zero,
        ));
    }
    let me = std::env::current_exe()?.display().to_string();
    let script = PathBuf::from(ROOT).join("benches/openpyxl_load_save.py");
    let script = script.display().to_string();
    let skip_openpyxl = std::env::var_os("SHINCHOKU_BENCH_SKIP_OPENPYXL").is_some();
    let mut rows = Vec::new();
    for (label, n, path, figures) in inputs {
        let input = path.display().to_string();
        let out_dir = data.join(format!(
            "out-{}",
            path.file_stem().unwrap().to_string_lossy()
        ));
        let _ = std::fs::remove_dir_all(&out_dir);
        let out = out_dir.display().to_string();
        let runs = if n < 1000 { 7 } else { 3 };
        eprintln!("measuring {label} …");
        let report = ["report", input.as_str(), "--out", out.as_str()];
        run_child(SHINCHOKU, &report)?; // warm-up (page cache), and the workbooks to copy
        let ours = measure(runs, SHINCHOKU, &report)?;
        let written = workbooks(&out_dir);
        let mut floor = Sample {
            secs: 0.0,
            peak_kib: None,
        };
        for (i, book) in written.iter().enumerate() {
            let copy = data.join(format!("floor-{i}.xlsx")).display().to_string();
            let one = measure(
                runs,
                &me,
                &["floor-fmt", &book.display().to_string(), &copy],
            )?;
            floor.secs += one.secs;
            floor.peak_kib = floor.peak_kib.max(one.peak_kib);
        }
        let py_out = data.join("openpyxl.xlsx").display().to_string();
        let openpyxl = (!skip_openpyxl && n == 2000 && figures == Figures::Clean)
            .then(|| measure(3, "python3", &[&script, &input, &py_out]))
            .transpose()?;
        let changes = std::fs::read_to_string(out_dir.join("changes.csv")).unwrap_or_default();
        rows.push(Row {
            label,
            items: n,
            corrections: changes.lines().count().saturating_sub(1),
            ours,
            floor,
            workbooks: written.len(),
            openpyxl,
        });
    }
    let table = render(&rows);
    print!("{table}");
    std::fs::write(data.join("results.md"), &table)?;
    Ok(())
}

/// Every .xlsx the last run wrote under `dir` (return workbooks included; not the earlier runs'
/// outputs it moved to 以前の出力), sorted.
fn workbooks(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !path.ends_with("以前の出力") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "xlsx") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
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
        "| input | items | corrections | workbooks written | ours s | floor s | ours/floor | ours MiB | floor MiB | mem ours/floor | openpyxl s | openpyxl/ours |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let na = || "n/a".to_string();
    for r in rows {
        let py = r.openpyxl.as_ref();
        t.push_str(&format!(
            "| {} | {} | {} | {} | {:.3} | {:.3} | {} | {} | {} | {} | {} | {} |\n",
            r.label,
            r.items,
            r.corrections,
            r.workbooks,
            r.ours.secs,
            r.floor.secs,
            ratio(r.ours.secs, r.floor.secs),
            mib(&r.ours),
            mib(&r.floor),
            mem_ratio(&r.ours, &r.floor),
            py.map_or_else(na, |p| format!("{:.3}", p.secs)),
            py.map_or_else(na, |p| ratio(p.secs, r.ours.secs)),
        ));
    }
    // Rows: sample, 2000 clean, 2000 zero, 10000 clean, 10000 zero.
    if let [_, c2, z2, c10, z10] = rows {
        let per_item =
            |a: &Row, b: &Row| ratio(b.ours.secs / b.items as f64, a.ours.secs / a.items as f64);
        let per_fix =
            |c: &Row, z: &Row| (z.ours.secs - c.ours.secs) / (z.corrections.max(1) as f64) * 1e6;
        t.push_str(&format!(
            "\nLinearity in items (time per item, 10,000 over 2,000): clean {}, all corrected {}.\n\
             Cost of a correction (all corrected − clean, per correction): {:.1} µs at 2,000 items, {:.1} µs at 10,000.\n",
            per_item(c2, c10),
            per_item(z2, z10),
            per_fix(c2, z2),
            per_fix(c10, z10),
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

/// The items of a synthetic office: `departments` lists of `per` items each, cycling through
/// the sample's items (texts and indicators as found), numbered 1, 2, 3 … across the office,
/// every derived figure typed 0.
fn office(items: &[Item], departments: usize, per: usize) -> Vec<Vec<Item>> {
    let mut no = 0usize;
    let mut out = Vec::new();
    for d in 0..departments {
        let mut list = Vec::new();
        for _ in 0..per {
            let mut item = items[no % items.len()].clone();
            no += 1;
            item.no.found = Found::Number(no.into());
            if let Some(name) = &mut item.name.text {
                name.push_str(&format!("（部署{:02}）", d + 1));
            }
            for ind in &mut item.indicators {
                for field in [&mut ind.effect, &mut ind.rate_year, &mut ind.rate_total] {
                    field.found = Found::Number(0.into());
                }
            }
            list.push(item);
        }
        out.push(list);
    }
    out
}

/// Writes a synthetic office workbook: one sheet per department, in the layout of SPEC §2.
fn generate(departments: &[Vec<Item>], path: &Path) -> Result<(), XlsxError> {
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
    for (d, items) in departments.iter().enumerate() {
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
        for item in items {
            row = write_item(ws, row, item, &f)?;
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
