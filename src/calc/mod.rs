//! Recalculation (SPEC §4): [`Report`] + [`Rules`] + report year → the derived figures of every
//! indicator (実施効果, 年度目標達成率, actual to date, 合計目標達成率), in exact decimals, stored
//! on each indicator ([`Indicator::recalculated`]). [`formulas`] writes the same rules as Excel
//! formulas: review the two together.

pub mod formulas;
pub mod given;
mod resolve;

use crate::finding::Finding;
use crate::model::{Derived, Figure, Indicator, Report, Year};
use crate::rules::{ActualRule, RateRule, Rule, Rules, TotalRule};
use crate::value::{decimals, Value};
use rust_decimal::{Decimal, RoundingStrategy};

/// Recalculates every indicator of the report for `year`, storing the figures on each, and
/// returns the findings about the rules used (an undeclared rule, a name matched loosely).
pub fn recalculate(report: &mut Report, rules: &Rules, year: Year) -> Vec<Finding> {
    let mut findings = Vec::new();
    for item in report.items_mut() {
        let (item_rules, found) = resolve::rules_of_item(rules, item);
        findings.extend(found);
        for (ind, rule) in item.indicators.iter_mut().zip(item_rules) {
            ind.recalculated = Some(derive(ind, rule, year));
        }
    }
    findings
}

/// Recalculates every indicator of the report for `year` under one `rule` (a blank workbook).
pub fn recalculate_with_rule(report: &mut Report, year: Year, rule: Rule) {
    for (_, ind) in report.indicators_mut() {
        ind.recalculated = Some(derive(ind, rule, year));
    }
}

/// Recalculates every indicator of the report for `year` under the rule it already has
/// (from an earlier [`recalculate`]); `fallback` for one that has none.
pub fn recalculate_keeping_rules(report: &mut Report, year: Year, fallback: Rule) {
    for (_, ind) in report.indicators_mut() {
        let rule = ind.recalculated.map_or(fallback, |d| d.rule);
        ind.recalculated = Some(derive(ind, rule, year));
    }
}

/// The default rule of SPEC §4 for an indicator nothing declares.
fn inferred(ind: &Indicator) -> Rule {
    let name = ind.name.as_str();
    Rule::inferred(
        ind.target_total.value.number().is_some(),
        input_decimals(ind),
        name.contains('%') || name.contains('％'),
    )
}

/// The most decimals among an indicator's inputs (base, targets, actuals).
pub fn input_decimals(ind: &Indicator) -> u32 {
    std::iter::once(&ind.base)
        .chain(ind.targets.iter())
        .chain(std::iter::once(&ind.target_total))
        .chain(ind.actuals.iter())
        .filter_map(|f| f.value.number())
        .map(decimals)
        .max()
        .unwrap_or(0)
}

/// Excel's ROUND(x, 1): half away from zero.
pub fn round_rate(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
}

/// numerator / denominator × 100, rounded to one decimal; "-" for a zero denominator.
fn percent(numerator: Decimal, denominator: Decimal) -> Figure {
    if denominator.is_zero() {
        return Figure::Dash;
    }
    match numerator
        .checked_mul(Decimal::ONE_HUNDRED)
        .and_then(|n| n.checked_div(denominator))
    {
        Some(q) => Figure::Number(round_rate(q).normalize()),
        None => Figure::Dash,
    }
}

/// Recalculates one indicator for the report year `year` under `rule`.
pub fn derive(ind: &Indicator, rule: Rule, year: Year) -> Derived {
    let n = year.index();
    let actual = ind.actuals[n].value.number();
    let target = ind.targets[n].value.number();
    let base = ind.base.value.number();

    let effect = match (actual, base) {
        (Some(a), Some(b)) => a.checked_sub(b).map_or(Figure::Dash, Figure::Number),
        (Some(a), None) => Figure::Number(a),
        (None, _) => Figure::Dash,
    };

    let rate_year = match (rule.rate, actual, target) {
        (RateRule::Ratio, Some(a), Some(t)) => percent(a, t),
        (RateRule::Improve, Some(a), Some(t)) => match base {
            Some(b) => match (b.checked_sub(a), b.checked_sub(t)) {
                (Some(num), Some(den)) => percent(num, den),
                _ => Figure::Dash,
            },
            None => Figure::Dash,
        },
        _ => Figure::Dash,
    };

    let (actual_to_date, rate_total) = match rule.total {
        TotalRule::None => (Figure::Blank, Figure::Blank),
        TotalRule::Given => {
            let to_date = match rule.actual {
                ActualRule::Cumulative => actual.map_or(Figure::Dash, Figure::Number),
                ActualRule::Annual => actual_sum(ind, year),
            };
            let rate = match (to_date, ind.target_total.value.number()) {
                (Figure::Number(a), Some(t)) => percent(a, t),
                _ => Figure::Dash,
            };
            (to_date, rate)
        }
    };

    Derived {
        rule,
        effect,
        rate_year,
        actual_to_date,
        rate_total,
    }
}

