//! One delivery to `POST /webhooks/zoom`: refused unless it is Zoom's, answered at once if it
//! is the URL validation, else stored before it is answered 200. Nothing of a refused delivery
//! is kept, and a delivery that cannot be stored is answered 503 so that Zoom delivers it again:
//! what was answered 200 is never lost.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use zoom_api::webhook::URL_VALIDATION_EVENT;

use super::verify::{Refusal, Verifier};
use crate::db::webhook_events::{self, NewEvent};
use crate::db::{self, DbError, DbPool};
use crate::telemetry::metrics::{Metrics, WebhookOutcome};

/// What the endpoint holds: the secrets (none: webhooks are off), where events go, the metrics.
#[derive(Clone)]
pub struct Inbox {
    verifier: Option<std::sync::Arc<Verifier>>,
    pool: DbPool,
    metrics: Metrics,
    /// Told of each event stored, so that it is applied at once.
    stored: std::sync::Arc<tokio::sync::Notify>,
}

/// A delivery taken.
#[derive(Debug, PartialEq)]
pub enum Received {
    /// The answer to Zoom's URL validation, to send back as JSON.
    Validation(Value),
    /// Stored; `first` is false for a redelivery.
    Stored { first: bool },
}

/// A delivery not taken, each with the status it is answered.
#[derive(Debug, thiserror::Error)]
pub enum Rejected {
    #[error("webhooks are off: no webhooks.secret_token is configured")]
    Off,
    #[error("{0}")]
    Refused(#[from] Refusal),
    #[error("the body is not a Zoom event: {0}")]
    Malformed(String),
    #[error("the event could not be stored, so Zoom will deliver it again: {0}")]
    Unavailable(DbError),
}

impl Rejected {
    pub fn status(&self) -> u16 {
        match self {
            Rejected::Off => 404,
            Rejected::Refused(_) => 401,
            Rejected::Malformed(_) => 400,
            Rejected::Unavailable(_) => 503,
        }
    }
}

impl Inbox {
    pub fn new(verifier: Option<Verifier>, pool: DbPool, metrics: Metrics) -> Inbox {
        Inbox {
            verifier: verifier.map(std::sync::Arc::new),
            pool,
            metrics,
            stored: Default::default(),
        }
    }

    /// Notified each time an event is stored for the first time: what the applier waits on.
    pub fn stored_events(&self) -> std::sync::Arc<tokio::sync::Notify> {
        self.stored.clone()
    }

    pub fn is_on(&self) -> bool {
        self.verifier.is_some()
    }

    /// A delivery refused before it was read, as too large.
    pub fn count_refused(&self) {
        self.metrics
            .webhook_event("unknown", WebhookOutcome::Refused);
    }

    /// Takes one delivery with its signature headers, at `now`.
    pub async fn receive(
        &self,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Received, Rejected> {
        let Some(verifier) = &self.verifier else {
            return Err(Rejected::Off);
        };
        let refused = |event: &str, rejected: Rejected| {
            self.metrics.webhook_event(event, WebhookOutcome::Refused);
            rejected
        };
        if let Err(refusal) = verifier.verify(timestamp, signature, body, now) {
            return Err(refused("unknown", refusal.into()));
        }
        let delivery: Delivery =
            read(body).map_err(|why| refused("unknown", Rejected::Malformed(why)))?;
        if delivery.event == URL_VALIDATION_EVENT {
            let plain = delivery.payload.get("plainToken").and_then(Value::as_str);
            let Some(plain) = plain else {
                let why = "endpoint.url_validation without payload.plainToken".to_owned();
                return Err(refused(&delivery.event, Rejected::Malformed(why)));
            };
            return Ok(Received::Validation(verifier.url_validation(plain)));
        }
        match self.store(&delivery).await {
            Ok(first) => {
                let outcome = if first {
                    self.stored.notify_one();
                    WebhookOutcome::Stored
                } else {
                    WebhookOutcome::Duplicate
                };
                self.metrics.webhook_event(&delivery.event, outcome);
                Ok(Received::Stored { first })
            }
            Err(error) => {
                tracing::warn!(event = %delivery.event, %error, "a webhook event was not stored; answered 503");
                self.metrics
                    .webhook_event(&delivery.event, WebhookOutcome::Failed);
                Err(Rejected::Unavailable(error))
            }
        }
    }

    async fn store(&self, delivery: &Delivery) -> Result<bool, DbError> {
        let mut conn = db::connection(&self.pool).await?;
        webhook_events::store(
            &mut conn,
            &NewEvent {
                event: &delivery.event,
                event_ts: delivery.event_ts,
                object_key: &delivery.object_key,
                payload: &delivery.raw,
            },
        )
        .await
    }
}

/// The parts of a delivery the inbox reads; the whole body is kept as `raw`.
struct Delivery {
    event: String,
    event_ts: DateTime<Utc>,
    payload: Value,
    object_key: String,
    raw: Value,
}

/// Reads Zoom's envelope: `{"event": name, "event_ts": milliseconds, "payload": {...}}`.
fn read(body: &[u8]) -> Result<Delivery, String> {
    let raw: Value = serde_json::from_slice(body).map_err(|e| format!("invalid JSON: {e}"))?;
    let event = raw
        .get("event")
        .and_then(Value::as_str)
        .filter(|e| !e.is_empty())
        .ok_or("no event name")?
        .to_owned();
    let event_ts = raw
        .get("event_ts")
        .and_then(Value::as_i64)
        .and_then(|ms| Utc.timestamp_millis_opt(ms).single())
        .ok_or("no event_ts in milliseconds")?;
    let payload = raw.get("payload").cloned().ok_or("no payload")?;
    // The object the event is about; a redelivery carries the same one, byte for byte.
    let about = payload.get("object").unwrap_or(&payload);
    let object_key = hex::encode(Sha256::digest(about.to_string().as_bytes()));
    Ok(Delivery {
        event,
        event_ts,
        payload,
        object_key,
        raw,
    })
}

#[cfg(test)]
mod tests {
    use super::read;

    #[test]
    fn the_envelope_is_read_and_anything_else_is_named() {
        let ok = read(
            br#"{"event":"user.updated","event_ts":1626230691572,"payload":{"object":{"id":"x"}}}"#,
        )
        .unwrap();
        assert_eq!(ok.event, "user.updated");
        assert_eq!(ok.event_ts.timestamp_millis(), 1_626_230_691_572);
        let cases: [(&[u8], &str); 5] = [
            (b"{", "invalid JSON"),
            (br#"{"event_ts":1,"payload":{}}"#, "no event name"),
            (br#"{"event":"user.updated","payload":{}}"#, "no event_ts"),
            (
                br#"{"event":"user.updated","event_ts":"soon","payload":{}}"#,
                "no event_ts",
            ),
            (br#"{"event":"user.updated","event_ts":1}"#, "no payload"),
        ];
        for (body, why) in cases {
            let error = read(body).err().unwrap();
            assert!(error.starts_with(why), "{error}");
        }
    }

    #[test]
    fn the_same_object_gives_the_same_key_and_another_object_another() {
        let key = |body: &[u8]| read(body).unwrap().object_key;
        let a =
            key(br#"{"event":"e","event_ts":1,"payload":{"object":{"id":"a"},"operator":"x"}}"#);
        let again =
            key(br#"{"event":"e","event_ts":1,"payload":{"object":{"id":"a"},"operator":"y"}}"#);
        let b = key(br#"{"event":"e","event_ts":1,"payload":{"object":{"id":"b"}}}"#);
        assert_eq!(a, again);
        assert_ne!(a, b);
    }
}
