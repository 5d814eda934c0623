//! Responses shaped like Zoom's: `{"code","message"}` errors, 429s with the rate-limit headers,
//! the proxy's HTML error page, and a tracking id on everything (`docs/zoom-behaviour.md` gives
//! the sources).

use std::time::Duration;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use futures::StreamExt;
use rand::RngExt;
use serde_json::{Value, json};

use crate::model::user::timestamp;
use crate::rules::limits::{Limited, Quota};
use zoom_api::codes::INVALID_PARAMETER;
use zoom_api::plan::Label;

const CATEGORY: HeaderName = HeaderName::from_static("x-ratelimit-category");
const TYPE: HeaderName = HeaderName::from_static("x-ratelimit-type");
const LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
const REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
const TRACKING_ID: HeaderName = HeaderName::from_static("x-zm-trackingid");

/// A status from a test's fault; nonsense falls back to 502 rather than failing the server.
pub(crate) fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY)
}

/// A refusal on its way out of a handler's checks. Boxed: a `Response` is too big to carry
/// in every `Result` the checks return.
#[derive(Debug)]
pub(crate) struct Refusal(Box<Response>);

impl From<Response> for Refusal {
    fn from(response: Response) -> Self {
        Refusal(Box::new(response))
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        *self.0
    }
}

pub(crate) fn zoom_error(status: StatusCode, code: i64, message: impl Into<String>) -> Response {
    let message: String = message.into();
    (status, Json(json!({ "code": code, "message": message }))).into_response()
}

/// Zoom's answer to a malformed query parameter (<https://developers.zoom.us/docs/api/errors/>).
pub(crate) fn validation_failed(field: &str) -> Response {
    let body = json!({
        "code": 300,
        "message": "Validation Failed.",
        "errors": [{ "field": field, "message": "Invalid field." }],
    });
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// A body that is not a JSON object, as Zoom answers it.
pub(crate) fn body_not_json() -> Response {
    zoom_error(
        StatusCode::BAD_REQUEST,
        INVALID_PARAMETER,
        "Request Body should be a valid JSON object.",
    )
}

/// The answer of a write that went through: 201 with the created object, or 204.
pub(crate) fn created(body: serde_json::Value) -> Response {
    (StatusCode::CREATED, Json(body)).into_response()
}

pub(crate) fn no_content() -> Response {
    StatusCode::NO_CONTENT.into_response()
}

/// A success without a body where Zoom documents a 200 rather than a 204 (`userStatus`).
pub(crate) fn ok_without_body() -> Response {
    StatusCode::OK.into_response()
}

/// A `next_page_token` that is unknown or has expired (Zoom's tokens live 15 minutes).
pub(crate) fn page_token_invalid() -> Response {
    zoom_error(
        StatusCode::BAD_REQUEST,
        INVALID_PARAMETER,
        "The next page token is invalid or expired.",
    )
}

/// Any path or method the simulator does not serve.
pub(crate) async fn not_recognized() -> Response {
    zoom_error(
        StatusCode::NOT_FOUND,
        2300,
        "This API endpoint is not recognized.",
    )
}

/// The page nginx serves when Zoom behind it fails.
pub(crate) fn html_error(code: u16) -> Response {
    let status = status(code);
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
    );
    (
        status,
        [(CONTENT_TYPE, HeaderValue::from_static("text/html"))],
        page,
    )
        .into_response()
}

pub(crate) fn limited(limited: &Limited) -> Response {
    match limited {
        Limited::Window {
            label,
            limit,
            retry_after,
        } => {
            let mut headers = HeaderMap::new();
            headers.insert(TYPE, HeaderValue::from_static("QPS"));
            headers.insert(LIMIT, HeaderValue::from(*limit));
            headers.insert(REMAINING, HeaderValue::from(0u32));
            if let Some(wait) = retry_after {
                // Whole seconds, rounded up, at least 1: a client that waits that long gets in.
                let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
                headers.insert(RETRY_AFTER, HeaderValue::from(secs.max(1)));
            }
            too_many(
                *label,
                headers,
                "You have reached the maximum per-second rate limit for this API. Try again later.",
            )
        }
        Limited::Daily {
            label,
            limit,
            resets_at,
        } => daily_limited(
            *label,
            *limit,
            *resets_at,
            "You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request.",
        ),
    }
}

/// A daily-limit 429: the account's pool of a label (with its `limit`), or one of the per-user
/// limits, which say theirs in `message` (<https://developers.zoom.us/docs/api/rate-limits/>).
/// `Retry-After` names the reset.
pub(crate) fn daily_limited(
    label: Label,
    limit: Option<u32>,
    resets_at: DateTime<Utc>,
    message: &str,
) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(TYPE, HeaderValue::from_static("Daily-limit"));
    if let Some(limit) = limit {
        headers.insert(LIMIT, HeaderValue::from(limit));
        headers.insert(REMAINING, HeaderValue::from(0u32));
    }
    if let Ok(at) = HeaderValue::try_from(timestamp(resets_at)) {
        headers.insert(RETRY_AFTER, at);
    }
    too_many(label, headers, message)
}

