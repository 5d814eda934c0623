//! Registrants of every status, found with the fewest calls, and their deletions.

use std::collections::BTreeMap;

use serde_json::Value;

use zoom_mirror::sync::Entity;
use zoom_mirror::zoom::Endpoint;
use zoom_simulator::{BusyHosts, SessionKind};

use crate::meetings_sync::{account, host_ids, near_end_of_life};
use crate::support::TestApp;
use crate::support::app::{one_busy_host, pages_of, within_two_minutes};
use crate::support::mirror::{MEETING_REGISTRANTS, MEETINGS, Table, WEBINAR_REGISTRANTS, WEBINARS};

const STATUSES: [&str; 3] = ["approved", "pending", "denied"];

/// What the simulator lists for every mirrored live meeting or webinar, keyed as the table is.
async fn expected(app: &TestApp, kind: SessionKind) -> BTreeMap<String, Value> {
    let mut all = BTreeMap::new();
    for id in app.live_rows(session_table(kind)).await.into_keys() {
        for status in STATUSES {
            for r in app.handle().listed_registrants(kind, &id, status) {
                all.insert(format!("{id}/{}", r["id"].as_str().unwrap()), r);
            }
        }
    }
    all
}

fn session_table(kind: SessionKind) -> Table {
    match kind {
        SessionKind::Meeting => MEETINGS,
        SessionKind::Webinar => WEBINARS,
    }
}

async fn mirror_meetings(app: &TestApp) {
    app.sync_users().await;
    let report = app.sync(Entity::Meetings).await;
    assert!(report.error.is_none(), "{:?}", report.error);
}

#[tokio::test(flavor = "multi_thread")]
async fn registrants_of_every_status_are_mirrored_with_the_fewest_calls() {
    let app = TestApp::with(account(30), |_| {}).await;
    mirror_meetings(&app).await;
    let report = app.sync(Entity::MeetingRegistrants).await;
    assert!(report.error.is_none(), "{:?}", report.error);

    let expected = expected(&app, SessionKind::Meeting).await;
    let rows = app
        .assert_mirrored_raw(MEETING_REGISTRANTS, &expected)
        .await;
    for (key, zoom) in &expected {
        assert_eq!(rows[key]["email"], zoom["email"]);
        assert_eq!(rows[key]["status"], zoom["status"]);
    }
    for status in STATUSES {
        assert!(
            rows.values().any(|r| r["status"] == status),
            "no {status} registrant"
        );
    }

    // Three listings where registration is on, one answer "off" where it is not, none where
    // Zoom allows no registration (recurring with no fixed time, PMI).
    let handle = app.handle();
    let meetings = app.rows(MEETINGS).await;
    let mut calls = 0;
    for (id, row) in &meetings {
        let meeting = handle.meeting(id).unwrap();
        calls += match (row["type"].as_i64(), meeting.has_registration()) {
            (Some(3 | 4), _) => 0,
            (_, true) => 3,
            (_, false) => 1,
        };
        assert_eq!(row["has_registration"], meeting.has_registration(), "{id}");
    }
    assert!(
        meetings
            .values()
            .any(|r| matches!(r["type"].as_i64(), Some(3 | 4)))
    );
    assert_eq!(report.api_calls, calls);

    // Unchanged: nothing rewritten.
    let before = app.versions(MEETING_REGISTRANTS).await;
    let again = app.sync(Entity::MeetingRegistrants).await;
    assert_eq!(
        (
            again.counts.inserted,
            again.counts.updated,
            again.counts.deleted
        ),
        (0, 0, 0)
    );
    assert_eq!(app.versions(MEETING_REGISTRANTS).await, before);
}

#[tokio::test(flavor = "multi_thread")]
async fn registration_turned_on_later_is_noticed_even_with_details() {
    let mut app = TestApp::with(account(30), |_| {}).await;
    app.ctx.settings.meeting_details = true;
    mirror_meetings(&app).await;
    app.sync(Entity::MeetingRegistrants).await;
    let handle = app.handle();
    let meetings = app.live_rows(MEETINGS).await;
    let off = meetings
        .iter()
        .find(|(_, r)| r["has_registration"] == false && r["type"] == 2)
        .map(|(id, _)| id.clone())
        .expect("a one-off meeting without registration");
    let template = handle
        .meeting(
            meetings
                .keys()
                .find(|id| !handle.meeting(id).unwrap().registrants.is_empty())
                .unwrap(),
        )
        .unwrap()
        .registrants[0]
        .clone();
    // Turned on in Zoom: nothing in the listing changes, so the details are not fetched again.
    handle.update_meeting(&off, |m| m.approval_type = 0);
    handle.insert_registrant(
        SessionKind::Meeting,
        &off,
        zoom_simulator::SimRegistrant {
            id: "lateRegistrant00000001".into(),
            email: "late.registrant@example.com".into(),
            ..template
        },
    );
    app.sync(Entity::Meetings).await;
    let report = app.sync(Entity::MeetingRegistrants).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    let rows = app.rows(MEETING_REGISTRANTS).await;
    assert!(
        rows.contains_key(&format!("{off}/lateRegistrant00000001")),
        "{off}"
    );
    assert_eq!(app.rows(MEETINGS).await[&off]["has_registration"], true);
}

