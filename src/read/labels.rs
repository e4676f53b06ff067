//! Header labels: what each label text means (its [`Kind`]), and the year a label names.

use super::headers::MAX_LABEL_BYTES;
use crate::layout::Layout;
use crate::model::Year;
use crate::value::squash;

/// What a header label means: the column it names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Kind {
    No,
    Name,
    Actions,
    Indicator,
    Unit,
    Kubun,
    Base,
    Total,
    Effect,
    RateYear,
    RateTotal,
    Status,
    Grade,
    Results,
    Plan,
    /// A group label over several columns (実施項目, 成果指標): layout furniture.
    Group,
}

impl Kind {
    /// The label as the office prints it, for messages.
    pub(super) fn label(self) -> &'static str {
        match self {
            Kind::No => "№",
            Kind::Name => "実施計画",
            Kind::Actions => "行動計画",
            Kind::Indicator => "項目",
            Kind::Unit => "単位",
            Kind::Kubun => "区分",
            Kind::Base => "29基準",
            Kind::Total => "合計",
            Kind::Effect => "実施効果",
            Kind::RateYear => "年度目標達成率",
            Kind::RateTotal => "合計目標達成率",
            Kind::Status => "達成状況",
            Kind::Grade => "評価",
            Kind::Results => "年度実績",
            Kind::Plan => "年度計画",
            Kind::Group => "見出し",
        }
    }
}

/// A year as a header writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum YearLabel {
    /// A year of the plan, R1..R5.
    Plan(Year),
    /// A year outside the plan: an earlier 平成 year, a 西暦 year, R6 or later.
    Outside,
}

/// Reads a year label in any form SPEC §2 lists: R1, Ｒ１, R元, 令和元年度, 令和５年度, R1年度;
/// H31 / 平成31年度 are R1. `s` is already squashed.
pub(super) fn year_label(s: &str) -> Option<YearLabel> {
    let s = s
        .strip_suffix("年度")
        .or_else(|| s.strip_suffix('年'))
        .unwrap_or(s);
    let number = |rest: &str| -> Option<u32> {
        match rest {
            "元" => Some(1),
            _ if !rest.is_empty()
                && rest.len() <= 4
                && rest.bytes().all(|b| b.is_ascii_digit()) =>
            {
                rest.parse().ok()
            }
            _ => None,
        }
    };
    if let Some(rest) = ["令和", "R", "r"].iter().find_map(|p| s.strip_prefix(p)) {
        let n = number(rest)?;
        return Some(match u8::try_from(n).ok().and_then(Year::new) {
            Some(y) => YearLabel::Plan(y),
            None => YearLabel::Outside,
        });
    }
    if let Some(rest) = ["平成", "H", "h"].iter().find_map(|p| s.strip_prefix(p)) {
        let n = number(rest)?;
        return Some(if n == 31 {
            YearLabel::Plan(Year::ALL[0])
        } else {
            YearLabel::Outside
        });
    }
    (s.len() == 4 && (1900..=2100).contains(&number(s)?)).then_some(YearLabel::Outside)
}

/// What one header cell says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Label {
    /// A known column label (with the year its hint or prefix names, for 年度実績/年度計画);
    /// `exact` when it matched a label exactly (after the hint was stripped), not by prefix.
    Known {
        kind: Kind,
        year: Option<YearLabel>,
        exact: bool,
    },
    /// A year column (R1 … R5).
    Year(Year),
    /// A year outside the plan.
    OutsideYear,
    /// Matches two labels equally.
    Ambiguous(Kind, Kind),
    /// Not a label.
    Unknown,
}

/// The known labels of a layout, normalised once: (label, its column).
pub(super) struct Labels {
    pub(super) table: Vec<(String, Kind)>,
    pub(super) target_row: Vec<String>,
    pub(super) actual_row: Vec<String>,
}

/// Squashed (NFKC, no spaces or line breaks) and ASCII upper-cased, for matching labels.
pub(super) fn norm(s: &str) -> String {
    squash(s).to_ascii_uppercase()
}

impl Labels {
    pub(super) fn new(layout: &Layout) -> Labels {
        let l = &layout.labels;
        let h = &layout.header;
        let mut table = Vec::new();
        let mut add = |variants: &[String], kind: Kind| {
            for v in variants {
                let n = norm(v);
                if !n.is_empty() && !table.iter().any(|(t, k)| *t == n && *k == kind) {
                    table.push((n, kind));
                }
            }
        };
        add(&l.no, Kind::No);
        add(&l.name, Kind::Name);
        add(&l.actions, Kind::Actions);
        add(&l.indicator, Kind::Indicator);
        add(&l.unit, Kind::Unit);
        add(&l.kubun, Kind::Kubun);
        add(&l.base, Kind::Base);
        add(&l.total, Kind::Total);
        add(&l.effect, Kind::Effect);
        add(&l.rate_year, Kind::RateYear);
        add(&l.rate_total, Kind::RateTotal);
        add(&l.status, Kind::Status);
        add(&l.grade, Kind::Grade);
        add(&l.results, Kind::Results);
        add(&l.plan, Kind::Plan);
        add(
            &[h.item_group.clone(), h.indicator_group.clone()],
            Kind::Group,
        );
        Labels {
            table,
            target_row: l.target_row.clone(),
            actual_row: l.actual_row.clone(),
        }
    }

