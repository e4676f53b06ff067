//! Guards: a workbook's raw bytes → accepted, or an [`Error`] before any reader allocates.
//!
//! calamine trusts numbers declared inside a file: a zip entry's uncompressed size, the
//! `uniqueCount` of `sharedStrings.xml` (it reserves that many strings up front), a legacy
//! .xls DIMENSIONS record (it reserves rows × columns cells, then builds the full rectangle).
//! An out-of-memory abort cannot be caught, so these numbers are checked here first, from the
//! zip central directory and the first bytes of the parts, with fixed small buffers.

use crate::error::{Error, Result};
use std::io::{Cursor, Read};
use std::path::Path;

/// The largest input file read at all.
pub const MAX_FILE: u64 = 200 * 1024 * 1024;
/// The largest uncompressed size of one part inside an .xlsx.
pub const MAX_PART: u64 = 200 * 1024 * 1024;
/// The largest uncompressed size of all parts together.
pub const MAX_TOTAL: u64 = 400 * 1024 * 1024;
/// The largest number of parts in an .xlsx.
pub const MAX_ENTRIES: usize = 10_000;
/// The largest compression ratio accepted for a part above [`RATIO_FLOOR`] bytes.
pub const MAX_RATIO: u64 = 500;
/// Parts smaller than this are never refused for their ratio.
pub const RATIO_FLOOR: u64 = 10 * 1024 * 1024;
/// The most cells a legacy .xls sheet may declare or span (calamine builds the rectangle).
pub const MAX_XLS_CELLS: u64 = 2_000_000;

fn too_large(path: &Path, detail: String) -> Error {
    Error::TooLarge {
        path: path.to_path_buf(),
        detail,
    }
}

fn corrupt(path: &Path, detail: &str) -> Error {
    Error::NotWorkbook {
        path: path.to_path_buf(),
        detail: detail.to_string(),
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u16::from_le_bytes(
        b.get(at..at + 2)?.try_into().ok()?,
    )))
}

fn u32_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u32::from_le_bytes(
        b.get(at..at + 4)?.try_into().ok()?,
    )))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// The zip's end-of-central-directory numbers: (entries, directory size, directory offset).
fn end_of_directory(bytes: &[u8]) -> Option<(u64, u64, u64)> {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const LOCATOR: [u8; 4] = [0x50, 0x4b, 0x06, 0x07];
    const EOCD64: [u8; 4] = [0x50, 0x4b, 0x06, 0x06];
    let lowest = bytes.len().saturating_sub(22 + 65_535);
    let at = (lowest..bytes.len().saturating_sub(21))
        .rev()
        .find(|&i| bytes[i..i + 4] == EOCD)?;
    let (mut entries, mut size, mut offset) = (
        u16_at(bytes, at + 10)?,
        u32_at(bytes, at + 12)?,
        u32_at(bytes, at + 16)?,
    );
    let wide = entries == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF;
    if wide && at >= 20 && bytes[at - 20..at - 16] == LOCATOR {
        let at64 = usize::try_from(u64_at(bytes, at - 12)?).ok()?;
        if bytes.get(at64..at64 + 4)? != EOCD64 {
            return None;
        }
        entries = u64_at(bytes, at64 + 32)?;
        size = u64_at(bytes, at64 + 40)?;
        offset = u64_at(bytes, at64 + 48)?;
    }
    Some((entries, size, offset))
}

/// The value of attribute `name` in an XML start tag's text (`count="12"` → "12").
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = tag;
    while let Some(i) = rest.find(name) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + name.len()..].trim_start();
        rest = &rest[i + name.len()..];
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let Some(value) = after.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let quote = value.chars().next()?;
        if quote != '"' && quote != '\'' {
            return None;
        }
        let inner = &value[1..];
        return inner.find(quote).map(|end| &inner[..end]);
    }
    None
}

/// A declared count: None when absent; u64::MAX when it is not a number that fits.
fn declared(tag: &str, name: &str) -> Option<u64> {
    attribute(tag, name).map(|v| v.trim().parse::<u64>().unwrap_or(u64::MAX))
}

