//! Team Chat: channels with their members, and messages in a channel or between two users,
//! with Zoom's shapes for them (<https://developers.zoom.us/docs/api/team-chat/>). An edit
//! changes a message's text and marks it edited; a deletion keeps it, marked deleted, since
//! Zoom still lists it to a caller who asks for deleted and edited messages.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::model::user::{SimUser, timestamp};

#[derive(Debug, Clone, PartialEq)]
pub struct SimChannel {
    /// 32 hexadecimal characters.
    pub id: String,
    pub name: String,
    /// 1 private, 2 private within the account, 3 public, 4 instant (a group chat), 5 public
    /// across accounts.
    pub channel_type: u8,
    /// User ids, the owner first.
    pub members: Vec<String>,
}

impl SimChannel {
    /// The item `GET /chat/users/{userId}/channels` lists.
    pub fn listing_json(&self) -> Value {
        json!({
            "id": self.id,
            "jid": format!("{}@conference.xmpp.zoom.us", self.id),
            "name": self.name,
            "type": self.channel_type,
            "channel_url": format!("https://zoom.us/launch/chat/v2/{}", self.id),
            "channel_settings": {
                "add_member_permissions": 1,
                "new_members_can_see_previous_messages_files": true,
                "posting_permissions": 1,
                "mention_all_permissions": 1,
                "allow_to_add_external_users": 0,
            },
        })
    }
}

/// Where a message was posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conversation {
    Channel(String),
    /// Between two users, by id.
    Direct(String, String),
}

impl Conversation {
    /// The other side of a direct conversation `user_id` is part of.
    pub fn peer_of(&self, user_id: &str) -> Option<&str> {
        match self {
            Conversation::Direct(a, b) if a == user_id => Some(b),
            Conversation::Direct(a, b) if b == user_id => Some(a),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageStatus {
    Normal,
    Edited,
    Deleted,
}

impl MessageStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Normal => "Normal",
            MessageStatus::Edited => "Edited",
            MessageStatus::Deleted => "Deleted",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SimMessage {
    /// An upper-case UUID, as Zoom's message ids are.
    pub id: String,
    pub conversation: Conversation,
    /// The sender's user id.
    pub sender: String,
    pub message: String,
    pub date_time: DateTime<Utc>,
    pub status: MessageStatus,
    /// The message this one replies to, with its time.
    pub reply_to: Option<(String, DateTime<Utc>)>,
}

impl SimMessage {
    /// The item `GET /chat/users/{userId}/messages` lists; `status` only when asked for
    /// deleted and edited messages, as Zoom documents.
    pub fn listing_json(&self, sender: Option<&SimUser>, with_status: bool) -> Value {
        let mut item = json!({
            "id": self.id,
            "message": self.message,
            "sender": sender.map(|u| u.email.as_str()).unwrap_or_default(),
            "send_member_id": member_id(&self.sender),
            "sender_display_name": sender.map(|u| u.display_name.as_str()).unwrap_or_default(),
            "date_time": timestamp(self.date_time),
            "timestamp": self.date_time.timestamp_millis(),
            "message_type": "plain_text_message",
        });
        if with_status {
            item["status"] = json!(self.status.as_str());
        }
        if let Some((id, at)) = &self.reply_to {
            item["reply_main_message_id"] = json!(id);
            item["reply_main_message_timestamp"] = json!(at.timestamp_millis());
        }
        item
    }
}

/// A user's Team Chat member id: Zoom gives every user one beside the user id; the simulator
/// derives it from the id.
pub fn member_id(user_id: &str) -> String {
    format!("m{}", user_id.to_ascii_lowercase())
}

/// The account's channels and messages, messages in the order they were posted.
#[derive(Debug, Clone, Default)]
pub struct Chat {
    pub channels: Vec<SimChannel>,
    pub messages: Vec<SimMessage>,
}

impl Chat {
    pub fn channel(&self, id: &str) -> Option<&SimChannel> {
        self.channels.iter().find(|c| c.id == id)
    }

    /// The channels `user_id` is a member of, in creation order.
    pub fn channels_of<'a>(&'a self, user_id: &'a str) -> impl Iterator<Item = &'a SimChannel> {
        (self.channels.iter()).filter(move |c| c.members.iter().any(|m| m == user_id))
    }

    pub fn message_mut(&mut self, id: &str) -> Option<&mut SimMessage> {
        self.messages.iter_mut().find(|m| m.id == id)
    }
}
