//! Stored webhook events applied to the mirror: merged, inserted, read from the API when thin,
//! marked gone, never rolled back by an older event or an older sync page, retried when they
//! fail, kept with the reason when they cannot apply, and deleted after `webhooks.keep_days`.
//! Events go in through the real inbox (signature and all) and the simulator answers the reads.

use std::time::{Duration, Instant};

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use reqwest::Method;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;
use zoom_api::endpoint::Endpoint;
use zoom_api::webhook::signature;
use zoom_mirror::clock::{Clock, ManualTime};
use zoom_mirror::db::schema::{
    meeting_registrants, meetings, recording_files, recordings, users, webhook_events,
};
use zoom_mirror::db::{self, DbPool};
use zoom_mirror::telemetry::metrics::Metrics;
use zoom_mirror::webhooks::{Applier, Inbox, Verifier};
use zoom_mirror::zoom::Call;
use zoom_simulator::{Fault, FaultKind, SessionKind};

use crate::support::TestApp;
use crate::support::app::account;
use crate::support::app::active_user;
use crate::support::db_proxy::DbProxy;
use crate::support::mirror::MEETING_INSTANCES;
use crate::webhooks::Listener;

const SECRET: &str = "whsec-apply";

/// The inbox and the applier as `run` wires them, on the test's database and simulator.
pub(crate) struct Hooks {
    inbox: Inbox,
    applier: Applier,
    metrics: Metrics,
}

impl Hooks {
    pub(crate) fn new(app: &TestApp) -> Hooks {
        Hooks::applying_through(app, app.ctx.pool.clone())
    }

    /// The applier on a pool of its own.
    fn applying_through(app: &TestApp, pool: DbPool) -> Hooks {
        let metrics = Metrics::default();
        let verifier = Verifier::new(vec![SECRET.into()]);
        let inbox = Inbox::new(verifier, app.ctx.pool.clone(), metrics.clone());
        let applier = Applier::new(
            pool,
            app.ctx.client.clone(),
            metrics.clone(),
            inbox.stored_events(),
            Duration::from_secs(30 * 86_400),
        );
        Hooks {
            inbox,
            applier,
            metrics,
        }
    }

    /// Delivers `event` signed as Zoom signs it, as of `at`.
    pub(crate) async fn deliver(&self, name: &str, at: DateTime<Utc>, payload: Value) {
        let body = envelope(name, at, payload);
        let now = Utc::now();
        let timestamp = now.timestamp().to_string();
        let signed = signature(SECRET.as_bytes(), &timestamp, body.as_bytes());
        self.inbox
            .receive(Some(&timestamp), Some(&signed), body.as_bytes(), now)
            .await
            .expect("the delivery is stored");
    }

    /// Delivers `user.updated` for user `id` with its changed `fields`, as of `at`.
    async fn user_updated(&self, id: &str, at: DateTime<Utc>, fields: Value) {
        self.deliver("user.updated", at, updated(id, fields)).await;
    }

    /// Delivers `user.{action}` for user `id`, whose object has the id and an email.
    async fn user_event(&self, action: &str, id: &str, at: DateTime<Utc>) {
        let object = json!({"object": {"id": id, "email": format!("{id}@example.com")}});
        self.deliver(&format!("user.{action}"), at, object).await;
    }

    /// Delivers each of `events` (name, time, payload) in turn.
    async fn deliver_each(&self, events: Vec<(&str, DateTime<Utc>, Value)>) {
        for (name, at, payload) in events {
            self.deliver(name, at, payload).await;
        }
    }

    /// Applies what is due, as one turn of the applier's loop does.
    pub(crate) async fn apply(&self) -> usize {
        self.applier.apply_due().await.expect("events are claimed")
    }
}

/// The body Zoom posts for `event` of `at`.
fn envelope(name: &str, at: DateTime<Utc>, payload: Value) -> String {
    json!({"event": name, "event_ts": at.timestamp_millis(), "payload": payload}).to_string()
}

#[derive(Debug, Queryable)]
pub(crate) struct Applied {
    event: String,
    outcome: Option<String>,
    error: Option<String>,
    attempts: i32,
}

pub(crate) async fn applied(app: &TestApp) -> Vec<Applied> {
    webhook_events::table
        .order(webhook_events::event_ts)
        .select((
            webhook_events::event,
            webhook_events::outcome,
            webhook_events::error,
            webhook_events::attempts,
        ))
        .load(&mut app.conn().await)
        .await
        .unwrap()
}

pub(crate) fn outcomes(events: &[Applied]) -> Vec<(&str, Option<&str>)> {
    events
        .iter()
        .map(|e| (e.event.as_str(), e.outcome.as_deref()))
        .collect()
}

#[derive(Debug, Queryable)]
struct UserState {
    dept: Option<String>,
    email: String,
    status: Option<String>,
    raw: Value,
    source_time: Option<DateTime<Utc>>,
    deleted: bool,
}

