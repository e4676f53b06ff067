//! The small vocabularies that `check` reports on and `correct` corrects, in one place:
//! 評価 grades (Ａ/Ｂ/Ｃ, half-width accepted and corrected) and the 区分 typos that mean 実績.

use crate::value::squash;

/// The 評価 grades as the report prints them.
pub const GRADES: [&str; 3] = ["Ａ", "Ｂ", "Ｃ"];

/// The 区分 words of the 実績 row that are typos for 実績 (compared after [`squash`]).
pub const ACTUAL_TYPOS: [&str; 2] = ["実勢", "実積"];

/// The full-width grade for a half-width "A", "B" or "C" (spaces around ignored).
pub fn full_width_grade(text: &str) -> Option<&'static str> {
    match text.trim() {
        "A" => Some(GRADES[0]),
        "B" => Some(GRADES[1]),
        "C" => Some(GRADES[2]),
        _ => None,
    }
}

/// Whether `text` (spaces around ignored) is a grade, full- or half-width.
pub fn is_grade(text: &str) -> bool {
    let t = text.trim();
    GRADES.contains(&t) || full_width_grade(t).is_some()
}

/// Whether a 区分 cell holds a typo for 実績 (実勢, 実積).
pub fn is_actual_typo(label: &str) -> bool {
    ACTUAL_TYPOS.contains(&squash(label).as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_full_and_half_width() {
        assert_eq!(full_width_grade(" C "), Some("Ｃ"));
        assert_eq!(full_width_grade("Ｃ"), None);
        assert!(is_grade("Ａ") && is_grade("b".to_uppercase().as_str()));
        assert!(!is_grade("a") && !is_grade("Ｄ"));
    }

    #[test]
    fn actual_typos() {
        assert!(is_actual_typo("実 勢") && is_actual_typo("実積"));
        assert!(!is_actual_typo("実績"));
    }
}
