//! `GET /v2/users/{userId}/webinars` and `GET /v2/webinars/{webinarId}`
//! (<https://developers.zoom.us/docs/api/meetings/>).
//! The listing is the one still paged by `page_number`: its spec lists no `next_page_token`
//! parameter, so one sent is ignored and the response's token is always empty.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::routes::gate::gate;
use crate::rules::refusals::{no_such_user, unreadable_uuid, webinar_not_found, webinar_plan_missing};
use crate::rules::pages::{Page, parse_page_size};
use crate::rules::path::{session_param, user_param};
use crate::rules::respond;
use crate::state::SimState;
use zoom_api::endpoint::Endpoint;

const DEFAULT_PAGE_SIZE: u32 = 30;

pub(crate) async fn list_webinars(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Response {
    match gate(&state, Endpoint::ListWebinars, &headers).await {
        Ok(quota) => respond::with_quota(
            list_page(
                &state,
                &user_param(&uri, 3),
                query.as_deref().unwrap_or(""),
                Utc::now(),
            ),
            &quota,
        ),
        Err(refusal) => refusal,
    }
}

pub(crate) async fn get_webinar(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    match gate(&state, Endpoint::GetWebinar, &headers).await {
        Ok(quota) => respond::with_quota(detail(&state, &uri, Utc::now()), &quota),
        Err(refusal) => refusal,
    }
}

fn list_page(state: &SimState, user: &str, raw_query: &str, now: DateTime<Utc>) -> Response {
    let mut upcoming_only = false;
    let mut page_size = DEFAULT_PAGE_SIZE;
    let mut page_number = 1u32;
    for (key, value) in
        url::form_urlencoded::parse(raw_query.as_bytes()).filter(|(_, v)| !v.is_empty())
    {
        match &*key {
            "type" => match &*value {
                "scheduled" => upcoming_only = false,
                "upcoming" => upcoming_only = true,
                _ => return respond::validation_failed("type"),
            },
            "page_size" => match parse_page_size(&value, Endpoint::ListWebinars) {
                Some(n) => page_size = n,
                None => return respond::validation_failed("page_size"),
            },
            "page_number" => match value.parse::<u32>() {
                Ok(n) => page_number = n.max(1),
                Err(_) => return respond::validation_failed("page_number"),
            },
            _ => {}
        }
    }
    let inner = state.lock();
    let Some(host) = inner.user(user) else {
        return no_such_user(user);
    };
    if !inner.entities.has_webinar_plan(&host.id) {
        return webinar_plan_missing(user);
    }
    let listed = inner.entities.listed_webinars(&host.id, upcoming_only, now);
    let offset = (page_number as usize - 1).saturating_mul(page_size as usize);
    let page = Page::at(listed.len(), page_size, offset);
    let webinars: Vec<Value> = listed[page.start..page.end]
        .iter()
        .map(|w| w.listing_json())
        .collect();
    Json(json!({
        "page_count": page.count,
        "page_number": page.number,
        "page_size": page_size,
        "total_records": listed.len(),
        "next_page_token": "",
        "webinars": webinars,
    }))
    .into_response()
}

fn detail(state: &SimState, uri: &Uri, now: DateTime<Utc>) -> Response {
    let key = match session_param(uri, 3) {
        Ok(key) => key,
        Err(seen) => return unreadable_uuid("Webinar", &seen),
    };
    let inner = state.lock();
    let Some(webinar) = inner
        .entities
        .webinars
        .find(&key)
        .filter(|w| w.exists_at(now))
    else {
        return webinar_not_found(&key);
    };
    let host_email = inner
        .host(&webinar.host_id)
        .map(|h| h.email.as_str())
        .unwrap_or_default();
    Json(webinar.detail_json(host_email)).into_response()
}
