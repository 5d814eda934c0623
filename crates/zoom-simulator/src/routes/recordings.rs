//! `GET /v2/users/{userId}/recordings` and `GET /v2/accounts/{accountId}/recordings`
//! (<https://developers.zoom.us/docs/api/meetings/>): recordings whose start falls in a window of
//! whole UTC days, newest first, paged by `next_page_token`. The window is at most a month; a
//! longer one is silently cut to its last month and the response echoes the dates actually used.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::routes::gate::gate;
use crate::rules::refusals::no_such_user;
use crate::rules::pages::{Cursor, parse_page_size};
use crate::rules::path::user_param;
use crate::model::recording::DateRange;
use crate::rules::queries::RecordingQuery;
use crate::rules::respond;
use crate::state::SimState;
use zoom_api::endpoint::Endpoint;

const DEFAULT_PAGE_SIZE: u32 = 30;

pub(crate) async fn list_user_recordings(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Response {
    let quota = match gate(&state, Endpoint::ListUserRecordings, &headers).await {
        Ok(quota) => quota,
        Err(refusal) => return refusal,
    };
    let user = user_param(&uri, 3);
    let host_id = state.lock().user(&user).map(|u| u.id.clone());
    let response = match host_id {
        Some(host_id) => list_page(&state, Some(host_id), query.as_deref().unwrap_or("")),
        None => no_such_user(&user),
    };
    respond::with_quota(response, &quota)
}

pub(crate) async fn list_account_recordings(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Response {
    let quota = match gate(&state, Endpoint::ListAccountRecordings, &headers).await {
        Ok(quota) => quota,
        Err(refusal) => return refusal,
    };
    let account = user_param(&uri, 3);
    let response = if !state.account_recordings {
        // A guess: Zoom documents no answer for an account without the master-account plan;
        // this is its usual "no permission" shape.
        respond::zoom_error(StatusCode::BAD_REQUEST, 200, "No permission.")
    } else if account != "me" && account != state.credentials.account_id {
        // Also a guess, worded as Zoom's other "not this account" answers.
        respond::zoom_error(
            StatusCode::BAD_REQUEST,
            1010,
            format!("User does not belong to this account: {account}."),
        )
    } else {
        list_page(&state, None, query.as_deref().unwrap_or(""))
    };
    respond::with_quota(response, &quota)
}

fn list_page(state: &SimState, host_id: Option<String>, raw_query: &str) -> Response {
    let now = Instant::now();
    let now_utc = Utc::now();
    let (mut from, mut to) = (None, None);
    let mut page_size = DEFAULT_PAGE_SIZE;
    let mut token = None;
    // `mc`, `trash`, `trash_type` and `meeting_id` are accepted and ignored.
    for (key, value) in
        url::form_urlencoded::parse(raw_query.as_bytes()).filter(|(_, v)| !v.is_empty())
    {
        match &*key {
            "from" => match parse_day(&value) {
                Some(day) => from = Some(day),
                None => return respond::validation_failed("from"),
            },
            "to" => match parse_day(&value) {
                Some(day) => to = Some(day),
                None => return respond::validation_failed("to"),
            },
            "page_size" => match parse_page_size(&value, Endpoint::ListUserRecordings) {
                Some(n) => page_size = n,
                None => return respond::validation_failed("page_size"),
            },
            "next_page_token" => token = Some(value.into_owned()),
            _ => {}
        }
    }
    let mut guard = state.lock();
    let inner = &mut *guard;
    let cursor = match token {
        Some(token) => match inner.recording_pages.resolve(&token, now) {
            Some(cursor) => cursor,
            None => return respond::page_token_invalid(),
        },
        None => Cursor {
            query: RecordingQuery {
                host_id,
                range: DateRange::resolve(from, to, now_utc.date_naive()),
                page_size,
            },
            offset: 0,
        },
    };
    let query = &cursor.query;
    let listed = inner
        .entities
        .recordings_in(query.host_id.as_deref(), query.range);
    let (page, next) = inner
        .recording_pages
        .serve(&cursor, query.page_size, listed.len(), now);
    let meetings: Vec<Value> = listed[page.start..page.end]
        .iter()
        .map(|r| r.listing_json(&state.credentials.account_id))
        .collect();
    Json(json!({
        "from": query.range.from.to_string(),
        "to": query.range.to.to_string(),
        "page_count": page.count,
        "page_size": query.page_size,
        "total_records": listed.len(),
        "next_page_token": next,
        "meetings": meetings,
    }))
    .into_response()
}

/// `yyyy-mm-dd`, nothing else.
fn parse_day(value: &str) -> Option<NaiveDate> {
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
