//! Meetings and webinars end to end: listings per host, deletions told from expiries, details
//! only for what is new or changed, webinars paged by number.

use std::collections::BTreeMap;

use serde_json::Value;

use zoom_mirror::db::sync_runs::{self, RunStatus};
use zoom_mirror::sync::Entity;
use zoom_mirror::zoom::{Endpoint, SessionKind};
use zoom_simulator::{
    AccountSpec, BusyHosts, Fault, FaultKind, SimHandle, SimInstance, SimulatorConfig,
};

use crate::support::TestApp;
use crate::support::app::{one_busy_host, pages_of, within_two_minutes};
use crate::support::mirror::{MEETINGS, WEBINARS};

pub fn account(users: usize) -> SimulatorConfig {
    SimulatorConfig {
        account: AccountSpec {
            users,
            seed: 11,
            meetings_per_user: 4,
            ..AccountSpec::default()
        },
        ..SimulatorConfig::default()
    }
}

/// Users Zoom knows by id (active and inactive): the hosts a pass lists.
pub fn host_ids(app: &TestApp) -> Vec<String> {
    app.handle()
        .all_listed_users()
        .iter()
        .filter_map(|u| u["id"].as_str().map(str::to_owned))
        .collect()
}

/// Every meeting (or webinar) the simulator lists now, by id, with its host.
fn listed(app: &TestApp, kind: SessionKind) -> BTreeMap<String, (String, Value)> {
    let handle = app.handle();
    let mut all = BTreeMap::new();
    for host in host_ids(app) {
        let items = match kind {
            SessionKind::Meeting => handle.listed_meetings(&host, "scheduled"),
            SessionKind::Webinar => handle.listed_webinars(&host),
        };
        for item in items {
            all.insert(item["id"].to_string(), (host.clone(), item));
        }
    }
    all
}

/// Each of `listed`'s objects by id, without its host.
fn raw_of(listed: &BTreeMap<String, (String, Value)>) -> impl Iterator<Item = (&String, &Value)> {
    listed.iter().map(|(id, (_, zoom))| (id, zoom))
}

#[tokio::test(flavor = "multi_thread")]
async fn meetings_mirror_every_hosts_listing_exactly_in_one_call_per_host() {
    let app = TestApp::with(account(40), |_| {}).await;
    app.sync_users().await;
    let report = app.sync(Entity::Meetings).await;
    assert!(report.error.is_none(), "{:?}", report.error);

    let listed = listed(&app, SessionKind::Meeting);
    let rows = app.assert_mirrored_raw(MEETINGS, raw_of(&listed)).await;
    for (id, (host, zoom)) in &listed {
        let row = &rows[id];
        assert_eq!(row["host_id"].as_str(), Some(host.as_str()));
        assert_eq!(row["topic"], zoom["topic"]);
        assert_eq!(row["uuid"], zoom["uuid"]);
        assert_eq!(row["type"], zoom["type"]);
        assert!(row["deleted_at"].is_null());
    }
    assert_eq!(report.counts.inserted as usize, listed.len());
    // One page per host: 4 meetings each fit in a page of 300.
    assert_eq!(report.api_calls as usize, host_ids(&app).len());
    let uuids: Vec<&str> = rows.values().filter_map(|r| r["uuid"].as_str()).collect();
    assert!(
        uuids.iter().any(|u| u.starts_with('/')),
        "the awkward UUIDs came through"
    );
    assert!(uuids.iter().any(|u| u.contains("//")));

    // Unchanged: nothing rewritten.
    let before = app.versions(MEETINGS).await;
    let again = app.sync(Entity::Meetings).await;
    assert_eq!(
        (
            again.counts.inserted,
            again.counts.updated,
            again.counts.deleted
        ),
        (0, 0, 0)
    );
    assert_eq!(app.versions(MEETINGS).await, before);
}

