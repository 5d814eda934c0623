//! The daemon's listener: Zoom's webhook deliveries through the real router into a real
//! database (refused, validated, stored once), and the health, readiness and metrics routes.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use reqwest::StatusCode;
use secrecy::SecretString;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use zoom_api::webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, signature};
use zoom_mirror::clock::Clock;
use zoom_mirror::db::{self, DbPool, schema::webhook_events};
use zoom_mirror::service::http::{Endpoints, serve};
use zoom_mirror::telemetry::metrics::Metrics;
use zoom_mirror::webhooks::{Inbox, Verifier};
use zoom_simulator::{SimulatorConfig, WebhookSubscription};

use crate::support::TestApp;
use crate::support::app::account;
use crate::support::db_proxy::DbProxy;

pub(crate) const SECRET: &str = "whsec-current";
const OLD_SECRET: &str = "whsec-previous";

/// The router on a port of its own, as `run` serves it.
pub(crate) struct Listener {
    base: String,
    http: reqwest::Client,
    migrated: Arc<AtomicBool>,
    stop: CancellationToken,
}

impl Listener {
    async fn start(pool: DbPool, secrets: &[&str]) -> Listener {
        let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Listener::serve_on(socket, pool, secrets)
    }

    /// On a socket bound beforehand, so that the simulator can be told its URL first.
    fn serve_on(socket: tokio::net::TcpListener, pool: DbPool, secrets: &[&str]) -> Listener {
        let metrics = Metrics::default();
        let verifier = Verifier::new(secrets.iter().map(|s| SecretString::from(*s)).collect());
        let inbox = Inbox::new(verifier, pool.clone(), metrics.clone());
        Listener::serve_inbox(socket, inbox, metrics, pool)
    }

    /// With `inbox`, whose stored events an applier may wait on.
    pub(crate) fn serve_inbox(
        socket: tokio::net::TcpListener,
        inbox: Inbox,
        metrics: Metrics,
        pool: DbPool,
    ) -> Listener {
        let migrated = Arc::new(AtomicBool::new(true));
        let endpoints = Endpoints {
            inbox,
            metrics,
            pool,
            migrated: migrated.clone(),
            max_body_bytes: 4096,
            clock: Clock::System,
        };
        let base = format!("http://{}", socket.local_addr().unwrap());
        let stop = CancellationToken::new();
        tokio::spawn(serve(socket, endpoints, stop.clone()));
        Listener {
            base,
            http: zoom_mirror::zoom::http_client(Duration::from_secs(10)).unwrap(),
            migrated,
            stop,
        }
    }

