//! One small workbook per finding code, each holding exactly that problem: the code, the cell
//! and the message are asserted. The base is №55 ふるさと納税 of the corrected sample, written
//! by shinchoku (rows 5–6 of sheet 大分類3: A № … I 項目, J 区分, K 29基準, L–P R1–R5,
//! Q 合計, R 実施効果, S/T 達成率, U 達成状況, V 評価, W 年度実績, X 年度計画).

use crate::fixture::{
    cell_with_shared_string, defaults, inline_cell, repack, replace_cell, small_report,
    workbook_bytes,
};
use shinchoku::finding::{Code, Finding};
use shinchoku::model::{Field, Item, Report};
use shinchoku::value::Value;

/// The findings of a run over `bytes` saved as `small.xlsx`.
fn findings(bytes: &[u8]) -> Vec<Finding> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.xlsx");
    std::fs::write(&path, bytes).unwrap();
    shinchoku::process(&[path], &defaults())
        .expect("the small workbook reads")
        .findings
}

/// The base report (№55 alone) after `edit` of its item, written and checked.
fn with_item(edit: impl FnOnce(&mut Item)) -> Vec<Finding> {
    with_report(&[55], |r| edit(&mut r.sheets[0].sections[0].items[0]))
}

fn with_report(items: &[u32], edit: impl FnOnce(&mut Report)) -> Vec<Finding> {
    let mut report = small_report(items);
    edit(&mut report);
    findings(&workbook_bytes(&report))
}

/// Asserts that every finding has `code` (and there is at least one); returns them.
fn only(findings: &[Finding], code: Code) -> &Finding {
    let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    assert!(
        !findings.is_empty() && findings.iter().all(|f| f.code == code),
        "expected only {}, got {codes:?}: {findings:#?}",
        code.as_str()
    );
    &findings[0]
}

/// For a form correction of an actual: the finding with `code`, after checking that every other
/// finding is a derived figure of the same item that now follows from the corrected number (the
/// written formulas showed "-" over the text, as Excel would).
fn form_fix(findings: &[Finding], code: Code) -> &Finding {
    let (fixes, rest): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().partition(|f| f.code == code);
    assert!(
        rest.iter()
            .all(|f| f.code == Code::DerivedDiffers && f.at.item == Some(55)),
        "{rest:#?}"
    );
    assert_eq!(fixes.len(), 1, "{findings:#?}");
    fixes[0]
}

fn assert_finding(f: &Finding, cell: &str, message: &str) {
    assert_eq!(f.at.a1().as_deref(), Some(cell), "{f:#?}");
    assert_eq!(f.message, message, "{f:#?}");
}

fn number(s: &str) -> Value {
    Value::Number(s.parse().unwrap())
}

