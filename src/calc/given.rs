//! Formulas found in a derived cell of an input workbook: whether one is the formula shinchoku
//! writes for the indicator's rule (a workbook made by `template --from`, filled in and saved by
//! Excel, LibreOffice or a script), after normalising what those programs rewrite.

use super::formulas::indicator_formulas;
use crate::model::Year;
use crate::rules::Rule;

/// Which derived cell of an indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DerivedCell {
    /// 実施効果 (merged over both rows, at the 目標 row).
    Effect,
    /// 年度目標達成率 (at the 目標 row).
    RateYear,
    /// 実績合計 (the 実績 row's 合計).
    ActualTotal,
    /// 合計目標達成率 (at the 目標 row).
    RateTotal,
}

/// A formula as Excel and LibreOffice may store it, reduced to compare: no leading `=`,
/// `of:` or `_xlfn.` prefixes, no `$`, no spaces, upper case.
pub fn normalise(formula: &str) -> String {
    let upper: String = formula
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '$')
        .collect::<String>()
        .to_uppercase();
    let s = upper.strip_prefix("OF:").unwrap_or(&upper);
    let s = s.strip_prefix('=').unwrap_or(s);
    s.replace("_XLFN.", "")
}

/// A formula's shape relative to its cell at 0-based `row`: normalised, each reference's row
/// as an offset from the cell (`L6-K5` at row 4 → `L[1]-K[0]`), so the same formula typed into
/// every row of a column has one shape.
pub fn shape(formula: &str, row: u32) -> String {
    let s: Vec<char> = normalise(formula).chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < s.len() {
        out.push(s[i]);
        i += 1;
        if s[i - 1].is_ascii_uppercase() && s.get(i).is_some_and(char::is_ascii_digit) {
            let start = i;
            while s.get(i).is_some_and(char::is_ascii_digit) {
                i += 1;
            }
            let n: i64 = s[start..i].iter().collect::<String>().parse().unwrap_or(0);
            out.push_str(&format!("[{}]", n - i64::from(row) - 1));
        }
    }
    out
}

/// True when `formula`, found in the derived cell `which` at 0-based `row`, is the formula
/// shinchoku writes for `rule` (for any report year and any rounding of sums).
pub fn is_rule_formula(formula: &str, which: DerivedCell, row: u32, rule: &Rule) -> bool {
    let want = normalise(formula);
    let top = match which {
        DerivedCell::ActualTotal => row.saturating_sub(1),
        _ => row,
    };
    Year::ALL.iter().any(|&year| {
        (0..=10).any(|dp| {
            let fx = indicator_formulas(top, year, rule, dp);
            let written = match which {
                DerivedCell::Effect => Some(fx.effect),
                DerivedCell::RateYear => Some(fx.rate_year),
                DerivedCell::ActualTotal => fx.actual_to_date,
                DerivedCell::RateTotal => fx.rate_total,
            };
            written.is_some_and(|w| normalise(&w) == want)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{ActualRule, RateRule, TotalRule};

    fn rule() -> Rule {
        Rule {
            rate: RateRule::Ratio,
            total: TotalRule::Given,
            actual: ActualRule::Annual,
            decimals: 1,
            percent: false,
            declared: true,
        }
    }

    #[test]
    fn a_formula_copied_down_a_column_has_one_shape() {
        assert_eq!(shape("=L6-K5", 4), "L[1]-K[0]");
        assert_eq!(shape("= $L$8 - K7", 6), shape("=L6-K5", 4));
        assert_ne!(shape("=L6-K5", 6), shape("=L6-K5", 4));
    }

    #[test]
    fn rewritten_forms_of_the_rule_formula_match() {
        let fx = indicator_formulas(4, Year::new(2).unwrap(), &rule(), 1);
        assert!(is_rule_formula(&fx.effect, DerivedCell::Effect, 4, &rule()));
        let libre = fx
            .effect
            .replace("ISNUMBER", "_xlfn.isnumber")
            .replace(',', ", ");
        assert!(is_rule_formula(
            &format!("of:{libre}"),
            DerivedCell::Effect,
            4,
            &rule()
        ));
        let dollars = fx.rate_year.replace('J', "$J$");
        assert!(is_rule_formula(&dollars, DerivedCell::RateYear, 4, &rule()));
        let total = fx.actual_to_date.unwrap();
        assert!(is_rule_formula(
            &total,
            DerivedCell::ActualTotal,
            5,
            &rule()
        ));
        assert!(!is_rule_formula(
            "=SUM(L5:P5)",
            DerivedCell::Effect,
            4,
            &rule()
        ));
        assert!(!is_rule_formula(
            &fx.effect,
            DerivedCell::Effect,
            6,
            &rule()
        ));
    }
}
