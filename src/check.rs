//! Checks: [`Report`] + [`Calculation`] → findings about the entries (SPEC §5). Corrections
//! (and their findings) are made by [`crate::changelog::correct`]; this stage only reports.

use crate::calc::{target_sum, Calculation, Figure};
use crate::finding::{Code, Finding, Location};
use crate::model::{Field, Indicator, Item, Report, TextField, Value, Year};
use crate::rules::{RateRule, TotalRule};
use crate::value::{format_report, squash};
use std::collections::HashMap;

/// Runs every check over the report for `year`.
pub fn check(report: &Report, calc: &Calculation, year: Year) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen: HashMap<u32, (String, String)> = HashMap::new();
    for (si, sheet) in report.sheets.iter().enumerate() {
        for (ci, section) in sheet.sections.iter().enumerate() {
            for (ii, item) in section.items.iter().enumerate() {
                check_item_no(item, &mut seen, &mut out);
                check_item_texts(item, &mut out);
                let no = item.number();
                for (ki, ind) in item.indicators.iter().enumerate() {
                    let name = ind.name.text.as_deref();
                    let Some(d) = calc.get((si, ci, ii, ki)) else {
                        continue;
                    };
                    let loc = |f: &Field| field_location(f, no, name);
                    let n = year.index();
                    // Text where a number belongs.
                    for (f, is_actual) in std::iter::once((&ind.base, false))
                        .chain(ind.targets.iter().map(|f| (f, false)))
                        .chain(std::iter::once((&ind.target_total, false)))
                        .chain(ind.actuals.iter().map(|f| (f, true)))
                    {
                        if let Value::Text(t) = &f.value {
                            let code = if is_actual {
                                Code::TextInActual
                            } else {
                                Code::TextInNumberCell
                            };
                            out.push(Finding::new(code, loc(f), Some(t.clone()), &[t]));
                        }
                    }
                    // A target for the report year (or an earlier one) but no actual.
                    for (y, when) in Year::ALL.iter().enumerate().take(n + 1) {
                        let a = &ind.actuals[y];
                        if ind.targets[y].value.number().is_some() && a.value == Value::Blank {
                            out.push(Finding::new(
                                Code::MissingActual,
                                loc(a),
                                None,
                                &[&when.to_string()],
                            ));
                        }
                    }
                    // An actual for a year after the report year.
                    for (y, when) in Year::ALL.iter().enumerate().skip(n + 1) {
                        let a = &ind.actuals[y];
                        if let Value::Number(d) = a.value {
                            let shown = d.normalize().to_string();
                            out.push(Finding::new(
                                Code::FutureActual,
                                loc(a),
                                Some(a.found.display()),
                                &[&when.to_string(), &year.to_string(), &shown],
                            ));
                        }
                    }
                    check_base_and_kubun(ind, no, name, &mut out);
                    let actual = &ind.actuals[n];
                    if let (TotalRule::Given, Some(sum), Some(total)) = (
                        d.rule.total,
                        target_sum(ind),
                        ind.target_total.value.number(),
                    ) {
                        if sum != total {
                            let (t, s) = (
                                format_report(total, d.rule.decimals),
                                format_report(sum, d.rule.decimals),
                            );
                            out.push(Finding::new(
                                Code::TotalNotSum,
                                loc(&ind.target_total),
                                Some(t.clone()),
                                &[&t, &s],
                            ));
                        }
                    }
                    let a = actual.value.number();
                    if let (true, Some(a)) = (d.rule.percent, a) {
                        if a > rust_decimal::Decimal::ONE_HUNDRED {
                            let s = a.normalize().to_string();
                            out.push(Finding::new(
                                Code::PercentOver100,
                                loc(actual),
                                Some(s.clone()),
                                &[&s],
                            ));
                        }
                    }
                    let (t5, base) = (ind.targets[4].value.number(), ind.base.value.number());
                    if let (TotalRule::None, Some(a), Some(t5), true) = (d.rule.total, a, t5, n < 4)
                    {
                        let lower_is_better = base.is_some_and(|b| t5 < b);
                        if (lower_is_better && a < t5) || (!lower_is_better && a > t5) {
                            let (sa, st) = (a.normalize().to_string(), t5.normalize().to_string());
                            out.push(Finding::new(
                                Code::PastFinalTarget,
                                loc(actual),
                                Some(sa.clone()),
                                &[&sa, &st, &year.to_string()],
                            ));
                        }
                    }
                    if let (RateRule::Ratio, Some(t5), Some(b)) = (d.rule.rate, t5, base) {
                        if t5 < b {
                            let (st, sb) = (t5.normalize().to_string(), b.normalize().to_string());
                            out.push(Finding::new(
                                Code::RatioOnLowerIsBetter,
                                loc(&ind.targets[4]),
                                Some(st.clone()),
                                &[&st, &sb],
                            ));
                        }
                    }
                    if !d.rule.declared {
                        let how = format!(
                            "{}・{}・{}・小数{}桁{}",
                            match d.rule.rate {
                                RateRule::Ratio => "達成率は実績÷目標（ratio）",
                                RateRule::Improve => "達成率は基準からの改善幅（improve）",
                            },
                            match d.rule.total {
                                TotalRule::Given => "合計は入力値（given）",
                                TotalRule::None => "合計なし（none）",
                            },
                            match d.rule.actual {
                                crate::rules::ActualRule::Annual => "実績は年度ごと（annual）",
                                crate::rules::ActualRule::Cumulative => "実績は累計（cumulative）",
                            },
                            d.rule.decimals,
                            if d.rule.percent {
                                "・割合（percent）"
                            } else {
                                ""
                            }
                        );
                        out.push(Finding::new(
                            Code::UndeclaredRule,
                            field_location(&ind.effect, no, name),
                            None,
                            &[&how],
                        ));
                    }
                    if squash(item.status.as_str()) == "達成" {
                        if let Figure::Number(r) = d.rate_year {
                            if r < rust_decimal::Decimal::ONE_HUNDRED {
                                let s = format_report(r, 1);
                                out.push(Finding::new(
                                    Code::AchievedBelowTarget,
                                    text_location(&item.status, no, name),
                                    Some(item.status.as_str().to_string()),
                                    &[&s],
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    out
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
    // "実勢"/"実積" are corrected (and reported) by the change log.
    let labels = [
        (&ind.target_label, "目標", &["目標"][..]),
        (&ind.actual_label, "実績", &["実績", "実勢", "実積"][..]),
    ];
    for (label, want, accepted) in labels {
        let s = squash(label.as_str());
        if !s.is_empty() && !accepted.contains(&s.as_str()) {
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
    if !grade.is_empty() && !matches!(grade, "Ａ" | "Ｂ" | "Ｃ" | "A" | "B" | "C") {
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
