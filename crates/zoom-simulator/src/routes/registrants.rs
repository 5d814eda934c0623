//! Registrants of meetings and webinars (<https://developers.zoom.us/docs/api/meetings/>):
//! `GET /v2/{meetings|webinars}/{id}/registrants` and `…/registrants/{registrantId}`,
//! `POST …/registrants` and `PUT …/registrants/status`.
//!
//! Listings give one status at a time, paged by `next_page_token`, with the envelope Zoom's
//! schema documents (`page_count` and `page_number` too, though some clients report Zoom leaving
//! them out, so the client relies on neither). A meeting without registration answers with a
//! literal HTTP 300, as Zoom documents; its code, 300, is the one an expired page token gets
//! too, so clients tell the two apart by the message.
//!
//! Registering an email that is already registered answers the existing registrant, as Zoom
//! does, so a retried registration never makes a twin. Each registration and each status change
//! spends the registrant's daily allowance for that meeting or webinar (3 and 10).

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::model::entities::Entities;
use crate::model::ids;
use crate::model::registrant::{RegistrantStatus, SimRegistrant};
use crate::model::session::SimSession;
use crate::model::session_json::occurrences_json;
use crate::model::user::timestamp;
use crate::routes::gate::Call;
use crate::routes::sessions::{existing, session_key};
use crate::rules::body::{self, Fields, is_email};
use crate::rules::path::session_param;
use crate::rules::queries::{PageParams, RegistrantQuery, invalid, page_params};
use crate::rules::refusals::{noun, unreadable_uuid};
use crate::rules::respond::{self, Refusal};
use crate::rules::user_limits::Counter;
use crate::state::{Inner, SimState};
use zoom_api::SessionKind;
use zoom_api::codes::REGISTRATION_NOT_ENABLED;

/// Zoom takes at most this many registrants in one status change.
const MAX_PER_STATUS_CHANGE: usize = 30;

pub(crate) fn list(state: &SimState, call: &Call, kind: SessionKind) -> Result<Response, Refusal> {
    let key = session_key(kind, &call.uri)?;
    let mut status = RegistrantStatus::Approved;
    let PageParams { page_size, token } =
        page_params(&call.query, call.endpoint, |name, value| {
            if name == "status" {
                status = RegistrantStatus::parse(value).ok_or_else(|| invalid("status"))?;
            }
            Ok(())
        })?;
    let mut guard = state.lock();
    let inner = &mut *guard;
    let session = existing(&inner.entities, kind, &key, call.now)?;
    if !session.has_registration() {
        let noun = noun(kind).to_lowercase();
        let body = json!({
            "code": 300,
            "message": format!("This {noun} has not set registration as required: {key}."),
        });
        return Ok((StatusCode::MULTIPLE_CHOICES, Json(body)).into_response());
    }
    let first = RegistrantQuery {
        kind,
        id: session.id,
        status,
        page_size,
    };
    let cursor = inner
        .registrant_pages
        .start(token.as_deref(), first, call.instant)?;
    let query = cursor.query;
    let matching: Vec<&SimRegistrant> = inner
        .entities
        .existing(query.kind, &query.id.to_string(), call.now)
        .map(|s| {
            s.registrants
                .iter()
                .filter(|r| r.status == query.status)
                .collect()
        })
        .unwrap_or_default();
    let (page, next) =
        inner
            .registrant_pages
            .serve(&cursor, query.page_size, matching.len(), call.instant);
    let items: Vec<Value> = matching[page.start..page.end]
        .iter()
        .map(|r| r.listing_json())
        .collect();
    Ok(Json(json!({
        "page_count": page.count,
        "page_number": page.number,
        "page_size": query.page_size,
        "total_records": matching.len(),
        "next_page_token": next,
        "registrants": items,
    }))
    .into_response())
}

/// `GET …/registrants/{registrantId}`: the registrant as listed. An unknown registrant gets a
/// 404 (Zoom documents none for this case; clients must treat any 404 as "not there").
pub(crate) fn get(state: &SimState, call: &Call, kind: SessionKind) -> Result<Response, Refusal> {
    let (key, registrant_id) = match (session_param(&call.uri, 3), session_param(&call.uri, 5)) {
        (Ok(key), Ok(registrant_id)) => (key, registrant_id),
        (Err(seen), _) | (_, Err(seen)) => return Err(unreadable_uuid(noun(kind), &seen).into()),
    };
    let inner = state.lock();
    let session = existing(&inner.entities, kind, &key, call.now)?;
    match session.registrants.iter().find(|r| r.id == registrant_id) {
        Some(registrant) => Ok(Json(registrant.listing_json()).into_response()),
        None => Err(respond::zoom_error(
            StatusCode::NOT_FOUND,
            404,
            format!("Registrant {registrant_id} does not exist."),
        )
        .into()),
    }
}

/// A session whose registration is off (`approval_type` 2). Zoom documents no answer for this on
/// the meeting endpoints; Zoom's meetings reference gives HTTP 404 with code 404 "Registration has
/// not been enabled for this meeting" on the other meeting registrant writes, and 400 with code
/// 3000 on `webinarRegistrantCreate` for webinars. Each kind answers its own.
fn registration_closed(kind: SessionKind, key: &str) -> Response {
    match kind {
        SessionKind::Meeting => respond::zoom_error(
            StatusCode::NOT_FOUND,
            REGISTRATION_NOT_ENABLED,
            format!("Registration has not been enabled for this meeting: {key}."),
        ),
        SessionKind::Webinar => respond::zoom_error(
            StatusCode::BAD_REQUEST,
            3000,
            format!("This webinar does not have registration as required: {key}."),
        ),
    }
}