/// Puts a meeting near the end of its lifetime, as the mirror sees one shortly before Zoom
/// drops it: a one-off meeting scheduled 40 days ago but held again 10 days ago; a recurring
/// one created 500 days ago and last held 100 days ago. A test cannot wait a month, so
/// `expire_meeting` then moves its dates on instead of the clock.
pub fn near_end_of_life(handle: &SimHandle, id: &str) {
    let now = chrono::Utc::now();
    let held = |ended_days_ago: i64| SimInstance {
        uuid: format!("heldInstance{ended_days_ago:010}=="),
        start_time: now - chrono::Duration::days(ended_days_ago) - chrono::Duration::hours(1),
        end_time: Some(now - chrono::Duration::days(ended_days_ago)),
        participants_count: 3,
        joins: Vec::new(),
    };
    assert!(handle.update_meeting(id, |m| {
        if m.session_type == 2 {
            m.start_time = Some(now - chrono::Duration::days(40));
            m.created_at = now - chrono::Duration::days(45);
            m.instances = vec![held(10)];
        } else {
            m.created_at = now - chrono::Duration::days(500);
            m.instances = vec![held(100)];
        }
    }));
}

/// A listed meeting of one of the given types, not `except`.
fn meeting_of_type(app: &TestApp, types: &[i64], except: &[&str]) -> String {
    listed(app, SessionKind::Meeting)
        .into_iter()
        .find(|(id, (_, m))| {
            types.contains(&m["type"].as_i64().unwrap_or(0)) && !except.contains(&id.as_str())
        })
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("no listed meeting of type {types:?}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deleted_meeting_is_told_from_an_expired_one() {
    let app = TestApp::with(account(40), |_| {}).await;
    let handle = app.handle();
    let deleted_once = meeting_of_type(&app, &[2], &[]);
    let expired_once = meeting_of_type(&app, &[2], &[&deleted_once]);
    let expired_recurring = meeting_of_type(&app, &[3, 8], &[]);
    let deleted_recurring = meeting_of_type(&app, &[3, 8], &[&expired_recurring]);
    near_end_of_life(&handle, &expired_once);
    near_end_of_life(&handle, &expired_recurring);
    app.sync_users().await;
    app.sync(Entity::Meetings).await;
    assert!(
        app.rows(MEETINGS)
            .await
            .values()
            .all(|r| r["deleted_at"].is_null())
    );

    handle.remove_meeting(&deleted_once).unwrap();
    handle.remove_meeting(&deleted_recurring).unwrap();
    assert!(handle.expire_meeting(&expired_once));
    assert!(handle.expire_meeting(&expired_recurring));

    let report = app.sync(Entity::Meetings).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.counts.deleted, 4);
    let rows = app.rows(MEETINGS).await;
    let reason = |id: &str| rows[id]["deleted_reason"].as_str().map(str::to_owned);
    assert_eq!(reason(&deleted_once).as_deref(), Some("deleted"));
    assert_eq!(reason(&deleted_recurring).as_deref(), Some("deleted"));
    assert_eq!(reason(&expired_once).as_deref(), Some("expired"));
    assert_eq!(reason(&expired_recurring).as_deref(), Some("expired"));
    assert_eq!(
        rows.values().filter(|r| !r["deleted_at"].is_null()).count(),
        4,
        "nothing else is marked"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_host_who_leaves_takes_their_meetings_and_webinars() {
    let app = TestApp::with(account(40), |_| {}).await;
    app.sync_users().await;
    app.sync(Entity::Meetings).await;
    app.sync(Entity::Webinars).await;
    let meetings = app.rows(MEETINGS).await;
    let webinars = app.rows(WEBINARS).await;
    let host = webinars
        .values()
        .next()
        .and_then(|w| w["host_id"].as_str())
        .expect("a webinar host")
        .to_owned();
    let hosted = |rows: &BTreeMap<String, Value>| -> Vec<String> {
        rows.iter()
            .filter(|(_, r)| r["host_id"].as_str() == Some(host.as_str()))
            .map(|(id, _)| id.clone())
            .collect()
    };
    let (their_meetings, their_webinars) = (hosted(&meetings), hosted(&webinars));
    assert!(!their_meetings.is_empty());

    app.handle().remove_user(&host).unwrap();
    app.sync_users().await;
    assert_eq!(
        app.sync(Entity::Meetings).await.counts.deleted as usize,
        their_meetings.len()
    );
    assert_eq!(
        app.sync(Entity::Webinars).await.counts.deleted as usize,
        their_webinars.len()
    );
    for (table, ids) in [(MEETINGS, their_meetings), (WEBINARS, their_webinars)] {
        let rows = app.rows(table).await;
        for id in ids {
            assert_eq!(rows[&id]["deleted_reason"], "host_deleted", "{id}");
        }
        let others = rows
            .values()
            .filter(|r| r["host_id"].as_str() != Some(host.as_str()));
        assert!(others.into_iter().all(|r| r["deleted_at"].is_null()));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn details_are_fetched_once_for_new_meetings_and_again_only_when_one_changes() {
    let mut app = TestApp::with(account(20), |_| {}).await;
    app.ctx.settings.meeting_details = true;
    app.sync_users().await;
    let hosts = host_ids(&app).len() as u64;

    let first = app.sync(Entity::Meetings).await;
    assert!(first.error.is_none(), "{:?}", first.error);
    let meetings = app.rows(MEETINGS).await;
    assert_eq!(first.api_calls, hosts + meetings.len() as u64);
    for (id, row) in &meetings {
        let details = &row["details"];
        assert_eq!(
            details["id"].to_string(),
            *id,
            "details of the same meeting"
        );
        // The listing cuts the agenda; the column holds all of it.
        assert_eq!(row["agenda"], details["agenda"]);
        let on = matches!(details["settings"]["approval_type"].as_i64(), Some(0 | 1));
        assert_eq!(row["has_registration"], on, "{id}");
    }
    assert!(
        meetings.values().any(|r| r["agenda"]
            .as_str()
            .is_some_and(|a| a.chars().count() > 250)),
        "an agenda the listing cut is stored whole"
    );

    let second = app.sync(Entity::Meetings).await;
    assert_eq!(second.api_calls, hosts, "nothing new, no detail call");

    let changed = meetings.keys().next().unwrap().clone();
    app.handle()
        .update_meeting(&changed, |m| m.topic = "Renamed".into());
    let third = app.sync(Entity::Meetings).await;
    assert_eq!(third.api_calls, hosts + 1);
    assert_eq!(third.counts.updated, 1);
    assert_eq!(
        app.rows(MEETINGS).await[&changed]["details"]["topic"],
        "Renamed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn users_without_a_webinar_plan_have_none_and_the_pass_succeeds() {
    let app = TestApp::with(account(40), |_| {}).await;
    app.sync_users().await;
    let report = app.sync(Entity::Webinars).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    let listed = listed(&app, SessionKind::Webinar);
    assert!(!listed.is_empty());
    app.assert_mirrored_raw(WEBINARS, raw_of(&listed)).await;

    // A plan moved to someone else: Zoom answers "no plan", which says nothing of the
    // webinars the mirror has, so they stay as they were.
    let host = listed.values().next().unwrap().0.clone();
    app.handle().set_webinar_plan(&host, false);
    let report = app.sync(Entity::Webinars).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.counts.deleted, 0);
    assert_eq!(app.live_rows(WEBINARS).await.len(), listed.len());
}

/// One host's listing of `kind` at three pages: read in exactly three calls, and mirrored
/// whole. Meetings go by token, and their pages may also carry `page_number` and `page_count`,
/// which must not start the listing over; webinars go by page number.
async fn three_pages_of(kind: SessionKind) {
    let (busy, entity, endpoint, table) = match kind {
        SessionKind::Meeting => (
            BusyHosts {
                meetings: 700,
                ..BusyHosts::default()
            },
            Entity::Meetings,
            Endpoint::ListMeetings,
            MEETINGS,
        ),
        SessionKind::Webinar => (
            BusyHosts {
                webinars: 700,
                ..BusyHosts::default()
            },
            Entity::Webinars,
            Endpoint::ListWebinars,
            WEBINARS,
        ),
    };
    let app = TestApp::with(one_busy_host(busy), |_| {}).await;
    app.sync_users().await;
    app.handle().reset_stats();
    let report = within_two_minutes(entity.as_str(), app.sync(entity)).await;
    assert!(report.error.is_none(), "{:?}", report.error);

    let listed = listed(&app, kind);
    assert!(
        listed.len() > 600,
        "{} listed: three pages of 300",
        listed.len()
    );
    app.assert_mirrored_raw(table, raw_of(&listed)).await;
    let stats = app.handle().stats();
    assert_eq!(stats.calls(endpoint), 3);
    assert_eq!(stats.calls(endpoint), pages_of(endpoint, listed.len()));
    assert_eq!(
        (stats.listings(endpoint), stats.longest_listing(endpoint)),
        (1, 3)
    );
    assert_eq!(report.api_calls, 3, "nothing but the listing");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_host_with_three_pages_of_meetings_is_read_in_three_calls() {
    three_pages_of(SessionKind::Meeting).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn webinar_listings_are_followed_by_page_number() {
    three_pages_of(SessionKind::Webinar).await;
}

/// Zoom's answer to a host's listing when the account forbids hosting.
fn hosting_not_allowed() -> Fault {
    Fault::new(FaultKind::ZoomError {
        status: 400,
        code: 3161,
        message:
            "Meeting hosting and scheduling capabilities are not allowed for your user account."
                .into(),
    })
    .on(Endpoint::ListMeetings)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_listing_marks_nothing_and_the_next_pass_does() {
    let app = TestApp::with(account(20), |_| {}).await;
    app.sync_users().await;
    app.sync(Entity::Meetings).await;
    let gone = meeting_of_type(&app, &[2], &[]);
    app.handle().remove_meeting(&gone).unwrap();
    app.handle().inject(hosting_not_allowed().times(1000));

    let failed = app.sync(Entity::Meetings).await;
    assert_eq!(failed.status, RunStatus::Failed);
    assert!(failed.error.unwrap().to_string().contains("3161"));
    assert!(app.rows(MEETINGS).await[&gone]["deleted_at"].is_null());

    app.handle().clear_faults();
    let report = app.sync(Entity::Meetings).await;
    assert_eq!(report.counts.deleted, 1);
    assert_eq!(app.rows(MEETINGS).await[&gone]["deleted_reason"], "deleted");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pass_stopped_midway_deletes_nothing_and_the_next_one_completes() {
    let app = TestApp::with(account(30), |_| {}).await;
    app.sync_users().await;
    app.sync(Entity::Meetings).await;
    // Hosts go in id order: the last host's listing cannot have finished when the pass stops.
    let last_host = host_ids(&app).into_iter().max().unwrap();
    let gone = listed(&app, SessionKind::Meeting)
        .into_iter()
        .find(|(_, (host, _))| *host == last_host)
        .map(|(id, _)| id)
        .expect("the last host has a meeting");
    app.handle().remove_meeting(&gone).unwrap();
    app.handle().inject(
        Fault::new(FaultKind::Latency(std::time::Duration::from_millis(400)))
            .on(Endpoint::ListMeetings)
            .times(1000),
    );
    let handle = app.handle();
    let stopped = app
        .sync_stopped_when(Entity::Meetings, || {
            handle.stats().calls(Endpoint::ListMeetings) >= 1
        })
        .await;
    assert_eq!(stopped.status, RunStatus::Cancelled);
    assert_eq!(stopped.counts.deleted, 0);
    assert!(app.rows(MEETINGS).await[&gone]["deleted_at"].is_null());

    app.handle().clear_faults();
    let report = app.sync(Entity::Meetings).await;
    assert_eq!(report.status, RunStatus::Succeeded);
    assert_eq!(app.rows(MEETINGS).await[&gone]["deleted_reason"], "deleted");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_past_meetings_an_old_meeting_that_vanished_counts_as_expired() {
    let app = TestApp::with(account(20), |_| {}).await;
    let handle = app.handle();
    let old = meeting_of_type(&app, &[3, 8], &[]);
    near_end_of_life(&handle, &old);
    app.sync_users().await;
    app.sync(Entity::Meetings).await;
    handle.expire_meeting(&old);
    // As on a plan without past-meeting data.
    handle.inject(
        Fault::new(FaultKind::ZoomError {
            status: 400,
            code: 200,
            message: "Only available for paid account: SIMaccount_demo_000001".into(),
        })
        .on(Endpoint::GetPastMeeting)
        .times(10),
    );
    let report = app.sync(Entity::Meetings).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(app.rows(MEETINGS).await[&old]["deleted_reason"], "expired");
}

/// A meeting deleted between two pages of its host's listing shifts the next page by one, so a
/// meeting that still exists is never listed. The listing then holds fewer meetings than the
/// `total_records` its first page announced: nothing of that host is marked deleted this pass.
#[tokio::test(flavor = "multi_thread")]
async fn a_listing_short_of_its_announced_total_decides_no_deletion() {
    let app = TestApp::with(
        one_busy_host(BusyHosts {
            meetings: 700,
            ..BusyHosts::default()
        }),
        |_| {},
    )
    .await;
    let handle = app.handle();
    let host = host_ids(&app).remove(0);
    let before = handle.listed_meetings(&host, "scheduled");
    assert!(before.len() > 300, "two pages: {} meetings", before.len());
    app.sync_users().await;
    app.sync(Entity::Meetings).await;

    let removed = before[0]["id"].to_string();
    let shifted = before[300]["id"].to_string();
    handle.reset_stats();
    handle.inject(
        Fault::new(FaultKind::Latency(std::time::Duration::from_secs(2)))
            .on(Endpoint::ListMeetings)
            .after(1)
            .times(1),
    );
    let delete_during_page_two = async {
        // The second page is held back: delete a meeting of the first page meanwhile.
        while handle.stats().calls(Endpoint::ListMeetings) < 2 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        handle.remove_meeting(&removed).unwrap();
    };
    let (report, ()) = tokio::join!(app.sync(Entity::Meetings), delete_during_page_two);
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.counts.incomplete, 1);
    assert_eq!(report.counts.deleted, 0);
    let rows = app.rows(MEETINGS).await;
    assert!(
        rows[&shifted]["deleted_at"].is_null(),
        "never listed, still there"
    );
    assert!(rows[&removed]["deleted_at"].is_null(), "decided next pass");
    let run = sync_runs::get(&mut app.conn().await, report.run_id)
        .await
        .unwrap();
    assert_eq!(run.listings_incomplete, 1);

    let next = app.sync(Entity::Meetings).await;
    assert_eq!((next.counts.incomplete, next.counts.deleted), (0, 1));
    let rows = app.rows(MEETINGS).await;
    assert_eq!(rows[&removed]["deleted_reason"], "deleted");
    assert!(rows[&shifted]["deleted_at"].is_null());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pass_that_fails_midway_reports_the_rows_it_wrote() {
    let app = TestApp::with(account(30), |_| {}).await;
    app.sync_users().await;
    app.handle().inject(hosting_not_allowed().after(10));
    let failed = app.sync(Entity::Meetings).await;
    assert_eq!(failed.status, RunStatus::Failed);
    let written = app.rows(MEETINGS).await.len() as i64;
    assert!(written > 0, "ten hosts were listed before the fault");
    assert_eq!(failed.counts.inserted, written);
    let run = sync_runs::get(&mut app.conn().await, failed.run_id)
        .await
        .unwrap();
    assert_eq!(run.rows_inserted, written);
}
