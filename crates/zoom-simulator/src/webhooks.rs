//! Zoom's webhooks, as the simulator sends them (<https://developers.zoom.us/docs/api/webhooks/>):
//! when a call through the API changes a user, a meeting, a webinar, a registration or a cloud
//! recording, or a test finishes a recording (`SimHandle::finish_recording`), adds or deletes
//! a phone recording (`SimHandle::add_phone_recording`), holds a meeting or webinar
//! (`SimHandle::join_participant`, `leave_participant`, `end_instance`), or posts, edits or
//! deletes a Team Chat message (`SimHandle::post_message`; `chat`), the event goes to the
//! subscription's URL, signed as Zoom signs it (`zoom_api::webhook`). A delivery answered 5xx,
//! or not at all, is sent again after each of [`WebhookSubscription::retry_delays`] (Zoom: 5,
//! 20 and 60 minutes); one answered 3xx or 4xx is not. Each event is delivered on its own task, so a retrying one holds
//! up no other, and events may arrive out of order, as Zoom's do.

mod chat;

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use rand::Rng;
use serde_json::{Map, Value, json};
use zoom_api::webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, signature};

use crate::model::recording::SimRecording;
use crate::model::user::SimUser;

pub(crate) use chat::{Place, Step, Told};

/// Where the simulator sends its events, and the secret token that signs them.
#[derive(Debug, Clone)]
pub struct WebhookSubscription {
    /// The event notification endpoint URL.
    pub url: String,
    pub secret_token: String,
    /// The waits before each retry of a failed delivery.
    pub retry_delays: Vec<Duration>,
}

impl WebhookSubscription {
    /// With Zoom's retry schedule.
    pub fn new(url: impl Into<String>, secret_token: impl Into<String>) -> Self {
        WebhookSubscription {
            url: url.into(),
            secret_token: secret_token.into(),
            retry_delays: [5, 20, 60]
                .map(|minutes| Duration::from_secs(minutes * 60))
                .to_vec(),
        }
    }
}

/// Sends events for one subscription, or none without one.
pub(crate) struct Outbox {
    subscription: Option<Arc<WebhookSubscription>>,
    account_id: String,
    http: reqwest::Client,
}

impl Outbox {
    pub fn new(subscription: Option<WebhookSubscription>, account_id: &str) -> Outbox {
        // reqwest is built without a TLS provider of its own; plain http still asks for one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        Outbox {
            subscription: subscription.map(Arc::new),
            account_id: account_id.to_owned(),
            http: reqwest::Client::new(),
        }
    }

    /// `user.created` (with `creation_type`), `user.activated`, `user.deactivated`,
    /// `user.deleted`, `user.disassociated`: the user's id, names, email and type.
    pub fn user_event(
        &self,
        event: &str,
        user: &SimUser,
        creation_type: Option<&str>,
        operator: &SimUser,
        now: DateTime<Utc>,
    ) {
        let object = json!({
            "id": user.id,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "type": user.user_type,
        });
        let creation = creation_type.map(|how| ("creation_type", json!(how)));
        let parts = std::iter::once(("object", object)).chain(creation);
        self.send(event, operator, now, parts);
    }

    /// `meeting.created`, `meeting.deleted` and the webinar ones: the session's identity and
    /// schedule, from its `GET` shape.
    pub fn session_event(
        &self,
        event: &str,
        detail: &Value,
        operator: &SimUser,
        now: DateTime<Utc>,
    ) {
        let object = Value::Object(session_object(detail));
        self.send(event, operator, now, std::iter::once(("object", object)));
    }

    /// `meeting.registration_created`, `_approved`, `_denied`, `_cancelled` and the webinar
    /// ones: the session, with the registrant in it.
    pub fn registration_event(
        &self,
        event: &str,
        detail: &Value,
        registrant: Value,
        operator: &SimUser,
        now: DateTime<Utc>,
    ) {
        let mut object = session_object(detail);
        object.insert("registrant".into(), registrant);
        self.send(
            event,
            operator,
            now,
            std::iter::once(("object", Value::Object(object))),
        );
    }

    /// `user.updated`, `meeting.updated`, `webinar.updated`: only the fields that changed, with
    /// their old values in `old_object`; nothing when nothing changed.
    pub fn updated(
        &self,
        event: &str,
        before: &Value,
        after: &Value,
        operator: &SimUser,
        now: DateTime<Utc>,
    ) {
        let (old, new) = changed(before, after);
        if new.len() <= 1 {
            return;
        }
        let stamp = json!(now.timestamp_millis());
        let parts = [
            ("time_stamp", stamp),
            ("object", Value::Object(new)),
            ("old_object", Value::Object(old)),
        ];
        self.send(event, operator, now, parts.into_iter());
    }

    /// `recording.trashed`, `recording.deleted`, `recording.recovered`: the recording as
    /// [`recording_object`] shows it.
    pub fn recording_event(
        &self,
        event: &str,
        object: Value,
        operator: &SimUser,
        now: DateTime<Utc>,
    ) {
        self.send(event, operator, now, std::iter::once(("object", object)));
    }

    /// `recording.completed`: the recording, with no operator (nobody made the change), and
    /// beside the payload the `download_token` that opens its files' `download_url`s.
    pub fn recording_completed(&self, object: Value, now: DateTime<Utc>) {
        let mut payload = Map::new();
        payload.insert("account_id".into(), json!(self.account_id));
        payload.insert("object".into(), object);
        let mut envelope = envelope("recording.completed", now, payload);
        envelope.insert("download_token".into(), json!(download_token()));
        self.post(envelope);
    }

    /// `phone.recording_completed` (the recordings as the listing shows them, with their
    /// `user_id` and `owner`) or `phone.recording_deleted` (`id` and `call_id` each), as Zoom's
    /// Phone event reference shapes them: `payload.object.recordings`, no operator.
    pub fn phone_recording_event(&self, event: &str, recordings: Vec<Value>, now: DateTime<Utc>) {
        self.object_event(event, json!({ "recordings": recordings }), now);
    }

    /// An event no operator made, of what happened at `at`: the payload holds the account's id
    /// and `object`.
    pub fn object_event(&self, event: &str, object: Value, at: DateTime<Utc>) {
        let mut payload = Map::new();
        payload.insert("account_id".into(), json!(self.account_id));
        payload.insert("object".into(), object);
        self.post(envelope(event, at, payload));
    }

    fn send(
        &self,
        event: &str,
        operator: &SimUser,
        now: DateTime<Utc>,
        parts: impl Iterator<Item = (&'static str, Value)>,
    ) {
        let mut payload = Map::new();
        payload.insert("account_id".into(), json!(self.account_id));
        payload.insert("operator".into(), json!(operator.email));
        payload.insert("operator_id".into(), json!(operator.id));
        payload.extend(parts.map(|(k, v)| (k.to_owned(), v)));
        self.post(envelope(event, now, payload));
    }

    fn post(&self, envelope: Map<String, Value>) {
        let Some(subscription) = &self.subscription else {
            return;
        };
        let body = Value::Object(envelope).to_string();
        tokio::spawn(deliver(self.http.clone(), subscription.clone(), body));
    }
}