#[test]
fn the_base_workbook_has_no_findings() {
    let f = with_item(|_| {});
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn e101_duplicate_item() {
    let f = with_report(&[55], |r| {
        let item = r.sheets[0].sections[0].items[0].clone();
        r.sheets[0].sections[0].items.push(item);
    });
    let f = only(&f, Code::DuplicateItem);
    assert_finding(f, "A7", "項目№55が重複しています（最初は 大分類3 A5）");
    assert_eq!(f.at.item, Some(55));
}

#[test]
fn e102_missing_item_no() {
    let f = with_item(|i| i.no = Field::default());
    // Without a № the declared rule cannot be found either (I304 follows).
    let (missing, rest): (Vec<Finding>, Vec<Finding>) =
        f.into_iter().partition(|f| f.code == Code::MissingItemNo);
    only(&rest, Code::UndeclaredRule);
    assert_finding(
        only(&missing, Code::MissingItemNo),
        "A5",
        "項目№がありません（実施計画「ふるさと納税の推進」）",
    );
}

/// A department that leaves the actual out leaves the figures derived from it out too.
fn clear_derived(i: &mut Item) {
    let ind = &mut i.indicators[0];
    for f in [
        &mut ind.effect,
        &mut ind.rate_year,
        &mut ind.rate_total,
        &mut ind.actual_total,
    ] {
        *f = Field::new(Value::NotApplicable);
    }
}

#[test]
fn e103_missing_actual() {
    let f = with_item(|i| {
        i.indicators[0].actuals[0] = Field::default();
        clear_derived(i);
    });
    let f = only(&f, Code::MissingActual);
    assert_finding(f, "L6", "R1の目標があるのに実績が入力されていません");
    assert_eq!(
        f.at.indicator.as_deref(),
        Some("ふるさと美祢応援寄附金額（千円）")
    );
}

#[test]
fn e112_blank_actual() {
    // No R1 target (so not E103), but a baseline: the actual is still due.
    let f = with_item(|i| {
        i.indicators[0].targets[0] = Field::default();
        i.indicators[0].actuals[0] = Field::default();
        clear_derived(i);
    });
    assert_finding(
        only(&f, Code::BlankActual),
        "L6",
        "報告年度 R1 の実績が入力されていません（基準値か目標のある指標です。該当しない場合は「-」を入力してください）",
    );
}

#[test]
fn a_typed_dash_is_not_applicable_not_missing() {
    let f = with_item(|i| {
        i.indicators[0].targets[0] = Field::default();
        i.indicators[0].actuals[0] = Field::new(Value::NotApplicable);
        clear_derived(i);
    });
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn e104_unknown_grade() {
    let f = with_item(|i| i.grade.text = Some("Ｄ".into()));
    let f = only(&f, Code::UnknownGrade);
    assert_finding(f, "V5", "評価「Ｄ」はＡ・Ｂ・Ｃのいずれでもありません");
    assert_eq!(f.found.as_deref(), Some("Ｄ"));
}

#[test]
fn e105_text_in_actual() {
    let f = with_item(|i| {
        i.indicators[0].actuals[0] = Field::new(Value::Text("集計中".into()));
        clear_derived(i);
    });
    assert_finding(
        only(&f, Code::TextInActual),
        "L6",
        "実績欄に数値でない「集計中」が入力されています。再計算できません",
    );
}

#[test]
fn a_text_actual_gives_one_finding_not_one_per_derived_figure() {
    // The derived figures as the department left them: each is recalculated to "-" (and logged
    // in changes.csv) without a finding of its own.
    let f = with_item(|i| i.indicators[0].actuals[0] = Field::new(Value::Text("集計中".into())));
    only(&f, Code::TextInActual);
}

#[test]
fn e106_incomplete_header() {
    // Two sheets; the second one's 実施効果 label is replaced.
    let bytes = workbook_bytes(&small_report(&[55, 59]));
    let cell = cell_with_shared_string(&bytes, "xl/worksheets/sheet2.xml", "実施効果");
    let bytes = repack(&bytes, None, &|name, data| {
        if name == "xl/worksheets/sheet2.xml" {
            let xml = String::from_utf8(data).unwrap();
            replace_cell(&xml, &cell, &inline_cell(&cell, "メモ")).into_bytes()
        } else {
            data
        }
    });
    let f = findings(&bytes);
    let e = only(
        &f.iter()
            .filter(|f| f.code != Code::SheetSkipped)
            .cloned()
            .collect::<Vec<_>>(),
        Code::IncompleteHeader,
    )
    .clone();
    assert_eq!(e.at.sheet.as_deref(), Some("大分類4"));
    assert_finding(
        &e,
        "I4",
        "表の見出しに「実施効果」の列が見つかりません。このシートの表は読み飛ばしました",
    );
    assert!(f.iter().any(|f| f.code == Code::SheetSkipped));
}

#[test]
fn e107_year_header_mismatch() {
    let bytes = workbook_bytes(&small_report(&[55, 59]));
    let cell = cell_with_shared_string(&bytes, "xl/worksheets/sheet2.xml", "R1年度\n年度実績");
    let bytes = repack(&bytes, None, &|name, data| {
        if name == "xl/worksheets/sheet2.xml" {
            let xml = String::from_utf8(data).unwrap();
            replace_cell(&xml, &cell, &inline_cell(&cell, "R2年度\n年度実績")).into_bytes()
        } else {
            data
        }
    });
    let f = findings(&bytes);
    let f = only(&f, Code::YearHeaderMismatch);
    assert_eq!(f.at.sheet.as_deref(), Some("大分類4"));
    assert_finding(
        f,
        "W3",
        "年度実績の見出し「R2年度\n年度実績」の年度が、このブックの他の見出し（「R1年度\n年度実績」大分類3 W3）と一致しません",
    );
}

/// The base workbook with the cached value of cell `a1` on sheet 1 replaced (or removed).
fn with_cached(a1: &str, value: Option<&str>) -> Vec<Finding> {
    let bytes = workbook_bytes(&small_report(&[55]));
    let bytes = repack(&bytes, None, &|name, data| {
        if name != "xl/worksheets/sheet1.xml" {
            return data;
        }
        let xml = String::from_utf8(data).unwrap();
        let with = match value {
            Some(v) => format!("<c r=\"{a1}\"><v>{v}</v></c>"),
            None => String::new(),
        };
        replace_cell(&xml, a1, &with).into_bytes()
    });
    findings(&bytes)
}

#[test]
fn w201_derived_differs() {
    let f = with_cached("S5", Some("80.5"));
    assert_finding(
        only(&f, Code::DerivedDiffers),
        "S5",
        "年度目標達成率の入力値 80.5 が再計算値 77 と異なります（再計算値に修正）",
    );
}

/// The base workbook with cell `a1` on sheet 1 replaced by the raw cell XML `cell`.
fn cell_xml_bytes(a1: &str, cell: &str) -> Vec<u8> {
    let bytes = workbook_bytes(&small_report(&[55]));
    repack(&bytes, None, &|name, data| {
        if name != "xl/worksheets/sheet1.xml" {
            return data;
        }
        let xml = String::from_utf8(data).unwrap();
        replace_cell(&xml, a1, cell).into_bytes()
    })
}

/// The findings of the base workbook with cell `a1` replaced by the raw cell XML `cell`.
fn with_cell_xml(a1: &str, cell: &str) -> Vec<Finding> {
    findings(&cell_xml_bytes(a1, cell))
}

#[test]
fn w230_another_formula_in_a_derived_cell() {
    let f = with_cell_xml("S5", "<c r=\"S5\"><f>1+1</f><v>2</v></c>");
    assert_finding(
        only(&f, Code::FormulaReplaced),
        "S5",
        "年度目標達成率のセルの式「=1+1」は計算規則の式ではありません（再計算値 77 に修正）",
    );
}

#[test]
fn e120_input_formula_without_a_stored_result() {
    let f = with_cell_xml("L6", "<c r=\"L6\"><f>SUM(L5:L5)</f></c>");
    let e120: Vec<_> = f
        .iter()
        .filter(|f| f.code == Code::FormulaWithoutValue)
        .collect();
    assert_eq!(e120.len(), 1, "{f:#?}");
    assert_finding(
        e120[0],
        "L6",
        "R1実績のセルの式「=SUM(L5:L5)」に計算結果が保存されていません。Excelで開いて保存し直すか、値を入力してください",
    );
}

#[test]
fn e121_date_in_a_number_cell() {
    let f = with_item(|i| i.indicators[0].actuals[0].value = Value::Text("2019/12/15".into()));
    assert_finding(
        only(&f, Code::DateInNumberCell),
        "L6",
        "数値の欄に日付「2019/12/15」が入っています（Excelは「12/15」「5-2」などの入力を日付に変えます）。数値を入力し直してください",
    );
}

#[test]
fn w202_total_not_sum() {
    let f = with_item(|i| {
        for (t, v) in i.indicators[0]
            .targets
            .iter_mut()
            .zip(["77000", "76000", "77000", "78000", "78000"])
        {
            t.value = number(v);
        }
    });
    assert_finding(
        only(&f, Code::TotalNotSum),
        "Q5",
        "合計 385,000 が年度目標の和 386,000 と一致しません",
    );
}

#[test]
fn w203_percent_over_100() {
    // №3 特別研修参加率 (percent): 102.9 > 100; R5 raised so it is not yet past the goal.
    let f = with_report(&[3], |r| {
        r.sheets[0].sections[0].items[0].indicators[1].targets[4].value = number("110")
    });
    let f = only(&f, Code::PercentOver100);
    assert_finding(f, "L8", "割合の指標で実績 102.9 が100を超えています");
    assert_eq!(f.at.item, Some(3));
}

#[test]
fn w204_past_final_target() {
    // №10 口座加入率: 48.0 in R1 against 45.0 in R5.
    let f = with_report(&[10], |_| {});
    assert_finding(
        only(&f, Code::PastFinalTarget),
        "L6",
        "実績 48 が最終年度より前（R1）に既に最終目標（R5）45 を超えています",
    );
}

#[test]
fn w205_achieved_below_target() {
    let f = with_item(|i| i.status.text = Some("達成".into()));
    assert_finding(
        only(&f, Code::AchievedBelowTarget),
        "U5",
        "達成状況が「達成」ですが年度目標達成率が 77.0 で100未満です",
    );
}

#[test]
fn w206_same_results_and_plan() {
    let f = with_item(|i| i.plan.text = i.results.text.clone());
    assert_finding(
        only(&f, Code::SameResultsAndPlan),
        "X5",
        "年度実績と年度計画が同じ文章です",
    );
}

#[test]
fn w207_missing_plan() {
    let f = with_item(|i| i.plan.text = None);
    assert_finding(
        only(&f, Code::MissingPlan),
        "X5",
        "年度計画が入力されていません",
    );
}

#[test]
fn w222_blank_grade() {
    let f = with_item(|i| i.grade.text = None);
    assert_finding(only(&f, Code::BlankGrade), "V5", "評価が入力されていません");
}

#[test]
fn w223_blank_status() {
    let f = with_item(|i| i.status.text = None);
    assert_finding(
        only(&f, Code::BlankStatus),
        "U5",
        "達成状況が入力されていません",
    );
}

#[test]
fn w224_blank_results() {
    let f = with_item(|i| i.results.text = None);
    assert_finding(
        only(&f, Code::BlankResults),
        "W5",
        "R1年度の年度実績が入力されていません",
    );
}

#[test]
fn w225_unknown_status() {
    let f = with_item(|i| i.status.text = Some("達成済".into()));
    let f = only(&f, Code::UnknownStatus);
    assert_finding(
        f,
        "U5",
        "達成状況「達成済」は一覧（達成・未達成・休止、№○○に統合）にない言葉です",
    );
    assert_eq!(f.found.as_deref(), Some("達成済"));
    // A merge into another item is always a known status (and its missing plan is not asked).
    let f = with_item(|i| {
        i.status.text = Some("№45に統合".into());
        i.plan.text = None;
    });
    assert!(f.is_empty(), "{f:#?}");
}

#[test]
fn w208_ratio_on_lower_is_better() {
    // №7 ラスパイレス指数 (R5 100 below the base 101) as an item the rules file does not
    // declare (№99): the inferred ratio rule is doubted on the indicator (and I304 names it).
    let f = with_report(&[7], |r| {
        let item = &mut r.sheets[0].sections[0].items[0];
        item.no.value = number("99");
        item.indicators[0].name.text = Some("給与水準の指数".into());
    });
    let (w208, rest): (Vec<Finding>, Vec<Finding>) = f
        .into_iter()
        .partition(|f| f.code == Code::RatioOnLowerIsBetter);
    only(&rest, Code::UndeclaredRule);
    assert_finding(
        only(&w208, Code::RatioOnLowerIsBetter),
        "P5",
        "最終目標 100 が基準 101 を下回る（少ないほど良い）指標に比率の計算式（実績÷目標）が使われています",
    );
}

#[test]
fn w226_rules_doubt_once_per_run() {
    // №7 and №40 both declare ratio on a lower-is-better indicator: one finding about the
    // rules file, not one per indicator on every department's sheet.
    let f = with_report(&[7, 40], |_| {});
    let f: Vec<Finding> = f.into_iter().filter(|f| f.at.item.is_none()).collect();
    let f = only(&f, Code::RulesDoubt);
    assert_eq!(f.at.file, "templates/rules.toml");
    assert_eq!((f.at.sheet.as_deref(), f.at.a1()), (None, None));
    assert_eq!(
        f.message,
        "規則ファイルで、最終目標が基準を下回る（少ないほど良い）指標に比率の計算式（実績÷目標）が宣言されています（№7 ラスパイレス指数、№40 市営住宅管理団地数（団地））。意図どおりか規則ファイルを確認してください"
    );
}

#[test]
fn w209_text_in_number_cell() {
    let f =
        with_item(|i| i.indicators[0].targets[4] = Field::new(Value::Text("新方針による".into())));
    assert_finding(
        only(&f, Code::TextInNumberCell),
        "P5",
        "数値欄に文字「新方針による」が入力されています（計算には使いません）",
    );
}

#[test]
fn w210_kubun_typo() {
    let f = with_item(|i| i.indicators[0].actual_label.text = Some("実勢".into()));
    assert_finding(
        only(&f, Code::KubunTypo),
        "J6",
        "区分「実勢」を「実績」に修正しました（「実勢」→「実績」）",
    );
}

#[test]
fn w211_base_mismatch() {
    let f = with_item(|i| i.indicators[0].base_again.value = number("58000"));
    assert_finding(
        only(&f, Code::BaseMismatch),
        "K6",
        "実績行の29基準 58000 が目標行の29基準 58611 と異なります（計算には目標行を使います）",
    );
}

#[test]
fn w212_unknown_kubun() {
    let f = with_item(|i| i.indicators[0].target_label.text = Some("目標値".into()));
    assert_finding(
        only(&f, Code::UnknownKubun),
        "J5",
        "区分「目標値」は「目標」ではありません",
    );
}

#[test]
fn w213_future_actual() {
    let f = with_item(|i| i.indicators[0].actuals[1].value = number("1000"));
    assert_finding(
        only(&f, Code::FutureActual),
        "M6",
        "報告年度 R1 より後のR2の実績 1000 が入力されています（計算には使いません）",
    );
}

#[test]
fn i301_text_number() {
    let f = with_item(|i| i.indicators[0].actuals[0].value = Value::Text("59280".into()));
    assert_finding(
        form_fix(&f, Code::TextNumber),
        "L6",
        "文字列として入力された数値「59280」を数値 59280 に修正しました",
    );
}

#[test]
fn i302_minus_sign() {
    // The R2 target: not used for an R1 report, so nothing derived changes.
    let f = with_item(|i| i.indicators[0].targets[1].value = Value::Text("▲1,200".into()));
    assert_finding(
        only(&f, Code::MinusSign),
        "M5",
        "負の数の表記「▲1,200」を数値 -1200 に修正しました（△で表示）",
    );
}

#[test]
fn i303_half_width_grade() {
    let f = with_item(|i| i.grade.text = Some("C".into()));
    assert_finding(
        only(&f, Code::HalfWidthGrade),
        "V5",
        "評価「C」を全角「Ｃ」に修正しました（「C」→「Ｃ」）",
    );
}

#[test]
fn i304_undeclared_rule() {
    // An item the rules file says nothing about (№99): the default rule, for the record.
    let f = with_item(|i| {
        i.no.value = number("99");
        i.indicators[0].name.text = Some("寄附金額（千円）".into());
    });
    assert_finding(
        only(&f, Code::UndeclaredRule),
        "R5",
        "計算規則が規則ファイルに宣言されていないため推定しました（達成率は実績÷目標（ratio）・合計は入力値（given）・実績は年度ごと（annual）・小数0桁）",
    );
}

#[test]
fn w219_rule_name_with_a_note_still_takes_the_declared_rule() {
    // №1 with a note after its name: still `improve` (900.0, not ratio's 97.7), one warning.
    let report = shinchoku::process(&[crate::fixture::sample()], &defaults())
        .unwrap()
        .output;
    let mut report = {
        let mut r = report;
        let first = r.items_mut().next().unwrap();
        first.indicators[0].name.text = Some("普通会計職員数(人)※4月1日現在".into());
        r
    };
    for sheet in &mut report.sheets {
        for section in &mut sheet.sections {
            section.items.retain(|i| i.number() == Some(1));
        }
        sheet.sections.retain(|s| !s.items.is_empty());
    }
    report.sheets.retain(|s| !s.sections.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("small.xlsx");
    std::fs::write(&path, workbook_bytes(&report)).unwrap();
    let outcome = shinchoku::process(&[path], &defaults()).unwrap();
    let rate = outcome
        .input
        .indicators()
        .next()
        .unwrap()
        .1
        .recalculated
        .unwrap()
        .rate_year;
    assert_eq!(rate, shinchoku::model::Figure::Number(900.into()));
    let warnings: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|f| f.severity() != shinchoku::finding::Severity::Info)
        .collect();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].code, Code::RuleNameLoose);
    assert_finding(
        warnings[0],
        "I5",
        "指標名「普通会計職員数(人)※4月1日現在」は規則ファイルの「普通会計職員数(人)」と注記・括弧・空白だけが異なるため、同じ指標として宣言された計算規則を使いました（達成率は基準からの改善幅（improve）・合計なし（none）・実績は年度ごと（annual）・小数0桁）",
    );
}

