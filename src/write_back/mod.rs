//! The write-back queue: rows other systems insert into `zoom.write_queue` become Zoom calls.
//!
//! `run` starts a LISTEN task (`listener`), `concurrency` workers that claim one row at a time
//! (`worker`: validate → reconcile → quota → call → record → refresh) and a rescuer that
//! returns rows whose daemon died. Each row is carried out at least once; `reconcile` keeps a
//! repeated create from making a duplicate where Zoom offers a way to look.

pub mod action;
mod kinds;
mod listener;
mod outcome;
mod quota;
mod reconcile;
mod refresh;
pub mod request;
mod step;
mod validate;
mod worker;

use std::sync::Arc;

use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::WriteBackConfig;
use crate::db::queue_limits::{self, QueueLimits};
use crate::db::{self, DbError, DbPool, DbTarget, write_queue};
use crate::sync::SyncError;
use crate::zoom::{Plan, ZoomClient};

pub use action::Action;
pub use kinds::ErrorKind;
pub use request::{Subject, ZoomRequest};
pub use validate::{Invalid, validate};

#[derive(Debug, thiserror::Error)]
pub enum WriteBackError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Sync(#[from] SyncError),
}

/// The write-back worker of one daemon.
#[derive(Clone)]
pub struct WriteBack {
    /// The daemon's pool, shared with the sync: mirror reads and refreshes.
    pool: DbPool,
    /// The queue's own connections (claims, heartbeats, outcomes), so that a busy sync cannot
    /// hold up a heartbeat until the lease runs out.
    queue: DbPool,
    client: ZoomClient,
    db: DbTarget,
    settings: WriteBackConfig,
    /// Sets the account's daily user-invite limit.
    plan: Plan,
    /// `locked_by` of the rows this daemon claims: host, pid and a random part, so that a
    /// restarted daemon with the same pid is a different owner.
    worker_id: String,
}

impl WriteBack {
    pub fn new(
        pool: DbPool,
        client: ZoomClient,
        db: DbTarget,
        host: &str,
        settings: WriteBackConfig,
        plan: Plan,
    ) -> Result<Self, DbError> {
        let worker_id = format!(
            "{host}:{}:{:08x}",
            std::process::id(),
            rand::random::<u32>()
        );
        // Each worker's attempt and its heartbeat hold one each, plus the rescuer's.
        let queue = db::pool(&db, 2 * settings.concurrency + 1)?;
        Ok(WriteBack {
            pool,
            queue,
            client,
            db,
            settings,
            plan,
            worker_id,
        })
    }

    pub fn worker_id(&self) -> &str {
        &self.worker_id
    }

    /// Carries out rows until `cancel`; then stops claiming and returns once the attempts in
    /// progress have been recorded. Dropping the future stops everything at once, as a crash
    /// would: rows it could not finish are rescued after their lease.
    pub async fn run(self, cancel: CancellationToken) {
        self.set_limits().await;
        let wake = Arc::new(Notify::new());
        let mut tasks = JoinSet::new();
        tasks.spawn(listener::listen(
            self.db.clone(),
            wake.clone(),
            cancel.clone(),
        ));
        tasks.spawn(self.clone().rescue_loop(cancel.clone()));
        for _ in 0..self.settings.concurrency {
            tasks.spawn(self.clone().work_loop(wake.clone(), cancel.clone()));
        }
        tracing::info!(
            worker = self.worker_id,
            concurrency = self.settings.concurrency,
            "write-back worker started"
        );
        while tasks.join_next().await.is_some() {}
    }

    async fn work_loop(self, wake: Arc<Notify>, cancel: CancellationToken) {
        loop {
            // Registered before the claim, so a row inserted while claiming still wakes us.
            let notified = wake.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            if cancel.is_cancelled() {
                return;
            }
            match self.claim_one().await {
                Ok(Some(row)) => {
                    let id = row.id;
                    // A bug hit by one row must not stop this loop: the row stays running,
                    // and after its lease it runs out of attempts like any other.
                    let attempt = std::panic::AssertUnwindSafe(self.carry_out(row));
                    if futures::FutureExt::catch_unwind(attempt).await.is_err() {
                        tracing::error!(id, "write-back row panicked; it returns after its lease");
                    }
                    continue;
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(%error, "cannot claim write-back rows"),
            }
            tokio::select! {
                () = cancel.cancelled() => return,
                () = &mut notified => {}
                () = tokio::time::sleep(self.settings.poll_interval) => {}
            }
        }
    }

    async fn claim_one(&self) -> Result<Option<write_queue::Claimed>, DbError> {
        let mut conn = db::connection(&self.queue).await?;
        write_queue::claim(
            &mut conn,
            &self.worker_id,
            self.settings.lease,
            self.settings.max_payload_bytes,
        )
        .await
    }

    /// Writes this daemon's insert limits where the queue's insert trigger reads them. On
    /// failure the database keeps enforcing the limits it has.
    async fn set_limits(&self) {
        let ours = QueueLimits {
            // At most 16 MiB (config validation): it fits.
            max_payload_bytes: self.settings.max_payload_bytes as i32,
            max_delay: self.settings.max_delay,
        };
        let set = match db::connection(&self.queue).await {
            Ok(mut conn) => queue_limits::set(&mut conn, ours).await,
            Err(e) => Err(e),
        };
        match set {
            Ok(before) if before != ours => tracing::warn!(
                max_payload_bytes = ours.max_payload_bytes,
                max_delay_secs = ours.max_delay.as_secs(),
                before.max_payload_bytes,
                before.max_delay_secs = before.max_delay.as_secs(),
                "write-back insert limits changed; if another replica set the old ones, give \
                 every replica the same write_back.max_payload_bytes and max_delay_secs"
            ),
            Ok(_) => {}
            Err(error) => tracing::error!(
                %error,
                "cannot set the write-back insert limits; the database keeps enforcing the ones \
                 it has (see zoom.write_queue_limits)"
            ),
        }
    }

    /// Every half lease, returns rows whose lease ran out to `pending`. Every replica runs it;
    /// `SKIP LOCKED` keeps them from colliding.
    async fn rescue_loop(self, cancel: CancellationToken) {
        loop {
            tokio::select! {
                () = cancel.cancelled() => return,
                () = tokio::time::sleep(self.settings.lease / 2) => {}
            }
            let rescued = match db::connection(&self.queue).await {
                Ok(mut conn) => {
                    write_queue::rescue(&mut conn, &ErrorKind::Interrupted.to_string()).await
                }
                Err(e) => Err(e),
            };
            match rescued {
                Ok(rows) => {
                    for row in rows {
                        tracing::warn!(
                            id = row.id,
                            status = row.status,
                            in_doubt = row.in_doubt,
                            "write-back row rescued: its daemon's lease ran out"
                        );
                    }
                }
                Err(error) => tracing::warn!(%error, "cannot rescue write-back rows"),
            }
        }
    }
}
