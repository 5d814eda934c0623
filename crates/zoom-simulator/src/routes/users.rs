//! `GET /v2/users` and `GET /v2/users/{userId}` (<https://developers.zoom.us/docs/api/users/>).
//!
//! Pages are cut by offset at the time each page is asked for, so a user added or removed in
//! the middle of a listing shifts the rest, as with any offset pager: a client must only trust
//! a listing it finished, and should expect that a user can be seen twice or missed.

use std::sync::Arc;

use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::routes::gate::gate;
use crate::rules::pages::{Cursor, Page};
use crate::rules::queries::UserQuery;
use crate::rules::respond;
use crate::state::SimState;
use crate::model::user::{SimUser, UserStatus};
use zoom_api::endpoint::Endpoint;

const DEFAULT_PAGE_SIZE: u32 = 30;

pub(crate) async fn list_users(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    match gate(&state, Endpoint::ListUsers, &headers).await {
        Ok(quota) => respond::with_quota(
            list_page(&state, query.as_deref().unwrap_or(""), Instant::now()),
            &quota,
        ),
        Err(refusal) => refusal,
    }
}

pub(crate) async fn get_user(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let quota = match gate(&state, Endpoint::GetUser, &headers).await {
        Ok(quota) => quota,
        Err(refusal) => return refusal,
    };
    // Decoded by hand: axum's `Path` would answer bad UTF-8 with its own plain-text 400.
    let raw = uri.path().rsplit('/').next().unwrap_or_default();
    let user_id = percent_decode_str(raw).decode_utf8_lossy();
    let found = {
        let inner = state.lock();
        inner
            .user_index(&user_id)
            .map(|i| inner.users[i].detail_json(&state.account, Utc::now()))
    };
    let response = match found {
        Some(detail) => Json(detail).into_response(),
        None => respond::zoom_error(
            StatusCode::NOT_FOUND,
            1001,
            format!("User does not exist: {user_id}."),
        ),
    };
    respond::with_quota(response, &quota)
}

struct ListParams {
    query: UserQuery,
    page_number: Option<u32>,
    next_page_token: Option<String>,
}

/// The parameters, or the name of the first invalid one.
fn parse_list_params(raw: &str) -> Result<ListParams, &'static str> {
    let mut params = ListParams {
        query: UserQuery {
            status: UserStatus::Active,
            page_size: DEFAULT_PAGE_SIZE,
        },
        page_number: None,
        next_page_token: None,
    };
    let max = Endpoint::ListUsers
        .max_page_size()
        .unwrap_or(DEFAULT_PAGE_SIZE);
    // Empty values count as absent: clients often send `next_page_token=` on the first page.
    for (key, value) in url::form_urlencoded::parse(raw.as_bytes()).filter(|(_, v)| !v.is_empty()) {
        match &*key {
            "status" => {
                params.query.status = UserStatus::parse(&value).ok_or("status")?;
            }
            "page_size" => {
                params.query.page_size = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or("page_size")?;
            }
            "page_number" => {
                let n: u32 = value.parse().map_err(|_| "page_number")?;
                params.page_number = Some(n.max(1));
            }
            "next_page_token" => params.next_page_token = Some(value.into_owned()),
            _ => {}
        }
    }
    Ok(params)
}

fn list_page(state: &SimState, raw_query: &str, now: Instant) -> Response {
    let params = match parse_list_params(raw_query) {
        Ok(params) => params,
        Err(field) => return respond::validation_failed(field),
    };
    let mut guard = state.lock();
    let inner = &mut *guard;
    // A token carries its own query; the parameters sent with it are not consulted again.
    let cursor = match &params.next_page_token {
        Some(token) => match inner.pages.resolve(token, now) {
            Some(cursor) => cursor,
            None => return respond::page_token_invalid(),
        },
        None => Cursor {
            query: params.query,
            offset: params.page_number.map_or(0, |n| {
                (n as usize - 1).saturating_mul(params.query.page_size as usize)
            }),
        },
    };
    let matching: Vec<&SimUser> = inner
        .users
        .iter()
        .filter(|u| u.status == cursor.query.status)
        .collect();
    let page = Page::at(matching.len(), cursor.query.page_size, cursor.offset);
    let users: Vec<Value> = matching[page.start..page.end]
        .iter()
        .map(|u| u.listing_json())
        .collect();
    let next_page_token = if page.end < matching.len() {
        inner.pages.issue(
            Cursor {
                query: cursor.query,
                offset: page.end,
            },
            now,
        )
    } else {
        String::new()
    };
    Json(json!({
        "next_page_token": next_page_token,
        "page_count": page.count,
        "page_number": page.number,
        "page_size": cursor.query.page_size,
        "total_records": matching.len(),
        "users": users,
    }))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_parameters_default_and_validate() {
        let Ok(p) = parse_list_params("") else {
            panic!("empty query is valid")
        };
        assert_eq!(
            p.query,
            UserQuery {
                status: UserStatus::Active,
                page_size: 30
            }
        );
        let Ok(p) =
            parse_list_params("status=pending&page_size=2000&next_page_token=&page_number=0")
        else {
            panic!("valid query refused")
        };
        assert_eq!(p.query.status, UserStatus::Pending);
        assert_eq!(p.query.page_size, 2000);
        assert_eq!(p.next_page_token, None);
        assert_eq!(p.page_number, Some(1));
        for bad in [
            "status=deleted",
            "status=Active",
            "page_size=2001",
            "page_size=0",
            "page_size=ten",
            "page_number=-1",
        ] {
            let Err(field) = parse_list_params(bad) else {
                panic!("{bad} accepted")
            };
            assert!(bad.starts_with(field), "{bad} blamed {field}");
        }
    }
}
