//! Cloud recordings: month windows back to the backfill, then only the days since the last pass,
//! deletions scoped to what was read, and the account-wide listing.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveTime, Utc};
use serde_json::Value;

use zoom_mirror::config::RecordingsSource;
use zoom_mirror::db::sync_runs::RunStatus;
use zoom_mirror::sync::Entity;
use zoom_mirror::zoom::{DayRange, Endpoint};
use zoom_simulator::{AccountSpec, BusyHosts, Fault, FaultKind, SimulatorConfig};

use crate::fence::judged_only_when_older;
use crate::meetings_sync::host_ids;
use crate::support::TestApp;
use crate::support::app::{one_busy_host, pages_of, within_two_minutes};
use crate::support::mirror::{RECORDING_FILES, RECORDINGS};

fn account() -> SimulatorConfig {
    SimulatorConfig {
        account: AccountSpec {
            users: 20,
            seed: 5,
            recordings_per_user: 6,
            ..AccountSpec::default()
        },
        ..SimulatorConfig::default()
    }
}

fn backfill() -> DayRange {
    let today = Utc::now().date_naive();
    DayRange {
        from: today - Duration::days(180),
        to: today,
    }
}

/// What the simulator lists for `host` (or the account) over `range`, window by window.
fn listed(app: &TestApp, host: Option<&str>, range: DayRange) -> BTreeMap<String, Value> {
    range
        .windows()
        .into_iter()
        .flat_map(|w| app.handle().recordings_in(host, Some(w.from), Some(w.to)))
        .map(|r| (r["uuid"].as_str().unwrap().to_owned(), r))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_pass_reads_back_the_backfill_in_month_windows() {
    let app = TestApp::with(account(), |_| {}).await;
    app.sync_users().await;
    let report = app.sync(Entity::Recordings).await;
    assert!(report.error.is_none(), "{:?}", report.error);

    let hosts = host_ids(&app);
    let windows = backfill().windows().len();
    assert_eq!(report.api_calls as usize, hosts.len() * windows);

    let expected = listed(&app, None, backfill());
    let rows = app.rows(RECORDINGS).await;
    assert_eq!(
        rows.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    // The account has recordings from up to 200 days ago; the backfill is 180.
    let older = app.handle().recordings_in(
        None,
        Some(backfill().from - Duration::days(25)),
        Some(backfill().from - Duration::days(1)),
    );
    assert!(
        !older.is_empty(),
        "the account has recordings older than the backfill"
    );
    assert!(
        older
            .iter()
            .all(|r| !rows.contains_key(r["uuid"].as_str().unwrap()))
    );
    let mut files = 0;
    for (uuid, zoom) in &expected {
        assert_eq!(&rows[uuid]["raw"], zoom);
        assert_eq!(
            rows[uuid]["type"]
                .as_i64()
                .map(|t| t.to_string())
                .as_deref(),
            zoom["type"].as_str(),
            "type arrives as a string"
        );
        files += zoom["recording_files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["id"].is_string())
            .count();
    }
    let file_rows = app.rows(RECORDING_FILES).await;
    assert_eq!(file_rows.len(), files);
    assert!(
        file_rows
            .values()
            .any(|f| f["file_size"] == 0 && f["recording_end"].is_null()),
        "a file still processing is kept"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn later_passes_read_only_the_days_since_the_last_one_and_find_late_arrivals() {
    let app = TestApp::with(account(), |_| {}).await;
    app.sync_users().await;
    app.sync(Entity::Recordings).await;
    let before = app.versions(RECORDINGS).await;

    let handle = app.handle();
    let recent = listed(
        &app,
        None,
        DayRange {
            from: Utc::now().date_naive() - Duration::days(1),
            to: Utc::now().date_naive(),
        },
    );
    let template = handle
        .recording(listed(&app, None, backfill()).keys().next().unwrap())
        .unwrap();
    // A recording of yesterday that Zoom only now lists.
    let mut late = template.clone();
    late.uuid = "lateArrival0000000000A==".into();
    late.start_time = Utc::now() - Duration::days(1);
    for (i, f) in late.files.iter_mut().enumerate() {
        f.id = format!("late-file-{i}");
    }
    handle.insert_recording(late);

    let report = app.sync(Entity::Recordings).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        report.api_calls as usize,
        host_ids(&app).len(),
        "one window per host"
    );
    let rows = app.rows(RECORDINGS).await;
    assert!(rows.contains_key("lateArrival0000000000A=="));
    let after = app.versions(RECORDINGS).await;
    let rewritten = before
        .iter()
        .filter(|(k, v)| after.get(*k) != Some(*v))
        .count();
    assert_eq!(rewritten, 0, "nothing already mirrored was rewritten");
    assert_eq!(
        report.counts.deleted,
        0,
        "{} recent recordings were re-read",
        recent.len()
    );
}

/// Copies a listed recording as `uuid`, started two hours ago but no earlier than today's UTC
/// midnight (the test looks for it under today), its files named `file_prefix-N`: only the
/// re-read days can reveal deletions, and today is always among them.
fn make_recent(app: &TestApp, uuid: &str, file_prefix: &str) {
    let handle = app.handle();
    let mut r = handle
        .recording(listed(app, None, backfill()).keys().next().unwrap())
        .unwrap();
    r.uuid = uuid.into();
    let midnight = Utc::now().date_naive().and_time(NaiveTime::MIN).and_utc();
    r.start_time = (Utc::now() - Duration::hours(2)).max(midnight);
    for (i, f) in r.files.iter_mut().enumerate() {
        f.id = format!("{file_prefix}-{i}");
    }
    handle.insert_recording(r);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_recording_and_a_removed_file_are_marked_deleted() {
    let app = TestApp::with(account(), |_| {}).await;
    app.sync_users().await;
    app.sync(Entity::Recordings).await;
    let handle = app.handle();
    let today = Utc::now().date_naive();
    make_recent(&app, "recentOne000000000000A==", "one");
    make_recent(&app, "recentTwo000000000000A==", "two");
    app.sync(Entity::Recordings).await;
    assert!(
        listed(
            &app,
            None,
            DayRange {
                from: today,
                to: today
            }
        )
        .len()
            >= 2
    );

    handle.remove_recording("recentOne000000000000A==").unwrap();
    handle
        .remove_recording_file("recentTwo000000000000A==", "two-0")
        .unwrap();
    let report = app.sync(Entity::Recordings).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    let rows = app.rows(RECORDINGS).await;
    assert!(rows["recentOne000000000000A=="]["deleted_at"].is_string());
    assert!(rows["recentTwo000000000000A=="]["deleted_at"].is_null());
    let files = app.rows(RECORDING_FILES).await;
    assert!(
        files["one-0"]["deleted_at"].is_string(),
        "files go with their recording"
    );
    assert!(files["two-0"]["deleted_at"].is_string());
    assert!(files["two-1"]["deleted_at"].is_null());
    assert!(
        rows.values()
            .filter(|r| r["deleted_at"].is_string())
            .count()
            == 1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_listing_judges_only_recordings_written_before_it_began() {
    let app = TestApp::with(account(), |_| {}).await;
    app.sync_users().await;
    let uuid = "recentFence0000000000A==";
    make_recent(&app, uuid, "fence");
    app.sync(Entity::Recordings).await;
    app.handle().remove_recording(uuid).unwrap();
    judged_only_when_older(&app, Entity::Recordings, RECORDINGS, uuid).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_account_listing_takes_one_call_per_window_for_everyone() {
    let mut app = TestApp::with(account(), |_| {}).await;
    app.ctx.settings.recordings_source = RecordingsSource::Account;
    app.sync_users().await;
    let report = app.sync(Entity::Recordings).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.api_calls as usize, backfill().windows().len());
    let expected = listed(&app, None, backfill());
    assert_eq!(
        app.rows(RECORDINGS).await.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_recordings_pass_deletes_nothing_and_is_not_a_success() {
    let app = TestApp::with(account(), |_| {}).await;
    app.sync_users().await;
    app.handle().inject(
        Fault::new(FaultKind::Latency(std::time::Duration::from_millis(300)))
            .on(Endpoint::ListUserRecordings)
            .times(10_000),
    );
    let handle = app.handle();
    let stopped = app
        .sync_stopped_when(Entity::Recordings, || {
            handle.stats().calls(Endpoint::ListUserRecordings) >= 1
        })
        .await;
    assert_eq!(stopped.status, RunStatus::Cancelled);
    assert_eq!(stopped.counts.deleted, 0);

    // Not a success, so the next pass reads the whole backfill again.
    app.handle().clear_faults();
    let report = app.sync(Entity::Recordings).await;
    assert_eq!(report.status, RunStatus::Succeeded);
    assert_eq!(
        report.api_calls as usize,
        host_ids(&app).len() * backfill().windows().len()
    );
    assert_eq!(
        app.rows(RECORDINGS).await.len(),
        listed(&app, None, backfill()).len()
    );
}

/// `source = "auto"`: the account listing when the app holds its scope and Zoom serves it,
/// else one listing per user, and the mirror is the same either way.
#[tokio::test(flavor = "multi_thread")]
async fn auto_takes_the_account_listing_where_scope_and_plan_allow_it() {
    let windows = backfill().windows().len();
    let without_scope: Vec<String> = SimulatorConfig::default()
        .scopes
        .into_iter()
        .filter(|s| !Endpoint::ListAccountRecordings.opened_by(s))
        .collect();
    let cases = [
        ("allowed", account(), windows, false),
        (
            "no master-account plan",
            SimulatorConfig {
                account_recordings: false,
                ..account()
            },
            1,
            true,
        ),
        (
            "scope not granted",
            SimulatorConfig {
                scopes: without_scope,
                ..account()
            },
            0,
            true,
        ),
    ];
    for (case, sim, account_calls, per_user) in cases {
        let mut app = TestApp::with(sim, |_| {}).await;
        app.ctx.settings.recordings_source = RecordingsSource::Auto;
        app.sync_users().await;
        app.handle().reset_stats();
        let report = app.sync(Entity::Recordings).await;
        assert!(report.error.is_none(), "{case}: {:?}", report.error);
        let stats = app.handle().stats();
        assert_eq!(
            stats.calls(Endpoint::ListAccountRecordings) as usize,
            account_calls,
            "{case}"
        );
        let user_calls = if per_user {
            host_ids(&app).len() * windows
        } else {
            0
        };
        assert_eq!(
            stats.calls(Endpoint::ListUserRecordings) as usize,
            user_calls,
            "{case}"
        );
        assert_eq!(
            app.rows(RECORDINGS).await.keys().collect::<Vec<_>>(),
            listed(&app, None, backfill()).keys().collect::<Vec<_>>(),
            "{case}"
        );
    }
}

/// A host with three pages of recordings in the latest month window, listed per user or for
/// the whole account: each window read in as many calls as it has pages, and every recording
/// mirrored.
async fn three_pages_of_recordings(source: RecordingsSource) {
    let mut app = TestApp::with(
        one_busy_host(BusyHosts {
            recordings: 700,
            ..BusyHosts::default()
        }),
        |_| {},
    )
    .await;
    app.ctx.settings.recordings_source = source;
    app.sync_users().await;
    app.handle().reset_stats();
    let report = within_two_minutes("recordings", app.sync(Entity::Recordings)).await;
    assert!(report.error.is_none(), "{:?}", report.error);

    let (host, endpoint) = match source {
        RecordingsSource::Users => (host_ids(&app).pop(), Endpoint::ListUserRecordings),
        // With every scope granted, auto reads the account listing.
        RecordingsSource::Account | RecordingsSource::Auto => {
            (None, Endpoint::ListAccountRecordings)
        }
    };
    let windows = backfill().windows();
    let sizes: Vec<usize> = windows
        .iter()
        .map(|w| listed(&app, host.as_deref(), *w).len())
        .collect();
    assert!(sizes[0] > 600, "{} in the latest window", sizes[0]);
    let expected = listed(&app, None, backfill());
    app.assert_mirrored_raw(RECORDINGS, &expected).await;
    let calls: u64 = sizes.iter().map(|n| pages_of(endpoint, *n)).sum();
    let stats = app.handle().stats();
    assert_eq!(stats.calls(endpoint), calls);
    assert_eq!(
        calls,
        3 + windows.len() as u64 - 1,
        "three pages in the latest window, one in each other"
    );
    assert_eq!(
        (stats.listings(endpoint), stats.longest_listing(endpoint)),
        (windows.len() as u64, 3)
    );
    assert_eq!(report.api_calls, calls);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_window_of_three_pages_is_read_page_by_page() {
    three_pages_of_recordings(RecordingsSource::Users).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_account_listing_reads_a_window_of_three_pages_page_by_page() {
    three_pages_of_recordings(RecordingsSource::Account).await;
}
