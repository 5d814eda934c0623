//! `zoom.meeting_registrants` and `zoom.webinar_registrants`: one shape, keyed within their
//! meeting or webinar, so every statement serves both (see `sessions.rs` for the `unnest`).

use chrono::{DateTime, Utc};
use diesel::dsl::not;
use diesel::prelude::*;
use diesel::sql_query;
use diesel::sql_types::{Array, BigInt, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::Held;
use super::error::{DbError, query};
use super::functions::lower;
use super::sync_runs::RowCounts;
use super::upserted::{NO_OLDER, Upserted, column, counts, last_per_key};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrantTable {
    Meeting,
    Webinar,
}

/// Runs `$body` with `$r` naming the schema module of the [`RegistrantTable`] and `$parent` its
/// parent's column: each statement is written once and compiled for both.
macro_rules! on_registrants {
    ($table:expr, $r:ident, $parent:ident => $body:expr) => {
        match $table {
            RegistrantTable::Meeting => {
                use crate::db::schema::meeting_registrants as $r;
                let $parent = $r::meeting_id;
                $body
            }
            RegistrantTable::Webinar => {
                use crate::db::schema::webinar_registrants as $r;
                let $parent = $r::webinar_id;
                $body
            }
        }
    };
}

impl RegistrantTable {
    fn name(self) -> &'static str {
        match self {
            RegistrantTable::Meeting => "zoom.meeting_registrants",
            RegistrantTable::Webinar => "zoom.webinar_registrants",
        }
    }

    fn parent_column(self) -> &'static str {
        match self {
            RegistrantTable::Meeting => "meeting_id",
            RegistrantTable::Webinar => "webinar_id",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct RegistrantRow<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub status: &'a str,
    pub create_time: Option<DateTime<Utc>>,
    pub join_url: Option<&'a str>,
    pub raw: &'a Value,
}

/// Upserts one page of a meeting's or webinar's registrants, whose data Zoom had at
/// `source_time`, rewriting only changed rows, and only with data no older than theirs.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    table: RegistrantTable,
    parent_id: i64,
    rows: &[RegistrantRow<'_>],
    now: DateTime<Utc>,
    source_time: DateTime<Utc>,
) -> Result<RowCounts, DbError> {
    let rows = last_per_key(rows, |r| r.id);
    // Raw: an `unnest` page upsert, faster than the builder's (figures in `upserted.rs`).
    let statement = format!(
        "INSERT INTO {t} AS t ({p}, id, email, first_name, last_name, status, create_time, \
                               join_url, raw, synced_at, source_time) \
         SELECT $1, u.*, $10, $11 FROM unnest($2, $3, $4, $5, $6, $7, $8, $9) AS u \
         ON CONFLICT ({p}, id) DO UPDATE SET \
             email = excluded.email, first_name = excluded.first_name, \
             last_name = excluded.last_name, status = excluded.status, \
             create_time = excluded.create_time, join_url = excluded.join_url, \
             raw = excluded.raw, synced_at = excluded.synced_at, deleted_at = NULL, \
             source_time = excluded.source_time \
         WHERE (t.raw IS DISTINCT FROM excluded.raw OR t.deleted_at IS NOT NULL) \
           AND {NO_OLDER} \
         RETURNING (xmax = 0) AS inserted",
        t = table.name(),
        p = table.parent_column()
    );
    let returned: Vec<Upserted> = sql_query(statement)
        .bind::<BigInt, _>(parent_id)
        .bind::<Array<Text>, _>(column(&rows, |r| r.id))
        .bind::<Array<Text>, _>(column(&rows, |r| r.email))
        .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.first_name))
        .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.last_name))
        .bind::<Array<Text>, _>(column(&rows, |r| r.status))
        .bind::<Array<Nullable<Timestamptz>>, _>(column(&rows, |r| r.create_time))
        .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.join_url))
        .bind::<Array<Jsonb>, _>(column(&rows, |r| r.raw))
        .bind::<Timestamptz, _>(now)
        .bind::<Timestamptz, _>(source_time)
        .get_results(conn)
        .await
        .map_err(query("upserting registrants"))?;
    Ok(counts(rows.len(), &returned))
}

