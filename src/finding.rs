//! Findings: the registry of stable codes (never reused), their severities and Japanese message
//! templates, and the [`Finding`] record every stage collects.

use crate::model::CellRef;
use serde::Serialize;

/// How serious a finding is. Only errors fail a run (exit 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Needs a person before publishing.
    Error,
    /// Worth a look; corrected or harmless.
    Warning,
    /// For the record.
    Info,
}

impl Severity {
    /// Japanese label for terminal output.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "エラー",
            Severity::Warning => "警告",
            Severity::Info => "情報",
        }
    }
}

macro_rules! registry {
    ($($variant:ident = $code:literal, $sev:ident, $msg:literal;)*) => {
        /// Every finding code. Codes are stable and never reused; `{0}`, `{1}` … in a message
        /// are filled from the finding's arguments.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code { $(#[doc = $msg] $variant,)* }

        impl Code {
            /// All codes, in registry order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable code ("E101").
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The severity of this code.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$sev,)* }
            }

            /// The Japanese message template.
            pub fn template(self) -> &'static str {
                match self { $(Code::$variant => $msg,)* }
            }
        }
    };
}

registry! {
    DuplicateItem = "E101", Error, "項目№{0}が重複しています（最初は {1}）";
    MissingItemNo = "E102", Error, "項目№がありません（実施計画「{0}」）";
    MissingActual = "E103", Error, "{0}の目標があるのに実績が入力されていません";
    UnknownGrade = "E104", Error, "評価「{0}」はＡ・Ｂ・Ｃのいずれでもありません";
    TextInActual = "E105", Error, "実績欄に数値でない「{0}」が入力されています。再計算できません";
    IncompleteHeader = "E106", Error, "表の見出しに「{0}」の列が見つかりません。このシートの表は読み飛ばしました";
    YearHeaderMismatch = "E107", Error, "年度実績の見出し「{0}」の年度が、このブックの他の見出し（{1}）と一致しません";
    ConflictingItem = "E108", Error, "項目№{0}が {1}（{2}）と {3}（{4}）の両方にあり、内容が異なります（{5}: 「{6}」と「{7}」）。後者は使いませんでした。{8}";
    AmbiguousLabel = "E109", Error, "見出し「{0}」は「{1}」とも「{2}」とも読めるため、どちらの列にもしませんでした";
    BadItemNo = "E110", Error, "項目№「{0}」は1以上の整数ではありません";
    YearOutsidePlan = "E111", Error, "見出し「{0}」の年度は計画期間（R1〜R5＝令和元年度〜令和5年度）の外です。この列は報告書に入っていません";
    BlankActual = "E112", Error, "報告年度 {0} の実績が入力されていません（基準値か目標のある指標です。該当しない場合は「-」を入力してください）";
    PlanValueChanged = "E140", Error, "{0}が計画（{1}）の {2} から {3} に変わっています。計画と前年度までの実績は変えられません（報告書には提出された値を使っています）";
    PlanSourcesDisagree = "E141", Error, "{0}が計画（{1}）では {2}、配布したブックでは {3} です（提出された値は {4}）。どちらが正しいか確認してください（報告書には提出された値を使っています）";
    DerivedDiffers = "W201", Warning, "{0}の入力値 {1} が再計算値 {2} と異なります（再計算値に修正）";
    TotalNotSum = "W202", Warning, "合計 {0} が年度目標の和 {1} と一致しません";
    PercentOver100 = "W203", Warning, "割合の指標で実績 {0} が100を超えています";
    PastFinalTarget = "W204", Warning, "実績 {0} が最終年度より前（{2}）に既に最終目標（R5）{1} を超えています";
    AchievedBelowTarget = "W205", Warning, "達成状況が「達成」ですが年度目標達成率が {0} で100未満です";
    SameResultsAndPlan = "W206", Warning, "年度実績と年度計画が同じ文章です";
    MissingPlan = "W207", Warning, "年度計画が入力されていません";
    RatioOnLowerIsBetter = "W208", Warning, "最終目標 {0} が基準 {1} を下回る（少ないほど良い）指標に比率の計算式（実績÷目標）が使われています";
    TextInNumberCell = "W209", Warning, "数値欄に文字「{0}」が入力されています（計算には使いません）";
    KubunTypo = "W210", Warning, "区分「{0}」を「{1}」に修正しました";
    BaseMismatch = "W211", Warning, "実績行の29基準 {0} が目標行の29基準 {1} と異なります（計算には目標行を使います）";
    UnknownKubun = "W212", Warning, "区分「{0}」は「{1}」ではありません";
    FutureActual = "W213", Warning, "報告年度 {1} より後の{0}の実績 {2} が入力されています（計算には使いません）";
    FileAddsNothing = "W214", Warning, "このファイルから報告書に加わった項目がありません（すべて他のファイルと同じ項目№か、項目がありません）";
    PlanItemMissing = "W215", Warning, "計画の項目№{0}「{1}」がどの入力ファイルにもありません";
    ColumnNotRead = "W216", Warning, "列{0}（見出し「{1}」）の{2}個のセル（{3}）は報告書に入っていません";
    NoteNotRead = "W217", Warning, "表の外や項目の後の記入「{0}」など{1}個のセル（{2}）は報告書に入っていません";
    UnnamedIndicatorRow = "W218", Warning, "成果指標の項目名と区分が空欄の行に数値が入力されています（{0}）。この行は報告書に入っていません";
    RuleNameLoose = "W219", Warning, "指標名「{0}」は規則ファイルの「{1}」と注記・括弧・空白だけが異なるため、同じ指標として宣言された計算規則を使いました（{2}）";
    RuleNamePaired = "W220", Warning, "指標名「{0}」は規則ファイルの№{1}のどの指標名とも一致しません。この項目で残った唯一の宣言「{2}」の計算規則を使いました（{3}）。規則ファイルの指標名を確認してください";
    RuleNameUnmatched = "W221", Warning, "指標名「{0}」は規則ファイルの№{1}のどの指標名とも一致しないため、既定の計算規則を使いました（{2}）。規則ファイルの指標名を確認してください";
    BlankGrade = "W222", Warning, "評価が入力されていません";
    BlankStatus = "W223", Warning, "達成状況が入力されていません";
    BlankResults = "W224", Warning, "{0}年度の年度実績が入力されていません";
    UnknownStatus = "W225", Warning, "達成状況「{0}」は一覧（{1}、№○○に統合）にない言葉です";
    RulesDoubt = "W226", Warning, "規則ファイルで、最終目標が基準を下回る（少ないほど良い）指標に比率の計算式（実績÷目標）が宣言されています（{0}）。意図どおりか規則ファイルを確認してください";
    NewerCopyUsed = "W227", Warning, "項目№{0}が {1}（{2}）と {3}（{4}）の両方にあり、内容が異なります（{5}: 「{6}」と「{7}」）。--prefer-newer により、保存日時の新しい {8} の項目を使いました";
    FormulaWithoutValue = "E120", Error, "{0}のセルの式「{1}」に計算結果が保存されていません。Excelで開いて保存し直すか、値を入力してください";
    DateInNumberCell = "E121", Error, "数値の欄に日付「{0}」が入っています（Excelは「12/15」「5-2」などの入力を日付に変えます）。数値を入力し直してください";
    NumberOutOfRange = "E122", Error, "数値 {0} は計算できる範囲（絶対値で約7.9×10^28まで）を超えています。数値のまま残しましたが、計算には使いません。正しい値を入力してください";
    FormulaReplaced = "W230", Warning, "{0}のセルの式「{1}」は計算規則の式ではありません（再計算値 {2} に修正）";
    SheetNotWorksheet = "W235", Warning, "{0}のシートは読み飛ばしました。このシートは報告書に入っていません";
    HiddenSheetSkipped = "W236", Warning, "{0}のシートは公開する報告書に表示しないため読み飛ばしました。このシートの内容は報告書に入っていません";
    TextTooLong = "W237", Warning, "{0}の文章が{1}文字あり、Excelの1つのセルに入る32,767文字を超えています。報告書のセルには全文が入りません";
    BreakInsideItem = "W243", Warning, "{0}行目の上の改ページが項目の途中にあります。この改ページは使わず、報告書の改ページは項目の間に置きます";
    HiddenRowsNotRead = "W238", Warning, "非表示の行（{0}行目）の{1}個のセル（{2}）は、公開する報告書に表示しないため読み取りませんでした。この行の内容は報告書に入っていません";
    PlanTextChanged = "W250", Warning, "{0}が計画（{1}）の「{2}」から「{3}」に変わっています";
    PlanItemAdded = "W251", Warning, "項目№{0}は計画（{1}）にありません";
    PlanRowsChanged = "W252", Warning, "{0}の行数が計画（{1}）の {2} 行から {3} 行に変わっています";
    PlanTextsDisagree = "W253", Warning, "{0}が計画（{1}）では「{2}」、配布したブックでは「{3}」です（提出された値は「{4}」）。どちらが正しいか確認してください";
    PlanRowCountsDisagree = "W254", Warning, "{0}の行数が計画（{1}）では {2} 行、配布したブックでは {3} 行です（提出されたブックは {4} 行）。どちらが正しいか確認してください";
    SentItemMissing = "W256", Warning, "配布したブックの項目№{0}「{1}」がどの入力ファイルにもありません";
    PlanLacksSentItem = "W255", Warning, "項目№{0}は計画（{1}）にありませんが、配布したブックにはあります。どちらが正しいか確認してください";
    TextNumber = "I301", Info, "文字列として入力された数値「{0}」を数値 {1} に修正しました";
    MinusSign = "I302", Info, "負の数の表記「{0}」を数値 {1} に修正しました（△で表示）";
    HalfWidthGrade = "I303", Info, "評価「{0}」を全角「{1}」に修正しました";
    UndeclaredRule = "I304", Info, "計算規則が規則ファイルに宣言されていないため推定しました（{0}）";
    SheetSkipped = "I305", Info, "報告書の表が見つからないシートを読み飛ばしました";
    DerivedFilled = "I306", Info, "空欄だった{0}を再計算値 {1} で補いました";
    FullWidthNumber = "I307", Info, "全角で入力された数値「{0}」を数値 {1} に修正しました";
    FurnitureNotRead = "I308", Info, "表題や見出しなど様式の記入「{0}」など{1}個のセル（{2}）は報告書に入っていません";
    SwappedRows = "I309", Info, "区分の表示どおり、{0}行目を目標、{1}行目を実績として読みました（実績行が目標行より上にあります）";
    LockFileSkipped = "I320", Info, "Excelの一時ファイル（~$で始まる名前）を読み飛ばしました。元のブックがExcelで開かれている可能性があります";
    PercentFormat = "I321", Info, "パーセントの表示形式のセル（表示「{0}」、保存値 {1}）を数値 {2} に修正しました";
    SettledWithoutActual = "I310", Info, "{0}の実績が入力されていません（達成状況が「{1}」のため確認のみ）";
    BreakAfterItems = "I335", Info, "{0}行目の上の改ページは最後の項目より後にあるため、報告書には使いません";
    CommentsRead = "I325", Info, "セルのコメント{0}件（{1}）を読み取りました。公開する報告書には載りません";
    ExtraNotInReport = "I326", Info, "このブックの{0}（{1}）は報告書に入っていません";
    ExtraColumns = "I328", Info, "表の見出しにない列（{0}）の内容を各項目の文章として読み取りました。返却ブックでは各項目の№のセルのメモで戻しますが、公開する報告書には載りません";
    SecondTable = "I327", Info, "{0}から始まる表を、{1}の表とは別の表として読みました（{2}）";
}