/// Checks an .xlsx (zip) package before calamine opens it.
///
/// # Errors
/// [`Error::NotWorkbook`] for a damaged or truncated zip or one without `xl/workbook.xml`;
/// [`Error::TooLarge`] for absurd entry counts, sizes, ratios or shared-string counts.
pub fn check_xlsx(path: &Path, bytes: &[u8]) -> Result<()> {
    let truncated = "zipの終端（中央ディレクトリ）が見つかりません。途中で切れているか壊れています";
    let (entries, dir_size, dir_offset) =
        end_of_directory(bytes).ok_or_else(|| corrupt(path, truncated))?;
    let len = bytes.len() as u64;
    if dir_offset.checked_add(dir_size).is_none_or(|end| end > len) || entries > dir_size / 46 {
        return Err(corrupt(
            path,
            "zipの中央ディレクトリの位置・大きさが不正です",
        ));
    }
    if entries > MAX_ENTRIES as u64 {
        return Err(too_large(path, format!("部品の数 {entries}")));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| corrupt(path, &format!("zipとして開けません: {e}")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(too_large(path, format!("部品の数 {}", zip.len())));
    }
    let mut total: u64 = 0;
    let mut shared_strings = None;
    let mut has_workbook = false;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| corrupt(path, &format!("zipの部品を読めません: {e}")))?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let (size, packed) = (entry.size(), entry.compressed_size());
        if size > MAX_PART {
            return Err(too_large(
                path,
                format!("部品 {name} の展開後の大きさ {size} バイト"),
            ));
        }
        total = total.saturating_add(size);
        if total > MAX_TOTAL {
            return Err(too_large(path, format!("展開後の合計 {total} バイト以上")));
        }
        if size > RATIO_FLOOR && size / packed.max(1) > MAX_RATIO {
            return Err(too_large(
                path,
                format!("部品 {name} の圧縮率 {}倍", size / packed.max(1)),
            ));
        }
        let lower = name.replace('\\', "/").to_ascii_lowercase();
        has_workbook |= lower == "xl/workbook.xml";
        if lower.ends_with("sharedstrings.xml") {
            shared_strings = Some((i, size));
        }
    }
    if !has_workbook {
        return Err(corrupt(
            path,
            "Excelブックの本体（xl/workbook.xml）がありません",
        ));
    }
    if let Some((index, size)) = shared_strings {
        let mut head = Vec::with_capacity(4096);
        if let Ok(part) = zip.by_index(index) {
            // A damaged stream is left to calamine to report; only the declared counts matter here.
            let _ = part.take(64 * 1024).read_to_end(&mut head);
        }
        let text = String::from_utf8_lossy(&head);
        if let Some(start) = text.find("<sst").or_else(|| text.find(":sst")) {
            let tag = &text[start..];
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            // Every <si> takes at least five bytes; every reference at least ten in a sheet.
            let unique_limit = size / 5 + 1_000;
            let count_limit = total / 10 + 1_000;
            if let Some(n) = declared(tag, "uniqueCount").filter(|n| *n > unique_limit) {
                return Err(too_large(
                    path,
                    shared_detail("uniqueCount", n, unique_limit),
                ));
            }
            if let Some(n) = declared(tag, "count").filter(|n| *n > count_limit) {
                return Err(too_large(path, shared_detail("count", n, count_limit)));
            }
        }
    }
    Ok(())
}

fn shared_detail(attr: &str, n: u64, limit: u64) -> String {
    let shown = if n == u64::MAX {
        "数値でない値".to_string()
    } else {
        n.to_string()
    };
    format!("共有文字列（sharedStrings.xml）の {attr} が {shown}（上限 {limit}）")
}

/// A minimal compound-file (OLE/CFB) reader: enough to find one stream's bytes, with every
/// chain bounded by the file's own sector count.
struct Cfb<'a> {
    bytes: &'a [u8],
    shift: u32,
    fat: Vec<u32>,
}

const END_OF_CHAIN: u32 = 0xFFFF_FFFE;

