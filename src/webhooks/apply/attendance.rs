//! A participant's join or leave of a running instance, written at once: the join session's
//! row in `zoom.meeting_participants` (or `zoom.webinar_participants`) with the event's time
//! as its source time. The instance's listing, read once it ended, is newer and rewrites the
//! row whole; an event never rolls that back.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde_json::{Map, Value};

use super::Outcome;
use crate::db::DbError;
use crate::db::participants::{self, Leave, ParticipantRow, PastTable};
use crate::webhooks::event::{Attendance, AttendanceStep};

/// Writes `attendance` of instance `uuid` of meeting or webinar `parent_id`, as Zoom told it
/// at `at`.
pub(super) async fn write(
    conn: &mut AsyncPgConnection,
    table: PastTable,
    parent_id: i64,
    uuid: &str,
    attendance: &Attendance,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Outcome, DbError> {
    let changed = match attendance.step {
        AttendanceStep::Joined(join_time) => {
            let participant = &attendance.participant;
            let text = |key: &str| {
                participant
                    .get(key)
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
            };
            let raw = Value::Object(participant.clone());
            let row = ParticipantRow {
                user_id: &attendance.user_id,
                join_time,
                // The Zoom user's ID, blank for guests, as in the listing's `id`.
                participant_user_id: text("id"),
                name: text("user_name"),
                user_email: text("email"),
                registrant_id: text("registrant_id"),
                leave_time: None,
                duration: None,
                status: Some("in_meeting"),
                internal_user: None,
                failover: None,
                raw: &raw,
            };
            let counts =
                participants::upsert(conn, table, uuid, parent_id, &[row], now, at).await?;
            counts.inserted + counts.updated > 0
        }
        AttendanceStep::Left(leave_time) => {
            let participant = Value::Object(leave_fields(&attendance.participant));
            let leave = Leave {
                uuid,
                user_id: &attendance.user_id,
                at: leave_time,
                participant: &participant,
            };
            participants::record_leave(conn, table, &leave, now, at).await?
        }
    };
    Ok(if changed {
        Outcome::Written
    } else {
        Outcome::Unchanged
    })
}

/// What a leave adds to the join's `raw`: its own fields, never blanking what the join told
/// (a leave's `user_name` and `email` may be missing or empty).
fn leave_fields(participant: &Map<String, Value>) -> Map<String, Value> {
    participant
        .iter()
        .filter(|(_, v)| !v.is_null() && v.as_str() != Some(""))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}
