//! `zoom.meeting_instances` / `zoom.webinar_instances` (ended instances and how far their
//! participants were read) and `zoom.meeting_participants` / `zoom.webinar_participants`. Each
//! pair has one shape, its columns named for its kind, so every statement serves both.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_query;
use diesel::sql_types::{Array, BigInt, Bool, Integer, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::error::{DbError, query};
use super::sync_runs::RowCounts;
use super::upserted::{NO_OLDER, Upserted, column, counts, last_per_key};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PastTable {
    Meeting,
    Webinar,
}

impl PastTable {
    fn instances(self) -> &'static str {
        match self {
            PastTable::Meeting => "zoom.meeting_instances",
            PastTable::Webinar => "zoom.webinar_instances",
        }
    }

    fn participants(self) -> &'static str {
        match self {
            PastTable::Meeting => "zoom.meeting_participants",
            PastTable::Webinar => "zoom.webinar_participants",
        }
    }

    /// The meeting's or webinar's id, in both tables.
    fn parent(self) -> &'static str {
        match self {
            PastTable::Meeting => "meeting_id",
            PastTable::Webinar => "webinar_id",
        }
    }

    /// The instance's UUID in the participants table.
    fn instance(self) -> &'static str {
        match self {
            PastTable::Meeting => "meeting_uuid",
            PastTable::Webinar => "webinar_uuid",
        }
    }

    /// The recordings of this kind, by `zoom.recordings.type`: webinars are 5, 6 and 9; 7 is a
    /// personal audio conference, no meeting.
    fn recording_types(self) -> &'static str {
        match self {
            PastTable::Meeting => "(r.type IS NULL OR r.type NOT IN (5, 6, 7, 9))",
            PastTable::Webinar => "r.type IN (5, 6, 9)",
        }
    }
}

/// How an instance was found, in `found_by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoundBy {
    Instances,
    Event,
}

impl FoundBy {
    fn as_str(self) -> &'static str {
        match self {
            FoundBy::Instances => "instances",
            FoundBy::Event => "event",
        }
    }
}

/// Adds the ended instances of meeting or webinar `parent_id` that the mirror has not met,
/// and fills in a start or end it did not know (an end only moves later) on unsettled ones;
/// unchanged ones are not rewritten.
pub async fn add_instances(
    conn: &mut AsyncPgConnection,
    table: PastTable,
    parent_id: i64,
    instances: &[(&str, Option<DateTime<Utc>>)],
    end_time: Option<DateTime<Utc>>,
    found_by: FoundBy,
) -> Result<RowCounts, DbError> {
    let statement = format!(
        "INSERT INTO {t} AS t (uuid, {p}, start_time, end_time, found_by) \
         SELECT u.uuid, $1, u.start_time, $4, $5 \
         FROM unnest($2::text[], $3::timestamptz[]) AS u (uuid, start_time) \
         ON CONFLICT (uuid) DO UPDATE SET \
             start_time = coalesce(t.start_time, excluded.start_time), \
             end_time = greatest(t.end_time, excluded.end_time) \
         WHERE t.settled_at IS NULL \
           AND ((t.start_time IS NULL AND excluded.start_time IS NOT NULL) \
                OR t.end_time IS DISTINCT FROM greatest(t.end_time, excluded.end_time)) \
         RETURNING (xmax = 0) AS inserted",
        t = table.instances(),
        p = table.parent(),
    );
    let returned: Vec<Upserted> = sql_query(statement)
        .bind::<BigInt, _>(parent_id)
        .bind::<Array<Text>, _>(instances.iter().map(|i| i.0).collect::<Vec<_>>())
        .bind::<Array<Nullable<Timestamptz>>, _>(instances.iter().map(|i| i.1).collect::<Vec<_>>())
        .bind::<Nullable<Timestamptz>, _>(end_time)
        .bind::<Text, _>(found_by.as_str())
        .get_results(conn)
        .await
        .map_err(query("adding ended instances"))?;
    Ok(counts(instances.len(), &returned))
}

/// Adds the instances of this kind that `zoom.recordings` holds and the mirror has not met: a
/// recording exists only of an instance that was held, instant and PMI meetings included,
/// which no listing of meetings shows. Returns how many were new.
pub async fn add_recorded_instances(
    conn: &mut AsyncPgConnection,
    table: PastTable,
) -> Result<i64, DbError> {
    let added = sql_query(format!(
        "INSERT INTO {t} (uuid, {p}, start_time, found_by) \
         SELECT r.uuid, r.meeting_id, r.start_time, 'recording' FROM zoom.recordings AS r \
         WHERE r.meeting_id IS NOT NULL AND {kind} \
         ON CONFLICT (uuid) DO NOTHING",
        t = table.instances(),
        p = table.parent(),
        kind = table.recording_types(),
    ))
    .execute(conn)
    .await
    .map_err(query("adding the instances of recordings"))?;
    Ok(added as i64)
}

