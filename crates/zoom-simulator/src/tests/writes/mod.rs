//! The write endpoints over real HTTP: each change shows in the listings and `GET`s, each
//! refusal is Zoom's, and a refused call changes nothing. Helpers here, tests by resource.

mod faults;
mod registrants;
mod sessions;
mod users;

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::*;
use crate::rules::user_limits::Counter;

impl Fixture {
    async fn send(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let request = self.http.request(method, self.api(path)).bearer_auth(token);
        let request = match body {
            Some(body) => request.json(&body),
            None => request,
        };
        request.send().await.unwrap()
    }

    pub(super) async fn post(&self, path: &str, token: &str, body: Value) -> reqwest::Response {
        self.send(Method::POST, path, token, Some(body)).await
    }

    pub(super) async fn patch(&self, path: &str, token: &str, body: Value) -> reqwest::Response {
        self.send(Method::PATCH, path, token, Some(body)).await
    }

    pub(super) async fn put(&self, path: &str, token: &str, body: Value) -> reqwest::Response {
        self.send(Method::PUT, path, token, Some(body)).await
    }

    pub(super) async fn delete(&self, path: &str, token: &str) -> reqwest::Response {
        self.send(Method::DELETE, path, token, None).await
    }

    /// The meeting `host` creates with `body`, as the 201 answers it.
    pub(super) async fn create_meeting(&self, host: &str, token: &str, body: Value) -> Value {
        created(
            self.post(&format!("/users/{host}/meetings"), token, body)
                .await,
        )
        .await
    }
}

pub(super) async fn created(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

pub(super) fn no_content(response: &reqwest::Response) {
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

/// A 200 with an empty body, as `userStatus` answers.
pub(super) async fn ok_without_body(response: reqwest::Response) {
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.bytes().await.unwrap().is_empty());
}

/// The field a 400/300 validation answer names.
pub(super) async fn invalid_field(response: reqwest::Response) -> String {
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], 300);
    assert_eq!(body["message"], "Validation Failed.");
    assert_eq!(body["errors"][0]["message"], "Invalid field.");
    body["errors"][0]["field"].as_str().unwrap().to_owned()
}

/// A daily-limit 429 retrying at the next midnight, with its message.
pub(super) async fn daily_429(response: reqwest::Response) -> String {
    assert_eq!(header(&response, "x-ratelimit-type"), Some("Daily-limit"));
    let retry = header(&response, "retry-after").unwrap();
    let at = chrono::DateTime::parse_from_rfc3339(retry).unwrap();
    assert_eq!(at.time(), chrono::NaiveTime::MIN);
    assert!(at > chrono::Utc::now());
    let (status, code, message) = zoom_error(response).await;
    assert_eq!((status, code), (StatusCode::TOO_MANY_REQUESTS, 429));
    message
}

/// Active members (neither owner nor admin) without a webinar plan, in listing order.
pub(super) fn members(handle: &SimHandle) -> Vec<SimUser> {
    let with_plan = |id: &str| handle.state.lock().entities.has_webinar_plan(id);
    handle
        .listed_users("active")
        .iter()
        .filter_map(|u| handle.user(u["id"].as_str().unwrap()))
        .filter(|u| u.role_id == "2" && !with_plan(&u.id))
        .collect()
}

pub(super) fn member(handle: &SimHandle) -> SimUser {
    members(handle).remove(0)
}

/// A fixture, its token, the simulator's handle, and the [`member`] to act on.
pub(super) async fn member_fixture() -> (Fixture, String, SimHandle, SimUser) {
    let (f, token) = entity_fixture().await;
    let handle = f.sim.handle();
    let member = member(&handle);
    (f, token, handle, member)
}

pub(super) fn pending_email(handle: &SimHandle) -> String {
    handle.listed_users("pending")[0]["email"]
        .as_str()
        .unwrap()
        .to_owned()
}
