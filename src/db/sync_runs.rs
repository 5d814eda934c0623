//! `zoom.sync_runs`: one row per pass, written when it starts, every few seconds while it runs
//! (its progress), and when it ends.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::error::{DbError, query};
use super::schema::sync_runs;

/// Rows a pass wrote, left alone or marked deleted, objects it could not store, and listings
/// it could not trust.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowCounts {
    pub inserted: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub deleted: i64,
    /// Strings Zoom sent with U+0000, stored with U+FFFD.
    pub repaired: i64,
    /// Objects Zoom listed that could not be stored.
    pub skipped: i64,
    /// Listings short of the total Zoom announced.
    pub incomplete: i64,
}

impl std::ops::AddAssign for RowCounts {
    fn add_assign(&mut self, other: RowCounts) {
        self.inserted += other.inserted;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.deleted += other.deleted;
        self.repaired += other.repaired;
        self.skipped += other.skipped;
        self.incomplete += other.incomplete;
    }
}

/// "3 inserted, 1 updated, 40 unchanged, 0 deleted", then what could not be trusted, if any:
/// every place that prints a pass says it this way.
impl std::fmt::Display for RowCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} inserted, {} updated, {} unchanged, {} deleted",
            self.inserted, self.updated, self.unchanged, self.deleted
        )?;
        if self.repaired > 0 {
            write!(f, ", {} repaired", self.repaired)?;
        }
        if self.skipped > 0 {
            write!(f, ", {} skipped", self.skipped)?;
        }
        if self.incomplete > 0 {
            write!(f, ", {} listings incomplete", self.incomplete)?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    Succeeded,
    Failed,
    Cancelled,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
        }
    }
}

/// Records a pass as running. The caller holds the entity's cluster lock, so any other
/// `running` row of the entity belongs to a process that no longer holds it. A live process
/// records its pass's end before it releases the lock, or, when an outage took the lock, retries
/// until PostgreSQL answers: such a row belongs to a process that ended without recording it
/// (or, in the moments after an outage, one about to). It is marked abandoned; a late record of
/// the pass's end overwrites the mark.
pub async fn start(
    conn: &mut AsyncPgConnection,
    entity: &str,
    triggered_by: &str,
    host: &str,
) -> Result<i64, DbError> {
    diesel::update(
        sync_runs::table
            .filter(sync_runs::entity.eq(entity))
            .filter(sync_runs::status.eq("running")),
    )
    .set((
        sync_runs::status.eq("abandoned"),
        sync_runs::error.eq(
            "the process that ran this pass (see host) ended without recording its outcome: it \
             crashed, was killed, or gave up while PostgreSQL was unreachable",
        ),
    ))
    .execute(conn)
    .await
    .map_err(query("marking abandoned sync runs"))?;
    diesel::insert_into(sync_runs::table)
        .values((
            sync_runs::entity.eq(entity),
            sync_runs::triggered_by.eq(triggered_by),
            sync_runs::host.eq(host),
        ))
        .returning(sync_runs::id)
        .get_result(conn)
        .await
        .map_err(query("recording the start of a sync run"))
}

/// How far a pass has come: its calls and rows so far, and where it is in its walk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub api_calls: i64,
    pub counts: RowCounts,
    /// `None` for a pass without parents (users) and before a walk began.
    pub parents: Option<Parents>,
}

/// The parents (hosts, meetings …) a pass has finished, of those it walks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parents {
    pub done: i64,
    /// Counted when the walk began: the mirror may gain or lose parents while it runs, so
    /// `done` can end a little off it.
    pub total: i64,
}

/// Records a running pass's progress as of `now`, with the time it should end, if known.
/// A row no longer `running` (marked abandoned by another process) is left alone.
pub async fn progress(
    conn: &mut AsyncPgConnection,
    id: i64,
    progress: &Progress,
    now: DateTime<Utc>,
    estimated_finish: Option<DateTime<Utc>>,
) -> Result<(), DbError> {
    diesel::update(
        sync_runs::table
            .find(id)
            .filter(sync_runs::status.eq("running")),
    )
    .set((
        figures(progress, now),
        sync_runs::estimated_finish_at.eq(estimated_finish),
    ))
    .execute(conn)
    .await
    .map_err(query("recording the progress of a sync run"))?;
    Ok(())
}