/// SQL: a read of instance `i` begun at `at` settles it: it began at least `hours` after the
/// instance's `end`, or its start when no end is known, or when the mirror met it when neither
/// is (an instance found by a join, before its end is known).
fn settles(at: &str, end: &str, hours: &str) -> String {
    format!(
        "{at} >= coalesce({end}, i.start_time, i.first_seen_at) + make_interval(hours => {hours})"
    )
}

/// SQL: instance `i` is due a read at `now`: never read whole yet, or a read now settles it.
/// In between a read would find what the last one did, so it costs no call.
fn due(now: &str, hours: &str) -> String {
    format!(
        "i.settled_at IS NULL AND (i.participants_read_at IS NULL OR {})",
        settles(now, "i.end_time", hours)
    )
}

fn hours(settle_hours: u32) -> i32 {
    i32::try_from(settle_hours).unwrap_or(i32::MAX)
}

/// An instance whose participants are due a read.
#[derive(Debug, Clone, QueryableByName)]
pub struct Due {
    #[diesel(sql_type = Text)]
    pub uuid: String,
    #[diesel(sql_type = BigInt)]
    pub parent_id: i64,
}

/// How many instances are due a read at `now`: the second walk of a participants pass.
pub async fn count_due(
    conn: &mut AsyncPgConnection,
    table: PastTable,
    settle_hours: u32,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let row: Count = sql_query(format!(
        "SELECT count(*) AS n FROM {t} AS i WHERE {due}",
        t = table.instances(),
        due = due("$1", "$2"),
    ))
    .bind::<Timestamptz, _>(now)
    .bind::<Integer, _>(hours(settle_hours))
    .get_result(conn)
    .await
    .map_err(query("counting instances due a read"))?;
    Ok(row.n)
}

/// Instances due a read at `now`, in UUID order after `after`, `limit` at a time.
pub async fn due_after(
    conn: &mut AsyncPgConnection,
    table: PastTable,
    settle_hours: u32,
    now: DateTime<Utc>,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Due>, DbError> {
    sql_query(format!(
        "SELECT i.uuid, i.{p} AS parent_id FROM {t} AS i \
         WHERE {due} AND ($3::text IS NULL OR i.uuid > $3) \
         ORDER BY i.uuid LIMIT $4",
        t = table.instances(),
        p = table.parent(),
        due = due("$1", "$2"),
    ))
    .bind::<Timestamptz, _>(now)
    .bind::<Integer, _>(hours(settle_hours))
    .bind::<Nullable<Text>, _>(after)
    .bind::<BigInt, _>(limit)
    .load(conn)
    .await
    .map_err(query("reading instances due a read"))
}

/// After a complete read of an instance's participants begun at `read_at`: records the read,
/// takes the instance's end as the latest of what was known and its participants' last
/// `leave_time`, and settles it if the read began at least `settle_hours` after that end (see
/// [`settles`]). Returns whether it settled.
pub async fn record_read(
    conn: &mut AsyncPgConnection,
    table: PastTable,
    uuid: &str,
    read_at: DateTime<Utc>,
    settle_hours: u32,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    #[derive(QueryableByName)]
    struct Settled {
        #[diesel(sql_type = Bool)]
        settled: bool,
    }
    let settles = settles("$2", "ended.end_time", "$3");
    let row: Settled = sql_query(format!(
        "WITH ended AS ( \
             SELECT greatest(i.end_time, (SELECT max(p.leave_time) FROM {pt} AS p \
                                          WHERE p.{inst} = i.uuid AND p.deleted_at IS NULL)) \
                        AS end_time \
             FROM {t} AS i WHERE i.uuid = $1) \
         UPDATE {t} AS i SET participants_read_at = $2, end_time = ended.end_time, \
             settled_at = CASE WHEN {settles} THEN $4 END, \
             settled_reason = CASE WHEN {settles} THEN 'read' END \
         FROM ended WHERE i.uuid = $1 \
         RETURNING i.settled_at IS NOT NULL AS settled",
        t = table.instances(),
        pt = table.participants(),
        inst = table.instance(),
    ))
    .bind::<Text, _>(uuid)
    .bind::<Timestamptz, _>(read_at)
    .bind::<Integer, _>(hours(settle_hours))
    .bind::<Timestamptz, _>(now)
    .get_result(conn)
    .await
    .map_err(query("recording a read of an instance's participants"))?;
    Ok(row.settled)
}

/// Why Zoom served none of an instance's participants, in `settled_reason` once it settles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Code 12702: it ended over a year ago and Zoom keeps nothing of it.
    OverAYear,
    /// Code 200: the plan (or the webinar's host) lacks past participants.
    PlanMissing,
    /// Code 3001: "invalid or not end".
    NotFound,
}

