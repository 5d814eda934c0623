//! Meetings and webinars (<https://developers.zoom.us/docs/api/meetings/>): the host's listings
//! `GET /v2/users/{userId}/meetings` and `/webinars`, `GET /v2/meetings/{meetingId}` and
//! `/webinars/{webinarId}`, `GET /v2/past_meetings/{meetingId}`, and the writes: `POST` to the
//! host's listing, `PATCH` and `DELETE` on the session.
//!
//! The meetings listing is cut by offset at the time each page is asked for, like the users
//! listing. The webinars listing is the one still paged by `page_number`: its spec lists no
//! `next_page_token` parameter, so one sent is ignored and the response's token is always empty.
//!
//! A created session is built like a generated one, so the listings and `GET` show it the same
//! way. Creates and updates spend the host's daily allowance (100 on Zoom, across meetings and
//! webinars, counted against the host whoever calls); deletes do not
//! (<https://developers.zoom.us/docs/api/rate-limits/#daily-rate-limits>).

use axum::Json;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::model::entities::Entities;
use crate::model::session::{MeetingListType, PastRefusal, SimSession, past_instance_check};
use crate::routes::gate::Call;
use crate::rules::body::{self, Fields};
use crate::rules::pages::{Page, parse_page_size};
use crate::rules::path::{session_param, user_param};
use crate::rules::queries::{
    DEFAULT_PAGE_SIZE, MeetingQuery, PageParams, invalid, page_params, query_params,
};
use crate::rules::refusals::{
    no_such_user, not_found, noun, unreadable_uuid, webinar_plan_missing,
};
use crate::rules::respond::{self, Refusal};
use crate::rules::session_body;
use crate::rules::user_limits::Counter;
use crate::state::SimState;
use zoom_api::SessionKind;
use zoom_api::codes::MEETING_NOT_FOUND;

/// The host's meetings or webinars, each listing paged its own way.
pub(crate) fn list(state: &SimState, call: &Call, kind: SessionKind) -> Result<Response, Refusal> {
    match kind {
        SessionKind::Meeting => list_meetings(state, call),
        SessionKind::Webinar => list_webinars(state, call),
    }
}

fn list_meetings(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let user = user_param(&call.uri, 3);
    let mut list_type = MeetingListType::Scheduled;
    let PageParams { page_size, token } = page_params(&call.query, call.endpoint, |key, value| {
        if key == "type" {
            list_type = MeetingListType::parse(value).ok_or_else(|| invalid("type"))?;
        }
        Ok(())
    })?;
    let mut guard = state.lock();
    let inner = &mut *guard;
    let host = inner.user(&user).ok_or_else(|| no_such_user(&user))?;
    let query = MeetingQuery {
        user_id: host.id.clone(),
        list_type,
        page_size,
    };
    let cursor = inner
        .meeting_pages
        .start(token.as_deref(), query, call.instant)?;
    let listed =
        inner
            .entities
            .listed_meetings(&cursor.query.user_id, cursor.query.list_type, call.now);
    let (page, next) =
        inner
            .meeting_pages
            .serve(&cursor, cursor.query.page_size, listed.len(), call.instant);
    let meetings: Vec<Value> = listed[page.start..page.end]
        .iter()
        .map(|m| m.listing_json())
        .collect();
    Ok(Json(json!({
        "page_count": page.count,
        "page_number": page.number,
        "page_size": cursor.query.page_size,
        "total_records": listed.len(),
        "next_page_token": next,
        "meetings": meetings,
    }))
    .into_response())
}

