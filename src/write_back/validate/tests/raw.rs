//! `raw`: off unless allowed; otherwise only its shape is checked.

use reqwest::Method;
use serde_json::{Value, json};

use super::{Failing, accepted, assert_failures};
use crate::write_back::{Action, Invalid, Subject, ZoomRequest, validate};
use crate::zoom::Endpoint;

#[test]
fn off_unless_allowed() {
    let payload = json!({"method": "GET", "path": "/users/me"});
    assert_eq!(
        validate("raw", None, &payload, false),
        Err(Invalid::new(
            "action",
            "raw actions are off; set write_back.allow_raw = true in the config to allow them"
        ))
    );
}

#[test]
fn calls() {
    let request = accepted(
        "raw",
        None,
        json!({"method": "GET", "path": "/users/me/settings",
               "query": {"option": "meeting_authentication", "custom_query_fields": true, "page_size": 30}}),
    );
    assert_eq!(
        request,
        ZoomRequest {
            action: Action::Raw,
            endpoint: Endpoint::Raw,
            method: Method::GET,
            path: "/users/me/settings".into(),
            query: [
                ("custom_query_fields", "true"),
                ("option", "meeting_authentication"),
                ("page_size", "30")
            ]
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .to_vec(),
            body: None,
            subject: Subject::Raw,
        }
    );
    let body = json!([{"email": "a@example.com", "first_name": "A"}]);
    let request = accepted(
        "raw",
        Some("anything"),
        json!({"method": "POST", "path": "/meetings/85746065/batch_registrants", "body": body}),
    );
    assert_eq!((request.method, request.body), (Method::POST, Some(body)));
    // An encoded, double-encoded UUID passes as written.
    let request = accepted(
        "raw",
        None,
        json!({"method": "DELETE", "path": "/meetings/%252Fab%253D%253D/recordings"}),
    );
    assert_eq!(request.path, "/meetings/%252Fab%253D%253D/recordings");
}

#[test]
#[rustfmt::skip]
fn shape() {
    let raw = |payload: Value, field, reason: &str| -> Failing { ("raw", None, payload, field, reason.into()) };
    let path = |path: &str| json!({"method": "GET", "path": path});
    const METHODS: &str = "must be one of GET, POST, PATCH, PUT, DELETE";
    const RELATIVE: &str = "must start with / and name no scheme or host: a path relative to the API base, like /users/me/meetings";
    assert_failures(vec![
        raw(json!({"method": "GET", "path": "/users", "headers": {}}), "payload.headers",
            "unknown field; a raw payload has method, path, query and body"),
        raw(json!({"path": "/users"}), "payload.method", &format!("missing; {METHODS}")),
        raw(json!({"method": "get", "path": "/users"}), "payload.method", METHODS),
        raw(json!({"method": "HEAD", "path": "/users"}), "payload.method", METHODS),
        raw(json!({"method": "GET"}), "payload.path", "missing; a path relative to the API base, like /users/me/meetings"),
        raw(json!({"method": "GET", "path": ["users"]}), "payload.path", "must be a string, got an array"),
        raw(path("users/me"), "payload.path", RELATIVE),
        raw(path("https://api.zoom.us/v2/users"), "payload.path", RELATIVE),
        raw(path("//evil.example.com/users"), "payload.path", RELATIVE),
        raw(path("/users?status=active"), "payload.path", "must not contain ? or #; put query parameters in payload.query"),
        raw(path("/users#x"), "payload.path", "must not contain ? or #; put query parameters in payload.query"),
        raw(path("/users/jill smith"), "payload.path", "must not contain spaces, control characters or \\; percent-encode them"),
        raw(path("/users\\..\\oauth"), "payload.path", "must not contain spaces, control characters or \\; percent-encode them"),
        raw(path("/users//meetings"), "payload.path", "must not contain empty segments (//)"),
        raw(path("/users/../oauth/token"), "payload.path", "must not contain . or .. segments"),
        raw(path("/users/%2E%2e/oauth/token"), "payload.path", "must not contain . or .. segments"),
        raw(path("/users/./me"), "payload.path", "must not contain . or .. segments"),
        raw(json!({"method": "GET", "path": "/users", "query": "status=active"}), "payload.query", "must be an object, got a string"),
        raw(json!({"method": "GET", "path": "/users", "query": {"status": ["active"]}}), "payload.query.status",
            "must be a string, number or boolean, got an array"),
        raw(json!({"method": "GET", "path": "/users", "query": {"status": null}}), "payload.query.status", "must be a string, number or boolean, got null"),
        raw(json!({"method": "GET", "path": "/users", "body": {}}), "payload.body", "must be left out: a GET takes no body"),
        raw(json!({"method": "POST", "path": "/users", "body": "x"}), "payload.body", "must be an object or an array, got a string"),
    ]);
}
