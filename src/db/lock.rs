//! A cluster-wide lock: a Postgres session advisory lock on a connection of its own, so
//! replicas never run the same sync pass at once. The session is checked every second while the
//! lock is held: once it is lost (the server restarted, the connection broke or stopped
//! answering), the server has released the lock or soon will, so the holder is told to stop.
//! Dropping the lock closes the connection, which releases it even if the process dies.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use diesel::IntoSql;
use diesel::expression::functions::declare_sql_function;
use diesel::sql_types::{BigInt, Integer, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::error::{DbError, query};
use super::target::DbTarget;

/// How often the lock's session is checked: the longest a pass runs on after losing it, unless
/// the check itself hangs (then the connect timeout bounds it).
const CHECK_EVERY: Duration = Duration::from_secs(1);

#[declare_sql_function]
extern "SQL" {
    fn pg_try_advisory_lock(key: BigInt) -> Bool;

    /// A lock's key from its name.
    fn hashtextextended(text: Text, seed: BigInt) -> BigInt;
}

pub struct ClusterLock {
    /// Ends the watch; the watcher then unlocks and closes the session.
    release: CancellationToken,
    watcher: JoinHandle<()>,
    lost: Arc<OnceLock<String>>,
}

impl ClusterLock {
    /// Takes the lock `name` if no other session holds it. While it is held, losing its session
    /// cancels `on_loss`, and [`ClusterLock::lost`] says why.
    pub async fn try_acquire(
        db: &DbTarget,
        name: &str,
        on_loss: CancellationToken,
    ) -> Result<Option<ClusterLock>, DbError> {
        let mut session = db.connect().await?;
        let acquired: bool = diesel::select(pg_try_advisory_lock(hashtextextended(name, 0_i64)))
            .get_result(&mut session)
            .await
            .map_err(query("taking a cluster-wide lock"))?;
        if !acquired {
            return Ok(None);
        }
        let release = CancellationToken::new();
        let lost = Arc::new(OnceLock::new());
        let watch = Watch {
            name: name.to_owned(),
            timeout: db.timeouts.connect,
            release: release.clone(),
            on_loss,
            lost: lost.clone(),
        };
        Ok(Some(ClusterLock {
            release,
            watcher: tokio::spawn(watch.run(session)),
            lost,
        }))
    }

    /// Why the lock's session was lost, if it was.
    pub fn lost(&self) -> Option<&str> {
        self.lost.get().map(String::as_str)
    }

    /// Unlocks and closes the session, so that the next taker (here or on a replica) finds the
    /// lock free at once rather than when the server notices the closed connection.
    pub async fn release(mut self) {
        self.release.cancel();
        // A watcher that panicked has dropped the session, which released the lock.
        let _ = (&mut self.watcher).await;
    }
}

impl Drop for ClusterLock {
    fn drop(&mut self) {
        self.release.cancel();
    }
}

struct Watch {
    name: String,
    timeout: Duration,
    release: CancellationToken,
    on_loss: CancellationToken,
    lost: Arc<OnceLock<String>>,
}

impl Watch {
    async fn run(self, mut session: AsyncPgConnection) {
        let mut tick = tokio::time::interval(CHECK_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = self.release.cancelled() => break,
                _ = tick.tick() => {}
            }
            let check = diesel::select(1.into_sql::<Integer>()).execute(&mut session);
            let reason = match tokio::time::timeout(self.timeout, check).await {
                Ok(Ok(_)) => continue,
                Ok(Err(error)) => error.to_string(),
                Err(_) => format!("no answer to a check within {} s", self.timeout.as_secs()),
            };
            tracing::error!(
                lock = self.name,
                reason,
                "lost the PostgreSQL session holding a cluster-wide lock; stopping its holder"
            );
            self.lost.get_or_init(|| reason);
            self.on_loss.cancel();
            return;
        }
        // Closing the session releases the lock too; unlocking first only makes it prompt.
        // Raw: the function returns `void`, which Diesel has no SQL type for.
        let unlock = diesel::sql_query("SELECT pg_advisory_unlock_all()").execute(&mut session);
        let _ = tokio::time::timeout(self.timeout, unlock).await;
    }
}
