//! `zoom.write_queue`: claiming rows, the lease, recording outcomes, rescuing rows whose
//! daemon died, and the operator's retry and cancel. Every change a worker makes is fenced on
//! (id, locked_by, attempts), so a worker that lost its lease cannot overwrite the next one's
//! work.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Double, Integer, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::error::{DbError, query};
use diesel::sql_query;

/// A row claimed by this worker for one attempt.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub action: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub target: Option<String>,
    /// The payload as JSON text, decoded by the worker: a payload serde_json cannot read (too
    /// deep, a number out of range) then fails its row with a reason instead of failing the
    /// claim. `None` when it is over the size limit the claim was given: it was not read.
    #[diesel(sql_type = Nullable<Text>)]
    pub payload: Option<String>,
    /// The payload's size as JSON text.
    #[diesel(sql_type = Integer)]
    pub payload_bytes: i32,
    /// This attempt's number, counting it.
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Integer)]
    pub max_attempts: i32,
    /// An earlier attempt may have reached Zoom.
    #[diesel(sql_type = Bool)]
    pub in_doubt: bool,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// What every worker update is fenced on.
#[derive(Debug, Clone)]
pub struct Fence<'a> {
    pub id: i64,
    pub worker: &'a str,
    pub attempt: i32,
}

impl Claimed {
    pub fn fence<'a>(&self, worker: &'a str) -> Fence<'a> {
        Fence {
            id: self.id,
            worker,
            attempt: self.attempts,
        }
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// Claims the next runnable row, if any. Writers (`created_by`) take turns: the writer whose
/// row was claimed longest ago (or never) goes first, so that one writer's backlog delays
/// another's rows by one attempt, not by the backlog. Each writer's rows run oldest due first.
/// Rows with the same target run in insertion order: an earlier unfinished row blocks a later
/// one, except that creates under one parent (meetings of one host, registrants of one
/// meeting) do not block each other. A payload over `max_payload_bytes` is not returned.
pub async fn claim(
    conn: &mut AsyncPgConnection,
    worker: &str,
    lease: Duration,
    max_payload_bytes: usize,
) -> Result<Option<Claimed>, DbError> {
    // The writers are ordered in a subquery so that the nested loop stops at the first writer
    // with a runnable row, instead of locking every writer's next row and sorting afterwards.
    let claimed: Vec<Claimed> = sql_query(
        "WITH next AS MATERIALIZED ( \
             SELECT c.id, c.payload, w.name \
             FROM (SELECT name, last_claimed_at FROM zoom.write_queue_writers \
                   ORDER BY last_claimed_at NULLS FIRST, name) w \
             CROSS JOIN LATERAL ( \
                 SELECT q.id, q.payload::text AS payload FROM zoom.write_queue q \
                 WHERE q.created_by = w.name AND q.status = 'pending' AND q.run_after <= now() \
                   AND NOT EXISTS ( \
                       SELECT 1 FROM zoom.write_queue e \
                       WHERE e.target = q.target AND e.id < q.id \
                         AND e.status IN ('pending', 'running') \
                         AND NOT (e.action LIKE '%.create' AND q.action LIKE '%.create')) \
                 ORDER BY q.run_after, q.id \
                 LIMIT 1 \
                 FOR UPDATE SKIP LOCKED) c \
             ORDER BY w.last_claimed_at NULLS FIRST, w.name \
             LIMIT 1), \
         turn AS ( \
             UPDATE zoom.write_queue_writers w SET last_claimed_at = clock_timestamp() \
             FROM next WHERE w.name = next.name) \
         UPDATE zoom.write_queue q \
         SET status = 'running', attempts = q.attempts + 1, locked_by = $1, \
             locked_until = now() + make_interval(secs => $2), call_started_at = NULL, \
             updated_at = now() \
         FROM next WHERE q.id = next.id \
         RETURNING q.id, q.action, q.target, \
                   CASE WHEN octet_length(next.payload) <= $3 THEN next.payload END AS payload, \
                   octet_length(next.payload) AS payload_bytes, \
                   q.attempts, q.max_attempts, q.in_doubt, q.created_at",
    )
    .bind::<Text, _>(worker)
    .bind::<Double, _>(secs(lease))
    .bind::<BigInt, _>(i64::try_from(max_payload_bytes).unwrap_or(i64::MAX))
    .get_results(conn)
    .await
    .map_err(query("claiming a write-back row"))?;
    Ok(claimed.into_iter().next())
}

