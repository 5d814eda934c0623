//! `zoom.write_queue_limits`: what an INSERT into the write-back queue may ask for, enforced by
//! the table's insert trigger. The daemon writes its `[write_back]` settings there at start;
//! the one row is shared by every replica, so the last daemon to start sets the limits.

use std::time::Duration;

use diesel::QueryableByName;
use diesel::sql_query;
use diesel::sql_types::{Double, Integer};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::error::{DbError, query};

/// The limits the insert trigger enforces.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QueueLimits {
    /// The largest payload, in bytes of JSON text.
    pub max_payload_bytes: i32,
    /// How far ahead of the INSERT `run_after` may be.
    pub max_delay: Duration,
}

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Integer)]
    max_payload_bytes: i32,
    #[diesel(sql_type = Double)]
    max_delay_secs: f64,
}

impl From<Row> for QueueLimits {
    fn from(row: Row) -> Self {
        QueueLimits {
            max_payload_bytes: row.max_payload_bytes,
            max_delay: Duration::from_secs_f64(row.max_delay_secs.max(0.0)),
        }
    }
}

/// Sets the limits and returns the ones they replaced.
pub async fn set(
    conn: &mut AsyncPgConnection,
    limits: QueueLimits,
) -> Result<QueueLimits, DbError> {
    // Raw: returning the replaced limits needs `UPDATE … FROM`, which Diesel has no form for.
    let before: Row = sql_query(
        "UPDATE zoom.write_queue_limits l \
         SET max_payload_bytes = $1, max_delay = make_interval(secs => $2), updated_at = now() \
         FROM (SELECT max_payload_bytes, extract(epoch FROM max_delay)::float8 AS max_delay_secs \
               FROM zoom.write_queue_limits FOR UPDATE) before \
         RETURNING before.max_payload_bytes, before.max_delay_secs",
    )
    .bind::<Integer, _>(limits.max_payload_bytes)
    .bind::<Double, _>(limits.max_delay.as_secs_f64())
    .get_result(conn)
    .await
    .map_err(query("setting the write-back queue's insert limits"))?;
    Ok(before.into())
}
