//! `zoom.recordings` and `zoom.recording_files`: a page's recordings and their files are
//! written in one transaction, so a recording is never seen without its files.

use chrono::{DateTime, Utc};
use diesel::dsl::not;
use diesel::prelude::*;
use diesel::sql_query;
use diesel::sql_types::{Array, BigInt, Integer, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::Held;
use super::error::{DbError, query};
use super::schema::{recording_files, recordings};
use super::sync_runs::RowCounts;
use super::upserted::{NO_OLDER, Upserted, column, counts, last_per_key};

#[derive(Debug, Clone)]
pub struct RecordingRow<'a> {
    pub uuid: &'a str,
    pub meeting_id: Option<i64>,
    pub host_id: &'a str,
    pub topic: Option<&'a str>,
    pub meeting_type: Option<i32>,
    pub start_time: Option<DateTime<Utc>>,
    pub duration: Option<i32>,
    pub total_size: Option<i64>,
    pub recording_count: Option<i32>,
    pub raw: &'a Value,
    /// Whether the object listed its files at all; if not, none is taken for deleted.
    pub files_listed: bool,
    pub files: Vec<FileRow<'a>>,
}

#[derive(Debug, Clone, Copy)]
pub struct FileRow<'a> {
    pub id: &'a str,
    pub file_type: Option<&'a str>,
    pub file_extension: Option<&'a str>,
    pub file_size: Option<i64>,
    pub recording_type: Option<&'a str>,
    pub status: Option<&'a str>,
    pub recording_start: Option<DateTime<Utc>>,
    pub recording_end: Option<DateTime<Utc>>,
    pub raw: &'a Value,
}

/// Upserts one page of recordings with their files, whose data Zoom had at `source_time`, and
/// marks deleted the files a listed recording no longer has; no row holding newer data is
/// touched. Counts are of recordings and files together.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    rows: &[RecordingRow<'_>],
    now: DateTime<Utc>,
    source_time: DateTime<Utc>,
) -> Result<RowCounts, DbError> {
    let rows = last_per_key(rows, |r| r.uuid);
    conn.transaction(async |conn| {
        let mut total = upsert_recordings(conn, &rows, now, source_time).await?;
        for recording in &rows {
            total += upsert_files(conn, recording, now, source_time).await?;
        }
        Ok(total)
    })
    .await
}