/// The session `key` names, if it exists and takes registrations; what Zoom answers if not.
fn open_for_registration<'a>(
    entities: &'a Entities,
    kind: SessionKind,
    key: &str,
    now: DateTime<Utc>,
) -> Result<&'a SimSession, Refusal> {
    let session = existing(entities, kind, key, now)?;
    if !session.has_registration() {
        return Err(registration_closed(kind, key).into());
    }
    Ok(session)
}

pub(crate) fn add(state: &SimState, call: &Call, kind: SessionKind) -> Result<Response, Refusal> {
    let now = call.now;
    let key = session_key(kind, &call.uri)?;
    let body = body::object(&call.body)?;
    let f = Fields::new(&body);
    let mut guard = state.lock();
    let inner = &mut *guard;
    let session = open_for_registration(&inner.entities, kind, &key, now)?;
    let session_id = session.id;
    let mut candidate = read_registrant(&f, session_id, now)?;
    let auto_approve = f.boolean("auto_approve")?.unwrap_or(false);
    inner.user_limits.take(
        &[Counter::registration(kind, session_id, &candidate.email)],
        call.endpoint.label(),
        now,
    )?;
    let mut added = Value::Null;
    let mut new_registrant = None;
    inner.entities.sessions_mut(kind).update(session_id, |s| {
        let registrant = match s
            .registrants
            .iter()
            .find(|r| r.email.eq_ignore_ascii_case(&candidate.email))
        {
            Some(registered) => registered.clone(),
            None => {
                // `auto_approve` approves at once even where the host approves by hand.
                candidate.status = if s.approval_type == 0 || auto_approve {
                    RegistrantStatus::Approved
                } else {
                    RegistrantStatus::Pending
                };
                s.registrants.push(candidate.clone());
                new_registrant = Some(candidate.clone());
                candidate
            }
        };
        added = added_json(&registrant, s);
    });
    if let Some(registrant) = new_registrant {
        let shown = json!({
            "id": registrant.id, "first_name": registrant.first_name,
            "last_name": registrant.last_name, "email": registrant.email,
            "status": registrant.status.as_str(), "join_url": registrant.join_url,
        });
        notify_registration(
            inner,
            state,
            kind,
            session_id,
            "registration_created",
            shown,
            now,
        );
    }
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
fn added_json(registrant: &SimRegistrant, s: &SimSession) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(s.id));
    o.insert("registrant_id".into(), json!(registrant.id));
    o.insert("join_url".into(), json!(registrant.join_url));
    o.insert("topic".into(), json!(s.topic));
    if let Some(start) = s.start_time {
        o.insert("start_time".into(), json!(timestamp(start)));
    }
    if !s.occurrences.is_empty() {
        o.insert(
            "occurrences".into(),
            occurrences_json(&s.occurrences, s.duration),
        );
    }
    Value::Object(o)
}

pub(crate) fn set_status(
    state: &SimState,
    call: &Call,
    kind: SessionKind,
) -> Result<Response, Refusal> {
    let now = call.now;
    let key = session_key(kind, &call.uri)?;
    let body = body::object(&call.body)?;
    let f = Fields::new(&body);
    // The status it leaves, and the event Zoom sends for it. `cancel` revokes a registration.
    // The API lists no `cancelled` status (only pending, approved and denied) and Zoom's portal
    // shows a cancelled registrant under "Denied/Blocked", so it is listed as denied.
    let (status, change) = match f.string("action")? {
        Some("approve") => (RegistrantStatus::Approved, "registration_approved"),
        Some("deny") => (RegistrantStatus::Denied, "registration_denied"),
        Some("cancel") => (RegistrantStatus::Denied, "registration_cancelled"),
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
    let session = open_for_registration(&inner.entities, kind, &key, now)?;
    let session_id = session.id;
    let registrants = &session.registrants;
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
        .map(|&i| Counter::registrant_status(kind, session_id, &registrants[i].email))
        .collect();
    inner
        .user_limits
        .take(&counters, call.endpoint.label(), now)?;
    let changed: Vec<SimRegistrant> = chosen
        .iter()
        .map(|&i| &registrants[i])
        .filter(|r| r.status != status)
        .cloned()
        .collect();
    inner.entities.sessions_mut(kind).update(session_id, |s| {
        for &i in &chosen {
            s.registrants[i].status = status;
        }
    });
    for registrant in changed {
        let shown = json!({
            "id": registrant.id, "first_name": registrant.first_name,
            "last_name": registrant.last_name, "email": registrant.email,
        });
        notify_registration(inner, state, kind, session_id, change, shown, now);
    }
    Ok(respond::no_content())
}

/// Sends `{kind}.{change}` for one registrant of the session.
fn notify_registration(
    inner: &Inner,
    state: &SimState,
    kind: SessionKind,
    session_id: u64,
    change: &str,
    registrant: Value,
    now: DateTime<Utc>,
) {
    let Some(session) = inner.entities.sessions(kind).find(&session_id.to_string()) else {
        return;
    };
    let host_email = inner
        .host(&session.host_id)
        .map(|h| h.email.as_str())
        .unwrap_or_default();
    let detail = session.detail_json(host_email);
    if let Some(operator) = inner.operator() {
        let event = format!("{}.{change}", kind.as_str());
        state
            .outbox
            .registration_event(&event, &detail, registrant, operator, now);
    }
}
