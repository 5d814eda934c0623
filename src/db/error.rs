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
