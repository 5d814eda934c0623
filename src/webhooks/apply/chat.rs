//! Team Chat events: a message or channel row written from the event, under the row's lock,
//! with the event's time as its source time. A message event writes what it tells and keeps
//! what the row has of the rest (an edit's tells neither the message's time nor, in the
//! `chat_message.*` family, the message it replies to; none names the sender's display name),
//! since a message older than the chat sync's window is never read again to repair it. A row
//! holding newer data (a later event, or a sync page requested after the event) is left alone;
//! the chat sync rewrites what an event wrote, the row keyed by the message or channel ID as
//! before.

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::Value;

use super::{ApplyError, Outcome};
use crate::db::chat::{self, ChatTable, Conversation, MessageRow};
use crate::webhooks::event::{ChannelNews, Chat, ChatPlace, ChatPost};

/// Applies `change`, which Zoom told at `at`.
pub(super) async fn write(
    conn: &mut AsyncPgConnection,
    change: &Chat,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Outcome, ApplyError> {
    let (table, id) = match change {
        Chat::Message(post) => (ChatTable::Messages, &post.id),
        Chat::MessageDeleted { id } => (ChatTable::Messages, id),
        Chat::Channel(news) => (ChatTable::Channels, &news.id),
        Chat::ChannelDeleted { id } => (ChatTable::Channels, id),
    };
    conn.transaction(async |conn| {
        let held = chat::held_source_time(conn, table, id).await?;
        if held.flatten().is_some_and(|newer| newer > at) {
            return Ok(Outcome::Stale);
        }
        let written = match change {
            Chat::Message(post) => message(conn, post, at, now).await?,
            Chat::Channel(news) => channel(conn, news, at, now).await?,
            // A deletion of a row the mirror lacks has nothing to mark; the chat sync lists
            // deleted messages, and a deleted channel is listed by no one.
            Chat::MessageDeleted { .. } | Chat::ChannelDeleted { .. } if held.is_none() => false,
            Chat::MessageDeleted { .. } | Chat::ChannelDeleted { .. } => {
                chat::mark_deleted(conn, table, id, at, now).await?
            }
        };
        Ok(if written {
            Outcome::Written
        } else {
            Outcome::Unchanged
        })
    })
    .await
}

async fn message(
    conn: &mut AsyncPgConnection,
    post: &ChatPost,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, ApplyError> {
    let conversation = match &post.place {
        ChatPlace::Channel(id) => Conversation::Channel(id),
        ChatPlace::Contact(id) => Conversation::Contact(id),
    };
    let raw = Value::Object(post.raw.clone());
    let row = MessageRow {
        id: &post.id,
        sender: post.sender.as_deref(),
        send_member_id: post.send_member_id.as_deref(),
        sender_display_name: None,
        date_time: post.date_time,
        timestamp_ms: post.timestamp_ms,
        message_type: None,
        message: post.message.as_deref(),
        status: Some(if post.edited { "Edited" } else { "Normal" }),
        reply_main_message_id: post.reply_main_message_id.as_deref(),
        raw: &raw,
    };
    Ok(chat::merge_message(conn, &post.user_id, conversation, &row, now, at).await?)
}

async fn channel(
    conn: &mut AsyncPgConnection,
    news: &ChannelNews,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, ApplyError> {
    let raw = Value::Object(news.raw.clone());
    let name = news.name.as_deref();
    Ok(chat::upsert_channel_news(conn, &news.id, name, news.channel_type, &raw, now, at).await?)
}
