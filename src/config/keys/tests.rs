use super::{Check, KEYS, Key};
use crate::config::testing::{EXAMPLE, load};

const OPERATING: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/operating.md");

#[test]
fn every_key_is_read_once_in_the_tables_order() {
    let config = load("", &[]).unwrap();
    let read: Vec<&str> = config.printed.iter().map(|(name, _)| *name).collect();
    let table: Vec<&str> = KEYS.iter().map(|key| key.name).collect();
    assert_eq!(read, table);
}

#[test]
fn names_and_variables_are_unique_and_secrets_have_one() {
    for (i, key) in KEYS.iter().enumerate() {
        assert!(key.name.contains('.'), "`{}` has no section", key.name);
        for other in &KEYS[i + 1..] {
            assert_ne!(key.name, other.name);
            assert!(key.env.is_none() || key.env != other.env, "{:?}", key.env);
        }
        assert!(!key.secret || key.env.is_some(), "{}", key.name);
    }
}

/// `(section, key)` of each `key = value` line of the example, commented out or not.
fn example_keys() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(EXAMPLE).unwrap();
    let mut section = String::new();
    let mut found = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.to_owned();
        } else if let Some((key, _)) = line.trim_start_matches("# ").split_once(" = ") {
            found.push((section.clone(), key.to_owned()));
        }
    }
    found
}

#[test]
fn the_example_file_lists_every_key_in_its_section() {
    let listed = example_keys();
    for key in KEYS {
        let entry = (key.section().to_owned(), key.leaf().to_owned());
        assert!(
            listed.contains(&entry),
            "config/zoom-mirror.example.toml lacks `{}` under [{}]",
            key.leaf(),
            key.section()
        );
    }
}

/// The row of the docs' table of keys for `key`.
fn row(key: &Key) -> String {
    let env = match (key.env, key.secret) {
        (Some(var), true) => format!("`{var}` (secret)"),
        (Some(var), false) => format!("`{var}`"),
        (None, _) => "—".to_owned(),
    };
    let default = match key.default.toml() {
        Some(value) => format!("`{value}`"),
        None => "—".to_owned(),
    };
    let bounds = match key.check {
        Check::Range { words, .. } => format!(" ({words})"),
        _ => String::new(),
    };
    format!(
        "| `{}` | {env} | {default} | {}{bounds} |",
        key.name, key.doc
    )
}

#[test]
fn the_operating_guide_lists_every_key() {
    let text = std::fs::read_to_string(OPERATING).unwrap();
    let missing: Vec<String> = KEYS
        .iter()
        .map(row)
        .filter(|row| !text.lines().any(|line| line == row))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/operating.md lacks these rows of its table of keys:\n{}",
        missing.join("\n")
    );
}
