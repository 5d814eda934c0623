//! `zoom.chat_channels`, `zoom.chat_messages` and `zoom.chat_reads`. A channel is listed once
//! for each member the mirror walks, so its row gathers them in `member_user_ids`; a message
//! is seen from each side of a direct conversation and from each member of a channel, and is
//! one row all the same. `member_count` counts all of a channel's members, from its own
//! member listing.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_query;
use diesel::sql_types::{Array, BigInt, Integer, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::Value;

use super::error::{DbError, query};
use super::schema::{chat_channels, chat_reads};
use super::sync_runs::RowCounts;
use super::upserted::{NO_OLDER, Upserted, column, counts, last_per_key};

#[derive(Debug, Clone, Copy)]
pub struct ChannelRow<'a> {
    pub id: &'a str,
    pub jid: Option<&'a str>,
    pub name: Option<&'a str>,
    pub channel_type: Option<i32>,
    pub channel_url: Option<&'a str>,
    pub settings: Option<&'a Value>,
    pub raw: &'a Value,
}

/// Upserts one page of `user_id`'s channels, whose data Zoom had at `source_time` (a channel
/// that changed or was marked deleted is rewritten, no row holding newer data is), and adds the
/// user to each one's members whatever the channel's data: that the user's listing has it is
/// news even when another member's listing, asked for later, wrote the channel first. Counts
/// are of the channels' data; a member added alone counts as unchanged.
pub async fn upsert_channels(
    conn: &mut AsyncPgConnection,
    user_id: &str,
    rows: &[ChannelRow<'_>],
    now: DateTime<Utc>,
    source_time: DateTime<Utc>,
) -> Result<RowCounts, DbError> {
    let rows = last_per_key(rows, |r| r.id);
    conn.transaction(async |conn| {
        let written = write_channels(conn, user_id, &rows, now, source_time).await?;
        // Raw: the builder has no array append.
        sql_query(
            "UPDATE zoom.chat_channels SET member_user_ids = member_user_ids || $1 \
             WHERE id = ANY ($2) AND NOT $1 = ANY (member_user_ids)",
        )
        .bind::<Text, _>(user_id)
        .bind::<Array<Text>, _>(column(&rows, |r| r.id))
        .execute(conn)
        .await
        .map_err(query("adding a member to chat channels"))?;
        Ok(written)
    })
    .await
}

async fn write_channels(
    conn: &mut AsyncPgConnection,
    user_id: &str,
    rows: &[&ChannelRow<'_>],
    now: DateTime<Utc>,
    source_time: DateTime<Utc>,
) -> Result<RowCounts, DbError> {
    // Raw: an `unnest` page upsert, faster than the builder's (figures in `upserted.rs`).
    let returned: Vec<Upserted> = sql_query(format!(
        "INSERT INTO zoom.chat_channels AS t (id, jid, name, type, channel_url, settings, raw, \
                                             member_user_ids, synced_at, source_time) \
         SELECT u.*, ARRAY[$8], $9, $10 FROM unnest($1, $2, $3, $4, $5, $6, $7) AS u \
         ON CONFLICT (id) DO UPDATE SET \
             jid = excluded.jid, name = excluded.name, type = excluded.type, \
             channel_url = excluded.channel_url, settings = excluded.settings, \
             raw = excluded.raw, synced_at = excluded.synced_at, deleted_at = NULL, \
             source_time = excluded.source_time \
         WHERE (t.raw IS DISTINCT FROM excluded.raw OR t.deleted_at IS NOT NULL) \
           AND {NO_OLDER} \
         RETURNING (xmax = 0) AS inserted",
    ))
    .bind::<Array<Text>, _>(column(rows, |r| r.id))
    .bind::<Array<Nullable<Text>>, _>(column(rows, |r| r.jid))
    .bind::<Array<Nullable<Text>>, _>(column(rows, |r| r.name))
    .bind::<Array<Nullable<Integer>>, _>(column(rows, |r| r.channel_type))
    .bind::<Array<Nullable<Text>>, _>(column(rows, |r| r.channel_url))
    .bind::<Array<Nullable<Jsonb>>, _>(column(rows, |r| r.settings))
    .bind::<Array<Jsonb>, _>(column(rows, |r| r.raw))
    .bind::<Text, _>(user_id)
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(source_time)
    .get_results(conn)
    .await
    .map_err(query("upserting chat channels"))?;
    Ok(counts(rows.len(), &returned))
}

/// After a complete listing of `user_id`'s channels begun at `fence`: the user leaves the
/// members of every channel the listing did not have (and that nothing wrote since), and a
/// channel left without members is marked deleted. Returns how many were marked.
pub async fn mark_unlisted_channels(
    conn: &mut AsyncPgConnection,
    user_id: &str,
    listed: &[String],
    fence: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<i64, DbError> {
    #[derive(QueryableByName)]
    struct Marked {
        #[diesel(sql_type = diesel::sql_types::Bool)]
        deleted: bool,
    }
    // Raw: the builder has no `array_remove`.
    let marked: Vec<Marked> = sql_query(
        "UPDATE zoom.chat_channels SET \
             member_user_ids = array_remove(member_user_ids, $1), \
             deleted_at = CASE WHEN member_user_ids = ARRAY[$1] THEN $4 ELSE deleted_at END, \
             source_time = $3 \
         WHERE $1 = ANY (member_user_ids) AND NOT (id = ANY ($2)) \
           AND synced_at < $3 AND (source_time IS NULL OR source_time < $3) \
         RETURNING deleted_at IS NOT NULL AS deleted",
    )
    .bind::<Text, _>(user_id)
    .bind::<Array<Text>, _>(listed)
    .bind::<Timestamptz, _>(fence)
    .bind::<Timestamptz, _>(now)
    .get_results(conn)
    .await
    .map_err(query("marking unlisted chat channels"))?;
    Ok(marked.iter().filter(|m| m.deleted).count() as i64)
}

/// A live channel and the mirrored users among its members: whom its members may be asked of.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ChannelMembers {
    pub id: String,
    pub member_user_ids: Vec<String>,
}

/// How many live channels have a mirrored member.
pub async fn count_channels_with_members(conn: &mut AsyncPgConnection) -> Result<i64, DbError> {
    chat_channels::table
        .filter(chat_channels::deleted_at.is_null())
        .filter(chat_channels::member_user_ids.ne(Vec::<String>::new()))
        .count()
        .get_result(conn)
        .await
        .map_err(query("counting chat channels"))
}

/// Up to `limit` live channels with a mirrored member, in id order after `after`.
pub async fn channels_with_members_after(
    conn: &mut AsyncPgConnection,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<ChannelMembers>, DbError> {
    chat_channels::table
        .filter(chat_channels::deleted_at.is_null())
        .filter(chat_channels::member_user_ids.ne(Vec::<String>::new()))
        .filter(chat_channels::id.gt(after.unwrap_or_default()))
        .order(chat_channels::id)
        .limit(limit)
        .select((chat_channels::id, chat_channels::member_user_ids))
        .load(conn)
        .await
        .map_err(query("reading chat channels to count their members"))
}

/// Records that channel `id` has `count` members; false if the row said so already.
pub async fn record_member_count(
    conn: &mut AsyncPgConnection,
    id: &str,
    count: i32,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let written = diesel::update(chat_channels::table)
        .filter(chat_channels::id.eq(id))
        .filter(chat_channels::member_count.is_distinct_from(count))
        .set((
            chat_channels::member_count.eq(count),
            chat_channels::synced_at.eq(now),
        ))
        .execute(conn)
        .await
        .map_err(query("recording a chat channel's member count"))?;
    Ok(written > 0)
}

/// The conversation a message was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversation<'a> {
    Channel(&'a str),
    /// A direct-message contact, as the user's chat sessions name it.
    Contact(&'a str),
}

impl<'a> Conversation<'a> {
    fn kind(self) -> &'static str {
        match self {
            Conversation::Channel(_) => "channel",
            Conversation::Contact(_) => "contact",
        }
    }

    /// The row's `channel_id` and `to_contact`.
    fn columns(self) -> (Option<&'a str>, Option<&'a str>) {
        match self {
            Conversation::Channel(id) => (Some(id), None),
            Conversation::Contact(id) => (None, Some(id)),
        }
    }

    fn peer(self) -> &'a str {
        match self {
            Conversation::Channel(id) | Conversation::Contact(id) => id,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct MessageRow<'a> {
    pub id: &'a str,
    pub sender: Option<&'a str>,
    pub send_member_id: Option<&'a str>,
    pub sender_display_name: Option<&'a str>,
    pub date_time: Option<DateTime<Utc>>,
    pub timestamp_ms: Option<i64>,
    pub message_type: Option<&'a str>,
    pub message: Option<&'a str>,
    pub status: Option<&'a str>,
    pub reply_main_message_id: Option<&'a str>,
    pub raw: &'a Value,
}

/// Upserts one page of `user_id`'s messages in `conversation`. A changed message (an edit) is
/// rewritten; one listed as `Deleted` gets `deleted_at`, keeping its text if Zoom lists none.
/// A message already mirrored from the other side of a direct conversation, or by another
/// member of a channel, keeps the user and conversation it was first read in.
pub async fn upsert_messages(
    conn: &mut AsyncPgConnection,
    user_id: &str,
    conversation: Conversation<'_>,
    rows: &[MessageRow<'_>],
    now: DateTime<Utc>,
    source_time: DateTime<Utc>,
) -> Result<RowCounts, DbError> {
    let rows = last_per_key(rows, |r| r.id);
    let (channel, contact) = conversation.columns();
    // Raw: an `unnest` page upsert, faster than the builder's (figures in `upserted.rs`).
    let returned: Vec<Upserted> = sql_query(format!(
        "INSERT INTO zoom.chat_messages AS t (id, sender, send_member_id, sender_display_name, \
             date_time, timestamp_ms, message_type, message, status, reply_main_message_id, raw, \
             user_id, channel_id, to_contact, synced_at, source_time, deleted_at) \
         SELECT u.*, $12, $13, $14, $15, $16, \
                CASE WHEN u.status = 'Deleted' THEN $15 END \
         FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             AS u (id, sender, send_member_id, sender_display_name, date_time, timestamp_ms, \
                   message_type, message, status, reply_main_message_id, raw) \
         ON CONFLICT (id) DO UPDATE SET \
             sender = excluded.sender, send_member_id = excluded.send_member_id, \
             sender_display_name = excluded.sender_display_name, \
             date_time = excluded.date_time, timestamp_ms = excluded.timestamp_ms, \
             message_type = excluded.message_type, \
             message = CASE WHEN excluded.status = 'Deleted' \
                            THEN coalesce(nullif(excluded.message, ''), t.message) \
                            ELSE excluded.message END, \
             status = excluded.status, reply_main_message_id = excluded.reply_main_message_id, \
             raw = excluded.raw, synced_at = excluded.synced_at, \
             source_time = excluded.source_time, \
             deleted_at = CASE WHEN excluded.status = 'Deleted' \
                               THEN coalesce(t.deleted_at, excluded.deleted_at) END \
         WHERE t.raw IS DISTINCT FROM excluded.raw AND {NO_OLDER} \
         RETURNING (xmax = 0) AS inserted",
    ))
    .bind::<Array<Text>, _>(column(&rows, |r| r.id))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.sender))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.send_member_id))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.sender_display_name))
    .bind::<Array<Nullable<Timestamptz>>, _>(column(&rows, |r| r.date_time))
    .bind::<Array<Nullable<BigInt>>, _>(column(&rows, |r| r.timestamp_ms))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.message_type))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.message))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.status))
    .bind::<Array<Nullable<Text>>, _>(column(&rows, |r| r.reply_main_message_id))
    .bind::<Array<Jsonb>, _>(column(&rows, |r| r.raw))
    .bind::<Text, _>(user_id)
    .bind::<Nullable<Text>, _>(channel)
    .bind::<Nullable<Text>, _>(contact)
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(source_time)
    .get_results(conn)
    .await
    .map_err(query("upserting chat messages"))?;
    Ok(counts(rows.len(), &returned))
}

