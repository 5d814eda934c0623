//! `GET /v2/meetings/{meetingId}/registrants` and `GET /v2/webinars/{webinarId}/registrants`
//! (<https://developers.zoom.us/docs/api/meetings/>): one status at a time, paged by
//! `next_page_token`, with the envelope Zoom's schema documents (`page_count` and `page_number`
//! too, though some clients report Zoom leaving them out, so the client relies on neither). A
//! meeting without registration answers with a literal HTTP 300, as Zoom documents; its code, 300,
//! is the one an expired page token gets too, so clients tell the two apart by the message.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::routes::gate::gate;
use crate::model::entities::Entities;
use crate::rules::refusals::{meeting_not_found, noun, unreadable_uuid};
use crate::rules::pages::{Cursor, parse_page_size};
use crate::rules::path::session_param;
use crate::model::registrant::{RegistrantStatus, SimRegistrant};
use crate::rules::queries::RegistrantQuery;
use crate::rules::respond;
use crate::state::SimState;
use crate::rules::refusals::webinar_not_found;
use zoom_api::SessionKind;
use zoom_api::endpoint::Endpoint;

const DEFAULT_PAGE_SIZE: u32 = 30;

fn listing_endpoint(kind: SessionKind) -> Endpoint {
    match kind {
        SessionKind::Meeting => Endpoint::ListMeetingRegistrants,
        SessionKind::Webinar => Endpoint::ListWebinarRegistrants,
    }
}

pub(crate) async fn list_meeting_registrants(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Response {
    list(&state, SessionKind::Meeting, &headers, &uri, query).await
}

pub(crate) async fn list_webinar_registrants(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Response {
    list(&state, SessionKind::Webinar, &headers, &uri, query).await
}

async fn list(
    state: &SimState,
    kind: SessionKind,
    headers: &HeaderMap,
    uri: &Uri,
    query: Option<String>,
) -> Response {
    let quota = match gate(state, listing_endpoint(kind), headers).await {
        Ok(quota) => quota,
        Err(refusal) => return refusal,
    };
    let response = match session_param(uri, 3) {
        Ok(key) => page(
            state,
            kind,
            &key,
            query.as_deref().unwrap_or(""),
            Instant::now(),
            Utc::now(),
        ),
        Err(seen) => unreadable_uuid(noun(kind), &seen),
    };
    respond::with_quota(response, &quota)
}

pub(crate) async fn get_meeting_registrant(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    get_one(&state, SessionKind::Meeting, &headers, &uri).await
}

pub(crate) async fn get_webinar_registrant(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    get_one(&state, SessionKind::Webinar, &headers, &uri).await
}

/// `GET …/registrants/{registrantId}`: the registrant as listed. An unknown registrant gets a
/// 404 (Zoom documents none for this case; clients must treat any 404 as "not there").
async fn get_one(state: &SimState, kind: SessionKind, headers: &HeaderMap, uri: &Uri) -> Response {
    let endpoint = match kind {
        SessionKind::Meeting => Endpoint::GetMeetingRegistrant,
        SessionKind::Webinar => Endpoint::GetWebinarRegistrant,
    };
    let quota = match gate(state, endpoint, headers).await {
        Ok(quota) => quota,
        Err(refusal) => return refusal,
    };
    let (key, registrant_id) = match (session_param(uri, 3), session_param(uri, 5)) {
        (Ok(key), Ok(registrant_id)) => (key, registrant_id),
        (Err(seen), _) | (_, Err(seen)) => return unreadable_uuid(noun(kind), &seen),
    };
    let inner = state.lock();
    let response = match registrants_of(&inner.entities, kind, &key, Utc::now()) {
        None => match kind {
            SessionKind::Meeting => meeting_not_found(&key),
            SessionKind::Webinar => webinar_not_found(&key),
        },
        Some((_, _, registrants)) => match registrants.iter().find(|r| r.id == registrant_id) {
            Some(registrant) => Json(registrant.listing_json()).into_response(),
            None => respond::zoom_error(
                StatusCode::NOT_FOUND,
                404,
                format!("Registrant {registrant_id} does not exist."),
            ),
        },
    };
    respond::with_quota(response, &quota)
}

/// The registrants of an existing meeting or webinar, whether its registration is on, and
/// its id; `None` when it does not exist (any more).
pub(crate) fn registrants_of<'a>(
    entities: &'a Entities,
    kind: SessionKind,
    key: &str,
    now: DateTime<Utc>,
) -> Option<(u64, bool, &'a [SimRegistrant])> {
    match kind {
        SessionKind::Meeting => entities
            .meetings
            .find(key)
            .filter(|m| m.exists_at(now))
            .map(|m| (m.id, m.has_registration(), m.registrants.as_slice())),
        SessionKind::Webinar => entities
            .webinars
            .find(key)
            .filter(|w| w.exists_at(now))
            .map(|w| (w.id, w.has_registration(), w.registrants.as_slice())),
    }
}

fn page(
    state: &SimState,
    kind: SessionKind,
    key: &str,
    raw_query: &str,
    now: Instant,
    now_utc: DateTime<Utc>,
) -> Response {
    let mut status = RegistrantStatus::Approved;
    let mut page_size = DEFAULT_PAGE_SIZE;
    let mut token = None;
    for (name, value) in
        url::form_urlencoded::parse(raw_query.as_bytes()).filter(|(_, v)| !v.is_empty())
    {
        match &*name {
            "status" => match RegistrantStatus::parse(&value) {
                Some(s) => status = s,
                None => return respond::validation_failed("status"),
            },
            "page_size" => match parse_page_size(&value, listing_endpoint(kind)) {
                Some(n) => page_size = n,
                None => return respond::validation_failed("page_size"),
            },
            "next_page_token" => token = Some(value.into_owned()),
            _ => {}
        }
    }
    let mut guard = state.lock();
    let inner = &mut *guard;
    let Some((id, registration, _)) = registrants_of(&inner.entities, kind, key, now_utc) else {
        return match kind {
            SessionKind::Meeting => meeting_not_found(key),
            SessionKind::Webinar => webinar_not_found(key),
        };
    };
    if !registration {
        let noun = noun(kind).to_lowercase();
        let body = json!({
            "code": 300,
            "message": format!("This {noun} has not set registration as required: {key}."),
        });
        return (StatusCode::MULTIPLE_CHOICES, Json(body)).into_response();
    }
    let cursor = match token {
        Some(token) => match inner.registrant_pages.resolve(&token, now) {
            Some(cursor) => cursor,
            None => return respond::page_token_invalid(),
        },
        None => Cursor {
            query: RegistrantQuery {
                kind,
                id,
                status,
                page_size,
            },
            offset: 0,
        },
    };
    let query = cursor.query;
    let matching: Vec<&SimRegistrant> =
        registrants_of(&inner.entities, query.kind, &query.id.to_string(), now_utc)
            .map(|(_, _, all)| all.iter().filter(|r| r.status == query.status).collect())
            .unwrap_or_default();
    let (page, next) = inner
        .registrant_pages
        .serve(&cursor, query.page_size, matching.len(), now);
    let items: Vec<Value> = matching[page.start..page.end]
        .iter()
        .map(|r| r.listing_json())
        .collect();
    Json(json!({
        "page_count": page.count,
        "page_number": page.number,
        "page_size": query.page_size,
        "total_records": matching.len(),
        "next_page_token": next,
        "registrants": items,
    }))
    .into_response()
}
