//! Zoom Phone call recordings: every licensed user's recordings mirrored over the month
//! windows of the last six months and several pages, later passes reading only the recent
//! days, deletions found by a complete listing or an event, and users or an account without
//! Zoom Phone as none, never a failure.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use serde_json::Value;

use zoom_mirror::sync::Entity;
use zoom_mirror::zoom::{DayRange, Endpoint};
use zoom_simulator::SimulatorConfig;

use crate::support::TestApp;
use crate::support::app::{pages_of, users_only};
use crate::support::mirror::{PHONE_RECORDINGS, USERS};
use crate::webhooks_apply::{Running, outcomes, settled, until};

/// Every recording the simulator holds for its licensed users, by id.
fn expected(app: &TestApp) -> BTreeMap<String, Value> {
    let handle = app.handle();
    (handle.phone_users().iter())
        .flat_map(|user| handle.phone_recordings(user))
        .map(|r| (r["id"].as_str().unwrap().to_owned(), r))
        .collect()
}

/// How many of `user`'s recordings began on the days of `range`.
fn recorded_in(app: &TestApp, user: &str, range: DayRange) -> usize {
    (app.handle().phone_recordings(user).iter())
        .filter(|r| {
            let at = chrono::DateTime::parse_from_rfc3339(r["date_time"].as_str().unwrap());
            range.contains(at.unwrap().to_utc())
        })
        .count()
}

/// The users the pass walks: every mirrored user with an id.
async fn walked(app: &TestApp) -> u64 {
    let users = app.live_rows(USERS).await;
    users.values().filter(|u| !u["id"].is_null()).count() as u64
}

/// The day the last successful phone recordings pass began.
async fn report_day(app: &TestApp) -> chrono::NaiveDate {
    let mut conn = app.conn().await;
    zoom_mirror::db::sync_runs::last_success_started(&mut conn, "phone_recordings")
        .await
        .unwrap()
        .expect("a successful pass")
        .date_naive()
}

async fn sync_phone(app: &TestApp) -> zoom_mirror::sync::PassReport {
    let report = app.sync(Entity::PhoneRecordings).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    report
}