/// Writes a message as an event told it at `source_time`: what `row` has replaces the row's,
/// what it lacks stays (an event names no display name or message type, and an edit's event no
/// time of the message, nor always the message it replies to), and `raw` gains the event's
/// object. A message the mirror lacks is inserted with what `row` has. False if the row held it
/// already or holds newer data.
pub async fn merge_message(
    conn: &mut AsyncPgConnection,
    user_id: &str,
    conversation: Conversation<'_>,
    row: &MessageRow<'_>,
    now: DateTime<Utc>,
    source_time: DateTime<Utc>,
) -> Result<bool, DbError> {
    let (channel, contact) = conversation.columns();
    // Raw: the builder has no jsonb `||`.
    let written = sql_query(format!(
        "INSERT INTO zoom.chat_messages AS t (id, sender, send_member_id, sender_display_name, \
             date_time, timestamp_ms, message_type, message, status, reply_main_message_id, raw, \
             user_id, channel_id, to_contact, synced_at, source_time) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) \
         ON CONFLICT (id) DO UPDATE SET \
             sender = coalesce(excluded.sender, t.sender), \
             send_member_id = coalesce(excluded.send_member_id, t.send_member_id), \
             sender_display_name = coalesce(excluded.sender_display_name, t.sender_display_name), \
             date_time = coalesce(excluded.date_time, t.date_time), \
             timestamp_ms = coalesce(excluded.timestamp_ms, t.timestamp_ms), \
             message_type = coalesce(excluded.message_type, t.message_type), \
             message = coalesce(excluded.message, t.message), status = excluded.status, \
             reply_main_message_id = \
                 coalesce(excluded.reply_main_message_id, t.reply_main_message_id), \
             raw = t.raw || excluded.raw, synced_at = excluded.synced_at, \
             source_time = excluded.source_time \
         WHERE (t.raw IS DISTINCT FROM t.raw || excluded.raw \
                OR t.status IS DISTINCT FROM excluded.status) \
           AND {NO_OLDER}",
    ))
    .bind::<Text, _>(row.id)
    .bind::<Nullable<Text>, _>(row.sender)
    .bind::<Nullable<Text>, _>(row.send_member_id)
    .bind::<Nullable<Text>, _>(row.sender_display_name)
    .bind::<Nullable<Timestamptz>, _>(row.date_time)
    .bind::<Nullable<BigInt>, _>(row.timestamp_ms)
    .bind::<Nullable<Text>, _>(row.message_type)
    .bind::<Nullable<Text>, _>(row.message)
    .bind::<Nullable<Text>, _>(row.status)
    .bind::<Nullable<Text>, _>(row.reply_main_message_id)
    .bind::<Jsonb, _>(row.raw)
    .bind::<Text, _>(user_id)
    .bind::<Nullable<Text>, _>(channel)
    .bind::<Nullable<Text>, _>(contact)
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(source_time)
    .execute(conn)
    .await
    .map_err(query("writing a chat message from a webhook event"))?;
    Ok(written > 0)
}