const FENCE: &str = "id = $1 AND locked_by = $2 AND attempts = $3 AND status = 'running'";

async fn fenced(
    conn: &mut AsyncPgConnection,
    what: &'static str,
    set: &str,
    fence: &Fence<'_>,
    bind_more: impl FnOnce(
        diesel::query_builder::BoxedSqlQuery<'_, diesel::pg::Pg, diesel::query_builder::SqlQuery>,
    ) -> diesel::query_builder::BoxedSqlQuery<
        '_,
        diesel::pg::Pg,
        diesel::query_builder::SqlQuery,
    >,
) -> Result<bool, DbError> {
    let sql = format!("UPDATE zoom.write_queue SET {set}, updated_at = now() WHERE {FENCE}");
    let statement = sql_query(sql)
        .into_boxed()
        .bind::<BigInt, _>(fence.id)
        .bind::<Text, _>(fence.worker.to_owned())
        .bind::<Integer, _>(fence.attempt);
    let updated = bind_more(statement)
        .execute(conn)
        .await
        .map_err(query(what))?;
    Ok(updated == 1)
}

/// Records that the Zoom call is about to start: from here an interruption leaves the row in
/// doubt. `false`: the lease was lost, and the call must not be made.
pub async fn mark_call_started(
    conn: &mut AsyncPgConnection,
    fence: &Fence<'_>,
) -> Result<bool, DbError> {
    fenced(
        conn,
        "marking a write-back call started",
        "call_started_at = now()",
        fence,
        |q| q,
    )
    .await
}

/// Extends the lease. `false`: the lease was lost (the row was rescued).
pub async fn heartbeat(
    conn: &mut AsyncPgConnection,
    fence: &Fence<'_>,
    lease: Duration,
) -> Result<bool, DbError> {
    fenced(
        conn,
        "extending a write-back lease",
        "locked_until = now() + make_interval(secs => $4)",
        fence,
        |q| q.bind::<Double, _>(secs(lease)),
    )
    .await
}

/// A lookup showed that the interrupted attempt had no effect: the next call is a first one.
pub async fn clear_in_doubt(
    conn: &mut AsyncPgConnection,
    fence: &Fence<'_>,
) -> Result<bool, DbError> {
    fenced(
        conn,
        "clearing a write-back row's doubt",
        "in_doubt = false",
        fence,
        |q| q,
    )
    .await
}

/// Success, with Zoom's answer. Also accepted when the row was rescued meanwhile but not yet
/// claimed again: the work is done, and running it again would duplicate it. `note` goes into
/// the history (e.g. that an earlier attempt's effect was adopted).
pub async fn succeed(
    conn: &mut AsyncPgConnection,
    fence: &Fence<'_>,
    result: &Value,
    note: Option<&str>,
) -> Result<bool, DbError> {
    let updated = sql_query(
        "UPDATE zoom.write_queue \
         SET status = 'succeeded', result = $4, finished_at = now(), last_error = NULL, \
             in_doubt = false, locked_by = NULL, locked_until = NULL, updated_at = now(), \
             errors = CASE WHEN $5::text IS NULL THEN errors ELSE errors || jsonb_build_array( \
                 jsonb_build_object('attempt', attempts, 'at', now(), 'note', $5::text)) END \
         WHERE id = $1 AND attempts = $3 AND (locked_by = $2 OR locked_by IS NULL) \
           AND status IN ('running', 'pending')",
    )
    .bind::<BigInt, _>(fence.id)
    .bind::<Text, _>(fence.worker)
    .bind::<Integer, _>(fence.attempt)
    .bind::<Jsonb, _>(result)
    .bind::<Nullable<Text>, _>(note)
    .execute(conn)
    .await
    .map_err(query("recording a write-back success"))?;
    Ok(updated == 1)
}

const HISTORY: &str = "errors = errors || jsonb_build_array(jsonb_build_object( \
    'attempt', attempts, 'at', now(), 'error', $4::text)), last_error = $4::text, \
    locked_by = NULL, locked_until = NULL, call_started_at = NULL";