#[test]
fn w220_rule_name_changed_takes_the_one_declaration_left() {
    let f = with_item(|i| i.indicators[0].name.text = Some("寄附金額（千円）".into()));
    assert_finding(
        only(&f, Code::RuleNamePaired),
        "I5",
        "指標名「寄附金額（千円）」は規則ファイルの№55のどの指標名とも一致しません。この項目で残った唯一の宣言「ふるさと美祢応援寄附金額（千円）」の計算規則を使いました（達成率は実績÷目標（ratio）・合計は入力値（given）・実績は年度ごと（annual）・小数0桁）。規則ファイルの指標名を確認してください",
    );
}

#[test]
fn w221_rule_names_that_cannot_be_paired_get_the_default_with_a_warning() {
    // №25 declares 小学校数 and 中学校数; both renamed: no pairing is certain.
    let f = with_report(&[25], |r| {
        let item = &mut r.sheets[0].sections[0].items[0];
        item.indicators[0].name.text = Some("学校数A".into());
        item.indicators[1].name.text = Some("学校数B".into());
    });
    let w: Vec<&Finding> = f
        .iter()
        .filter(|f| f.code == Code::RuleNameUnmatched)
        .collect();
    assert_eq!(w.len(), 2, "{f:#?}");
    assert!(
        w[0].message.starts_with("指標名「学校数A」は規則ファイルの№25のどの指標名とも一致しないため、既定の計算規則を使いました（達成率は実績÷目標（ratio）"),
        "{}",
        w[0].message
    );
}

