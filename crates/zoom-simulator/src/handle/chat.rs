//! Team Chat as a test sees and changes it: channels created, messages posted, edited and
//! deleted as a user of the account would in the Zoom app, each message change followed by
//! its events as Zoom sends them (from within a Tokio runtime, when webhooks are on).

use chrono::{DateTime, Utc};

use super::SimHandle;
use crate::model::chat::{Chat, Conversation, MessageStatus, SimChannel, SimMessage};
use crate::model::ids::{hex32, message_id};
use crate::state::Inner;
use crate::webhooks::{Place, Step, Told};

impl SimHandle {
    /// Every channel and message, deleted ones too.
    pub fn chat(&self) -> Chat {
        self.state.lock().chat.clone()
    }

    /// A private channel of the account with these members (user ids, the owner first); its id.
    pub fn create_channel(&self, name: &str, members: &[&str]) -> String {
        let id = hex32(&mut rand::rng());
        self.state.lock().chat.channels.push(SimChannel {
            id: id.clone(),
            name: name.to_owned(),
            channel_type: 2,
            members: members.iter().map(|m| (*m).to_owned()).collect(),
        });
        id
    }

    /// Removes a channel (its owner deleted it); false if there is no such channel.
    pub fn remove_channel(&self, id: &str) -> bool {
        let mut inner = self.state.lock();
        let before = inner.chat.channels.len();
        inner.chat.channels.retain(|c| c.id != id);
        inner.chat.channels.len() < before
    }

    /// Takes user `user_id` out of channel `id`'s members; false if they were not in it.
    pub fn leave_channel(&self, id: &str, user_id: &str) -> bool {
        let mut inner = self.state.lock();
        let Some(channel) = inner.chat.channels.iter_mut().find(|c| c.id == id) else {
            return false;
        };
        let before = channel.members.len();
        channel.members.retain(|m| m != user_id);
        channel.members.len() < before
    }

    /// Posts a message from user `sender` at `at` (a reply when `reply_to` names one); its id.
    pub fn post_message(
        &self,
        sender: &str,
        conversation: Conversation,
        text: &str,
        at: DateTime<Utc>,
        reply_to: Option<&str>,
    ) -> String {
        let id = message_id(&mut rand::rng());
        let mut inner = self.state.lock();
        let reply_to = reply_to.and_then(|r| {
            let main = inner.chat.messages.iter().find(|m| m.id == r)?;
            Some((main.id.clone(), main.date_time))
        });
        inner.chat.messages.push(SimMessage {
            id: id.clone(),
            conversation,
            sender: sender.to_owned(),
            message: text.to_owned(),
            date_time: at,
            status: MessageStatus::Normal,
            reply_to,
        });
        inner.chat.messages.sort_by_key(|m| m.date_time);
        self.tell(&inner, &id, Step::Posted);
        id
    }

    /// Changes a message's text, marking it edited; false if there is no such message.
    pub fn edit_message(&self, id: &str, text: &str) -> bool {
        let mut inner = self.state.lock();
        let Some(message) = inner.chat.message_mut(id) else {
            return false;
        };
        message.message = text.to_owned();
        message.status = MessageStatus::Edited;
        self.tell(&inner, id, Step::Updated);
        true
    }

    /// Marks a message deleted; false if there is no such message.
    pub fn delete_message(&self, id: &str) -> bool {
        let mut inner = self.state.lock();
        let Some(message) = inner.chat.message_mut(id) else {
            return false;
        };
        message.status = MessageStatus::Deleted;
        self.tell(&inner, id, Step::Deleted);
        true
    }

    /// Sends message `id`'s events for `step`; none for a message whose sender, channel or
    /// contact the account does not have, which Zoom would not tell this account about.
    fn tell(&self, inner: &Inner, id: &str, step: Step) {
        let Some(message) = inner.chat.messages.iter().find(|m| m.id == id) else {
            return;
        };
        let Some(sender) = inner.host(&message.sender) else {
            return;
        };
        let place = match &message.conversation {
            Conversation::Channel(channel) => inner.chat.channel(channel).map(Place::Channel),
            direct => (direct.peer_of(&sender.id))
                .and_then(|peer| inner.host(peer))
                .map(Place::Contact),
        };
        let Some(place) = place else {
            return;
        };
        let told = Told {
            message,
            sender,
            place,
        };
        self.state.outbox.message_events(step, &told, Utc::now());
    }
}
