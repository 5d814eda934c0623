//! The account's Team Chat: a channel for every five active users (in listing order), and
//! `chat_messages_per_user` messages from each active user over the three weeks before the
//! anchor day, alternately in the sender's channel and to the next active user directly. Every
//! seventh message was edited and every eleventh deleted. Drawn from an RNG of its own, so it
//! changes nothing else in the account.

use chrono::{DateTime, Duration, NaiveTime, Utc};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use crate::generate::spec::{AccountSpec, anchor_day};
use crate::model::chat::{Chat, Conversation, MessageStatus, SimChannel, SimMessage};
use crate::model::ids::{hex32, message_id};
use crate::model::user::{SimUser, UserStatus};

/// What makes the chat's RNG differ from the others for the same seed.
const SALT: u64 = 0x7465_616d_6368_6174;
/// Members of a generated channel.
const TEAM: usize = 5;
/// How far back generated messages go.
const DAYS: i64 = 21;

pub(crate) fn generate(spec: &AccountSpec, users: &[SimUser]) -> Chat {
    let mut rng = StdRng::seed_from_u64(spec.seed ^ SALT);
    let anchor = anchor_day(spec).and_time(NaiveTime::MIN).and_utc();
    let active: Vec<&SimUser> = (users.iter())
        .filter(|u| u.status == UserStatus::Active)
        .collect();
    let mut chat = Chat::default();
    if spec.chat_messages_per_user == 0 {
        return chat;
    }
    for (n, team) in active.chunks(TEAM).enumerate() {
        chat.channels.push(SimChannel {
            id: hex32(&mut rng),
            name: format!("Team {}", n + 1),
            channel_type: 2,
            members: team.iter().map(|u| u.id.clone()).collect(),
        });
    }
    let mut count = 0usize;
    for (i, sender) in active.iter().enumerate() {
        for k in 0..spec.chat_messages_per_user {
            let peer = active[(i + 1) % active.len()];
            let conversation = if k % 2 == 1 && peer.id != sender.id {
                Conversation::Direct(sender.id.clone(), peer.id.clone())
            } else {
                Conversation::Channel(chat.channels[i / TEAM].id.clone())
            };
            count += 1;
            let status = if count.is_multiple_of(11) {
                MessageStatus::Deleted
            } else if count.is_multiple_of(7) {
                MessageStatus::Edited
            } else {
                MessageStatus::Normal
            };
            chat.messages.push(SimMessage {
                id: message_id(&mut rng),
                conversation,
                sender: sender.id.clone(),
                message: format!("message {k} from {}", sender.display_name),
                date_time: before(anchor, &mut rng),
                status,
                reply_to: None,
            });
        }
    }
    chat.messages.sort_by_key(|m| m.date_time);
    chat
}

/// A time within [`DAYS`] before `anchor`, to the second.
fn before(anchor: DateTime<Utc>, rng: &mut StdRng) -> DateTime<Utc> {
    anchor - Duration::seconds(rng.random_range(1..DAYS * 86_400))
}