/// Where a finding or change is: file, sheet, cell, item № and indicator.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// Input file.
    pub file: String,
    /// Worksheet, if the finding is about one.
    pub sheet: Option<String>,
    /// 0-based (row, column) for ordering; shown as A1.
    #[serde(skip)]
    pub pos: Option<(u32, u32)>,
    /// Item №.
    pub item: Option<u32>,
    /// Indicator name.
    pub indicator: Option<String>,
}

impl Location {
    /// The location of a cell, with item and indicator context.
    pub fn cell(at: &CellRef, item: Option<u32>, indicator: Option<&str>) -> Location {
        Location {
            file: at.file.to_string(),
            sheet: Some(at.sheet.to_string()),
            pos: Some((at.row, at.col)),
            item,
            indicator: indicator.map(str::to_string),
        }
    }

    /// The cell in A1 notation, if any.
    pub fn a1(&self) -> Option<String> {
        self.pos.map(|(r, c)| crate::model::a1(r, c))
    }
}

/// One problem found in the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The registry code.
    pub code: Code,
    /// Where.
    pub at: Location,
    /// The value as found, if the finding is about a value.
    pub found: Option<String>,
    /// The filled-in message.
    pub message: String,
}

impl Finding {
    /// A finding with `code`'s message filled from `args`.
    pub fn new(code: Code, at: Location, found: Option<String>, args: &[&str]) -> Finding {
        let mut message = code.template().to_string();
        for (i, a) in args.iter().enumerate() {
            message = message.replace(&format!("{{{i}}}"), a);
        }
        Finding {
            code,
            at,
            found,
            message,
        }
    }

