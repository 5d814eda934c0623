//! `zoom.webhook_events`: each delivery that passed the signature check, stored once however
//! often Zoom delivers it.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::error::{DbError, query};
use super::schema::webhook_events;

#[derive(Debug, Insertable)]
#[diesel(table_name = webhook_events)]
pub struct NewEvent<'a> {
    pub event: &'a str,
    pub event_ts: DateTime<Utc>,
    /// What tells this event's object from another's: with `event` and `event_ts`, a
    /// redelivery is the same row.
    pub object_key: &'a str,
    pub payload: &'a Value,
}

/// Stores `event`; `false` when it was stored before (Zoom delivered it again).
pub async fn store(conn: &mut AsyncPgConnection, event: &NewEvent<'_>) -> Result<bool, DbError> {
    let inserted = diesel::insert_into(webhook_events::table)
        .values(event)
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map_err(query("storing a webhook event"))?;
    Ok(inserted == 1)
}
