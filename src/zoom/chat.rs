//! Team Chat (<https://developers.zoom.us/docs/api/team-chat/>): a user's channels and how many
//! members each has, the partners of their direct messages (from their chat sessions), and
//! their messages in one channel or with one contact over a window of time.

use chrono::{DateTime, SecondsFormat, Utc};
use futures::{Stream, TryStreamExt};
use serde_json::Value;

use super::client::ZoomClient;
use super::error::ZoomError;
use super::json::{integer, small_integer, text, timestamp};
use super::paginate::{ListedPage, Listing, Page, pages};
use zoom_api::{Endpoint, path_segment};

/// A channel as `GET /chat/users/{userId}/channels` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatChannel {
    pub id: String,
    pub jid: Option<String>,
    pub name: Option<String>,
    /// 0 unknown, 1 private, 2 private within the account, 3 public, 4 instant (a group
    /// chat), 5 public across accounts.
    pub channel_type: Option<i32>,
    pub channel_url: Option<String>,
    pub settings: Option<Value>,
    pub raw: Value,
}

impl ChatChannel {
    /// `None` without an `id`.
    pub fn from_json(raw: Value) -> Option<ChatChannel> {
        Some(ChatChannel {
            id: text(&raw, "id")?,
            jid: text(&raw, "jid"),
            name: text(&raw, "name"),
            channel_type: small_integer(&raw, "type"),
            channel_url: text(&raw, "channel_url"),
            settings: raw.get("channel_settings").cloned(),
            raw,
        })
    }
}

/// Whose messages with whom: one channel, or one contact (a user id, email or member id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatPeer<'a> {
    Channel(&'a str),
    Contact(&'a str),
}

/// A message as `GET /chat/users/{userId}/messages` lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatMessage {
    pub id: String,
    pub message: Option<String>,
    /// The sender's email; empty (so `None`) for a sender outside the account who is no contact.
    pub sender: Option<String>,
    pub send_member_id: Option<String>,
    pub sender_display_name: Option<String>,
    pub date_time: Option<DateTime<Utc>>,
    /// Milliseconds since the epoch.
    pub timestamp: Option<i64>,
    pub message_type: Option<String>,
    /// `Normal`, `Edited` or `Deleted`: Zoom sends it only to a caller who asks for deleted and
    /// edited messages, as the mirror does.
    pub status: Option<String>,
    pub reply_main_message_id: Option<String>,
    pub raw: Value,
}

impl ChatMessage {
    /// `None` without an `id`.
    pub fn from_json(raw: Value) -> Option<ChatMessage> {
        Some(ChatMessage {
            id: text(&raw, "id")?,
            message: text(&raw, "message"),
            sender: text(&raw, "sender"),
            send_member_id: text(&raw, "send_member_id"),
            sender_display_name: text(&raw, "sender_display_name"),
            date_time: timestamp(&raw, "date_time"),
            timestamp: integer(&raw, "timestamp"),
            message_type: text(&raw, "message_type"),
            status: text(&raw, "status"),
            reply_main_message_id: text(&raw, "reply_main_message_id"),
            raw,
        })
    }
}

/// Each item of every page of `listing` by the first of `keys` it has, once however many times
/// it was listed (a listing restarted on an expired page token lists some again), sorted; and
/// how many items had none of them.
async fn distinct(
    client: &ZoomClient,
    listing: Listing,
    keys: &[&str],
) -> Result<(Vec<String>, usize), ZoomError> {
    let name = |item: Value| keys.iter().find_map(|key| text(&item, key));
    let listed: Vec<ListedPage<String>> = pages(client, listing)
        .map_ok(|page: Page| page.read(name))
        .try_collect()
        .await?;
    let unnamed = listed.iter().map(|p| p.unreadable).sum();
    let mut values: Vec<String> = listed.into_iter().flat_map(|p| p.items).collect();
    values.sort();
    values.dedup();
    Ok((values, unnamed))
}

