//! Plan drift: what a department was sent + the merged inputs + the report year → a finding for
//! every plan cell the department changed: 29基準, yearly and 合計 targets and the actuals of
//! earlier years (errors), item and indicator names and 行動計画 (warnings), items or rows added.
//! What was sent comes from the reference each input carries (its 配布時の計画 sheet, written by
//! `template --from`) and from `--plan` (the plan workbook or last cycle's report); where both
//! exist and disagree about a cell, that cell is one finding naming both values. Nothing is
//! corrected: the report keeps what the department returned, the clerk decides.

use crate::finding::{Code, Finding, Location};
use crate::model::{Action, CellRef, Field, Indicator, Item, Report, TextField, Year};
use crate::reference::Reference;
use crate::value::{squash, Value};
use std::collections::{HashMap, HashSet};

/// How messages name the reference a workbook carries.
pub const SENT: &str = "配布したブック";

/// One reference: where the message says it comes from, the actuals it holds (those of the
/// years before this index) and its items by №.
struct Source<'a> {
    name: String,
    earlier: usize,
    items: HashMap<u32, &'a Item>,
}

impl<'a> Source<'a> {
    /// False for an actual of a year this reference did not record (a workbook made for an
    /// earlier year than the report's).
    fn holds(&self, d: &Diff) -> bool {
        let year = d
            .field
            .strip_prefix('R')
            .and_then(|f| f.strip_suffix("実績"));
        year.and_then(|y| y.parse::<usize>().ok())
            .is_none_or(|y| y <= self.earlier)
    }

    fn new(name: String, earlier: usize, report: &'a Report) -> Self {
        let items = report
            .items()
            .filter_map(|(_, item)| Some((item.number()?, item)))
            .collect();
        Source {
            name,
            earlier,
            items,
        }
    }
}

/// Every difference between what was sent and the inputs in plan cells, for report year
/// `year`: against `plan` (`--plan`: the report and its file) and against the reference each
/// input file carries (`embedded`: file as given, reference).
pub fn compare(
    plan: Option<(&Report, &str)>,
    embedded: &[(String, Reference)],
    merged: &Report,
    year: Year,
) -> Vec<Finding> {
    let plan = plan.map(|(r, file)| Source::new(file_name(file), year.index(), r));
    let sent: Vec<(&str, Source)> = embedded
        .iter()
        .map(|(file, r)| {
            let earlier = r.year.map_or(year, |y| y.min(year)).index();
            (
                file.as_str(),
                Source::new(SENT.to_string(), earlier, &r.report),
            )
        })
        .collect();
    let mut out = Vec::new();
    for (_, item) in merged.items() {
        let Some(n) = item.number() else {
            continue;
        };
        let file = item.no.at.as_ref().or(item.at.as_ref()).map(|c| &*c.file);
        let carried = sent.iter().find(|(f, _)| Some(*f) == file).map(|(_, s)| s);
        let a = carried.map(|s| (s, diffs(s, n, item)));
        let b = plan.as_ref().map(|s| (s, diffs(s, n, item)));
        match (a, b) {
            (None, None) => {}
            (Some((s, a)), None) | (None, Some((s, a))) => {
                out.extend(a.iter().map(|d| d.finding(&s.name)));
            }
            (Some(a), Some(b)) => combine(n, a, b, &mut out),
        }
    }
    out.extend(removed(plan.as_ref(), &sent, merged));
    out
}