#[tokio::test(flavor = "multi_thread")]
async fn every_window_and_page_is_mirrored_and_later_passes_read_the_recent_days_only() {
    let app = TestApp::with(users_only(12), |_| {}).await;
    app.sync_users().await;
    let handle = app.handle();
    let licensed = handle.phone_users();
    assert!(licensed.len() >= 2, "seed 7 licenses {licensed:?}");
    // One user's newest window runs to three pages.
    let now = Utc::now();
    for k in 0..650 {
        handle
            .add_phone_recording(&licensed[0], now - TimeDelta::minutes(30 + k * 50))
            .unwrap();
    }
    handle.reset_stats();

    let report = sync_phone(&app).await;
    let expected = expected(&app);
    let rows = app.assert_mirrored_raw(PHONE_RECORDINGS, &expected).await;
    assert_eq!(report.counts.inserted as usize, expected.len());
    for (id, zoom) in &expected {
        let row = &rows[id];
        assert_eq!(row["call_id"], zoom["call_id"], "{id}");
        assert_eq!(row["direction"], zoom["direction"], "{id}");
        assert_eq!(row["duration"], zoom["duration"], "{id}");
        assert_eq!(
            row["callee_number_type"], zoom["callee_number_type"],
            "{id}"
        );
        assert_eq!(row["outgoing_by"], zoom["outgoing_by"], "{id}");
        assert!(licensed.contains(&row["user_id"].as_str().unwrap().to_owned()));
    }
    // The recordings span several windows.
    let today = now.date_naive();
    let backfill = DayRange {
        from: today - chrono::Duration::days(180),
        to: today,
    };
    let windows = backfill.windows();
    let spanned = windows
        .iter()
        .filter(|w| licensed.iter().any(|u| recorded_in(&app, u, **w) > 0))
        .count();
    assert!(spanned >= 3, "{spanned} windows");

    // Each licensed user is read window by window (the big one's newest window in three
    // pages); each other user answers 404/1001 once and is not asked further.
    let licensed_n = licensed.len() as u64;
    let unlicensed = walked(&app).await - licensed_n;
    assert!(unlicensed > 0);
    let big_window = recorded_in(&app, &licensed[0], windows[0]);
    let extra_pages = pages_of(Endpoint::ListPhoneUserRecordings, big_window) - 1;
    assert_eq!(extra_pages, 2);
    let calls = handle.stats().calls(Endpoint::ListPhoneUserRecordings);
    assert_eq!(
        calls,
        licensed_n * windows.len() as u64 + extra_pages + unlicensed
    );

    // The next pass reads the days since the last one began, plus one: one window each.
    let recent = DayRange {
        from: report_day(&app).await - chrono::Duration::days(1),
        to: Utc::now().date_naive(),
    };
    assert_eq!(recent.windows().len(), 1);
    let recent_pages = pages_of(
        Endpoint::ListPhoneUserRecordings,
        recorded_in(&app, &licensed[0], recent),
    );
    handle.reset_stats();
    let again = sync_phone(&app).await;
    assert_eq!(
        (
            again.counts.inserted,
            again.counts.updated,
            again.counts.deleted
        ),
        (0, 0, 0)
    );
    assert_eq!(
        handle.stats().calls(Endpoint::ListPhoneUserRecordings),
        licensed_n + (recent_pages - 1) + unlicensed
    );

    // A recording deleted in Zoom (no event: no subscription) leaves with the next complete
    // listing of its day; an old one out of the recent days is kept.
    let newest = handle.phone_recordings(&licensed[0])[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(handle.delete_phone_recording(&newest));
    let third = sync_phone(&app).await;
    assert_eq!(third.counts.deleted, 1);
    let live = app.live_rows(PHONE_RECORDINGS).await;
    assert!(!live.contains_key(&newest));
    assert_eq!(live.len(), expected.len() - 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn users_without_a_licence_and_an_account_without_phone_are_none() {
    let app = TestApp::with(users_only(8), |_| {}).await;
    app.sync_users().await;
    let handle = app.handle();
    // Nobody licensed: every user answers 404/1001 and the pass succeeds with nothing.
    for user in handle.phone_users() {
        assert!(handle.set_phone_licence(&user, false));
    }
    handle.reset_stats();
    let report = sync_phone(&app).await;
    assert_eq!(report.counts.inserted, 0);
    assert_eq!(
        handle.stats().calls(Endpoint::ListPhoneUserRecordings),
        walked(&app).await
    );

    // An account without Zoom Phone: the first user's 403 stands for everyone's.
    let user = app.active_user_id(0);
    assert!(handle.set_phone_licence(&user, true));
    handle.add_phone_recording(&user, Utc::now()).unwrap();
    handle.set_phone_enabled(false);
    handle.reset_stats();
    let report = sync_phone(&app).await;
    assert_eq!(report.counts.inserted, 0);
    // The first answers stand for everyone: only the users asked at once were asked.
    let calls = handle.stats().calls(Endpoint::ListPhoneUserRecordings);
    let concurrency = app.ctx.settings.concurrency as u64;
    assert!((1..=concurrency).contains(&calls), "{calls}");
    assert!(walked(&app).await > concurrency);
    assert!(app.rows(PHONE_RECORDINGS).await.is_empty());
    let parents = report.parents.expect("the pass walked the users");
    assert_eq!(parents.done, parents.total);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_phone_scope_fails_the_pass_naming_it() {
    let scopes: Vec<String> = SimulatorConfig::default()
        .scopes
        .into_iter()
        .filter(|s| !Endpoint::ListPhoneUserRecordings.opened_by(s))
        .collect();
    let app = TestApp::with(
        SimulatorConfig {
            scopes,
            ..users_only(3)
        },
        |_| {},
    )
    .await;
    app.sync_users().await;
    let report = app.sync(Entity::PhoneRecordings).await;
    let error = report.error.expect("the pass fails").to_string();
    assert!(
        error.contains("phone:read:list_recordings:admin"),
        "{error}"
    );
}

/// A call Zoom records arrives by `phone.recording_completed` through the real listener and
/// applier, and leaves by `phone.recording_deleted`.
#[tokio::test(flavor = "multi_thread")]
async fn a_recorded_call_arrives_by_webhook_and_leaves_when_deleted() {
    let (app, socket) = crate::webhooks::app_sending_webhooks(Duration::from_secs(60)).await;
    let _running = Running::start(&app, socket).await;
    let handle = app.handle();
    let user = handle.phone_users()[0].clone();
    let added = handle
        .add_phone_recording(&user, Utc::now() - TimeDelta::minutes(3))
        .unwrap();
    let id = added["id"].as_str().unwrap().to_owned();
    until("the recording", || async {
        app.live_rows(PHONE_RECORDINGS).await.contains_key(&id)
    })
    .await;
    let row = &app.rows(PHONE_RECORDINGS).await[&id];
    assert_eq!(row["user_id"], user.as_str());
    assert_eq!(row["call_id"], added["call_id"]);
    assert_eq!(
        row["date_time"].as_str().map(|t| &t[..19]),
        added["date_time"].as_str().map(|t| &t[..19])
    );

    assert!(handle.delete_phone_recording(&id));
    until("the deletion", || async {
        app.rows(PHONE_RECORDINGS).await[&id]["deleted_at"].is_string()
    })
    .await;
    assert_eq!(
        outcomes(&settled(&app).await),
        [
            ("phone.recording_completed", Some("written")),
            ("phone.recording_deleted", Some("written"))
        ]
    );
}
