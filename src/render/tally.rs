//! The 集計 of the review workbook (the figures of the cover memo, 資料1): per 大分類, per
//! 小分類 and in total, the items, Ａ/Ｂ/Ｃ and 未評価, 達成/休止/other, and the 財政効果額: the
//! sum of 実施効果 over the indicators whose unit is money (千円 as is, 円 ÷ 1000), with how many
//! were summed. Other units are not summed.

use crate::model::{Figure, Item, Report};
use crate::value::squash;
use crate::vocab;
use rust_decimal::Decimal;

/// One row of the 集計.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TallyRow {
    /// 0 for the total, 1 for a 大分類, 2 for a 小分類.
    pub level: u8,
    /// The 大分類 or 小分類 heading (「合計」 for the total).
    pub label: String,
    /// Items.
    pub items: usize,
    /// Graded Ａ, Ｂ, Ｃ.
    pub grades: [usize; 3],
    /// Without a grade (blank or not Ａ/Ｂ/Ｃ).
    pub ungraded: usize,
    /// 達成状況 達成.
    pub achieved: usize,
    /// 達成状況 休止.
    pub paused: usize,
    /// Any other 達成状況 (未達成, 統合, blank …).
    pub other: usize,
    /// Σ 実施効果 of the money indicators, in 千円.
    pub money: Decimal,
    /// How many indicators were summed into `money`.
    pub money_count: usize,
}

impl TallyRow {
    fn add(&mut self, item: &Item) {
        self.items += 1;
        let grade = item.grade.as_str().trim();
        let full = vocab::full_width_grade(grade).unwrap_or(grade);
        match vocab::GRADES.iter().position(|g| *g == full) {
            Some(i) => self.grades[i] += 1,
            None => self.ungraded += 1,
        }
        match squash(item.status.as_str()).as_str() {
            "達成" => self.achieved += 1,
            "休止" => self.paused += 1,
            _ => self.other += 1,
        }
        for ind in &item.indicators {
            let (Some(d), Some(scale)) = (ind.recalculated, money_scale(ind.name.as_str())) else {
                continue;
            };
            if let Figure::Number(effect) = d.effect {
                self.money += effect / scale;
                self.money_count += 1;
            }
        }
    }

    fn absorb(&mut self, other: &TallyRow) {
        self.items += other.items;
        for i in 0..3 {
            self.grades[i] += other.grades[i];
        }
        self.ungraded += other.ungraded;
        self.achieved += other.achieved;
        self.paused += other.paused;
        self.other += other.other;
        self.money += other.money;
        self.money_count += other.money_count;
    }
}

/// The divisor to 千円 of an indicator whose unit (a bracketed part of its name) is money:
/// （千円） → 1, （円） → 1000; None for other units (億円, 件, % …).
pub fn money_scale(name: &str) -> Option<Decimal> {
    // NFKC has made every bracket half-width.
    squash(name)
        .split('(')
        .skip(1)
        .find_map(|part| match part.split(')').next() {
            Some("千円") => Some(Decimal::ONE),
            Some("円") => Some(Decimal::ONE_THOUSAND),
            _ => None,
        })
}

/// The 集計 rows: each 大分類 followed by its 小分類, then the total.
pub fn tally(report: &Report) -> Vec<TallyRow> {
    let mut rows = Vec::new();
    let mut total = TallyRow {
        level: 0,
        label: "合計".into(),
        ..TallyRow::default()
    };
    for sheet in &report.sheets {
        let label = sheet
            .heading
            .text
            .clone()
            .unwrap_or_else(|| sheet.name.clone());
        let mut major = TallyRow {
            level: 1,
            label: label.replace('\n', " "),
            ..TallyRow::default()
        };
        let mut minors = Vec::new();
        for section in &sheet.sections {
            let mut minor = TallyRow {
                level: 2,
                label: section.heading.as_str().replace('\n', " "),
                ..TallyRow::default()
            };
            section.items.iter().for_each(|i| minor.add(i));
            major.absorb(&minor);
            minors.push(minor);
        }
        total.absorb(&major);
        rows.push(major);
        rows.extend(minors);
    }
    rows.push(total);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_yen_units_are_money() {
        assert_eq!(money_scale("繰出金の削減額(千円)"), Some(Decimal::ONE));
        assert_eq!(
            money_scale("ふるさと美祢応援寄附金額（千円）"),
            Some(Decimal::ONE)
        );
        assert_eq!(money_scale("削減額（円）"), Some(Decimal::ONE_THOUSAND));
        assert_eq!(money_scale("純売上高（億円）"), None);
        assert_eq!(money_scale("職員数（人）"), None);
        assert_eq!(
            money_scale("団体等補助金の削減額（千円）（収支見通しとの比較）"),
            Some(Decimal::ONE)
        );
    }
}
