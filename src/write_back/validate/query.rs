//! A payload holds Zoom's body and the operation's query options side by side; this splits
//! them and renders each query value the way Zoom reads it.

use serde_json::{Map, Value};

use super::formats::scalar;
use super::schema::{self, Operation};
use super::{Invalid, PAYLOAD};

pub(super) struct Split {
    pub query: Vec<(String, String)>,
    pub body: Map<String, Value>,
}

/// Sorts each payload key into the query or the body; a key that is neither fails here, with
/// the query options named, since the schema walk only knows the body.
pub(super) fn split(
    id: &str,
    op: &Operation,
    payload: &Map<String, Value>,
) -> Result<Split, Invalid> {
    let body_keys = op.body.as_ref().and_then(|body| body.properties.as_ref());
    let mut split = Split {
        query: Vec::new(),
        body: Map::new(),
    };
    for (key, value) in payload {
        let field = format!("{PAYLOAD}.{key}");
        if let Some(schema) = op.query.get(key) {
            let rendered = query_value(id, schema, key, value, &field)?;
            split.query.push((key.clone(), rendered));
        } else if body_keys.is_some_and(|keys| keys.contains_key(key)) {
            split.body.insert(key.clone(), value.clone());
        } else {
            return Err(Invalid::new(field, unknown(id, op)));
        }
    }
    Ok(split)
}

fn unknown(id: &str, op: &Operation) -> String {
    let options: Vec<&str> = op.query.keys().map(String::as_str).collect();
    let options = options.join(", ");
    match (&op.body, options.is_empty()) {
        (Some(_), true) => format!("unknown field; Zoom's {id} body has no such key"),
        (Some(_), false) => format!(
            "unknown field; Zoom's {id} body has no such key and its query options are {options}"
        ),
        (None, _) => {
            format!("unknown field; Zoom's {id} takes no body, only the query options {options}")
        }
    }
}

fn query_value(
    id: &str,
    schema: &schema::Schema,
    key: &str,
    value: &Value,
    field: &str,
) -> Result<String, Invalid> {
    if key == "occurrence_ids"
        && let Value::Array(ids) = value
    {
        return occurrence_ids(ids, field);
    }
    schema::check(schema, value, field, id)?;
    match scalar(value) {
        Some(text) if text.is_empty() => Err(Invalid::new(
            field,
            "must not be empty; leave the key out instead",
        )),
        Some(text) => Ok(text),
        None => Err(Invalid::new(field, "must be a string, number or boolean")),
    }
}

/// Zoom takes one comma-separated string; an array of ids is accepted too, as the natural
/// JSON for a list, and joined.
fn occurrence_ids(ids: &[Value], field: &str) -> Result<String, Invalid> {
    if ids.is_empty() {
        return Err(Invalid::new(field, "must name at least one occurrence id"));
    }
    let mut joined = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        match id.as_str() {
            Some(id) if !id.is_empty() && !id.contains(',') => joined.push(id),
            _ => {
                return Err(Invalid::new(
                    format!("{field}[{i}]"),
                    "must be an occurrence id: a non-empty string without commas",
                ));
            }
        }
    }
    Ok(joined.join(","))
}
