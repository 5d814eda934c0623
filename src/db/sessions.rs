//! `zoom.meetings` and `zoom.webinars`. The two tables have one shape, so every statement here
//! serves both, with the table named by [`SessionTable`]. Rows go in through `unnest` of one
//! array per column: one statement per page whatever its size, far under Postgres's limit of
//! 65,535 bind parameters.

use chrono::{DateTime, Utc};
use diesel::dsl::not;
use diesel::prelude::*;
use diesel::sql_query;
use diesel::sql_types::{Array, BigInt, Bool, Integer, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::Held;
use super::error::{DbError, query};
use super::functions::coalesce;
use super::sync_runs::RowCounts;
use super::upserted::{NO_OLDER, Upserted, column, counts, last_per_key};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionTable {
    Meetings,
    Webinars,
}

/// Runs `$body` with `$t` naming the schema module of the [`SessionTable`]: each statement is
/// written once and compiled for both tables.
macro_rules! on_sessions {
    ($table:expr, $t:ident => $body:expr) => {
        match $table {
            SessionTable::Meetings => {
                use crate::db::schema::meetings as $t;
                $body
            }
            SessionTable::Webinars => {
                use crate::db::schema::webinars as $t;
                $body
            }
        }
    };
}

impl SessionTable {
    fn name(self) -> &'static str {
        match self {
            SessionTable::Meetings => "zoom.meetings",
            SessionTable::Webinars => "zoom.webinars",
        }
    }
}

/// One listed meeting or webinar.
#[derive(Debug, Clone, Copy)]
pub struct SessionRow<'a> {
    pub id: i64,
    pub uuid: Option<&'a str>,
    pub host_id: &'a str,
    pub topic: Option<&'a str>,
    pub session_type: Option<i32>,
    pub start_time: Option<DateTime<Utc>>,
    pub duration: Option<i32>,
    pub timezone: Option<&'a str>,
    pub agenda: Option<&'a str>,
    pub created_at: Option<DateTime<Utc>>,
    pub join_url: Option<&'a str>,
    pub raw: &'a Value,
}

/// Upserts one page, whose data Zoom had at `source_time`. Only a row whose listed object
/// changed, or that comes back from deletion, is written, and only by data no older than the
/// row's; a changed one loses its details, which are then fetched again.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    rows: &[SessionRow<'_>],
    now: DateTime<Utc>,
    source_time: DateTime<Utc>,
) -> Result<RowCounts, DbError> {
    let rows = last_per_key(rows, |r| r.id);
    // Raw: an `unnest` page upsert, faster than the builder's (figures in `upserted.rs`).
    let statement = format!(
        "INSERT INTO {t} AS t (id, uuid, host_id, topic, type, start_time, duration, timezone, \
                               agenda, created_at, join_url, raw, synced_at, source_time) \
         SELECT u.*, $13, $14 FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) AS u \
         ON CONFLICT (id) DO UPDATE SET \
             uuid = excluded.uuid, host_id = excluded.host_id, topic = excluded.topic, \
             type = excluded.type, start_time = excluded.start_time, \
             duration = excluded.duration, timezone = excluded.timezone, \
             agenda = excluded.agenda, created_at = excluded.created_at, \
             join_url = excluded.join_url, raw = excluded.raw, synced_at = excluded.synced_at, \
             details = CASE WHEN t.raw IS DISTINCT FROM excluded.raw THEN NULL ELSE t.details END, \
             details_synced_at = CASE WHEN t.raw IS DISTINCT FROM excluded.raw THEN NULL \
                                      ELSE t.details_synced_at END, \
             deleted_at = NULL, deleted_reason = NULL, source_time = excluded.source_time \
         WHERE (t.raw IS DISTINCT FROM excluded.raw OR t.deleted_at IS NOT NULL) \
           AND {NO_OLDER} \
         RETURNING (xmax = 0) AS inserted",
        t = table.name()
    );
    let returned: Vec<Upserted> = sql_query(statement)
        .bind::<Array<BigInt>, _>(column(&rows, |r| r.id))
        .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.uuid))
        .bind::<Array<Text>, _>(column(&rows, |r| r.host_id))
        .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.topic))
        .bind::<Array<Nullable<Integer>>, _>(column(&rows, |r| r.session_type))
        .bind::<Array<Nullable<Timestamptz>>, _>(column(&rows, |r| r.start_time))
        .bind::<Array<Nullable<Integer>>, _>(column(&rows, |r| r.duration))
        .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.timezone))
        .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.agenda))
        .bind::<Array<Nullable<Timestamptz>>, _>(column(&rows, |r| r.created_at))
        .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.join_url))
        .bind::<Array<Jsonb>, _>(column(&rows, |r| r.raw))
        .bind::<Timestamptz, _>(now)
        .bind::<Timestamptz, _>(source_time)
        .get_results(conn)
        .await
        .map_err(query("upserting meetings or webinars"))?;
    Ok(counts(rows.len(), &returned))
}

