//! The architecture as a test: every module of `src/` imports only from modules listed before
//! it (no import from a later stage, hence no cycle), every source file stays under 600 lines
//! and no `too_many_arguments` allow is left.

use crate::fixture::root;
use std::collections::HashMap;
use std::path::Path;

/// The written order of layers, lowest first (README "Layout of the code" prints it).
const LAYERS: &[&str] = &[
    "error",
    "value",
    "vocab",
    "rules",
    "model",
    "finding",
    "layout",
    "settings",
    "guard",
    "saved",
    "history",
    "reference",
    "own",
    "sheets",
    "compare",
    "read",
    "batch",
    "drift",
    "calc",
    "check",
    "correct",
    "template",
    "render",
    "write",
    "outset",
    "cli",
    "cmd",
    "dropin",
];

/// Every .rs file under `dir`, recursively.
fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file under src/ belongs to ("write" for src/write/sheet.rs).
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The first path segment after `crate::`, or each one of a `crate::{a, b::c}` group.
fn used_modules(rest: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    match rest.strip_prefix('{') {
        Some(group) => group
            .split('}')
            .next()
            .unwrap_or("")
            .split(',')
            .map(ident)
            .collect(),
        None => vec![ident(rest)],
    }
}

#[test]
fn modules_import_only_from_lower_layers() {
    let src = root().join("src");
    let rank: HashMap<&str, usize> = LAYERS.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let module = module_of(&src, file);
        if module == "lib" || module == "main" {
            continue; // the crate root and the binary stand above every layer
        }
        let Some(&mine) = rank.get(module.as_str()) else {
            wrong.push(format!("{module}: not in LAYERS"));
            continue;
        };
        let text = std::fs::read_to_string(file).unwrap();
        for (at, _) in text.match_indices("crate::") {
            let rest = &text[at + "crate::".len()..];
            for used in used_modules(rest) {
                // `crate::process` (the crate root) is not a module path.
                if let Some(&theirs) = rank.get(used.as_str()) {
                    if theirs > mine {
                        wrong.push(format!("{module} uses {used} (a later layer)"));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(
        files
            .iter()
            .map(|f| module_of(&src, f))
            .filter(|m| m != "lib" && m != "main" && !rank.contains_key(m.as_str()))
            .count(),
        0
    );
}

#[test]
fn files_stay_small_and_no_argument_lists_are_waved_through() {
    let src = root().join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let lines = text.lines().count();
        assert!(lines <= 600, "{}: {lines} lines", file.display());
        assert!(
            !text.contains("too_many_arguments"),
            "{}: a too_many_arguments allow",
            file.display()
        );
    }
}
