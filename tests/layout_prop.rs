//! Property test of the reader (issue 9): 48 workbooks generated with rust_xlsxwriter from the
//! sample's cells and merges (read with calamine), each with random blank rows, notes below the
//! table or far right, a header repeated between items, and an extra 備考 column. The
//! recalculated figures must equal the sample's, and every cell the generator added must be
//! named in a finding saying it is not in the report (a repeated header is read as the header).

use crate::fixture::{a1_pos, defaults, sample};
use calamine::{Data, Reader};
use shinchoku::finding::Finding;
use shinchoku::model::Report;
use shinchoku::value::Value;

const CASES: u64 = 48;

/// A tiny deterministic generator (xorshift64*), so a failing case can be named by its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// One sheet of the sample: cells by (row, col) and merges.
struct SheetCells {
    name: String,
    cells: Vec<((u32, u32), Data)>,
    merges: Vec<((u32, u32), (u32, u32))>,
}

fn sample_sheets() -> Vec<SheetCells> {
    let mut wb: calamine::Xlsx<_> = calamine::open_workbook(sample()).unwrap();
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        let (r0, c0) = range.start().unwrap();
        let cells = range
            .used_cells()
            .filter(|(_, _, v)| !matches!(v, Data::Empty))
            .map(|(r, c, v)| ((r0 + r as u32, c0 + c as u32), v.clone()))
            .collect();
        let merges = wb
            .merge_cells_by_sheet_name(&name)
            .unwrap()
            .into_iter()
            .map(|d| (d.start, d.end))
            .collect();
        out.push(SheetCells {
            name,
            cells,
            merges,
        });
    }
    out
}

/// A generated workbook and the cells (sheet, row, col) it added as content.
struct Case {
    bytes: Vec<u8>,
    added: Vec<(String, u32, u32)>,
    /// Headers repeated and blank rows inserted.
    inserted: usize,
}

