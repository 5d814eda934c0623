//! The webhooks the simulator delivers, caught by a receiver on a local port as a subscriber's
//! endpoint would catch them: the user and Team Chat message events checked against Zoom's
//! published event schemas (extracted into `zoom_webhook_schemas.json` by
//! `tools/extract-zoom-schemas.py --webhooks`), the meeting, webinar, registration and
//! recording events, and those of a meeting or webinar as it is held, against the fields Zoom's
//! event references document for them, for which no schema file is published with the users'
//! one.

mod attendance;
mod chat;
mod sessions;
mod users;

use std::collections::VecDeque;
use std::sync::LazyLock;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use chrono::Utc;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use zoom_api::webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_matches};

use super::*;
use crate::tests::writes::{created, member, no_content, ok_without_body};

const SECRET: &str = "webhook-test-secret";

/// A subscriber's endpoint: every delivery, its signature checked, in arrival order.
struct Receiver {
    deliveries: mpsc::UnboundedReceiver<Value>,
    /// Deliveries read while waiting for another event: they may arrive in any order.
    early: VecDeque<Value>,
}

impl Receiver {
    /// Listens on a free local port; the subscription to give the simulator.
    async fn start() -> (Receiver, WebhookSubscription) {
        let (tx, deliveries) = mpsc::unbounded_channel();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/zoom", listener.local_addr().unwrap());
        let app = Router::new().route("/zoom", post(receive)).with_state(tx);
        tokio::spawn(async move { axum::serve(listener, app).await });
        let subscription = WebhookSubscription::new(url, SECRET);
        let receiver = Receiver {
            deliveries,
            early: VecDeque::new(),
        };
        (receiver, subscription)
    }

    /// The next delivery of `event`, however many others come first.
    async fn next(&mut self, event: &str) -> Value {
        if let Some(i) = self.early.iter().position(|e| e["event"] == event) {
            return self.early.remove(i).unwrap();
        }
        loop {
            let wait = tokio::time::timeout(Duration::from_secs(10), self.deliveries.recv());
            let delivery = wait
                .await
                .unwrap_or_else(|_| panic!("no {event} within 10 s; got {:?}", self.early))
                .expect("the receiver runs");
            if delivery["event"] == event {
                return delivery;
            }
            self.early.push_back(delivery);
        }
    }
}

async fn receive(
    State(tx): State<mpsc::UnboundedSender<Value>>,
    headers: HeaderMap,
    body: Bytes,
) -> axum::http::StatusCode {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap();
    let timestamp = header(TIMESTAMP_HEADER);
    let signed = signature_matches(
        SECRET.as_bytes(),
        timestamp,
        &body,
        header(SIGNATURE_HEADER),
    );
    assert!(signed, "a delivery signed as Zoom signs it");
    let _ = tx.send(serde_json::from_slice(&body).expect("a JSON body"));
    axum::http::StatusCode::OK
}

/// A simulator sending its events to a fresh receiver, and a token for it.
async fn subscribed(config: SimulatorConfig) -> (Fixture, Receiver, String) {
    let (receiver, subscription) = Receiver::start().await;
    let f = Fixture::start(SimulatorConfig {
        webhooks: Some(subscription),
        ..config
    })
    .await;
    let token = f.token().await;
    (f, receiver, token)
}

/// The envelope every event shares: its name, a millisecond `event_ts` close to now, and a
/// payload with the account's id; the payload.
fn payload<'a>(event: &'a Value, name: &str, f: &Fixture) -> &'a Value {
    assert_eq!(event["event"], name);
    let ts = event["event_ts"]
        .as_i64()
        .expect("event_ts in milliseconds");
    let age = Utc::now().timestamp_millis() - ts;
    assert!((0..60_000).contains(&age), "{name}: event_ts {ts} is now");
    let payload = &event["payload"];
    assert_eq!(
        payload["account_id"],
        f.sim.credentials().account_id.as_str()
    );
    payload
}

/// The operator fields the events of a change made through the API carry.
fn operated(payload: &Value) {
    assert!(
        payload["operator"]
            .as_str()
            .is_some_and(|e| e.contains('@'))
    );
    assert!(
        payload["operator_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty())
    );
}

static SCHEMAS: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../zoom_webhook_schemas.json")).expect("valid JSON")
});

/// What is wrong with the delivery, against the schema Zoom publishes for its event.
fn schema_problems(event: &Value) -> Vec<String> {
    let name = event["event"].as_str().unwrap();
    let schema = &SCHEMAS["events"][name];
    assert!(schema.is_object(), "no schema for {name}");
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .unwrap_or_else(|e| panic!("the schema of {name} does not build: {e}"));
    validator
        .iter_errors(event)
        .map(|e| format!("{name}: {e} at `{}` in {event}", e.instance_path()))
        .collect()
}