#[test]
fn i305_sheet_skipped() {
    let f = with_report(&[55], |r| {
        r.sheets.push(shinchoku::model::Sheet {
            name: "メモ".into(),
            ..Default::default()
        })
    });
    let f = only(&f, Code::SheetSkipped);
    assert_eq!(f.at.sheet.as_deref(), Some("メモ"));
    assert_eq!(f.at.a1(), None);
    assert_eq!(
        f.message,
        "報告書の表が見つからないシートを読み飛ばしました"
    );
}

#[test]
fn i306_derived_filled() {
    let f = with_cached("Q6", None);
    assert_finding(
        only(&f, Code::DerivedFilled),
        "Q6",
        "空欄だった実績合計を再計算値 59280 で補いました",
    );
}

#[test]
fn i307_full_width_number() {
    let f = with_item(|i| i.indicators[0].actuals[0].value = Value::Text("５９，２８０".into()));
    assert_finding(
        form_fix(&f, Code::FullWidthNumber),
        "L6",
        "全角で入力された数値「５９，２８０」を数値 59280 に修正しました",
    );
}

#[test]
fn i310_settled_without_actual() {
    let f = with_item(|i| {
        i.status.text = Some("休止".into());
        i.indicators[0].actuals[0] = Field::default();
        clear_derived(i);
    });
    assert_finding(
        only(&f, Code::SettledWithoutActual),
        "L6",
        "R1の実績が入力されていません（達成状況が「休止」のため確認のみ）",
    );
}

