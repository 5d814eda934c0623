//! Zoom Phone through [`SimHandle`]: the account's Phone, users' licences, and recordings a
//! test adds or deletes, each followed by its event as Zoom sends it.

use chrono::{DateTime, SubsecRound, Utc};
use serde_json::{Value, json};

use super::SimHandle;
use crate::generate::phone::recording;
use crate::model::user::UserStatus;

impl SimHandle {
    /// Whether the account has Zoom Phone (generated: it has). Without it every user's
    /// recordings are 403 "Zoom Phone has not been enabled for this account."
    pub fn set_phone_enabled(&self, on: bool) {
        self.state.lock().phone.enabled = on;
    }

    /// Gives or takes a user's (id or email) Phone licence; `false` if there is no such user.
    /// A user without one is 404/1001, as a user that does not exist.
    pub fn set_phone_licence(&self, user: &str, on: bool) -> bool {
        let mut inner = self.state.lock();
        let Some(id) = inner.user(user).map(|u| u.id.clone()) else {
            return false;
        };
        inner.phone.set_licence(&id, on);
        true
    }

    /// The ids of the active users holding a Phone licence, in listing order.
    pub fn phone_users(&self) -> Vec<String> {
        let inner = self.state.lock();
        (inner.users.iter())
            .filter(|u| u.status == UserStatus::Active && inner.phone.licensed(&u.id))
            .map(|u| u.id.clone())
            .collect()
    }

    /// Every phone recording of a user (by exact id), newest first, as the listing shows each.
    pub fn phone_recordings(&self, user_id: &str) -> Vec<Value> {
        let inner = self.state.lock();
        (inner.phone.of(user_id).iter())
            .map(|r| r.listing_json())
            .collect()
    }

    /// A call of the user's (id or email), recorded at `at` (to the second), and
    /// `phone.recording_completed` sent (from within a Tokio runtime, when webhooks are on).
    /// The recording as the listing shows it, or `None` if there is no such user.
    pub fn add_phone_recording(&self, user: &str, at: DateTime<Utc>) -> Option<Value> {
        let mut inner = self.state.lock();
        let index = inner.user_index(user)?;
        let owner = &inner.users[index];
        let added = recording(&mut rand::rng(), owner, index, at.trunc_subsecs(0));
        let listed = added.listing_json();
        let mut event = listed.clone();
        if let Value::Object(object) = &mut event {
            object.insert("user_id".into(), json!(owner.id));
            object.insert(
                "owner".into(),
                json!({"type": "user", "id": owner.id, "name": added.user_name,
                       "extension_number": added.extension}),
            );
        }
        inner.phone.add(added);
        let now = Utc::now();
        (self.state.outbox).phone_recording_event("phone.recording_completed", vec![event], now);
        Some(listed)
    }

    /// Deletes a phone recording for good and sends `phone.recording_deleted`; `false` if
    /// there is no such recording.
    pub fn delete_phone_recording(&self, id: &str) -> bool {
        let Some(gone) = self.state.lock().phone.remove(id) else {
            return false;
        };
        let object = json!({"id": gone.id, "call_id": gone.listing_json()["call_id"]});
        (self.state.outbox).phone_recording_event(
            "phone.recording_deleted",
            vec![object],
            Utc::now(),
        );
        true
    }
}