fn list_webinars(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let user = user_param(&call.uri, 3);
    let mut upcoming_only = false;
    let mut page_size = DEFAULT_PAGE_SIZE;
    let mut page_number = 1u32;
    for (key, value) in query_params(&call.query) {
        match &*key {
            "type" => match &*value {
                "scheduled" => upcoming_only = false,
                "upcoming" => upcoming_only = true,
                _ => return Err(invalid("type")),
            },
            "page_size" => {
                page_size =
                    parse_page_size(&value, call.endpoint).ok_or_else(|| invalid("page_size"))?;
            }
            "page_number" => {
                let n: u32 = value.parse().map_err(|_| invalid("page_number"))?;
                page_number = n.max(1);
            }
            _ => {}
        }
    }
    let inner = state.lock();
    let host = inner.user(&user).ok_or_else(|| no_such_user(&user))?;
    if !inner.entities.has_webinar_plan(&host.id) {
        return Err(webinar_plan_missing(&user).into());
    }
    let listed = inner
        .entities
        .listed_webinars(&host.id, upcoming_only, call.now);
    let offset = (page_number as usize - 1).saturating_mul(page_size as usize);
    let page = Page::at(listed.len(), page_size, offset);
    let webinars: Vec<Value> = listed[page.start..page.end]
        .iter()
        .map(|w| w.listing_json())
        .collect();
    Ok(Json(json!({
        "page_count": page.count,
        "page_number": page.number,
        "page_size": page_size,
        "total_records": listed.len(),
        "next_page_token": "",
        "webinars": webinars,
    }))
    .into_response())
}

/// `GET /meetings/{meetingId}` or `/webinars/{webinarId}`.
pub(crate) fn get(state: &SimState, call: &Call, kind: SessionKind) -> Result<Response, Refusal> {
    let key = session_key(kind, &call.uri)?;
    let inner = state.lock();
    let session = existing(&inner.entities, kind, &key, call.now)?;
    let host_email = inner
        .host(&session.host_id)
        .map(|h| h.email.as_str())
        .unwrap_or_default();
    Ok(Json(session.detail_json(host_email)).into_response())
}

/// By instance UUID: that instance. By id or by the meeting's own UUID: its latest ended
/// instance, even when the meeting was deleted or has expired.
pub(crate) fn get_past_meeting(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let key = session_key(SessionKind::Meeting, &call.uri)?;
    let inner = state.lock();
    let meeting = inner.entities.meetings.find(&key).ok_or_else(not_ended)?;
    let instance = match meeting.instances.iter().find(|i| i.uuid == key) {
        Some(instance) => past_instance_check(instance, call.now),
        None => meeting.latest_past(call.now),
    };
    match instance {
        Ok(instance) => {
            Ok(Json(meeting.past_json(instance, inner.host(&meeting.host_id))).into_response())
        }
        Err(PastRefusal::NeverEnded) => Err(not_ended().into()),
        Err(PastRefusal::OverAYearAgo) => Err(respond::zoom_error(
            StatusCode::BAD_REQUEST,
            12702,
            "Can not access a meeting a year ago.",
        )
        .into()),
    }
}

pub(crate) fn create(
    state: &SimState,
    call: &Call,
    kind: SessionKind,
) -> Result<Response, Refusal> {
    let user = user_param(&call.uri, 3);
    let body = body::object(&call.body)?;
    let mut guard = state.lock();
    let inner = &mut *guard;
    let host = inner
        .user(&user)
        .ok_or_else(|| no_such_user(&user))?
        .clone();
    if kind == SessionKind::Webinar && !inner.entities.has_webinar_plan(&host.id) {
        return Err(webinar_plan_missing(&user).into());
    }
    let (id, uuid) = inner.entities.unused_session_ids(&mut rand::rng());
    let mut session = SimSession::blank(kind, id, uuid, &host, call.now);
    session_body::apply(&Fields::new(&body), &mut session, call.now)?;
    inner.user_limits.take(
        &[Counter::SessionWrites {
            host_id: host.id.clone(),
        }],
        call.endpoint.label(),
        call.now,
    )?;
    let created = session.detail_json(&host.email);
    inner.entities.sessions_mut(kind).insert(session);
    if let Some(operator) = inner.operator() {
        let event = format!("{}.created", kind.as_str());
        state
            .outbox
            .session_event(&event, &created, operator, call.now);
    }
    Ok(respond::created(created))
}

