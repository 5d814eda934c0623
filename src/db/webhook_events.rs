//! `zoom.webhook_events`: each delivery that passed the signature check, stored once however
//! often Zoom delivers it.

use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::dsl::{Eq, Filter, IsNull, now};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Interval, Jsonb, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::error::{DbError, query};
use super::functions::{ago, from_now, interval};
use super::schema::webhook_events;

#[derive(Debug, Insertable)]
#[diesel(table_name = webhook_events)]
pub struct NewEvent<'a> {
    pub event: &'a str,
    pub event_ts: DateTime<Utc>,
    /// What tells this event's object from another's: with `event` and `event_ts`, a
    /// redelivery is the same row.
    pub object_key: &'a str,
    pub payload: &'a Value,
}

/// Stores `event`; `false` when it was stored before (Zoom delivered it again).
pub async fn store(conn: &mut AsyncPgConnection, event: &NewEvent<'_>) -> Result<bool, DbError> {
    let inserted = diesel::insert_into(webhook_events::table)
        .values(event)
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map_err(query("storing a webhook event"))?;
    Ok(inserted == 1)
}

/// An event claimed for one attempt to apply it.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub event: String,
    #[diesel(sql_type = Timestamptz)]
    pub event_ts: DateTime<Utc>,
    #[diesel(sql_type = Jsonb)]
    pub payload: Value,
    /// This attempt's number, counting it: what the outcome is fenced on.
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
}

/// Claims up to `limit` events due to be applied, oldest event first, each for `lease`: a daemon
/// that dies holding one gives it back when the lease ends. Events another daemon holds are
/// skipped, not waited for.
pub async fn claim_due(
    conn: &mut AsyncPgConnection,
    limit: i64,
    lease: Duration,
) -> Result<Vec<Claimed>, DbError> {
    // Raw: the builder cannot lock rows in a subquery (`FOR UPDATE SKIP LOCKED`).
    let mut claimed: Vec<Claimed> = diesel::sql_query(
        "UPDATE zoom.webhook_events AS e \
         SET attempts = e.attempts + 1, next_attempt_at = now() + $2 \
         FROM (SELECT id FROM zoom.webhook_events \
               WHERE applied_at IS NULL AND next_attempt_at <= now() \
               ORDER BY event_ts, id LIMIT $1 FOR UPDATE SKIP LOCKED) AS due \
         WHERE e.id = due.id \
         RETURNING e.id, e.event, e.event_ts, e.payload, e.attempts",
    )
    .bind::<BigInt, _>(limit)
    .bind::<Interval, _>(interval(lease))
    .get_results(conn)
    .await
    .map_err(query("claiming webhook events to apply"))?;
    claimed.sort_by_key(|e| (e.event_ts, e.id));
    Ok(claimed)
}

/// Records that `event` was applied, with what it did and, for one that cannot be applied,
/// why. `false` when the claim was lost (the lease ended and another daemon took the event).
pub async fn applied(
    conn: &mut AsyncPgConnection,
    event: &Claimed,
    outcome: &str,
    error: Option<&str>,
) -> Result<bool, DbError> {
    let updated = diesel::update(fenced(event))
        .set((
            webhook_events::applied_at.eq(now),
            webhook_events::outcome.eq(outcome),
            webhook_events::error.eq(error),
        ))
        .execute(conn)
        .await
        .map_err(query("recording a webhook event applied"))?;
    Ok(updated == 1)
}

/// Records why applying `event` failed, to be tried again after `wait`.
pub async fn failed(
    conn: &mut AsyncPgConnection,
    event: &Claimed,
    error: &str,
    wait: Duration,
) -> Result<bool, DbError> {
    let updated = diesel::update(fenced(event))
        .set((
            webhook_events::error.eq(error),
            webhook_events::next_attempt_at.eq(from_now(wait)),
        ))
        .execute(conn)
        .await
        .map_err(query("recording a webhook event's failure"))?;
    Ok(updated == 1)
}

type ById = Filter<webhook_events::table, Eq<webhook_events::id, i64>>;
type Fenced =
    Filter<Filter<ById, Eq<webhook_events::attempts, i32>>, IsNull<webhook_events::applied_at>>;

/// The claimed event, unless its claim was lost.
fn fenced(event: &Claimed) -> Fenced {
    webhook_events::table
        .filter(webhook_events::id.eq(event.id))
        .filter(webhook_events::attempts.eq(event.attempts))
        .filter(webhook_events::applied_at.is_null())
}

/// Deletes events applied more than `keep` ago; events never applied are kept, whatever their
/// age, for an operator to see.
pub async fn delete_applied_before(
    conn: &mut AsyncPgConnection,
    keep: Duration,
) -> Result<usize, DbError> {
    diesel::delete(
        webhook_events::table.filter(webhook_events::applied_at.lt(ago(keep).nullable())),
    )
    .execute(conn)
    .await
    .map_err(query(
        "deleting applied webhook events past webhooks.keep_days",
    ))
}