impl<'a> Cfb<'a> {
    fn open(bytes: &'a [u8]) -> Option<Cfb<'a>> {
        let shift = u32::try_from(u16_at(bytes, 0x1E)?).ok()?;
        if !(7..=16).contains(&shift) {
            return None;
        }
        let mut cfb = Cfb {
            bytes,
            shift,
            fat: Vec::new(),
        };
        let per_sector = (1usize << shift) / 4;
        let mut fat_sectors: Vec<u32> = (0..109)
            .filter_map(|i| u32_at(bytes, 0x4C + 4 * i).map(|v| v as u32))
            .filter(|s| *s < 0xFFFF_FFFA)
            .collect();
        let mut difat = u32_at(bytes, 0x44)? as u32;
        let mut guard = cfb.sector_count();
        while difat < 0xFFFF_FFFA && guard > 0 {
            guard -= 1;
            let sector = cfb.sector(difat)?;
            let words: Vec<u32> = (0..per_sector)
                .filter_map(|i| u32_at(sector, 4 * i).map(|v| v as u32))
                .collect();
            let (next, entries) = words.split_last()?;
            fat_sectors.extend(entries.iter().filter(|s| **s < 0xFFFF_FFFA));
            difat = *next;
        }
        fat_sectors.truncate(cfb.sector_count());
        let mut fat = Vec::new();
        for s in fat_sectors {
            let sector = cfb.sector(s)?;
            fat.extend((0..per_sector).filter_map(|i| u32_at(sector, 4 * i).map(|v| v as u32)));
        }
        cfb.fat = fat;
        Some(cfb)
    }

    fn sector_count(&self) -> usize {
        self.bytes.len() >> self.shift
    }

    fn sector(&self, n: u32) -> Option<&'a [u8]> {
        let size = 1usize << self.shift;
        let start = (n as usize).checked_add(1)?.checked_mul(size)?;
        self.bytes.get(start..start.checked_add(size)?)
    }

    /// The bytes of the chain starting at `first`, in a table of `next` pointers.
    fn chain(&self, first: u32, next: &[u32], unit: &dyn Fn(u32) -> Option<&'a [u8]>) -> Vec<u8> {
        let mut out = Vec::new();
        let mut at = first;
        for _ in 0..next.len().min(self.sector_count() * 64 + 1) {
            if at == END_OF_CHAIN {
                break;
            }
            match unit(at) {
                Some(b) => out.extend_from_slice(b),
                None => break,
            }
            match next.get(at as usize) {
                Some(n) => at = *n,
                None => break,
            }
        }
        out
    }

    /// The bytes of the first stream named one of `names` (case-insensitive).
    fn stream(&self, names: &[&str]) -> Option<Vec<u8>> {
        let directory = self.chain(u32_at(self.bytes, 0x30)? as u32, &self.fat, &|n| {
            self.sector(n)
        });
        let entries: Vec<&[u8]> = directory.chunks_exact(128).collect();
        let root = entries.first()?;
        let entry = entries.iter().find(|e| {
            let len = (u16_at(e, 64).unwrap_or(0) as usize).min(64);
            let name: Vec<u16> = e[..len.saturating_sub(2)]
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            let name = String::from_utf16_lossy(&name);
            e[66] == 2 && names.iter().any(|n| n.eq_ignore_ascii_case(&name))
        })?;
        let (start, size) = (u32_at(entry, 116)? as u32, u32_at(entry, 120)?);
        let cutoff = u32_at(self.bytes, 0x38)?;
        let mut data = if size < cutoff {
            let mini_stream = self.chain(u32_at(root, 116)? as u32, &self.fat, &|n| self.sector(n));
            let mini_fat_bytes = self.chain(u32_at(self.bytes, 0x3C)? as u32, &self.fat, &|n| {
                self.sector(n)
            });
            let mini_fat: Vec<u32> = mini_fat_bytes
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            let mini = |n: u32| {
                let at = (n as usize).checked_mul(64)?;
                mini_stream.get(at..at.checked_add(64)?)
            };
            self.chain(start, &mini_fat, &mini)
        } else {
            self.chain(start, &self.fat, &|n| self.sector(n))
        };
        data.truncate(usize::try_from(size).unwrap_or(usize::MAX));
        Some(data)
    }
}

