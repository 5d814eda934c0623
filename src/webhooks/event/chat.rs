//! Team Chat events (<https://developers.zoom.us/docs/api/team-chat/events/>): the older
//! `chat_message.*` and `chat_channel.*` families and the newer `team_chat.*` one. A posted
//! message's event carries most of what the chat sync reads of it (who sent it is the
//! operator); an edit's tells the new text, a deletion only the message.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::{Change, time};

/// What a Team Chat event does.
#[derive(Debug, Clone, PartialEq)]
pub enum Chat {
    /// A message posted, replied or edited: its row is written from the event.
    Message(ChatPost),
    /// A message deleted: its row is marked, keeping its text.
    MessageDeleted { id: String },
    /// A channel created, renamed or (un)archived: its name and type are written.
    Channel(ChannelNews),
    /// A channel deleted: its row is marked.
    ChannelDeleted { id: String },
}

/// A message as an event tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatPost {
    pub id: String,
    /// The operator (the sender): the side of the conversation the row is recorded from, as
    /// the chat sync records the mirrored user it read a message from.
    pub user_id: String,
    pub place: ChatPlace,
    /// The operator's email.
    pub sender: Option<String>,
    pub send_member_id: Option<String>,
    /// When the message was posted; `None` for an edit, whose event's `date_time` is when the
    /// message was updated (Zoom's `chat_message.updated`).
    pub date_time: Option<DateTime<Utc>>,
    pub timestamp_ms: Option<i64>,
    pub message: Option<String>,
    /// An edit: its text is news, not its times.
    pub edited: bool,
    pub reply_main_message_id: Option<String>,
    /// The event's object, merged into the row's `raw`.
    pub raw: Map<String, Value>,
}

/// Where a message was posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatPlace {
    Channel(String),
    /// The other side of a direct conversation, named as the chat sync names it: the member
    /// ID, else the user ID, else the email.
    Contact(String),
}

/// A channel's name and type as an event tells them.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelNews {
    pub id: String,
    pub name: Option<String>,
    pub channel_type: Option<i32>,
    /// What the event adds to the row's `raw`: `id`, `name` and `type`, and a new channel's
    /// `members` (the event's times are the event's, not the channel's).
    pub raw: Map<String, Value>,
}

/// `chat_message.*`: the object's `id` is the message; `type` says where it was posted.
pub(super) fn chat_message(
    action: &str,
    payload: &Value,
    object: &Map<String, Value>,
) -> Result<Change, &'static str> {
    let edited = match action {
        "sent" | "replied" => false,
        "updated" => true,
        "deleted" => {
            let id = text(object, "id").ok_or("no message id in payload.object")?;
            return Ok(Change::Chat(Chat::MessageDeleted { id }));
        }
        _ => return Ok(Change::Ignore),
    };
    let place = match text(object, "type").as_deref() {
        Some("to_channel") => ChatPlace::Channel(
            text(object, "channel_id").ok_or("no channel_id for a message to a channel")?,
        ),
        Some("to_contact") => contact(object)?,
        _ => return Err("payload.object.type is neither to_channel nor to_contact"),
    };
    let post = post(payload, object, "id", place, edited)?;
    Ok(Change::Chat(Chat::Message(ChatPost {
        reply_main_message_id: text(object, "parent_msg_id"),
        ..post
    })))
}

/// `team_chat.*`: channel and direct messages (the object's `message_id`), and channels
/// archived or unarchived; its other events (reactions, files, invitations …) are not kept.
pub(super) fn team_chat(
    action: &str,
    payload: &Value,
    object: &Map<String, Value>,
) -> Result<Change, &'static str> {
    let (place, step) = match action.split_once("_message_") {
        Some(("channel", step)) => (
            ChatPlace::Channel(
                text(object, "channel_id").ok_or("no channel_id in payload.object")?,
            ),
            step,
        ),
        Some(("dm", step)) => (contact(object)?, step),
        _ if matches!(action, "channel_archived" | "channel_unarchived") => {
            return channel("updated", object);
        }
        _ => return Ok(Change::Ignore),
    };
    let edited = match step {
        "posted" => false,
        "updated" => true,
        "deleted" => {
            let id = text(object, "message_id").ok_or("no message_id in payload.object")?;
            return Ok(Change::Chat(Chat::MessageDeleted { id }));
        }
        _ => return Ok(Change::Ignore),
    };
    let post = post(payload, object, "message_id", place, edited)?;
    Ok(Change::Chat(Chat::Message(ChatPost {
        reply_main_message_id: text(object, "reply_main_message_id"),
        ..post
    })))
}

/// `chat_channel.*`: created, updated and deleted; member events are left to the chat sync,
/// which keeps the members within the account.
pub(super) fn channel(action: &str, object: &Map<String, Value>) -> Result<Change, &'static str> {
    if !matches!(action, "created" | "updated" | "deleted") {
        return Ok(Change::Ignore);
    }
    let id = text(object, "id").ok_or("no channel id in payload.object")?;
    if action == "deleted" {
        return Ok(Change::Chat(Chat::ChannelDeleted { id }));
    }
    let channel_type = object
        .get("type")
        .and_then(Value::as_i64)
        .and_then(|t| i32::try_from(t).ok());
    let raw = ["id", "name", "type", "members"]
        .iter()
        .filter_map(|&key| Some((key.to_owned(), object.get(key)?.clone())))
        .collect();
    Ok(Change::Chat(Chat::Channel(ChannelNews {
        id,
        name: text(object, "name"),
        channel_type,
        raw,
    })))
}

/// A posted or edited message; the reply it answers is the caller's to fill in.
fn post(
    payload: &Value,
    object: &Map<String, Value>,
    id_key: &str,
    place: ChatPlace,
    edited: bool,
) -> Result<ChatPost, &'static str> {
    let operator = |key: &str| {
        payload
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    Ok(ChatPost {
        id: text(object, id_key).ok_or("no message id in payload.object")?,
        user_id: operator("operator_id").ok_or("no payload.operator_id")?,
        place,
        sender: operator("operator"),
        send_member_id: operator("operator_member_id"),
        date_time: time(object, "date_time").filter(|_| !edited),
        timestamp_ms: (object.get("timestamp").and_then(Value::as_i64)).filter(|_| !edited),
        message: text(object, "message"),
        edited,
        reply_main_message_id: None,
        raw: object.clone(),
    })
}

fn contact(object: &Map<String, Value>) -> Result<ChatPlace, &'static str> {
    ["contact_member_id", "contact_id", "contact_email"]
        .iter()
        .find_map(|key| text(object, key))
        .map(ChatPlace::Contact)
        .ok_or("no contact in payload.object for a direct message")
}

/// A text field; a key Zoom sent with stray spaces around it counts (Zoom's own
/// `dm_message_posted` sample has `"contact_account_id "`).
fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    super::text(object, key).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.trim() == key)
            .and_then(|(_, v)| v.as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    })
}
