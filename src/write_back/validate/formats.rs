//! Small value checks shared by the schema walker and the rules, and how values are named in
//! reasons.

use chrono::NaiveDateTime;
use serde_json::Value;

pub(super) use crate::zoom::json::json_type;

/// A value as JSON for a reason, cut short: reasons land in `last_error`, not a dump.
pub(super) fn shown(value: &Value) -> String {
    const MAX: usize = 40;
    let text = value.to_string();
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// An integer-valued JSON number. Floats count only where a double holds them exactly, so
/// `5.0` is 5 but `1e300` is no integer at all.
pub(super) fn integer(value: &Value) -> Option<i128> {
    let n = value.as_number()?;
    if let Some(i) = n.as_i64() {
        return Some(i.into());
    }
    if let Some(u) = n.as_u64() {
        return Some(u.into());
    }
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    let f = n.as_f64()?;
    (f.fract() == 0.0 && f.abs() <= EXACT).then_some(f as i128)
}

/// A query value as Zoom reads it: booleans as `true`/`false`, integers as digits (`30.0` as
/// `30`), other numbers and strings as they are; `None` for null, arrays and objects.
pub(super) fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Number(n) => Some(integer(value).map_or_else(|| n.to_string(), |i| i.to_string())),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Length as Zoom counts it in its limits: characters, not bytes.
pub(super) fn chars(text: &str) -> usize {
    text.chars().count()
}

/// Han ideographs, which Zoom caps separately in names ("no more than 5 Chinese characters").
pub(super) fn chinese(text: &str) -> usize {
    text.chars()
        .filter(|c| {
            matches!(u32::from(*c),
                0x3400..=0x4DBF       // Extension A
                | 0x4E00..=0x9FFF     // Unified Ideographs
                | 0xF900..=0xFAFF     // Compatibility Ideographs
                | 0x20000..=0x323AF) // Extensions B to H
        })
        .count()
}

/// Enough of an address to catch a wrong column or a missing domain; Zoom has the last word.
pub(super) fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && domain.split('.').all(|label| !label.is_empty())
        && !domain.contains('@')
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// The two forms Zoom takes for a time (<https://developers.zoom.us/docs/api/using-zoom-apis/>):
/// `yyyy-MM-ddTHH:mm:ssZ` in UTC, or `yyyy-MM-ddTHH:mm:ss` in the `timezone` given beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ZoomTime {
    Utc,
    Local,
}

pub(super) const ZOOM_TIME_FORMS: &str =
    "yyyy-MM-ddTHH:mm:ssZ (UTC) or yyyy-MM-ddTHH:mm:ss (local time in `timezone`)";

pub(super) fn zoom_time(text: &str) -> Option<ZoomTime> {
    let (local, kind) = match text.strip_suffix('Z') {
        Some(local) => (local, ZoomTime::Utc),
        None => (text, ZoomTime::Local),
    };
    // The length pins the shape chrono would otherwise stretch (a 5-digit year, no padding).
    (local.len() == 19 && NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M:%S").is_ok())
        .then_some(kind)
}
