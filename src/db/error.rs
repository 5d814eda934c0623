//! Database errors, each saying what failed.

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to PostgreSQL: {0}; check DATABASE_URL and that the server is up")]
    Connect(#[from] diesel::ConnectionError),

    #[error(
        "no PostgreSQL connection available: {0}; check DATABASE_URL and that the server is up"
    )]
    Pool(String),

    #[error("database query failed ({what}): {source}")]
    Query {
        what: &'static str,
        #[source]
        source: diesel::result::Error,
    },

    #[error("applying migrations failed: {0}")]
    Migration(String),
}

impl DbError {
    /// PostgreSQL refused the statement for what it holds (a value it cannot store, a size
    /// limit), as opposed to the connection failing: the same rows one at a time may store all
    /// but the one at fault.
    pub fn is_refused_statement(&self) -> bool {
        use diesel::result::{DatabaseErrorKind as Kind, Error};
        matches!(
            self,
            DbError::Query { source: Error::DatabaseError(kind, _), .. }
                if !matches!(
                    kind,
                    Kind::UnableToSendCommand
                        | Kind::ClosedConnection
                        | Kind::SerializationFailure
                        | Kind::ReadOnlyTransaction
                )
        )
    }
}

/// Names the statement in a query error: `.map_err(query("upserting users"))`.
pub fn query(what: &'static str) -> impl FnOnce(diesel::result::Error) -> DbError {
    move |source| DbError::Query { what, source }
}

/// Only a transaction's own statements (begin, commit, rollback) come through here; every
/// query inside names itself with [`query`].
impl From<diesel::result::Error> for DbError {
    fn from(source: diesel::result::Error) -> Self {
        DbError::Query {
            what: "opening or committing a transaction",
            source,
        }
    }
}
