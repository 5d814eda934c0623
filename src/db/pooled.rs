//! The connection pool: deadpool through diesel-async, every wait bounded.

use diesel_async::AsyncPgConnection;
use diesel_async::pooled_connection::deadpool::{Object, Pool, PoolError};
use diesel_async::pooled_connection::{AsyncDieselConnectionManager, ManagerConfig};
use futures::FutureExt;

use super::error::DbError;
use super::target::DbTarget;

/// A connection pool on one [`DbTarget`], whose waits are bounded by its timeouts.
#[derive(Clone)]
pub struct DbPool {
    pool: Pool<AsyncPgConnection>,
    target: DbTarget,
}

/// Connects lazily: the first query opens the first connection.
pub fn pool(target: &DbTarget, max_connections: usize) -> Result<DbPool, DbError> {
    let connect = target.clone();
    let mut manager = ManagerConfig::default();
    // Opened as every other connection is, so that its failure names the server and the cause.
    manager.custom_setup = Box::new(move |_url| {
        let connect = connect.clone();
        async move {
            connect.connect().await.map_err(|e| match e {
                DbError::Connect { reason, .. } => diesel::ConnectionError::BadConnection(reason),
                other => diesel::ConnectionError::BadConnection(other.to_string()),
            })
        }
        .boxed()
    });
    // The URL is only passed to `custom_setup`, which does not read it.
    let manager = AsyncDieselConnectionManager::new_with_config(String::new(), manager);
    let timeouts = target.timeouts;
    let pool = Pool::builder(manager)
        .max_size(max_connections)
        .runtime(deadpool::Runtime::Tokio1)
        .wait_timeout(Some(timeouts.pool_wait))
        .create_timeout(Some(timeouts.connect))
        .recycle_timeout(Some(timeouts.connect))
        .build()
        .map_err(|e| DbError::Pool(e.to_string()))?;
    Ok(DbPool {
        pool,
        target: target.clone(),
    })
}

/// A pooled connection, with an error that says what to check.
pub async fn connection(pool: &DbPool) -> Result<Object<AsyncPgConnection>, DbError> {
    use deadpool::managed::TimeoutType;
    use diesel_async::pooled_connection::PoolError as Backend;
    let target = &pool.target;
    pool.pool.get().await.map_err(|e| match e {
        PoolError::Timeout(TimeoutType::Wait) => DbError::PoolBusy {
            size: pool.pool.status().max_size,
            waited: target.timeouts.pool_wait,
        },
        PoolError::Timeout(TimeoutType::Create | TimeoutType::Recycle) => target.no_answer(),
        PoolError::Backend(Backend::ConnectionError(diesel::ConnectionError::BadConnection(
            reason,
        ))) => target.connect_error(reason),
        other => DbError::Pool(other.to_string()),
    })
}

/// Whether the database answers a query now, through the pool.
pub async fn ping(pool: &DbPool) -> Result<(), DbError> {
    use diesel::IntoSql;
    use diesel::sql_types::Integer;
    use diesel_async::RunQueryDsl;
    let mut conn = connection(pool).await?;
    diesel::select(1.into_sql::<Integer>())
        .execute(&mut conn)
        .await
        .map_err(super::error::query("checking that PostgreSQL answers"))?;
    Ok(())
}
