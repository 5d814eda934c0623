//! `raw`: any call the named actions do not cover, behind `write_back.allow_raw`. Zoom's schemas
//! are not consulted; the checks keep the call on Zoom's API base and well formed.

use percent_encoding::percent_decode_str;
use reqwest::Method;
use serde_json::{Map, Value};

use super::formats::{json_type, scalar};
use super::{Invalid, PAYLOAD, object};
use crate::write_back::{Action, Subject, ZoomRequest};
use crate::zoom::Endpoint;

const METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PATCH,
    Method::PUT,
    Method::DELETE,
];

/// The row's target is not read: a raw call names everything in its path.
pub(super) fn request(payload: &Map<String, Value>) -> Result<ZoomRequest, Invalid> {
    let field = |key: &str| format!("{PAYLOAD}.{key}");
    if let Some(key) = payload
        .keys()
        .find(|k| !matches!(k.as_str(), "method" | "path" | "query" | "body"))
    {
        return Err(Invalid::new(
            field(key),
            "unknown field; a raw payload has method, path, query and body",
        ));
    }
    let method =
        method(payload.get("method")).map_err(|reason| Invalid::new(field("method"), reason))?;
    let path = path(payload.get("path")).map_err(|reason| Invalid::new(field("path"), reason))?;
    let query = match payload.get("query") {
        Some(query) => self::query(object(&field("query"), query)?)?,
        None => Vec::new(),
    };
    let body = match payload.get("body") {
        None => None,
        Some(_) if method == Method::GET => {
            return Err(Invalid::new(
                field("body"),
                "must be left out: a GET takes no body",
            ));
        }
        Some(body @ (Value::Object(_) | Value::Array(_))) => Some(body.clone()),
        Some(other) => {
            return Err(Invalid::new(
                field("body"),
                format!("must be an object or an array, got {}", json_type(other)),
            ));
        }
    };
    Ok(ZoomRequest {
        action: Action::Raw,
        endpoint: Endpoint::Raw,
        method,
        path,
        query,
        body,
        subject: Subject::Raw,
    })
}

fn method(value: Option<&Value>) -> Result<Method, String> {
    let names: Vec<&str> = METHODS.iter().map(Method::as_str).collect();
    let allowed = || format!("must be one of {}", names.join(", "));
    let name = value.ok_or_else(|| format!("missing; {}", allowed()))?;
    METHODS
        .into_iter()
        .find(|m| name.as_str() == Some(m.as_str()))
        .ok_or_else(allowed)
}

/// Relative to the API base (`https://api.zoom.us/v2`), segments already percent-encoded.
fn path(value: Option<&Value>) -> Result<String, String> {
    const SHAPE: &str = "relative to the API base, like /users/me/meetings";
    let path = match value {
        None => return Err(format!("missing; a path {SHAPE}")),
        Some(Value::String(path)) => path,
        Some(other) => return Err(format!("must be a string, got {}", json_type(other))),
    };
    if !path.starts_with('/') || path.contains("://") || path.starts_with("//") {
        return Err(format!(
            "must start with / and name no scheme or host: a path {SHAPE}"
        ));
    }
    if path.contains('?') || path.contains('#') {
        return Err("must not contain ? or #; put query parameters in payload.query".to_owned());
    }
    if path
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return Err(
            "must not contain spaces, control characters or \\; percent-encode them".to_owned(),
        );
    }
    if path.contains("//") {
        return Err("must not contain empty segments (//)".to_owned());
    }
    // `.` and `..`, also percent-encoded, are resolved by URL parsers and leave the API base.
    let dots = path.split('/').any(|segment| {
        let decoded = percent_decode_str(segment).decode_utf8_lossy();
        decoded == "." || decoded == ".."
    });
    if dots {
        return Err("must not contain . or .. segments".to_owned());
    }
    Ok(path.clone())
}

/// Scalar values only, rendered as for the named actions.
fn query(query: &Map<String, Value>) -> Result<Vec<(String, String)>, Invalid> {
    query
        .iter()
        .map(|(key, value)| {
            let rendered = scalar(value).ok_or_else(|| {
                Invalid::new(
                    format!("{PAYLOAD}.query.{key}"),
                    format!(
                        "must be a string, number or boolean, got {}",
                        json_type(value)
                    ),
                )
            })?;
            Ok((key.clone(), rendered))
        })
        .collect()
}
