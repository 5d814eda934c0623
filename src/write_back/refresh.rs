//! After a successful call: bring the object into the mirror at once (so a report sees the
//! change as soon as the row succeeds), and read back what Zoom answered 204 for.

use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

use super::request::{Subject, ZoomRequest};
use crate::db::sessions::Listed;
use crate::db::{self, DbPool};
use crate::sync::listing::Sink;
use crate::sync::registrants::{registrant_table, sync_session};
use crate::sync::sessions::table as session_table;
use crate::sync::{PassCounts, SyncError, one};
use crate::zoom::{SessionKind, ZoomClient};

/// Refreshes the mirror for `request`, whose call answered `answer`, and returns the object as
/// read back; `None` when it is gone (a delete) or nothing can be read back (raw).
pub async fn refresh(
    pool: &DbPool,
    client: &ZoomClient,
    request: &ZoomRequest,
    answer: &Value,
) -> Result<Option<Value>, SyncError> {
    Ok(match &request.subject {
        Subject::NewUser { email, .. } => one::user(pool, client, email).await?.raw,
        Subject::User { id_or_email } => one::user(pool, client, id_or_email).await?.raw,
        Subject::NewSession { kind, .. } => match answer.get("id").and_then(Value::as_i64) {
            Some(id) => one::session(pool, client, *kind, id).await?.raw,
            None => None,
        },
        Subject::Session { kind, id } => one::session(pool, client, *kind, *id).await?.raw,
        Subject::NewRegistrant {
            kind, session_id, ..
        } => match registrant_id(answer) {
            Some(id) => {
                one::registrant(pool, client, *kind, *session_id, id)
                    .await?
                    .raw
            }
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

/// The new registrant's id: Zoom's 201 names it `registrant_id` (its `id` is the meeting's);
/// a registrant adopted from a listing has it as `id`.
fn registrant_id(answer: &Value) -> Option<&str> {
    answer
        .get("registrant_id")
        .or_else(|| answer.get("id"))
        .and_then(Value::as_str)
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