fn generate(sheets: &[SheetCells], seed: u64) -> Case {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let mut added = Vec::new();
    let mut inserted = 0;
    let plain = rust_xlsxwriter::Format::new();
    for sheet in sheets {
        // Item starts (a № in column A below the first header) are where rows may be inserted.
        let starts: Vec<u32> = sheet
            .cells
            .iter()
            .filter(|((r, c), v)| *c == 0 && *r > 4 && matches!(v, Data::Float(_) | Data::Int(_)))
            .map(|((r, _), _)| *r)
            .collect();
        // Blank rows and a repeated header before some items; an extra column after some column.
        let mut inserts: Vec<(u32, &'static str)> = Vec::new();
        for &s in &starts {
            match rng.below(6) {
                0 => inserts.push((s, "blank")),
                1 => inserts.push((s, "header")),
                _ => {}
            }
        }
        inserted += inserts.len();
        let extra_col: Option<u32> = match rng.below(3) {
            0 => Some(24),
            1 => Some(2),
            _ => None,
        };
        let row_of = |r: u32| -> u32 {
            r + inserts
                .iter()
                .filter(|(at, _)| *at <= r)
                .map(|(_, k)| if *k == "header" { 2 } else { 1 })
                .sum::<u32>()
        };
        let col_of = |c: u32| -> u32 {
            match extra_col {
                Some(x) if c >= x => c + 1,
                _ => c,
            }
        };
        let ws = workbook.add_worksheet();
        ws.set_name(&sheet.name).unwrap();
        let write = |ws: &mut rust_xlsxwriter::Worksheet, r: u32, c: u32, v: &Data| match v {
            Data::Float(f) => {
                ws.write_number(r, c as u16, *f).unwrap();
            }
            Data::Int(i) => {
                ws.write_number(r, c as u16, *i as f64).unwrap();
            }
            Data::String(s) => {
                ws.write_string(r, c as u16, s).unwrap();
            }
            other => {
                ws.write_string(r, c as u16, other.to_string()).unwrap();
            }
        };
        for ((r0, c0), (r1, c1)) in &sheet.merges {
            let text = sheet
                .cells
                .iter()
                .find(|(p, _)| *p == (*r0, *c0))
                .map(|(_, v)| v.clone());
            ws.merge_range(
                row_of(*r0),
                col_of(*c0) as u16,
                row_of(*r1),
                col_of(*c1) as u16,
                "",
                &plain,
            )
            .unwrap();
            if let Some(v) = text {
                write(ws, row_of(*r0), col_of(*c0), &v);
            }
        }
        for ((r, c), v) in &sheet.cells {
            if !sheet.merges.iter().any(|(s, _)| s == &(*r, *c)) {
                write(ws, row_of(*r), col_of(*c), v);
            }
        }
        // The repeated headers: the sheet's first header rows (3–4) pasted again.
        for (at, kind) in &inserts {
            if *kind == "header" {
                let top = row_of(*at) - 2;
                for ((r, c), v) in sheet.cells.iter().filter(|((r, _), _)| (2..=3).contains(r)) {
                    write(ws, top + (r - 2), col_of(*c), v);
                }
            }
        }
        // The extra column: a 備考 label in the header row and notes in some item rows.
        if let Some(x) = extra_col {
            ws.write_string(3, x as u16, "備考").unwrap();
            added.push((sheet.name.clone(), 3, x));
            for &s in &starts {
                if rng.below(2) == 0 {
                    ws.write_string(row_of(s), x as u16, "継続").unwrap();
                    added.push((sheet.name.clone(), row_of(s), x));
                }
            }
        }
        // Notes: below the table and far right.
        let last = sheet.cells.iter().map(|((r, _), _)| *r).max().unwrap_or(0);
        if rng.below(2) == 0 {
            let r = row_of(last) + 2 + rng.below(3) as u32;
            ws.write_string(r, 0, "※ 注記").unwrap();
            added.push((sheet.name.clone(), r, 0));
        }
        if rng.below(2) == 0 {
            let r = 4 + rng.below(u64::from(last)) as u32;
            ws.write_string(r, 40, "作業メモ").unwrap();
            added.push((sheet.name.clone(), r, 40));
        }
    }
    Case {
        bytes: workbook.save_to_buffer().unwrap(),
        added,
        inserted,
    }
}

/// The recalculated figures of every indicator and item.
fn figures(r: &Report) -> Vec<(Option<u32>, Vec<Value>)> {
    r.items()
        .map(|(_, item)| {
            let mut v = vec![item.no.value.clone()];
            for ind in &item.indicators {
                v.push(ind.base.value.clone());
                v.extend(ind.targets.iter().map(|f| f.value.clone()));
                v.extend(ind.actuals.iter().map(|f| f.value.clone()));
                v.push(ind.target_total.value.clone());
                v.push(ind.actual_total.value.clone());
                v.push(ind.effect.value.clone());
                v.push(ind.rate_year.value.clone());
                v.push(ind.rate_total.value.clone());
            }
            (item.number(), v)
        })
        .collect()
}

fn named_in(findings: &[Finding], sheet: &str, (row, col): (u32, u32)) -> bool {
    findings.iter().any(|f| {
        let carried = crate::layouts::carried_in(f.code.as_str(), &f.message, sheet, (row, col));
        carried
            || f.at.sheet.as_deref() == Some(sheet)
                && matches!(f.code.as_str(), "W216" | "W217" | "W218" | "I308")
                && f.message
                    .split(|c: char| !(c.is_ascii_alphanumeric() || c == ':'))
                    .chain(f.at.a1().as_deref())
                    .any(|t| {
                        let mut p = t.split(':');
                        match (p.next().and_then(a1_pos), p.next().and_then(a1_pos)) {
                            (Some(a), Some(b)) => {
                                (a.0..=b.0).contains(&row) && (a.1..=b.1).contains(&col)
                            }
                            (Some(a), None) => a == (row, col),
                            _ => false,
                        }
                    })
    })
}

#[test]
fn generated_layouts_recalculate_to_the_sample_and_name_every_added_cell() {
    let want = figures(&shinchoku::process(&[sample()], &defaults()).unwrap().output);
    let sheets = sample_sheets();
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let (mut added, mut inserted) = (0, 0);
    for seed in 0..CASES {
        let case = generate(&sheets, seed);
        added += case.added.len();
        inserted += case.inserted;
        let path = dir.path().join(format!("case{seed}.xlsx"));
        std::fs::write(&path, &case.bytes).unwrap();
        let out = match shinchoku::process(std::slice::from_ref(&path), &defaults()) {
            Ok(o) => o,
            Err(e) => {
                failures.push(format!("seed {seed}: {e}"));
                continue;
            }
        };
        if figures(&out.output) != want {
            failures.push(format!(
                "seed {seed}: recalculated figures differ from the sample's"
            ));
        }
        for (sheet, r, c) in &case.added {
            if !named_in(&out.findings, sheet, (*r, *c)) {
                failures.push(format!(
                    "seed {seed}: added {sheet}!{} is named in no finding",
                    shinchoku::model::a1(*r, *c)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The generator did change the layouts.
    assert!(
        added > 100 && inserted > 100,
        "added {added}, inserted {inserted}"
    );
}
