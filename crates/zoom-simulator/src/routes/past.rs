//! `GET /v2/past_meetings/{meetingId}/instances` and `…/participants`, and the same under
//! `/v2/past_webinars`: a session's ended instances, and who joined one.
//!
//! Both need a paid plan: on the Free plan Zoom answers 400 with code 200 "Only available for
//! paid account: {accountId}", and a webinar's host without the webinar add-on gets the
//! add-on's 400/200. An id means the latest ended instance, a UUID (encoded twice when it
//! begins with `/` or holds `//`) that instance; an instance that has not ended is 404/3001, a
//! meeting's that ended over a year ago 400/12702 (Zoom documents no such limit for webinars). Deleted and expired sessions still answer, as Zoom's
//! past instances do.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::model::participants::participants_json;
use crate::model::session::{PastRefusal, SimSession, past_instance_check};
use crate::routes::gate::Call;
use crate::routes::sessions::session_key;
use crate::rules::queries::{PageParams, ParticipantQuery, page_params};
use crate::rules::refusals::webinar_plan_missing;
use crate::rules::respond::{self, Refusal};
use crate::state::{Inner, SimState};
use zoom_api::SessionKind;
use zoom_api::codes::{MEETING_NOT_FOUND, NOT_ALLOWED, PAST_MEETING_OVER_A_YEAR};
use zoom_api::plan::Plan;

/// The session's ended instances, oldest first; Zoom does not page this listing.
pub(crate) fn instances(
    state: &SimState,
    call: &Call,
    kind: SessionKind,
) -> Result<Response, Refusal> {
    let key = session_key(kind, &call.uri)?;
    let inner = state.lock();
    let session = past_session(state, &inner, kind, &key)?;
    let ended: Vec<Value> = (session.instances.iter())
        .filter(|i| i.end_time.is_some())
        .map(|i| {
            json!({
                "uuid": i.uuid,
                "start_time": crate::model::user::timestamp(i.start_time),
            })
        })
        .collect();
    Ok(Json(json!({ kind.plural(): ended })).into_response())
}

/// One ended instance's participants, paged by `next_page_token`.
pub(crate) fn participants(
    state: &SimState,
    call: &Call,
    kind: SessionKind,
) -> Result<Response, Refusal> {
    let key = session_key(kind, &call.uri)?;
    let PageParams { page_size, token } = page_params(&call.query, call.endpoint, |_, _| Ok(()))?;
    let mut guard = state.lock();
    let inner = &mut *guard;
    let (uuid, joins) = {
        let session = past_session(state, inner, kind, &key)?;
        let instance = match (kind, session.instances.iter().find(|i| i.uuid == key)) {
            (SessionKind::Meeting, Some(instance)) => past_instance_check(instance, call.now),
            (SessionKind::Meeting, None) => session.latest_past(call.now),
            // Zoom documents no age limit (no 12702) for webinars.
            (SessionKind::Webinar, Some(instance)) => Some(instance)
                .filter(|i| i.end_time.is_some())
                .ok_or(PastRefusal::NeverEnded),
            (SessionKind::Webinar, None) => (session.instances.iter())
                .filter(|i| i.end_time.is_some())
                .max_by_key(|i| i.start_time)
                .ok_or(PastRefusal::NeverEnded),
        };
        let instance = match instance {
            Ok(instance) => instance,
            Err(PastRefusal::NeverEnded) => return Err(not_ended(kind).into()),
            Err(PastRefusal::OverAYearAgo) => {
                let message = format!("Can not access a {} a year ago.", kind.as_str());
                return Err(respond::zoom_error(
                    StatusCode::BAD_REQUEST,
                    PAST_MEETING_OVER_A_YEAR,
                    message,
                )
                .into());
            }
        };
        let joins = participants_json(session, instance, inner.host(&session.host_id));
        (instance.uuid.clone(), joins)
    };
    let first = ParticipantQuery {
        kind,
        uuid,
        page_size,
    };
    let cursor = inner
        .participant_pages
        .start(token.as_deref(), first, call.instant)?;
    let page_size = cursor.query.page_size;
    let (page, next) = inner
        .participant_pages
        .serve(&cursor, page_size, joins.len(), call.instant);
    Ok(Json(json!({
        "page_count": page.count,
        "page_size": page_size,
        "total_records": joins.len(),
        "next_page_token": next,
        "participants": joins[page.start..page.end],
    }))
    .into_response())
}

/// The session `key` names, deleted or expired too, if the plan lets its past be read.
fn past_session<'a>(
    state: &SimState,
    inner: &'a Inner,
    kind: SessionKind,
    key: &str,
) -> Result<&'a SimSession, Refusal> {
    if state.plan == Plan::Free {
        let message = format!(
            "Only available for paid account: {}",
            state.account.account_id
        );
        return Err(respond::zoom_error(StatusCode::BAD_REQUEST, NOT_ALLOWED, message).into());
    }
    let session = inner
        .entities
        .sessions(kind)
        .find(key)
        .ok_or_else(|| not_ended(kind))?;
    if kind == SessionKind::Webinar && !inner.entities.has_webinar_plan(&session.host_id) {
        return Err(webinar_plan_missing(&session.host_id).into());
    }
    Ok(session)
}

fn not_ended(kind: SessionKind) -> Response {
    let message = match kind {
        SessionKind::Meeting => "Meeting ID is invalid or not end.",
        SessionKind::Webinar => "Webinar does not exist.",
    };
    respond::zoom_error(StatusCode::NOT_FOUND, MEETING_NOT_FOUND, message)
}