impl Refusal {
    fn as_str(self) -> &'static str {
        match self {
            Refusal::OverAYear => "over_a_year",
            Refusal::PlanMissing => "plan_missing",
            Refusal::NotFound => "not_found",
        }
    }
}

/// Settles an instance Zoom refused at `now`: over a year old at once, since Zoom never serves
/// it again; any other refusal once a read at `now` would have settled it ([`settles`]), as
/// Zoom still refusing then will not change its answer. What the mirror read of it stays, as
/// history. Returns whether it settled.
pub async fn settle_refused(
    conn: &mut AsyncPgConnection,
    table: PastTable,
    uuid: &str,
    refusal: Refusal,
    settle_hours: u32,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let settled = sql_query(format!(
        "UPDATE {t} AS i SET settled_at = $2, settled_reason = $3 \
         WHERE i.uuid = $1 AND i.settled_at IS NULL AND ($4 OR {settles})",
        t = table.instances(),
        settles = settles("$2", "i.end_time", "$5"),
    ))
    .bind::<Text, _>(uuid)
    .bind::<Timestamptz, _>(now)
    .bind::<Text, _>(refusal.as_str())
    .bind::<Bool, _>(refusal == Refusal::OverAYear)
    .bind::<Integer, _>(hours(settle_hours))
    .execute(conn)
    .await
    .map_err(query("settling an instance Zoom refused"))?;
    Ok(settled > 0)
}

#[derive(Debug, Clone, Copy)]
pub struct ParticipantRow<'a> {
    pub user_id: &'a str,
    pub join_time: DateTime<Utc>,
    pub participant_user_id: Option<&'a str>,
    pub name: Option<&'a str>,
    pub user_email: Option<&'a str>,
    pub registrant_id: Option<&'a str>,
    pub leave_time: Option<DateTime<Utc>>,
    pub duration: Option<i32>,
    pub status: Option<&'a str>,
    pub internal_user: Option<bool>,
    pub failover: Option<bool>,
    pub raw: &'a Value,
}

/// Upserts one page of an instance's participants, whose data Zoom had at `source_time`,
/// rewriting only changed rows, and only with data no older than theirs.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    table: PastTable,
    uuid: &str,
    parent_id: i64,
    rows: &[ParticipantRow<'_>],
    now: DateTime<Utc>,
    source_time: DateTime<Utc>,
) -> Result<RowCounts, DbError> {
    let rows = last_per_key(rows, |r| (r.user_id, r.join_time));
    // Raw: an `unnest` page upsert, faster than the builder's (figures in `upserted.rs`).
    let statement = format!(
        "INSERT INTO {t} AS t ({inst}, {p}, user_id, join_time, participant_user_id, name, \
                               user_email, registrant_id, leave_time, duration, status, \
                               internal_user, failover, raw, synced_at, source_time) \
         SELECT $1, $2, u.*, $15, $16 \
         FROM unnest($3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) AS u \
         ON CONFLICT ({inst}, user_id, join_time) DO UPDATE SET \
             participant_user_id = excluded.participant_user_id, name = excluded.name, \
             user_email = excluded.user_email, registrant_id = excluded.registrant_id, \
             leave_time = excluded.leave_time, duration = excluded.duration, \
             status = excluded.status, internal_user = excluded.internal_user, \
             failover = excluded.failover, raw = excluded.raw, synced_at = excluded.synced_at, \
             deleted_at = NULL, source_time = excluded.source_time \
         WHERE (t.raw IS DISTINCT FROM excluded.raw OR t.deleted_at IS NOT NULL) \
           AND {NO_OLDER} \
         RETURNING (xmax = 0) AS inserted",
        t = table.participants(),
        inst = table.instance(),
        p = table.parent(),
    );
    let returned: Vec<Upserted> = sql_query(statement)
        .bind::<Text, _>(uuid)
        .bind::<BigInt, _>(parent_id)
        .bind::<Array<Text>, _>(column(&rows, |r| r.user_id))
        .bind::<Array<Timestamptz>, _>(column(&rows, |r| r.join_time))
        .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.participant_user_id))
        .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.name))
        .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.user_email))
        .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.registrant_id))
        .bind::<Array<Nullable<Timestamptz>>, _>(column(&rows, |r| r.leave_time))
        .bind::<Array<Nullable<Integer>>, _>(column(&rows, |r| r.duration))
        .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.status))
        .bind::<Array<Nullable<Bool>>, _>(column(&rows, |r| r.internal_user))
        .bind::<Array<Nullable<Bool>>, _>(column(&rows, |r| r.failover))
        .bind::<Array<Jsonb>, _>(column(&rows, |r| r.raw))
        .bind::<Timestamptz, _>(now)
        .bind::<Timestamptz, _>(source_time)
        .get_results(conn)
        .await
        .map_err(query("upserting participants"))?;
    Ok(counts(rows.len(), &returned))
}

