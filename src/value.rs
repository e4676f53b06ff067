//! Cell values: f64 → exact decimal (15 significant digits), text → number per SPEC §3,
//! and the label normalisation used for matching (never for what is written back).

use rust_decimal::Decimal;
use std::borrow::Cow;
use std::str::FromStr;
use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// The meaning of a number cell after parsing.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Value {
    /// Blank.
    #[default]
    Blank,
    /// "-" and its variants: not applicable (never 0).
    NotApplicable,
    /// A number.
    Number(Decimal),
    /// Text that is not a number ("新方針による").
    Text(String),
}

impl Value {
    /// The number, if this is one.
    pub fn number(&self) -> Option<Decimal> {
        match self {
            Value::Number(d) => Some(*d),
            _ => None,
        }
    }

    /// Blank or "-": nothing applies.
    pub fn is_absent(&self) -> bool {
        matches!(self, Value::Blank | Value::NotApplicable)
    }
}

/// Normalises a label for matching: NFKC, ⺠ → 民, all whitespace (line breaks too) removed.
pub fn squash(s: &str) -> String {
    let fix = |c: char| if c == '\u{2EA0}' { '民' } else { c };
    // Most texts are already NFKC: the quick check spares the decomposition.
    if is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        return s.chars().map(fix).filter(|c| !c.is_whitespace()).collect();
    }
    s.nfkc().map(fix).filter(|c| !c.is_whitespace()).collect()
}

/// [`squash`] without a copy when the text is already squashed (NFKC, no whitespace, no ⺠).
pub fn squash_cow(s: &str) -> Cow<'_, str> {
    let plain = s.chars().all(|c| !c.is_whitespace() && c != '\u{2EA0}');
    if plain && is_nfkc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(squash(s))
    }
}

/// Converts a numeric cell's f64 once, as Excel would show it: 15 significant digits,
/// trailing zeros dropped (0.30000000000000004 → 0.3, 40561.0 → 40561).
/// None for values a decimal cannot hold (NaN, infinities, beyond ±7.9e28).
pub fn from_f64(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    if f == 0.0 {
        return Some(Decimal::ZERO);
    }
    // Whole numbers under 10^15 are exact in both: no digits to round.
    if f.fract() == 0.0 && f.abs() < 1e15 {
        return Some(Decimal::from(f as i64));
    }
    let sci = format!("{f:.14e}");
    let (mantissa, exp) = sci.split_once('e')?;
    let exp: i32 = exp.parse().ok()?;
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let negative = mantissa.starts_with('-');
    // value = 0.d1d2…d15 × 10^(exp+1) = d1…d15 × 10^(exp − 14)
    let shift = exp - 14;
    let mut d = Decimal::from_str(&digits).ok()?;
    if shift >= 0 {
        for _ in 0..shift {
            d = d.checked_mul(Decimal::TEN)?;
        }
    } else {
        let scale = u32::try_from(-shift).ok()?;
        if scale > 28 {
            // Tinier than a decimal's 28 places: keep the digits that fit (1e-30 → 0).
            let keep = digits.len().saturating_sub((scale - 28) as usize);
            d = Decimal::from_str(if keep == 0 { "0" } else { &digits[..keep] }).ok()?;
            d.set_scale(28).ok()?;
        } else {
            d.set_scale(scale).ok()?;
        }
    }
    Some(if negative { -d } else { d }.normalize())
}

/// Characters that stand for a minus sign or a dash once NFKC has run.
fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '−' | '‐' | '‑' | '‒' | '–' | '—' | '―' | 'ー' | 'ｰ' | '─' | '━'
    )
}

/// Parses a text cell per SPEC §3: blank and dashes mean "not applicable"; △/▲/dash as minus,
/// thousands commas, a trailing %, full-width digits; anything else stays text. Digits split by
/// a space or line break (「12 15」, 「12⏎15」) and digit look-alikes that NFKC would turn into
/// digits (², ⑤) stay text: joining or converting them could make a wrong number silently.
pub fn parse_text(s: &str) -> Value {
    let n = squash(s);
    if n.is_empty() {
        return Value::Blank;
    }
    if n.chars().all(is_dash) && n.chars().count() <= 3 {
        return Value::NotApplicable;
    }
    if has_split_digits(s) || has_digit_look_alike(s) {
        return Value::Text(s.to_string());
    }
    match parse_number(&n) {
        Some(d) => Value::Number(d),
        None => Value::Text(s.to_string()),
    }
}

