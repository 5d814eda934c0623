//! Reading the mirror's tables back as JSON, whatever their columns, so tests compare what
//! landed with what the simulator lists.

use std::collections::BTreeMap;

use diesel::QueryableByName;
use diesel::sql_types::{Jsonb, Text};
use diesel_async::RunQueryDsl;
use serde_json::Value;

use super::TestApp;

#[derive(QueryableByName)]
struct Keyed {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = Jsonb)]
    value: Value,
}

/// A mirror table and the expression that keys its rows.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    pub key: &'static str,
}

impl Table {
    const fn new(name: &'static str, key: &'static str) -> Table {
        Table { name, key }
    }
}

pub const MEETINGS: Table = Table::new("zoom.meetings", "id::text");
pub const WEBINARS: Table = Table::new("zoom.webinars", "id::text");
pub const MEETING_REGISTRANTS: Table =
    Table::new("zoom.meeting_registrants", "meeting_id || '/' || id");
pub const WEBINAR_REGISTRANTS: Table =
    Table::new("zoom.webinar_registrants", "webinar_id || '/' || id");
pub const RECORDINGS: Table = Table::new("zoom.recordings", "uuid");
pub const RECORDING_FILES: Table = Table::new("zoom.recording_files", "id");
/// Joins are keyed by instance, participant and join time as Zoom writes it.
pub const MEETING_PARTICIPANTS: Table = Table::new(
    "zoom.meeting_participants",
    "meeting_uuid || '/' || user_id || '/' || \
     to_char(join_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
);
pub const WEBINAR_PARTICIPANTS: Table = Table::new(
    "zoom.webinar_participants",
    "webinar_uuid || '/' || user_id || '/' || \
     to_char(join_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
);
pub const PHONE_RECORDINGS: Table = Table::new("zoom.phone_recordings", "id");
pub const MEETING_INSTANCES: Table = Table::new("zoom.meeting_instances", "uuid");
pub const WEBINAR_INSTANCES: Table = Table::new("zoom.webinar_instances", "uuid");
pub const CHAT_CHANNELS: Table = Table::new("zoom.chat_channels", "id");
pub const CHAT_MESSAGES: Table = Table::new("zoom.chat_messages", "id");

impl TestApp {
    /// Every row of `table` as a JSON object of its columns, by key.
    pub async fn rows(&self, table: Table) -> BTreeMap<String, Value> {
        self.by_key(table, "to_jsonb(t)").await
    }

    /// The rows of `table` that are not marked deleted.
    pub async fn live_rows(&self, table: Table) -> BTreeMap<String, Value> {
        let mut rows = self.rows(table).await;
        rows.retain(|_, row| row["deleted_at"].is_null());
        rows
    }

    /// Asserts that `table` holds a row for each key of `expected` and no other, its `raw` the
    /// object Zoom listed; returns the rows.
    pub async fn assert_mirrored_raw<'a>(
        &self,
        table: Table,
        expected: impl IntoIterator<Item = (&'a String, &'a Value)>,
    ) -> BTreeMap<String, Value> {
        let rows = self.rows(table).await;
        let expected: BTreeMap<&String, &Value> = expected.into_iter().collect();
        assert_eq!(
            rows.keys().collect::<Vec<_>>(),
            expected.keys().copied().collect::<Vec<_>>(),
            "the rows of {}",
            table.name
        );
        for (key, zoom) in expected {
            assert_eq!(&rows[key]["raw"], zoom, "{key}");
        }
        rows
    }

    /// Each row's `xmin`: Postgres gives a rewritten row a new one.
    pub async fn versions(&self, table: Table) -> BTreeMap<String, String> {
        let versions = self.by_key(table, "to_jsonb(xmin::text)").await;
        (versions.into_iter())
            .map(|(key, xmin)| (key, xmin.as_str().expect("xmin as text").to_owned()))
            .collect()
    }

    /// `value`, a JSON expression over the row `t`, for each row of `table`, by key.
    async fn by_key(&self, table: Table, value: &str) -> BTreeMap<String, Value> {
        let rows: Vec<Keyed> = diesel::sql_query(format!(
            "SELECT {} AS key, {value} AS value FROM {} AS t",
            table.key, table.name
        ))
        .load(&mut self.conn().await)
        .await
        .unwrap_or_else(|e| panic!("reading {}: {e}", table.name));
        rows.into_iter().map(|r| (r.key, r.value)).collect()
    }
}

/// Users are keyed by id, and pending ones (listed without an id) by email.
pub const USERS: Table = Table::new("zoom.users", "coalesce(id, email)");