/// A mirrored session no longer in its host's listing, with what decides why it went.
#[derive(Debug, Clone, Queryable)]
pub struct Vanished {
    pub id: i64,
    pub session_type: Option<i32>,
    pub start_time: Option<DateTime<Utc>>,
    pub duration: Option<i32>,
    pub created_at: Option<DateTime<Utc>>,
}

/// The host's live sessions that a complete listing of the host, begun at `listing_started`,
/// did not have. Rows written since (by the write-back worker), or holding Zoom's data from
/// after that start (a webhook event), are not the listing's to judge.
pub async fn vanished(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    host_id: &str,
    listed: &[i64],
    listing_started: DateTime<Utc>,
) -> Result<Vec<Vanished>, DbError> {
    on_sessions!(table, t => t::table
        .filter(t::host_id.eq(host_id))
        .filter(t::deleted_at.is_null())
        .filter(not(t::id.eq_any(listed)))
        .filter(t::synced_at.lt(listing_started))
        .filter(t::source_time.is_null().or(t::source_time.lt(listing_started)))
        .select((t::id, t::session_type, t::start_time, t::duration, t::created_at))
        .load(conn)
        .await)
    .map_err(query("finding meetings or webinars no longer listed"))
}

/// Marks one session gone, with why (`deleted` or `expired`), as Zoom had it at
/// `source_time`; false if it already was, or the row holds newer data.
pub async fn mark_gone(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    id: i64,
    reason: &str,
    source_time: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let marked = on_sessions!(table, t => diesel::update(
        t::table
            .filter(t::id.eq(id))
            .filter(t::deleted_at.is_null())
            .filter(t::source_time.is_null().or(t::source_time.lt(source_time))),
    )
    .set((
        t::deleted_at.eq(now),
        t::deleted_reason.eq(reason),
        t::source_time.eq(source_time),
    ))
    .execute(conn)
    .await)
    .map_err(query("marking a meeting or webinar gone"))?;
    Ok(marked > 0)
}

/// Sessions whose host the users pass marked deleted go with it (`host_deleted`), as of the
/// host's deletion: a session holding newer data than that stays.
pub async fn mark_hosts_gone(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    // Raw: the source time comes from the joined host row, which the builder's UPDATE cannot
    // reach (it has no `UPDATE … FROM`).
    let marked = sql_query(format!(
        "UPDATE {t} AS t SET deleted_at = $1, deleted_reason = 'host_deleted', \
                            source_time = u.source_time \
         FROM zoom.users AS u \
         WHERE u.id = t.host_id AND u.deleted_at IS NOT NULL AND t.deleted_at IS NULL \
           AND (t.source_time IS NULL OR t.source_time < u.source_time)",
        t = table.name()
    ))
    .bind::<Timestamptz, _>(now)
    .execute(conn)
    .await
    .map_err(query("marking meetings or webinars of deleted users"))?;
    Ok(marked as i64)
}

/// The host's live sessions without details: new or changed since they were last fetched.
pub async fn without_details(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    host_id: &str,
) -> Result<Vec<i64>, DbError> {
    on_sessions!(table, t => t::table
        .filter(t::host_id.eq(host_id))
        .filter(t::deleted_at.is_null())
        .filter(t::details.is_null())
        .select(t::id)
        .order(t::id)
        .load(conn)
        .await)
    .map_err(query("finding meetings or webinars without details"))
}