/// A failure retrying cannot fix: the row ends `failed` with `error`.
pub async fn fail(
    conn: &mut AsyncPgConnection,
    fence: &Fence<'_>,
    error: &str,
) -> Result<bool, DbError> {
    let set = format!("status = 'failed', finished_at = now(), {HISTORY}");
    fenced(conn, "recording a write-back failure", &set, fence, |q| {
        q.bind::<Text, _>(error.to_owned())
    })
    .await
}

/// Where a retryable failure left the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retried {
    /// Back to `pending`, to run after the backoff.
    Pending,
    /// Its attempts are spent: `failed`.
    Failed,
    /// The lease was lost meanwhile; the row is someone else's.
    LeaseLost,
}

/// A retryable failure: back to `pending` after `after`, or `failed` once `max_attempts` are
/// spent. `in_doubt` marks that the call may have taken effect, so the next attempt looks first.
pub async fn retry_later(
    conn: &mut AsyncPgConnection,
    fence: &Fence<'_>,
    error: &str,
    after: Duration,
    in_doubt: bool,
) -> Result<Retried, DbError> {
    #[derive(QueryableByName)]
    struct Status {
        #[diesel(sql_type = Text)]
        status: String,
    }
    // An exhausted row whose last call may have taken effect stays pending for one more,
    // lookup-only attempt: failing it blind could report "failed" for a change Zoom made.
    let rows: Vec<Status> = sql_query(format!(
        "UPDATE zoom.write_queue \
         SET status = CASE WHEN attempts >= max_attempts AND NOT $6 THEN 'failed' ELSE 'pending' END, \
             finished_at = CASE WHEN attempts >= max_attempts AND NOT $6 THEN now() END, \
             run_after = now() + make_interval(secs => $5), in_doubt = in_doubt OR $6, \
             {HISTORY}, updated_at = now() \
         WHERE {FENCE} RETURNING status"
    ))
    .bind::<BigInt, _>(fence.id)
    .bind::<Text, _>(fence.worker)
    .bind::<Integer, _>(fence.attempt)
    .bind::<Text, _>(error)
    .bind::<Double, _>(secs(after))
    .bind::<Bool, _>(in_doubt)
    .get_results(conn)
    .await
    .map_err(query("recording a retryable write-back failure"))?;
    Ok(match rows.into_iter().next().map(|r| r.status).as_deref() {
        Some("failed") => Retried::Failed,
        Some(_) => Retried::Pending,
        None => Retried::LeaseLost,
    })
}

/// A daily limit: back to `pending` until `until`, and the attempt does not count.
pub async fn snooze(
    conn: &mut AsyncPgConnection,
    fence: &Fence<'_>,
    reason: &str,
    until: DateTime<Utc>,
) -> Result<bool, DbError> {
    fenced(
        conn,
        "snoozing a write-back row",
        "status = 'pending', attempts = attempts - 1, run_after = $5, last_error = $4::text, \
         locked_by = NULL, locked_until = NULL, call_started_at = NULL",
        fence,
        |q| {
            q.bind::<Text, _>(reason.to_owned())
                .bind::<Timestamptz, _>(until)
        },
    )
    .await
}

/// A row returned by [`rescue`].
#[derive(Debug, Clone, QueryableByName)]
pub struct Rescued {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Bool)]
    pub in_doubt: bool,
}

/// Returns rows whose lease ran out (their daemon died or hung) to `pending`; a row whose call
/// had started comes back in doubt, and is never failed blind. Replicas may run this at once.
pub async fn rescue(conn: &mut AsyncPgConnection) -> Result<Vec<Rescued>, DbError> {
    sql_query(
        "WITH stuck AS MATERIALIZED ( \
             SELECT id FROM zoom.write_queue \
             WHERE status = 'running' AND locked_until < now() \
             ORDER BY locked_until LIMIT 100 \
             FOR UPDATE SKIP LOCKED) \
         UPDATE zoom.write_queue q \
         SET status = CASE WHEN q.attempts >= q.max_attempts AND q.call_started_at IS NULL \
                                AND NOT q.in_doubt THEN 'failed' ELSE 'pending' END, \
             finished_at = CASE WHEN q.attempts >= q.max_attempts AND q.call_started_at IS NULL \
                                AND NOT q.in_doubt THEN now() END, \
             in_doubt = q.in_doubt OR q.call_started_at IS NOT NULL, \
             last_error = 'interrupted: the lease of ' || q.locked_by || ' expired ' || \
                 CASE WHEN q.call_started_at IS NULL THEN 'before the Zoom call' \
                      ELSE 'after the Zoom call started' END, \
             errors = q.errors || jsonb_build_array(jsonb_build_object('attempt', q.attempts, \
                 'at', now(), 'error', 'interrupted', 'call_started', q.call_started_at IS NOT NULL)), \
             locked_by = NULL, locked_until = NULL, call_started_at = NULL, run_after = now(), \
             updated_at = now() \
         FROM stuck WHERE q.id = stuck.id \
         RETURNING q.id, q.status, q.in_doubt",
    )
    .get_results(conn)
    .await
    .map_err(query("rescuing write-back rows whose lease expired"))
}

