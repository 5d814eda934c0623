//! Zoom's refusals that several endpoints share, worded as Zoom words them.

use axum::http::StatusCode;
use axum::response::Response;

use crate::rules::respond;
use zoom_api::SessionKind;
use zoom_api::codes::{MEETING_NOT_FOUND, NOT_ALLOWED, USER_NOT_FOUND};

/// 404/1001, as every `{userId}` endpoint answers for a user the account does not have.
pub(crate) fn no_such_user(user: &str) -> Response {
    respond::zoom_error(
        StatusCode::NOT_FOUND,
        USER_NOT_FOUND,
        format!("User does not exist: {user}."),
    )
}

/// 404/3001 for a UUID Zoom could not read because it was encoded only once.
pub(crate) fn unreadable_uuid(noun: &str, seen: &str) -> Response {
    respond::zoom_error(
        StatusCode::NOT_FOUND,
        MEETING_NOT_FOUND,
        format!("{noun} does not exist: {seen}."),
    )
}

/// 404/3001 for a meeting or webinar that does not exist (any more), in the kind's words.
pub(crate) fn not_found(kind: SessionKind, key: &str) -> Response {
    let message = match kind {
        SessionKind::Meeting => format!("Meeting {key} is not found or has expired."),
        SessionKind::Webinar => format!("Webinar {key} not found or has expired."),
    };
    respond::zoom_error(StatusCode::NOT_FOUND, MEETING_NOT_FOUND, message)
}

/// 400/200 for a user without the webinar add-on, as every webinar call answers it.
pub(crate) fn webinar_plan_missing(user: &str) -> Response {
    respond::zoom_error(
        StatusCode::BAD_REQUEST,
        NOT_ALLOWED,
        format!(
            "Webinar plan subscription is missing. Enable webinar for this user once the subscription is added:{user}."
        ),
    )
}

/// How Zoom's messages name the kind.
pub(crate) fn noun(kind: SessionKind) -> &'static str {
    match kind {
        SessionKind::Meeting => "Meeting",
        SessionKind::Webinar => "Webinar",
    }
}
