//! Cron: each enabled entity's pass on its own UTC schedule. tokio-cron-scheduler would let a
//! slow pass overlap the next tick, so each job holds a lock for its pass and skips ticks that
//! find it taken; across replicas the pass's cluster lock does the same.

use std::sync::Arc;

use tokio::sync::Mutex;
use tokio_cron_scheduler::{Job, JobScheduler};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::ServiceError;
use super::systemd;
use crate::config::{Config, JobConfig};
use crate::sync::{Entity, PassOutcome, SyncContext, Trigger, run_pass};

/// The entities whose job is enabled, with their job settings.
pub fn enabled_jobs(config: &Config) -> Vec<(Entity, &JobConfig)> {
    Entity::ALL
        .into_iter()
        .map(|entity| {
            let sync = &config.sync;
            let job = match entity {
                Entity::Users => &sync.users,
                Entity::Meetings => &sync.meetings,
                Entity::Webinars => &sync.webinars,
                Entity::MeetingRegistrants => &sync.meeting_registrants,
                Entity::WebinarRegistrants => &sync.webinar_registrants,
                Entity::Recordings => &sync.recordings,
                Entity::MeetingParticipants => &sync.meeting_participants,
                Entity::WebinarParticipants => &sync.webinar_participants,
                Entity::MeetingInvitations => &sync.meeting_invitations,
                Entity::PhoneRecordings => &sync.phone_recordings,
                Entity::Chat => &sync.chat,
            };
            (entity, job)
        })
        .filter(|(_, job)| job.enabled)
        .collect()
}

pub async fn start(
    config: &Config,
    ctx: SyncContext,
    cancel: CancellationToken,
    tracker: TaskTracker,
) -> Result<JobScheduler, ServiceError> {
    let scheduler = JobScheduler::new().await?;
    for (entity, job) in enabled_jobs(config) {
        let running = Arc::new(Mutex::new(()));
        let (ctx, cancel, tracker) = (ctx.clone(), cancel.clone(), tracker.clone());
        let tick = move |_id, _scheduler| {
            let guard = running.clone().try_lock_owned();
            let (ctx, cancel, tracker) = (ctx.clone(), cancel.clone(), tracker.clone());
            Box::pin(async move {
                let Ok(guard) = guard else {
                    tracing::info!(%entity, "the previous pass is still running; skipping this tick");
                    return;
                };
                if cancel.is_cancelled() {
                    return;
                }
                tracker.spawn(async move {
                    let _running = guard;
                    scheduled_pass(&ctx, entity, &cancel).await;
                });
            }) as std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>
        };
        scheduler
            .add(Job::new_async(job.schedule.as_str(), tick)?)
            .await?;
        tracing::info!(%entity, schedule = job.schedule, "scheduled sync job (UTC)");
    }
    scheduler.start().await?;
    Ok(scheduler)
}

async fn scheduled_pass(ctx: &SyncContext, entity: Entity, cancel: &CancellationToken) {
    match run_pass(ctx, entity, Trigger::Schedule, cancel).await {
        Ok(PassOutcome::Ran(report)) => systemd::status(&format!(
            "{report}; ended {}",
            ctx.clock().now().format("%Y-%m-%d %H:%M:%SZ"),
        )),
        Ok(PassOutcome::Skipped) => {}
        // No database to start the pass, or to record its end: the next tick tries again.
        Err(e) => tracing::error!(%entity, error = %e, "sync pass could not run or be recorded"),
    }
}
