//! What Zoom documents of each answer, from `zoom_response_schemas.json` (made by
//! `tools/extract-zoom-schemas.py --responses`), and the check of one answer against it.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use jsonschema::Validator;
use serde_json::Value;

use zoom_api::endpoint::Endpoint;

/// Zoom's schemas mark almost nothing required, so a listing that left out its paging fields
/// would pass. These are the envelope's fields: where a listing's schema documents one, the
/// answer must carry it.
const ENVELOPE: [&str; 7] = [
    "page_count",
    "page_number",
    "page_size",
    "total_records",
    "next_page_token",
    "from",
    "to",
];

/// An answer Zoom's files do not document but the simulator gives on purpose, with why; each
/// must still have a body of Zoom's error shape. `None` applies to every operation.
pub(super) struct Extra {
    pub endpoint: Option<Endpoint>,
    pub status: u16,
    /// The Zoom error code; `None` for a success.
    pub code: Option<i64>,
    pub why: &'static str,
}

pub(super) struct Operation {
    /// Success status → body schema (`None`: Zoom documents no body).
    successes: HashMap<u16, Option<Validator>>,
    /// Error status → the Zoom error codes its description lists (empty: it lists none).
    errors: HashMap<u16, HashSet<i64>>,
}

pub(super) struct Contract {
    operations: HashMap<String, Operation>,
    error: Validator,
    /// Statuses any call can answer, with their codes (401/124, 429/429).
    every_call: HashMap<u16, HashSet<i64>>,
}

pub(super) static CONTRACT: LazyLock<Contract> = LazyLock::new(|| {
    let file: Value = serde_json::from_str(include_str!("../zoom_response_schemas.json"))
        .expect("zoom_response_schemas.json is JSON");
    let operations = file["operations"]
        .as_object()
        .expect("an `operations` object")
        .iter()
        .map(|(name, op)| (name.clone(), operation(name, op)))
        .collect();
    Contract {
        operations,
        error: validator(&file["error"]["schema"]),
        every_call: codes_by_status(&file["error"]["every_call"]),
    }
});

fn operation(name: &str, op: &Value) -> Operation {
    let successes = op["responses"]
        .as_object()
        .unwrap_or_else(|| panic!("{name}: no responses"))
        .iter()
        .map(|(status, schema)| {
            let schema = (!schema.is_null()).then(|| validator(&with_envelope(schema.clone())));
            (parse_status(status), schema)
        })
        .collect();
    Operation {
        successes,
        errors: codes_by_status(&op["errors"]),
    }
}

fn with_envelope(mut schema: Value) -> Value {
    let documented: Vec<Value> = ENVELOPE
        .iter()
        .filter(|key| schema["properties"].get(**key).is_some())
        .map(|key| Value::from(*key))
        .collect();
    if let Value::Object(map) = &mut schema
        && !documented.is_empty()
    {
        let required = map
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(required) = required {
            // Some answers (the chat sessions) require their envelope already.
            let missing: Vec<Value> = (documented.into_iter())
                .filter(|key| !required.contains(key))
                .collect();
            required.extend(missing);
        }
    }
    schema
}

fn validator(schema: &Value) -> Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("a schema in zoom_response_schemas.json does not build: {e}"))
}

fn codes_by_status(value: &Value) -> HashMap<u16, HashSet<i64>> {
    value
        .as_object()
        .expect("codes by status")
        .iter()
        .map(|(status, codes)| {
            let codes = codes
                .as_array()
                .expect("a list of codes")
                .iter()
                .map(|c| c.as_i64().expect("an integer code"))
                .collect();
            (parse_status(status), codes)
        })
        .collect()
}

fn parse_status(status: &str) -> u16 {
    status.parse().expect("a numeric status")
}

impl Contract {
    fn operation(&self, endpoint: Endpoint) -> &Operation {
        self.operations
            .get(endpoint.operation())
            .unwrap_or_else(|| panic!("{endpoint}: not in zoom_response_schemas.json"))
    }