/// The cells a BIFF substream starting at `pos` declares (DIMENSIONS) or spans (cell records),
/// as calamine would allocate them; the largest of the two.
fn xls_sheet_cells(stream: &[u8], pos: usize) -> u64 {
    let mut at = pos;
    let mut declared: u64 = 0;
    let (mut min_r, mut max_r, mut min_c, mut max_c) = (u64::MAX, 0u64, u64::MAX, 0u64);
    let mut first = true;
    while let (Some(typ), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        let data = stream.get(at + 4..at + 4 + len as usize).unwrap_or(&[]);
        at += 4 + len as usize;
        match typ {
            0x0809 if !first && pos == 0 => break,
            0x000A => break,
            0x0200 => {
                let (rf, rl, cf, cl) = match data.len() {
                    10 => (
                        u16_at(data, 0),
                        u16_at(data, 2),
                        u16_at(data, 4),
                        u16_at(data, 6),
                    ),
                    14 | 16 => (
                        u32_at(data, 0),
                        u32_at(data, 4),
                        u16_at(data, 8),
                        u16_at(data, 10),
                    ),
                    _ => (None, None, None, None),
                };
                if let (Some(rf), Some(rl), Some(cf), Some(cl)) = (rf, rl, cf, cl) {
                    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
                    if rl >= 1 && cl >= 1 {
                        let rows = (rl - 1).checked_sub(rf).map_or(u64::MAX, |d| d + 1);
                        let cols = (cl - 1).checked_sub(cf).map_or(u64::MAX, |d| d + 1);
                        declared = declared.max(rows.saturating_mul(cols));
                    }
                }
            }
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x00BD | 0x0006 => {
                if let (Some(r), Some(c)) = (u16_at(data, 0), u16_at(data, 2)) {
                    let last_c = if typ == 0x00BD && data.len() >= 2 {
                        u16_at(data, data.len() - 2).unwrap_or(c)
                    } else {
                        c
                    };
                    min_r = min_r.min(r);
                    max_r = max_r.max(r);
                    min_c = min_c.min(c.min(last_c));
                    max_c = max_c.max(c.max(last_c));
                }
            }
            _ => {}
        }
        first = false;
    }
    let spanned = if min_r == u64::MAX {
        0
    } else {
        (max_r - min_r + 1).saturating_mul(max_c - min_c + 1)
    };
    declared.max(spanned)
}

