//! Each target's row: found under its lock, rewritten from its merged `raw` with the sync's
//! own row builders, marked gone, or read from Zoom.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::Value;
use zoom_api::kinds::RegistrantStatus;

use super::super::event::Target;
use super::ApplyError;
use crate::db::{self, DbError, DbPool, Held};
use crate::sync::one;
use crate::sync::registrants::{registrant_table, row as registrant_row};
use crate::sync::sessions::{row as session_row, table as session_table};
use crate::sync::users::row as user_row;
use crate::zoom::{PhoneRecording, Recording, Registrant, Session, User, ZoomClient};

/// The target's row, locked until the transaction ends.
pub(super) async fn held(
    conn: &mut AsyncPgConnection,
    target: &Target,
) -> Result<Option<Held>, DbError> {
    match target {
        Target::User { id } => db::users::held(conn, id).await,
        Target::Session { kind, id } => db::sessions::held(conn, session_table(*kind), *id).await,
        Target::Registrant {
            kind,
            session_id,
            id,
        } => db::registrants::held(conn, registrant_table(*kind), *session_id, id).await,
        Target::Recording { uuid } => db::recordings::held(conn, uuid).await,
        Target::PhoneRecording { id } => db::phone_recordings::held(conn, id).await,
    }
}

/// Writes `raw` as the target's row, current at `at`; `false` when `raw` is not enough to
/// build the row.
pub(super) async fn write(
    conn: &mut AsyncPgConnection,
    target: &Target,
    raw: &Value,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    match target {
        Target::User { .. } => {
            let Some(mut user) = User::from_json(raw.clone(), None) else {
                return Ok(false);
            };
            // The listing, which keys the mirror, gives pending users no id.
            if user.status.as_deref() == Some("pending") {
                user.id = None;
            }
            db::users::upsert(conn, &[user_row(&user, now)], at).await?;
        }
        Target::Session { kind, .. } => {
            let host = raw.get("host_id").and_then(Value::as_str).unwrap_or("");
            let Some(session) = Session::from_json(raw.clone(), host) else {
                return Ok(false);
            };
            let table = session_table(*kind);
            db::sessions::upsert(conn, table, &[session_row(&session)], now, at).await?;
        }
        Target::Registrant {
            kind, session_id, ..
        } => {
            let status = raw.get("status").and_then(Value::as_str);
            let Some(status) = status.and_then(RegistrantStatus::parse) else {
                return Ok(false);
            };
            let Some(registrant) = Registrant::from_json(raw.clone(), status) else {
                return Ok(false);
            };
            let table = registrant_table(*kind);
            let row = registrant_row(&registrant);
            db::registrants::upsert(conn, table, *session_id, &[row], now, at).await?;
        }
        Target::Recording { .. } => {
            let Some(recording) = Recording::from_json(raw.clone(), None) else {
                return Ok(false);
            };
            let row = crate::sync::recordings::row(&recording);
            db::recordings::upsert(conn, &[row], now, at).await?;
        }
        Target::PhoneRecording { .. } => {
            let Some(recording) = PhoneRecording::from_json(raw.clone(), None) else {
                return Ok(false);
            };
            let row = crate::sync::phone_recordings::row(&recording);
            db::phone_recordings::upsert(conn, &[row], now, at).await?;
        }
    }
    Ok(true)
}

/// Marks the target gone at Zoom as of `at`: a meeting or webinar takes its registrants with
/// it, a recording its files. `false` when the row was not older than `at`.
pub(super) async fn mark_gone(
    conn: &mut AsyncPgConnection,
    target: &Target,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    Ok(match target {
        Target::User { id } => db::users::mark_deleted(conn, id, at, now).await? > 0,
        Target::Session { kind, id } => {
            let table = session_table(*kind);
            let marked = db::sessions::mark_gone(conn, table, *id, "deleted", at, now).await?;
            db::registrants::mark_orphans_deleted(conn, registrant_table(*kind), now).await?;
            marked
        }
        Target::Registrant {
            kind,
            session_id,
            id,
        } => {
            let table = registrant_table(*kind);
            db::registrants::mark_deleted(conn, table, *session_id, id, at, now).await?
        }
        Target::Recording { uuid } => db::recordings::mark_deleted(conn, uuid, at, now).await?,
        Target::PhoneRecording { id } => {
            db::phone_recordings::mark_deleted(conn, id, at, now).await?
        }
    })
}

/// Reads the target from Zoom and writes what it answers (or marks it gone when Zoom has it no
/// more); `Some(true)` when the mirror changed, `None` for a recording (cloud or phone), which
/// the mirror reads only by its user's listing.
pub(super) async fn fetch(
    pool: &DbPool,
    client: &ZoomClient,
    target: &Target,
) -> Result<Option<bool>, ApplyError> {
    let read = match target {
        Target::User { id } => one::user(pool, client, id).await?,
        Target::Session { kind, id } => one::session(pool, client, *kind, *id).await?,
        Target::Registrant {
            kind,
            session_id,
            id,
        } => one::registrant(pool, client, *kind, *session_id, id).await?,
        Target::Recording { .. } | Target::PhoneRecording { .. } => return Ok(None),
    };
    Ok(Some(read.written))
}
