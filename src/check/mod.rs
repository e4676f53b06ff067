//! Checks: the recalculated [`Report`] + report year → findings about the entries (SPEC §5),
//! one small function per code. Corrections (and their findings) are made by
//! the later `correct` stage; this stage only reports.

use crate::calc::target_sum;
use crate::finding::{Code, Finding, Location};
use crate::model::{Derived, Field, Figure, Found, Indicator, Item, Report, TextField, Year};
use crate::rules::{RateRule, TotalRule};
use crate::value::{format_report, squash, Value};
use crate::vocab;
use rust_decimal::Decimal;

mod completeness;
mod formulas;
use std::collections::HashMap;

/// What every indicator check needs besides the indicator: its item's №, its name, its
/// recalculated figures and the report year.
struct Ctx<'a> {
    no: Option<u32>,
    name: Option<&'a str>,
    d: &'a Derived,
    year: Year,
}

impl Ctx<'_> {
    fn at(&self, f: &Field) -> Location {
        field_location(f, self.no, self.name)
    }
}

/// Runs every check over the report (already recalculated) for `year`; `statuses` are the
/// office's 達成状況 words (the layout's list; 「№○○に統合」 forms are always accepted).
/// A doubt about the rules file (`rules_file`) is reported once, as such (W226).
pub fn check(report: &Report, year: Year, statuses: &[String], rules_file: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut doubts = Vec::new();
    let mut seen: HashMap<u32, (String, String)> = HashMap::new();
    for (_, item) in report.items() {
        check_item_no(item, &mut seen, &mut out);
        check_item_texts(item, &mut out);
        completeness::item_entries(item, year, statuses, &mut out);
        for ind in &item.indicators {
            let Some(d) = &ind.recalculated else {
                continue;
            };
            let cx = Ctx {
                no: item.number(),
                name: ind.name.text.as_deref(),
                d,
                year,
            };
            check_indicator(item, ind, &cx, &mut out);
            if cx.d.rule.declared && lower_is_better_ratio(ind, &cx).is_some() {
                let name = cx.name.unwrap_or("").replace('\n', " ");
                doubts.push(format!("№{} {name}", cx.no.unwrap_or(0)));
            }
        }
    }
    if !doubts.is_empty() {
        let at = Location {
            file: rules_file.to_string(),
            ..Location::default()
        };
        out.push(Finding::new(
            Code::RulesDoubt,
            at,
            None,
            &[&doubts.join("、")],
        ));
    }
    out
}

/// The checks of one indicator, in the order their findings are listed for one cell.
fn check_indicator(item: &Item, ind: &Indicator, cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    formulas::without_value(ind, cx, out);
    text_in_number_cells(ind, cx, out);
    if !completeness::settled(item) {
        missing_actuals(ind, cx, out);
    }
    completeness::report_year_actual(item, ind, cx.year, out);
    future_actuals(ind, cx, out);
    check_base_and_kubun(ind, cx.no, cx.name, out);
    total_not_sum(ind, cx, out);
    percent_over_100(ind, cx, out);
    past_final_target(ind, cx, out);
    ratio_on_lower_is_better(ind, cx, out);
    achieved_below_target(item, cx, out);
}

/// E105 / W209: text where a number belongs (an actual cannot be recalculated); E121 when it is
/// a date (Excel turned 「12/15」 into one); E122 a number beyond the decimals' range.
fn text_in_number_cells(ind: &Indicator, cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let inputs = std::iter::once((&ind.base, false))
        .chain(ind.targets.iter().map(|f| (f, false)))
        .chain(std::iter::once((&ind.target_total, false)))
        .chain(ind.actuals.iter().map(|f| (f, true)));
    for (f, is_actual) in inputs {
        if let Value::Text(t) = &f.value {
            let code = if matches!(f.found, Found::Huge(_)) {
                Code::NumberOutOfRange
            } else if crate::value::is_date_text(t) {
                Code::DateInNumberCell
            } else if is_actual {
                Code::TextInActual
            } else {
                Code::TextInNumberCell
            };
            out.push(Finding::new(code, cx.at(f), Some(t.clone()), &[t]));
        }
    }
}

