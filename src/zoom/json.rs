//! Lenient reading of Zoom's JSON fields: a field that is missing or of an unexpected type is
//! `None` rather than an error, since `raw` keeps the object whole anyway.

use chrono::{DateTime, Utc};
use serde_json::Value;

/// A non-empty string, or a number written out (Zoom sends some ids either way).
pub(crate) fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Zoom sends some numbers as strings, and ids above 2^53 must not pass through a float.
pub(crate) fn integer(v: &Value, key: &str) -> Option<i64> {
    match v.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub(crate) fn timestamp(v: &Value, key: &str) -> Option<DateTime<Utc>> {
    let s = v.get(key)?.as_str()?;
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// "an array", "a string": a JSON value's type, for "must be …, got …".
pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Replaces U+0000, which PostgreSQL's `text` and `jsonb` refuse, with U+FFFD in every string
/// and key of `value`, and says how many strings it changed.
pub(crate) fn replace_nul(value: &mut Value) -> usize {
    const NUL: char = '\u{0}';
    let fix = |s: &mut String| {
        let had = s.contains(NUL);
        if had {
            *s = s.replace(NUL, "\u{FFFD}");
        }
        usize::from(had)
    };
    match value {
        Value::String(s) => fix(s),
        Value::Array(items) => items.iter_mut().map(replace_nul).sum(),
        Value::Object(map) => {
            let mut changed: usize = map.values_mut().map(replace_nul).sum();
            if map.keys().any(|k| k.contains(NUL)) {
                let entries = std::mem::take(map);
                for (mut key, v) in entries {
                    changed += fix(&mut key);
                    map.insert(key, v);
                }
            }
            changed
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => 0,
    }
}

/// Fits an integer field into an `i32` column.
pub(crate) fn small_integer(v: &Value, key: &str) -> Option<i32> {
    integer(v, key).and_then(|n| i32::try_from(n).ok())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn fields_are_read_leniently() {
        let v = json!({"a": "", "b": 12, "c": "85746065432", "d": 1.5, "e": "2026-01-02T03:04:05Z", "f": ""});
        assert_eq!(text(&v, "a"), None);
        assert_eq!(text(&v, "b").as_deref(), Some("12"));
        assert_eq!(integer(&v, "c"), Some(85_746_065_432));
        assert_eq!(integer(&v, "d"), None);
        assert_eq!(small_integer(&v, "c"), None);
        assert_eq!(
            timestamp(&v, "e").unwrap().to_rfc3339(),
            "2026-01-02T03:04:05+00:00"
        );
        assert_eq!(timestamp(&v, "f"), None);
    }

    #[test]
    fn nul_is_replaced_everywhere_and_counted() {
        let mut v = json!({"first_name": "A\u{0}B", "ok": "fine", "n": 1,
            "list": ["\u{0}", {"k\u{0}": "x\u{0}y"}]});
        assert_eq!(replace_nul(&mut v), 4);
        assert_eq!(
            v,
            json!({"first_name": "A\u{FFFD}B", "ok": "fine", "n": 1,
                "list": ["\u{FFFD}", {"k\u{FFFD}": "x\u{FFFD}y"}]})
        );
        assert_eq!(replace_nul(&mut v), 0);
    }
}