/// Checks a legacy .xls (BIFF in an OLE container) before calamine builds its ranges.
///
/// # Errors
/// [`Error::TooLarge`] when a sheet declares or spans more than [`MAX_XLS_CELLS`] cells.
pub fn check_xls(path: &Path, bytes: &[u8]) -> Result<()> {
    let Some(stream) = Cfb::open(bytes).and_then(|c| c.stream(&["Workbook", "Book"])) else {
        // Not readable as an .xls: calamine reports why.
        return Ok(());
    };
    let mut positions = vec![0usize];
    let mut at = 0usize;
    while let (Some(typ), Some(len)) = (u16_at(&stream, at), u16_at(&stream, at + 2)) {
        if typ == 0x0085 {
            if let Some(pos) = u32_at(&stream, at + 4) {
                positions.push(pos as usize);
            }
        }
        if typ == 0x000A {
            break;
        }
        at += 4 + len as usize;
    }
    for pos in positions {
        let cells = xls_sheet_cells(&stream, pos);
        if cells > MAX_XLS_CELLS {
            return Err(too_large(
                path,
                format!("シートの範囲 {cells} セル（上限 {MAX_XLS_CELLS}）"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_found_by_whole_name() {
        let tag = r#"<sst xmlns="x" count="12" uniqueCount='7'"#;
        assert_eq!(attribute(tag, "count"), Some("12"));
        assert_eq!(attribute(tag, "uniqueCount"), Some("7"));
        assert_eq!(declared(tag, "uniqueCount"), Some(7));
        assert_eq!(
            declared(
                r#"<sst uniqueCount="99999999999999999999999""#,
                "uniqueCount"
            ),
            Some(u64::MAX)
        );
        assert_eq!(attribute("<sst>", "count"), None);
    }

    /// A compound file with one small stream `Workbook` (kept in the mini stream, as streams
    /// under 4096 bytes are): header, FAT, directory, mini stream and mini FAT sectors.
    fn tiny_cfb(workbook: &[u8]) -> Vec<u8> {
        assert!(workbook.len() <= 512);
        let mut b = vec![0u8; 512 * 5];
        b[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        let put =
            |b: &mut Vec<u8>, at: usize, v: u32| b[at..at + 4].copy_from_slice(&v.to_le_bytes());
        b[0x1E] = 9; // 512-byte sectors
        b[0x20] = 6; // 64-byte mini sectors
        put(&mut b, 0x2C, 1); // one FAT sector
        put(&mut b, 0x30, 1); // directory at sector 1
        put(&mut b, 0x38, 4096); // mini stream cutoff
        put(&mut b, 0x3C, 3); // mini FAT at sector 3
        put(&mut b, 0x40, 1);
        put(&mut b, 0x44, END_OF_CHAIN);
        for i in 0..109 {
            put(&mut b, 0x4C + 4 * i, 0xFFFF_FFFF);
        }
        put(&mut b, 0x4C, 0); // the FAT is sector 0
        let sector = |n: usize| 512 * (n + 1);
        // FAT: sector 0 is the FAT, 1..3 each end their chain.
        put(&mut b, sector(0), 0xFFFF_FFFD);
        for n in 1..4 {
            put(&mut b, sector(0) + 4 * n, END_OF_CHAIN);
        }
        for n in 4..128 {
            put(&mut b, sector(0) + 4 * n, 0xFFFF_FFFF);
        }
        let entry = |b: &mut Vec<u8>, i: usize, name: &str, typ: u8, start: u32, size: u32| {
            let at = sector(1) + 128 * i;
            let utf16: Vec<u8> = name
                .encode_utf16()
                .chain([0])
                .flat_map(u16::to_le_bytes)
                .collect();
            b[at..at + utf16.len()].copy_from_slice(&utf16);
            b[at + 64..at + 66].copy_from_slice(&(utf16.len() as u16).to_le_bytes());
            b[at + 66] = typ;
            b[at + 116..at + 120].copy_from_slice(&start.to_le_bytes());
            b[at + 120..at + 124].copy_from_slice(&size.to_le_bytes());
        };
        entry(&mut b, 0, "Root Entry", 5, 2, 512);
        entry(&mut b, 1, "Workbook", 2, 0, workbook.len() as u32);
        b[sector(2)..sector(2) + workbook.len()].copy_from_slice(workbook);
        // Mini FAT: the stream's mini sectors chained in order.
        let minis = workbook.len().div_ceil(64);
        for m in 0..minis {
            let next = if m + 1 == minis {
                END_OF_CHAIN
            } else {
                m as u32 + 1
            };
            put(&mut b, sector(3) + 4 * m, next);
        }
        b
    }

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        [
            &typ.to_le_bytes()[..],
            &(data.len() as u16).to_le_bytes(),
            data,
        ]
        .concat()
    }

    #[test]
    fn a_small_xls_stream_in_the_mini_stream_is_checked_too() {
        let bof = record(0x0809, &[0, 6, 5, 0, 0, 0, 0, 0]);
        let eof = record(0x000A, &[]);
        let dims = |last_row: u32| {
            let d = [0u32.to_le_bytes(), last_row.to_le_bytes()].concat();
            record(0x0200, &[&d[..], &[0, 0, 10, 0, 0, 0]].concat())
        };
        let sane = [bof.clone(), dims(100), eof.clone()].concat();
        let file = tiny_cfb(&sane);
        let cfb = Cfb::open(&file).expect("a compound file");
        assert_eq!(cfb.stream(&["Workbook"]), Some(sane.clone()));
        assert!(check_xls(Path::new("ok.xls"), &tiny_cfb(&sane)).is_ok());
        let giant = [bof, dims(u32::MAX), eof].concat();
        let e = check_xls(Path::new("giant.xls"), &tiny_cfb(&giant)).unwrap_err();
        assert!(e.to_string().contains("シートの範囲"), "{e}");
    }

    #[test]
    fn a_non_zip_tail_is_refused_as_truncated() {
        let e = check_xlsx(Path::new("x.xlsx"), b"PK\x03\x04 not really").unwrap_err();
        assert!(
            e.to_string().contains("途中で切れているか壊れています"),
            "{e}"
        );
    }
}
