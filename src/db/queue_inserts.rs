//! The write queue's insert notifications: the table's statement trigger sends `NOTIFY` on
//! [`CHANNEL`] (migration 000004), and a connection that LISTENs hears each insert.

use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::error::{DbError, query};
use super::target::DbTarget;

/// The channel the insert trigger notifies.
pub const CHANNEL: &str = "zoom_write_queue";

/// A connection of its own that hears every insert into `zoom.write_queue`.
pub async fn listen(db: &DbTarget) -> Result<AsyncPgConnection, DbError> {
    let mut conn = db.connect().await?;
    // Raw: LISTEN is a utility statement, which the query builder has no form for.
    diesel::sql_query(format!("LISTEN {CHANNEL}"))
        .execute(&mut conn)
        .await
        .map_err(query("listening for new write-back rows"))?;
    Ok(conn)
}