/// Up to when `user_id`'s messages in `conversation` were read whole; `None` if never.
pub async fn read_to(
    conn: &mut AsyncPgConnection,
    user_id: &str,
    conversation: Conversation<'_>,
) -> Result<Option<DateTime<Utc>>, DbError> {
    chat_reads::table
        .filter(chat_reads::user_id.eq(user_id))
        .filter(chat_reads::kind.eq(conversation.kind()))
        .filter(chat_reads::peer.eq(conversation.peer()))
        .select(chat_reads::read_to)
        .first(conn)
        .await
        .optional()
        .map_err(query("reading how far a chat conversation was read"))
}

/// The earliest time up to which any of `user_id`'s direct conversations was read; `None` if
/// the user has none read yet.
pub async fn earliest_contact_read_to(
    conn: &mut AsyncPgConnection,
    user_id: &str,
) -> Result<Option<DateTime<Utc>>, DbError> {
    chat_reads::table
        .filter(chat_reads::user_id.eq(user_id))
        .filter(chat_reads::kind.eq("contact"))
        .select(diesel::dsl::min(chat_reads::read_to))
        .first(conn)
        .await
        .map_err(query("reading how far a user's chats were read"))
}

/// Records that `user_id`'s messages in `conversation` were read whole up to `read_to`.
pub async fn record_read(
    conn: &mut AsyncPgConnection,
    user_id: &str,
    conversation: Conversation<'_>,
    read_to: DateTime<Utc>,
) -> Result<(), DbError> {
    diesel::insert_into(chat_reads::table)
        .values((
            chat_reads::user_id.eq(user_id),
            chat_reads::kind.eq(conversation.kind()),
            chat_reads::peer.eq(conversation.peer()),
            chat_reads::read_to.eq(read_to),
        ))
        .on_conflict((chat_reads::user_id, chat_reads::kind, chat_reads::peer))
        .do_update()
        .set(chat_reads::read_to.eq(read_to))
        .execute(conn)
        .await
        .map_err(query("recording how far a chat conversation was read"))?;
    Ok(())
}