pub async fn finish(
    conn: &mut AsyncPgConnection,
    id: i64,
    status: RunStatus,
    progress: &Progress,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::update(sync_runs::table.find(id))
        .set((
            sync_runs::status.eq(status.as_str()),
            sync_runs::finished_at.eq(now),
            figures(progress, now),
            sync_runs::estimated_finish_at.eq(None::<DateTime<Utc>>),
            sync_runs::error.eq(error),
        ))
        .execute(conn)
        .await
        .map_err(query("recording the end of a sync run"))?;
    Ok(())
}

/// The columns a pass's progress and its end both write.
#[derive(AsChangeset)]
#[diesel(table_name = sync_runs, treat_none_as_null = true)]
struct Figures {
    api_calls: i64,
    rows_inserted: i64,
    rows_updated: i64,
    rows_unchanged: i64,
    rows_deleted: i64,
    rows_repaired: i64,
    rows_skipped: i64,
    listings_incomplete: i64,
    parents_done: Option<i64>,
    parents_total: Option<i64>,
    progress_at: DateTime<Utc>,
}

fn figures(p: &Progress, now: DateTime<Utc>) -> Figures {
    let c = p.counts;
    Figures {
        api_calls: p.api_calls,
        rows_inserted: c.inserted,
        rows_updated: c.updated,
        rows_unchanged: c.unchanged,
        rows_deleted: c.deleted,
        rows_repaired: c.repaired,
        rows_skipped: c.skipped,
        listings_incomplete: c.incomplete,
        parents_done: p.parents.map(|p| p.done),
        parents_total: p.parents.map(|p| p.total),
        progress_at: now,
    }
}

/// One recorded pass.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sync_runs)]
pub struct SyncRun {
    pub id: i64,
    pub entity: String,
    pub triggered_by: String,
    pub host: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub status: String,
    pub api_calls: i64,
    pub rows_inserted: i64,
    pub rows_updated: i64,
    pub rows_unchanged: i64,
    pub rows_deleted: i64,
    pub error: Option<String>,
    pub rows_repaired: i64,
    pub rows_skipped: i64,
    pub listings_incomplete: i64,
    pub parents_done: Option<i64>,
    pub parents_total: Option<i64>,
    pub progress_at: Option<DateTime<Utc>>,
    pub estimated_finish_at: Option<DateTime<Utc>>,
}

impl SyncRun {
    pub fn counts(&self) -> RowCounts {
        RowCounts {
            inserted: self.rows_inserted,
            updated: self.rows_updated,
            unchanged: self.rows_unchanged,
            deleted: self.rows_deleted,
            repaired: self.rows_repaired,
            skipped: self.rows_skipped,
            incomplete: self.listings_incomplete,
        }
    }
}

pub async fn get(conn: &mut AsyncPgConnection, id: i64) -> Result<SyncRun, DbError> {
    sync_runs::table
        .find(id)
        .select(SyncRun::as_select())
        .get_result(conn)
        .await
        .map_err(query("reading a sync run"))
}

/// When the entity's latest successful pass started: what it read is known to be mirrored.
pub async fn last_success_started(
    conn: &mut AsyncPgConnection,
    entity: &str,
) -> Result<Option<DateTime<Utc>>, DbError> {
    sync_runs::table
        .filter(sync_runs::entity.eq(entity))
        .filter(sync_runs::status.eq("succeeded"))
        .select(diesel::dsl::max(sync_runs::started_at))
        .get_result(conn)
        .await
        .map_err(query("reading the last successful sync run"))
}

/// The latest pass of each entity.
pub async fn latest_per_entity(conn: &mut AsyncPgConnection) -> Result<Vec<SyncRun>, DbError> {
    sync_runs::table
        .distinct_on(sync_runs::entity)
        .order((sync_runs::entity, sync_runs::started_at.desc()))
        .select(SyncRun::as_select())
        .load(conn)
        .await
        .map_err(query("reading the latest sync runs"))
}
