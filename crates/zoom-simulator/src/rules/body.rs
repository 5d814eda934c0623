//! Request bodies as Zoom reads them: a JSON object (else 400/300), whose fields must have the
//! right type (else Zoom's validation answer naming the field by its path,
//! `{"field":"user_info.email","message":"Invalid field."}`, as
//! <https://developers.zoom.us/docs/api/errors/> shows). `null` counts as absent.

use axum::body::Bytes;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde_json::{Map, Value};

use crate::rules::respond::{self, Refusal};

/// The body as an object; an empty body counts as `{}`.
pub(crate) fn object(body: &Bytes) -> Result<Map<String, Value>, Refusal> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(respond::body_not_json().into()),
    }
}

/// Typed reads of one object's fields; `prefix` is the object's path in error messages.
#[derive(Debug, Clone)]
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Value>,
    prefix: String,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>) -> Self {
        Fields {
            map,
            prefix: String::new(),
        }
    }

    /// Zoom's 400/300 naming `key` by its full path.
    pub fn invalid(&self, key: &str) -> Refusal {
        respond::validation_failed(&format!("{}{key}", self.prefix)).into()
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn string(&self, key: &str) -> Result<Option<&'a str>, Refusal> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.invalid(key)),
        }
    }

    /// A string of at most `max` characters.
    pub fn text(&self, key: &str, max: usize) -> Result<Option<&'a str>, Refusal> {
        match self.string(key)? {
            Some(s) if s.chars().count() > max => Err(self.invalid(key)),
            found => Ok(found),
        }
    }

    /// A whole number, written as one or as a string of digits (Zoom takes both).
    pub fn integer(&self, key: &str) -> Result<Option<i64>, Refusal> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| self.invalid(key)),
            Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| self.invalid(key)),
            Some(_) => Err(self.invalid(key)),
        }
    }

    /// A whole number within `range`.
    pub fn integer_in(
        &self,
        key: &str,
        range: std::ops::RangeInclusive<i64>,
    ) -> Result<Option<i64>, Refusal> {
        match self.integer(key)? {
            Some(n) if !range.contains(&n) => Err(self.invalid(key)),
            found => Ok(found),
        }
    }

    pub fn boolean(&self, key: &str) -> Result<Option<bool>, Refusal> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) => flag(s).map(Some).ok_or_else(|| self.invalid(key)),
            Some(_) => Err(self.invalid(key)),
        }
    }

    /// A date-time: UTC with `Z`, with an offset, or local (`yyyy-MM-ddTHH:mm:ss`, which Zoom
    /// reads in the `timezone` field's zone; the simulator has no zone database and reads it
    /// as UTC).
    pub fn time(&self, key: &str) -> Result<Option<DateTime<Utc>>, Refusal> {
        let Some(s) = self.string(key)? else {
            return Ok(None);
        };
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").map(|t| t.and_utc()))
            .map(Some)
            .map_err(|_| self.invalid(key))
    }

    pub fn object(&self, key: &str) -> Result<Option<Fields<'a>>, Refusal> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Fields {
                map,
                prefix: format!("{}{key}.", self.prefix),
            })),
            Some(_) => Err(self.invalid(key)),
        }
    }

    pub fn array(&self, key: &str) -> Result<Option<&'a [Value]>, Refusal> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(_) => Err(self.invalid(key)),
        }
    }

    /// The object itself, for keeping what the simulator does not model.
    pub fn map(&self) -> &'a Map<String, Value> {
        self.map
    }
}

/// `true`/`false` as a query parameter or a string field spells them.
pub(crate) fn flag(s: &str) -> Option<bool> {
    match s {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Enough of an address to be one: something, `@`, a domain with a dot; at most 128 characters.
pub(crate) fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.chars().count() <= 128
        && !local.is_empty()
        && !s.chars().any(char::is_whitespace)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use axum::response::IntoResponse;
    use serde_json::json;

    use super::*;

    fn fields(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    fn field_of(refusal: Refusal) -> String {
        let refusal = refusal.into_response();
        assert_eq!(refusal.status(), 400);
        let body = futures::executor::block_on(axum::body::to_bytes(refusal.into_body(), 4096));
        let body: Value = serde_json::from_slice(&body.unwrap()).unwrap();
        body["errors"][0]["field"].as_str().unwrap().to_owned()
    }

    #[test]
    fn bodies_must_be_objects() {
        assert!(object(&Bytes::from_static(b" ")).unwrap().is_empty());
        assert!(object(&Bytes::from_static(b"[1]")).is_err());
        assert!(object(&Bytes::from_static(b"{\"a\":")).is_err());
    }

    #[test]
    fn fields_read_leniently_and_name_their_path_when_wrong() {
        let map = fields(json!({
            "type": "2",
            "n": 3,
            "flag": "true",
            "gone": null,
            "user_info": { "email": 7, "first_name": "Ann" },
            "start": "2026-03-10T09:00:00Z",
            "local": "2026-03-10T09:00:00",
        }));
        let f = Fields::new(&map);
        assert_eq!(f.integer("type").unwrap(), Some(2));
        assert_eq!(f.integer_in("n", 1..=2).map_err(field_of), Err("n".into()));
        assert_eq!(f.boolean("flag").unwrap(), Some(true));
        assert_eq!(f.string("gone").unwrap(), None);
        let info = f.object("user_info").unwrap().unwrap();
        assert_eq!(
            info.string("email").map_err(field_of),
            Err("user_info.email".into())
        );
        assert_eq!(
            info.text("first_name", 2).map_err(field_of),
            Err("user_info.first_name".into())
        );
        assert_eq!(f.time("start").unwrap(), f.time("local").unwrap());
        assert!(f.time("type").is_err());
    }

    #[test]
    fn emails_need_a_local_part_and_a_domain() {
        assert!(is_email("jill.chill@example.com"));
        for bad in [
            "",
            "jill",
            "@example.com",
            "jill@example",
            "a b@example.com",
        ] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
