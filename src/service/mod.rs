//! The daemon (`zoom-mirror run`): scheduled sync jobs, the write-back worker, systemd
//! readiness and watchdog, and a graceful stop on SIGTERM/SIGINT.

mod scheduler;
mod signals;
mod systemd;

use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Config;
use crate::sync::SyncContext;
use crate::write_back::WriteBack;

pub use scheduler::enabled_jobs;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("the job scheduler failed: {0}")]
    Scheduler(#[from] tokio_cron_scheduler::JobSchedulerError),

    #[error("cannot listen for shutdown signals: {0}")]
    Signals(#[source] std::io::Error),

    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}

/// Runs until SIGTERM or SIGINT, then lets running passes commit their current page and
/// write-back attempts record their outcome, waiting at most `service.shutdown_timeout`.
pub async fn run(config: &Config, ctx: SyncContext) -> Result<(), ServiceError> {
    let cancel = CancellationToken::new();
    let tracker = TaskTracker::new();
    let stop = signals::shutdown_signal().map_err(ServiceError::Signals)?;

    if config.write_back.enabled {
        let worker = WriteBack::new(
            ctx.pool.clone(),
            ctx.client.clone(),
            ctx.database_url.clone(),
            &ctx.host,
            config.write_back.clone(),
            config.zoom.plan,
        )?;
        tracker.spawn(worker.run(cancel.clone()));
    }

    let client = ctx.client.clone();
    let mut scheduler = scheduler::start(config, ctx, cancel.clone(), tracker.clone()).await?;
    systemd::ready();
    let watchdog = systemd::spawn_watchdog(cancel.clone(), client.clone());

    let signal = stop.await;
    tracing::info!(signal, "stopping: running passes finish their current page");
    systemd::stopping();
    cancel.cancel();
    // A wait on a rate limit or a Retry-After would outlast the drain: end them all now.
    client.stop_waiting();
    scheduler.shutdown().await?;
    tracker.close();
    drain(&tracker, config.service.shutdown_timeout).await;
    if let Some(watchdog) = watchdog {
        watchdog.abort();
    }
    Ok(())
}

async fn drain(tracker: &TaskTracker, timeout: Duration) {
    if tokio::time::timeout(timeout, tracker.wait()).await.is_err() {
        tracing::warn!(
            running = tracker.len(),
            ?timeout,
            "work still running at the shutdown timeout; exiting anyway (the next pass marks \
             abandoned passes; write-back rows run again after their lease)"
        );
    }
}
