//! Inputs that are broken, hostile or written by other programs: each unreadable one stops
//! with its Japanese message and exit 2 (never a panic, never a giant allocation); the others
//! read to the same figures as the sample.

use crate::fixture::{
    defaults, repack, repack_with, root, sample, small_report, workbook_bytes, Ran, Run,
};
use shinchoku::finding::Code;
use shinchoku::model::Report;
use shinchoku::value::Value;
use std::path::Path;

/// `check` of `bytes` saved as `name` in a new temp dir (kept alive with the run).
fn check_bytes(name: &str, bytes: &[u8]) -> (tempfile::TempDir, Run) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), bytes).unwrap();
    let run = Run::new(dir.path()).args(&["check", name]);
    (dir, run)
}

fn assert_unreadable(name: &str, bytes: &[u8], message: &str) {
    let (_dir, run) = check_bytes(name, bytes);
    let Ran { stderr, .. } = run.fails(2);
    assert!(
        stderr.contains(message),
        "{name}: expected {message:?} in {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Sets the central-directory uncompressed size of part `name` (bytes edited in place).
fn declare_size(zip: &mut [u8], name: &str, size: u32) {
    let sig = [0x50, 0x4b, 0x01, 0x02];
    let at = (0..zip.len() - 46)
        .find(|&i| {
            zip[i..i + 4] == sig && {
                let n = u16::from_le_bytes([zip[i + 28], zip[i + 29]]) as usize;
                zip.get(i + 46..i + 46 + n) == Some(name.as_bytes())
            }
        })
        .unwrap_or_else(|| panic!("{name} not in the central directory"));
    zip[at + 24..at + 28].copy_from_slice(&size.to_le_bytes());
}

fn small() -> Vec<u8> {
    workbook_bytes(&small_report(&[55]))
}

fn with_sst_tag(tag: &str) -> Vec<u8> {
    repack(&small(), None, &|name, data| {
        if name != "xl/sharedStrings.xml" {
            return data;
        }
        let xml = String::from_utf8(data).unwrap();
        let start = xml.find("<sst").unwrap();
        let end = start + xml[start..].find('>').unwrap() + 1;
        format!("{}{tag}{}", &xml[..start], &xml[end..]).into_bytes()
    })
}

#[test]
fn broken_and_hostile_files_stop_with_their_message() {
    let sample = std::fs::read(sample()).unwrap();
    let ns = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#;
    let mut huge_part = small();
    declare_size(&mut huge_part, "xl/worksheets/sheet1.xml", 3_000_000_000);
    let mut flipped = sample.clone();
    let cd = flipped.len() - 300;
    flipped[cd..cd + 40].iter_mut().for_each(|b| *b ^= 0x5A);
    let empty = {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet();
        wb.save_to_buffer().unwrap()
    };
    let no_table = {
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet().write_string(0, 0, "メモ").unwrap();
        wb.save_to_buffer().unwrap()
    };
    let not_a_workbook = repack(&small(), None, &|_, d| d);
    let not_a_workbook = {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        z.start_file("readme.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut z, b"hello").unwrap();
        drop(not_a_workbook);
        z.finish().unwrap().into_inner()
    };
    let bomb = repack(&small(), None, &|name, data| {
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(data).unwrap();
            let pad = " ".repeat(60 * 1024 * 1024);
            xml.replacen("<sheetData>", &format!("{pad}<sheetData>"), 1)
                .into_bytes()
        } else {
            data
        }
    });
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated.xlsx",
            sample[..sample.len() / 2].to_vec(),
            "E004",
        ),
        (
            "truncated-end.xlsx",
            sample[..sample.len() - 10].to_vec(),
            "途中で切れているか壊れています",
        ),
        ("flipped.xlsx", flipped, "E004"),
        (
            "text.xlsx",
            "これはブックではありません".as_bytes().to_vec(),
            "E004",
        ),
        ("other.zip.xlsx", not_a_workbook, "xl/workbook.xml"),
        ("empty.xlsx", empty, "E020 ブックが空です"),
        ("notable.xlsx", no_table, "E006 報告書の表"),
        ("huge-part.xlsx", huge_part, "E007 ブックの中身が大きすぎる"),
        ("bomb.xlsx", bomb, "圧縮率"),
        (
            "sst-unique.xlsx",
            with_sst_tag(&format!(
                r#"<sst {ns} count="40" uniqueCount="4000000000">"#
            )),
            "uniqueCount が 4000000000",
        ),
        (
            "sst-count.xlsx",
            with_sst_tag(&format!(
                r#"<sst {ns} count="99999999999999999999999" uniqueCount="30">"#
            )),
            "count が 数値でない値",
        ),
        (
            "encrypted.xlsx",
            std::fs::read(root().join("tests/fixtures/encrypted.xlsx")).unwrap(),
            "E005 パスワードで保護されたブック",
        ),
    ];
    for (name, bytes, message) in &cases {
        assert_unreadable(name, bytes, message);
    }
}