    /// What is wrong with answering `status` and `body` to a call of `endpoint`, and the extra
    /// that allowed an undocumented answer, if one did.
    pub fn check(
        &self,
        endpoint: Endpoint,
        status: u16,
        body: &[u8],
        extras: &'static [Extra],
    ) -> (Vec<String>, Option<usize>) {
        let op = self.operation(endpoint);
        let json = || serde_json::from_slice::<Value>(body).map_err(|e| format!("not JSON: {e}"));
        let invalid = |validator: &Validator, value: &Value| -> Vec<String> {
            validator
                .iter_errors(value)
                .map(|e| format!("{} at `{}`", e, e.instance_path()))
                .collect()
        };
        let extra = |code: Option<i64>| {
            extras.iter().position(|x| {
                x.endpoint.is_none_or(|e| e == endpoint) && x.status == status && x.code == code
            })
        };
        if (200..300).contains(&status) {
            let allowed = extra(None);
            let problems = match op.successes.get(&status) {
                None if allowed.is_none() => vec!["a success status Zoom does not document".into()],
                Some(Some(schema)) => match json() {
                    Ok(value) => invalid(schema, &value),
                    Err(e) => vec![e],
                },
                _ if body.is_empty() => Vec::new(),
                _ => vec!["a body where Zoom documents none".into()],
            };
            return (problems, allowed);
        }
        let value = match json() {
            Ok(value) => value,
            Err(e) => return (vec![e], None),
        };
        let mut problems = invalid(&self.error, &value);
        let code = value["code"].as_i64();
        if let Some(allowed) = extra(code) {
            return (problems, Some(allowed));
        }
        let documented = op.errors.get(&status).or(self.every_call.get(&status));
        match documented {
            None => problems.push("an error status the operation does not document".into()),
            Some(codes) => {
                let mut codes = codes.clone();
                codes.extend(self.every_call.get(&status).into_iter().flatten());
                if !codes.is_empty() && !code.is_some_and(|c| codes.contains(&c)) {
                    let mut listed: Vec<_> = codes.into_iter().collect();
                    listed.sort_unstable();
                    problems.push(format!("code {code:?} is not among {listed:?}"));
                }
            }
        }
        (problems, None)
    }
}

#[test]
fn the_check_finds_answers_zoom_does_not_document() {
    use serde_json::json;

    let check = |endpoint, status, body: &Value| {
        CONTRACT
            .check(endpoint, status, body.to_string().as_bytes(), &[])
            .0
    };
    let page = json!({"page_count": 1, "page_number": 1, "page_size": 30, "total_records": 1,
        "next_page_token": "", "users": [{"id": "u1", "email": "ann@example.com", "type": 1,
        "status": "active", "created_at": "2026-03-01T10:00:00Z"}]});
    assert_eq!(check(Endpoint::ListUsers, 200, &page), Vec::<String>::new());
    let mut short = page.clone();
    short.as_object_mut().unwrap().remove("page_count");
    let mut late = page.clone();
    late["users"][0]["created_at"] = json!("yesterday");
    let mut typed = page.clone();
    typed["users"][0]["type"] = json!("1");
    for (wrong, found) in [(short, "page_count"), (late, "yesterday"), (typed, "\"1\"")] {
        let problems = check(Endpoint::ListUsers, 200, &wrong).join("\n");
        assert!(problems.contains(found), "{wrong}: {problems}");
    }

    let missing = json!({"code": 1001, "message": "User does not exist: u1."});
    assert_eq!(
        check(Endpoint::GetUser, 404, &missing),
        Vec::<String>::new()
    );
    let expired = json!({"code": 124, "message": "Access token is expired."});
    assert_eq!(
        check(Endpoint::GetUser, 401, &expired),
        Vec::<String>::new()
    );
    for (status, wrong, found) in [
        (
            404,
            json!({"code": 3001, "message": "Meeting 1 is not found."}),
            "3001",
        ),
        (
            409,
            json!({"code": 1005, "message": "Email a@b.c has already been used."}),
            "status",
        ),
        (404, json!({"code": 1001}), "message"),
        (
            404,
            json!({"code": 1001, "message": "x", "error": "not_found"}),
            "error",
        ),
    ] {
        let problems = check(Endpoint::GetUser, status, &wrong).join("\n");
        assert!(problems.contains(found), "{wrong}: {problems}");
    }

    let deleted = |body: &[u8]| CONTRACT.check(Endpoint::DeleteUser, 204, body, &[]).0;
    assert!(deleted(b"").is_empty());
    assert!(!deleted(b"{}").is_empty());
}
