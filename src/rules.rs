//! Calculation rules per indicator (`templates/rules.toml`, SPEC §4): which rate formula,
//! whether 合計 is given, how actuals accumulate, decimals and percent.

use crate::error::{Error, Result};
use crate::value::squash;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

/// The rules file shipped for the sample.
pub const DEFAULT_RULES: &str = include_str!("../templates/rules.toml");

/// 年度目標達成率 formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RateRule {
    /// A_n / T_n × 100.
    Ratio,
    /// (B − A_n) / (B − T_n) × 100: lower is better, measured from the baseline.
    Improve,
}

/// Whether the indicator has a 合計 target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TotalRule {
    /// TΣ is an input.
    Given,
    /// A level indicator: 合計 and 合計目標達成率 stay blank.
    None,
}

/// How the actual to date is formed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActualRule {
    /// Σ A_R1..A_n.
    Annual,
    /// A_n is already a running total.
    Cumulative,
}

/// The rule in force for one indicator: declared in the rules file, or inferred (SPEC §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Rate formula.
    pub rate: RateRule,
    /// Total rule.
    pub total: TotalRule,
    /// Actual rule.
    pub actual: ActualRule,
    /// Decimals of the indicator's figures.
    pub decimals: u32,
    /// The value is a percentage.
    pub percent: bool,
    /// True when the rules file declares it; false when inferred.
    pub declared: bool,
}

impl Rule {
    /// The default of SPEC §4 for an undeclared indicator: `ratio`, `given` when it has a 合計
    /// target (`has_total`) else `none`, `annual`, the decimals of its inputs, `percent` when
    /// its unit is %.
    pub fn inferred(has_total: bool, decimals: u32, percent: bool) -> Rule {
        Rule {
            rate: RateRule::Ratio,
            total: if has_total {
                TotalRule::Given
            } else {
                TotalRule::None
            },
            actual: ActualRule::Annual,
            decimals,
            percent,
            declared: false,
        }
    }

    /// The rule a rules-file entry declares; `inferred_decimals` when it declares none.
    pub fn declared(entry: &RuleEntry, inferred_decimals: u32) -> Rule {
        Rule {
            rate: entry.rate,
            total: entry.total,
            actual: entry.actual,
            decimals: entry.decimals.unwrap_or(inferred_decimals),
            percent: entry.percent,
            declared: true,
        }
    }
}

/// In Japanese, for messages: 「達成率は実績÷目標（ratio）・合計は入力値（given）・…・小数1桁」.
impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rate = match self.rate {
            RateRule::Ratio => "達成率は実績÷目標（ratio）",
            RateRule::Improve => "達成率は基準からの改善幅（improve）",
        };
        let total = match self.total {
            TotalRule::Given => "合計は入力値（given）",
            TotalRule::None => "合計なし（none）",
        };
        let actual = match self.actual {
            ActualRule::Annual => "実績は年度ごと（annual）",
            ActualRule::Cumulative => "実績は累計（cumulative）",
        };
        write!(f, "{rate}・{total}・{actual}・小数{}桁", self.decimals)?;
        if self.percent {
            f.write_str("・割合（percent）")?;
        }
        Ok(())
    }
}

/// One declared rule, as written in the file.
#[derive(Clone, Debug, Deserialize)]
pub struct RuleEntry {
    /// Item №.
    pub item: u32,
    /// Indicator name (matched after normalisation).
    pub name: String,
    /// Rate formula.
    pub rate: RateRule,
    /// Total rule.
    pub total: TotalRule,
    /// Actual rule.
    #[serde(default = "annual")]
    pub actual: ActualRule,
    /// Decimals of the indicator's figures (display and comparison precision of 実施効果).
    pub decimals: Option<u32>,
    /// The value is a percentage.
    #[serde(default)]
    pub percent: bool,
    /// Why (free text).
    #[serde(default)]
    pub note: Option<String>,
}

fn annual() -> ActualRule {
    ActualRule::Annual
}

#[derive(Deserialize)]
struct RulesFile {
    #[serde(default)]
    indicator: Vec<RuleEntry>,
}

/// All declared rules, keyed by item № and normalised indicator name.
#[derive(Clone, Debug, Default)]
pub struct Rules {
    by_key: HashMap<(u32, String), RuleEntry>,
    /// The file the rules came from, as findings name it.
    source: String,
}

impl Rules {
    /// The rules shipped for the sample.
    pub fn builtin() -> Rules {
        let mut rules =
            Rules::parse(DEFAULT_RULES).expect("the built-in rules.toml is valid (tested)");
        rules.source = "templates/rules.toml".into();
        rules
    }

    /// The file the rules came from ("templates/rules.toml" for the built-in ones).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Loads a rules file.
    ///
    /// # Errors
    /// [`Error::Settings`] when it cannot be read, is not valid TOML, or declares an indicator twice.
    pub fn load(path: &Path) -> Result<Rules> {
        let settings = |detail: String| Error::Settings {
            path: path.to_path_buf(),
            detail,
        };
        let text = std::fs::read_to_string(path).map_err(|e| settings(e.to_string()))?;
        let mut rules = Rules::parse(&text).map_err(settings)?;
        rules.source = path.display().to_string();
        Ok(rules)
    }

    fn parse(text: &str) -> std::result::Result<Rules, String> {
        let file: RulesFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut by_key = HashMap::new();
        for entry in file.indicator {
            let key = (entry.item, squash(&entry.name));
            if by_key.contains_key(&key) {
                return Err(format!(
                    "№{} 「{}」が二度宣言されています",
                    entry.item, entry.name
                ));
            }
            by_key.insert(key, entry);
        }
        Ok(Rules {
            by_key,
            source: String::new(),
        })
    }

    /// The declared rule of an indicator, if any.
    pub fn get(&self, item: u32, indicator: &str) -> Option<&RuleEntry> {
        self.by_key.get(&(item, squash(indicator)))
    }

    /// Every rule declared for item `item`, in name order.
    pub fn for_item(&self, item: u32) -> Vec<&RuleEntry> {
        let mut v: Vec<&RuleEntry> = self
            .by_key
            .iter()
            .filter(|((n, _), _)| *n == item)
            .map(|(_, e)| e)
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        v
    }

    /// Number of declared rules.
    pub fn len(&self) -> usize {
        self.by_key.len()
    }

    /// True when nothing is declared.
    pub fn is_empty(&self) -> bool {
        self.by_key.is_empty()
    }
}
