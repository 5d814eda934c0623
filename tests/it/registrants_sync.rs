//! Registrants of every status, found with the fewest calls, and their deletions.

use std::collections::BTreeMap;

use serde_json::Value;

use zoom_mirror::simulator::SessionKind;
use zoom_mirror::sync::Entity;

use crate::meetings_sync::{account, host_ids, near_end_of_life};
use crate::support::TestApp;
use crate::support::mirror::{MEETING_REGISTRANTS, MEETINGS, WEBINAR_REGISTRANTS};

const STATUSES: [&str; 3] = ["approved", "pending", "denied"];

/// What the simulator lists for every mirrored live meeting or webinar, keyed as the table is.
async fn expected(app: &TestApp, kind: SessionKind) -> BTreeMap<String, Value> {
    let table = match kind {
        SessionKind::Meeting => MEETINGS,
        SessionKind::Webinar => crate::support::mirror::WEBINARS,
    };
    let mut all = BTreeMap::new();
    for id in app.live_rows(table).await.into_keys() {
        for status in STATUSES {
            for r in app.handle().listed_registrants(kind, &id, status) {
                all.insert(format!("{id}/{}", r["id"].as_str().unwrap()), r);
            }
        }
    }
    all
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
    let rows = app.rows(MEETING_REGISTRANTS).await;
    assert_eq!(
        rows.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (key, zoom) in &expected {
        assert_eq!(&rows[key]["raw"], zoom);
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
        zoom_mirror::simulator::SimRegistrant {
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
            m.meeting_type == 2 && m.has_registration() && !m.registrants.is_empty()
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
