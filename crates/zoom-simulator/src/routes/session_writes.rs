//! `POST /v2/users/{userId}/meetings`, `PATCH` and `DELETE /v2/meetings/{meetingId}`, and the same
//! three for webinars (<https://developers.zoom.us/docs/api/meetings/>). A created session is built
//! like a generated one, so the listings and `GET` show it the same way.
//!
//! Creates and updates spend the host's daily allowance (100 on Zoom, across meetings and
//! webinars, counted against the host whoever calls); deletes do not
//! (<https://developers.zoom.us/docs/api/rate-limits/#daily-rate-limits>).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};

use crate::routes::gate::serve;
use crate::rules::body::{self, Fields};
use crate::model::entities::Entities;
use crate::model::meeting::SimMeeting;
use crate::rules::refusals::{no_such_user, unreadable_uuid};
use crate::rules::path::{session_param, user_param};
use crate::rules::refusals::noun;
use crate::rules::respond::{self, Refusal};
use crate::routes::session::SessionRow;
use crate::routes::session_patch;
use crate::state::SimState;
use crate::rules::user_limits::Counter;
use crate::model::webinar::SimWebinar;
use crate::rules::refusals::webinar_plan_missing;
use zoom_api::SessionKind;
use zoom_api::endpoint::Endpoint;

pub(crate) async fn create_meeting(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let endpoint = Endpoint::CreateMeeting;
    serve(&state, endpoint, &headers, || {
        create::<SimMeeting>(&state, endpoint, &uri, &body, Utc::now())
    })
    .await
}

pub(crate) async fn create_webinar(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let endpoint = Endpoint::CreateWebinar;
    serve(&state, endpoint, &headers, || {
        create::<SimWebinar>(&state, endpoint, &uri, &body, Utc::now())
    })
    .await
}

/// `occurrence_id` is accepted and the change applies to the whole series: the simulator
/// keeps one topic, agenda and duration per series.
pub(crate) async fn update_meeting(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let endpoint = Endpoint::UpdateMeeting;
    serve(&state, endpoint, &headers, || {
        update::<SimMeeting>(&state, endpoint, &uri, &body, Utc::now())
    })
    .await
}

pub(crate) async fn update_webinar(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let endpoint = Endpoint::UpdateWebinar;
    serve(&state, endpoint, &headers, || {
        update::<SimWebinar>(&state, endpoint, &uri, &body, Utc::now())
    })
    .await
}

pub(crate) async fn delete_meeting(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Response {
    serve(&state, Endpoint::DeleteMeeting, &headers, || {
        delete::<SimMeeting>(&state, &uri, query.as_deref(), Utc::now())
    })
    .await
}

pub(crate) async fn delete_webinar(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Response {
    serve(&state, Endpoint::DeleteWebinar, &headers, || {
        delete::<SimWebinar>(&state, &uri, query.as_deref(), Utc::now())
    })
    .await
}

/// The meeting or webinar id (or UUID) of a `/{meetings|webinars}/{id}…` path.
pub(crate) fn session_key<T: SessionRow>(uri: &Uri) -> Result<String, Refusal> {
    session_param(uri, 3).map_err(|seen| unreadable_uuid(noun(T::KIND), &seen).into())
}

/// The session `key` names, if it exists now (neither deleted nor expired).
pub(crate) fn existing<'a, T: SessionRow>(
    entities: &'a Entities,
    key: &str,
    now: DateTime<Utc>,
) -> Result<&'a T, Refusal> {
    T::table(entities)
        .find(key)
        .filter(|row| row.exists_at(now))
        .ok_or_else(|| T::not_found(key).into())
}

fn create<T: SessionRow>(
    state: &SimState,
    endpoint: Endpoint,
    uri: &Uri,
    body: &Bytes,
    now: DateTime<Utc>,
) -> Result<Response, Refusal> {
    let user = user_param(uri, 3);
    let body = body::object(body)?;
    let mut guard = state.lock();
    let inner = &mut *guard;
    let host = inner
        .user(&user)
        .ok_or_else(|| no_such_user(&user))?
        .clone();
    if T::KIND == SessionKind::Webinar && !inner.entities.has_webinar_plan(&host.id) {
        return Err(webinar_plan_missing(&user).into());
    }
    let (id, uuid) = inner.entities.unused_session_ids(&mut rand::rng());
    let mut row = T::blank(id, uuid, &host, now);
    session_patch::apply(&Fields::new(&body), &mut row, now)?;
    inner.user_limits.take(
        &[Counter::SessionWrites {
            host_id: host.id.clone(),
        }],
        endpoint.label(),
        now,
    )?;
    let created = row.detail_json(&host.email);
    T::table_mut(&mut inner.entities).insert(row);
    Ok(respond::created(created))
}

fn update<T: SessionRow>(
    state: &SimState,
    endpoint: Endpoint,
    uri: &Uri,
    body: &Bytes,
    now: DateTime<Utc>,
) -> Result<Response, Refusal> {
    let key = session_key::<T>(uri)?;
    let body = body::object(body)?;
    let mut guard = state.lock();
    let inner = &mut *guard;
    let mut row = existing::<T>(&inner.entities, &key, now)?.clone();
    let host_id = row.host_id().to_owned();
    if T::KIND == SessionKind::Webinar && !inner.entities.has_webinar_plan(&host_id) {
        return Err(webinar_plan_missing(&host_id).into());
    }
    session_patch::apply(&Fields::new(&body), &mut row, now)?;
    inner
        .user_limits
        .take(&[Counter::SessionWrites { host_id }], endpoint.label(), now)?;
    T::table_mut(&mut inner.entities).insert(row);
    Ok(respond::no_content())
}

/// Deletes the session as Zoom does: gone from listings and `GET`, while a meeting's past
/// instances still answer. With `occurrence_id`, only that occurrence goes.
fn delete<T: SessionRow>(
    state: &SimState,
    uri: &Uri,
    query: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Response, Refusal> {
    let key = session_key::<T>(uri)?;
    let occurrence = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(name, value)| name == "occurrence_id" && !value.is_empty())
        .map(|(_, value)| value.into_owned());
    let mut inner = state.lock();
    let row = existing::<T>(&inner.entities, &key, now)?;
    if let Some(refusal) = row.undeletable() {
        return Err(refusal.into());
    }
    let id = row.id();
    let mut found = true;
    T::table_mut(&mut inner.entities).update(id, |row| {
        let s = row.fields();
        match &occurrence {
            None => *s.deleted = true,
            Some(occurrence) => {
                let before = s.occurrences.len();
                s.occurrences
                    .retain(|t| t.timestamp_millis().to_string() != *occurrence);
                found = s.occurrences.len() < before;
                match s.occurrences.first() {
                    // A series starts at its first occurrence left.
                    Some(&first) => *s.start_time = Some(first),
                    None => *s.deleted = true,
                }
            }
        }
    });
    if !found {
        // Zoom's `meetingDelete`: 3000 "Invalid occurrence_id." (nothing was changed).
        return Err(
            respond::zoom_error(StatusCode::BAD_REQUEST, 3000, "Invalid occurrence_id.").into(),
        );
    }
    Ok(respond::no_content())
}
