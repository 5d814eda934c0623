//! After a successful call: bring the object into the mirror at once (so a report sees the
//! change as soon as the row succeeds), and read back what Zoom answered 204 for.

use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::request::{Subject, ZoomRequest};
use crate::db::sessions::Listed;
use crate::db::{self, DbPool};
use crate::sync::listing::Sink;
use crate::sync::registrants::{registrant_table, row as registrant_row, sync_session};
use crate::sync::sessions::{row as session_row, table as session_table};
use crate::sync::users::row as user_row;
use crate::sync::{PassCounts, SyncError};
use crate::zoom::{Session, SessionKind, ZoomClient};

/// Refreshes the mirror for `request`, whose call answered `answer`, and returns the object as
/// read back; `None` when it is gone (a delete) or nothing can be read back (raw).
pub async fn refresh(
    pool: &DbPool,
    client: &ZoomClient,
    request: &ZoomRequest,
    answer: &Value,
) -> Result<Option<Value>, SyncError> {
    Ok(match &request.subject {
        Subject::NewUser { email, .. } => user(pool, client, email).await?,
        Subject::User { id_or_email } => user(pool, client, id_or_email).await?,
        Subject::NewSession { kind, .. } => match answer.get("id").and_then(Value::as_i64) {
            Some(id) => session(pool, client, *kind, id).await?,
            None => None,
        },
        Subject::Session { kind, id } => session(pool, client, *kind, *id).await?,
        Subject::NewRegistrant {
            kind, session_id, ..
        } => match registrant_id(answer) {
            Some(id) => registrant(pool, client, *kind, *session_id, id).await?,
            None => None,
        },
        Subject::RegistrantStatus {
            kind,
            session_id,
            registrants: named,
        } => registrants(pool, client, *kind, *session_id, named)
            .await?
            .map(|found| json!({ "registrants": found })),
        Subject::Raw => None,
    })
}

async fn user(
    pool: &DbPool,
    client: &ZoomClient,
    id_or_email: &str,
) -> Result<Option<Value>, SyncError> {
    // Before the read: Zoom's answer is at least this new.
    let asked_at = client.clock().now();
    let found = client.get_user(id_or_email).await?;
    let mut conn = db::connection(pool).await?;
    let now = client.clock().now();
    match found {
        Some(mut user) => {
            // The listing, which the sync keys the mirror by, gives pending users no id.
            if user.status.as_deref() == Some("pending") {
                user.id = None;
            }
            db::users::upsert(&mut conn, &[user_row(&user, now)], asked_at).await?;
            Ok(Some(user.raw))
        }
        None => {
            db::users::mark_deleted(&mut conn, id_or_email, asked_at, now).await?;
            Ok(None)
        }
    }
}

async fn session(
    pool: &DbPool,
    client: &ZoomClient,
    kind: SessionKind,
    id: i64,
) -> Result<Option<Value>, SyncError> {
    let asked_at = client.clock().now();
    let details = client.get_session(kind, &id.to_string()).await?;
    let mut conn = db::connection(pool).await?;
    let table = session_table(kind);
    let now = client.clock().now();
    let Some(details) = details else {
        db::sessions::mark_gone(&mut conn, table, id, "deleted", asked_at, now).await?;
        return Ok(None);
    };
    let host = details
        .get("host_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if let Some(session) = Session::from_json(details.clone(), &host) {
        db::sessions::upsert(&mut conn, table, &[session_row(&session)], now, asked_at).await?;
        let registration = crate::zoom::registration_on(&details);
        db::sessions::set_details(&mut conn, table, id, &details, registration, now).await?;
    }
    Ok(Some(details))
}

/// The new registrant's id: Zoom's 201 names it `registrant_id` (its `id` is the meeting's);
/// a registrant adopted from a listing has it as `id`.
fn registrant_id(answer: &Value) -> Option<&str> {
    answer
        .get("registrant_id")
        .or_else(|| answer.get("id"))
        .and_then(Value::as_str)
}

/// Reads one registrant back and upserts it: one Light call, whatever the session's size.
async fn registrant(
    pool: &DbPool,
    client: &ZoomClient,
    kind: SessionKind,
    session_id: i64,
    registrant_id: &str,
) -> Result<Option<Value>, SyncError> {
    let asked_at = client.clock().now();
    let Some(found) = client
        .get_registrant(kind, session_id, registrant_id)
        .await?
    else {
        return Ok(None);
    };
    let mut conn = db::connection(pool).await?;
    let table = registrant_table(kind);
    db::registrants::upsert(
        &mut conn,
        table,
        session_id,
        &[registrant_row(&found)],
        client.clock().now(),
        asked_at,
    )
    .await?;
    Ok(Some(found.raw))
}

/// Re-reads the session's registrants as a pass does (all three listings, and what they no longer
/// hold marked deleted), then the named ones from the mirror: a status change may name them by
/// email, and covers up to 30.
async fn registrants(
    pool: &DbPool,
    client: &ZoomClient,
    kind: SessionKind,
    session_id: i64,
    named: &[String],
) -> Result<Option<Vec<Value>>, SyncError> {
    let known = {
        let mut conn = db::connection(pool).await?;
        db::sessions::known(&mut conn, session_table(kind), session_id).await?
    };
    let session = Listed {
        id: session_id,
        session_type: known.and_then(|k| k.session_type),
    };
    // The write's outcome is settled already: nothing stops the read-back, and its figures
    // belong to no pass.
    let sink = Sink {
        pool,
        counts: &PassCounts::default(),
        cancel: &CancellationToken::new(),
        clock: client.clock(),
    };
    sync_session(&sink, client, kind, session).await?;
    let mut conn = db::connection(pool).await?;
    let found = db::registrants::find(&mut conn, registrant_table(kind), session_id, named).await?;
    Ok((!found.is_empty()).then_some(found))
}
