//! `zoom.users`: page upserts that rewrite only changed rows, and deletion marks.

use chrono::{DateTime, Utc};
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use diesel::sql_types::Bool;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::Held;
use super::error::{DbError, query};
use super::functions::lower;
use super::schema::users;
use super::sync_runs::RowCounts;

/// One user as the mirror stores it, borrowing from the Zoom object.
#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow<'a> {
    pub id: Option<&'a str>,
    pub email: &'a str,
    pub first_name: Option<&'a str>,
    pub last_name: Option<&'a str>,
    pub display_name: Option<&'a str>,
    pub user_type: Option<i32>,
    pub status: Option<&'a str>,
    pub pmi: Option<i64>,
    pub timezone: Option<&'a str>,
    pub dept: Option<&'a str>,
    pub role_id: Option<&'a str>,
    pub language: Option<&'a str>,
    pub phone_number: Option<&'a str>,
    pub verified: Option<bool>,
    pub group_ids: &'a [String],
    pub created_at: Option<DateTime<Utc>>,
    pub last_login_time: Option<DateTime<Utc>>,
    pub last_client_version: Option<&'a str>,
    pub raw: &'a Value,
    pub synced_at: DateTime<Utc>,
}

/// A row as written: with when Zoom's data in it was current.
#[derive(Debug, Clone, Copy, Insertable)]
#[diesel(table_name = users)]
struct Stamped<'a> {
    #[diesel(embed)]
    row: UserRow<'a>,
    source_time: DateTime<Utc>,
}

/// Postgres takes at most 65,535 bind parameters per statement; a row binds 21.
const ROWS_PER_STATEMENT: usize = 65_535 / 21;

/// Every column Zoom's data sets, taken from the proposed row: the one changeset both upserts
/// use. A returning user has `deleted_at` cleared.
macro_rules! from_excluded {
    () => {
        (
            users::id.eq(excluded(users::id)),
            users::email.eq(excluded(users::email)),
            users::first_name.eq(excluded(users::first_name)),
            users::last_name.eq(excluded(users::last_name)),
            users::display_name.eq(excluded(users::display_name)),
            users::user_type.eq(excluded(users::user_type)),
            users::status.eq(excluded(users::status)),
            users::pmi.eq(excluded(users::pmi)),
            users::timezone.eq(excluded(users::timezone)),
            users::dept.eq(excluded(users::dept)),
            users::role_id.eq(excluded(users::role_id)),
            users::language.eq(excluded(users::language)),
            users::phone_number.eq(excluded(users::phone_number)),
            users::verified.eq(excluded(users::verified)),
            users::group_ids.eq(excluded(users::group_ids)),
            users::created_at.eq(excluded(users::created_at)),
            users::last_login_time.eq(excluded(users::last_login_time)),
            users::last_client_version.eq(excluded(users::last_client_version)),
            users::raw.eq(excluded(users::raw)),
            users::synced_at.eq(excluded(users::synced_at)),
            users::deleted_at.eq(None::<DateTime<Utc>>),
            users::source_time.eq(excluded(users::source_time)),
        )
    };
}

/// Only a row whose Zoom object changed, or that comes back from deletion, is rewritten: an
/// unchanged re-sync writes nothing. (`raw` holds every typed column's source.) And only by
/// data no older than the row's (as `upserted::NO_OLDER` says for the raw upserts).
macro_rules! changed {
    () => {
        users::raw
            .is_distinct_from(excluded(users::raw))
            .or(users::deleted_at.is_not_null())
            .and(
                users::source_time
                    .is_null()
                    .or(excluded(users::source_time).is_null())
                    .or(users::source_time.le(excluded(users::source_time))),
            )
    };
}

/// `RETURNING xmax = 0` is true for an inserted row, false for an updated one; rows skipped by
/// the `WHERE` return nothing. A literal: `xmax` is a system column, which `table!` cannot declare.
fn inserted() -> diesel::expression::SqlLiteral<Bool> {
    diesel::dsl::sql::<Bool>("xmax = 0")
}

