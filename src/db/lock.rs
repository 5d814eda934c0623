//! A cluster-wide lock: a Postgres session advisory lock on a connection of its own, so
//! replicas never run the same sync pass at once. Dropping the lock closes the connection,
//! which releases it even if the process dies.

use diesel::sql_types::{Bool, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use secrecy::{ExposeSecret, SecretString};

use super::error::{DbError, query};

pub struct ClusterLock {
    _session: AsyncPgConnection,
}

impl ClusterLock {
    /// Takes the lock `name` if no other session holds it.
    pub async fn try_acquire(
        url: &SecretString,
        name: &str,
    ) -> Result<Option<ClusterLock>, DbError> {
        let mut session = AsyncPgConnection::establish(url.expose_secret()).await?;
        let acquired: bool = diesel::select(
            diesel::dsl::sql::<Bool>("pg_try_advisory_lock(hashtextextended(")
                .bind::<Text, _>(name)
                .sql(", 0))"),
        )
        .get_result(&mut session)
        .await
        .map_err(query("taking a cluster-wide lock"))?;
        Ok(acquired.then_some(ClusterLock { _session: session }))
    }
}