#[test]
fn a_stray_cell_at_xfd1048576_and_a_whole_sheet_dimension_are_read_sparsely() {
    let bytes = repack(&small(), None, &|name, data| {
        if name != "xl/worksheets/sheet1.xml" {
            return data;
        }
        let xml = String::from_utf8(data).unwrap();
        let start = xml.find("<dimension ref=\"").unwrap() + 16;
        let end = start + xml[start..].find('"').unwrap();
        let stray = r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>"#;
        format!("{}A1:XFD1048576{}", &xml[..start], &xml[end..])
            .replacen("</sheetData>", stray, 1)
            .into_bytes()
    });
    let (_dir, run) = check_bytes("stray.xlsx", &bytes);
    // A dense range would be 17 billion cells; the sparse grid holds one more entry, and that
    // stray cell is named as not in the report (issue 9: nothing is lost silently).
    let Ran { stdout, .. } = run.ok();
    assert!(
        stdout.contains("W217 警告 XFD1048576: 表の外や項目の後の記入「x」など1個のセル（XFD1048576）は報告書に入っていません"),
        "{stdout}"
    );
    assert!(
        stdout.contains("エラー 0 件、警告 1 件、情報 0 件"),
        "{stdout}"
    );
}

fn read(path: &Path) -> Report {
    shinchoku::process(&[path.to_path_buf()], &defaults())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .input
}

/// Every number of a report's indicators and items, in order, with where it came from.
fn figures(r: &Report) -> Vec<(Option<u32>, &'static str, Value)> {
    let mut v = Vec::new();
    for (_, item) in r.items() {
        let no = item.number();
        v.push((no, "№", item.no.value.clone()));
        for ind in &item.indicators {
            v.push((no, "29基準", ind.base.value.clone()));
            v.push((no, "29基準2", ind.base_again.value.clone()));
            v.extend(ind.targets.iter().map(|f| (no, "目標", f.value.clone())));
            v.push((no, "合計", ind.target_total.value.clone()));
            v.extend(ind.actuals.iter().map(|f| (no, "実績", f.value.clone())));
            v.push((no, "実施効果", ind.effect.value.clone()));
            v.push((no, "年度", ind.rate_year.value.clone()));
            v.push((no, "合計率", ind.rate_total.value.clone()));
        }
    }
    v
}

#[test]
fn a_workbook_typed_by_hand_in_another_program_reads_to_the_sample_figures() {
    // messy-r1.xlsx (openpyxl, tests/fixtures/make_fixtures.py): full-width digits, ▲, thousands
    // commas in text, 5.67 shown as 5.7, header labels split by line breaks.
    let messy_path = root().join("tests/fixtures/messy-r1.xlsx");
    let clean = read(&sample());
    let messy = read(&messy_path);
    let (a, b) = (figures(&clean), figures(&messy));
    assert_eq!(a.len(), b.len());
    let differ: Vec<_> = a.iter().zip(&b).filter(|(x, y)| x != y).collect();
    assert!(differ.is_empty(), "{differ:#?}");
    assert!(a.len() > 600, "{} figures compared", a.len());
    let outcome = shinchoku::process(&[messy_path], &defaults()).unwrap();
    let count = |c: Code| outcome.findings.iter().filter(|f| f.code == c).count();
    assert!(count(Code::FullWidthNumber) > 10);
    assert!(count(Code::MinusSign) > 3);
    assert!(count(Code::TextNumber) > 10);
    let minus = outcome
        .findings
        .iter()
        .find(|f| f.code == Code::MinusSign)
        .unwrap();
    assert!(
        minus.found.as_deref().unwrap().starts_with('▲'),
        "{minus:?}"
    );
}

#[test]
fn a_legacy_xls_saved_by_libreoffice_reads_to_the_sample_figures() {
    let xls = root().join("tests/fixtures/legacy-r1.xls");
    assert_eq!(figures(&read(&sample())), figures(&read(&xls)));
}

/// Finds a BIFF record `typ` of length `len` in the raw bytes (the fixture's Workbook stream
/// is stored in order) and returns the offset of its data.
fn biff_record(bytes: &[u8], typ: u16, len: u16) -> usize {
    let head = [typ.to_le_bytes(), len.to_le_bytes()].concat();
    bytes
        .windows(4)
        .position(|w| w == head)
        .expect("record present")
        + 4
}

