//! When a workbook was saved, for resubmissions (two inputs carrying the same item): the
//! workbook's own saved time (`dcterms:modified` of `docProps/core.xml`, W3CDTF text) or, when
//! it has none, the file's modification time (a mail attachment's is its download time) →
//! [`Saved`], seconds since 1970 in UTC with where they came from.

use std::time::SystemTime;

/// Where a saved time came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The workbook's own `dcterms:modified` (what Excel writes on every save).
    Workbook,
    /// The file's modification time on this computer.
    File,
}

/// When an input was saved.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Saved {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub secs: i64,
    /// Where the time came from.
    pub source: Source,
}

impl Saved {
    /// The workbook's own time (`core_modified`, the text of `dcterms:modified`) when it can be
    /// read, else the file's modification time `mtime`; None when neither is known.
    pub fn of(core_modified: Option<&str>, mtime: Option<SystemTime>) -> Option<Saved> {
        if let Some(secs) = core_modified.and_then(parse_w3cdtf) {
            return Some(Saved {
                secs,
                source: Source::Workbook,
            });
        }
        let secs = match mtime?.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => i64::try_from(d.as_secs()).ok()?,
            Err(e) => -i64::try_from(e.duration().as_secs()).ok()?,
        };
        Some(Saved {
            secs,
            source: Source::File,
        })
    }

    /// 「2020-06-30 09:12:05 UTC・ブックの保存日時」 or 「…・ファイルの更新日時」.
    pub fn text(&self) -> String {
        let (days, rest) = (self.secs.div_euclid(86_400), self.secs.rem_euclid(86_400));
        let (y, m, d) = civil_from_days(days);
        let source = match self.source {
            Source::Workbook => "ブックの保存日時",
            Source::File => "ファイルの更新日時",
        };
        format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC・{source}",
            rest / 3600,
            rest / 60 % 60,
            rest % 60
        )
    }
}

/// 「保存日時不明」 for an input whose time is unknown, else [`Saved::text`].
pub fn text_of(saved: Option<&Saved>) -> String {
    saved.map_or_else(|| "保存日時不明".to_string(), Saved::text)
}

/// Seconds since 1970 of a W3CDTF time as `dcterms:modified` holds it: `YYYY-MM-DDThh:mm:ss`,
/// optional fractional seconds, then `Z`, `±hh:mm` or nothing (read as UTC).
pub fn parse_w3cdtf(text: &str) -> Option<i64> {
    let s = text.trim();
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let seps = [(4, b'-'), (7, b'-'), (10, b'T'), (13, b':'), (16, b':')];
    if s.len() < 19 || seps.iter().any(|(i, c)| s.as_bytes()[*i] != *c) {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        rest = frac.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "" | "Z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (oh, om) = rest[1..].split_once(':')?;
            let (oh, om): (i64, i64) = (oh.parse().ok()?, om.parse().ok()?);
            sign * (oh * 3600 + om * 60)
        }
    };
    let days = days_from_civil(y, mo as u32, d as u32);
    Some(days * 86_400 + h * 3600 + mi * 60 + sec - offset)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (H. Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn w3cdtf_times_are_read_with_their_offset() {
        assert_eq!(parse_w3cdtf("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_w3cdtf("2020-06-30T09:12:05Z"), Some(1_593_508_325));
        assert_eq!(
            parse_w3cdtf("2020-06-30T18:12:05.123+09:00"),
            Some(1_593_508_325)
        );
        assert_eq!(parse_w3cdtf(" 2020-06-30T09:12:05 "), Some(1_593_508_325));
        for bad in [
            "",
            "2020-06-30",
            "2020-13-30T09:12:05Z",
            "2020-06-30T09:12:05X",
        ] {
            assert_eq!(parse_w3cdtf(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_workbook_time_wins_and_the_file_time_is_the_fallback() {
        let mtime = SystemTime::UNIX_EPOCH + Duration::from_secs(86_400 + 3_661);
        let book = Saved::of(Some("2020-06-30T09:12:05Z"), Some(mtime)).unwrap();
        assert_eq!(book.text(), "2020-06-30 09:12:05 UTC・ブックの保存日時");
        let file = Saved::of(Some("not a date"), Some(mtime)).unwrap();
        assert_eq!(file.text(), "1970-01-02 01:01:01 UTC・ファイルの更新日時");
        assert_eq!(Saved::of(None, None), None);
        assert_eq!(text_of(None), "保存日時不明");
    }

    #[test]
    fn days_and_dates_agree() {
        for days in [-1, 0, 59, 60, 18_443, 20_000, 100_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days, "{y}-{m}-{d}");
        }
    }
}