    /// The severity of its code.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}

/// Sorts findings by file, sheet, row, column (then code), as findings.json requires.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&a.at.file, &a.at.sheet, a.at.pos, a.code.as_str()).cmp(&(
            &b.at.file,
            &b.at.sheet,
            b.at.pos,
            b.code.as_str(),
        ))
    });
}

/// Counts by severity: (errors, warnings, infos).
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let n = |s| findings.iter().filter(|f| f.severity() == s).count();
    (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
}

/// One object of a findings.json, as read back for `--baseline`.
#[derive(serde::Deserialize)]
struct SeenFinding {
    code: String,
    file: String,
    sheet: Option<String>,
    cell: Option<String>,
    item: Option<u32>,
    indicator: Option<String>,
    found: Option<String>,
}

/// What identifies a finding across runs: code, sheet, item №, indicator and the value as
/// found; for a finding outside any item also the file name (without its folder) and cell.
/// Cells are left out for item findings so that a row inserted above does not make every
/// later finding look new, and folders are left out so a copied file still matches.
type Key = (
    String,
    Option<String>,
    Option<u32>,
    Option<String>,
    Option<String>,
    Option<(String, Option<String>)>,
);

fn file_name(file: &str) -> String {
    std::path::Path::new(file)
        .file_name()
        .map_or_else(|| file.to_string(), |n| n.to_string_lossy().into_owned())
}

