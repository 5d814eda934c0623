//! What the mirror holds, table by table, for `status` and the demo.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::error::{DbError, query};

#[derive(Debug, Clone, QueryableByName)]
pub struct TableCount {
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Rows Zoom still lists.
    #[diesel(sql_type = BigInt)]
    pub live: i64,
    /// Rows marked deleted (or expired).
    #[diesel(sql_type = BigInt)]
    pub deleted: i64,
}

/// Live and deleted rows of every mirror table.
pub async fn table_counts(conn: &mut AsyncPgConnection) -> Result<Vec<TableCount>, DbError> {
    const TABLES: [&str; 7] = [
        "users",
        "meetings",
        "webinars",
        "meeting_registrants",
        "webinar_registrants",
        "recordings",
        "recording_files",
    ];
    let selects: Vec<String> = TABLES
        .iter()
        .map(|t| {
            format!(
                "SELECT '{t}' AS name, count(*) FILTER (WHERE deleted_at IS NULL) AS live, \
                 count(deleted_at) AS deleted FROM zoom.{t}"
            )
        })
        .collect();
    diesel::sql_query(selects.join(" UNION ALL "))
        .load(conn)
        .await
        .map_err(query("counting the mirror's rows"))
}
