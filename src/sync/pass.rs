//! One pass of one entity: take the entity's cluster-wide lock, record the run, sync, record the
//! outcome, and log one line with the counts.

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::SyncContext;
use super::counts::PassCounts;
use super::entity::Entity;
use super::error::SyncError;
use super::recordings::sync_recordings;
use super::registrants::sync_registrants;
use super::sessions::sync_sessions;
use super::users::sync_users;
use crate::db::sync_runs::{self, RowCounts, RunStatus};
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
    pub elapsed: Duration,
    pub error: Option<SyncError>,
}

/// Runs one pass. A failed pass is recorded and reported in [`PassReport::error`]; `Err` means
/// the pass could not even be recorded (no database).
pub async fn run_pass(
    ctx: &SyncContext,
    entity: Entity,
    trigger: Trigger,
    cancel: &CancellationToken,
) -> Result<PassOutcome, SyncError> {
    let lock_name = format!("zoom-mirror/sync/{entity}");
    let Some(_lock) = ClusterLock::try_acquire(&ctx.database_url, &lock_name).await? else {
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
    let result = match entity {
        Entity::Users => sync_users(&ctx.pool, &client, cancel, &counts).await,
        Entity::Meetings => {
            sync_sessions(ctx, &client, SessionKind::Meeting, cancel, &counts).await
        }
        Entity::Webinars => {
            sync_sessions(ctx, &client, SessionKind::Webinar, cancel, &counts).await
        }
        Entity::MeetingRegistrants => {
            sync_registrants(ctx, &client, SessionKind::Meeting, cancel, &counts).await
        }
        Entity::WebinarRegistrants => {
            sync_registrants(ctx, &client, SessionKind::Webinar, cancel, &counts).await
        }
        Entity::Recordings => sync_recordings(ctx, &client, cancel, &counts).await,
    };
    let status = match &result {
        Ok(()) => RunStatus::Succeeded,
        Err(SyncError::Cancelled) => RunStatus::Cancelled,
        Err(_) => RunStatus::Failed,
    };
    let error = result.err();
    let counts = RowCounts {
        repaired: i64::try_from(client.repaired()).unwrap_or(i64::MAX),
        ..counts.get()
    };
    let report = PassReport {
        run_id,
        entity,
        status,
        api_calls: client.calls(),
        counts,
        elapsed: started.elapsed(),
        error,
    };

    let mut conn = db::connection(&ctx.pool).await?;
    sync_runs::finish(
        &mut conn,
        run_id,
        status,
        i64::try_from(report.api_calls).unwrap_or(i64::MAX),
        counts,
        report.error.as_ref().map(ToString::to_string).as_deref(),
    )
    .await?;
    log_pass(&report);
    Ok(PassOutcome::Ran(report))
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