fn too_many(label: Label, mut headers: HeaderMap, message: &str) -> Response {
    headers.insert(CATEGORY, HeaderValue::from_static(label.header_name()));
    let body = json!({ "code": 429, "message": message });
    (StatusCode::TOO_MANY_REQUESTS, headers, Json(body)).into_response()
}

/// Adds what Zoom reports about the label to a call that got past the rate limiter, and marks
/// the answer for [`hold_back`] when a fault asked for a stall.
pub(crate) fn with_quota(mut response: Response, quota: &Quota) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        CATEGORY,
        HeaderValue::from_static(quota.label.header_name()),
    );
    if let Some((limit, remaining)) = quota.daily {
        headers.insert(LIMIT, HeaderValue::from(limit));
        headers.insert(REMAINING, HeaderValue::from(remaining));
    }
    if !quota.stall.is_zero() {
        response.extensions_mut().insert(Stall(quota.stall));
    }
    if quota.nul_in_text {
        response.extensions_mut().insert(NulInText);
    }
    response
}

/// Marks an answer for [`put_nul_in_text`].
#[derive(Debug, Clone, Copy)]
struct NulInText;

/// The fields of Zoom's objects that hold names and free text.
const TEXT_FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "display_name",
    "dept",
    "job_title",
    "company",
    "location",
    "topic",
    "agenda",
];

/// Puts U+0000 into the middle of every name and free-text field of a marked JSON answer.
pub(crate) async fn put_nul_in_text(response: Response) -> Response {
    if response.extensions().get::<NulInText>().is_none() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut json) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    nul_in(&mut json);
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(json.to_string()))
}

fn nul_in(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            for (name, field) in fields {
                match field {
                    Value::String(text) if TEXT_FIELDS.contains(&name.as_str()) => {
                        text.insert(text.floor_char_boundary(text.len() / 2), '\0');
                    }
                    _ => nul_in(field),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(nul_in),
        _ => {}
    }
}

/// A 200 of `bytes` blanks, streamed in 64 KiB chunks so that the simulator holds none of it.
pub(crate) fn oversized(bytes: u64) -> Response {
    const CHUNK: usize = 64 << 10;
    let chunk = Bytes::from(vec![b' '; CHUNK]);
    let whole = bytes / CHUNK as u64;
    let rest = Bytes::from(vec![b' '; (bytes % CHUNK as u64) as usize]);
    let chunks = futures::stream::repeat(chunk)
        .take(usize::try_from(whole).unwrap_or(usize::MAX))
        .chain(futures::stream::once(async move { rest }))
        .map(Ok::<_, std::convert::Infallible>);
    (
        StatusCode::OK,
        [(CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        Body::from_stream(chunks),
    )
        .into_response()
}

/// How long [`hold_back`] keeps a finished answer from the client.
#[derive(Debug, Clone, Copy)]
struct Stall(Duration);

/// Sends a stalled answer only after its stall. The handler has already made its change, so
/// a client that stops waiting leaves it made; a dropped connection just ends the wait.
pub(crate) async fn hold_back(response: Response) -> Response {
    if let Some(Stall(wait)) = response.extensions().get::<Stall>().copied() {
        tokio::time::sleep(wait).await;
    }
    response
}

/// Zoom support asks for this id; every response carries one.
pub(crate) async fn tag_tracking_id(mut response: Response) -> Response {
    let rid: u128 = rand::rng().random();
    if let Ok(id) = HeaderValue::try_from(format!("v=2.0;clid=sim;rid=SIM_{rid:032x}")) {
        response.headers_mut().insert(TRACKING_ID, id);
    }
    response
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn header<'a>(r: &'a Response, name: &str) -> Option<&'a str> {
        r.headers().get(name).and_then(|v| v.to_str().ok())
    }

    #[test]
    fn a_window_429_names_its_label_and_rounds_retry_after_up() {
        let r = limited(&Limited::Window {
            label: Label::ResourceIntensive,
            limit: 10,
            retry_after: Some(Duration::from_millis(41_200)),
        });
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(
            header(&r, "x-ratelimit-category"),
            Some("Resource-intensive")
        );
        assert_eq!(header(&r, "x-ratelimit-type"), Some("QPS"));
        assert_eq!(header(&r, "x-ratelimit-limit"), Some("10"));
        assert_eq!(header(&r, "retry-after"), Some("42"));
    }

    #[test]
    fn a_daily_429_retries_after_midnight_in_iso_8601() {
        let r = limited(&Limited::Daily {
            label: Label::Heavy,
            limit: Some(30_000),
            resets_at: chrono::Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap(),
        });
        assert_eq!(header(&r, "x-ratelimit-type"), Some("Daily-limit"));
        assert_eq!(header(&r, "retry-after"), Some("2026-11-24T00:00:00Z"));
        assert_eq!(header(&r, "x-ratelimit-remaining"), Some("0"));
    }

    #[test]
    fn an_html_error_is_html() {
        let r = html_error(502);
        assert_eq!(r.status(), StatusCode::BAD_GATEWAY);
        assert_eq!(header(&r, "content-type"), Some("text/html"));
        assert_eq!(html_error(42).status(), StatusCode::BAD_GATEWAY);
    }
}
