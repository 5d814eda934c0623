//! Reading the mirror's tables back as JSON, whatever their columns, so tests compare what
//! landed with what the simulator lists.

use std::collections::BTreeMap;

use diesel::QueryableByName;
use diesel::sql_types::{Jsonb, Text};
use diesel_async::RunQueryDsl;
use serde_json::Value;

use super::TestApp;

#[derive(QueryableByName)]
struct Row {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Jsonb)]
    row: Value,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Text)]
    xmin: String,
}

/// A mirror table and the expression that keys its rows.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub key: &'static str,
}

pub const MEETINGS: Table = Table {
    name: "zoom.meetings",
    key: "id::text",
};
pub const WEBINARS: Table = Table {
    name: "zoom.webinars",
    key: "id::text",
};
pub const MEETING_REGISTRANTS: Table = Table {
    name: "zoom.meeting_registrants",
    key: "meeting_id || '/' || id",
};
pub const WEBINAR_REGISTRANTS: Table = Table {
    name: "zoom.webinar_registrants",
    key: "webinar_id || '/' || id",
};
pub const RECORDINGS: Table = Table {
    name: "zoom.recordings",
    key: "uuid",
};
pub const RECORDING_FILES: Table = Table {
    name: "zoom.recording_files",
    key: "id",
};

impl TestApp {
    /// Every row of `table` as a JSON object of its columns, by key.
    pub async fn rows(&self, table: Table) -> BTreeMap<String, Value> {
        let rows: Vec<Row> = diesel::sql_query(format!(
            "SELECT {} AS key, to_jsonb(t) AS row FROM {} AS t",
            table.key, table.name
        ))
        .load(&mut self.conn().await)
        .await
        .unwrap_or_else(|e| panic!("reading {}: {e}", table.name));
        rows.into_iter().map(|r| (r.key, r.row)).collect()
    }

    /// The rows of `table` that are not marked deleted.
    pub async fn live_rows(&self, table: Table) -> BTreeMap<String, Value> {
        let mut rows = self.rows(table).await;
        rows.retain(|_, row| row["deleted_at"].is_null());
        rows
    }

    /// Each row's `xmin`: Postgres gives a rewritten row a new one.
    pub async fn versions(&self, table: Table) -> BTreeMap<String, String> {
        let rows: Vec<Version> = diesel::sql_query(format!(
            "SELECT {} AS key, xmin::text AS xmin FROM {} AS t",
            table.key, table.name
        ))
        .load(&mut self.conn().await)
        .await
        .unwrap_or_else(|e| panic!("reading {}: {e}", table.name));
        rows.into_iter().map(|r| (r.key, r.xmin)).collect()
    }
}

/// Users are keyed by id, and pending ones (listed without an id) by email.
pub const USERS: Table = Table {
    name: "zoom.users",
    key: "coalesce(id, email)",
};
