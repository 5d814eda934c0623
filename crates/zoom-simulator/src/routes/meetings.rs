//! `GET /v2/users/{userId}/meetings`, `GET /v2/meetings/{meetingId}` and
//! `GET /v2/past_meetings/{meetingId}` (<https://developers.zoom.us/docs/api/meetings/>). Listings
//! are cut by offset at the time each page is asked for, like the users listing.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::routes::gate::gate;
use crate::model::meeting::{MeetingListType, PastRefusal, past_instance_check};
use crate::rules::pages::{Cursor, parse_page_size};
use crate::rules::path::{session_param, user_param};
use crate::rules::refusals::{meeting_not_found, no_such_user, unreadable_uuid};
use crate::rules::queries::MeetingQuery;
use crate::rules::respond;
use crate::state::SimState;
use zoom_api::endpoint::Endpoint;

const DEFAULT_PAGE_SIZE: u32 = 30;

pub(crate) async fn list_meetings(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Response {
    match gate(&state, Endpoint::ListMeetings, &headers).await {
        Ok(quota) => respond::with_quota(
            list_page(
                &state,
                &user_param(&uri, 3),
                query.as_deref().unwrap_or(""),
                Instant::now(),
                Utc::now(),
            ),
            &quota,
        ),
        Err(refusal) => refusal,
    }
}

pub(crate) async fn get_meeting(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    match gate(&state, Endpoint::GetMeeting, &headers).await {
        Ok(quota) => respond::with_quota(detail(&state, &uri, Utc::now()), &quota),
        Err(refusal) => refusal,
    }
}

pub(crate) async fn get_past_meeting(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    match gate(&state, Endpoint::GetPastMeeting, &headers).await {
        Ok(quota) => respond::with_quota(past(&state, &uri, Utc::now()), &quota),
        Err(refusal) => refusal,
    }
}

fn list_page(
    state: &SimState,
    user: &str,
    raw_query: &str,
    now: Instant,
    now_utc: DateTime<Utc>,
) -> Response {
    let mut query = MeetingQuery {
        user_id: String::new(),
        list_type: MeetingListType::Scheduled,
        page_size: DEFAULT_PAGE_SIZE,
    };
    let mut token = None;
    for (key, value) in
        url::form_urlencoded::parse(raw_query.as_bytes()).filter(|(_, v)| !v.is_empty())
    {
        match &*key {
            "type" => match MeetingListType::parse(&value) {
                Some(t) => query.list_type = t,
                None => return respond::validation_failed("type"),
            },
            "page_size" => match parse_page_size(&value, Endpoint::ListMeetings) {
                Some(n) => query.page_size = n,
                None => return respond::validation_failed("page_size"),
            },
            "next_page_token" => token = Some(value.into_owned()),
            _ => {}
        }
    }
    let mut guard = state.lock();
    let inner = &mut *guard;
    let Some(host) = inner.user(user) else {
        return no_such_user(user);
    };
    query.user_id = host.id.clone();
    let cursor = match token {
        Some(token) => match inner.meeting_pages.resolve(&token, now) {
            Some(cursor) => cursor,
            None => return respond::page_token_invalid(),
        },
        None => Cursor { query, offset: 0 },
    };
    let listed =
        inner
            .entities
            .listed_meetings(&cursor.query.user_id, cursor.query.list_type, now_utc);
    let (page, next) =
        inner
            .meeting_pages
            .serve(&cursor, cursor.query.page_size, listed.len(), now);
    let meetings: Vec<Value> = listed[page.start..page.end]
        .iter()
        .map(|m| m.listing_json())
        .collect();
    Json(json!({
        "page_count": page.count,
        "page_number": page.number,
        "page_size": cursor.query.page_size,
        "total_records": listed.len(),
        "next_page_token": next,
        "meetings": meetings,
    }))
    .into_response()
}

fn detail(state: &SimState, uri: &Uri, now: DateTime<Utc>) -> Response {
    let key = match session_param(uri, 3) {
        Ok(key) => key,
        Err(seen) => return unreadable_uuid("Meeting", &seen),
    };
    let inner = state.lock();
    let Some(meeting) = inner
        .entities
        .meetings
        .find(&key)
        .filter(|m| m.exists_at(now))
    else {
        return meeting_not_found(&key);
    };
    let host_email = inner
        .host(&meeting.host_id)
        .map(|h| h.email.as_str())
        .unwrap_or_default();
    Json(meeting.detail_json(host_email)).into_response()
}

/// By instance UUID: that instance. By id or by the meeting's own UUID: its latest ended
/// instance, even when the meeting was deleted or has expired.
fn past(state: &SimState, uri: &Uri, now: DateTime<Utc>) -> Response {
    let key = match session_param(uri, 3) {
        Ok(key) => key,
        Err(seen) => return unreadable_uuid("Meeting", &seen),
    };
    let inner = state.lock();
    let Some(meeting) = inner.entities.meetings.find(&key) else {
        return not_ended();
    };
    let instance = match meeting.instances.iter().find(|i| i.uuid == key) {
        Some(instance) => past_instance_check(instance, now),
        None => meeting.latest_past(now),
    };
    match instance {
        Ok(instance) => {
            Json(meeting.past_json(instance, inner.host(&meeting.host_id))).into_response()
        }
        Err(PastRefusal::NeverEnded) => not_ended(),
        Err(PastRefusal::OverAYearAgo) => respond::zoom_error(
            StatusCode::BAD_REQUEST,
            12702,
            "Can not access a meeting a year ago.",
        ),
    }
}

fn not_ended() -> Response {
    respond::zoom_error(
        StatusCode::NOT_FOUND,
        3001,
        "The meeting ID is invalid or the meeting has not ended.",
    )
}
