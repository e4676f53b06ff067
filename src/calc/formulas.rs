//! The Excel formulas of an indicator's derived cells: SPEC §4 written a second time, for the
//! report workbook to stay live. [`super::derive`] computes the same figures in decimals; the
//! LibreOffice test recalculates every formula and compares it with them.

use crate::layout::col;
use crate::model::{a1, Year};
use crate::rules::{ActualRule, RateRule, Rule, TotalRule};

/// The Excel formulas of an indicator's derived cells (SPEC §4), for the rows `top` (目標) and
/// `top + 1` (実績): the same rule as [`super::derive`], "-" where it gives "-".
pub struct IndicatorFormulas {
    /// 実施効果 = A_n − B (A_n without a numeric base).
    pub effect: String,
    /// 年度目標達成率.
    pub rate_year: String,
    /// The 実績 row's 合計 (None for a level indicator: left as entered).
    pub actual_to_date: Option<String>,
    /// 合計目標達成率 (None for a level indicator).
    pub rate_total: Option<String>,
}

/// Builds the formulas of the indicator at `top` for the report year under `rule`; `dp` is the
/// rounding of sums and differences (the most decimals of the inputs), which removes binary
/// floating-point noise so Excel shows exactly our decimal.
pub fn indicator_formulas(top: u32, year: Year, rule: &Rule, dp: u32) -> IndicatorFormulas {
    let lower = top + 1;
    let yc = u32::from(col::YEARS) + year.index() as u32;
    let a = a1(lower, yc);
    let t = a1(top, yc);
    let b = a1(top, u32::from(col::BASE));
    let pct = |num: &str, den: &str, cond: &str| {
        format!("IF({cond},IF({den}=0,\"-\",ROUND(({num})*100/({den}),1)),\"-\")")
    };
    let effect = format!("=IF(ISNUMBER({a}),IF(ISNUMBER({b}),ROUND({a}-{b},{dp}),{a}),\"-\")");
    let rate_year = match rule.rate {
        RateRule::Ratio => format!(
            "={}",
            pct(&a, &t, &format!("AND(ISNUMBER({a}),ISNUMBER({t}))"))
        ),
        RateRule::Improve => format!(
            "={}",
            pct(
                &format!("ROUND({b}-{a},{dp})"),
                &format!("ROUND({b}-{t},{dp})"),
                &format!("AND(ISNUMBER({a}),ISNUMBER({t}),ISNUMBER({b}))")
            )
        ),
    };
    let (actual_to_date, rate_total) = match rule.total {
        TotalRule::None => (None, None),
        TotalRule::Given => {
            let to_date = match rule.actual {
                ActualRule::Cumulative => format!("=IF(ISNUMBER({a}),{a},\"-\")"),
                ActualRule::Annual => format!(
                    "=IF(ISNUMBER({a}),ROUND(SUM({}:{a}),{dp}),\"-\")",
                    a1(lower, u32::from(col::YEARS))
                ),
            };
            let qa = a1(lower, u32::from(col::TOTAL));
            let qt = a1(top, u32::from(col::TOTAL));
            let rate = format!(
                "={}",
                pct(&qa, &qt, &format!("AND(ISNUMBER({qa}),ISNUMBER({qt}))"))
            );
            (Some(to_date), Some(rate))
        }
    };
    IndicatorFormulas {
        effect,
        rate_year,
        actual_to_date,
        rate_total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_follow_the_rule_for_the_report_year() {
        let rule = Rule {
            rate: RateRule::Ratio,
            total: TotalRule::Given,
            actual: ActualRule::Annual,
            decimals: 0,
            percent: false,
            declared: true,
        };
        let f = indicator_formulas(4, Year::new(2).unwrap(), &rule, 0);
        assert_eq!(
            f.rate_year,
            r#"=IF(AND(ISNUMBER(M6),ISNUMBER(M5)),IF(M5=0,"-",ROUND((M6)*100/(M5),1)),"-")"#
        );
        assert_eq!(
            f.actual_to_date.as_deref(),
            Some(r#"=IF(ISNUMBER(M6),ROUND(SUM(L6:M6),0),"-")"#)
        );
        let level = Rule {
            total: TotalRule::None,
            ..rule
        };
        let f = indicator_formulas(4, Year::new(1).unwrap(), &level, 0);
        assert!(f.actual_to_date.is_none() && f.rate_total.is_none());
    }
}
