//! Workaround for an upstream bug, kept apart so it can be deleted once fixed: rust_xlsxwriter
//! 0.102 `Worksheet::set_print_first_page_number(n)` writes `useFirstPageNumber="n"` (a
//! boolean attribute) without `firstPageNumber`, so Excel and LibreOffice number every sheet
//! from page 1 (XlsxWriter, the Python original, fixed the same bug in 0.6.8). Still present
//! upstream as of this writing: check the release notes before removing this file.

/// rust_xlsxwriter 0.102 writes a sheet's first page number as `useFirstPageNumber="N"` (a
/// boolean attribute) without `firstPageNumber`, so Excel and LibreOffice number the pages from
/// 1 (the bug XlsxWriter fixed in 0.6.8). Rewrites it in the worksheet parts to
/// `firstPageNumber="N" useFirstPageNumber="1"`. Every deflated part (written by
/// rust_xlsxwriter at its fastest level) is deflated again at [`DEFLATE_LEVEL`], with the same
/// fixed timestamps, so the output stays byte-stable.
pub(super) fn fix_first_page_numbers(xlsx: &[u8]) -> zip::result::ZipResult<Vec<u8>> {
    use std::io::{Read, Write};
    use zip::write::SimpleFileOptions;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx))?;
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(xlsx.len())));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i)?;
        let name = file.name()?.to_string();
        if file.compression() != zip::CompressionMethod::Deflated {
            out.raw_copy_file(file)?;
            continue;
        }
        let mut bytes = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0));
        file.read_to_end(&mut bytes)?;
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(DEFLATE_LEVEL))
            .last_modified_time(file.last_modified().unwrap_or_default());
        drop(file);
        out.start_file(name.as_str(), options)?;
        let edit = (name.starts_with("xl/worksheets/") && name.ends_with(".xml"))
            .then(|| first_page_number_edit(&bytes))
            .flatten();
        match edit {
            // The part is written around the attribute, not copied whole.
            Some((at, new)) => {
                out.write_all(&bytes[..at.start])?;
                out.write_all(new.as_bytes())?;
                out.write_all(&bytes[at.end..])?;
            }
            None => out.write_all(&bytes)?,
        }
    }
    Ok(out.finish()?.into_inner())
}

/// The deflate level of the written workbook: 3, as Excel uses (levels 4–6 take about twice as
/// long for files a few per cent smaller).
const DEFLATE_LEVEL: i64 = 3;

/// Where `useFirstPageNumber="N"` is in one sheet's XML and what replaces it:
/// `firstPageNumber="N" useFirstPageNumber="1"`. Searched from the end: the page setup comes
/// after the sheet's rows.
fn first_page_number_edit(xml: &[u8]) -> Option<(std::ops::Range<usize>, String)> {
    const ATTR: &[u8] = b"useFirstPageNumber=\"";
    let start = xml.windows(ATTR.len()).rposition(|w| w == ATTR)?;
    let digits_at = start + ATTR.len();
    let digits = xml[digits_at..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .count();
    let end = digits_at + digits;
    if digits == 0 || xml.get(end) != Some(&b'"') {
        return None;
    }
    let n = std::str::from_utf8(&xml[digits_at..end]).ok()?;
    Some((
        start..end + 1,
        format!("firstPageNumber=\"{n}\" useFirstPageNumber=\"1\""),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_page_number_is_written_as_excel_reads_it() {
        let xml = r#"<pageSetup paperSize="8" useFirstPageNumber="6" horizontalDpi="200"/>"#;
        let (at, new) = first_page_number_edit(xml.as_bytes()).unwrap();
        let fixed = format!("{}{new}{}", &xml[..at.start], &xml[at.end..]);
        assert_eq!(
            fixed,
            r#"<pageSetup paperSize="8" firstPageNumber="6" useFirstPageNumber="1" horizontalDpi="200"/>"#
        );
        assert_eq!(first_page_number_edit(b"<a/>"), None);
        assert_eq!(
            first_page_number_edit(br#"<p useFirstPageNumber="x"/>"#),
            None
        );
    }
}
