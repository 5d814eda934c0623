//! Sync jobs: page through a Zoom listing, upsert each page, decide deletions after a complete
//! listing, and record the pass in `zoom.sync_runs`. Jobs connect the client and the database;
//! neither knows the other.

pub(crate) mod chat;
mod counts;
mod entity;
mod error;
mod invitations;
pub(crate) mod listing;
mod lookback;
pub mod one;
pub(crate) mod participants;
mod pass;
pub(crate) mod phone_recordings;
mod progress;
pub(crate) mod recordings;
mod refused;
pub(crate) mod registrants;
pub(crate) mod sessions;
pub(crate) mod users;
mod walk;

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::{SyncSettings, ZoomAuth};
use crate::db::{self, DbPool, DbTarget};
use crate::oauth::DbTokenStore;
use crate::zoom::budget::SharedBudget;
use crate::zoom::calls::CallObserver;
use crate::zoom::{Authorization, ClientSettings, ZoomClient};

pub use counts::PassCounts;
pub use entity::Entity;
pub use error::SyncError;
pub use pass::{PassOutcome, PassReport, Trigger, run_pass};
pub use progress::{ParentsDone, ProgressIntervals};

/// What every pass needs.
#[derive(Clone)]
pub struct SyncContext {
    pub pool: DbPool,
    pub client: ZoomClient,
    /// For the cluster-wide lock, which holds a connection of its own for the whole pass.
    pub db: DbTarget,
    /// Recorded in `zoom.sync_runs.host`, to tell replicas apart.
    pub host: String,
    pub settings: SyncSettings,
    /// How often a running pass records and logs its progress: the defaults, shorter in tests.
    pub progress: ProgressIntervals,
}

impl SyncContext {
    /// A pool on `db` and a Zoom client telling `observer` of its requests; connects lazily.
    /// A user-authorized app's tokens are kept in `db` (`zoom.oauth_tokens`).
    /// The client draws its calls from the account's rate budget in `db`, shared with every
    /// other process calling Zoom for the account (`run`, `sync` and the write-back worker).
    pub fn new(
        db: &DbTarget,
        max_connections: usize,
        zoom: &ClientSettings,
        auth: impl Into<ZoomAuth>,
        settings: SyncSettings,
        clock: Clock,
        observer: Option<Arc<dyn CallObserver>>,
    ) -> Result<Self, SyncError> {
        let budget: Arc<dyn SharedBudget> = Arc::new(db::rate_budget::PgRateBudget::new(db));
        Ok(SyncContext {
            pool: db::pool(db, max_connections)?,
            client: ZoomClient::new(
                zoom,
                authorization(db, auth.into()),
                clock,
                observer,
                Some(budget),
            )?,
            db: db.clone(),
            host: host_name(),
            settings,
            progress: ProgressIntervals::default(),
        })
    }

    /// The client's clock: every time a pass records or compares.
    pub fn clock(&self) -> &Clock {
        self.client.clock()
    }
}

/// The client's authorization: a user-authorized app's store is the database.
pub fn authorization(db: &DbTarget, auth: ZoomAuth) -> Authorization {
    match auth {
        ZoomAuth::ServerToServer(credentials) => Authorization::ServerToServer(credentials),
        ZoomAuth::OAuth(settings) => Authorization::User {
            store: Arc::new(DbTokenStore::new(
                db.clone(),
                settings.token_key,
                settings.app.client_id.clone(),
            )),
            app: settings.app,
        },
    }
}

/// `host:pid`, enough to tell replicas and restarts apart in `zoom.sync_runs`.
fn host_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "unknown-host".into());
    format!("{host}:{}", std::process::id())
}
