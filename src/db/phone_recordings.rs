//! `zoom.phone_recordings`: Zoom Phone call recordings, one row each.

use chrono::{DateTime, Utc};
use diesel::dsl::not;
use diesel::prelude::*;
use diesel::sql_query;
use diesel::sql_types::{Array, Integer, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::Held;
use super::error::{DbError, query};
use super::schema::phone_recordings;
use super::sync_runs::RowCounts;
use super::upserted::{NO_OLDER, Upserted, column, counts, last_per_key};

#[derive(Debug, Clone, Copy)]
pub struct PhoneRecordingRow<'a> {
    pub id: &'a str,
    pub user_id: &'a str,
    pub call_id: Option<&'a str>,
    pub call_log_id: Option<&'a str>,
    pub call_history_id: Option<&'a str>,
    pub caller_name: Option<&'a str>,
    pub caller_number: Option<&'a str>,
    pub caller_number_type: Option<i32>,
    pub callee_name: Option<&'a str>,
    pub callee_number: Option<&'a str>,
    pub callee_number_type: Option<i32>,
    pub direction: Option<&'a str>,
    pub date_time: Option<DateTime<Utc>>,
    pub duration: Option<i32>,
    pub download_url: Option<&'a str>,
    pub transcript_download_url: Option<&'a str>,
    pub meeting_uuid: Option<&'a str>,
    pub outgoing_by: Option<&'a Value>,
    pub accepted_by: Option<&'a Value>,
    pub raw: &'a Value,
}

/// Upserts one page of recordings whose data Zoom had at `source_time`; no row holding newer
/// data is touched.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    rows: &[PhoneRecordingRow<'_>],
    now: DateTime<Utc>,
    source_time: DateTime<Utc>,
) -> Result<RowCounts, DbError> {
    let rows = last_per_key(rows, |r| r.id);
    // Raw: an `unnest` page upsert, faster than the builder's (figures in `upserted.rs`).
    let returned: Vec<Upserted> = sql_query(format!(
        "INSERT INTO zoom.phone_recordings AS t (id, user_id, call_id, call_log_id, \
             call_history_id, caller_name, caller_number, caller_number_type, callee_name, \
             callee_number, callee_number_type, direction, date_time, duration, download_url, \
             transcript_download_url, meeting_uuid, outgoing_by, accepted_by, raw, synced_at, \
             source_time) \
         SELECT u.*, $21, $22 FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, \
             $13, $14, $15, $16, $17, $18, $19, $20) AS u \
         ON CONFLICT (id) DO UPDATE SET \
             user_id = excluded.user_id, call_id = excluded.call_id, \
             call_log_id = excluded.call_log_id, call_history_id = excluded.call_history_id, \
             caller_name = excluded.caller_name, caller_number = excluded.caller_number, \
             caller_number_type = excluded.caller_number_type, \
             callee_name = excluded.callee_name, callee_number = excluded.callee_number, \
             callee_number_type = excluded.callee_number_type, direction = excluded.direction, \
             date_time = excluded.date_time, duration = excluded.duration, \
             download_url = excluded.download_url, \
             transcript_download_url = excluded.transcript_download_url, \
             meeting_uuid = excluded.meeting_uuid, outgoing_by = excluded.outgoing_by, \
             accepted_by = excluded.accepted_by, raw = excluded.raw, \
             synced_at = excluded.synced_at, deleted_at = NULL, \
             source_time = excluded.source_time \
         WHERE (t.raw IS DISTINCT FROM excluded.raw OR t.user_id <> excluded.user_id \
                OR t.deleted_at IS NOT NULL) \
           AND {NO_OLDER} \
         RETURNING (xmax = 0) AS inserted",
    ))
    .bind::<Array<Text>, _>(column(&rows, |r| r.id))
    .bind::<Array<Text>, _>(column(&rows, |r| r.user_id))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.call_id))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.call_log_id))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.call_history_id))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.caller_name))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.caller_number))
    .bind::<Array<Nullable<Integer>>, _>(column(&rows, |r| r.caller_number_type))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.callee_name))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.callee_number))
    .bind::<Array<Nullable<Integer>>, _>(column(&rows, |r| r.callee_number_type))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.direction))
    .bind::<Array<Nullable<Timestamptz>>, _>(column(&rows, |r| r.date_time))
    .bind::<Array<Nullable<Integer>>, _>(column(&rows, |r| r.duration))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.download_url))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.transcript_download_url))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.meeting_uuid))
    .bind::<Array<Nullable<Jsonb>>, _>(column(&rows, |r| r.outgoing_by))
    .bind::<Array<Nullable<Jsonb>>, _>(column(&rows, |r| r.accepted_by))
    .bind::<Array<Jsonb>, _>(column(&rows, |r| r.raw))
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(source_time)
    .get_results(conn)
    .await
    .map_err(query("upserting phone recordings"))?;
    Ok(counts(rows.len(), &returned))
}

