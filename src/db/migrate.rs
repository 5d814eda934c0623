//! Migrations embedded in the binary, applied by `migrate`, `sync`, `run` and `demo`.

use diesel::sql_types::BigInt;
use diesel_async::{AsyncMigrationHarness, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::error::{DbError, query};
use super::target::DbTarget;

const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Replicas starting together take turns on this advisory lock; the later ones find nothing
/// left to apply.
const MIGRATION_LOCK: i64 = 0x7a6d_6d69_6772; // "zmmigr"

/// Applies pending migrations; returns the versions applied.
pub async fn run_migrations(db: &DbTarget) -> Result<Vec<String>, DbError> {
    let mut conn = db.connect().await?;
    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<BigInt, _>(MIGRATION_LOCK)
        .execute(&mut conn)
        .await
        .map_err(query("taking the migration lock"))?;
    // The harness drives the async connection synchronously, so it runs off the async workers.
    let result = tokio::task::spawn_blocking(move || {
        let mut harness = AsyncMigrationHarness::new(conn);
        harness
            .run_pending_migrations(MIGRATIONS)
            .map(|applied| applied.iter().map(ToString::to_string).collect())
            .map_err(|e| DbError::Migration(e.to_string()))
        // Dropping the harness closes the connection, which releases the lock.
    })
    .await
    .map_err(|e| DbError::Migration(format!("the migration task failed: {e}")))?;
    let applied: Vec<String> = result?;
    if !applied.is_empty() {
        tracing::info!(?applied, "applied database migrations");
    }
    Ok(applied)
}