fn envelope(event: &str, now: DateTime<Utc>, payload: Map<String, Value>) -> Map<String, Value> {
    let mut envelope = Map::new();
    envelope.insert("event".into(), json!(event));
    envelope.insert("event_ts".into(), json!(now.timestamp_millis()));
    envelope.insert("payload".into(), Value::Object(payload));
    envelope
}

/// What the recording events carry of a recording: the listing's item, with the meeting's
/// `type` as the number it is (the listings show it as a string), the host's email, and the
/// meeting's timezone and passcode.
pub(crate) fn recording_object(
    recording: &SimRecording,
    account_id: &str,
    host_email: &str,
    timezone: &str,
    password: &str,
) -> Value {
    let mut object = recording.listing_json(account_id);
    object["type"] = json!(recording.meeting_type);
    object["host_email"] = json!(host_email);
    object["timezone"] = json!(timezone);
    object["password"] = json!(password);
    object
}

/// Zoom's is a token valid for 24 hours; any opaque string stands for it here.
fn download_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What a session's events carry of it: its identity and schedule.
fn session_object(detail: &Value) -> Map<String, Value> {
    const FIELDS: [&str; 9] = [
        "uuid",
        "id",
        "host_id",
        "topic",
        "type",
        "start_time",
        "duration",
        "timezone",
        "join_url",
    ];
    FIELDS
        .iter()
        .filter_map(|&key| Some((key.to_owned(), detail.get(key)?.clone())))
        .collect()
}

/// The fields of `after` that differ from `before`, each side with the `id`. A field `before`
/// did not have is left out of the old side: Zoom's event schemas type every old value, and
/// none of them allows `null`.
fn changed(before: &Value, after: &Value) -> (Map<String, Value>, Map<String, Value>) {
    let mut old = Map::new();
    let mut new = Map::new();
    for side in [&mut old, &mut new] {
        side.insert("id".into(), after.get("id").cloned().unwrap_or(Value::Null));
    }
    let empty = Map::new();
    let before = before.as_object().unwrap_or(&empty);
    for (key, value) in after.as_object().unwrap_or(&empty) {
        let was = before.get(key);
        if was != Some(value) {
            new.insert(key.clone(), value.clone());
            if let Some(was) = was.filter(|was| !was.is_null()) {
                old.insert(key.clone(), was.clone());
            }
        }
    }
    (old, new)
}

async fn deliver(http: reqwest::Client, subscription: Arc<WebhookSubscription>, body: String) {
    let waits = std::iter::once(Duration::ZERO).chain(subscription.retry_delays.iter().copied());
    for wait in waits {
        tokio::time::sleep(wait).await;
        // Each attempt is signed anew, with the time it is sent.
        let timestamp = Utc::now().timestamp().to_string();
        let signed = signature(
            subscription.secret_token.as_bytes(),
            &timestamp,
            body.as_bytes(),
        );
        let answer = http
            .post(&subscription.url)
            .header("content-type", "application/json; charset=utf-8")
            .header(TIMESTAMP_HEADER, &timestamp)
            .header(SIGNATURE_HEADER, signed)
            .body(body.clone())
            .timeout(Duration::from_secs(3))
            .send()
            .await;
        match answer {
            Ok(answer) if answer.status().is_success() => return,
            Ok(answer) if !answer.status().is_server_error() => {
                tracing::warn!(status = %answer.status(), "webhook refused; Zoom does not retry a 3xx or 4xx");
                return;
            }
            Ok(answer) => tracing::info!(status = %answer.status(), "webhook failed; retrying"),
            Err(error) => tracing::info!(%error, "webhook not delivered; retrying"),
        }
    }
    tracing::warn!("webhook given up after Zoom's retries");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_reports_what_changed_and_no_null_old_value() {
        let before = json!({"id": "u1", "a": 1, "b": null, "c": "same"});
        let after = json!({"id": "u1", "a": 2, "b": null, "c": "same", "d": "new"});
        let (old, new) = changed(&before, &after);
        assert_eq!(Value::Object(new), json!({"id": "u1", "a": 2, "d": "new"}));
        assert_eq!(Value::Object(old), json!({"id": "u1", "a": 1}));
    }
}
