//! What the mirror holds, table by table, for `status` and the demo.

use diesel::dsl::count;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::error::{DbError, query};
use super::schema;

#[derive(Debug, Clone, Queryable)]
pub struct TableCount {
    pub name: String,
    /// Rows Zoom still lists.
    pub live: i64,
    /// Rows marked deleted (or expired).
    pub deleted: i64,
}

/// One statement, so that every table is counted in the same snapshot.
macro_rules! counts {
    ($($table:ident),+) => {
        counts!(@union $(schema::$table::table.select((
            stringify!($table).into_sql::<Text>(),
            // `raw` is never NULL, so this counts rows: Diesel's `count_star()` takes no `FILTER`.
            count(schema::$table::raw).aggregate_filter(schema::$table::deleted_at.is_null()),
            count(schema::$table::deleted_at),
        ))),+)
    };
    (@union $first:expr $(, $rest:expr)*) => {
        $first$(.union_all($rest))*
    };
}

/// Live and deleted rows of every mirror table.
pub async fn table_counts(conn: &mut AsyncPgConnection) -> Result<Vec<TableCount>, DbError> {
    counts!(
        users,
        meetings,
        webinars,
        meeting_registrants,
        webinar_registrants,
        recordings,
        recording_files,
        meeting_participants,
        webinar_participants,
        phone_recordings,
        chat_channels,
        chat_messages
    )
    .load(conn)
    .await
    .map_err(query("counting the mirror's rows"))
}