/// E103: a target for the report year (or an earlier one) but no actual.
fn missing_actuals(ind: &Indicator, cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (y, when) in Year::ALL.iter().enumerate().take(cx.year.index() + 1) {
        let a = &ind.actuals[y];
        if ind.targets[y].value.number().is_some() && a.value == Value::Blank {
            let when = when.to_string();
            out.push(Finding::new(Code::MissingActual, cx.at(a), None, &[&when]));
        }
    }
}

/// W213: an actual for a year after the report year.
fn future_actuals(ind: &Indicator, cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    for (y, when) in Year::ALL.iter().enumerate().skip(cx.year.index() + 1) {
        let a = &ind.actuals[y];
        if let Value::Number(d) = a.value {
            let shown = d.normalize().to_string();
            out.push(Finding::new(
                Code::FutureActual,
                cx.at(a),
                Some(a.found.display()),
                &[&when.to_string(), &cx.year.to_string(), &shown],
            ));
        }
    }
}

/// W202: a given 合計 that is not the sum of five yearly targets.
fn total_not_sum(ind: &Indicator, cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let rule = cx.d.rule;
    if let (TotalRule::Given, Some(sum), Some(total)) =
        (rule.total, target_sum(ind), ind.target_total.value.number())
    {
        if sum != total {
            let t = format_report(total, rule.decimals);
            let s = format_report(sum, rule.decimals);
            out.push(Finding::new(
                Code::TotalNotSum,
                cx.at(&ind.target_total),
                Some(t.clone()),
                &[&t, &s],
            ));
        }
    }
}

/// W203: a percentage actual above 100.
fn percent_over_100(ind: &Indicator, cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let actual = &ind.actuals[cx.year.index()];
    if let (true, Some(a)) = (cx.d.rule.percent, actual.value.number()) {
        if a > Decimal::ONE_HUNDRED {
            let s = a.normalize().to_string();
            out.push(Finding::new(
                Code::PercentOver100,
                cx.at(actual),
                Some(s.clone()),
                &[&s],
            ));
        }
    }
}

/// W204: a level indicator already past its R5 target before R5.
fn past_final_target(ind: &Indicator, cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    let n = cx.year.index();
    let actual = &ind.actuals[n];
    let (t5, base) = (ind.targets[4].value.number(), ind.base.value.number());
    if let (TotalRule::None, Some(a), Some(t5), true) =
        (cx.d.rule.total, actual.value.number(), t5, n < 4)
    {
        let lower_is_better = base.is_some_and(|b| t5 < b);
        if (lower_is_better && a < t5) || (!lower_is_better && a > t5) {
            let (sa, st) = (a.normalize().to_string(), t5.normalize().to_string());
            out.push(Finding::new(
                Code::PastFinalTarget,
                cx.at(actual),
                Some(sa.clone()),
                &[&sa, &st, &cx.year.to_string()],
            ));
        }
    }
}

/// The R5 target and baseline of a `ratio` indicator whose R5 target is below its baseline.
fn lower_is_better_ratio(ind: &Indicator, cx: &Ctx<'_>) -> Option<(Decimal, Decimal)> {
    let (t5, base) = (ind.targets[4].value.number()?, ind.base.value.number()?);
    (cx.d.rule.rate == RateRule::Ratio && t5 < base).then_some((t5, base))
}

/// W208: an inferred `ratio` rule on an indicator whose R5 target is below its baseline (a
/// declared one is a doubt about the rules file: W226, once per run).
fn ratio_on_lower_is_better(ind: &Indicator, cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if cx.d.rule.declared {
        return;
    }
    if let Some((t5, b)) = lower_is_better_ratio(ind, cx) {
        let (st, sb) = (t5.normalize().to_string(), b.normalize().to_string());
        out.push(Finding::new(
            Code::RatioOnLowerIsBetter,
            cx.at(&ind.targets[4]),
            Some(st.clone()),
            &[&st, &sb],
        ));
    }
}

/// W205: 達成 while the 年度目標達成率 is under 100.
fn achieved_below_target(item: &Item, cx: &Ctx<'_>, out: &mut Vec<Finding>) {
    if squash(item.status.as_str()) != "達成" {
        return;
    }
    if let Figure::Number(r) = cx.d.rate_year {
        if r < Decimal::ONE_HUNDRED {
            let s = format_report(r, 1);
            out.push(Finding::new(
                Code::AchievedBelowTarget,
                text_location(&item.status, cx.no, cx.name),
                Some(item.status.as_str().to_string()),
                &[&s],
            ));
        }
    }
}