    async fn post(&self, body: &str, headers: &[(&str, String)]) -> (StatusCode, String) {
        let mut request = self
            .http
            .post(format!("{}/webhooks/zoom", self.base))
            .header("content-type", "application/json; charset=utf-8")
            .body(body.to_owned());
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let response = request.send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// Posts `body` signed as Zoom signs it now, under `secret`.
    pub(crate) async fn deliver(&self, body: &str, secret: &str) -> (StatusCode, String) {
        let now = chrono::Utc::now().timestamp().to_string();
        self.post(body, &signed(body, secret, &now)).await
    }

    pub(crate) async fn get(&self, path: &str) -> (StatusCode, String) {
        let response = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .unwrap();
        (response.status(), response.text().await.unwrap())
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

type Headers = Vec<(&'static str, String)>;

fn signed(body: &str, secret: &str, timestamp: &str) -> Headers {
    vec![
        (TIMESTAMP_HEADER, timestamp.to_owned()),
        (
            SIGNATURE_HEADER,
            signature(secret.as_bytes(), timestamp, body.as_bytes()),
        ),
    ]
}

/// Zoom's documented `user.updated` sample, at `event_ts`.
fn user_updated(event_ts: i64) -> String {
    json!({"event": "user.updated", "event_ts": event_ts,
        "payload": {"account_id": "AAAAAABBBB", "operator": "admin@example.com",
            "operator_id": "eUblMKLnTMKX0pVvNAlA0Q", "time_stamp": event_ts,
            "old_object": {"email": "jchill.old@example.com", "id": "eUblMKLnTMKX0pVvNAlA0Q"},
            "object": {"email": "jchill@example.com", "id": "eUblMKLnTMKX0pVvNAlA0Q"}}})
    .to_string()
}

/// Every event stored, by name with its body, as they arrived.
pub(crate) async fn stored(app: &TestApp) -> Vec<(String, Value)> {
    webhook_events::table
        .order(webhook_events::id)
        .select((webhook_events::event, webhook_events::payload))
        .load(&mut app.conn().await)
        .await
        .unwrap()
}

/// The value of the `zoom_mirror_webhook_events_total` sample with these labels, 0 if absent.
pub(crate) fn counted(metrics: &str, event: &str, outcome: &str) -> u64 {
    let sample =
        format!("zoom_mirror_webhook_events_total{{event=\"{event}\",outcome=\"{outcome}\"}} ");
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(&sample))
        .map_or(0, |n| n.trim().parse().unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_event_is_stored_once_however_often_zoom_delivers_it() {
    let app = TestApp::new(1).await;
    let listener = Listener::start(app.ctx.pool.clone(), &[SECRET, OLD_SECRET]).await;
    let body = user_updated(1_739_923_528_123);

    assert_eq!(listener.deliver(&body, SECRET).await.0, StatusCode::OK);
    // Zoom's retry of the same event, and the same event signed before a rotation.
    assert_eq!(listener.deliver(&body, SECRET).await.0, StatusCode::OK);
    assert_eq!(listener.deliver(&body, OLD_SECRET).await.0, StatusCode::OK);
    // The same object changed again later is another event.
    let later = user_updated(1_739_923_600_000);
    assert_eq!(listener.deliver(&later, SECRET).await.0, StatusCode::OK);

    let rows = stored(&app).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].0, "user.updated");
    assert_eq!(rows[0].1, serde_json::from_str::<Value>(&body).unwrap());
    let metrics = listener.get("/metrics").await.1;
    assert_eq!(counted(&metrics, "user.updated", "stored"), 2, "{metrics}");
    assert_eq!(
        counted(&metrics, "user.updated", "duplicate"),
        2,
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deliveries_that_are_not_zoom_s_are_refused_and_nothing_is_kept() {
    let app = TestApp::new(1).await;
    let listener = Listener::start(app.ctx.pool.clone(), &[SECRET]).await;
    let body = user_updated(1_739_923_528_123);
    let now = chrono::Utc::now().timestamp();
    let stale = (now - 301).to_string();
    let mut unsigned = signed(&body, SECRET, &now.to_string());
    unsigned.truncate(1);
    let bad_json = "{\"event\": \"user.updated\"";
    let cases: Vec<(&str, String, Headers, StatusCode)> = vec![
        (
            "no signature",
            body.clone(),
            unsigned,
            StatusCode::UNAUTHORIZED,
        ),
        (
            "a guessed secret",
            body.clone(),
            signed(&body, "guess", &now.to_string()),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "a replay from 5 min 1 s ago",
            body.clone(),
            signed(&body, SECRET, &stale),
            StatusCode::UNAUTHORIZED,
        ),
        (
            "signed but not JSON",
            bad_json.to_owned(),
            signed(bad_json, SECRET, &now.to_string()),
            StatusCode::BAD_REQUEST,
        ),
        (
            "over max_body_bytes",
            "x".repeat(5000),
            signed(&"x".repeat(5000), SECRET, &now.to_string()),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ];
    let refusals = cases.len() as u64;
    for (case, body, headers, expected) in cases {
        let (status, text) = listener.post(&body, &headers).await;
        assert_eq!(status, expected, "{case}: {text}");
    }
    assert!(stored(&app).await.is_empty());
    let metrics = listener.get("/metrics").await.1;
    assert_eq!(
        counted(&metrics, "unknown", "refused"),
        refusals,
        "{metrics}"
    );
    // The listener is still there.
    assert_eq!(listener.deliver(&body, SECRET).await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_url_validation_is_answered_with_the_hmac_of_the_plain_token() {
    let app = TestApp::new(1).await;
    let listener = Listener::start(app.ctx.pool.clone(), &[SECRET]).await;
    // Zoom's documented sample.
    let body = r#"{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1654503849680,"event":"endpoint.url_validation"}"#;
    let (status, text) = listener.deliver(body, SECRET).await;
    assert_eq!(status, StatusCode::OK);
    let answer: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        answer,
        json!({"plainToken": "qgg8vlvZRS6UYooatFL8Aw",
               "encryptedToken": zoom_api::webhook::encrypted_token(SECRET.as_bytes(), "qgg8vlvZRS6UYooatFL8Aw")})
    );
    assert!(
        stored(&app).await.is_empty(),
        "a validation is not an event"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_secret_the_webhook_route_is_not_there() {
    let app = TestApp::new(1).await;
    let listener = Listener::start(app.ctx.pool.clone(), &[]).await;
    let body = user_updated(1_739_923_528_123);
    assert_eq!(
        listener.deliver(&body, SECRET).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(listener.get("/healthz").await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread")]
async fn while_postgresql_is_away_events_are_answered_503_and_kept_once_it_is_back() {
    let app = TestApp::new(1).await;
    let proxy = DbProxy::start(&app.db, true).await;
    let target = crate::support::test_db::target(&SecretString::from(proxy.url()));
    let pool = db::pool(&target, 2).unwrap();
    let listener = Listener::start(pool, &[SECRET]).await;
    assert_eq!(listener.get("/readyz").await.0, StatusCode::OK);

    proxy.cut();
    let body = user_updated(1_739_923_528_123);
    let (status, text) = listener.deliver(&body, SECRET).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{text}");
    let (status, text) = listener.get("/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(text.contains("PostgreSQL"), "{text}");
    assert_eq!(listener.get("/healthz").await.0, StatusCode::OK);

    proxy.restore();
    // Zoom delivers again after a 5xx.
    assert_eq!(listener.deliver(&body, SECRET).await.0, StatusCode::OK);
    assert_eq!(stored(&app).await.len(), 1);
    let metrics = listener.get("/metrics").await.1;
    assert_eq!(counted(&metrics, "user.updated", "failed"), 1, "{metrics}");
    assert_eq!(counted(&metrics, "user.updated", "stored"), 1, "{metrics}");
}

#[tokio::test(flavor = "multi_thread")]
async fn readyz_waits_for_the_migrations() {
    let app = TestApp::new(1).await;
    let listener = Listener::start(app.ctx.pool.clone(), &[SECRET]).await;
    listener.migrated.store(false, Ordering::Release);
    let (status, text) = listener.get("/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(text.contains("migrations"), "{text}");
    listener.migrated.store(true, Ordering::Release);
    assert_eq!(
        listener.get("/readyz").await,
        (StatusCode::OK, "ready\n".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_show_the_queue_and_the_passes_as_the_database_has_them() {
    let app = TestApp::new(12).await;
    let report = app.sync_users().await;
    let user = app.active_user_id(0);
    app.enqueue("user.update", Some(&user), json!({"dept": "Metrics"}))
        .await;
    let listener = Listener::start(app.ctx.pool.clone(), &[SECRET]).await;

    let (status, metrics) = listener.get("/metrics").await;
    assert_eq!(status, StatusCode::OK);
    let sample = |name: &str| {
        metrics
            .lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .unwrap_or_else(|| panic!("no {name} in:\n{metrics}"))
            .to_owned()
    };
    assert_eq!(
        sample("zoom_mirror_write_queue_rows{status=\"pending\"}"),
        "1"
    );
    assert_eq!(
        sample("zoom_mirror_write_queue_rows{status=\"failed\"}"),
        "0"
    );
    assert_eq!(
        sample("zoom_mirror_rows_written_total{entity=\"users\",kind=\"inserted\"}"),
        report.counts.inserted.to_string()
    );
    let ended: f64 = sample("zoom_mirror_pass_last_success_timestamp_seconds{entity=\"users\"}")
        .parse()
        .unwrap();
    let now = chrono::Utc::now().timestamp() as f64;
    assert!(
        (now - 120.0..=now + 1.0).contains(&ended),
        "{ended} vs {now}"
    );
    let took: f64 = sample("zoom_mirror_pass_duration_seconds{entity=\"users\"}")
        .parse()
        .unwrap();
    assert!(took > 0.0 && took < 120.0, "{took}");
}

/// A simulator that sends its webhooks to a listener on the test's database, retrying a failed
/// delivery after `retry`; the listener's pool goes through `proxy` when one is given.
pub(crate) async fn app_sending_webhooks(retry: Duration) -> (TestApp, tokio::net::TcpListener) {
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhooks/zoom", socket.local_addr().unwrap());
    let mut subscription = WebhookSubscription::new(url, SECRET);
    subscription.retry_delays = vec![retry; 3];
    let app = TestApp::with(
        SimulatorConfig {
            webhooks: Some(subscription),
            ..account(5)
        },
        |_| {},
    )
    .await;
    (app, socket)
}

/// Waits until `zoom.webhook_events` holds `event`, and returns its payload.
async fn arrived(app: &TestApp, event: &str) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        if let Some((_, payload)) = stored(app).await.into_iter().find(|(e, _)| e == event) {
            return payload;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no {event} within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_made_through_the_queue_comes_back_as_a_signed_webhook() {
    let (app, socket) = app_sending_webhooks(Duration::from_secs(60)).await;
    let _listener = Listener::serve_on(socket, app.ctx.pool.clone(), &[SECRET]);
    let _worker = app.start_worker(crate::support::queue::settings());
    let user_id = app.active_user_id(0);

    let started = std::time::Instant::now();
    let id = app
        .enqueue(
            "user.update",
            Some(&user_id),
            json!({"dept": "Arrived by webhook"}),
        )
        .await;
    app.finished_row(id).await;
    let event = arrived(&app, "user.updated").await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let payload = &event["payload"];
    assert_eq!(
        payload["object"],
        json!({"id": user_id, "dept": "Arrived by webhook"})
    );
    assert_eq!(payload["old_object"]["id"], json!(user_id));
    assert!(payload["time_stamp"].is_i64(), "{event}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_delivery_answered_503_is_sent_again_and_kept() {
    let (app, socket) = app_sending_webhooks(Duration::from_millis(300)).await;
    let proxy = DbProxy::start(&app.db, true).await;
    let target = crate::support::test_db::target(&SecretString::from(proxy.url()));
    let listener = Listener::serve_on(socket, db::pool(&target, 2).unwrap(), &[SECRET]);
    let _worker = app.start_worker(crate::support::queue::settings());
    let user_id = app.active_user_id(0);

    proxy.cut();
    let id = app
        .enqueue(
            "user.update",
            Some(&user_id),
            json!({"dept": "Delivered twice"}),
        )
        .await;
    app.finished_row(id).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while counted(&listener.get("/metrics").await.1, "user.updated", "failed") == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "no delivery met the outage"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    proxy.restore();
    let event = arrived(&app, "user.updated").await;
    assert_eq!(event["payload"]["object"]["dept"], "Delivered twice");
    assert_eq!(stored(&app).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn meetings_made_and_changed_through_the_queue_come_back_as_webhooks() {
    let (app, socket) = app_sending_webhooks(Duration::from_secs(60)).await;
    let _listener = Listener::serve_on(socket, app.ctx.pool.clone(), &[SECRET]);
    let _worker = app.start_worker(crate::support::queue::settings());
    let host = app.active_user_id(0);

    let id = app
        .enqueue(
            "meeting.create",
            Some(&host),
            json!({"topic": "Hooked", "type": 2, "duration": 30,
                   "start_time": crate::support::queue::days_ahead(3),
                   "settings": {"approval_type": 1}}),
        )
        .await;
    let meeting = app.finished_row(id).await.result()["id"].as_i64().unwrap();
    let created = arrived(&app, "meeting.created").await;
    assert_eq!(created["payload"]["object"]["id"], json!(meeting));
    assert_eq!(created["payload"]["object"]["topic"], "Hooked");
    assert_eq!(created["payload"]["object"]["host_id"], json!(host));

    let id = app
        .enqueue(
            "meeting.update",
            Some(&meeting.to_string()),
            json!({"topic": "Rehooked"}),
        )
        .await;
    app.finished_row(id).await;
    let updated = arrived(&app, "meeting.updated").await;
    assert_eq!(
        updated["payload"]["object"],
        json!({"id": meeting, "topic": "Rehooked"})
    );
    assert_eq!(
        updated["payload"]["old_object"],
        json!({"id": meeting, "topic": "Hooked"})
    );

    let target = meeting.to_string();
    let id = app
        .enqueue(
            "meeting_registrant.create",
            Some(&target),
            json!({"email": "hooked@example.org", "first_name": "Hook"}),
        )
        .await;
    assert_eq!(app.finished_row(id).await.status, "succeeded");
    let registered = arrived(&app, "meeting.registration_created").await;
    let registrant = &registered["payload"]["object"]["registrant"];
    assert_eq!(registrant["email"], "hooked@example.org");
    assert_eq!(registered["payload"]["object"]["id"], json!(meeting));
    let id = app
        .enqueue(
            "meeting_registrant.status",
            Some(&target),
            json!({"action": "approve", "registrants": [{"email": "hooked@example.org"}]}),
        )
        .await;
    app.finished_row(id).await;
    let approved = arrived(&app, "meeting.registration_approved").await;
    assert_eq!(
        approved["payload"]["object"]["registrant"]["id"],
        registrant["id"]
    );

    let id = app
        .enqueue("meeting.delete", Some(&meeting.to_string()), json!({}))
        .await;
    app.finished_row(id).await;
    let deleted = arrived(&app, "meeting.deleted").await;
    assert_eq!(deleted["payload"]["object"]["id"], json!(meeting));
}
