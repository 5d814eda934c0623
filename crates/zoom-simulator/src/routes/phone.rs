//! `GET /v2/phone/users/{userId}/recordings` (<https://developers.zoom.us/docs/api/phone/>): a
//! user's Zoom Phone call recordings that began on the days from `from` to `to`, newest first,
//! paged by `next_page_token`. Without `from` the last 30 days; `to` is required with `from`.
//! Zoom answers "one month's worth of data at once" and only "within the last six months", and
//! documents no error for more: a longer range is cut to its last month, an older start to six
//! months ago, and the answer echoes the dates used, as the cloud recordings listing does.
//!
//! The exact answer for a user without a Phone licence is undocumented; the simulator gives
//! the documented 404/1001 "User does not exist", and for an account without Zoom Phone 403
//! "Zoom Phone has not been enabled for this account." with code 2031 (see
//! `zoom_api::codes::PHONE_NOT_ENABLED`).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Months};
use serde_json::{Value, json};

use crate::model::recording::DateRange;
use crate::routes::gate::Call;
use crate::routes::recordings::parse_day;
use crate::rules::pages::parse_page_size;
use crate::rules::path::user_param;
use crate::rules::queries::{PhoneRecordingQuery, invalid, query_params};
use crate::rules::refusals::no_such_user;
use crate::rules::respond::{self, Refusal};
use crate::state::SimState;
use zoom_api::codes::PHONE_NOT_ENABLED;
use zoom_api::endpoint::PHONE_RECORDINGS_MONTHS;

const DEFAULT_PAGE_SIZE: u32 = 30;
/// Days listed without `from`.
const DEFAULT_DAYS: i64 = 30;

pub(crate) fn list_recordings(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let user = user_param(&call.uri, 4);
    let (mut from, mut to) = (None, None);
    let mut page_size = DEFAULT_PAGE_SIZE;
    let mut token = None;
    for (key, value) in query_params(&call.query) {
        match &*key {
            "from" => from = Some(parse_day(&value).ok_or_else(|| invalid("from"))?),
            "to" => to = Some(parse_day(&value).ok_or_else(|| invalid("to"))?),
            "page_size" => {
                page_size =
                    parse_page_size(&value, call.endpoint).ok_or_else(|| invalid("page_size"))?;
            }
            "next_page_token" => token = Some(value.into_owned()),
            _ => {}
        }
    }
    let today = call.now.date_naive();
    let (from, to) = match (from, to) {
        (Some(_), None) => return Err(invalid("to")),
        (None, to) => {
            let to = to.unwrap_or(today);
            (to - Duration::days(DEFAULT_DAYS), to)
        }
        (Some(from), Some(to)) => (from, to),
    };
    let mut guard = state.lock();
    let inner = &mut *guard;
    if !inner.phone.enabled {
        return Err(respond::zoom_error(
            StatusCode::FORBIDDEN,
            PHONE_NOT_ENABLED,
            "Zoom Phone has not been enabled for this account.",
        )
        .into());
    }
    let user_id = inner.user(&user).map(|u| u.id.clone());
    let user_id = user_id
        .filter(|id| inner.phone.licensed(id))
        .ok_or_else(|| no_such_user(&user))?;
    let served = today
        .checked_sub_months(Months::new(PHONE_RECORDINGS_MONTHS))
        .unwrap_or(today);
    let cut = DateRange::resolve(Some(from), Some(to), today);
    let first = PhoneRecordingQuery {
        user_id,
        range: DateRange {
            from: cut.from.max(served),
            to: cut.to,
        },
        page_size,
    };
    let cursor = inner
        .phone_recording_pages
        .start(token.as_deref(), first, call.instant)?;
    let query = &cursor.query;
    let listed = inner.phone.in_range(&query.user_id, query.range);
    let total = listed.len();
    let page_items: Vec<Value> = listed.iter().map(|r| r.listing_json()).collect();
    let (page, next) =
        inner
            .phone_recording_pages
            .serve(&cursor, query.page_size, total, call.instant);
    Ok(Json(json!({
        "from": query.range.from.to_string(),
        "to": query.range.to.to_string(),
        "page_count": page.count,
        "page_size": query.page_size,
        "total_records": total,
        "next_page_token": next,
        "recordings": page_items[page.start..page.end],
    }))
    .into_response())
}