/// A digit, then whitespace (spaces, line breaks), then another digit: two numbers, or one
/// typed with a gap, never to be joined silently.
fn has_split_digits(s: &str) -> bool {
    let is_digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let mut after_digit = false;
    let mut gap = false;
    for c in s.chars() {
        if is_digit(c) {
            if after_digit && gap {
                return true;
            }
            after_digit = true;
            gap = false;
        } else if c.is_whitespace() {
            gap |= after_digit;
        } else {
            after_digit = false;
            gap = false;
        }
    }
    false
}

/// A character that is not a digit (ASCII or full-width) but becomes one under NFKC:
/// superscripts (²), subscripts, circled (⑤) or parenthesised numbers.
fn has_digit_look_alike(s: &str) -> bool {
    s.chars().any(|c| {
        !c.is_ascii_digit()
            && !('０'..='９').contains(&c)
            && std::iter::once(c).nfkc().any(|d| d.is_ascii_digit())
    })
}

/// The number in an already squashed text, if it is one.
fn parse_number(n: &str) -> Option<Decimal> {
    let mut chars = n.chars();
    let first = chars.clone().next()?;
    let (negative, rest) = if first == '△' || first == '▲' || is_dash(first) {
        chars.next();
        (true, chars.as_str())
    } else if first == '+' {
        chars.next();
        (false, chars.as_str())
    } else {
        (false, n)
    };
    let rest = rest.strip_suffix('%').unwrap_or(rest);
    let (int_part, frac_part) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let int_digits = strip_thousands(int_part)?;
    if let Some(f) = frac_part {
        if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    if int_digits.is_empty() && frac_part.is_none() {
        return None;
    }
    let text = match frac_part {
        Some(f) => format!(
            "{}.{f}",
            if int_digits.is_empty() {
                "0"
            } else {
                &int_digits
            }
        ),
        None => int_digits,
    };
    let d = Decimal::from_str(&text).ok()?.normalize();
    Some(if negative { -d } else { d })
}

/// "25,145" → "25145"; commas must group by three. None if not digits.
fn strip_thousands(s: &str) -> Option<String> {
    if !s.contains(',') {
        return s.chars().all(|c| c.is_ascii_digit()).then(|| s.to_string());
    }
    let mut groups = s.split(',');
    let head = groups.next()?;
    if head.is_empty() || head.len() > 3 || !head.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut out = head.to_string();
    for g in groups {
        if g.len() != 3 || !g.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        out.push_str(g);
    }
    Some(out)
}

/// Decimal places of a number once trailing zeros are dropped (9.43 → 2, 48.0 → 0).
pub fn decimals(d: Decimal) -> u32 {
    d.normalize().scale()
}

/// A number as the report shows it: thousands separators, `decimals` places, "△ " for minus
/// (the display of the `#,##0.0;"△ "#,##0.0` formats).
pub fn format_report(d: Decimal, decimals: u32) -> String {
    let r = d.round_dp_with_strategy(
        decimals,
        rust_decimal::RoundingStrategy::MidpointAwayFromZero,
    );
    let negative = r.is_sign_negative() && !r.is_zero();
    let abs = r.abs();
    let s = format!("{abs:.prec$}", prec = decimals as usize);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let body = match frac {
        Some(f) => format!("{grouped}.{f}"),
        None => grouped,
    };
    if negative {
        format!("△ {body}")
    } else {
        body
    }
}

/// An Excel date serial (1900 system) as Excel shows it in a Japanese office: 「2019/12/15」,
/// with 「h:mm」 when it has a time of day. Used to name a date found where a number belongs.
pub fn excel_date(serial: f64) -> String {
    let days = serial.floor() as i64;
    // Serials from 61 on count days since 1899-12-30 (Excel's phantom 1900-02-29 is 60).
    let z = days - 25_569 + 719_468; // days since 0000-03-01 (1970-01-01 is serial 25569)
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let minutes = ((serial - serial.floor()) * 1_440.0).round() as i64;
    if minutes == 0 {
        format!("{y}/{m}/{d}")
    } else {
        format!("{y}/{m}/{d} {}:{:02}", minutes / 60, minutes % 60)
    }
}

/// True for a text shaped like [`excel_date`]'s: a date where a number belongs.
pub fn is_date_text(s: &str) -> bool {
    let date = s.split(' ').next().unwrap_or("");
    let parts: Vec<&str> = date.split('/').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

/// The parts of a number format code outside quotes, brackets and escapes, for its first
/// (positive) section: `#,##0.0;"△ "#,##0.0` → `#,##0.0`.
fn format_first_section(code: &str) -> String {
    let mut out = String::new();
    let (mut quoted, mut bracket, mut escaped) = (false, false, false);
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' | '_' | '*' if !quoted => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            ';' if !quoted && !bracket => break,
            _ if quoted || bracket => {}
            c => out.push(c),
        }
    }
    out
}

