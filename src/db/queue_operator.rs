//! `zoom.write_queue` as the operator sees it: `queue cancel`, `queue retry` and the depth that
//! `status` reports.

use chrono::{DateTime, Utc};
use diesel::dsl::now;
use diesel::prelude::*;
use diesel::sql_query;
use diesel::sql_types::{BigInt, Bool, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::error::{DbError, query};
use super::schema::write_queue;

/// What an operator command found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operated {
    /// Done; `in_doubt` says an earlier attempt of the row may have reached Zoom.
    Done {
        in_doubt: bool,
    },
    /// The row exists but is in this status, which the command does not apply to.
    WrongStatus(String),
    Missing,
}

/// What an operator command found, given the row's former `in_doubt` if its update took it.
async fn operated(
    conn: &mut AsyncPgConnection,
    id: i64,
    updated: Option<bool>,
    what: &'static str,
) -> Result<Operated, DbError> {
    if let Some(in_doubt) = updated {
        return Ok(Operated::Done { in_doubt });
    }
    let found: Option<String> = write_queue::table
        .find(id)
        .select(write_queue::status)
        .get_result(conn)
        .await
        .optional()
        .map_err(query(what))?;
    Ok(match found {
        Some(status) => Operated::WrongStatus(status),
        None => Operated::Missing,
    })
}

/// `zoom-mirror queue cancel ID`: only a pending row can be cancelled; a running one may
/// already be in Zoom. A pending row in doubt can be: the operator is told.
pub async fn cancel(conn: &mut AsyncPgConnection, id: i64) -> Result<Operated, DbError> {
    const WHAT: &str = "cancelling a write-back row";
    let updated = diesel::update(
        write_queue::table
            .filter(write_queue::id.eq(id))
            .filter(write_queue::status.eq("pending")),
    )
    .set((
        write_queue::status.eq("cancelled"),
        write_queue::finished_at.eq(now),
        write_queue::updated_at.eq(now),
    ))
    .returning(write_queue::in_doubt)
    .get_result(conn)
    .await
    .optional()
    .map_err(query(WHAT))?;
    operated(conn, id, updated, WHAT).await
}

/// `zoom-mirror queue retry ID`: a failed or cancelled row runs again now, with one more
/// attempt allowed if its attempts were spent. The operator has checked Zoom, so the row is no
/// longer in doubt: its next attempt calls Zoom without looking first. Returns whether it was.
pub async fn retry(conn: &mut AsyncPgConnection, id: i64) -> Result<Operated, DbError> {
    const WHAT: &str = "retrying a write-back row";
    #[derive(QueryableByName)]
    struct Doubt {
        #[diesel(sql_type = Bool)]
        in_doubt: bool,
    }
    // Raw: returning the doubt it clears needs UPDATE … FROM, which the builder has no form for.
    let updated: Option<Doubt> = sql_query(
        "UPDATE zoom.write_queue q SET status = 'pending', run_after = now(), \
             finished_at = NULL, in_doubt = false, \
             max_attempts = GREATEST(q.max_attempts, q.attempts + 1), updated_at = now() \
         FROM (SELECT id, in_doubt FROM zoom.write_queue WHERE id = $1 FOR UPDATE) before \
         WHERE q.id = before.id AND q.status IN ('failed', 'cancelled') \
         RETURNING before.in_doubt",
    )
    .bind::<BigInt, _>(id)
    .get_result(conn)
    .await
    .optional()
    .map_err(query(WHAT))?;
    operated(conn, id, updated.map(|d| d.in_doubt), WHAT).await
}

/// Rows per status, and the age of the oldest pending row that is due.
#[derive(Debug, Clone, QueryableByName)]
pub struct Depth {
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub rows: i64,
    /// For `pending`: the oldest `created_at` of a row that is due now.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub oldest_due: Option<DateTime<Utc>>,
    /// For `pending`: rows waiting for a later `run_after` (retry backoff, daily limit).
    #[diesel(sql_type = BigInt)]
    pub waiting: i64,
}

pub async fn depth(conn: &mut AsyncPgConnection) -> Result<Vec<Depth>, DbError> {
    // Raw: every status, even one without rows, comes from a join to `unnest … WITH ORDINALITY`.
    sql_query(
        "SELECT s.status, count(q.id) AS rows, \
                min(q.created_at) FILTER (WHERE q.status = 'pending' AND q.run_after <= now()) \
                    AS oldest_due, \
                count(q.id) FILTER (WHERE q.status = 'pending' AND q.run_after > now()) AS waiting \
         FROM unnest(ARRAY['pending', 'running', 'succeeded', 'failed', 'cancelled']) \
              WITH ORDINALITY AS s(status, n) \
         LEFT JOIN zoom.write_queue q ON q.status = s.status \
         GROUP BY s.status, s.n ORDER BY s.n",
    )
    .get_results(conn)
    .await
    .map_err(query("counting write-back rows by status"))
}