/// A Team Chat table a webhook event writes one row of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatTable {
    Channels,
    Messages,
}

impl ChatTable {
    fn name(self) -> &'static str {
        match self {
            ChatTable::Channels => "chat_channels",
            ChatTable::Messages => "chat_messages",
        }
    }
}

/// When the data of row `id` was current, locking the row until the transaction ends: `None`
/// without the row, `Some(None)` for a row without a source time.
pub async fn held_source_time(
    conn: &mut AsyncPgConnection,
    table: ChatTable,
    id: &str,
) -> Result<Option<Option<DateTime<Utc>>>, DbError> {
    #[derive(QueryableByName)]
    struct Held {
        #[diesel(sql_type = Nullable<Timestamptz>)]
        source_time: Option<DateTime<Utc>>,
    }
    // Raw: one statement for either table.
    let held: Option<Held> = sql_query(format!(
        "SELECT source_time FROM zoom.{} WHERE id = $1 FOR UPDATE",
        table.name()
    ))
    .bind::<Text, _>(id)
    .get_result(conn)
    .await
    .optional()
    .map_err(query("reading a chat row for a webhook event"))?;
    Ok(held.map(|h| h.source_time))
}

/// Marks row `id` deleted as of `source_time` (a message keeps its text, with status
/// `Deleted`); false if it was already.
pub async fn mark_deleted(
    conn: &mut AsyncPgConnection,
    table: ChatTable,
    id: &str,
    source_time: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbError> {
    let status = match table {
        ChatTable::Messages => ", status = 'Deleted'",
        ChatTable::Channels => "",
    };
    // Raw: one statement for either table.
    let marked = sql_query(format!(
        "UPDATE zoom.{} SET deleted_at = $3, source_time = $2, synced_at = $3{status} \
         WHERE id = $1 AND deleted_at IS NULL",
        table.name()
    ))
    .bind::<Text, _>(id)
    .bind::<Timestamptz, _>(source_time)
    .bind::<Timestamptz, _>(now)
    .execute(conn)
    .await
    .map_err(query("marking a chat row deleted"))?;
    Ok(marked > 0)
}

/// Writes a channel's name and type as an event told them at `source_time`, adding `raw` to
/// the row's (its members and settings stay); a channel the mirror lacks is inserted, a
/// deleted one restored. False if the row held it already or holds newer data.
pub async fn upsert_channel_news(
    conn: &mut AsyncPgConnection,
    id: &str,
    name: Option<&str>,
    channel_type: Option<i32>,
    raw: &Value,
    now: DateTime<Utc>,
    source_time: DateTime<Utc>,
) -> Result<bool, DbError> {
    // Raw: the builder has no jsonb `||`.
    let written = sql_query(format!(
        "INSERT INTO zoom.chat_channels AS t (id, name, type, raw, synced_at, source_time) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (id) DO UPDATE SET \
             name = coalesce(excluded.name, t.name), type = coalesce(excluded.type, t.type), \
             raw = t.raw || excluded.raw, synced_at = excluded.synced_at, deleted_at = NULL, \
             source_time = excluded.source_time \
         WHERE (t.raw IS DISTINCT FROM t.raw || excluded.raw OR t.deleted_at IS NOT NULL) \
           AND {NO_OLDER}",
    ))
    .bind::<Text, _>(id)
    .bind::<Nullable<Text>, _>(name)
    .bind::<Nullable<Integer>, _>(channel_type)
    .bind::<Jsonb, _>(raw)
    .bind::<Timestamptz, _>(now)
    .bind::<Timestamptz, _>(source_time)
    .execute(conn)
    .await
    .map_err(query("writing a chat channel from a webhook event"))?;
    Ok(written > 0)
}
