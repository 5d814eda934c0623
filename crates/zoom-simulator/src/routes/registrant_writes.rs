//! `POST /v2/{meetings|webinars}/{id}/registrants` and
//! `PUT /v2/{meetings|webinars}/{id}/registrants/status`
//! (<https://developers.zoom.us/docs/api/meetings/>).
//!
//! Registering an email that is already registered answers the existing registrant, as Zoom
//! does, so a retried registration never makes a twin. Each registration and each status change
//! spends the registrant's daily allowance for that meeting or webinar (3 and 10).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::routes::gate::serve;
use crate::rules::body::{self, Fields, is_email};
use crate::model::ids;
use crate::model::meeting::{SimMeeting, occurrences_json};
use crate::model::registrant::{RegistrantStatus, SimRegistrant};
use crate::rules::respond::{self, Refusal};
use crate::routes::session::{SessionMut, SessionRow};
use crate::routes::session_writes::{existing, session_key};
use crate::state::SimState;
use crate::model::user::timestamp;
use crate::rules::user_limits::Counter;
use crate::model::webinar::SimWebinar;
use zoom_api::SessionKind;
use zoom_api::endpoint::Endpoint;

/// Zoom takes at most this many registrants in one status change.
const MAX_PER_STATUS_CHANGE: usize = 30;

pub(crate) async fn add_meeting_registrant(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let endpoint = Endpoint::CreateMeetingRegistrant;
    serve(&state, endpoint, &headers, || {
        add::<SimMeeting>(&state, endpoint, &uri, &body, Utc::now())
    })
    .await
}

pub(crate) async fn add_webinar_registrant(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let endpoint = Endpoint::CreateWebinarRegistrant;
    serve(&state, endpoint, &headers, || {
        add::<SimWebinar>(&state, endpoint, &uri, &body, Utc::now())
    })
    .await
}

pub(crate) async fn update_meeting_registrant_status(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let endpoint = Endpoint::UpdateMeetingRegistrantStatus;
    serve(&state, endpoint, &headers, || {
        set_status::<SimMeeting>(&state, endpoint, &uri, &body, Utc::now())
    })
    .await
}

pub(crate) async fn update_webinar_registrant_status(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let endpoint = Endpoint::UpdateWebinarRegistrantStatus;
    serve(&state, endpoint, &headers, || {
        set_status::<SimWebinar>(&state, endpoint, &uri, &body, Utc::now())
    })
    .await
}

/// A session whose registration is off (`approval_type` 2). Zoom documents no answer for this on
/// the meeting endpoints; Zoom's meetings reference gives HTTP 404 with code 404 "Registration has
/// not been enabled for this meeting" on the other meeting registrant writes, and 400 with code
/// 3000 on `webinarRegistrantCreate` for webinars. Each kind answers its own.
fn registration_closed(kind: SessionKind, key: &str) -> Response {
    match kind {
        SessionKind::Meeting => respond::zoom_error(
            StatusCode::NOT_FOUND,
            404,
            format!("Registration has not been enabled for this meeting: {key}."),
        ),
        SessionKind::Webinar => respond::zoom_error(
            StatusCode::BAD_REQUEST,
            3000,
            format!("This webinar does not have registration as required: {key}."),
        ),
    }
}

fn add<T: SessionRow>(
    state: &SimState,
    endpoint: Endpoint,
    uri: &Uri,
    body: &Bytes,
    now: DateTime<Utc>,
) -> Result<Response, Refusal> {
    let key = session_key::<T>(uri)?;
    let body = body::object(body)?;
    let f = Fields::new(&body);
    let mut guard = state.lock();
    let inner = &mut *guard;
    let row = existing::<T>(&inner.entities, &key, now)?;
    if !row.has_registration() {
        return Err(registration_closed(T::KIND, &key).into());
    }
    let session_id = row.id();
    let mut candidate = read_registrant(&f, session_id, now)?;
    let auto_approve = f.boolean("auto_approve")?.unwrap_or(false);
    inner.user_limits.take(
        &[Counter::registration(T::KIND, session_id, &candidate.email)],
        endpoint.label(),
        now,
    )?;
    let mut added = Value::Null;
    T::table_mut(&mut inner.entities).update(session_id, |row| {
        let s = row.fields();
        let registrant = match s
            .registrants
            .iter()
            .find(|r| r.email.eq_ignore_ascii_case(&candidate.email))
        {
            Some(registered) => registered.clone(),
            None => {
                // `auto_approve` approves at once even where the host approves by hand.
                candidate.status = if *s.approval_type == 0 || auto_approve {
                    RegistrantStatus::Approved
                } else {
                    RegistrantStatus::Pending
                };
                s.registrants.push(candidate.clone());
                candidate
            }
        };
        added = added_json(session_id, &registrant, &s);
    });
    Ok(respond::created(added))
}