/// True when a number format code shows its value as a percent (`0.0%`): a `%` outside
/// quotes. Excel stores 102.9 % as 1.029 with such a format.
pub fn is_percent_format(code: &str) -> bool {
    format_first_section(code).contains('%')
}

/// The decimals a number format code shows (`#,##0` → 0, `#,##0.0;"△ "#,##0.0` → 1,
/// `0.0%` → 1); None for `General`, text, dates and times (no fixed decimals).
pub fn format_decimals(code: &str) -> Option<u32> {
    let first = format_first_section(code);
    let lower = first.to_lowercase();
    if lower.contains("general") || first.contains('@') || lower.contains(['y', 'd', 'h', 's']) {
        return None;
    }
    let digits = |c: char| matches!(c, '0' | '#' | '?');
    if !first.chars().any(digits) {
        return None;
    }
    Some(match first.split_once('.') {
        Some((_, frac)) => frac.chars().take_while(|c| digits(*c)).count() as u32,
        None => 0,
    })
}

/// Digits in full width: 12 → 「１２」 (the 大分類 heading).
pub fn fullwidth_digits(n: u32) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn number_formats_give_percent_and_decimals() {
        assert!(is_percent_format("0.0%"));
        assert!(!is_percent_format("0.0\"%\""));
        assert!(!is_percent_format("#,##0;\"△ \"#,##0"));
        assert_eq!(format_decimals("#,##0;\"△ \"#,##0"), Some(0));
        assert_eq!(format_decimals("#,##0.0;\"△ \"#,##0.0"), Some(1));
        assert_eq!(format_decimals("0.00%"), Some(2));
        assert_eq!(format_decimals("[Red]0.000"), Some(3));
        assert_eq!(format_decimals("General"), None);
        assert_eq!(format_decimals("yyyy/m/d"), None);
        assert_eq!(format_decimals("@"), None);
    }

    use super::*;

    #[test]
    fn excel_dates_as_shown() {
        assert_eq!(excel_date(43_814.0), "2019/12/15");
        assert_eq!(excel_date(43_587.5), "2019/5/2 12:00");
        assert!(is_date_text("2019/12/15") && !is_date_text("12/15") && !is_date_text("1/2/3"));
    }
    use proptest::prelude::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn squash_cow_borrows_only_what_squash_leaves_unchanged() {
        for s in [
            "項目",
            "29基準",
            "実施効果",
            "年度目標\n達成率",
            "Ｒ１",
            "⺠間",
            "ｶﾞ",
            "a b",
            "㍻",
        ] {
            assert_eq!(squash_cow(s), squash(s), "{s}");
        }
        assert!(matches!(squash_cow("項目"), Cow::Borrowed(_)));
        assert!(matches!(squash_cow("年度目標\n達成率"), Cow::Owned(_)));
        assert!(matches!(squash_cow("Ｒ１"), Cow::Owned(_)));
    }

    #[test]
    fn whole_numbers_convert_like_the_15_digit_route() {
        for f in [1.0, -3.0, 40561.0, 999_999_999_999_999.0, 1e15, -1e16] {
            let fast = from_f64(f).unwrap();
            assert_eq!(fast.to_string(), format!("{f:.0}"), "{f}");
        }
    }

    #[test]
    fn f64_keeps_fifteen_significant_digits() {
        assert_eq!(from_f64(0.1 + 0.2), Some(dec("0.3")));
        assert_eq!(from_f64(5.67), Some(dec("5.67")));
        assert_eq!(from_f64(40561.0), Some(dec("40561")));
        assert_eq!(from_f64(-25.1), Some(dec("-25.1")));
        assert_eq!(from_f64(1e-30), Some(Decimal::ZERO));
        assert_eq!(from_f64(f64::NAN), None);
        assert_eq!(from_f64(1e300), None);
    }

    #[test]
    fn text_numbers_follow_spec_section_3() {
        let cases = [
            ("△ 25.1", "-25.1"),
            ("▲630", "-630"),
            ("−5", "-5"),
            ("‐5", "-5"),
            ("２５，１４５", "25145"),
            ("25,145", "25145"),
            ("102.9%", "102.9"),
            (" 5.67 ", "5.67"),
            ("ー3", "-3"),
        ];
        for (input, want) in cases {
            assert_eq!(parse_text(input), Value::Number(dec(want)), "{input}");
        }
    }

    #[test]
    fn split_digits_and_look_alikes_stay_text() {
        for input in ["12\n15", "1 2", "25145²", "⑤", "1　000", "３ ４"] {
            assert_eq!(parse_text(input), Value::Text(input.into()), "{input}");
        }
        // A gap next to a sign or unit is not between two digits.
        assert_eq!(parse_text("△ 25.1"), Value::Number(dec("-25.1")));
        assert_eq!(parse_text("5.67 "), Value::Number(dec("5.67")));
    }

    #[test]
    fn dashes_and_blanks_are_not_zero() {
        for s in ["", " ", "-", "－", "―", "--", "- -", "ー"] {
            assert!(parse_text(s).is_absent(), "{s:?}");
        }
    }

    #[test]
    fn words_stay_text_byte_for_byte() {
        assert_eq!(
            parse_text("新方針による"),
            Value::Text("新方針による".into())
        );
        assert_eq!(parse_text("1,23"), Value::Text("1,23".into()));
        assert_eq!(parse_text("1.2.3"), Value::Text("1.2.3".into()));
    }

    #[test]
    fn report_format_matches_the_seed() {
        assert_eq!(format_report(dec("-25.11"), 1), "△ 25.1");
        assert_eq!(format_report(dec("1283.95"), 1), "1,284.0");
        assert_eq!(format_report(dec("-0.6"), 0), "△ 1");
        assert_eq!(format_report(dec("0.14"), 0), "0");
        assert_eq!(format_report(dec("-207743"), 0), "△ 207,743");
    }

    proptest! {
        #[test]
        fn any_text_parses_without_panic(s in "\\PC*") {
            let _ = parse_text(&s);
        }

        #[test]
        fn report_formatted_numbers_parse_back(m in -10_000_000_000i64..10_000_000_000i64, dp in 0u32..4) {
            let d = Decimal::new(m, dp);
            let shown = format_report(d, dp);
            prop_assert_eq!(parse_text(&shown), Value::Number(d.normalize()));
        }

        #[test]
        fn number_like_text_never_panics(s in "[0-9０-９,，.．△▲−‐ー\\-+%％ 　]{0,24}") {
            let _ = parse_text(&s);
        }

        #[test]
        fn typed_forms_of_a_report_number_parse_back(m in -10_000_000_000i64..10_000_000_000i64, dp in 0u32..4) {
            // As a department types it: full-width digits, ▲ for minus, no space after the sign.
            let d = Decimal::new(m, dp);
            let shown = format_report(d, dp);
            let full: String = shown
                .chars()
                .map(|c| match c {
                    '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
                    ',' => '，',
                    '.' => '．',
                    other => other,
                })
                .collect();
            let triangle = shown.replace("△ ", "▲");
            let minus = shown.replace("△ ", "−");
            for typed in [full, triangle, minus] {
                prop_assert_eq!(parse_text(&typed), Value::Number(d.normalize()), "{}", typed);
            }
        }

        #[test]
        fn f64_of_a_short_decimal_round_trips(m in -1_000_000_000i64..1_000_000_000i64, dp in 0u32..6) {
            let d = Decimal::new(m, dp).normalize();
            let f: f64 = d.to_string().parse().unwrap();
            prop_assert_eq!(from_f64(f), Some(d));
        }
    }
}
