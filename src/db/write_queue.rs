//! `zoom.write_queue` as the worker uses it: claiming rows, the lease, recording outcomes, and
//! rescuing rows whose daemon died (the operator's commands are in `queue_operator.rs`). Every
//! change a worker makes is fenced on (id, locked_by, attempts), so a worker that lost its lease
//! cannot overwrite the next one's work.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::data_types::PgInterval;
use diesel::dsl::{AsExprOf, case_when, jsonb_typeof, not, now, sql};
use diesel::expression::{SqlLiteral, UncheckedBind};
use diesel::prelude::*;
use diesel::sql_query;
use diesel::sql_types::{BigInt, Bool, Double, Integer, Interval, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::error::{DbError, query};
use super::functions::{history_entry, jsonb_build_array, jsonb_pair};
use super::schema::write_queue;

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

/// `now() + d` by the server's clock, which every lease and delay is measured by. A fragment:
/// Diesel types `now` as `timestamp`, and declares `timestamptz + interval` for columns only.
fn from_now(d: Duration) -> UncheckedBind<SqlLiteral<Timestamptz>, AsExprOf<PgInterval, Interval>> {
    let micros = i64::try_from(d.as_micros()).unwrap_or(i64::MAX);
    sql::<Timestamptz>("now() + ").bind::<Interval, _>(PgInterval::from_microseconds(micros))
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
    // Raw: a CTE, a LATERAL join and UPDATE … FROM, none of which the query builder has.
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

/// The claimed row, while it is still running under this claim.
macro_rules! fenced {
    ($fence:expr) => {
        write_queue::table
            .filter(write_queue::id.eq($fence.id))
            .filter(write_queue::locked_by.eq($fence.worker))
            .filter(write_queue::attempts.eq($fence.attempt))
            .filter(write_queue::status.eq("running"))
    };
}

/// A worker's update of its [`fenced!`] row, with `updated_at`; true if the row was updated.
macro_rules! fenced_update {
    ($conn:expr, $fence:expr, $what:literal, $changes:expr) => {
        diesel::update(fenced!($fence))
            .set(($changes, write_queue::updated_at.eq(now)))
            .execute($conn)
            .await
            .map(|updated| updated == 1)
            .map_err(query($what))
    };
}

/// One entry of a row's history, `{attempt, at, kind, <error or note>}`.
#[derive(Debug, Clone)]
pub struct Entry<'a> {
    /// The name of its `write_back::ErrorKind`.
    pub kind: String,
    /// The same in words.
    pub text: &'a str,
}

/// `{attempt, at, kind, <key>: text}` appended to the row's history.
macro_rules! logged {
    ($key:literal, $entry:expr) => {
        write_queue::errors.eq(write_queue::errors.concat(jsonb_build_array(
            history_entry(
                "attempt",
                write_queue::attempts,
                "at",
                now,
                $key,
                $entry.text,
            )
            .concat(jsonb_pair("kind", $entry.kind)),
        )))
    };
}

/// The row let go by its worker.
macro_rules! released {
    () => {
        (
            write_queue::locked_by.eq(None::<String>),
            write_queue::locked_until.eq(None::<DateTime<Utc>>),
            write_queue::call_started_at.eq(None::<DateTime<Utc>>),
        )
    };
}

/// A failed attempt: in the row's history and `last_error`, and the row released.
macro_rules! failed_attempt {
    ($entry:expr) => {
        (
            logged!("error", $entry),
            write_queue::last_error.eq($entry.text),
            released!(),
        )
    };
}

/// Records that the Zoom call is about to start: from here an interruption leaves the row in
/// doubt. `false`: the lease was lost, and the call must not be made.
pub async fn mark_call_started(
    conn: &mut AsyncPgConnection,
    fence: &Fence<'_>,
) -> Result<bool, DbError> {
    fenced_update!(
        conn,
        fence,
        "marking a write-back call started",
        write_queue::call_started_at.eq(now)
    )
}

/// Extends the lease. `false`: the lease was lost (the row was rescued).
pub async fn heartbeat(
    conn: &mut AsyncPgConnection,
    fence: &Fence<'_>,
    lease: Duration,
) -> Result<bool, DbError> {
    fenced_update!(
        conn,
        fence,
        "extending a write-back lease",
        write_queue::locked_until.eq(from_now(lease).nullable())
    )
}

/// A lookup showed that the interrupted attempt had no effect: the next call is a first one.
pub async fn clear_in_doubt(
    conn: &mut AsyncPgConnection,
    fence: &Fence<'_>,
) -> Result<bool, DbError> {
    fenced_update!(
        conn,
        fence,
        "clearing a write-back row's doubt",
        write_queue::in_doubt.eq(false)
    )
}

/// Success, with Zoom's answer. Also accepted when the row was rescued meanwhile but not yet
/// claimed again: the work is done, and running it again would duplicate it. `note` goes into
/// the history (e.g. that an earlier attempt's effect was adopted).
pub async fn succeed(
    conn: &mut AsyncPgConnection,
    fence: &Fence<'_>,
    result: &Value,
    note: Option<Entry<'_>>,
) -> Result<bool, DbError> {
    let updated = diesel::update(
        write_queue::table
            .filter(write_queue::id.eq(fence.id))
            .filter(write_queue::attempts.eq(fence.attempt))
            .filter(
                write_queue::locked_by
                    .eq(fence.worker)
                    .or(write_queue::locked_by.is_null()),
            )
            .filter(write_queue::status.eq_any(["running", "pending"])),
    )
    .set((
        write_queue::status.eq("succeeded"),
        write_queue::result.eq(result),
        write_queue::finished_at.eq(now),
        write_queue::last_error.eq(None::<String>),
        write_queue::in_doubt.eq(false),
        write_queue::locked_by.eq(None::<String>),
        write_queue::locked_until.eq(None::<DateTime<Utc>>),
        write_queue::updated_at.eq(now),
        note.map(|note| logged!("note", note)),
    ))
    .execute(conn)
    .await
    .map_err(query("recording a write-back success"))?;
    Ok(updated == 1)
}

/// A failure retrying cannot fix: the row ends `failed` with `error`.
pub async fn fail(
    conn: &mut AsyncPgConnection,
    fence: &Fence<'_>,
    error: Entry<'_>,
) -> Result<bool, DbError> {
    fenced_update!(
        conn,
        fence,
        "recording a write-back failure",
        (
            write_queue::status.eq("failed"),
            write_queue::finished_at.eq(now),
            failed_attempt!(error),
        )
    )
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
    error: Entry<'_>,
    after: Duration,
    in_doubt: bool,
) -> Result<Retried, DbError> {
    // An exhausted row whose last call may have taken effect stays pending for one more,
    // lookup-only attempt: failing it blind could report "failed" for a change Zoom made.
    let exhausted = || {
        write_queue::attempts
            .ge(write_queue::max_attempts)
            .and(not(in_doubt.into_sql::<Bool>()))
    };
    let rows: Vec<String> = diesel::update(fenced!(fence))
        .set((
            write_queue::status.eq(case_when(exhausted(), "failed".into_sql::<Text>())
                .otherwise("pending".into_sql::<Text>())),
            write_queue::finished_at.eq(case_when::<_, _, Timestamptz>(exhausted(), now)),
            write_queue::run_after.eq(from_now(after)),
            write_queue::in_doubt.eq(write_queue::in_doubt.or(in_doubt.into_sql::<Bool>())),
            failed_attempt!(error),
            write_queue::updated_at.eq(now),
        ))
        .returning(write_queue::status)
        .get_results(conn)
        .await
        .map_err(query("recording a retryable write-back failure"))?;
    Ok(match rows.into_iter().next().as_deref() {
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
    fenced_update!(
        conn,
        fence,
        "snoozing a write-back row",
        (
            write_queue::status.eq("pending"),
            write_queue::attempts.eq(write_queue::attempts - 1),
            write_queue::run_after.eq(until),
            write_queue::last_error.eq(reason),
            released!(),
        )
    )
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
/// had started comes back in doubt, and is never failed blind. Its history entry gets `kind`.
/// Replicas may run this at once.
pub async fn rescue(conn: &mut AsyncPgConnection, kind: &str) -> Result<Vec<Rescued>, DbError> {
    // Raw: a CTE that locks with SKIP LOCKED, then UPDATE … FROM it; the builder has neither.
    sql_query(
        "WITH stuck AS MATERIALIZED ( \
             SELECT id, \
                    attempts >= max_attempts AND call_started_at IS NULL AND NOT in_doubt \
                        AS spent, \
                    'interrupted: the lease of ' || locked_by || ' expired ' || \
                    CASE WHEN call_started_at IS NULL THEN 'before the Zoom call' \
                         ELSE 'after the Zoom call started' END AS why \
             FROM zoom.write_queue \
             WHERE status = 'running' AND locked_until < now() \
             ORDER BY locked_until LIMIT 100 \
             FOR UPDATE SKIP LOCKED) \
         UPDATE zoom.write_queue q \
         SET status = CASE WHEN stuck.spent THEN 'failed' ELSE 'pending' END, \
             finished_at = CASE WHEN stuck.spent THEN now() END, \
             in_doubt = q.in_doubt OR q.call_started_at IS NOT NULL, \
             last_error = stuck.why, \
             errors = q.errors || jsonb_build_array(jsonb_build_object('attempt', q.attempts, \
                 'at', now(), 'kind', $1::text, 'error', stuck.why, \
                 'call_started', q.call_started_at IS NOT NULL)), \
             locked_by = NULL, locked_until = NULL, call_started_at = NULL, run_after = now(), \
             updated_at = now() \
         FROM stuck WHERE q.id = stuck.id \
         RETURNING q.id, q.status, q.in_doubt",
    )
    .bind::<Text, _>(kind)
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
    write_queue::table
        .filter(write_queue::action.eq(action))
        .filter(write_queue::target.eq(target))
        .filter(write_queue::status.eq("succeeded"))
        .filter(jsonb_typeof(write_queue::result.retrieve_as_object("id")).eq("number"))
        .select(
            write_queue::result
                .retrieve_as_text("id")
                .assume_not_null()
                .fallible_cast::<BigInt>(),
        )
        .load(conn)
        .await
        .map_err(query("finding the meetings other rows created"))
}
