//! Meeting invitations, in `zoom.meetings` (`invitation`, `invitation_synced_at`,
//! `invitation_for`). A live meeting's invitation is due when the meeting is new or its listing
//! changed since the invitation was fetched: `invitation_for` holds the md5 of the `raw` it was
//! fetched for. Whoever writes `raw` (a listing, an event, a read-back), the hash moves only
//! when the content does, so an unchanged account has nothing due.

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::error::{DbError, query};
use super::schema::meetings as t;

/// The hash of a meeting's listed content. A fragment: the builder has no `jsonb::text` cast.
fn listed_hash() -> diesel::expression::SqlLiteral<Text> {
    sql::<Text>("md5(zoom.meetings.raw::text)")
}

/// A live meeting whose invitation is due, with the hash of its listing as read.
#[derive(Debug, Clone, Queryable)]
pub struct Due {
    pub id: i64,
    pub listed_hash: String,
    pub invitation: Option<String>,
}

/// How many live meetings [`due_after`] walks, for a pass's progress.
pub async fn count_due(conn: &mut AsyncPgConnection) -> Result<i64, DbError> {
    t::table
        .filter(t::deleted_at.is_null())
        .filter(t::invitation_for.is_distinct_from(listed_hash().nullable()))
        .count()
        .get_result(conn)
        .await
        .map_err(query("counting meetings whose invitation is due"))
}

/// Live meetings whose invitation is due, in id order after `after`, `limit` at a time.
pub async fn due_after(
    conn: &mut AsyncPgConnection,
    after: i64,
    limit: i64,
) -> Result<Vec<Due>, DbError> {
    t::table
        .filter(t::deleted_at.is_null())
        .filter(t::invitation_for.is_distinct_from(listed_hash().nullable()))
        .filter(t::id.gt(after))
        .select((t::id, listed_hash(), t::invitation))
        .order(t::id)
        .limit(limit)
        .load(conn)
        .await
        .map_err(query("reading meetings whose invitation is due"))
}

/// Stores what Zoom served for the meeting as listed with `listed_hash`: its invitation, or
/// `None` where Zoom serves none. A listing that changed meanwhile hashes otherwise, so the
/// next pass fetches again.
pub async fn store(
    conn: &mut AsyncPgConnection,
    id: i64,
    invitation: Option<&str>,
    listed_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(t::table.find(id))
        .set((
            t::invitation.eq(invitation),
            t::invitation_synced_at.eq(now),
            t::invitation_for.eq(listed_hash),
        ))
        .execute(conn)
        .await
        .map_err(query("storing a meeting's invitation"))?;
    Ok(())
}

/// Live meetings with an invitation, and those whose invitation is due: for `status`.
pub async fn overview(conn: &mut AsyncPgConnection) -> Result<(i64, i64), DbError> {
    let held = t::table
        .filter(t::deleted_at.is_null())
        .filter(t::invitation.is_not_null())
        .count()
        .get_result(conn)
        .await
        .map_err(query("counting meetings with an invitation"))?;
    Ok((held, count_due(conn).await?))
}