async fn upsert_recordings(
    conn: &mut AsyncPgConnection,
    rows: &[&RecordingRow<'_>],
    now: DateTime<Utc>,
    source_time: DateTime<Utc>,
) -> Result<RowCounts, DbError> {
    // Raw: an `unnest` page upsert, faster than the builder's (figures in `upserted.rs`).
    let returned: Vec<Upserted> = sql_query(format!(
        "INSERT INTO zoom.recordings AS t (uuid, meeting_id, host_id, topic, type, start_time, \
                                          duration, total_size, recording_count, raw, synced_at, \
                                          source_time) \
         SELECT u.*, $11, $12 FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) AS u \
         ON CONFLICT (uuid) DO UPDATE SET \
             meeting_id = excluded.meeting_id, host_id = excluded.host_id, \
             topic = excluded.topic, type = excluded.type, start_time = excluded.start_time, \
             duration = excluded.duration, total_size = excluded.total_size, \
             recording_count = excluded.recording_count, raw = excluded.raw, \
             synced_at = excluded.synced_at, deleted_at = NULL, \
             source_time = excluded.source_time \
         WHERE (t.raw IS DISTINCT FROM excluded.raw OR t.deleted_at IS NOT NULL) \
           AND {NO_OLDER} \
         RETURNING (xmax = 0) AS inserted",
    ))
    .bind::<Array<Text>, _>(column(rows, |r| r.uuid))
    .bind::<Array<Nullable<BigInt>>, _>(column(rows, |r| r.meeting_id))
    .bind::<Array<Text>, _>(column(rows, |r| r.host_id))
    .bind::<Array<Nullable<Text>>, _>(column(rows, |r| r.topic))
    .bind::<Array<Nullable<Integer>>, _>(column(rows, |r| r.meeting_type))
    .bind::<Array<Nullable<Timestamptz>>, _>(column(rows, |r| r.start_time))
    .bind::<Array<Nullable<Integer>>, _>(column(rows, |r| r.duration))
    .bind::<Array<Nullable<BigInt>>, _>(column(rows, |r| r.total_size))
    .bind::<Array<Nullable<Integer>>, _>(column(rows, |r| r.recording_count))
    .bind::<Array<Jsonb>, _>(column(rows, |r| r.raw))
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(source_time)
    .get_results(conn)
    .await
    .map_err(query("upserting recordings"))?;
    Ok(counts(rows.len(), &returned))
}

async fn upsert_files(
    conn: &mut AsyncPgConnection,
    recording: &RecordingRow<'_>,
    now: DateTime<Utc>,
    source_time: DateTime<Utc>,
) -> Result<RowCounts, DbError> {
    let files = last_per_key(&recording.files, |f| f.id);
    // Raw: an `unnest` page upsert, faster than the builder's (figures in `upserted.rs`).
    let returned: Vec<Upserted> = sql_query(format!(
        "INSERT INTO zoom.recording_files AS t (recording_uuid, id, file_type, file_extension, \
             file_size, recording_type, status, recording_start, recording_end, raw, synced_at, \
             source_time) \
         SELECT $1, u.*, $11, $12 FROM unnest($2, $3, $4, $5, $6, $7, $8, $9, $10) AS u \
         ON CONFLICT (id) DO UPDATE SET \
             recording_uuid = excluded.recording_uuid, file_type = excluded.file_type, \
             file_extension = excluded.file_extension, file_size = excluded.file_size, \
             recording_type = excluded.recording_type, status = excluded.status, \
             recording_start = excluded.recording_start, \
             recording_end = excluded.recording_end, raw = excluded.raw, \
             synced_at = excluded.synced_at, deleted_at = NULL, \
             source_time = excluded.source_time \
         WHERE (t.raw IS DISTINCT FROM excluded.raw OR t.deleted_at IS NOT NULL) \
           AND {NO_OLDER} \
         RETURNING (xmax = 0) AS inserted",
    ))
    .bind::<Text, _>(recording.uuid)
    .bind::<Array<Text>, _>(column(&files, |f| f.id))
    .bind::<Array<Nullable<Text>>, _>(column(&files, |f| f.file_type))
    .bind::<Array<Nullable<Text>>, _>(column(&files, |f| f.file_extension))
    .bind::<Array<Nullable<BigInt>>, _>(column(&files, |f| f.file_size))
    .bind::<Array<Nullable<Text>>, _>(column(&files, |f| f.recording_type))
    .bind::<Array<Nullable<Text>>, _>(column(&files, |f| f.status))
    .bind::<Array<Nullable<Timestamptz>>, _>(column(&files, |f| f.recording_start))
    .bind::<Array<Nullable<Timestamptz>>, _>(column(&files, |f| f.recording_end))
    .bind::<Array<Jsonb>, _>(column(&files, |f| f.raw))
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(source_time)
    .get_results(conn)
    .await
    .map_err(query("upserting recording files"))?;
    let mut total = counts(files.len(), &returned);
    if !recording.files_listed {
        return Ok(total);
    }
    let ids: Vec<&str> = column(&files, |f| f.id);
    total.deleted = diesel::update(
        recording_files::table
            .filter(recording_files::recording_uuid.eq(recording.uuid))
            .filter(recording_files::deleted_at.is_null())
            .filter(not(recording_files::id.eq_any(ids)))
            .filter(older_file(source_time)),
    )
    .set((
        recording_files::deleted_at.eq(now),
        recording_files::source_time.eq(source_time),
    ))
    .execute(conn)
    .await
    .map_err(query("marking files a recording no longer lists"))? as i64;
    Ok(total)
}

/// After a complete listing of `host` (every host when `None`) over `[from, until)` begun at
/// `listing_started`: marks the recordings that started then and were not listed, and their
/// files, deleted as of that start, except rows written since or holding Zoom's data from
/// after it (a webhook event).
pub async fn mark_unlisted_deleted(
    conn: &mut AsyncPgConnection,
    host: Option<&str>,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    listed: &[String],
    listing_started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let mut marked = diesel::update(recordings::table)
        .filter(recordings::start_time.ge(from))
        .filter(recordings::start_time.lt(until))
        .filter(recordings::deleted_at.is_null())
        .filter(not(recordings::uuid.eq_any(listed)))
        .filter(recordings::synced_at.lt(listing_started))
        .filter(
            recordings::source_time
                .is_null()
                .or(recordings::source_time.lt(listing_started)),
        )
        .set((
            recordings::deleted_at.eq(now),
            recordings::source_time.eq(listing_started),
        ))
        .into_boxed();
    if let Some(host) = host {
        marked = marked.filter(recordings::host_id.eq(host));
    }
    let uuids: Vec<String> = marked
        .returning(recordings::uuid)
        .get_results(conn)
        .await
        .map_err(query("marking unlisted recordings deleted"))?;
    let files = diesel::update(
        recording_files::table
            .filter(recording_files::recording_uuid.eq_any(&uuids))
            .filter(recording_files::deleted_at.is_null())
            .filter(older_file(listing_started)),
    )
    .set((
        recording_files::deleted_at.eq(now),
        recording_files::source_time.eq(listing_started),
    ))
    .execute(conn)
    .await
    .map_err(query("marking files of deleted recordings"))?;
    Ok(uuids.len() as i64 + files as i64)
}

/// The recording as an event finds it, locked until the transaction ends.
pub async fn held(conn: &mut AsyncPgConnection, uuid: &str) -> Result<Option<Held>, DbError> {
    recordings::table
        .filter(recordings::uuid.eq(uuid))
        .select((
            recordings::raw,
            recordings::source_time,
            recordings::deleted_at.is_not_null(),
        ))
        .for_update()
        .first::<(Value, Option<DateTime<Utc>>, bool)>(conn)
        .await
        .optional()
        .map(|row| row.map(Held::from))
        .map_err(query("reading a recording for a webhook event"))
}

/// Marks one recording and its files deleted as of `source_time` (trashed or deleted at
/// Zoom), unless its row holds newer information.
pub async fn mark_deleted(
    conn: &mut AsyncPgConnection,
    uuid: &str,
    source_time: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let marked = diesel::update(
        recordings::table
            .filter(recordings::uuid.eq(uuid))
            .filter(recordings::deleted_at.is_null())
            .filter(
                recordings::source_time
                    .is_null()
                    .or(recordings::source_time.lt(source_time)),
            ),
    )
    .set((
        recordings::deleted_at.eq(now),
        recordings::source_time.eq(source_time),
    ))
    .execute(conn)
    .await
    .map_err(query("marking a recording deleted"))?;
    if marked == 0 {
        return Ok(false);
    }
    diesel::update(
        recording_files::table
            .filter(recording_files::recording_uuid.eq(uuid))
            .filter(recording_files::deleted_at.is_null()),
    )
    .set((
        recording_files::deleted_at.eq(now),
        recording_files::source_time.eq(source_time),
    ))
    .execute(conn)
    .await
    .map_err(query("marking a deleted recording's files deleted"))?;
    Ok(true)
}

/// A file whose data is older than `source_time`: one a deletion known at that time may mark.
fn older_file(
    source_time: DateTime<Utc>,
) -> diesel::dsl::Or<
    diesel::dsl::IsNull<recording_files::source_time>,
    diesel::dsl::Lt<recording_files::source_time, DateTime<Utc>>,
> {
    recording_files::source_time
        .is_null()
        .or(recording_files::source_time.lt(source_time))
}
