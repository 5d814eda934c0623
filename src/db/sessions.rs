//! `zoom.meetings` and `zoom.webinars`. The two tables have one shape, so every statement here
//! serves both, with the table named by [`SessionTable`]. Rows go in through `unnest` of one
//! array per column: one statement per page whatever its size, far under Postgres's limit of
//! 65,535 bind parameters.

use chrono::{DateTime, Utc};
use diesel::sql_types::{Array, BigInt, Bool, Integer, Jsonb, Nullable, Text, Timestamptz};
use diesel::{QueryableByName, sql_query};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::error::{DbError, query};
use super::sync_runs::RowCounts;
use super::upserted::{Upserted, column, counts, last_per_key};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionTable {
    Meetings,
    Webinars,
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

/// Upserts one page. Only a row whose listed object changed, or that comes back from
/// deletion, is written; a changed one loses its details, which are then fetched again.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    rows: &[SessionRow<'_>],
    now: DateTime<Utc>,
) -> Result<RowCounts, DbError> {
    let rows = last_per_key(rows, |r| r.id);
    let statement = format!(
        "INSERT INTO {t} AS t (id, uuid, host_id, topic, type, start_time, duration, timezone, \
                               agenda, created_at, join_url, raw, synced_at) \
         SELECT u.*, $13 FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) AS u \
         ON CONFLICT (id) DO UPDATE SET \
             uuid = excluded.uuid, host_id = excluded.host_id, topic = excluded.topic, \
             type = excluded.type, start_time = excluded.start_time, \
             duration = excluded.duration, timezone = excluded.timezone, \
             agenda = excluded.agenda, created_at = excluded.created_at, \
             join_url = excluded.join_url, raw = excluded.raw, synced_at = excluded.synced_at, \
             details = CASE WHEN t.raw IS DISTINCT FROM excluded.raw THEN NULL ELSE t.details END, \
             details_synced_at = CASE WHEN t.raw IS DISTINCT FROM excluded.raw THEN NULL \
                                      ELSE t.details_synced_at END, \
             deleted_at = NULL, deleted_reason = NULL \
         WHERE t.raw IS DISTINCT FROM excluded.raw OR t.deleted_at IS NOT NULL \
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
        .get_results(conn)
        .await
        .map_err(query("upserting meetings or webinars"))?;
    Ok(counts(rows.len(), &returned))
}

/// A mirrored session no longer in its host's listing, with what decides why it went.
#[derive(Debug, Clone, QueryableByName)]
pub struct Vanished {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<Integer>)]
    pub session_type: Option<i32>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub start_time: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub duration: Option<i32>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub created_at: Option<DateTime<Utc>>,
}

/// The host's live sessions that a complete listing of the host, begun at `listing_started`,
/// did not have. Rows written since (by the write-back worker) are not the listing's to judge.
pub async fn vanished(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    host_id: &str,
    listed: &[i64],
    listing_started: DateTime<Utc>,
) -> Result<Vec<Vanished>, DbError> {
    sql_query(format!(
        "SELECT id, type AS session_type, start_time, duration, created_at FROM {} \
         WHERE host_id = $1 AND deleted_at IS NULL AND NOT (id = ANY($2)) AND synced_at < $3",
        table.name()
    ))
    .bind::<Text, _>(host_id)
    .bind::<Array<BigInt>, _>(listed)
    .bind::<Timestamptz, _>(listing_started)
    .load(conn)
    .await
    .map_err(query("finding meetings or webinars no longer listed"))
}

/// Marks one session gone, with why (`deleted` or `expired`); false if it already was.
pub async fn mark_gone(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let marked = sql_query(format!(
        "UPDATE {} SET deleted_at = $2, deleted_reason = $3 WHERE id = $1 AND deleted_at IS NULL",
        table.name()
    ))
    .bind::<BigInt, _>(id)
    .bind::<Timestamptz, _>(now)
    .bind::<Text, _>(reason)
    .execute(conn)
    .await
    .map_err(query("marking a meeting or webinar gone"))?;
    Ok(marked > 0)
}

/// Sessions whose host the users pass marked deleted go with it (`host_deleted`).
pub async fn mark_hosts_gone(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let marked = sql_query(format!(
        "UPDATE {} AS s SET deleted_at = $1, deleted_reason = 'host_deleted' \
         FROM zoom.users AS u \
         WHERE s.host_id = u.id AND u.deleted_at IS NOT NULL AND s.deleted_at IS NULL",
        table.name()
    ))
    .bind::<Timestamptz, _>(now)
    .execute(conn)
    .await
    .map_err(query("marking meetings or webinars of deleted users"))?;
    Ok(marked as i64)
}

#[derive(Debug, QueryableByName)]
struct Id {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

/// The host's live sessions without details: new or changed since they were last fetched.
pub async fn without_details(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    host_id: &str,
) -> Result<Vec<i64>, DbError> {
    let ids: Vec<Id> = sql_query(format!(
        "SELECT id FROM {} WHERE host_id = $1 AND deleted_at IS NULL AND details IS NULL ORDER BY id",
        table.name()
    ))
    .bind::<Text, _>(host_id)
    .load(conn)
    .await
    .map_err(query("finding meetings or webinars without details"))?;
    Ok(ids.into_iter().map(|i| i.id).collect())
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
    sql_query(format!(
        "UPDATE {} SET details = $2, details_synced_at = $3, \
             agenda = coalesce($2->>'agenda', agenda), \
             has_registration = coalesce($4, has_registration) \
         WHERE id = $1",
        table.name()
    ))
    .bind::<BigInt, _>(id)
    .bind::<Jsonb, _>(details)
    .bind::<Timestamptz, _>(now)
    .bind::<Nullable<Bool>, _>(has_registration)
    .execute(conn)
    .await
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
    sql_query(format!(
        "UPDATE {} SET has_registration = $2 WHERE id = $1 AND has_registration IS DISTINCT FROM $2",
        table.name()
    ))
    .bind::<BigInt, _>(id)
    .bind::<Bool, _>(on)
    .execute(conn)
    .await
    .map_err(query("recording whether a meeting or webinar has registration"))?;
    Ok(())
}

/// A live session, with its type, which tells whether it can have registrants.
#[derive(Debug, Clone, QueryableByName)]
pub struct Listed {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Nullable<Integer>)]
    pub session_type: Option<i32>,
}

/// Live sessions in id order after `after`, `limit` at a time: a pass walks them without
/// holding the account in memory.
pub async fn live_after(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    after: i64,
    limit: i64,
) -> Result<Vec<Listed>, DbError> {
    sql_query(format!(
        "SELECT id, type AS session_type FROM {} WHERE deleted_at IS NULL AND id > $1 ORDER BY id LIMIT $2",
        table.name()
    ))
    .bind::<BigInt, _>(after)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
    .map_err(query("reading meetings or webinars"))
}

/// One mirrored session's host and type, deleted or not.
#[derive(Debug, Clone, QueryableByName)]
pub struct Known {
    #[diesel(sql_type = Text)]
    pub host_id: String,
    #[diesel(sql_type = Nullable<Integer>)]
    pub session_type: Option<i32>,
}

pub async fn known(
    conn: &mut AsyncPgConnection,
    table: SessionTable,
    id: i64,
) -> Result<Option<Known>, DbError> {
    let found: Vec<Known> = sql_query(format!(
        "SELECT host_id, type AS session_type FROM {} WHERE id = $1",
        table.name()
    ))
    .bind::<BigInt, _>(id)
    .load(conn)
    .await
    .map_err(query("finding a meeting's or webinar's host"))?;
    Ok(found.into_iter().next())
}
