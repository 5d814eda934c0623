//! The database: a pool, embedded migrations, and one module per table. It knows tables and
//! SQL, and nothing of HTTP or Zoom's API.

pub mod chat;
pub mod daily_quota;
mod error;
mod functions;
pub mod gauges;
mod held;
pub mod invitations;
mod lock;
mod migrate;
pub mod oauth_tokens;
pub mod overview;
pub mod participants;
pub mod phone_recordings;
mod pooled;
pub mod queue_inserts;
pub mod queue_limits;
pub mod queue_operator;
pub mod rate_budget;
pub mod recordings;
pub mod registrants;
mod retry;
pub mod schema;
pub mod sessions;
pub mod sync_runs;
mod target;
mod upserted;
pub mod users;
pub mod webhook_events;
pub mod write_queue;

pub use error::DbError;
pub use held::Held;
pub use lock::ClusterLock;
pub use migrate::run_migrations;
pub use pooled::{DbPool, connection, ping, pool};
pub use retry::retry_while_unavailable;
pub use target::{DbTarget, DbTimeouts};