/// The findings of an earlier run (`--baseline findings.json`), to hide on a re-run.
#[derive(Debug, Default)]
pub struct Baseline {
    seen: std::collections::HashMap<Key, usize>,
}

impl Baseline {
    /// Reads an earlier run's findings.json (SPEC §6).
    ///
    /// # Errors
    /// [`crate::error::Error::Baseline`] when the file cannot be read or is not a findings array.
    pub fn load(path: &std::path::Path) -> crate::error::Result<Baseline> {
        let fail = |detail: String| crate::error::Error::Baseline {
            path: path.to_path_buf(),
            detail,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        let rows: Vec<SeenFinding> = serde_json::from_str(text.trim_start_matches('\u{FEFF}'))
            .map_err(|e| fail(e.to_string()))?;
        let mut seen = std::collections::HashMap::new();
        for r in rows {
            let outside = r.item.is_none().then(|| (file_name(&r.file), r.cell));
            *seen
                .entry((r.code, r.sheet, r.item, r.indicator, r.found, outside))
                .or_insert(0) += 1;
        }
        Ok(Baseline { seen })
    }

    /// Compares this run's `findings` with the baseline. Warnings and infos already seen are
    /// hidden; errors never are (a baseline acknowledges, it does not fix). Each finding of
    /// the baseline matches at most one finding of this run.
    pub fn hide(&self, findings: Vec<Finding>) -> Seen {
        let mut left = self.seen.clone();
        let mut seen = Seen::default();
        for f in findings {
            let outside =
                f.at.item
                    .is_none()
                    .then(|| (file_name(&f.at.file), f.at.a1()));
            let key = (
                f.code.as_str().to_string(),
                f.at.sheet.clone(),
                f.at.item,
                f.at.indicator.clone(),
                f.found.clone(),
                outside,
            );
            let known = match left.get_mut(&key) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            };
            match (known, f.severity()) {
                (true, Severity::Error) => {
                    seen.unresolved_errors += 1;
                    seen.kept.push(f);
                }
                (true, _) => seen.hidden += 1,
                (false, _) => {
                    seen.new += 1;
                    seen.kept.push(f);
                }
            }
        }
        seen.resolved = left.values().sum();
        seen
    }
}