/// The time as Zoom's chat queries take it, `yyyy-MM-dd'T'HH:mm:ss'Z'`.
fn zoom_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl ZoomClient {
    /// The channels `user_id` is a member of, page by page.
    pub fn list_user_channels<'a>(
        &'a self,
        user_id: &str,
    ) -> impl Stream<Item = Result<ListedPage<ChatChannel>, ZoomError>> + 'a {
        let listing = Listing {
            endpoint: Endpoint::ListUserChannels,
            path: format!("chat/users/{}/channels", path_segment(user_id)),
            query: Vec::new(),
            key: "channels",
        };
        pages(self, listing).map_ok(|page: Page| page.read(ChatChannel::from_json))
    }

    /// The contacts `user_id` exchanged direct messages with between `from` and `to` (the
    /// 1:1 chat sessions), each as its member id, else its user id or email: whatever names it
    /// to the messages listing.
    pub async fn direct_message_partners(
        &self,
        user_id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<String>, ZoomError> {
        let listing = Listing {
            endpoint: Endpoint::ListChatSessions,
            path: format!("chat/users/{}/sessions", path_segment(user_id)),
            query: vec![
                ("type", "1:1".to_owned()),
                ("from", zoom_time(from)),
                ("to", zoom_time(to)),
            ],
            key: "sessions",
        };
        distinct(
            self,
            listing,
            &[
                "peer_contact_member_id",
                "peer_contact_user_id",
                "peer_contact_email",
            ],
        )
        .await
        .map(|(partners, _)| partners)
    }

    /// How many members channel `channel_id` has, external ones included, asked on behalf of
    /// `user_id`, one of them: every page read.
    pub async fn count_channel_members(
        &self,
        user_id: &str,
        channel_id: &str,
    ) -> Result<i64, ZoomError> {
        let listing = Listing {
            endpoint: Endpoint::ListChannelMembers,
            path: format!(
                "chat/users/{}/channels/{}/members",
                path_segment(user_id),
                path_segment(channel_id)
            ),
            query: Vec::new(),
            key: "members",
        };
        // External members have no user id, and members of another account no email.
        let (members, unnamed) = distinct(self, listing, &["member_id", "id", "email"]).await?;
        Ok((members.len() + unnamed) as i64)
    }

    /// `user_id`'s messages with `peer` sent between `from` and `to`, deleted and edited ones
    /// included (with their `status`), page by page.
    pub fn list_chat_messages<'a>(
        &'a self,
        user_id: &str,
        peer: ChatPeer<'_>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl Stream<Item = Result<ListedPage<ChatMessage>, ZoomError>> + 'a {
        let conversation = match peer {
            ChatPeer::Channel(id) => ("to_channel", id.to_owned()),
            ChatPeer::Contact(id) => ("to_contact", id.to_owned()),
        };
        let listing = Listing {
            endpoint: Endpoint::ListChatMessages,
            path: format!("chat/users/{}/messages", path_segment(user_id)),
            query: vec![
                conversation,
                ("from", zoom_time(from)),
                ("to", zoom_time(to)),
                ("include_deleted_and_edited_message", "true".to_owned()),
            ],
            key: "messages",
        };
        pages(self, listing).map_ok(|page: Page| page.read(ChatMessage::from_json))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_message_is_read_with_its_status_and_a_channel_with_its_settings() {
        let raw = json!({
            "id": "EAB58B01-B35F-4F97-BA69-F9650F54679A", "message": "hello", "sender": "",
            "send_member_id": "m1", "date_time": "2026-11-02T10:00:00Z",
            "timestamp": 1_793_613_600_000_i64, "status": "Deleted",
            "reply_main_message_id": "27ED2949-6457-417C-83EA-72515DAF00BD"
        });
        let message = ChatMessage::from_json(raw.clone()).unwrap();
        assert_eq!(message.sender, None);
        assert_eq!(message.status.as_deref(), Some("Deleted"));
        assert_eq!(message.timestamp, Some(1_793_613_600_000));
        assert_eq!(message.raw, raw);
        assert!(ChatMessage::from_json(json!({"message": "no id"})).is_none());
        let channel = ChatChannel::from_json(json!({
            "id": "c1", "name": "Developers", "type": 2,
            "channel_settings": {"posting_permissions": 1}
        }))
        .unwrap();
        assert_eq!(channel.channel_type, Some(2));
        assert_eq!(channel.settings, Some(json!({"posting_permissions": 1})));
        assert_eq!(
            zoom_time(message.date_time.unwrap()),
            "2026-11-02T10:00:00Z"
        );
    }
}