/// After a complete read of an instance begun at `listing_started`: marks its participants
/// that the read did not list, except rows written since or holding newer data.
pub async fn mark_unlisted_deleted(
    conn: &mut AsyncPgConnection,
    table: PastTable,
    uuid: &str,
    listed: &[(String, DateTime<Utc>)],
    listing_started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let (users, joins): (Vec<&str>, Vec<DateTime<Utc>>) =
        listed.iter().map(|(u, j)| (u.as_str(), *j)).unzip();
    let marked = sql_query(format!(
        "UPDATE {t} AS t SET deleted_at = $5, source_time = $4 \
         WHERE t.{inst} = $1 AND t.deleted_at IS NULL \
           AND NOT EXISTS (SELECT 1 FROM unnest($2::text[], $3::timestamptz[]) AS l (u, j) \
                           WHERE l.u = t.user_id AND l.j = t.join_time) \
           AND t.synced_at < $4 AND (t.source_time IS NULL OR t.source_time < $4)",
        t = table.participants(),
        inst = table.instance(),
    ))
    .bind::<Text, _>(uuid)
    .bind::<Array<Text>, _>(users)
    .bind::<Array<Timestamptz>, _>(joins)
    .bind::<Timestamptz, _>(listing_started)
    .bind::<Timestamptz, _>(now)
    .execute(conn)
    .await
    .map_err(query("marking unlisted participants deleted"))?;
    Ok(marked as i64)
}

/// A participant's leave of an instance, as the participant_left event tells it.
#[derive(Debug, Clone, Copy)]
pub struct Leave<'a> {
    pub uuid: &'a str,
    pub user_id: &'a str,
    pub at: DateTime<Utc>,
    /// The event's participant object, merged into the row's `raw`.
    pub participant: &'a Value,
}

/// Closes the participant's latest join of the instance before it left: its leave time,
/// duration and `raw`, unless the row holds data newer than `source_time`. Whether a row
/// changed; none when the join is not in the mirror (its event was lost), which the
/// instance's listing brings once it ended.
pub async fn record_leave(
    conn: &mut AsyncPgConnection,
    table: PastTable,
    leave: &Leave<'_>,
    now: DateTime<Utc>,
    source_time: DateTime<Utc>,
) -> Result<bool, DbError> {
    let statement = format!(
        "UPDATE {t} AS t SET leave_time = $3, \
             duration = GREATEST(0, floor(extract(epoch FROM $3 - t.join_time)))::integer, \
             raw = t.raw || $4, synced_at = $5, source_time = $6, deleted_at = NULL \
         WHERE t.{inst} = $1 AND t.user_id = $2 \
           AND t.join_time = (SELECT max(j.join_time) FROM {t} j \
                              WHERE j.{inst} = $1 AND j.user_id = $2 AND j.join_time <= $3) \
           AND t.leave_time IS DISTINCT FROM $3 \
           AND (t.source_time IS NULL OR t.source_time <= $6)",
        t = table.participants(),
        inst = table.instance(),
    );
    let changed = sql_query(statement)
        .bind::<Text, _>(leave.uuid)
        .bind::<Text, _>(leave.user_id)
        .bind::<Timestamptz, _>(leave.at)
        .bind::<Jsonb, _>(leave.participant)
        .bind::<Timestamptz, _>(now)
        .bind::<Timestamptz, _>(source_time)
        .execute(conn)
        .await
        .map_err(query("recording a participant's leave"))?;
    Ok(changed > 0)
}
