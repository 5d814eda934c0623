//! Properties over arbitrary rows: whatever a writer inserts, the validator answers without a
//! panic, either with a call or with a reason naming a field. Rows are arbitrary JSON of any
//! shape and depth, and the documented examples with one part replaced, removed or added, so
//! that the deeper checks run too.

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde_json::{Map, Number, Value};

use super::documented_examples;
use crate::write_back::validate::{decode, validate};
use crate::write_back::{Action, Invalid};

/// Every property name in Zoom's request schemas, and raw's own keys.
fn schema_keys() -> Vec<String> {
    fn collect(value: &Value, keys: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    keys.extend(properties.keys().cloned());
                }
                map.values().for_each(|v| collect(v, keys));
            }
            Value::Array(items) => items.iter().for_each(|v| collect(v, keys)),
            _ => {}
        }
    }
    let schemas: Value = serde_json::from_str(include_str!("../zoom_schemas.json")).unwrap();
    let mut keys = vec!["method", "path", "query", "body"]
        .into_iter()
        .map(String::from)
        .collect();
    collect(&schemas, &mut keys);
    keys.sort();
    keys.dedup();
    keys
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![3 => prop::sample::select(schema_keys()), 1 => ".{0,12}"]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("JSON has no NaN or infinity", |f| {
            Number::from_f64(f).map(Value::Number)
        }),
        ".{0,40}".prop_map(Value::String),
        // Strings shaped like the ones the rules look at.
        prop_oneof![
            "[a-z.]{1,10}@[a-z]{1,8}\\.[a-z]{2,3}",
            "20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z?",
            "[0-9]{1,12}",
            "(GET|POST|PATCH|PUT|DELETE) ?",
            "/[a-z{}/ %.]{0,30}",
        ]
        .prop_map(Value::String),
    ]
}

/// Values of any shape, a few levels deep.
fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A leaf under up to 300 levels of arrays and objects, past serde_json's reading limit.
fn deep() -> impl Strategy<Value = Value> {
    (
        leaf(),
        prop::collection::vec((any::<bool>(), key()), 0..300),
    )
        .prop_map(|(leaf, levels)| {
            levels.into_iter().fold(leaf, |inner, (array, key)| {
                if array {
                    Value::Array(vec![inner])
                } else {
                    Value::Object(Map::from_iter([(key, inner)]))
                }
            })
        })
}

fn any_json() -> impl Strategy<Value = Value> {
    prop_oneof![4 => json(), 1 => deep()]
}

fn action() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(Action::ALL.map(Action::as_str).to_vec()).prop_map(String::from),
        1 => ".{0,30}",
    ]
}

fn target() -> impl Strategy<Value = Option<String>> {
    prop::option::of(prop_oneof![
        "[0-9]{1,20}",
        "-?[0-9]{1,25}",
        "[a-zA-Z0-9_-]{1,24}",
        "[a-z]{1,8}@[a-z]{1,8}\\.com",
        ".{0,30}",
    ])
}

/// Replaces (with `Some`) or removes (with `None`) the member `picks` leads to: each pick
/// descends into a member, or stops at the object it is in and sets `key` there.
fn mutate(value: &mut Value, picks: &[usize], key: String, new: Option<Value>) {
    match (value, picks.split_first()) {
        (Value::Object(map), Some((&pick, rest))) if !map.is_empty() && pick % 4 != 0 => {
            let child = map
                .keys()
                .nth(pick % map.len())
                .cloned()
                .unwrap_or_default();
            if let Some(child) = map.get_mut(&child) {
                mutate(child, rest, key, new);
            }
        }
        (Value::Array(items), Some((&pick, rest))) if !items.is_empty() => {
            let n = items.len();
            mutate(&mut items[pick % n], rest, key, new);
        }
        (Value::Object(map), _) => match new {
            Some(new) => {
                map.insert(key, new);
            }
            None => {
                let gone = map.keys().next().cloned().unwrap_or_default();
                map.remove(&gone);
            }
        },
        (other, _) => {
            if let Some(new) = new {
                *other = new;
            }
        }
    }
}

/// A documented, valid row with one part changed: the action, the target, or a member.
fn near_valid() -> impl Strategy<Value = (String, Option<String>, Value)> {
    let examples = documented_examples();
    let n = examples.len();
    (
        0..n,
        prop::collection::vec(any::<usize>(), 0..5),
        key(),
        prop::option::weighted(0.85, any_json()),
        prop::option::weighted(0.1, action()),
        prop::option::weighted(0.1, target()),
    )
        .prop_map(move |(i, picks, key, new, action, target)| {
            let (example_action, example_target, mut payload) = examples[i].clone();
            mutate(&mut payload, &picks, key, new);
            (
                action.unwrap_or_else(|| example_action.to_owned()),
                target.unwrap_or_else(|| example_target.map(String::from)),
                payload,
            )
        })
}

/// The validator's contract: a request for the row's own action, or a reason naming a field.
fn answers(
    action: &str,
    target: Option<&str>,
    payload: &Value,
    allow_raw: bool,
) -> Result<(), TestCaseError> {
    match validate(action, target, payload, allow_raw) {
        Ok(request) => prop_assert_eq!(request.action.as_str(), action),
        Err(Invalid { field, reason }) => {
            prop_assert!(
                ["action", "target", "payload"].contains(&field.as_str())
                    || field.starts_with("payload.")
                    || field.starts_with("payload["),
                "names no field: {field}: {reason}"
            );
            prop_assert!(!reason.trim().is_empty(), "{field} has no reason");
            if Action::parse(action).is_none() {
                prop_assert_eq!(field, "action");
            }
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn arbitrary_rows_are_accepted_or_name_a_field(
        action in action(),
        target in target(),
        payload in any_json(),
        allow_raw in any::<bool>(),
    ) {
        answers(&action, target.as_deref(), &payload, allow_raw)?;
    }

    #[test]
    fn nearly_valid_rows_are_accepted_or_name_a_field(
        (action, target, payload) in near_valid(),
        allow_raw in any::<bool>(),
    ) {
        answers(&action, target.as_deref(), &payload, allow_raw)?;
    }

    /// As the claim hands it over: the payload's JSON text, read with serde_json's limits.
    #[test]
    fn payload_text_is_read_or_names_the_payload(payload in any_json(), levels in 1usize..400) {
        let text = payload.to_string();
        match decode(&text) {
            Ok(read) => answers("user.update", Some("u"), &read, false)?,
            Err(invalid) => prop_assert_eq!(invalid.field, "payload"),
        }
        let nested = format!("{}{}", "[".repeat(levels), "]".repeat(levels));
        match decode(&nested) {
            Ok(_) => prop_assert!(levels < 128, "{} levels were read", levels),
            Err(invalid) => {
                prop_assert!(levels >= 128, "{} levels: {}", levels, invalid);
                prop_assert!(invalid.reason.starts_with("nested 128 or more"), "{}", invalid);
            }
        }
    }
}
