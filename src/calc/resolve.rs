//! Which rule each indicator of an item follows: the declared one matched by identity (item №,
//! then the indicator name exactly, then tolerant of trailing notes (※…), bracket width and
//! spaces, then the one declaration left over), else the default of SPEC §4. Every match that
//! is not exact is a finding: a rule is never swapped silently.

use super::input_decimals;
use crate::finding::{Code, Finding, Location};
use crate::model::{Indicator, Item};
use crate::rules::{Rule, RuleEntry, Rules};
use crate::value::squash;

/// The name compared when the exact name does not match: squashed (NFKC, so （） and () are
/// one), with a trailing note from ※ on removed.
fn loose(name: &str) -> String {
    let s = squash(name);
    match s.find('※') {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// The rule of every indicator of `item` (in order) and the findings about how each was found.
pub fn rules_of_item(rules: &Rules, item: &Item) -> (Vec<Rule>, Vec<Finding>) {
    let inds = &item.indicators;
    let declared = item.number().map(|n| rules.for_item(n)).unwrap_or_default();
    let mut chosen: Vec<Option<(usize, Option<Code>)>> = vec![None; inds.len()];
    let mut used = vec![false; declared.len()];
    // Exact names first, then loose ones, so a loose match never takes an exact one's entry.
    for (exact, code) in [(true, None), (false, Some(Code::RuleNameLoose))] {
        for (k, ind) in inds.iter().enumerate() {
            if chosen[k].is_some() {
                continue;
            }
            let name = ind.name.as_str();
            let hit = declared.iter().enumerate().position(|(e, entry)| {
                !used[e]
                    && if exact {
                        squash(&entry.name) == squash(name)
                    } else {
                        loose(&entry.name) == loose(name)
                    }
            });
            if let Some(e) = hit {
                used[e] = true;
                chosen[k] = Some((e, code));
            }
        }
    }
    let left: Vec<usize> = (0..declared.len()).filter(|e| !used[*e]).collect();
    let unmatched: Vec<usize> = (0..inds.len()).filter(|k| chosen[*k].is_none()).collect();
    if let ([e], [k]) = (left.as_slice(), unmatched.as_slice()) {
        chosen[*k] = Some((*e, Some(Code::RuleNamePaired)));
    }
    let mut findings = Vec::new();
    let rules = inds
        .iter()
        .zip(chosen)
        .map(|(ind, pick)| {
            let (rule, finding) = rule_of(item, ind, &declared, pick);
            findings.extend(finding);
            rule
        })
        .collect();
    (rules, findings)
}

/// The rule of one indicator given its pick (declared entry and how it was matched).
fn rule_of(
    item: &Item,
    ind: &Indicator,
    declared: &[&RuleEntry],
    pick: Option<(usize, Option<Code>)>,
) -> (Rule, Option<Finding>) {
    let no = item.number();
    let name = ind.name.as_str();
    let at = ind
        .name
        .at
        .as_ref()
        .or(ind.effect.at.as_ref())
        .map(|a| Location::cell(a, no, ind.name.text.as_deref()))
        .unwrap_or_default();
    let item_no = no.map(|n| n.to_string()).unwrap_or_default();
    match pick {
        Some((e, how)) => {
            let entry = declared[e];
            let rule = Rule::declared(entry, input_decimals(ind));
            let finding = how.map(|code| {
                let how = rule.to_string();
                let args: Vec<&str> = match code {
                    Code::RuleNameLoose => vec![name, &entry.name, &how],
                    _ => vec![name, &item_no, &entry.name, &how],
                };
                Finding::new(code, at, Some(name.to_string()), &args)
            });
            (rule, finding)
        }
        None => {
            let rule = super::inferred(ind);
            let how = rule.to_string();
            let finding = if declared.is_empty() {
                // Nothing declared for the item: the default is expected, for the record.
                Finding::new(Code::UndeclaredRule, at_effect(ind, no), None, &[&how])
            } else {
                Finding::new(
                    Code::RuleNameUnmatched,
                    at,
                    Some(name.to_string()),
                    &[name, &item_no, &how],
                )
            };
            (rule, Some(finding))
        }
    }
}

/// Where I304 stands: the 実施効果 cell of the indicator (as before this module).
fn at_effect(ind: &Indicator, no: Option<u32>) -> Location {
    ind.effect
        .at
        .as_ref()
        .map(|a| Location::cell(a, no, ind.name.text.as_deref()))
        .unwrap_or_default()
}