async fn user(app: &TestApp, id: &str) -> Option<UserState> {
    users::table
        .filter(users::id.eq(id))
        .select((
            users::dept,
            users::email,
            users::status,
            users::raw,
            users::source_time,
            users::deleted_at.is_not_null(),
        ))
        .first(&mut app.conn().await)
        .await
        .optional()
        .unwrap()
}

fn updated(id: &str, fields: Value) -> Value {
    let mut object = fields;
    object["id"] = json!(id);
    json!({"account_id": "acct", "operator": "admin@example.com", "operator_id": "op",
           "time_stamp": 1, "object": object, "old_object": {"id": id}})
}

/// Zoom's events carry milliseconds; the mirror keeps microseconds.
fn millis(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(at.timestamp_millis()).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partial_update_is_merged_into_the_row_and_its_raw() {
    let app = TestApp::new(5).await;
    app.sync_users().await;
    let hooks = Hooks::new(&app);
    let (id, email) = active_user(&app.handle(), 0);
    let before = user(&app, &id).await.unwrap();

    let at = millis(Utc::now());
    hooks.user_updated(&id, at, json!({"dept": "Merged"})).await;
    assert_eq!(hooks.apply().await, 1);

    let after = user(&app, &id).await.unwrap();
    assert_eq!(after.dept.as_deref(), Some("Merged"));
    assert_eq!(after.raw["dept"], "Merged");
    assert_eq!((after.email, after.status), (email, before.status));
    let mut expected = before.raw.clone();
    expected["dept"] = json!("Merged");
    assert_eq!(after.raw, expected, "every other field is kept");
    assert_eq!(after.source_time, Some(at));
    assert_eq!(
        outcomes(&applied(&app).await),
        [("user.updated", Some("written"))]
    );
    let metrics = hooks.metrics.encode();
    assert!(
        metrics.contains(
            "zoom_mirror_webhook_events_total{event=\"user.updated\",outcome=\"applied\"} 1"
        ),
        "{metrics}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_event_older_than_the_row_never_rolls_it_back() {
    let app = TestApp::new(5).await;
    app.sync_users().await;
    let hooks = Hooks::new(&app);
    let (id, _) = active_user(&app.handle(), 0);
    let later = millis(Utc::now());
    let earlier = later - TimeDelta::seconds(30);

    // Zoom delivers out of order: the later change first.
    hooks
        .user_updated(&id, later, json!({"dept": "Later"}))
        .await;
    hooks.apply().await;
    hooks
        .user_updated(&id, earlier, json!({"dept": "Earlier"}))
        .await;
    hooks.user_event("deactivated", &id, earlier).await;
    hooks.apply().await;

    let row = user(&app, &id).await.unwrap();
    assert_eq!(row.dept.as_deref(), Some("Later"));
    assert_eq!(row.status.as_deref(), Some("active"));
    assert_eq!(row.source_time, Some(later));
    assert_eq!(
        outcomes(&applied(&app).await),
        [
            ("user.updated", Some("stale")),
            ("user.deactivated", Some("stale")),
            ("user.updated", Some("written")),
        ]
    );
}

/// A page read before an event cannot undo it, and one read after it is newer and wins: the
/// later information wins, whichever comes first.
#[tokio::test(flavor = "multi_thread")]
async fn a_sync_page_and_an_event_on_one_row_never_undo_each_other() {
    let time = ManualTime::new(Utc::now());
    let app = TestApp::at(Clock::Manual(time.clone()), account(5), |_| {}).await;
    app.sync_users().await;
    let hooks = Hooks::new(&app);
    let (id, _) = active_user(&app.handle(), 0);

    // Zoom changed the user an hour from the daemon's clock; the page read now is older.
    let event_at = millis(time.get() + TimeDelta::hours(1));
    hooks
        .user_updated(&id, event_at, json!({"dept": "By event"}))
        .await;
    hooks.apply().await;
    app.handle()
        .update_user(&id, |u| u.last_name = "Paged".into());
    app.sync_users().await;
    let row = user(&app, &id).await.unwrap();
    assert_eq!(
        row.dept.as_deref(),
        Some("By event"),
        "the older page is ignored"
    );
    assert_eq!(row.source_time, Some(event_at));

    time.advance(TimeDelta::hours(2));
    app.sync_users().await;
    let row = user(&app, &id).await.unwrap();
    assert_eq!(row.raw["last_name"], "Paged", "the newer page wins");
    assert!(row.source_time > Some(event_at));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_thin_payload_is_read_from_the_api_once() {
    let app = TestApp::new(5).await;
    let hooks = Hooks::new(&app);
    let (id, email) = active_user(&app.handle(), 1);
    assert!(user(&app, &id).await.is_none(), "no pass has run");

    app.handle().reset_stats();
    let thin = json!({"creation_type": "create",
        "object": {"id": id, "email": email, "first_name": "A", "last_name": "B", "type": 1}});
    hooks
        .deliver("user.created", millis(Utc::now()), thin)
        .await;
    hooks.apply().await;

    let row = user(&app, &id)
        .await
        .expect("inserted from the API's answer");
    assert_eq!(row.status.as_deref(), Some("active"));
    assert_eq!(row.raw["email"], json!(email));
    assert!(row.raw.get("created_at").is_some(), "{}", row.raw);
    assert_eq!(app.handle().stats().calls(Endpoint::GetUser), 1);
    assert_eq!(
        outcomes(&applied(&app).await),
        [("user.created", Some("written"))]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn deletions_mark_rows_gone_unless_the_row_is_newer() {
    let app = TestApp::new(5).await;
    app.sync_users().await;
    let hooks = Hooks::new(&app);
    let (gone, _) = active_user(&app.handle(), 0);
    let (kept, _) = active_user(&app.handle(), 1);
    let now = millis(Utc::now());

    hooks.user_event("deleted", &gone, now).await;
    hooks
        .user_updated(&kept, now, json!({"dept": "Still here"}))
        .await;
    hooks.apply().await;
    let older = now - TimeDelta::minutes(5);
    hooks.user_event("disassociated", &kept, older).await;
    hooks.apply().await;

    assert!(user(&app, &gone).await.unwrap().deleted);
    assert!(!user(&app, &kept).await.unwrap().deleted);
    let events = applied(&app).await;
    assert_eq!(
        outcomes(&events),
        [
            ("user.disassociated", Some("stale")),
            ("user.deleted", Some("written")),
            ("user.updated", Some("written")),
        ]
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sessions_and_registrants_the_mirror_lacks_are_inserted_from_their_events() {
    let app = TestApp::new(5).await;
    let hooks = Hooks::new(&app);
    let at = millis(Utc::now());
    let meeting = json!({"uuid": "4444AAAiAAAAAiAiAiiAii==", "id": 94446976353_i64,
        "host_id": "z8yCw", "topic": "From an event", "type": 2,
        "start_time": "2027-01-05T10:00:00Z", "duration": 60, "timezone": "UTC",
        "join_url": "https://example.zoom.us/j/94446976353", "settings": {"use_pmi": false}});
    hooks
        .deliver(
            "meeting.created",
            at,
            json!({"operator": "a@example.com", "object": meeting}),
        )
        .await;
    let mut with_registrant = meeting.clone();
    with_registrant["registrant"] = json!({"id": "iFaHJ8y", "first_name": "Jill",
        "last_name": "Chill", "email": "jchill@example.com", "status": "pending",
        "join_url": "https://example.zoom.us/w/1"});
    hooks
        .deliver(
            "meeting.registration_created",
            at,
            json!({"object": with_registrant}),
        )
        .await;
    hooks.apply().await;

    let (topic, host, raw): (Option<String>, String, Value) = meetings::table
        .filter(meetings::id.eq(94446976353_i64))
        .select((meetings::topic, meetings::host_id, meetings::raw))
        .first(&mut app.conn().await)
        .await
        .unwrap();
    assert_eq!(
        (topic.as_deref(), host.as_str()),
        (Some("From an event"), "z8yCw")
    );
    assert!(
        raw.get("settings").is_none(),
        "raw holds what the listing holds: {raw}"
    );
    let status: Option<String> = meeting_registrants::table
        .filter(meeting_registrants::meeting_id.eq(94446976353_i64))
        .filter(meeting_registrants::id.eq("iFaHJ8y"))
        .select(meeting_registrants::status)
        .first(&mut app.conn().await)
        .await
        .unwrap();
    assert_eq!(status.as_deref(), Some("pending"));

    // Approved, then cancelled: the registrant leaves, as the listing would show it.
    let mut approved = with_registrant.clone();
    approved["registrant"]["status"] = json!(null);
    let later = |seconds| at + TimeDelta::seconds(seconds);
    hooks
        .deliver_each(vec![
            (
                "meeting.registration_approved",
                later(1),
                json!({"object": approved}),
            ),
            (
                "meeting.registration_cancelled",
                later(2),
                json!({"object": approved}),
            ),
            ("meeting.deleted", later(3), json!({"object": meeting})),
        ])
        .await;
    hooks.apply().await;
    let (status, gone): (Option<String>, bool) = meeting_registrants::table
        .filter(meeting_registrants::id.eq("iFaHJ8y"))
        .select((
            meeting_registrants::status,
            meeting_registrants::deleted_at.is_not_null(),
        ))
        .first(&mut app.conn().await)
        .await
        .unwrap();
    assert_eq!((status.as_deref(), gone), (Some("approved"), true));
    let reason: Option<String> = meetings::table
        .filter(meetings::id.eq(94446976353_i64))
        .select(meetings::deleted_reason)
        .first(&mut app.conn().await)
        .await
        .unwrap();
    assert_eq!(reason.as_deref(), Some("deleted"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_completed_recording_arrives_with_its_files_and_leaves_when_trashed() {
    let app = TestApp::new(5).await;
    let hooks = Hooks::new(&app);
    let at = millis(Utc::now());
    let recording = json!({"uuid": "dj12vck6sdTn6yy7qdnRrg==", "id": 6840331990_i64,
        "account_id": "acct", "host_id": "z8yCw", "topic": "Recorded", "type": 2,
        "start_time": "2026-11-20T10:00:00Z", "timezone": "UTC", "host_email": "h@example.com",
        "duration": 20, "share_url": "https://example.zoom.us/rec/share/x",
        "total_size": 761892, "recording_count": 1,
        "recording_files": [{"id": "ed6c2f27", "meeting_id": "dj12vck6sdTn6yy7qdnRrg==",
            "recording_start": "2026-11-20T10:00:00Z", "recording_end": "2026-11-20T10:20:00Z",
            "file_type": "MP4", "file_size": 761892, "file_extension": "MP4",
            "play_url": "https://example.zoom.us/rec/play/x",
            "download_url": "https://example.zoom.us/rec/download/x", "status": "completed",
            "recording_type": "shared_screen_with_speaker_view"}]});
    hooks
        .deliver("recording.completed", at, json!({"object": recording}))
        .await;
    hooks.apply().await;
    let files: Vec<(String, Option<i64>, bool)> = recording_files::table
        .filter(recording_files::recording_uuid.eq("dj12vck6sdTn6yy7qdnRrg=="))
        .select((
            recording_files::id,
            recording_files::file_size,
            recording_files::deleted_at.is_not_null(),
        ))
        .load(&mut app.conn().await)
        .await
        .unwrap();
    assert_eq!(files, [("ed6c2f27".to_owned(), Some(761892), false)]);

    hooks
        .deliver(
            "recording.trashed",
            at + TimeDelta::seconds(5),
            json!({"operator": "a@example.com", "object": recording}),
        )
        .await;
    hooks.apply().await;
    let gone: bool = recordings::table
        .filter(recordings::uuid.eq("dj12vck6sdTn6yy7qdnRrg=="))
        .select(recordings::deleted_at.is_not_null())
        .first(&mut app.conn().await)
        .await
        .unwrap();
    let file_gone: bool = recording_files::table
        .filter(recording_files::id.eq("ed6c2f27"))
        .select(recording_files::deleted_at.is_not_null())
        .first(&mut app.conn().await)
        .await
        .unwrap();
    assert!(gone && file_gone);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_apply_keeps_its_error_and_is_tried_again_after_a_wait() {
    let app = TestApp::new(5).await;
    let hooks = Hooks::new(&app);
    let (id, email) = active_user(&app.handle(), 2);
    app.handle().inject(
        Fault::new(FaultKind::ZoomError {
            status: 400,
            code: 300,
            message: "Request failed: try again".into(),
        })
        .on(Endpoint::GetUser)
        .times(1),
    );
    let thin = json!({"object": {"id": id, "email": email, "type": 1}});
    hooks
        .deliver("user.created", millis(Utc::now()), thin)
        .await;
    hooks.apply().await;

    let events = applied(&app).await;
    assert_eq!(
        (events[0].outcome.as_deref(), events[0].attempts),
        (None, 1)
    );
    assert!(
        events[0].error.as_deref().unwrap_or("").contains("300"),
        "{events:?}"
    );
    assert_eq!(hooks.apply().await, 0, "it waits before the next attempt");

    // The wait is over.
    diesel::update(webhook_events::table)
        .set(webhook_events::next_attempt_at.eq(diesel::dsl::now))
        .execute(&mut app.conn().await)
        .await
        .unwrap();
    hooks.apply().await;
    let events = applied(&app).await;
    assert_eq!(
        (events[0].outcome.as_deref(), events[0].attempts),
        (Some("written"), 2)
    );
    assert!(user(&app, &id).await.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_or_foreign_event_is_kept_with_the_reason_and_not_retried() {
    let app = TestApp::new(5).await;
    let hooks = Hooks::new(&app);
    let now = millis(Utc::now());
    hooks
        .deliver(
            "meeting.updated",
            now,
            json!({"object": {"topic": "no id"}}),
        )
        .await;
    hooks
        .deliver("user.signed_in", now, json!({"object": {"id": "x"}}))
        .await;
    hooks.apply().await;
    let events = applied(&app).await;
    assert_eq!(
        outcomes(&events),
        [
            ("meeting.updated", Some("unreadable")),
            ("user.signed_in", Some("ignored"))
        ]
    );
    assert!(
        events[0]
            .error
            .as_deref()
            .unwrap()
            .contains("no numeric id")
    );
    assert_eq!(hooks.apply().await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn applied_events_past_keep_days_are_deleted_and_unapplied_ones_kept() {
    let app = TestApp::new(5).await;
    let hooks = Hooks::new(&app);
    let now = millis(Utc::now());
    hooks
        .deliver("user.signed_in", now, json!({"object": {"id": "old"}}))
        .await;
    hooks
        .deliver("user.signed_in", now, json!({"object": {"id": "recent"}}))
        .await;
    hooks.apply().await;
    hooks
        .deliver("user.updated", now, json!({"object": {}}))
        .await;
    let mut conn = app.conn().await;
    diesel::sql_query(
        "UPDATE zoom.webhook_events SET applied_at = now() - interval '31 days' \
         WHERE payload @> '{\"payload\": {\"object\": {\"id\": \"old\"}}}'",
    )
    .execute(&mut conn)
    .await
    .unwrap();
    diesel::sql_query(
        "UPDATE zoom.webhook_events SET received_at = now() - interval '90 days' \
         WHERE applied_at IS NULL",
    )
    .execute(&mut conn)
    .await
    .unwrap();

    assert_eq!(hooks.applier.sweep().await.unwrap(), 1);
    let left: Vec<String> = webhook_events::table
        .order(webhook_events::id)
        .select(webhook_events::event)
        .load(&mut conn)
        .await
        .unwrap();
    assert_eq!(left, ["user.signed_in", "user.updated"]);
}

/// The listener and the applier running as `run` runs them, for a simulator that sends its
/// webhooks to them; stopped on drop.
pub(crate) struct Running {
    listener: Listener,
    _stop: tokio_util::sync::DropGuard,
}

impl Running {
    pub(crate) async fn start(app: &TestApp, socket: tokio::net::TcpListener) -> Running {
        Running::on(app, socket, app.ctx.pool.clone())
    }

    /// With the listener and the applier on `pool`.
    fn on(app: &TestApp, socket: tokio::net::TcpListener, pool: DbPool) -> Running {
        let metrics = Metrics::default();
        let verifier = Verifier::new(vec![crate::webhooks::SECRET.into()]);
        let inbox = Inbox::new(verifier, pool.clone(), metrics.clone());
        let applier = Applier::new(
            pool.clone(),
            app.ctx.client.clone(),
            metrics.clone(),
            inbox.stored_events(),
            Duration::from_secs(86_400),
        );
        let listener = Listener::serve_inbox(socket, inbox, metrics, pool);
        let stop = CancellationToken::new();
        tokio::spawn(applier.run(stop.clone()));
        Running {
            listener,
            _stop: stop.drop_guard(),
        }
    }

    /// Delivers `event` through the listener, signed as Zoom signs it, as of `at`.
    pub(crate) async fn deliver(&self, name: &str, at: DateTime<Utc>, payload: Value) {
        let body = envelope(name, at, payload);
        let (status, answer) = self.listener.deliver(&body, crate::webhooks::SECRET).await;
        assert!(status.is_success(), "{status}: {answer}");
    }
}

/// Sends `method path body` to the simulator as a write, through the client's limiter.
async fn call_zoom(
    app: &TestApp,
    method: Method,
    endpoint: Endpoint,
    path: &str,
    body: Option<&Value>,
) {
    let call = Call {
        method,
        endpoint,
        path,
        query: &[],
        body,
    };
    let permit = app.client().acquire(call).await.unwrap();
    app.client().send_once(permit).await.unwrap();
}

/// Zoom sets user `id`'s department (a PATCH to the simulator's API).
async fn set_dept_in_zoom(app: &TestApp, id: &str, dept: &str) {
    let body = json!({ "dept": dept });
    let path = format!("users/{id}");
    call_zoom(app, Method::PATCH, Endpoint::UpdateUser, &path, Some(&body)).await;
}

/// Waits until the mirror shows user `id` in `dept`.
async fn until_dept(app: &TestApp, id: &str, dept: &str) {
    until(dept, || async {
        user(app, id).await.and_then(|u| u.dept).as_deref() == Some(dept)
    })
    .await;
}

/// Waits up to 10 s for `holds` to say the mirror shows the change.
pub(crate) async fn until<F: std::future::Future<Output = bool>>(
    what: &str,
    holds: impl Fn() -> F,
) {
    let started = Instant::now();
    while !holds().await {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{what} did not arrive"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The `n` events, in the order they happened, once all arrived and each has its outcome.
pub(crate) async fn settled_count(app: &TestApp, n: usize) -> Vec<Applied> {
    until(&format!("{n} outcomes"), || async {
        let events = applied(app).await;
        events.len() == n && events.iter().all(|e| e.outcome.is_some())
    })
    .await;
    applied(app).await
}

/// Every event once each has its outcome: a row changes before its event's outcome is recorded.
pub(crate) async fn settled(app: &TestApp) -> Vec<Applied> {
    until("the outcomes", || async {
        applied(app).await.iter().all(|e| e.outcome.is_some())
    })
    .await;
    applied(app).await
}

/// Zoom changes a user (a PATCH straight to the simulator's API, not through the queue, whose
/// read-back would change the row itself); the signed `user.updated` it sends reaches the
/// mirror through the listener and the applier.
#[tokio::test(flavor = "multi_thread")]
async fn a_change_in_zoom_reaches_the_mirror_by_webhook() {
    let (app, socket) = crate::webhooks::app_sending_webhooks(Duration::from_secs(60)).await;
    app.sync_users().await;
    let _running = Running::start(&app, socket).await;
    let (id, _) = active_user(&app.handle(), 0);

    set_dept_in_zoom(&app, &id, "Arrived by webhook").await;
    until_dept(&app, &id, "Arrived by webhook").await;
    assert_eq!(
        outcomes(&settled(&app).await),
        [("user.updated", Some("written"))]
    );
}

/// A cloud recording Zoom finishes arrives with its files by `recording.completed`, and leaves
/// by `recording.trashed` when it is moved to the trash through the API.
#[tokio::test(flavor = "multi_thread")]
async fn a_finished_recording_arrives_by_webhook_and_leaves_when_trashed() {
    let (app, socket) = crate::webhooks::app_sending_webhooks(Duration::from_secs(60)).await;
    let _running = Running::start(&app, socket).await;
    let (host, _) = active_user(&app.handle(), 0);
    let meeting = app.handle().listed_meetings(&host, "scheduled")[0]["id"].to_string();

    let recording = app
        .handle()
        .finish_recording(&meeting)
        .expect("the meeting exists");
    let uuid = recording.uuid.clone();
    let files = |deleted: bool| {
        let uuid = uuid.clone();
        let app = &app;
        async move {
            recording_files::table
                .filter(recording_files::recording_uuid.eq(uuid))
                .filter(recording_files::deleted_at.is_not_null().eq(deleted))
                .count()
                .get_result::<i64>(&mut app.conn().await)
                .await
                .unwrap()
        }
    };
    until("the recording's files", || async {
        files(false).await == recording.files.len() as i64
    })
    .await;

    let path = format!(
        "meetings/{}/recordings",
        zoom_mirror::zoom::meeting_path_segment(&uuid)
    );
    call_zoom(
        &app,
        Method::DELETE,
        Endpoint::DeleteMeetingRecordings,
        &path,
        None,
    )
    .await;
    until("the trashing", || async {
        files(true).await == recording.files.len() as i64
    })
    .await;
    let gone: bool = recordings::table
        .filter(recordings::uuid.eq(&uuid))
        .select(recordings::deleted_at.is_not_null())
        .first(&mut app.conn().await)
        .await
        .unwrap();
    assert!(gone);
    assert_eq!(
        outcomes(&settled(&app).await),
        [
            ("recording.completed", Some("written")),
            ("recording.trashed", Some("written"))
        ]
    );
}

/// Events answered 200 while PostgreSQL is away from the applier are all applied once it is back.
#[tokio::test(flavor = "multi_thread")]
async fn events_stored_before_an_outage_are_applied_once_postgresql_is_back() {
    let app = TestApp::new(5).await;
    app.sync_users().await;
    let proxy = DbProxy::start(&app.db, true).await;
    let target = crate::support::test_db::target(&secrecy::SecretString::from(proxy.url()));
    let hooks = Hooks::applying_through(&app, db::pool(&target, 2).unwrap());
    let ids: Vec<String> = (0..3).map(|n| active_user(&app.handle(), n).0).collect();

    proxy.cut();
    let at = millis(Utc::now());
    for id in &ids {
        hooks
            .user_updated(id, at, json!({"dept": "After the outage"}))
            .await;
    }
    assert!(
        hooks.applier.apply_due().await.is_err(),
        "the applier cannot reach PostgreSQL"
    );
    proxy.restore();
    assert_eq!(hooks.apply().await, 3);
    for id in &ids {
        assert_eq!(
            user(&app, id).await.unwrap().dept.as_deref(),
            Some("After the outage")
        );
    }
}

/// Zoom's deliveries during an outage are answered 503 and sent again (here after 300 ms); once
/// PostgreSQL is back every change arrives: nothing answered 200 is lost, nothing is applied
/// twice.
#[tokio::test(flavor = "multi_thread")]
async fn changes_made_during_an_outage_all_arrive_once_postgresql_is_back() {
    let (app, socket) = crate::webhooks::app_sending_webhooks(Duration::from_millis(300)).await;
    app.sync_users().await;
    let proxy = DbProxy::start(&app.db, true).await;
    let target = crate::support::test_db::target(&secrecy::SecretString::from(proxy.url()));
    let running = Running::on(&app, socket, db::pool(&target, 2).unwrap());
    let ids: Vec<String> = (0..3).map(|n| active_user(&app.handle(), n).0).collect();

    proxy.cut();
    for id in &ids {
        set_dept_in_zoom(&app, id, "Changed during the outage").await;
    }
    until("three deliveries answered 503", || async {
        let metrics = running.listener.get("/metrics").await.1;
        crate::webhooks::counted(&metrics, "user.updated", "failed") >= 3
    })
    .await;
    proxy.restore();
    for id in &ids {
        until_dept(&app, id, "Changed during the outage").await;
    }
    let events = settled(&app).await;
    assert_eq!(events.len(), 3, "{events:?}");
    assert!(
        events
            .iter()
            .all(|e| e.outcome.as_deref() == Some("written")),
        "{events:?}"
    );
}

/// An instant meeting, unknown to any listing, whose one instance started two hours ago and
/// still runs, with `participants` participants none of whom joined through the handle; its
/// instance and start.
fn running_instant_meeting(app: &TestApp, participants: u32) -> (&'static str, DateTime<Utc>) {
    let handle = app.handle();
    let listed = handle.listed_meetings(&active_user(&handle, 0).0, "scheduled");
    let mut instant = handle.meeting(&listed[0]["id"].to_string()).unwrap();
    let uuid = "InstantInstance00000001==";
    let started = (Utc::now() - TimeDelta::hours(2)).trunc_subsecs(0);
    (instant.id, instant.uuid, instant.session_type) = (10_000_000_009, uuid.into(), 1);
    instant.instances = vec![zoom_simulator::SimInstance {
        uuid: uuid.into(),
        start_time: started,
        end_time: None,
        participants_count: participants,
        joins: Vec::new(),
    }];
    handle.insert_meeting(instant);
    (uuid, started)
}

/// The envelope of the `event` the simulator sent that `matches`, as the mirror stored it.
async fn sent(app: &TestApp, event: &str, matches: impl Fn(&Value) -> bool) -> Value {
    let stored = crate::webhooks::stored(app).await;
    (stored.into_iter())
        .find(|(name, body)| name == event && matches(body))
        .unwrap_or_else(|| panic!("no such {event}"))
        .1
}

/// `meeting.ended`, sent as the instance ends, queues it for the participants pass, even one no
/// listing shows (an instant meeting's); the same event again changes nothing.
#[tokio::test(flavor = "multi_thread")]
async fn an_ended_meeting_is_read_by_the_next_participants_pass() {
    let (app, socket) = crate::webhooks::app_sending_webhooks(Duration::from_secs(60)).await;
    let running = Running::start(&app, socket).await;
    let (uuid, started) = running_instant_meeting(&app, 6);
    let ended = started + TimeDelta::hours(1);
    app.handle()
        .end_instance(SessionKind::Meeting, uuid, ended)
        .expect("the instance runs");
    settled_count(&app, 1).await;
    let again = sent(&app, "meeting.ended", |_| true).await;
    running
        .deliver(
            "meeting.ended",
            ended + TimeDelta::seconds(1),
            again["payload"].clone(),
        )
        .await;
    assert_eq!(
        outcomes(&settled_count(&app, 2).await),
        [
            ("meeting.ended", Some("written")),
            ("meeting.ended", Some("unchanged")),
        ]
    );
    let report = app
        .sync(zoom_mirror::sync::Entity::MeetingParticipants)
        .await;
    assert!(report.error.is_none(), "{:?}", report.error);
    let expected = app.handle().listed_participants(SessionKind::Meeting, uuid);
    assert_eq!(report.counts.inserted as usize, expected.len());
    assert!(expected.len() > 1);
}

/// The mirror's rows of one instance's participants, by (user_id, join_time): leave time,
/// duration, email and raw.
async fn attendance(app: &TestApp, uuid: &str) -> Vec<Value> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Jsonb)]
        row: Value,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT jsonb_build_object('user_id', user_id, 'join_time', join_time, \
                'leave_time', leave_time, 'duration', duration, 'user_email', user_email, \
                'deleted', deleted_at IS NOT NULL, 'raw', raw) AS row \
         FROM zoom.meeting_participants WHERE meeting_uuid = $1 ORDER BY user_id, join_time",
    )
    .bind::<diesel::sql_types::Text, _>(uuid)
    .load(&mut app.conn().await)
    .await
    .unwrap();
    rows.into_iter().map(|r| r.row).collect()
}

/// Joins and leaves, as the simulator sends them while a meeting runs, show attendance: a row
/// per join session closed by its leave; once it ended, its listing rewrites the same rows
/// whole (one key, no second row), and a join event delivered late never rolls the listing
/// back.
#[tokio::test(flavor = "multi_thread")]
async fn joins_and_leaves_show_attendance_until_the_listing_rewrites_it() {
    let (app, socket) = crate::webhooks::app_sending_webhooks(Duration::from_secs(60)).await;
    let running = Running::start(&app, socket).await;
    let (uuid, started) = running_instant_meeting(&app, 0);
    let handle = app.handle();
    let meeting = SessionKind::Meeting;
    let at = |seconds: i64| started + TimeDelta::seconds(seconds);
    let user_id = |p: &Value| p["user_id"].as_str().unwrap().to_owned();
    let time = |p: &Value, key: &str| p[key].as_str().unwrap().parse::<DateTime<Utc>>().unwrap();

    // Six join over the first minutes: the host, then guests.
    let joined: Vec<Value> = (0..6)
        .map(|n| handle.join_participant(meeting, uuid, None, at(45 * n)))
        .collect::<Option<_>>()
        .expect("the instance runs");
    assert!(
        outcomes(&settled_count(&app, 6).await)
            .iter()
            .all(|o| *o == ("meeting.participant_joined", Some("written")))
    );
    let running_rows = attendance(&app, uuid).await;
    assert_eq!(running_rows.len(), joined.len());
    assert!(running_rows.iter().all(|r| r["leave_time"].is_null()));

    // The second steps out and back: a second join session under the same user_id.
    let second = user_id(&joined[1]);
    handle
        .leave_participant(meeting, uuid, &second, at(600))
        .unwrap();
    handle
        .join_participant(meeting, uuid, Some(&second), at(720))
        .unwrap();
    settled_count(&app, 8).await;
    // All but the last leave before the end.
    for (n, p) in (0..).zip(&joined[..5]) {
        handle
            .leave_participant(meeting, uuid, &user_id(p), at(3000 + 60 * n))
            .unwrap();
    }
    settled_count(&app, 13).await;
    // A leave whose join was never delivered: nothing to close.
    let host_left =
        |body: &Value| body["payload"]["object"]["participant"]["user_id"] == joined[0]["user_id"];
    let mut stranger = sent(&app, "meeting.participant_left", host_left).await;
    stranger["payload"]["object"]["participant"]["user_id"] = json!("99999999");
    running
        .deliver(
            "meeting.participant_left",
            at(3500),
            stranger["payload"].clone(),
        )
        .await;
    let events = settled_count(&app, 14).await;
    assert!(
        outcomes(&events[..13])
            .iter()
            .all(|(_, outcome)| *outcome == Some("written")),
        "{events:?}"
    );
    assert_eq!(
        outcomes(&events[13..]),
        [("meeting.participant_left", Some("unchanged"))]
    );
    // The last leaves as the meeting ends.
    handle.end_instance(meeting, uuid, at(3600)).unwrap();
    settled_count(&app, 16).await;

    let listed = handle.listed_participants(meeting, uuid);
    assert_eq!(listed.len(), joined.len() + 1);
    let closed = attendance(&app, uuid).await;
    let by_key = |rows: &[Value], p: &Value| {
        rows.iter()
            .find(|r| r["user_id"] == p["user_id"] && time(r, "join_time") == time(p, "join_time"))
            .cloned()
            .unwrap_or_else(|| panic!("no row for {p}"))
    };
    for p in &listed {
        let row = by_key(&closed, p);
        assert_eq!(time(&row, "leave_time"), time(p, "leave_time"), "{p}");
        assert_eq!(row["duration"], p["duration"], "{p}");
        // The join's email stays; a guest's blank one is none.
        let email = p["user_email"].as_str().unwrap();
        assert_eq!(
            row["user_email"].as_str(),
            (!email.is_empty()).then_some(email)
        );
    }

    let report = app
        .sync(zoom_mirror::sync::Entity::MeetingParticipants)
        .await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        report.counts.inserted, 0,
        "the listing's rows are the events' rows"
    );
    assert_eq!(report.counts.updated as usize, listed.len());
    let read = attendance(&app, uuid).await;
    assert_eq!(read.len(), listed.len());
    for p in &listed {
        let row = by_key(&read, p);
        assert_eq!(&row["raw"], p, "the listing's row is Zoom's whole");
        assert_eq!(row["deleted"], false);
    }

    // A join event that arrives after the listing was read (a redelivery is stored once, so
    // this one says something else): older than the row, it changes nothing.
    let host_joined = |body: &Value| body["payload"]["object"]["participant"] == joined[0];
    let mut late = sent(&app, "meeting.participant_joined", host_joined).await;
    late["payload"]["object"]["participant"]["user_name"] = json!("A name from before");
    running
        .deliver("meeting.participant_joined", at(1), late["payload"].clone())
        .await;
    let events = settled_count(&app, 17).await;
    assert_eq!(
        outcomes(&events)
            .iter()
            .filter(|o| **o == ("meeting.participant_joined", Some("unchanged")))
            .count(),
        1,
        "{events:?}"
    );
    assert_eq!(attendance(&app, uuid).await, read);
}

/// A join alone records its instance: an instant meeting no listing shows, unrecorded, is asked
/// while it runs (3001) and read whole once it ended, though no `meeting.ended` came yet.
#[tokio::test(flavor = "multi_thread")]
async fn a_join_alone_has_its_instance_read_once_it_ended() {
    let (app, socket) = crate::webhooks::app_sending_webhooks(Duration::from_secs(60)).await;
    let _running = Running::start(&app, socket).await;
    let (uuid, started) = running_instant_meeting(&app, 0);
    let handle = app.handle();
    let meeting = SessionKind::Meeting;
    let joined = (0..3)
        .map(|n| handle.join_participant(meeting, uuid, None, started + TimeDelta::minutes(n)))
        .collect::<Option<Vec<Value>>>()
        .expect("the instance runs");
    settled_count(&app, joined.len()).await;
    let instance = &app.rows(MEETING_INSTANCES).await[uuid];
    assert_eq!(instance["found_by"], "event");
    let start = instance["start_time"].as_str().unwrap();
    assert_eq!(start.parse::<DateTime<Utc>>().unwrap(), started);

    let pass = || app.sync(zoom_mirror::sync::Entity::MeetingParticipants);
    let report = pass().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        report.counts.inserted + report.counts.updated,
        0,
        "Zoom answers 3001 while it runs"
    );
    assert!(app.rows(MEETING_INSTANCES).await[uuid]["settled_at"].is_null());

    // The pass reads it before the end's events are applied, or after: the listing decides.
    (handle.end_instance(meeting, uuid, started + TimeDelta::hours(1))).expect("it runs");
    handle.reset_stats();
    let report = pass().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        handle.stats().calls(Endpoint::ListPastMeetingParticipants),
        1
    );
    let rows = attendance(&app, uuid).await;
    assert_eq!(rows.len(), joined.len());
    assert!(rows.iter().all(|r| !r["leave_time"].is_null()), "{rows:?}");
}
