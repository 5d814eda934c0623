//! Turns a `zoom.write_queue` row into the exact Zoom call, or into a reason naming the field,
//! before anything is sent. Pure: no I/O, no clock.
//!
//! Order: the action, then the payload's shape, then the target, then the payload against
//! Zoom's own request schema (`zoom_schemas.json`), then Zoom's documented rules the schemas
//! cannot say (`rules.rs`). The first failure wins, so a row fails with one clear reason.

mod formats;
mod query;
mod raw;
mod route;
mod rules;
mod schema;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

use super::action::Action;
use super::request::ZoomRequest;

/// Why a row cannot become a Zoom call. `field` is `action`, `target`, `payload` or a path
/// into the payload such as `payload.registrants[2].email`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct Invalid {
    pub field: String,
    pub reason: String,
}

impl Invalid {
    pub(crate) fn new(field: impl Into<String>, reason: impl Into<String>) -> Invalid {
        Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// The path of the payload's root in every `Invalid::field`.
const PAYLOAD: &str = "payload";

/// Validates one row. `allow_raw` is the `write_back.allow_raw` setting.
pub fn validate(
    action: &str,
    target: Option<&str>,
    payload: &Value,
    allow_raw: bool,
) -> Result<ZoomRequest, Invalid> {
    let action = Action::parse(action).ok_or_else(|| unknown_action(action))?;
    if action == Action::Raw && !allow_raw {
        return Err(Invalid::new(
            "action",
            "raw actions are off; set write_back.allow_raw = true in the config to allow them",
        ));
    }
    let payload = object(PAYLOAD, payload)?;
    match action {
        Action::Raw => raw::request(payload),
        _ => route::request(action, target, payload),
    }
}

/// Reads a row's payload from its JSON text. serde_json stops at 128 levels of nesting (its
/// recursion limit) and at numbers past a 64-bit float; PostgreSQL stores deeper and larger
/// ones, so such a row fails here, on its first attempt, with the reason.
pub fn decode(text: &str) -> Result<Value, Invalid> {
    serde_json::from_str(text).map_err(|error| {
        let hint = if error.to_string().starts_with("recursion limit exceeded") {
            "nested 128 or more arrays and objects deep; the worker reads at most 127"
        } else {
            "the worker cannot read it as JSON"
        };
        Invalid::new(PAYLOAD, format!("{hint} ({error})"))
    })
}

fn unknown_action(name: &str) -> Invalid {
    let known: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
    Invalid::new(
        "action",
        format!("unknown action {name:?}; known: {}", known.join(", ")),
    )
}

/// The value as an object, or an error naming its JSON type.
fn object<'a>(field: &str, value: &'a Value) -> Result<&'a Map<String, Value>, Invalid> {
    value.as_object().ok_or_else(|| {
        Invalid::new(
            field,
            format!("must be an object, got {}", formats::json_type(value)),
        )
    })
}
