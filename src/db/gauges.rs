//! What `/metrics` reads from the database at each scrape: the queue's rows by status, and each
//! entity's passes. Read from the tables rather than counted in the process, so that every
//! replica reports the same figures and a restart loses none.

use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Nullable, Text, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::error::{DbError, query};

#[derive(Debug, Clone, QueryableByName)]
pub struct QueueRows {
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub rows: i64,
}

#[derive(Debug, Clone, QueryableByName)]
pub struct EntityPasses {
    #[diesel(sql_type = Text)]
    pub entity: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub last_success: Option<DateTime<Utc>>,
    /// How long the latest finished pass took.
    #[diesel(sql_type = Nullable<Double>)]
    pub last_duration_secs: Option<f64>,
    /// Rows written by every pass so far.
    #[diesel(sql_type = BigInt)]
    pub inserted: i64,
    #[diesel(sql_type = BigInt)]
    pub updated: i64,
    #[diesel(sql_type = BigInt)]
    pub deleted: i64,
}

/// Every status, with 0 for one no row has, so that a series does not vanish when it empties.
pub async fn queue_rows(conn: &mut AsyncPgConnection) -> Result<Vec<QueueRows>, DbError> {
    // `unnest` of the statuses is what gives the empty ones a row; the builder cannot say it.
    diesel::sql_query(
        "SELECT s.status, count(q.id) AS rows \
         FROM unnest(ARRAY['pending', 'running', 'succeeded', 'failed', 'cancelled']) AS s(status) \
         LEFT JOIN zoom.write_queue q ON q.status = s.status \
         GROUP BY s.status ORDER BY s.status",
    )
    .load(conn)
    .await
    .map_err(query("counting the write-back queue's rows for /metrics"))
}

/// Each entity that has run: its latest success, its latest pass's duration, its rows written.
pub async fn entity_passes(conn: &mut AsyncPgConnection) -> Result<Vec<EntityPasses>, DbError> {
    // A correlated subquery beside aggregate FILTERs: raw SQL says it plainly.
    diesel::sql_query(
        "SELECT r.entity, \
                max(r.finished_at) FILTER (WHERE r.status = 'succeeded') AS last_success, \
                (SELECT extract(epoch FROM l.finished_at - l.started_at)::float8 \
                   FROM zoom.sync_runs l \
                  WHERE l.entity = r.entity AND l.finished_at IS NOT NULL \
                  ORDER BY l.finished_at DESC LIMIT 1) AS last_duration_secs, \
                coalesce(sum(r.rows_inserted), 0)::bigint AS inserted, \
                coalesce(sum(r.rows_updated), 0)::bigint AS updated, \
                coalesce(sum(r.rows_deleted), 0)::bigint AS deleted \
         FROM zoom.sync_runs r GROUP BY r.entity ORDER BY r.entity",
    )
    .load(conn)
    .await
    .map_err(query("reading the sync passes for /metrics"))
}