/// The ids of the meetings or webinars that succeeded rows of `action` created for `target`.
pub async fn created_ids(
    conn: &mut AsyncPgConnection,
    action: &str,
    target: &str,
) -> Result<Vec<i64>, DbError> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }
    let ids: Vec<Id> = sql_query(
        "SELECT (result->>'id')::bigint AS id FROM zoom.write_queue \
         WHERE action = $1 AND target = $2 AND status = 'succeeded' \
           AND jsonb_typeof(result->'id') = 'number'",
    )
    .bind::<Text, _>(action)
    .bind::<Text, _>(target)
    .load(conn)
    .await
    .map_err(query("finding the meetings other rows created"))?;
    Ok(ids.into_iter().map(|i| i.id).collect())
}

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

async fn operate(
    conn: &mut AsyncPgConnection,
    id: i64,
    update: &str,
    what: &'static str,
) -> Result<Operated, DbError> {
    #[derive(QueryableByName)]
    struct Status {
        #[diesel(sql_type = Text)]
        status: String,
    }
    #[derive(QueryableByName)]
    struct Doubt {
        #[diesel(sql_type = Bool)]
        in_doubt: bool,
    }
    let updated: Vec<Doubt> = sql_query(update)
        .bind::<BigInt, _>(id)
        .load(conn)
        .await
        .map_err(query(what))?;
    if let Some(row) = updated.into_iter().next() {
        return Ok(Operated::Done {
            in_doubt: row.in_doubt,
        });
    }
    let found: Vec<Status> = sql_query("SELECT status FROM zoom.write_queue WHERE id = $1")
        .bind::<BigInt, _>(id)
        .get_results(conn)
        .await
        .map_err(query(what))?;
    Ok(match found.into_iter().next() {
        Some(row) => Operated::WrongStatus(row.status),
        None => Operated::Missing,
    })
}

/// `zoom-mirror queue cancel ID`: only a pending row can be cancelled; a running one may
/// already be in Zoom. A pending row in doubt can be: the operator is told.
pub async fn cancel(conn: &mut AsyncPgConnection, id: i64) -> Result<Operated, DbError> {
    operate(
        conn,
        id,
        "UPDATE zoom.write_queue SET status = 'cancelled', finished_at = now(), \
             updated_at = now() WHERE id = $1 AND status = 'pending' RETURNING in_doubt",
        "cancelling a write-back row",
    )
    .await
}

/// `zoom-mirror queue retry ID`: a failed or cancelled row runs again now, with one more
/// attempt allowed if its attempts were spent. The operator has checked Zoom, so the row is no
/// longer in doubt: its next attempt calls Zoom without looking first. Returns whether it was.
pub async fn retry(conn: &mut AsyncPgConnection, id: i64) -> Result<Operated, DbError> {
    operate(
        conn,
        id,
        "UPDATE zoom.write_queue q SET status = 'pending', run_after = now(), \
             finished_at = NULL, in_doubt = false, \
             max_attempts = GREATEST(q.max_attempts, q.attempts + 1), updated_at = now() \
         FROM (SELECT id, in_doubt FROM zoom.write_queue WHERE id = $1 FOR UPDATE) before \
         WHERE q.id = before.id AND q.status IN ('failed', 'cancelled') \
         RETURNING before.in_doubt",
        "retrying a write-back row",
    )
    .await
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
