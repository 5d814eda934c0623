//! The database: a pool, embedded migrations, and one module per table. It knows tables and
//! SQL, and nothing of HTTP or Zoom's API.

pub mod daily_quota;
mod error;
mod lock;
mod migrate;
pub mod overview;
pub mod queue_limits;
pub mod recordings;
pub mod registrants;
pub mod schema;
pub mod sessions;
pub mod sync_runs;
mod upserted;
pub mod users;
pub mod write_queue;

use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::AsyncDieselConnectionManager;
use diesel_async::pooled_connection::deadpool::Pool;
use secrecy::{ExposeSecret, SecretString};

pub use error::DbError;
pub use lock::ClusterLock;
pub use migrate::run_migrations;

pub type DbPool = Pool<AsyncPgConnection>;

/// Connects lazily: the first query opens the first connection.
pub fn pool(url: &SecretString, max_connections: usize) -> Result<DbPool, DbError> {
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(url.expose_secret());
    Pool::builder(manager)
        .max_size(max_connections)
        .build()
        .map_err(|e| DbError::Pool(e.to_string()))
}

/// A pooled connection, with an error that says what to check.
pub async fn connection(
    pool: &DbPool,
) -> Result<diesel_async::pooled_connection::deadpool::Object<AsyncPgConnection>, DbError> {
    pool.get().await.map_err(|e| DbError::Pool(e.to_string()))
}
