//! One object read from Zoom (one Light call) and written to the mirror, or marked gone when
//! Zoom no longer has it: what the write-back worker reads back after a change, and what a
//! webhook event too thin to build a row reads. The row's source time is taken before the read,
//! so that an event newer than the answer still wins.

use serde_json::Value;

use super::SyncError;
use super::registrants::{registrant_table, row as registrant_row};
use super::sessions::{row as session_row, table as session_table};
use super::users::row as user_row;
use crate::db::{self, DbPool};
use crate::zoom::{Session, SessionKind, ZoomClient};

/// What the read found.
#[derive(Debug, Default)]
pub struct Read {
    /// The object as Zoom answered; `None` when Zoom no longer has it.
    pub raw: Option<Value>,
    /// The mirror changed.
    pub written: bool,
}

/// The user known by `id_or_email`.
pub async fn user(
    pool: &DbPool,
    client: &ZoomClient,
    id_or_email: &str,
) -> Result<Read, SyncError> {
    let asked_at = client.clock().now();
    let found = client.get_user(id_or_email).await?;
    let mut conn = db::connection(pool).await?;
    let now = client.clock().now();
    Ok(match found {
        Some(mut user) => {
            // The listing, which the sync keys the mirror by, gives pending users no id.
            if user.status.as_deref() == Some("pending") {
                user.id = None;
            }
            let counts = db::users::upsert(&mut conn, &[user_row(&user, now)], asked_at).await?;
            Read {
                written: counts.inserted + counts.updated > 0,
                raw: Some(user.raw),
            }
        }
        None => Read {
            written: db::users::mark_deleted(&mut conn, id_or_email, asked_at, now).await? > 0,
            raw: None,
        },
    })
}

/// The meeting or webinar `id`, with its details.
pub async fn session(
    pool: &DbPool,
    client: &ZoomClient,
    kind: SessionKind,
    id: i64,
) -> Result<Read, SyncError> {
    let asked_at = client.clock().now();
    let details = client.get_session(kind, &id.to_string()).await?;
    let mut conn = db::connection(pool).await?;
    let table = session_table(kind);
    let now = client.clock().now();
    let Some(details) = details else {
        let written =
            db::sessions::mark_gone(&mut conn, table, id, "deleted", asked_at, now).await?;
        return Ok(Read { raw: None, written });
    };
    let host = details
        .get("host_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let mut written = false;
    if let Some(session) = Session::from_json(details.clone(), &host) {
        let rows = [session_row(&session)];
        let counts = db::sessions::upsert(&mut conn, table, &rows, now, asked_at).await?;
        written = counts.inserted + counts.updated > 0;
        let registration = crate::zoom::registration_on(&details);
        db::sessions::set_details(&mut conn, table, id, &details, registration, now).await?;
    }
    Ok(Read {
        raw: Some(details),
        written,
    })
}

/// One registrant of a meeting or webinar, whatever the session's size.
pub async fn registrant(
    pool: &DbPool,
    client: &ZoomClient,
    kind: SessionKind,
    session_id: i64,
    registrant_id: &str,
) -> Result<Read, SyncError> {
    let asked_at = client.clock().now();
    let Some(found) = client
        .get_registrant(kind, session_id, registrant_id)
        .await?
    else {
        return Ok(Read::default());
    };
    let mut conn = db::connection(pool).await?;
    let table = registrant_table(kind);
    let rows = [registrant_row(&found)];
    let now = client.clock().now();
    let counts =
        db::registrants::upsert(&mut conn, table, session_id, &rows, now, asked_at).await?;
    Ok(Read {
        written: counts.inserted + counts.updated > 0,
        raw: Some(found.raw),
    })
}