/// After a complete listing of `user`'s recordings over `[from, until)` begun at
/// `listing_started`: marks the user's recordings of then that were not listed deleted as of
/// that start, except rows written since or holding Zoom's data from after it (an event).
pub async fn mark_unlisted_deleted(
    conn: &mut AsyncPgConnection,
    user: &str,
    (from, until): (DateTime<Utc>, DateTime<Utc>),
    listed: &[String],
    listing_started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let marked = diesel::update(
        phone_recordings::table
            .filter(phone_recordings::user_id.eq(user))
            .filter(phone_recordings::date_time.ge(from))
            .filter(phone_recordings::date_time.lt(until))
            .filter(phone_recordings::deleted_at.is_null())
            .filter(not(phone_recordings::id.eq_any(listed)))
            .filter(phone_recordings::synced_at.lt(listing_started))
            .filter(older(listing_started)),
    )
    .set((
        phone_recordings::deleted_at.eq(now),
        phone_recordings::source_time.eq(listing_started),
    ))
    .execute(conn)
    .await
    .map_err(query("marking unlisted phone recordings deleted"))?;
    Ok(marked as i64)
}

/// The recording as an event finds it, locked until the transaction ends.
pub async fn held(conn: &mut AsyncPgConnection, id: &str) -> Result<Option<Held>, DbError> {
    phone_recordings::table
        .filter(phone_recordings::id.eq(id))
        .select((
            phone_recordings::raw,
            phone_recordings::source_time,
            phone_recordings::deleted_at.is_not_null(),
        ))
        .for_update()
        .first::<(Value, Option<DateTime<Utc>>, bool)>(conn)
        .await
        .optional()
        .map(|row| row.map(Held::from))
        .map_err(query("reading a phone recording for a webhook event"))
}

/// Marks one recording deleted as of `source_time`, unless its row holds newer information.
pub async fn mark_deleted(
    conn: &mut AsyncPgConnection,
    id: &str,
    source_time: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let marked = diesel::update(
        phone_recordings::table
            .filter(phone_recordings::id.eq(id))
            .filter(phone_recordings::deleted_at.is_null())
            .filter(older(source_time)),
    )
    .set((
        phone_recordings::deleted_at.eq(now),
        phone_recordings::source_time.eq(source_time),
    ))
    .execute(conn)
    .await
    .map_err(query("marking a phone recording deleted"))?;
    Ok(marked > 0)
}

/// A row whose data is older than `source_time`: one a deletion known at that time may mark.
fn older(
    source_time: DateTime<Utc>,
) -> diesel::dsl::Or<
    diesel::dsl::IsNull<phone_recordings::source_time>,
    diesel::dsl::Lt<phone_recordings::source_time, DateTime<Utc>>,
> {
    phone_recordings::source_time
        .is_null()
        .or(phone_recordings::source_time.lt(source_time))
}
