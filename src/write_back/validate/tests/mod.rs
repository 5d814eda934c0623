//! Table-driven: each row is a write-queue row and the exact call or the exact reason.

mod actions;
mod arbitrary;
mod raw;
mod rules;
mod schema;

use serde_json::{Value, json};

use super::route::route;
use super::{Invalid, schema as schemas, validate};
use crate::write_back::{Action, ZoomRequest};

/// One row expected to fail: action, target, payload, then the field and reason.
type Failing = (
    &'static str,
    Option<&'static str>,
    Value,
    &'static str,
    String,
);

fn accepted(action: &str, target: Option<&str>, payload: Value) -> ZoomRequest {
    validate(action, target, &payload, true)
        .unwrap_or_else(|invalid| panic!("{action} {target:?} {payload}: {invalid}"))
}

/// Runs every case and reports all mismatches at once.
fn assert_failures(cases: Vec<Failing>) {
    let wrong: Vec<String> = cases
        .into_iter()
        .filter_map(|(action, target, payload, field, reason)| {
            let expected = Invalid::new(field, reason);
            match validate(action, target, &payload, true) {
                Err(got) if got == expected => None,
                got => Some(format!(
                    "{action} {target:?} {payload}\n   expected Err({expected})\n   got {got:?}"
                )),
            }
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "{} case(s):\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// `base` with `patch` merged in (RFC 7396: objects merge, `null` removes a key).
fn with(mut base: Value, patch: Value) -> Value {
    merge(&mut base, patch);
    base
}

fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(base), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    base.remove(&key);
                } else {
                    merge(base.entry(key).or_insert(Value::Null), value);
                }
            }
        }
        (base, patch) => *base = patch,
    }
}

/// Valid payloads the rule and schema tables start from.
fn new_user() -> Value {
    json!({"action": "create", "user_info": {"email": "jchill@example.com", "type": 1}})
}

fn new_meeting() -> Value {
    json!({"topic": "Standup", "type": 2, "start_time": "2026-12-01T09:00:00Z", "duration": 30})
}

fn recurring() -> Value {
    json!({"type": 8, "start_time": "2026-12-01T09:00:00Z",
           "recurrence": {"type": 2, "repeat_interval": 1, "weekly_days": "2,4", "end_times": 10}})
}

fn status() -> Value {
    json!({"action": "approve", "registrants": [{"id": "9tboDiHUQAeOnbmudzWa5g"}]})
}

#[test]
fn every_action_has_a_route_and_a_schema() {
    let data: Value = serde_json::from_str(include_str!("../zoom_schemas.json")).unwrap();
    let mut unused: Vec<&String> = data["operations"].as_object().unwrap().keys().collect();
    for action in Action::ALL {
        let Some(route) = route(action) else {
            assert_eq!(action, Action::Raw, "only raw names its own call");
            continue;
        };
        let id = route.endpoint.operation();
        let operation = schemas::operation(id);
        assert_eq!(
            operation.body.is_none(),
            route.method == reqwest::Method::DELETE,
            "{action}: only deletes take no body"
        );
        unused.retain(|name| *name != id);
    }
    assert!(unused.is_empty(), "schemas no action uses: {unused:?}");
}

#[test]
#[rustfmt::skip]
fn action_and_payload_shape() {
    let known = Action::ALL.map(Action::as_str).join(", ");
    assert_failures(vec![
        ("meeting.upsert", None, json!({}), "action", format!("unknown action \"meeting.upsert\"; known: {known}")),
        ("user.create", None, json!([1, 2]), "payload", "must be an object, got an array".into()),
        ("user.create", None, json!("x"), "payload", "must be an object, got a string".into()),
        ("meeting.delete", Some("1"), Value::Null, "payload", "must be an object, got null".into()),
    ]);
}

/// The text between the quotes that open `text`, and what follows the closing one.
fn quoted(text: &str) -> Option<(&str, &str)> {
    text.strip_prefix('\'')?.split_once('\'')
}

/// The (action, target, payload) of every `INSERT` in docs/write-back.md.
fn documented_examples() -> Vec<(&'static str, Option<&'static str>, Value)> {
    const INSERT: &str = "INSERT INTO zoom.write_queue (action, target, payload) VALUES (";
    let doc = include_str!("../../../../docs/write-back.md");
    let examples: Vec<&str> = doc.split(INSERT).skip(1).collect();
    assert_eq!(examples.len(), 10, "one example per section");
    examples
        .into_iter()
        .map(|example| {
            let (action, rest) = quoted(example).expect("the action in quotes");
            let rest = rest.strip_prefix(", ").unwrap();
            let (target, rest) = match rest.strip_prefix("NULL") {
                Some(rest) => (None, rest),
                None => quoted(rest)
                    .map(|(t, r)| (Some(t), r))
                    .expect("a quoted target"),
            };
            let (payload, _) =
                quoted(rest.trim_start_matches([',', ' ', '\n'])).expect("the payload");
            (action, target, serde_json::from_str(payload).expect("JSON"))
        })
        .collect()
}

/// Every `INSERT` in docs/write-back.md passes.
#[test]
fn documented_examples_are_valid() {
    for (action, target, payload) in documented_examples() {
        accepted(action, target, payload);
    }
}

#[test]
fn reason_reads_field_first() {
    let invalid = Invalid::new("payload.topic", "must be at most 200 characters (got 201)");
    assert_eq!(
        invalid.to_string(),
        "payload.topic: must be at most 200 characters (got 201)"
    );
}