/// Stores a session's details, with the whole agenda the listing cut.
pub async fn set_details(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    id: i64,
    details: &Value,
    has_registration: Option<bool>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    let agenda = details
        .into_sql::<Jsonb>()
        .retrieve_as_text("agenda")
        .nullable();
    on_sessions!(table, t => diesel::update(t::table.find(id))
        .set((
            t::details.eq(details),
            t::details_synced_at.eq(now),
            t::agenda.eq(coalesce(agenda, t::agenda)),
            t::has_registration.eq(coalesce(
                has_registration.into_sql::<Nullable<Bool>>(),
                t::has_registration,
            )),
        ))
        .execute(conn)
        .await)
    .map_err(query("storing meeting or webinar details"))?;
    Ok(())
}

/// Records what a registrants listing revealed; writes only when it changes.
pub async fn set_has_registration(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    id: i64,
    on: bool,
) -> Result<(), DbError> {
    on_sessions!(table, t => diesel::update(
        t::table
            .filter(t::id.eq(id))
            .filter(t::has_registration.is_distinct_from(on)),
    )
    .set(t::has_registration.eq(on))
    .execute(conn)
    .await)
    .map_err(query(
        "recording whether a meeting or webinar has registration",
    ))?;
    Ok(())
}

/// A live session, with its type, which tells whether it can have registrants.
#[derive(Debug, Clone, Queryable)]
pub struct Listed {
    pub id: i64,
    pub session_type: Option<i32>,
}

/// The types of a meeting (2) or webinar (5) held once, at its `start_time`.
const ONE_OFF: [i32; 2] = [2, 5];

/// How many live sessions [`live_after`] walks (with the same `started_by`), for a pass's
/// progress.
pub async fn count_live(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    started_by: Option<DateTime<Utc>>,
) -> Result<i64, DbError> {
    on_sessions!(table, t => t::table
        .filter(t::deleted_at.is_null())
        .filter(t::session_type.eq_any(ONE_OFF)
            .and(t::start_time.gt(started_by))
            .is_distinct_from(true))
        .count()
        .get_result(conn)
        .await)
    .map_err(query("counting meetings or webinars"))
}

/// Live sessions in id order after `after`, `limit` at a time: a pass walks them without
/// holding the account in memory. With `started_by`, a one-off session whose scheduled start
/// is later is left out (one whose type or start is unknown is kept).
pub async fn live_after(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    started_by: Option<DateTime<Utc>>,
    after: i64,
    limit: i64,
) -> Result<Vec<Listed>, DbError> {
    on_sessions!(table, t => t::table
        .filter(t::deleted_at.is_null())
        .filter(t::session_type.eq_any(ONE_OFF)
            .and(t::start_time.gt(started_by))
            .is_distinct_from(true))
        .filter(t::id.gt(after))
        .select((t::id, t::session_type))
        .order(t::id)
        .limit(limit)
        .load(conn)
        .await)
    .map_err(query("reading meetings or webinars"))
}

/// One mirrored session's host and type, deleted or not.
#[derive(Debug, Clone, Queryable)]
pub struct Known {
    pub host_id: String,
    pub session_type: Option<i32>,
}

pub async fn known(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    id: i64,
) -> Result<Option<Known>, DbError> {
    on_sessions!(table, t => t::table
        .find(id)
        .select((t::host_id, t::session_type))
        .get_result(conn)
        .await
        .optional())
    .map_err(query("finding a meeting's or webinar's host"))
}

/// The meeting or webinar as an event finds it, locked until the transaction ends.
pub async fn held(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    id: i64,
) -> Result<Option<Held>, DbError> {
    on_sessions!(table, t => t::table
        .filter(t::id.eq(id))
        .select((t::raw, t::source_time, t::deleted_at.is_not_null()))
        .for_update()
        .first::<(Value, Option<DateTime<Utc>>, bool)>(conn)
        .await)
    .optional()
    .map(|row| row.map(Held::from))
    .map_err(query("reading a meeting or webinar for a webhook event"))
}