#[tokio::test(flavor = "multi_thread")]
async fn registrants_go_with_a_deleted_meeting_but_stay_with_an_expired_one() {
    let app = TestApp::with(account(30), |_| {}).await;
    let handle = app.handle();
    // Three one-off meetings with registrants; one near the end of its lifetime.
    let chosen: Vec<String> = host_ids(&app)
        .iter()
        .flat_map(|host| handle.listed_meetings(host, "scheduled"))
        .map(|m| m["id"].to_string())
        .filter(|id| {
            let m = handle.meeting(id).unwrap();
            m.session_type == 2 && m.has_registration() && !m.registrants.is_empty()
        })
        .take(3)
        .collect();
    let [deleted, expired, changed] = &chosen[..] else {
        panic!("three one-off meetings with registrants: {chosen:?}")
    };
    near_end_of_life(&handle, expired);
    mirror_meetings(&app).await;
    app.sync(Entity::MeetingRegistrants).await;
    let rows = app.rows(MEETING_REGISTRANTS).await;
    handle.remove_meeting(deleted).unwrap();
    handle.expire_meeting(expired);
    let of = |meeting: &str| -> Vec<Value> {
        let meeting: i64 = meeting.parse().unwrap();
        rows.values()
            .filter(|r| r["meeting_id"] == meeting)
            .cloned()
            .collect()
    };
    let cancelled = of(changed)[0]["id"].as_str().unwrap().to_owned();
    handle
        .remove_registrant(SessionKind::Meeting, changed, &cancelled)
        .unwrap();

    app.sync(Entity::Meetings).await;
    let report = app.sync(Entity::MeetingRegistrants).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.counts.deleted as usize, of(deleted).len() + 1);
    let after = app.rows(MEETING_REGISTRANTS).await;
    let is_deleted = |r: &Value| {
        let key = format!("{}/{}", r["meeting_id"], r["id"].as_str().unwrap());
        !after[&key]["deleted_at"].is_null()
    };
    assert!(of(deleted).iter().all(is_deleted));
    assert!(!of(expired).iter().any(is_deleted), "history stays");
    assert!(after[&format!("{changed}/{cancelled}")]["deleted_at"].is_string());
}

#[tokio::test(flavor = "multi_thread")]
async fn webinar_registrants_are_mirrored_too() {
    let app = TestApp::with(account(40), |_| {}).await;
    app.sync_users().await;
    app.sync(Entity::Webinars).await;
    let report = app.sync(Entity::WebinarRegistrants).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    let expected = expected(&app, SessionKind::Webinar).await;
    assert!(!expected.is_empty());
    let rows = app.rows(WEBINAR_REGISTRANTS).await;
    assert_eq!(
        rows.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert!(host_ids(&app).len() > 1);
}

/// A session with three pages of approved registrants: each of its three listings (approved,
/// pending, denied) read in as many calls as it has pages, and every registrant mirrored. The
/// pages may also carry `page_number` and `page_count`, which must not start a listing over.
async fn three_pages_of_registrants(kind: SessionKind) {
    let (sessions, entity, endpoint) = match kind {
        SessionKind::Meeting => (
            Entity::Meetings,
            Entity::MeetingRegistrants,
            Endpoint::ListMeetingRegistrants,
        ),
        SessionKind::Webinar => (
            Entity::Webinars,
            Entity::WebinarRegistrants,
            Endpoint::ListWebinarRegistrants,
        ),
    };
    let app = TestApp::with(
        one_busy_host(BusyHosts {
            meetings: 1,
            webinars: 1,
            registrants: 1_000,
            ..BusyHosts::default()
        }),
        |_| {},
    )
    .await;
    app.sync_users().await;
    app.sync(sessions).await;
    app.handle().reset_stats();
    let report = within_two_minutes(entity.as_str(), app.sync(entity)).await;
    assert!(report.error.is_none(), "{:?}", report.error);

    let expected = expected(&app, kind).await;
    let table = match kind {
        SessionKind::Meeting => MEETING_REGISTRANTS,
        SessionKind::Webinar => WEBINAR_REGISTRANTS,
    };
    app.assert_mirrored_raw(table, &expected).await;
    let session = app
        .live_rows(session_table(kind))
        .await
        .into_keys()
        .next()
        .expect("the busy host's session");
    let listed = |status| {
        app.handle()
            .listed_registrants(kind, &session, status)
            .len()
    };
    assert!(listed("approved") > 600, "{} approved", listed("approved"));
    let calls: u64 = STATUSES.iter().map(|s| pages_of(endpoint, listed(s))).sum();
    let stats = app.handle().stats();
    assert_eq!(stats.calls(endpoint), calls);
    assert_eq!(
        calls,
        3 + 1 + 1,
        "approved in three pages, the others in one"
    );
    assert_eq!(
        (stats.listings(endpoint), stats.longest_listing(endpoint)),
        (3, 3)
    );
    assert_eq!(report.api_calls, calls);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_meeting_with_three_pages_of_registrants_is_read_page_by_page() {
    three_pages_of_registrants(SessionKind::Meeting).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_webinar_with_three_pages_of_registrants_is_read_page_by_page() {
    three_pages_of_registrants(SessionKind::Webinar).await;
}