/// This run's findings against a baseline ([`Baseline::hide`]).
#[derive(Debug, Default)]
pub struct Seen {
    /// The findings to show: the new ones and every error, in order.
    pub kept: Vec<Finding>,
    /// Warnings and infos already in the baseline, not shown.
    pub hidden: usize,
    /// Findings not in the baseline.
    pub new: usize,
    /// Findings of the baseline that this run no longer has.
    pub resolved: usize,
    /// Errors already in the baseline and still there.
    pub unresolved_errors: usize,
}

impl Seen {
    /// 「新規 N 件・解決 M 件・未解決エラー K 件」.
    pub fn line(&self) -> String {
        format!(
            "新規 {} 件・解決 {} 件・未解決エラー {} 件（既出の警告・情報 {} 件は表示していません）",
            self.new, self.resolved, self.unresolved_errors, self.hidden
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_prefixed_by_severity() {
        let mut seen = HashSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {}", c.as_str());
            let prefix = match c.severity() {
                Severity::Error => 'E',
                Severity::Warning => 'W',
                Severity::Info => 'I',
            };
            assert!(c.as_str().starts_with(prefix), "{}", c.as_str());
        }
    }

    #[test]
    fn a_baseline_hides_warnings_never_errors_and_counts_what_was_resolved() {
        let at = |item| Location {
            file: "in/a.xlsx".into(),
            item: Some(item),
            ..Location::default()
        };
        let grade = Finding::new(Code::UnknownGrade, at(1), Some("a".into()), &["a"]);
        let plan = Finding::new(Code::MissingPlan, at(2), None, &[]);
        let gone = Finding::new(Code::BlankGrade, at(3), None, &[]);
        // The findings.json of the earlier run (only the keys a baseline reads).
        let json = serde_json::Value::Array(
            [&grade, &plan, &gone]
                .iter()
                .map(|f| {
                    serde_json::json!({"code": f.code.as_str(), "file": f.at.file,
                        "sheet": null, "cell": null, "item": f.at.item, "indicator": null,
                        "found": f.found})
                })
                .collect(),
        )
        .to_string();
        let dir = std::env::temp_dir().join(format!("shinchoku-baseline-{}", std::process::id()));
        std::fs::write(&dir, json).unwrap();
        let baseline = Baseline::load(&dir).unwrap();
        std::fs::remove_file(&dir).unwrap();
        let new = Finding::new(Code::BlankStatus, at(4), None, &[]);
        let seen = baseline.hide(vec![grade.clone(), plan, new.clone()]);
        assert_eq!(seen.kept, [grade, new]);
        assert_eq!(
            (seen.hidden, seen.new, seen.resolved, seen.unresolved_errors),
            (1, 1, 1, 1)
        );
        assert!(seen
            .line()
            .starts_with("新規 1 件・解決 1 件・未解決エラー 1 件"));
    }

    #[test]
    fn message_is_filled_from_arguments() {
        let f = Finding::new(
            Code::DerivedDiffers,
            Location::default(),
            None,
            &["実施効果", "8", "7.9"],
        );
        assert_eq!(
            f.message,
            "実施効果の入力値 8 が再計算値 7.9 と異なります（再計算値に修正）"
        );
    }
}