/// `occurrence_id` is accepted and the change applies to the whole series: the simulator
/// keeps one topic, agenda and duration per series.
pub(crate) fn update(
    state: &SimState,
    call: &Call,
    kind: SessionKind,
) -> Result<Response, Refusal> {
    let key = session_key(kind, &call.uri)?;
    let body = body::object(&call.body)?;
    let mut guard = state.lock();
    let inner = &mut *guard;
    let mut session = existing(&inner.entities, kind, &key, call.now)?.clone();
    let host_id = session.host_id.clone();
    if kind == SessionKind::Webinar && !inner.entities.has_webinar_plan(&host_id) {
        return Err(webinar_plan_missing(&host_id).into());
    }
    let host_email = inner
        .host(&host_id)
        .map(|h| h.email.clone())
        .unwrap_or_default();
    let before = session.detail_json(&host_email);
    session_body::apply(&Fields::new(&body), &mut session, call.now)?;
    inner.user_limits.take(
        &[Counter::SessionWrites { host_id }],
        call.endpoint.label(),
        call.now,
    )?;
    let after = session.detail_json(&host_email);
    inner.entities.sessions_mut(kind).insert(session);
    if let Some(operator) = inner.operator() {
        let event = format!("{}.updated", kind.as_str());
        state
            .outbox
            .updated(&event, &before, &after, operator, call.now);
    }
    Ok(respond::no_content())
}

/// Deletes the session as Zoom does: gone from listings and `GET`, while a meeting's past
/// instances still answer. With `occurrence_id`, only that occurrence goes.
pub(crate) fn delete(
    state: &SimState,
    call: &Call,
    kind: SessionKind,
) -> Result<Response, Refusal> {
    let key = session_key(kind, &call.uri)?;
    let occurrence = query_params(&call.query)
        .find(|(name, _)| name == "occurrence_id")
        .map(|(_, value)| value.into_owned());
    let mut inner = state.lock();
    let session = existing(&inner.entities, kind, &key, call.now)?;
    if let Some(refusal) = undeletable(session) {
        return Err(refusal.into());
    }
    let id = session.id;
    let host_email = inner
        .host(&session.host_id)
        .map(|h| h.email.clone())
        .unwrap_or_default();
    let deleted = session.detail_json(&host_email);
    let mut found = true;
    inner
        .entities
        .sessions_mut(kind)
        .update(id, |s| match &occurrence {
            None => s.deleted = true,
            Some(occurrence) => {
                let before = s.occurrences.len();
                s.occurrences
                    .retain(|t| t.timestamp_millis().to_string() != *occurrence);
                found = s.occurrences.len() < before;
                match s.occurrences.first() {
                    // A series starts at its first occurrence left.
                    Some(&first) => s.start_time = Some(first),
                    None => s.deleted = true,
                }
            }
        });
    if !found {
        // Zoom's `meetingDelete`: 3000 "Invalid occurrence_id." (nothing was changed).
        return Err(
            respond::zoom_error(StatusCode::BAD_REQUEST, 3000, "Invalid occurrence_id.").into(),
        );
    }
    // Zoom sends an occurrence's delete with an `occurrences` list; the simulator sends only
    // the whole session's.
    if occurrence.is_none()
        && let Some(operator) = inner.operator()
    {
        let event = format!("{}.deleted", kind.as_str());
        state
            .outbox
            .session_event(&event, &deleted, operator, call.now);
    }
    Ok(respond::no_content())
}

/// Why Zoom refuses to delete it, if it does: 3002 while a meeting runs, 3018 for a PMI (Zoom's
/// `meetingDelete`). Webinars here are never running, so nothing stops their delete.
fn undeletable(session: &SimSession) -> Option<Response> {
    let (code, message) = if session.is_live() {
        (
            3002,
            "Sorry, you cannot delete this meeting since it is in progress.",
        )
    } else if session.kind == SessionKind::Meeting && session.session_type == 4 {
        (3018, "Not allowed to delete PMI.")
    } else {
        return None;
    };
    Some(respond::zoom_error(StatusCode::BAD_REQUEST, code, message))
}

/// The meeting or webinar id (or UUID) of a `/{meetings|webinars}/{id}…` path.
pub(crate) fn session_key(kind: SessionKind, uri: &Uri) -> Result<String, Refusal> {
    session_param(uri, 3).map_err(|seen| unreadable_uuid(noun(kind), &seen).into())
}

/// The session `key` names if it exists now, or Zoom's 3001.
pub(crate) fn existing<'a>(
    entities: &'a Entities,
    kind: SessionKind,
    key: &str,
    now: DateTime<Utc>,
) -> Result<&'a SimSession, Refusal> {
    entities
        .existing(kind, key, now)
        .ok_or_else(|| not_found(kind, key).into())
}

fn not_ended() -> Response {
    respond::zoom_error(
        StatusCode::NOT_FOUND,
        MEETING_NOT_FOUND,
        "The meeting ID is invalid or the meeting has not ended.",
    )
}
