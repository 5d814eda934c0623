//! `GET /v2/meetings/{meetingId}/invitation`: the meeting's invitation note
//! (<https://developers.zoom.us/docs/api/meetings/>). The path takes the meeting's number only,
//! no UUID. A meeting whose host may not host meetings gets Zoom's 400/3161; one that does not
//! exist (any more) the 404/3001 of the meeting's other calls.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use crate::routes::gate::Call;
use crate::routes::sessions::{existing, session_key};
use crate::rules::refusals::not_found;
use crate::rules::respond::{self, Refusal};
use crate::state::SimState;
use zoom_api::SessionKind;
use zoom_api::codes::HOSTING_NOT_ALLOWED;

pub(crate) fn get(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let kind = SessionKind::Meeting;
    let key = session_key(kind, &call.uri)?;
    if key.parse::<u64>().is_err() {
        return Err(not_found(kind, &key).into());
    }
    let inner = state.lock();
    let meeting = existing(&inner.entities, kind, &key, call.now)?;
    let host = inner.host(&meeting.host_id);
    if host.is_some_and(|h| !h.can_host()) {
        return Err(respond::zoom_error(
            StatusCode::BAD_REQUEST,
            HOSTING_NOT_ALLOWED,
            "Meeting hosting and scheduling capabilities are not allowed for your user account.",
        )
        .into());
    }
    Ok(Json(meeting.invitation_json(host)).into_response())
}