/// The 29基準 printed twice must agree; the 区分 cells must read 目標 / 実績.
fn check_base_and_kubun(
    ind: &Indicator,
    no: Option<u32>,
    name: Option<&str>,
    out: &mut Vec<Finding>,
) {
    if let (Some(b), Some(again)) = (ind.base.value.number(), ind.base_again.value.number()) {
        if b != again {
            let (sa, sb) = (again.normalize().to_string(), b.normalize().to_string());
            out.push(Finding::new(
                Code::BaseMismatch,
                field_location(&ind.base_again, no, name),
                Some(ind.base_again.found.display()),
                &[&sa, &sb],
            ));
        }
    }
    // "実勢"/"実積" are corrected (and reported) by `correct`.
    let labels = [
        (&ind.target_label, "目標", false),
        (&ind.actual_label, "実績", true),
    ];
    for (label, want, typo_allowed) in labels {
        let s = squash(label.as_str());
        let typo = typo_allowed && vocab::is_actual_typo(&s);
        if !s.is_empty() && s != want && !typo {
            out.push(Finding::new(
                Code::UnknownKubun,
                text_location(label, no, name),
                Some(label.as_str().to_string()),
                &[label.as_str(), want],
            ));
        }
    }
}

fn field_location(f: &Field, item: Option<u32>, indicator: Option<&str>) -> Location {
    f.at.as_ref()
        .map(|a| Location::cell(a, item, indicator))
        .unwrap_or_default()
}

fn text_location(t: &TextField, item: Option<u32>, indicator: Option<&str>) -> Location {
    t.at.as_ref()
        .map(|a| Location::cell(a, item, indicator))
        .unwrap_or_default()
}

fn check_item_no(item: &Item, seen: &mut HashMap<u32, (String, String)>, out: &mut Vec<Finding>) {
    let loc = field_location(&item.no, item.number(), None);
    match item.number() {
        Some(n) => {
            let here = format!(
                "{} {}",
                loc.sheet.clone().unwrap_or_default(),
                loc.a1().unwrap_or_default()
            );
            if let Some((file, first)) = seen.get(&n) {
                // Name the first file too when the duplicate comes from another input.
                let first = if *file == loc.file {
                    first.clone()
                } else {
                    format!("{file} {first}")
                };
                out.push(Finding::new(
                    Code::DuplicateItem,
                    loc,
                    Some(n.to_string()),
                    &[&n.to_string(), &first],
                ));
            } else {
                seen.insert(n, (loc.file.clone(), here));
            }
        }
        None => {
            let loc = if loc.pos.is_some() {
                loc
            } else {
                item.at
                    .as_ref()
                    .map(|a| Location::cell(a, None, None))
                    .unwrap_or_default()
            };
            let found = Some(item.no.found.display()).filter(|s| !s.is_empty());
            out.push(Finding::new(
                Code::MissingItemNo,
                loc,
                found,
                &[item.name.as_str()],
            ));
        }
    }
}

fn check_item_texts(item: &Item, out: &mut Vec<Finding>) {
    let no = item.number();
    let grade = item.grade.as_str().trim();
    if !grade.is_empty() && !vocab::is_grade(grade) {
        out.push(Finding::new(
            Code::UnknownGrade,
            text_location(&item.grade, no, None),
            Some(grade.to_string()),
            &[grade],
        ));
    }
    let results = squash(item.results.as_str());
    if !results.is_empty() && results == squash(item.plan.as_str()) {
        out.push(Finding::new(
            Code::SameResultsAndPlan,
            text_location(&item.plan, no, None),
            None,
            &[],
        ));
    }
    let status = squash(item.status.as_str());
    // A paused item or one merged into another has no next-year work; an achieved one still
    // runs to R5, so its missing plan is reported.
    let settled = status == "休止" || status.contains("統合");
    if item
        .plan
        .text
        .as_deref()
        .is_none_or(|p| p.trim().is_empty())
        && !settled
    {
        let loc = match &item.plan.at {
            Some(a) => Location::cell(a, no, None),
            None => item
                .at
                .as_ref()
                .map(|a| Location::cell(a, no, None))
                .unwrap_or_default(),
        };
        out.push(Finding::new(Code::MissingPlan, loc, None, &[]));
    }
}