/// W256 for each item a workbook was sent with that no input holds (once per №; an item of
/// `--plan` is W215's).
fn removed(
    plan: Option<&Source<'_>>,
    sent: &[(&str, Source<'_>)],
    merged: &Report,
) -> Vec<Finding> {
    let mut seen: HashSet<u32> = merged.items().filter_map(|(_, i)| i.number()).collect();
    seen.extend(plan.iter().flat_map(|p| p.items.keys()));
    let mut out = Vec::new();
    for (file, source) in sent {
        let mut numbers: Vec<&u32> = source.items.keys().collect();
        numbers.sort();
        for n in numbers {
            if seen.insert(*n) {
                let at = Location {
                    file: file.to_string(),
                    item: Some(*n),
                    ..Location::default()
                };
                let name = source.items[n].name.as_str();
                let args = [n.to_string(), name.to_string()];
                out.push(Finding::new(
                    Code::SentItemMissing,
                    at,
                    None,
                    &[&args[0], &args[1]],
                ));
            }
        }
    }
    out
}

/// The differences of `back` from the item № `n` of `source`, or that `source` lacks it.
fn diffs(source: &Source<'_>, n: u32, back: &Item) -> Vec<Diff> {
    let mut out = Vec::new();
    match source.items.get(&n) {
        Some(sent) => Drift {
            no: n,
            earlier: source.earlier,
        }
        .item(sent, back, &mut out),
        None => {
            let at = back.no.at.as_ref().or(back.at.as_ref());
            let at = at.map(|a| Location::cell(a, Some(n), None));
            out.push(Diff {
                kind: Kind::Added,
                field: "項目№".to_string(),
                indicator: None,
                at: at.unwrap_or_default(),
                found: None,
                sent: String::new(),
                back: n.to_string(),
                key: String::new(),
            });
        }
    }
    out
}

/// Both references for one item: a cell where they agree and the department changed it is one
/// finding (against what the workbook carries); a cell where they disagree is one finding
/// naming both values and the one returned.
fn combine(
    n: u32,
    (e, a): (&Source<'_>, Vec<Diff>),
    (p, b): (&Source<'_>, Vec<Diff>),
    out: &mut Vec<Finding>,
) {
    let (has_e, has_p) = (e.items.contains_key(&n), p.items.contains_key(&n));
    for d in &a {
        match b.iter().find(|x| x.same_place(d)) {
            Some(x) if x.sent_key() == d.sent_key() => out.push(d.finding(&e.name)),
            Some(x) => out.push(d.disagree(&p.name, &x.sent, &d.sent)),
            None if has_p && d.kind != Kind::Added && !cut(&b, d) => {
                out.push(d.disagree(&p.name, &d.back, &d.sent));
            }
            None => out.push(d.finding(&e.name)),
        }
    }
    for x in b.iter().filter(|x| !a.iter().any(|d| d.same_place(x))) {
        if has_e && !cut(&a, x) && e.holds(x) {
            out.push(x.disagree(&p.name, &x.sent, &x.back));
        } else {
            out.push(x.finding(&p.name));
        }
    }
}

/// True if `diffs` did not compare the cells of `d`'s part: its rows (行動計画, 成果指標) were
/// added or removed there.
fn cut(diffs: &[Diff], d: &Diff) -> bool {
    let part = d.part();
    diffs
        .iter()
        .any(|x| x.kind == Kind::Rows && Some(x.field.as_str()) == part)
}

/// The plan file's name without its folder, for messages.
fn file_name(file: &str) -> String {
    std::path::Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned())
}

/// What kind of plan cell differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// A number of the plan or an earlier actual (an error).
    Number,
    /// A text of the plan (a warning).
    Text,
    /// Rows added or removed: the values are counts.
    Rows,
    /// An item the reference lacks.
    Added,
}

/// One difference between a reference and the returned item: the field, the indicator's
/// position (None outside indicators), the returned cell, and both values as shown.
#[derive(Clone, Debug)]
struct Diff {
    kind: Kind,
    field: String,
    indicator: Option<usize>,
    at: Location,
    found: Option<String>,
    sent: String,
    back: String,
    /// The value sent as compared: a number's plain decimal, a text squashed ("" when absent).
    key: String,
}

impl Diff {
    fn same_place(&self, other: &Diff) -> bool {
        (self.kind == Kind::Rows) == (other.kind == Kind::Rows)
            && self.field == other.field
            && self.indicator == other.indicator
    }

    /// The value sent, for comparing two references (width and spaces ignored).
    fn sent_key(&self) -> &str {
        &self.key
    }

    /// The rows this cell belongs to (行動計画 or 成果指標), if any.
    fn part(&self) -> Option<&str> {
        if self.kind == Kind::Rows {
            Some(&self.field)
        } else if self.indicator.is_some() {
            Some("成果指標")
        } else if self.field.starts_with("行動計画") {
            Some("行動計画")
        } else {
            None
        }
    }

    /// The finding against one reference named `source`.
    fn finding(&self, source: &str) -> Finding {
        let (code, args) = match self.kind {
            Kind::Number => (Code::PlanValueChanged, self.args(source)),
            Kind::Text => (Code::PlanTextChanged, self.args(source)),
            Kind::Rows => (Code::PlanRowsChanged, self.args(source)),
            Kind::Added => (Code::PlanItemAdded, vec![self.back.clone(), source.into()]),
        };
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        Finding::new(code, self.at.clone(), self.found.clone(), &args)
    }

    fn args(&self, source: &str) -> Vec<String> {
        let s = [&self.field, source, &self.sent, &self.back];
        s.map(str::to_string).into()
    }

    /// The finding that the plan (`plan`, holding `planned`) and the workbook's reference
    /// (holding `carried`) disagree about this cell, which came back as `self.back`.
    fn disagree(&self, plan: &str, planned: &str, carried: &str) -> Finding {
        let code = match self.kind {
            Kind::Number => Code::PlanSourcesDisagree,
            Kind::Text => Code::PlanTextsDisagree,
            Kind::Rows => Code::PlanRowCountsDisagree,
            Kind::Added => {
                let n = self.back.as_str();
                return Finding::new(Code::PlanLacksSentItem, self.at.clone(), None, &[n, plan]);
            }
        };
        let args = [self.field.as_str(), plan, planned, carried, &self.back];
        Finding::new(code, self.at.clone(), self.found.clone(), &args)
    }
}

/// One item's comparison: its № and how many years of actuals were sent.
struct Drift {
    no: u32,
    earlier: usize,
}

impl Drift {
    fn item(&self, sent: &Item, back: &Item, out: &mut Vec<Diff>) {
        self.text("実施計画", (&sent.name, &back.name), None, out);
        self.actions(&sent.actions, back, out);
        if sent.indicators.len() != back.indicators.len() {
            let at = back.at.as_ref().or(back.no.at.as_ref());
            let (s, b) = (sent.indicators.len(), back.indicators.len());
            self.rows("成果指標", (s, b), at, out);
            return;
        }
        for (k, (s, b)) in sent.indicators.iter().zip(&back.indicators).enumerate() {
            self.indicator(k, s, b, out);
        }
    }

    fn actions(&self, sent: &[Action], back: &Item, out: &mut Vec<Diff>) {
        let mine = &back.actions;
        // Blank trailing rows are not actions (a block taller than its actions).
        let count = |a: &[Action]| {
            a.iter()
                .rposition(|x| !x.text.as_str().trim().is_empty())
                .map_or(0, |i| i + 1)
        };
        if count(sent) != count(mine) {
            let at = mine.first().and_then(|a| a.text.at.as_ref());
            self.rows("行動計画", (count(sent), count(mine)), at, out);
            return;
        }
        for (i, (s, b)) in sent.iter().zip(mine).enumerate() {
            let label = format!("行動計画{}", i + 1);
            self.text(&label, (&s.text, &b.text), None, out);
            for (y, (sm, bm)) in s.marks.iter().zip(&b.marks).enumerate() {
                self.text(&format!("{label} R{}", y + 1), (sm, bm), None, out);
            }
        }
    }

    fn indicator(&self, k: usize, sent: &Indicator, back: &Indicator, out: &mut Vec<Diff>) {
        let name = back.name.text.as_deref().or(sent.name.text.as_deref());
        let ind = Some((k, name));
        self.text("項目", (&sent.name, &back.name), ind, out);
        self.number("29基準", (&sent.base, &back.base), ind, out);
        for (y, (s, b)) in sent.targets.iter().zip(&back.targets).enumerate() {
            self.number(&format!("R{}目標", y + 1), (s, b), ind, out);
        }
        let totals = (&sent.target_total, &back.target_total);
        self.number("合計目標", totals, ind, out);
        // Actuals of the years before the report year were published already.
        for (y, (s, b)) in sent.actuals.iter().zip(&back.actuals).enumerate() {
            if y < self.earlier {
                self.number(&format!("R{}実績", y + 1), (s, b), ind, out);
            }
        }
    }

    /// A number cell of the plan: any change is an error.
    fn number(
        &self,
        field: &str,
        (sent, back): (&Field, &Field),
        ind: Option<(usize, Option<&str>)>,
        out: &mut Vec<Diff>,
    ) {
        let same = match (&sent.value, &back.value) {
            (Value::Number(a), Value::Number(b)) => a == b,
            (a, b) if a.is_absent() && b.is_absent() => true,
            (Value::Text(a), Value::Text(b)) => squash(a) == squash(b),
            _ => false,
        };
        if same {
            return;
        }
        out.push(Diff {
            kind: Kind::Number,
            field: field.to_string(),
            indicator: ind.map(|(k, _)| k),
            at: self.at(back.at.as_ref().or(sent.at.as_ref()), ind),
            found: Some(back.found.display()).filter(|s| !s.is_empty()),
            sent: shown(&sent.found.display()),
            back: shown(&back.found.display()),
            key: match &sent.value {
                Value::Number(d) => d.normalize().to_string(),
                Value::Text(s) => squash(s),
                Value::Blank | Value::NotApplicable => String::new(),
            },
        });
    }

    /// A text of the plan: a change (beyond width and spaces) is a warning.
    fn text(
        &self,
        field: &str,
        (sent, back): (&TextField, &TextField),
        ind: Option<(usize, Option<&str>)>,
        out: &mut Vec<Diff>,
    ) {
        if squash(sent.as_str()) == squash(back.as_str()) {
            return;
        }
        out.push(Diff {
            kind: Kind::Text,
            field: field.to_string(),
            indicator: ind.map(|(k, _)| k),
            at: self.at(back.at.as_ref().or(sent.at.as_ref()), ind),
            found: back.text.clone(),
            sent: shown(sent.as_str()),
            back: shown(back.as_str()),
            key: squash(sent.as_str()),
        });
    }

    /// Rows added or removed (行動計画, 成果指標): one warning with both counts.
    fn rows(
        &self,
        what: &str,
        (sent, back): (usize, usize),
        at: Option<&CellRef>,
        out: &mut Vec<Diff>,
    ) {
        out.push(Diff {
            kind: Kind::Rows,
            field: what.to_string(),
            indicator: None,
            at: self.at(at, None),
            found: None,
            sent: sent.to_string(),
            back: back.to_string(),
            key: sent.to_string(),
        });
    }

    fn at(&self, at: Option<&CellRef>, ind: Option<(usize, Option<&str>)>) -> Location {
        let name = ind.and_then(|(_, n)| n);
        at.map(|a| Location::cell(a, Some(self.no), name))
            .unwrap_or_default()
    }
}

/// A value for a message: （空欄） when blank, line breaks as spaces.
fn shown(s: &str) -> String {
    if s.trim().is_empty() {
        "（空欄）".to_string()
    } else {
        s.replace('\n', " ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_holds_only_the_actuals_it_recorded() {
        let report = Report::default();
        let r2 = Source::new(SENT.to_string(), 1, &report);
        let diff = |field: &str| Diff {
            kind: Kind::Number,
            field: field.to_string(),
            indicator: Some(0),
            at: Location::default(),
            found: None,
            sent: String::new(),
            back: String::new(),
            key: String::new(),
        };
        assert!(r2.holds(&diff("R1実績")));
        assert!(!r2.holds(&diff("R2実績")));
        assert!(r2.holds(&diff("R5目標")));
        assert!(r2.holds(&diff("29基準")));
    }
}