/// Upserts one page of users, whose data Zoom had at `source_time`. Users with an id are keyed
/// by id; pending users, which Zoom lists without one, by email.
pub async fn upsert(
    conn: &mut AsyncPgConnection,
    rows: &[UserRow<'_>],
    source_time: DateTime<Utc>,
) -> Result<RowCounts, DbError> {
    // The `WHERE` of `ON CONFLICT DO UPDATE` comes from this trait, not from `QueryDsl`.
    use diesel::query_dsl::methods::FilterDsl;

    let (known, pending): (Vec<Stamped<'_>>, Vec<Stamped<'_>>) = rows
        .iter()
        .map(|&row| Stamped { row, source_time })
        .partition(|s| s.row.id.is_some());
    // The rest of the statement is the same for both conflict targets.
    macro_rules! upsert_returning_inserted {
        ($on_conflict:expr, $what:literal) => {
            $on_conflict
                .do_update()
                .set(from_excluded!())
                .filter(changed!())
                .returning(inserted())
                .get_results::<bool>(conn)
                .await
                .map_err(query($what))?
        };
    }
    let mut returned: Vec<bool> = Vec::with_capacity(rows.len());
    for chunk in known.chunks(ROWS_PER_STATEMENT) {
        adopt_activated(conn, chunk).await?;
        returned.extend(upsert_returning_inserted!(
            diesel::insert_into(users::table)
                .values(chunk)
                .on_conflict(users::id),
            "upserting users"
        ));
    }
    for chunk in pending.chunks(ROWS_PER_STATEMENT) {
        returned.extend(upsert_returning_inserted!(
            diesel::insert_into(users::table)
                .values(chunk)
                .on_conflict(users::email)
                .filter_target(users::id.is_null()),
            "upserting pending users"
        ));
    }
    let inserted = returned.iter().filter(|i| **i).count() as i64;
    let written = returned.len() as i64;
    Ok(RowCounts {
        inserted,
        updated: written - inserted,
        unchanged: rows.len() as i64 - written,
        ..RowCounts::default()
    })
}

/// A pending user who accepts the invitation gets an id: give the pending row that id, so the
/// upsert updates it instead of adding a second row for the same person.
async fn adopt_activated(
    conn: &mut AsyncPgConnection,
    rows: &[Stamped<'_>],
) -> Result<(), DbError> {
    let emails: Vec<&str> = rows.iter().map(|s| s.row.email).collect();
    let activated: Vec<String> = users::table
        .filter(users::id.is_null())
        .filter(users::email.eq_any(&emails))
        .select(users::email)
        .load(conn)
        .await
        .map_err(query("finding pending users that got an id"))?;
    for email in activated {
        let Some(id) = rows
            .iter()
            .find(|s| s.row.email == email)
            .and_then(|s| s.row.id)
        else {
            continue;
        };
        // If a row already has that id, the pending row stays and is marked deleted at the end.
        let taken: bool = diesel::select(exists(users::table.filter(users::id.eq(id))))
            .get_result(conn)
            .await
            .map_err(query("looking up a user id"))?;
        if taken {
            continue;
        }
        diesel::update(
            users::table
                .filter(users::id.is_null())
                .filter(users::email.eq(&email)),
        )
        .set(users::id.eq(id))
        .execute(conn)
        .await
        .map_err(query("giving a pending user its id"))?;
    }
    Ok(())
}

/// After a complete listing begun at `listing_started`: marks every user that was not listed
/// as deleted as of that start, except rows written since (by the write-back worker) or
/// holding Zoom's data from after it (a webhook event). `ids` are the listed users' ids,
/// `pending_emails` the emails of those listed without one.
pub async fn mark_unlisted_deleted(
    conn: &mut AsyncPgConnection,
    ids: &[String],
    pending_emails: &[String],
    listing_started: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    let unlisted_known = users::id
        .is_not_null()
        .and(not(users::id.assume_not_null().eq_any(ids)));
    let unlisted_pending = users::id
        .is_null()
        .and(not(users::email.eq_any(pending_emails)));
    let marked = diesel::update(
        users::table
            .filter(users::deleted_at.is_null())
            .filter(users::synced_at.lt(listing_started))
            .filter(older(listing_started))
            .filter(unlisted_known.or(unlisted_pending)),
    )
    .set((
        users::deleted_at.eq(now),
        users::source_time.eq(listing_started),
    ))
    .execute(conn)
    .await
    .map_err(query("marking unlisted users deleted"))?;
    Ok(marked as i64)
}

#[derive(Debug, QueryableByName)]
pub struct StatusCount {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub status: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub users: i64,
}

/// Users per status; users marked deleted are counted as `deleted` whatever their status.
pub async fn count_by_status(conn: &mut AsyncPgConnection) -> Result<Vec<StatusCount>, DbError> {
    // Raw: Diesel takes a selected column as grouped only if GROUP BY names it, not a `CASE` of it.
    diesel::sql_query(
        "SELECT CASE WHEN deleted_at IS NOT NULL THEN 'deleted' ELSE coalesce(status, 'unknown') END AS status, \
                count(*) AS users \
         FROM zoom.users GROUP BY 1 ORDER BY 1",
    )
    .load(conn)
    .await
    .map_err(query("counting users by status"))
}

/// A user who can host meetings, webinars and recordings: one Zoom knows by id and that the
/// last users pass still listed.
#[derive(Debug, Clone, Queryable)]
pub struct Host {
    pub id: String,
    pub first_seen_at: DateTime<Utc>,
}

/// The users a pass walks as hosts: live ones with a Zoom id.
#[diesel::dsl::auto_type]
fn is_host() -> _ {
    users::id.is_not_null().and(users::deleted_at.is_null())
}

/// How many hosts [`hosts_after`] walks, for a pass's progress.
pub async fn count_hosts(conn: &mut AsyncPgConnection) -> Result<i64, DbError> {
    users::table
        .filter(is_host())
        .count()
        .get_result(conn)
        .await
        .map_err(query("counting hosts"))
}

/// Hosts in id order after `after`, `limit` at a time.
pub async fn hosts_after(
    conn: &mut AsyncPgConnection,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<Host>, DbError> {
    let mut hosts = users::table
        .filter(is_host())
        .select((users::id.assume_not_null(), users::first_seen_at))
        .order(users::id)
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        hosts = hosts.filter(users::id.gt(after));
    }
    hosts.load(conn).await.map_err(query("reading hosts"))
}

/// The Zoom id of the user known by `id_or_email`, as the mirror has it.
pub async fn id_of(
    conn: &mut AsyncPgConnection,
    id_or_email: &str,
) -> Result<Option<String>, DbError> {
    users::table
        .filter(
            users::id
                .eq(id_or_email)
                .or(lower(users::email).eq(lower(id_or_email))),
        )
        .filter(users::id.is_not_null())
        .select(users::id.assume_not_null())
        .order(users::deleted_at.is_not_null())
        .first(conn)
        .await
        .optional()
        .map_err(query("finding a user's id"))
}

/// Marks the user known by `id_or_email` deleted: Zoom answered, at `source_time`, that it no
/// longer exists. A row holding newer data is left alone.
pub async fn mark_deleted(
    conn: &mut AsyncPgConnection,
    id_or_email: &str,
    source_time: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<usize, DbError> {
    diesel::update(
        users::table
            .filter(users::deleted_at.is_null())
            .filter(older(source_time))
            .filter(
                users::id
                    .eq(id_or_email)
                    .or(lower(users::email).eq(lower(id_or_email))),
            ),
    )
    .set((
        users::deleted_at.eq(now),
        users::source_time.eq(source_time),
    ))
    .execute(conn)
    .await
    .map_err(query("marking a user deleted"))
}

/// The user with this id as an event finds it, locked until the transaction ends.
pub async fn held(conn: &mut AsyncPgConnection, id: &str) -> Result<Option<Held>, DbError> {
    users::table
        .filter(users::id.eq(id))
        .select((
            users::raw,
            users::source_time,
            users::deleted_at.is_not_null(),
        ))
        .for_update()
        .first::<(Value, Option<DateTime<Utc>>, bool)>(conn)
        .await
        .optional()
        .map(|row| row.map(Held::from))
        .map_err(query("reading a user for a webhook event"))
}

/// A row whose data is older than `source_time`: one a deletion known at that time may mark.
fn older(
    source_time: DateTime<Utc>,
) -> diesel::dsl::Or<
    diesel::dsl::IsNull<users::source_time>,
    diesel::dsl::Lt<users::source_time, DateTime<Utc>>,
> {
    users::source_time
        .is_null()
        .or(users::source_time.lt(source_time))
}

/// The department of the user with this id, as the mirror has it.
pub async fn dept_of(conn: &mut AsyncPgConnection, id: &str) -> Result<Option<String>, DbError> {
    users::table
        .filter(users::id.eq(id))
        .select(users::dept)
        .first::<Option<String>>(conn)
        .await
        .optional()
        .map(Option::flatten)
        .map_err(query("reading a user's department"))
}
