//! The daemon (`zoom-mirror run`): the HTTP listener, a wait for PostgreSQL, scheduled sync
//! jobs, the write-back worker, systemd readiness and watchdog, and a graceful stop on
//! SIGTERM/SIGINT.

pub mod http;
mod scheduler;
mod signals;
mod systemd;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::config::Config;
use crate::db::{self, DbError, DbTarget};
use crate::sync::SyncContext;
use crate::telemetry::metrics::Metrics;
use crate::webhooks::{Applier, Inbox, Verifier};
use crate::write_back::WriteBack;

pub use scheduler::enabled_jobs;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("the job scheduler failed: {0}")]
    Scheduler(tokio_cron_scheduler::JobSchedulerError),

    #[error("cannot listen for shutdown signals: {0}")]
    Signals(std::io::Error),

    #[error(
        "cannot listen on {addr} (http.listen / ZOOM_MIRROR_LISTEN): {error}; choose a free \
         address and port"
    )]
    Listen {
        addr: SocketAddr,
        error: std::io::Error,
    },

    #[error(transparent)]
    Db(#[from] DbError),
}

/// By hand rather than `#[from]`, which would make the error the source too, and a caller
/// printing the chain would name it twice.
impl From<tokio_cron_scheduler::JobSchedulerError> for ServiceError {
    fn from(error: tokio_cron_scheduler::JobSchedulerError) -> Self {
        ServiceError::Scheduler(error)
    }
}

/// Waits for PostgreSQL and applies the migrations, then runs until SIGTERM or SIGINT, then
/// lets running passes commit their current page and write-back attempts record their outcome,
/// waiting at most `service.shutdown_timeout`. `/metrics` serves `metrics`, which `ctx`'s client
/// should count its requests into ([`Metrics::zoom_calls`]).
pub async fn run(config: &Config, ctx: SyncContext, metrics: Metrics) -> Result<(), ServiceError> {
    let cancel = CancellationToken::new();
    let tracker = TaskTracker::new();
    let stop = signals::shutdown_signal().map_err(ServiceError::Signals)?;
    let mut stop = std::pin::pin!(stop);
    let migrated = Arc::new(AtomicBool::new(false));
    let endpoints =
        start_listener(config, &ctx, metrics, migrated.clone(), &cancel, &tracker).await?;
    tokio::select! {
        signal = &mut stop => {
            tracing::info!(
                signal,
                "stopping during start-up, before PostgreSQL was reached and migrated"
            );
            return Ok(());
        }
        reached = migrate_when_reachable(&ctx.db) => reached?,
    }
    migrated.store(true, Ordering::Release);

    if endpoints.inbox.is_on() {
        let applier = Applier::new(
            ctx.pool.clone(),
            ctx.client.clone(),
            endpoints.metrics.clone(),
            endpoints.inbox.stored_events(),
            config.webhooks.keep,
        );
        tracker.spawn(applier.run(cancel.clone()));
    }

    if config.write_back.enabled {
        let worker = WriteBack::new(
            ctx.pool.clone(),
            ctx.client.clone(),
            ctx.db.clone(),
            &ctx.host,
            config.write_back.clone(),
            config.zoom.client.plan,
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

/// Connections the listener's routes share: storing a webhook event and answering `/readyz`
/// and `/metrics` each take one briefly.
const LISTENER_CONNECTIONS: usize = 4;

/// Binds `http.listen` and serves it in the background until `cancel`; the requests in flight
/// then finish within the drain. Returns what the routes share.
async fn start_listener(
    config: &Config,
    ctx: &SyncContext,
    metrics: Metrics,
    migrated: Arc<AtomicBool>,
    cancel: &CancellationToken,
    tracker: &TaskTracker,
) -> Result<http::Endpoints, ServiceError> {
    let addr = config.http.listen;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|error| ServiceError::Listen { addr, error })?;
    // A pool of its own: Zoom gives a delivery 3 s, which a sync pass holding every pooled
    // connection must not eat.
    let pool = db::pool(&ctx.db, LISTENER_CONNECTIONS)?;
    let verifier = Verifier::new(config.webhooks.secrets());
    let webhooks = if verifier.is_some() {
        "on"
    } else {
        "off (no webhooks.secret_token)"
    };
    let endpoints = http::Endpoints {
        inbox: Inbox::new(verifier, pool.clone(), metrics.clone()),
        metrics,
        pool,
        migrated,
        max_body_bytes: config.webhooks.max_body_bytes,
        clock: ctx.clock().clone(),
    };
    let local = listener.local_addr().unwrap_or(addr);
    tracing::info!(%local, webhooks, "listening for /webhooks/zoom, /healthz, /readyz, /metrics");
    let cancel = cancel.clone();
    let serving = endpoints.clone();
    tracker.spawn(async move {
        if let Err(error) = http::serve(listener, serving, cancel).await {
            tracing::error!(%error, "the HTTP listener failed");
        }
    });
    Ok(endpoints)
}

/// PostgreSQL may be down when the daemon starts (a restart, a failover, a boot that brings it
/// up later): try again with backoff, each failure in the log and in systemd's status, for as
/// long as it takes. Under systemd, `TimeoutStartSec=` bounds the wait.
async fn migrate_when_reachable(db: &DbTarget) -> Result<(), DbError> {
    let attempt = || async {
        let migrated = db::run_migrations(db).await;
        if let Err(error) = &migrated
            && error.is_unavailable()
        {
            systemd::status(&format!("waiting for PostgreSQL: {error}"));
        }
        migrated
    };
    let what = "applying migrations before start";
    db::retry_while_unavailable(what, None, &CancellationToken::new(), attempt).await?;
    systemd::status("PostgreSQL reached; migrations applied");
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
