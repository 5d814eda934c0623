//! Database errors, each saying what failed. Each message carries its cause, and no variant
//! links a source as well, so that a caller printing the chain names the cause once.

use std::time::Duration;

use diesel::result::{DatabaseErrorKind as Kind, Error};

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "cannot connect to PostgreSQL at {server}: {reason}; check DATABASE_URL and that the \
         server is up"
    )]
    Connect { server: String, reason: String },

    #[error("DATABASE_URL cannot be used: {0}; use postgres://USER:PASSWORD@HOST:5432/DATABASE")]
    Url(String),

    #[error(
        "waited {} s (database.pool_timeout_secs) for one of a pool's {size} PostgreSQL \
         connections to come free: are queries slow, or the server overloaded?",
        .waited.as_secs()
    )]
    PoolBusy { size: usize, waited: Duration },

    #[error("the PostgreSQL connection pool failed: {0}")]
    Pool(String),

    #[error("database query failed ({what}): {cause}")]
    Query { what: &'static str, cause: Error },

    #[error("applying migrations failed: {0}")]
    Migration(String),
}

impl DbError {
    /// PostgreSQL refused the statement for what it holds (a value it cannot store, a size
    /// limit), as opposed to the connection failing: the same rows one at a time may store all
    /// but the one at fault.
    pub fn is_refused_statement(&self) -> bool {
        matches!(
            self,
            DbError::Query { cause: Error::DatabaseError(kind, _), .. }
                if !matches!(
                    kind,
                    Kind::UnableToSendCommand
                        | Kind::ClosedConnection
                        | Kind::SerializationFailure
                        | Kind::ReadOnlyTransaction
                )
        )
    }

    /// The server could not be reached or the connection broke: trying again later may work,
    /// unlike a refused statement or a failed migration.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            DbError::Connect { .. }
                | DbError::PoolBusy { .. }
                | DbError::Query {
                    cause: Error::DatabaseError(
                        Kind::UnableToSendCommand | Kind::ClosedConnection,
                        _
                    ),
                    ..
                }
        )
    }
}

/// Names the statement in a query error: `.map_err(query("upserting users"))`.
pub fn query(what: &'static str) -> impl FnOnce(Error) -> DbError {
    move |cause| DbError::Query { what, cause }
}

/// Only a transaction's own statements (begin, commit, rollback) come through here; every
/// query inside names itself with [`query`].
impl From<Error> for DbError {
    fn from(cause: Error) -> Self {
        DbError::Query {
            what: "opening or committing a transaction",
            cause,
        }
    }
}
