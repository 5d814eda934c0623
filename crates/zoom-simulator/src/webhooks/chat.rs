//! Team Chat's message events (<https://developers.zoom.us/docs/api/team-chat/events/>): Zoom
//! sends the older `chat_message.*` family and the newer `team_chat.*` one side by side, to an
//! app subscribed to both, and the simulator subscribes to everything. The shapes are those of
//! Zoom's event reference, including where they differ: a `chat_message.*` object names the
//! channel and the contact both (the side that does not apply empty), and its `date_time` is
//! the time of the step (posted, updated, deleted), where a `team_chat.*` object's is the time
//! the message was posted; an edit or a deletion names the message a reply answers only in
//! the `team_chat.*` family.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::Outbox;
use crate::model::chat::{SimChannel, SimMessage, member_id};
use crate::model::user::{SimUser, timestamp};

/// What happened to the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Posted,
    Updated,
    Deleted,
}

/// Where a message is, as its events name it.
pub(crate) enum Place<'a> {
    Channel(&'a SimChannel),
    /// The other side of a direct conversation.
    Contact(&'a SimUser),
}

/// A message as its events tell it: the message, its sender (the operator: only the sender
/// posts, edits or deletes a message in the simulator) and where it is.
pub(crate) struct Told<'a> {
    pub message: &'a SimMessage,
    pub sender: &'a SimUser,
    pub place: Place<'a>,
}

impl Outbox {
    /// `chat_message.sent` (`.replied` for a reply), `.updated` or `.deleted`, and the matching
    /// `team_chat.channel_message_*` or `team_chat.dm_message_*`, for `step` at `now`.
    pub fn message_events(&self, step: Step, told: &Told, now: DateTime<Utc>) {
        let legacy = told.legacy_object(step, now);
        let event = match step {
            Step::Posted if told.message.reply_to.is_some() => "chat_message.replied",
            Step::Posted => "chat_message.sent",
            Step::Updated => "chat_message.updated",
            Step::Deleted => "chat_message.deleted",
        };
        self.send(event, told.sender, now, std::iter::once(("object", legacy)));

        let parts = [
            ("operator_member_id", json!(member_id(&told.sender.id))),
            ("by_external_user", json!(false)),
            ("object", told.team_chat_object(step, &self.account_id)),
        ];
        let event = format!("team_chat.{}_message_{}", told.kind(), step.team_chat());
        self.send(&event, told.sender, now, parts.into_iter());
    }
}

impl Step {
    fn team_chat(self) -> &'static str {
        match self {
            Step::Posted => "posted",
            Step::Updated => "updated",
            Step::Deleted => "deleted",
        }
    }
}

impl Told<'_> {
    fn kind(&self) -> &'static str {
        match self.place {
            Place::Channel(_) => "channel",
            Place::Contact(_) => "dm",
        }
    }

    /// The chat session: the channel's, or the contact's (as the sender sees it).
    fn session(&self) -> &str {
        match self.place {
            Place::Channel(c) => &c.id,
            Place::Contact(u) => &u.id,
        }
    }

    /// The `chat_message.*` object: every key always, the reply's parent on `.replied` only.
    fn legacy_object(&self, step: Step, now: DateTime<Utc>) -> Value {
        let message = self.message;
        let at = if step == Step::Posted {
            message.date_time
        } else {
            now
        };
        let (kind, contact, channel) = match self.place {
            Place::Channel(c) => ("to_channel", None, Some(c)),
            Place::Contact(u) => ("to_contact", Some(u), None),
        };
        let mut object = json!({
            "id": message.id,
            "type": kind,
            "date_time": timestamp(at),
            "timestamp": at.timestamp_millis(),
            "session_id": self.session(),
            "contact_email": contact.map(|u| u.email.as_str()).unwrap_or_default(),
            "contact_id": contact.map(|u| u.id.as_str()).unwrap_or_default(),
            "channel_id": channel.map(|c| c.id.as_str()).unwrap_or_default(),
            "channel_name": channel.map(|c| c.name.as_str()).unwrap_or_default(),
            "message": message.message,
        });
        if let (Step::Posted, Some((parent, _))) = (step, &message.reply_to) {
            object["parent_msg_id"] = json!(parent);
        }
        object
    }

    /// The `team_chat.*` object: a deletion's has no session and no text.
    fn team_chat_object(&self, step: Step, account_id: &str) -> Value {
        let message = self.message;
        let mut object = Map::new();
        let mut put = |key: &str, value: Value| object.insert(key.to_owned(), value);
        put("message_id", json!(message.id));
        put("date_time", json!(timestamp(message.date_time)));
        put("timestamp", json!(message.date_time.timestamp_millis()));
        if let Some((parent, _)) = &message.reply_to {
            put("reply_main_message_id", json!(parent));
        }
        match self.place {
            Place::Channel(c) => {
                put("channel_id", json!(c.id));
                put("channel_owner_account_id", json!(account_id));
                put("channel_name", json!(c.name));
            }
            Place::Contact(u) => {
                put("contact_email", json!(u.email));
                put("contact_id", json!(u.id));
                put("contact_account_id", json!(account_id));
                put("contact_member_id", json!(member_id(&u.id)));
            }
        }
        if step != Step::Deleted {
            put("session_id", json!(self.session()));
            put("message", json!(message.message));
        }
        Value::Object(object)
    }
}