/// After complete listings of every status, begun at `listing_started`: marks the parent's
/// registrants that none had, as of that start, except rows written since (by the write-back
/// worker) or holding Zoom's data from after it (a webhook event).
pub async fn mark_unlisted_deleted(
    conn: &mut AsyncPgConnection,
    table: RegistrantTable,
    parent_id: i64,
    listed: &[String],
    listing_started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let marked = on_registrants!(table, r, parent => diesel::update(
        r::table
            .filter(parent.eq(parent_id))
            .filter(r::deleted_at.is_null())
            .filter(not(r::id.eq_any(listed)))
            .filter(r::synced_at.lt(listing_started))
            .filter(r::source_time.is_null().or(r::source_time.lt(listing_started))),
    )
    .set((r::deleted_at.eq(now), r::source_time.eq(listing_started)))
    .execute(conn)
    .await)
    .map_err(query("marking unlisted registrants deleted"))?;
    Ok(marked as i64)
}

/// Registrants of meetings or webinars that were deleted (by a person, or with their host) go
/// with them, as of the deletion: a registrant holding newer data stays. Those of expired ones
/// stay, as history.
pub async fn mark_orphans_deleted(
    conn: &mut AsyncPgConnection,
    table: RegistrantTable,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let sessions = match table {
        RegistrantTable::Meeting => "zoom.meetings",
        RegistrantTable::Webinar => "zoom.webinars",
    };
    // Raw: the source time comes from the joined session row, which the builder's UPDATE
    // cannot reach (it has no `UPDATE … FROM`).
    let marked = sql_query(format!(
        "UPDATE {t} AS r SET deleted_at = $1, source_time = s.source_time \
         FROM {sessions} AS s \
         WHERE s.id = r.{p} AND s.deleted_reason IN ('deleted', 'host_deleted') \
           AND r.deleted_at IS NULL \
           AND (r.source_time IS NULL OR r.source_time < s.source_time)",
        t = table.name(),
        p = table.parent_column()
    ))
    .bind::<Timestamptz, _>(now)
    .execute(conn)
    .await
    .map_err(query("marking registrants of deleted meetings or webinars"))?;
    Ok(marked as i64)
}

/// The live registrants of a session with one of these ids or emails, as Zoom listed them.
pub async fn find(
    conn: &mut AsyncPgConnection,
    table: RegistrantTable,
    session_id: i64,
    ids_or_emails: &[String],
) -> Result<Vec<Value>, DbError> {
    let keys: Vec<String> = ids_or_emails.iter().map(|k| k.to_lowercase()).collect();
    on_registrants!(table, r, parent => r::table
        .filter(parent.eq(session_id))
        .filter(r::deleted_at.is_null())
        .filter(lower(r::id).eq_any(&keys).or(lower(r::email).eq_any(&keys)))
        .select(r::raw)
        .order(r::email)
        .load(conn)
        .await)
    .map_err(query("reading registrants back"))
}

/// The registrant as an event finds it, locked until the transaction ends.
pub async fn held(
    conn: &mut AsyncPgConnection,
    table: RegistrantTable,
    session_id: i64,
    id: &str,
) -> Result<Option<Held>, DbError> {
    on_registrants!(table, r, parent => r::table
        .filter(parent.eq(session_id))
        .filter(r::id.eq(id))
        .select((r::raw, r::source_time, r::deleted_at.is_not_null()))
        .for_update()
        .first::<(Value, Option<DateTime<Utc>>, bool)>(conn)
        .await)
    .optional()
    .map(|row| row.map(Held::from))
    .map_err(query("reading a registrant for a webhook event"))
}

/// Marks one registrant deleted as of `source_time` (its registration was cancelled), unless
/// its row holds newer information.
pub async fn mark_deleted(
    conn: &mut AsyncPgConnection,
    table: RegistrantTable,
    session_id: i64,
    id: &str,
    source_time: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let marked = on_registrants!(table, r, parent => diesel::update(
        r::table
            .filter(parent.eq(session_id))
            .filter(r::id.eq(id))
            .filter(r::deleted_at.is_null())
            .filter(r::source_time.is_null().or(r::source_time.lt(source_time))),
    )
    .set((r::deleted_at.eq(now), r::source_time.eq(source_time)))
    .execute(conn)
    .await)
    .map_err(query("marking a registrant deleted"))?;
    Ok(marked > 0)
}
