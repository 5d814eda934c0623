//! One pass of one entity: take the entity's cluster-wide lock, record the run, sync, record the
//! outcome (again and again while PostgreSQL is unreachable), and log one line with the counts.

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::SyncContext;
use super::chat::sync_chat;
use super::counts::PassCounts;
use super::entity::Entity;
use super::error::SyncError;
use super::invitations::sync_invitations;
use super::listing::Sink;
use super::participants::sync_participants;
use super::phone_recordings::sync_phone_recordings;
use super::progress;
use super::recordings::sync_recordings;
use super::registrants::sync_registrants;
use super::sessions::sync_sessions;
use super::users::sync_users;
use crate::db::sync_runs::{self, Parents, Progress, RowCounts, RunStatus};
use crate::db::{self, ClusterLock};
use crate::zoom::SessionKind;

/// What started a pass, recorded in `zoom.sync_runs.triggered_by`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Schedule,
    Command,
    Demo,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::Command => "command",
            Trigger::Demo => "demo",
        }
    }

    /// How long a pass's end is recorded again while PostgreSQL is unreachable: the daemon
    /// keeps trying until it stops, a command for a minute, so that it ends.
    fn record_retry_limit(self) -> Option<Duration> {
        match self {
            Trigger::Schedule => None,
            Trigger::Command | Trigger::Demo => Some(Duration::from_secs(60)),
        }
    }
}

#[derive(Debug)]
pub enum PassOutcome {
    Ran(PassReport),
    /// Another process (a replica) is running this entity's pass.
    Skipped,
}

#[derive(Debug)]
pub struct PassReport {
    pub run_id: i64,
    pub entity: Entity,
    pub status: RunStatus,
    pub api_calls: u64,
    pub counts: RowCounts,
    /// `None` for a pass without parents (users), or one that ended before its walk began.
    pub parents: Option<Parents>,
    pub elapsed: Duration,
    pub error: Option<SyncError>,
}

/// One line for a person: what `sync` and the demo print.
impl std::fmt::Display for PassReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} in {:.1}s, {} API calls, {}",
            self.entity,
            self.status.as_str(),
            self.elapsed.as_secs_f64(),
            self.api_calls,
            self.counts,
        )
    }
}

/// Runs one pass. A failed pass is recorded and reported in [`PassReport::error`]; `Err` means
/// the pass could not run (no database) or its end could not be recorded.
pub async fn run_pass(
    ctx: &SyncContext,
    entity: Entity,
    trigger: Trigger,
    cancel: &CancellationToken,
) -> Result<PassOutcome, SyncError> {
    let lock_name = format!("zoom-mirror/sync/{entity}");
    // Shutdown stops the pass, and so does losing the lock: another replica may take it.
    let stop = cancel.child_token();
    let Some(lock) = ClusterLock::try_acquire(&ctx.db, &lock_name, stop.clone()).await? else {
        tracing::info!(%entity, "another process is running this sync; skipping");
        return Ok(PassOutcome::Skipped);
    };
    let run_id = {
        let mut conn = db::connection(&ctx.pool).await?;
        sync_runs::start(&mut conn, entity.as_str(), trigger.as_str(), &ctx.host).await?
    };

    let client = ctx.client.counted();
    let started = Instant::now();
    let counts = PassCounts::default();
    let sink = Sink {
        pool: &ctx.pool,
        counts: &counts,
        cancel: &stop,
        clock: ctx.clock(),
    };
    let work = async {
        match entity {
            Entity::Users => sync_users(&client, &sink).await,
            Entity::Meetings => sync_sessions(ctx, &client, SessionKind::Meeting, &sink).await,
            Entity::Webinars => sync_sessions(ctx, &client, SessionKind::Webinar, &sink).await,
            Entity::MeetingRegistrants => {
                sync_registrants(ctx, &client, SessionKind::Meeting, &sink).await
            }
            Entity::WebinarRegistrants => {
                sync_registrants(ctx, &client, SessionKind::Webinar, &sink).await
            }
            Entity::Recordings => sync_recordings(ctx, &client, &sink).await,
            Entity::MeetingParticipants => {
                sync_participants(ctx, &client, SessionKind::Meeting, &sink).await
            }
            Entity::WebinarParticipants => {
                sync_participants(ctx, &client, SessionKind::Webinar, &sink).await
            }
            Entity::MeetingInvitations => sync_invitations(ctx, &client, &sink).await,
            Entity::PhoneRecordings => sync_phone_recordings(ctx, &client, &sink).await,
            Entity::Chat => sync_chat(ctx, &client, &sink).await,
        }
    };
    let pass = progress::Pass {
        run_id,
        entity,
        counts: &counts,
        client: &client,
        started,
    };
    let reporting = CancellationToken::new();
    let (result, ()) = tokio::join!(
        async {
            let result = work.await;
            reporting.cancel();
            result
        },
        progress::report(ctx, &pass, ctx.progress, &reporting),
    );
    let (status, error) = outcome(result, lock.lost());
    let progress = pass.progress();
    let report = PassReport {
        run_id,
        entity,
        status,
        api_calls: client.calls(),
        counts: progress.counts,
        parents: progress.parents,
        elapsed: started.elapsed(),
        error,
    };

    // Recorded before the lock is released, so that the next holder finds the pass ended.
    let recorded = record_end(ctx, &report, trigger, cancel).await;
    lock.release().await;
    log_pass(&report);
    recorded?;
    Ok(PassOutcome::Ran(report))
}