/// Σ A_R1..A_n; "-" when the report year's actual is missing. Earlier years that are blank or
/// "-" add nothing (a finding reports them).
fn actual_sum(ind: &Indicator, year: Year) -> Figure {
    if ind.actuals[year.index()].value.number().is_none() {
        return Figure::Dash;
    }
    let mut sum = Decimal::ZERO;
    for f in &ind.actuals[..=year.index()] {
        if let Some(a) = f.value.number() {
            match sum.checked_add(a) {
                Some(s) => sum = s,
                None => return Figure::Dash,
            }
        }
    }
    Figure::Number(sum)
}

/// Whether an entered derived figure shows the same as the recalculated one at `decimals`
/// places (SPEC §3): blank and "-" are the same; text never equals a number.
pub fn same_at_precision(entered: &Value, derived: Figure, decimals: u32) -> bool {
    match (entered, derived) {
        (Value::Blank | Value::NotApplicable, Figure::Blank | Figure::Dash) => true,
        (Value::Number(e), Figure::Number(d)) => {
            let r = |x: Decimal| {
                x.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
            };
            r(*e) == r(d)
        }
        _ => false,
    }
}

/// The sum of the five yearly targets, when all five are numbers.
pub fn target_sum(ind: &Indicator) -> Option<Decimal> {
    ind.targets
        .iter()
        .map(|f| f.value.number())
        .try_fold(Decimal::ZERO, |acc, t| acc.checked_add(t?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Field;
    use std::str::FromStr;

    fn num(s: &str) -> Field {
        Field::new(Value::Number(Decimal::from_str(s).unwrap()))
    }

    fn indicator(base: &str, t1: &str, total: &str, a1: &str) -> Indicator {
        let mut ind = Indicator::default();
        let field = |s: &str| {
            if s.is_empty() {
                Field::default()
            } else {
                num(s)
            }
        };
        ind.base = field(base);
        ind.targets[0] = field(t1);
        ind.target_total = field(total);
        ind.actuals[0] = field(a1);
        ind
    }

    fn rule(rate: RateRule, total: TotalRule) -> Rule {
        Rule {
            rate,
            total,
            actual: ActualRule::Annual,
            decimals: 0,
            percent: false,
            declared: true,
        }
    }

    fn d(s: &str) -> Figure {
        Figure::Number(Decimal::from_str(s).unwrap())
    }

    const R1: Year = Year::ALL[0];

    #[test]
    fn improve_rule_reproduces_staff_count_and_overtime() {
        let staff = derive(
            &indicator("342", "341", "", "333"),
            rule(RateRule::Improve, TotalRule::None),
            R1,
        );
        assert_eq!(staff.effect, d("-9"));
        assert_eq!(staff.rate_year, d("900"));
        assert_eq!(staff.rate_total, Figure::Blank);
        let overtime = derive(
            &indicator("40561", "38558", "", "41064"),
            rule(RateRule::Improve, TotalRule::None),
            R1,
        );
        assert_eq!(overtime.effect, d("503"));
        assert_eq!(overtime.rate_year, d("-25.1"));
    }

    #[test]
    fn ratio_with_given_total_reproduces_kuridashikin() {
        let k = derive(
            &indicator("", "7200", "36000", "-53456"),
            rule(RateRule::Ratio, TotalRule::Given),
            R1,
        );
        assert_eq!(k.effect, d("-53456"));
        assert_eq!(k.rate_year, d("-742.4"));
        assert_eq!(k.actual_to_date, d("-53456"));
        assert_eq!(k.rate_total, d("-148.5"));
    }

    #[test]
    fn zero_denominator_gives_dash_not_error() {
        let z = derive(
            &indicator("0", "0", "", "0"),
            rule(RateRule::Ratio, TotalRule::None),
            R1,
        );
        assert_eq!(z.rate_year, Figure::Dash);
        assert_eq!(z.effect, d("0"));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(
            round_rate(Decimal::from_str("0.25").unwrap() * Decimal::from(1)),
            Decimal::from_str("0.3").unwrap()
        );
        assert_eq!(
            round_rate(Decimal::from_str("-319.65").unwrap()),
            Decimal::from_str("-319.7").unwrap()
        );
        assert_eq!(
            round_rate(Decimal::from_str("-319.605").unwrap()),
            Decimal::from_str("-319.6").unwrap()
        );
    }

    #[test]
    fn second_year_uses_r2_and_sums_actuals() {
        let mut ind = indicator("", "100", "500", "40");
        ind.targets[1] = num("100");
        ind.actuals[1] = num("90");
        let r2 = Year::new(2).unwrap();
        let x = derive(&ind, rule(RateRule::Ratio, TotalRule::Given), r2);
        assert_eq!(x.rate_year, d("90"));
        assert_eq!(x.actual_to_date, d("130"));
        assert_eq!(x.rate_total, d("26"));
    }

    #[test]
    fn comparison_is_at_display_precision() {
        let e = Value::Number(Decimal::from_str("0.14").unwrap());
        assert!(same_at_precision(&e, d("0.14"), 2));
        assert!(!same_at_precision(&e, d("0.1"), 2));
        assert!(same_at_precision(&Value::NotApplicable, Figure::Blank, 1));
        assert!(!same_at_precision(&Value::Blank, d("0"), 1));
    }
}
