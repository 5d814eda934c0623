//! `GET /v2/users/{userId}/recordings` and `GET /v2/accounts/{accountId}/recordings`
//! (<https://developers.zoom.us/docs/api/meetings/>): recordings whose start falls in a window of
//! whole UTC days, newest first, paged by `next_page_token`. The window is at most a month; a
//! longer one is silently cut to its last month and the response echoes the dates actually used.
//! With `trash=true` they list the recordings in the trash instead.
//!
//! The writes, each answered 204 and followed by its webhook (`webhooks.rs`):
//! `DELETE /v2/meetings/{meetingId}/recordings` moves a held instance's recording to the trash
//! (`recording.trashed`), or with `action=delete` deletes it for good (`recording.deleted`);
//! `PUT /v2/meetings/{meetingUUID}/recordings/status` `{"action": "recover"}` takes it out of the
//! trash (`recording.recovered`). A meeting number names its latest instance with a recording in
//! the state the call acts on; no such recording is Zoom's 404/3301.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde_json::{Value, json};

use crate::model::recording::DateRange;
use crate::routes::gate::Call;
use crate::rules::body::{self, Fields, flag};
use crate::rules::path::{session_param, user_param};
use crate::rules::queries::{PageParams, RecordingQuery, invalid, page_params, query_params};
use crate::rules::refusals::no_such_user;
use crate::rules::respond::{self, Refusal};
use crate::state::SimState;
use zoom_api::codes::NOT_ALLOWED;

/// Zoom's code for a meeting without the recording a call asks for.
const NO_RECORDING: i64 = 3301;
use zoom_api::endpoint::Endpoint;

pub(crate) fn list_for_user(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let user = user_param(&call.uri, 3);
    let host_id = state.lock().user(&user).map(|u| u.id.clone());
    let host_id = host_id.ok_or_else(|| no_such_user(&user))?;
    list_page(state, call, Some(host_id))
}

pub(crate) fn list_for_account(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let account = user_param(&call.uri, 3);
    if !state.account_recordings {
        // A guess: Zoom documents no answer for an account without the master-account plan;
        // this is its usual "no permission" shape.
        return Err(
            respond::zoom_error(StatusCode::BAD_REQUEST, NOT_ALLOWED, "No permission.").into(),
        );
    }
    if account != "me" && account != state.credentials.account_id {
        // Also a guess, worded as Zoom's other "not this account" answers.
        return Err(respond::zoom_error(
            StatusCode::BAD_REQUEST,
            1010,
            format!("User does not belong to this account: {account}."),
        )
        .into());
    }
    list_page(state, call, None)
}

fn list_page(state: &SimState, call: &Call, host_id: Option<String>) -> Result<Response, Refusal> {
    let (mut from, mut to) = (None, None);
    let mut in_trash = false;
    // `mc`, `trash_type` and `meeting_id` are accepted and ignored.
    let PageParams { page_size, token } =
        page_params(&call.query, Endpoint::ListUserRecordings, |key, value| {
            match key {
                "from" => from = Some(parse_day(value).ok_or_else(|| invalid("from"))?),
                "to" => to = Some(parse_day(value).ok_or_else(|| invalid("to"))?),
                "trash" => in_trash = flag(value).ok_or_else(|| invalid("trash"))?,
                _ => {}
            }
            Ok(())
        })?;
    let mut guard = state.lock();
    let inner = &mut *guard;
    let first = RecordingQuery {
        host_id,
        range: DateRange::resolve(from, to, call.now.date_naive()),
        page_size,
        in_trash,
    };
    let cursor = inner
        .recording_pages
        .start(token.as_deref(), first, call.instant)?;
    let query = &cursor.query;
    let listed =
        inner
            .entities
            .recordings_where(query.host_id.as_deref(), query.range, query.in_trash);
    let (page, next) =
        inner
            .recording_pages
            .serve(&cursor, query.page_size, listed.len(), call.instant);
    let meetings: Vec<Value> = listed[page.start..page.end]
        .iter()
        .map(|r| r.listing_json(&state.credentials.account_id))
        .collect();
    Ok(Json(json!({
        "from": query.range.from.to_string(),
        "to": query.range.to.to_string(),
        "page_count": page.count,
        "page_size": query.page_size,
        "total_records": listed.len(),
        "next_page_token": next,
        "meetings": meetings,
    }))
    .into_response())
}

/// `DELETE /meetings/{meetingId}/recordings?action=trash|delete`.
pub(crate) fn delete(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let mut change = Change::Trash;
    for (key, value) in query_params(&call.query) {
        if key == "action" {
            change = match &*value {
                "trash" => Change::Trash,
                "delete" => Change::Delete,
                _ => return Err(invalid("action")),
            };
        }
    }
    apply(state, call, change)
}

/// `PUT /meetings/{meetingUUID}/recordings/status` with `{"action": "recover"}`.
pub(crate) fn recover(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let body = body::object(&call.body)?;
    let f = Fields::new(&body);
    if f.string("action")? != Some("recover") {
        return Err(f.invalid("action"));
    }
    apply(state, call, Change::Recover)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    Trash,
    Delete,
    Recover,
}

impl Change {
    /// Whether the change applies to a recording in the trash (`true`) or out of it.
    fn takes(self, trashed: bool) -> bool {
        match self {
            Change::Trash => !trashed,
            Change::Delete => true,
            Change::Recover => trashed,
        }
    }

    fn event(self) -> &'static str {
        match self {
            Change::Trash => "recording.trashed",
            Change::Delete => "recording.deleted",
            Change::Recover => "recording.recovered",
        }
    }
}

fn apply(state: &SimState, call: &Call, change: Change) -> Result<Response, Refusal> {
    let key = session_param(&call.uri, 3).map_err(|seen| no_recording(&seen))?;
    let mut guard = state.lock();
    let inner = &mut *guard;
    let recording = inner
        .entities
        .recording_named(&key, |trashed| change.takes(trashed))
        .ok_or_else(|| no_recording(&key))?
        .clone();
    // The event shows the recording as it was when the change was made.
    let object = inner.recording_object(&recording, &state.credentials.account_id);
    match change {
        Change::Trash | Change::Recover => {
            inner
                .entities
                .set_trashed(&recording.uuid, change == Change::Trash);
        }
        Change::Delete => {
            inner.entities.remove_recording(&recording.uuid);
        }
    }
    if let Some(operator) = inner.operator() {
        state
            .outbox
            .recording_event(change.event(), object, operator, call.now);
    }
    Ok(respond::no_content())
}

/// Zoom's `recordingDelete` and `recordingStatusUpdate`: 404/3301.
fn no_recording(key: &str) -> Refusal {
    tracing::debug!(key, "no recording for this meeting");
    respond::zoom_error(
        StatusCode::NOT_FOUND,
        NO_RECORDING,
        "There is no recording for this meeting.",
    )
    .into()
}

/// `yyyy-mm-dd`, nothing else.
pub(crate) fn parse_day(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .filter(|_| value.len() == 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_dates_are_accepted() {
        assert_eq!(parse_day("2026-03-01"), NaiveDate::from_ymd_opt(2026, 3, 1));
        for bad in [
            "2026-3-1",
            "2026-03-01T00:00:00Z",
            "01/03/2026",
            "2026-02-30",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}