/// A pass that lost its lock failed, whatever it got done: another process may have run it at
/// the same time.
fn outcome(result: Result<(), SyncError>, lost: Option<&str>) -> (RunStatus, Option<SyncError>) {
    match (result, lost) {
        (Ok(()), None) => (RunStatus::Succeeded, None),
        (Err(SyncError::Cancelled), None) => (RunStatus::Cancelled, Some(SyncError::Cancelled)),
        (Ok(()) | Err(SyncError::Cancelled), Some(reason)) => (
            RunStatus::Failed,
            Some(SyncError::LockLost(reason.to_owned())),
        ),
        (Err(error), _) => (RunStatus::Failed, Some(error)),
    }
}

/// Records the pass's end, trying again while PostgreSQL is unreachable, so that a pass cut
/// by an outage ends `failed` with the outage as its error once the database is back.
async fn record_end(
    ctx: &SyncContext,
    report: &PassReport,
    trigger: Trigger,
    cancel: &CancellationToken,
) -> Result<(), SyncError> {
    let error = report.error.as_ref().map(ToString::to_string);
    let progress = Progress {
        api_calls: i64::try_from(report.api_calls).unwrap_or(i64::MAX),
        counts: report.counts,
        parents: report.parents,
    };
    let attempt = || async {
        let mut conn = db::connection(&ctx.pool).await?;
        let now = ctx.clock().now();
        let (id, status) = (report.run_id, report.status);
        sync_runs::finish(&mut conn, id, status, &progress, error.as_deref(), now).await
    };
    let what = "recording the end of a sync pass";
    db::retry_while_unavailable(what, trigger.record_retry_limit(), cancel, attempt)
        .await
        .map_err(|error| SyncError::Unrecorded {
            run_id: report.run_id,
            error,
        })
}

fn log_pass(report: &PassReport) {
    let c = report.counts;
    macro_rules! pass_event {
        ($level:ident) => {
            tracing::$level!(
                entity = %report.entity,
                run_id = report.run_id,
                status = report.status.as_str(),
                api_calls = report.api_calls,
                parents_done = report.parents.map(|p| p.done),
                parents_total = report.parents.map(|p| p.total),
                inserted = c.inserted,
                updated = c.updated,
                unchanged = c.unchanged,
                deleted = c.deleted,
                repaired = c.repaired,
                skipped = c.skipped,
                listings_incomplete = c.incomplete,
                elapsed_ms = report.elapsed.as_millis() as u64,
                error = report.error.as_ref().map(|e| e.to_string()),
                "sync pass {}",
                report.status.as_str()
            )
        };
    }
    match report.status {
        RunStatus::Failed => pass_event!(error),
        RunStatus::Succeeded | RunStatus::Cancelled => pass_event!(info),
    }
}