/// A new registrant from the body: `email` and `first_name` are required (Zoom's schema).
fn read_registrant(
    f: &Fields<'_>,
    session_id: u64,
    now: DateTime<Utc>,
) -> Result<SimRegistrant, Refusal> {
    let email = f
        .string("email")?
        .filter(|e| is_email(e))
        .ok_or_else(|| f.invalid("email"))?;
    let first_name = f
        .text("first_name", 64)?
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| f.invalid("first_name"))?;
    let text = |key: &str| -> Result<String, Refusal> {
        Ok(f.string(key)?.unwrap_or_default().to_owned())
    };
    let custom_questions = f
        .array("custom_questions")?
        .unwrap_or_default()
        .iter()
        .map(|q| {
            let title = q.get("title").and_then(Value::as_str);
            let value = q.get("value").and_then(Value::as_str).unwrap_or_default();
            match title {
                Some(title) if value.chars().count() <= 128 => {
                    Ok((title.to_owned(), value.to_owned()))
                }
                _ => Err(f.invalid("custom_questions")),
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let id = ids::id22(&mut rand::rng());
    Ok(SimRegistrant {
        join_url: format!("https://us05web.zoom.us/w/{session_id}?tk={id}"),
        id,
        email: email.to_owned(),
        first_name: first_name.to_owned(),
        last_name: text("last_name")?,
        address: text("address")?,
        city: text("city")?,
        state: text("state")?,
        zip: text("zip")?,
        country: text("country")?,
        phone: text("phone")?,
        industry: text("industry")?,
        org: text("org")?,
        job_title: text("job_title")?,
        purchasing_time_frame: text("purchasing_time_frame")?,
        role_in_purchase_process: text("role_in_purchase_process")?,
        no_of_employees: text("no_of_employees")?,
        comments: text("comments")?,
        custom_questions,
        status: RegistrantStatus::Pending,
        create_time: now,
    })
}

/// The 201 body Zoom documents: the session's id, the registrant's, and when and what it is.
fn added_json(session_id: u64, registrant: &SimRegistrant, s: &SessionMut<'_>) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(session_id));
    o.insert("registrant_id".into(), json!(registrant.id));
    o.insert("join_url".into(), json!(registrant.join_url));
    o.insert("topic".into(), json!(s.topic));
    if let Some(start) = *s.start_time {
        o.insert("start_time".into(), json!(timestamp(start)));
    }
    if !s.occurrences.is_empty() {
        o.insert(
            "occurrences".into(),
            occurrences_json(s.occurrences.as_slice(), *s.duration),
        );
    }
    Value::Object(o)
}

fn set_status<T: SessionRow>(
    state: &SimState,
    endpoint: Endpoint,
    uri: &Uri,
    body: &Bytes,
    now: DateTime<Utc>,
) -> Result<Response, Refusal> {
    let key = session_key::<T>(uri)?;
    let body = body::object(body)?;
    let f = Fields::new(&body);
    let status = match f.string("action")? {
        Some("approve") => RegistrantStatus::Approved,
        // `cancel` revokes a registration. The API lists no `cancelled` status (only pending,
        // approved and denied) and Zoom's portal shows a cancelled registrant under
        // "Denied/Blocked", so it is listed as denied.
        Some("deny" | "cancel") => RegistrantStatus::Denied,
        _ => return Err(f.invalid("action")),
    };
    let named = f
        .array("registrants")?
        .filter(|items| (1..=MAX_PER_STATUS_CHANGE).contains(&items.len()))
        .ok_or_else(|| f.invalid("registrants"))?
        .iter()
        .map(|item| {
            let id = item.get("id").and_then(Value::as_str);
            let email = item.get("email").and_then(Value::as_str);
            (id.is_some() || email.is_some())
                .then_some((id, email))
                .ok_or_else(|| f.invalid("registrants"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut guard = state.lock();
    let inner = &mut *guard;
    let row = existing::<T>(&inner.entities, &key, now)?;
    if !row.has_registration() {
        return Err(registration_closed(T::KIND, &key).into());
    }
    let session_id = row.id();
    let registrants = row.registrants();
    // By id, else by email; registrants Zoom does not know are passed over, as Zoom does.
    let mut chosen: Vec<usize> = named
        .iter()
        .filter_map(|(id, email)| {
            let by_id = id.and_then(|id| registrants.iter().position(|r| r.id == id));
            by_id.or_else(|| {
                email.and_then(|e| {
                    registrants
                        .iter()
                        .position(|r| r.email.eq_ignore_ascii_case(e))
                })
            })
        })
        .collect();
    chosen.sort_unstable();
    chosen.dedup();
    let counters: Vec<Counter> = chosen
        .iter()
        .map(|&i| Counter::registrant_status(T::KIND, session_id, &registrants[i].email))
        .collect();
    inner.user_limits.take(&counters, endpoint.label(), now)?;
    T::table_mut(&mut inner.entities).update(session_id, |row| {
        let s = row.fields();
        for &i in &chosen {
            s.registrants[i].status = status;
        }
    });
    Ok(respond::no_content())
}