#[test]
fn a_legacy_xls_claiming_a_giant_sheet_is_refused_before_calamine_builds_it() {
    let original = std::fs::read(root().join("tests/fixtures/legacy-r1.xls")).unwrap();
    let mut dims = original.clone();
    let at = biff_record(&dims, 0x0200, 14);
    dims[at + 4..at + 8].copy_from_slice(&u32::MAX.to_le_bytes());
    assert_unreadable("dims.xls", &dims, "シートの範囲");
    // A number cell moved to the last row and column (IV65536).
    let mut stray = original;
    let at = biff_record(&stray, 0x0203, 14);
    stray[at..at + 4].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0x00]);
    assert_unreadable("stray.xls", &stray, "E007");
}

/// A small deterministic generator (xorshift64*), so every run mutates the same way.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn ten_thousand_mutated_workbooks_never_panic_or_hang() {
    let base = small();
    let layout = shinchoku::layout::Layout::builtin();
    let names: Vec<String> = {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(&base)).unwrap();
        zip.file_names().map(|n| n.unwrap().to_string()).collect()
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.xlsx");
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    // 32 copies with the zip entries in shuffled orders, made once.
    let shuffled_pool: Vec<Vec<u8>> = (0..32)
        .map(|_| {
            let mut order: Vec<usize> = (0..names.len()).collect();
            for i in (1..order.len()).rev() {
                order.swap(i, rng.below(i + 1));
            }
            repack(&base, Some(&order), &|_, d| d)
        })
        .collect();
    let mut counts = [0usize; 4];
    let (mut read_ok, mut refused) = (0, 0);
    let mut slowest = std::time::Duration::ZERO;
    let start = std::time::Instant::now();
    let mut panics = Vec::new();
    for case in 0..10_000 {
        let kind = case % 4;
        counts[kind] += 1;
        let bytes = match kind {
            // Flipped bits anywhere in the file.
            0 => {
                let mut b = base.clone();
                for _ in 0..1 + rng.below(8) {
                    let i = rng.below(b.len());
                    b[i] ^= 1 << rng.below(8);
                }
                b
            }
            // Cut off anywhere.
            1 => base[..rng.below(base.len())].to_vec(),
            // Entries shuffled, then one bit flipped.
            2 => {
                let mut b = shuffled_pool[rng.below(shuffled_pool.len())].clone();
                let i = rng.below(b.len());
                b[i] ^= 1 << rng.below(8);
                b
            }
            // A part's XML damaged (bytes flipped, cut or repeated), re-zipped validly.
            _ => {
                let target = names[rng.below(names.len())].clone();
                let (a, b, c) = (rng.next(), rng.next(), rng.next());
                repack_with(
                    &base,
                    None,
                    zip::CompressionMethod::Stored,
                    &move |name, mut d| {
                        if name != target || d.is_empty() {
                            return d;
                        }
                        let i = (a % d.len() as u64) as usize;
                        match b % 3 {
                            0 => d[i] ^= 1 << (c % 8),
                            1 => d.truncate(i),
                            _ => {
                                let end = (i + 1 + (c % 200) as usize).min(d.len());
                                let chunk = d[i..end].to_vec();
                                d.splice(i..i, chunk);
                            }
                        }
                        d
                    },
                )
            }
        };
        std::fs::write(&path, &bytes).unwrap();
        let t = std::time::Instant::now();
        let result = std::panic::catch_unwind(|| shinchoku::read::read_workbook(&path, &layout));
        slowest = slowest.max(t.elapsed());
        match result {
            Ok(Ok(_)) => read_ok += 1,
            Ok(Err(_)) => refused += 1,
            Err(_) => panics.push(case),
        }
    }
    let total = start.elapsed();
    println!(
        "mutations: {} flipped, {} truncated, {} shuffled+flipped, {} XML-damaged; \
         {read_ok} read, {refused} refused, {} panicked; slowest {slowest:?}, total {total:?}",
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        panics.len()
    );
    assert!(panics.is_empty(), "panicked on cases {panics:?}");
    assert!(
        slowest < std::time::Duration::from_secs(2),
        "slowest case {slowest:?}"
    );
}

#[test]
fn a_file_over_200_mb_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // A sparse file: its size is checked before a byte of it is read.
    let f = std::fs::File::create(dir.path().join("big.xlsx")).unwrap();
    f.set_len(shinchoku::guard::MAX_FILE + 1).unwrap();
    drop(f);
    let Ran { stderr, .. } = Run::new(dir.path()).args(&["check", "big.xlsx"]).fails(2);
    assert!(
        stderr.contains("E007") && stderr.contains("ファイルの大きさ 209715201 バイト"),
        "{stderr}"
    );
}