#[test]
fn every_registry_code_has_a_test_here() {
    // Per-file checks are tested here; the batch codes (E108, W214 … ) in tests/batch.rs.
    let source = [
        include_str!("checks.rs"),
        include_str!("batch.rs"),
        include_str!("reader.rs"),
        include_str!("drift.rs"),
    ]
    .concat();
    for code in Code::ALL {
        let name = format!("fn {}_", code.as_str().to_lowercase());
        assert!(source.contains(&name), "no test for {}", code.as_str());
    }
}

#[test]
fn w214_identical_copy_in_a_second_file_adds_nothing() {
    // SPEC §7: only an item that appears twice with *different* values is an error (E108, in
    // tests/batch.rs); an identical copy is dropped and its file reported as adding nothing.
    let dir = tempfile::tempdir().unwrap();
    let bytes = workbook_bytes(&small_report(&[55]));
    std::fs::write(dir.path().join("a.xlsx"), &bytes).unwrap();
    std::fs::write(dir.path().join("b.xlsx"), &bytes).unwrap();
    let crate::fixture::Ran { stdout, .. } = crate::fixture::Run::new(dir.path())
        .args(&["check", "a.xlsx", "b.xlsx"])
        .ok();
    assert!(
        stdout
            .starts_with("b.xlsx\n  W214 警告 -: このファイルから報告書に加わった項目がありません"),
        "{stdout}"
    );
    assert!(!stdout.contains("E101"), "{stdout}");
}