    /// Reads one header cell: normalised, a trailing hint in parentheses stripped
    /// (「評価(A～C)」 → 評価; 「年度実績(R1年度)」 → 年度実績 of R1), then a known label matched
    /// exactly, else by prefix (the longest wins; two of equal length are ambiguous).
    pub(super) fn classify(&self, text: &str) -> Label {
        if text.len() > MAX_LABEL_BYTES {
            return Label::Unknown;
        }
        let s = norm(text);
        if s.is_empty() {
            return Label::Unknown;
        }
        let (base, hint) = match (s.strip_suffix(')'), s.rfind('(')) {
            (Some(inner), Some(open)) if open > 0 => (&s[..open], Some(&inner[open + 1..])),
            _ => (s.as_str(), None),
        };
        let hint_year = hint.and_then(year_label);
        // The two text columns end with their word; the report year may stand before it.
        for (label, kind) in &self.table {
            if !matches!(kind, Kind::Results | Kind::Plan) {
                continue;
            }
            if let Some(prefix) = base.strip_suffix(label.as_str()) {
                let prefix = prefix.trim_end_matches(['・', '/', '-']);
                if prefix.is_empty() {
                    return Label::Known {
                        kind: *kind,
                        year: hint_year,
                        exact: true,
                    };
                }
                if let Some(y) = year_label(prefix) {
                    return Label::Known {
                        kind: *kind,
                        year: Some(y),
                        exact: true,
                    };
                }
            }
        }
        let mut exact = self.table.iter().filter(|(l, _)| l == base);
        if let Some((_, kind)) = exact.next() {
            if let Some((_, other)) = exact.find(|(_, k)| k != kind) {
                return Label::Ambiguous(*kind, *other);
            }
            return Label::Known {
                kind: *kind,
                year: hint_year,
                exact: true,
            };
        }
        match year_label(base) {
            Some(YearLabel::Plan(y)) => return Label::Year(y),
            Some(YearLabel::Outside) => return Label::OutsideYear,
            None => {}
        }
        let mut best: Option<(&str, Kind)> = None;
        let mut tie: Option<Kind> = None;
        for (label, kind) in &self.table {
            if !base.starts_with(label.as_str()) {
                continue;
            }
            match best {
                Some((b, k)) if b.len() == label.len() && k != *kind => tie = Some(*kind),
                Some((b, _)) if b.len() >= label.len() => {}
                _ => {
                    best = Some((label, *kind));
                    tie = None;
                }
            }
        }
        match (best, tie) {
            (Some((_, k)), Some(t)) => Label::Ambiguous(k, t),
            (Some((_, kind)), None) => Label::Known {
                kind,
                year: hint_year,
                exact: false,
            },
            (None, _) => Label::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Layout;

    fn labels() -> Labels {
        Labels::new(&Layout::builtin())
    }

    fn kind(text: &str) -> Option<Kind> {
        match labels().classify(text) {
            Label::Known { kind, .. } => Some(kind),
            _ => None,
        }
    }

    #[test]
    fn labels_are_read_by_meaning() {
        assert_eq!(kind("評価(A～C)"), Some(Kind::Grade));
        assert_eq!(kind("達成状況（達成・未達成）"), Some(Kind::Status));
        assert_eq!(kind("合計目標\n達成率"), Some(Kind::RateTotal));
        assert_eq!(kind("合計"), Some(Kind::Total));
        assert_eq!(kind("実施効果額"), Some(Kind::Effect));
        assert_eq!(kind("Ｎｏ．"), Some(Kind::No));
        assert_eq!(kind("単位"), Some(Kind::Unit));
        assert_eq!(
            labels().classify("年度実績(R1年度)"),
            Label::Known {
                kind: Kind::Results,
                year: Some(YearLabel::Plan(Year::ALL[0])),
                exact: true
            }
        );
        assert_eq!(
            labels().classify("令和元年度\n年度実績"),
            Label::Known {
                kind: Kind::Results,
                year: Some(YearLabel::Plan(Year::ALL[0])),
                exact: true
            }
        );
        assert_eq!(kind("備考"), None);
    }

    #[test]
    fn years_in_every_form() {
        let y = |s: &str| year_label(&norm(s));
        for s in [
            "R1",
            "Ｒ１",
            "R元",
            "令和元年度",
            "H31",
            "平成31年度",
            "R1年度",
        ] {
            assert_eq!(y(s), Some(YearLabel::Plan(Year::ALL[0])), "{s}");
        }
        assert_eq!(y("令和５年度"), Some(YearLabel::Plan(Year::ALL[4])));
        for s in ["H30", "平成29年度", "2019", "2019年度", "R6"] {
            assert_eq!(y(s), Some(YearLabel::Outside), "{s}");
        }
        assert_eq!(y("29基準"), None);
        assert_eq!(y("合計"), None);
    }
}