/// A number beyond the exact decimals' range (8e28 in an actual): a clear error naming the
/// number, not "text in an actual"; the report keeps it as a number, not as text.
#[test]
fn e122_number_out_of_range() {
    let f = with_cell_xml("L6", "<c r=\"L6\"><v>8E+28</v></c>");
    let e122: Vec<_> = f
        .iter()
        .filter(|f| f.code == Code::NumberOutOfRange)
        .collect();
    assert_eq!(e122.len(), 1, "{f:#?}");
    assert_finding(
        e122[0],
        "L6",
        "数値 8e28 は計算できる範囲（絶対値で約7.9×10^28まで）を超えています。数値のまま残しましたが、計算には使いません。正しい値を入力してください",
    );
    assert!(f.iter().all(|f| f.code != Code::TextInActual), "{f:#?}");

    let dir = tempfile::tempdir().unwrap();
    let bytes = cell_xml_bytes("L6", "<c r=\"L6\"><v>8E+28</v></c>");
    std::fs::write(dir.path().join("big.xlsx"), bytes).unwrap();
    crate::fixture::Run::new(dir.path())
        .args(&["report", "big.xlsx", "--out", "out"])
        .completes();
    let cell = crate::fixture::python(
        "import json,sys\nfrom openpyxl import load_workbook\n\
         v=load_workbook(sys.argv[1])['大分類3']['L6'].value\n\
         print(json.dumps([isinstance(v, (int, float)), float(v) if not isinstance(v, str) else v]))",
        &[&dir.path().join("out/report.xlsx")],
    );
    assert_eq!(cell, serde_json::json!([true, 8e28]), "a number, not text");
}
