//! Participants of ended meeting and webinar instances: every join mirrored as Zoom lists it,
//! an instance read once found and once more when that settles it, settled instances never read
//! again, a re-read writing nothing, plan refusals as none (the account's ending the pass's
//! calls), instances Zoom still refuses settled, and a missing scope as the pass's failure.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text, Timestamptz};
use diesel_async::RunQueryDsl;
use serde_json::Value;

use zoom_api::plan::Label;
use zoom_mirror::clock::{Clock, ManualTime};
use zoom_mirror::sync::Entity;
use zoom_mirror::zoom::Endpoint;
use zoom_simulator::{SessionKind, SimInstance, SimStats, SimulatorConfig};

use crate::support::TestApp;
use crate::support::app::{account, pages_of, without_scope_of};
use crate::support::mirror::{
    MEETING_INSTANCES, MEETING_PARTICIPANTS, MEETINGS, Table, WEBINAR_INSTANCES,
    WEBINAR_PARTICIPANTS, WEBINARS,
};

/// Every join the simulator lists for the ended instances (of the last year) of every live
/// meeting or webinar the mirror holds, keyed as the table is.
async fn expected(app: &TestApp, kind: SessionKind) -> BTreeMap<String, Value> {
    let handle = app.handle();
    let mut all = BTreeMap::new();
    for id in app.live_rows(session_table(kind)).await.into_keys() {
        let session = handle.session(kind, &id).unwrap();
        for instance in ended_within_a_year(&session.instances) {
            for join in handle.listed_participants(kind, &instance.uuid) {
                let key = format!(
                    "{}/{}/{}",
                    instance.uuid,
                    join["user_id"].as_str().unwrap(),
                    join["join_time"].as_str().unwrap()
                );
                all.insert(key, join);
            }
        }
    }
    all
}

fn ended_within_a_year(instances: &[SimInstance]) -> impl Iterator<Item = &SimInstance> {
    let year_ago = Utc::now() - TimeDelta::days(365);
    instances
        .iter()
        .filter(move |i| i.end_time.is_some_and(|end| end > year_ago))
}

fn session_table(kind: SessionKind) -> Table {
    match kind {
        SessionKind::Meeting => MEETINGS,
        SessionKind::Webinar => WEBINARS,
    }
}

async fn mirror(app: &TestApp, entities: &[Entity]) {
    for entity in entities {
        let report = app.sync(*entity).await;
        assert!(report.error.is_none(), "{entity}: {:?}", report.error);
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let row: Count = diesel::sql_query(sql)
        .get_result(&mut app.conn().await)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    row.n
}

/// One participants pass that must succeed and write nothing, and the calls it made.
async fn participants_pass(app: &TestApp) -> SimStats {
    let handle = app.handle();
    handle.reset_stats();
    let report = app.sync(Entity::MeetingParticipants).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    let counts = &report.counts;
    assert_eq!((counts.inserted, counts.updated, counts.deleted), (0, 0, 0));
    handle.stats()
}

async fn participant_calls(app: &TestApp) -> u64 {
    participants_pass(app)
        .await
        .calls(Endpoint::ListPastMeetingParticipants)
}

/// The calls of `endpoint` Zoom answered, where it is the one Medium endpoint called: one over
/// the rate limit (lower on the Free plan) is asked again.
fn answered(stats: &SimStats, endpoint: Endpoint) -> u64 {
    stats.calls(endpoint) - stats.per_label[&Label::Medium].over_limit
}

#[tokio::test(flavor = "multi_thread")]
async fn meeting_participants_mirror_every_join_and_settled_instances_cost_no_call() {
    let time = ManualTime::new(Utc::now());
    let app = TestApp::at(Clock::Manual(time.clone()), account(12), |_| {}).await;
    mirror(
        &app,
        &[Entity::Users, Entity::Meetings, Entity::MeetingRegistrants],
    )
    .await;
    let handle = app.handle();
    let meetings: Vec<String> = app.live_rows(MEETINGS).await.into_keys().collect();
    // A meeting with approved registrants that was held: its instance gets enough joins for
    // three pages.
    let big = meetings
        .iter()
        .find_map(|id| {
            let m = handle.meeting(id).unwrap();
            let approved = m
                .registrants
                .iter()
                .any(|r| r.status.as_str() == "approved");
            let held = ended_within_a_year(&m.instances).next()?.uuid.clone();
            approved.then_some((id.clone(), held))
        })
        .expect("a held meeting with approved registrants in seed 7");
    handle.update_meeting(&big.0, |m| {
        let instance = m.instances.iter_mut().find(|i| i.uuid == big.1).unwrap();
        instance.participants_count = 700;
    });
    // An instance that ended an hour ago, under a UUID Zoom decodes twice: read, not settled.
    let fresh = "/fresh//Instance0000001==".to_owned();
    let now = Utc::now();
    handle.update_meeting(&meetings[0], |m| {
        m.instances.push(SimInstance {
            uuid: fresh.clone(),
            start_time: now - TimeDelta::hours(2),
            end_time: Some(now - TimeDelta::hours(1)),
            participants_count: 5,
            joins: Vec::new(),
        });
    });
    handle.reset_stats();

    let report = app.sync(Entity::MeetingParticipants).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    let expected = expected(&app, SessionKind::Meeting).await;
    let rows = app
        .assert_mirrored_raw(MEETING_PARTICIPANTS, &expected)
        .await;
    assert_eq!(report.counts.inserted as usize, expected.len());

    // One instances listing per live meeting that can have been held; each instance read
    // once, at 300 joins a page.
    let stats = handle.stats();
    assert_eq!(
        stats.calls(Endpoint::ListPastMeetingInstances) as usize,
        meetings.len() - one_offs_ahead(&app, time.get()).await.len()
    );
    let instances = app.rows(MEETING_INSTANCES).await;
    let pages: u64 = (instances.keys())
        .map(|uuid| {
            let joins = handle.listed_participants(SessionKind::Meeting, uuid).len();
            pages_of(Endpoint::ListPastMeetingParticipants, joins)
        })
        .sum();
    assert!(pages >= 3, "{pages}");
    assert_eq!(stats.calls(Endpoint::ListPastMeetingParticipants), pages);

    // Typed columns as Zoom lists them; guests without an id or email; a rejoin twice.
    for (key, zoom) in &expected {
        let row = &rows[key];
        assert_eq!(row["name"], zoom["name"], "{key}");
        assert_eq!(row["duration"], zoom["duration"], "{key}");
        assert_eq!(row["internal_user"], zoom["internal_user"], "{key}");
        let id = zoom["id"].as_str().unwrap();
        assert_eq!(
            row["participant_user_id"].as_str(),
            (!id.is_empty()).then_some(id)
        );
    }
    assert!(
        rows.values()
            .any(|r| r["participant_user_id"].is_null() && r["user_email"].is_null())
    );
    let rejoins = count(
        &app,
        "SELECT count(*) AS n FROM (SELECT 1 FROM zoom.meeting_participants \
         GROUP BY meeting_uuid, user_id HAVING count(*) > 1) AS twice",
    )
    .await;
    assert!(rejoins > 0);
    // Joins link to the registrants they registered as.
    let linked = count(
        &app,
        "SELECT count(*) AS n FROM zoom.meeting_participants AS p \
         JOIN zoom.meeting_registrants AS r ON r.meeting_id = p.meeting_id AND r.id = p.registrant_id",
    )
    .await;
    assert!(linked > 0);
    assert_eq!(
        linked,
        count(
            &app,
            "SELECT count(*) AS n FROM zoom.meeting_participants WHERE registrant_id IS NOT NULL"
        )
        .await
    );

    // Every instance that ended over a day ago is settled; the fresh one waits.
    for (uuid, instance) in &instances {
        assert!(!instance["participants_read_at"].is_null(), "{uuid}");
        assert_eq!(instance["settled_at"].is_null(), *uuid == fresh, "{uuid}");
    }

    // Within settle_hours of its end the fresh instance costs no call: a read would find what
    // the last one did. Once they passed, one read settles it, writing nothing; then no call.
    let versions = app.versions(MEETING_PARTICIPANTS).await;
    time.advance(TimeDelta::hours(20));
    assert_eq!(participant_calls(&app).await, 0);
    time.advance(TimeDelta::hours(4));
    assert_eq!(participant_calls(&app).await, 1);
    let settled = &app.rows(MEETING_INSTANCES).await[&fresh];
    assert_eq!(settled["settled_reason"], "read");
    time.advance(TimeDelta::days(3));
    assert_eq!(participant_calls(&app).await, 0);
    assert_eq!(app.versions(MEETING_PARTICIPANTS).await, versions);
}

#[tokio::test(flavor = "multi_thread")]
async fn webinar_participants_are_mirrored_by_the_same_pass() {
    let app = TestApp::new(12).await;
    mirror(
        &app,
        &[Entity::Users, Entity::Webinars, Entity::WebinarParticipants],
    )
    .await;
    let expected = expected(&app, SessionKind::Webinar).await;
    assert!(!expected.is_empty(), "seed 7 held no webinar");
    app.assert_mirrored_raw(WEBINAR_PARTICIPANTS, &expected)
        .await;
    let instances = app.rows(WEBINAR_INSTANCES).await;
    assert!(instances.values().all(|i| i["settled_reason"] == "read"));
}

#[tokio::test(flavor = "multi_thread")]
async fn an_instance_over_a_year_old_settles_without_rows() {
    let app = TestApp::new(4).await;
    mirror(&app, &[Entity::Users, Entity::Meetings]).await;
    let handle = app.handle();
    let id = app.live_rows(MEETINGS).await.into_keys().next().unwrap();
    let old = "OldInstance000000000001==";
    let ended = Utc::now() - TimeDelta::days(400);
    handle.update_meeting(&id, |m| {
        m.instances.insert(
            0,
            SimInstance {
                uuid: old.into(),
                start_time: ended - TimeDelta::hours(1),
                end_time: Some(ended),
                participants_count: 9,
                joins: Vec::new(),
            },
        );
    });
    mirror(&app, &[Entity::MeetingParticipants]).await;
    let instance = &app.rows(MEETING_INSTANCES).await[old];
    assert_eq!(instance["settled_reason"], "over_a_year");
    let joins = count(
        &app,
        &format!(
            "SELECT count(*) AS n FROM zoom.meeting_participants WHERE meeting_uuid = '{old}'"
        ),
    )
    .await;
    assert_eq!(joins, 0);
}

/// Adds an instance of meeting `id` as the meeting.ended event would, ended at `ended`.
async fn add_ended_instance(app: &TestApp, id: &str, uuid: &str, ended: DateTime<Utc>) {
    diesel::sql_query(
        "INSERT INTO zoom.meeting_instances (uuid, meeting_id, start_time, end_time, found_by) \
         VALUES ($1, $2::bigint, $3, $4, 'event')",
    )
    .bind::<Text, _>(uuid)
    .bind::<Text, _>(id)
    .bind::<Timestamptz, _>(ended - TimeDelta::hours(1))
    .bind::<Timestamptz, _>(ended)
    .execute(&mut app.conn().await)
    .await
    .unwrap();
}

/// The start of each live one-off meeting (type 2) of the mirror scheduled after `now`.
async fn one_offs_ahead(app: &TestApp, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let meetings = app.live_rows(MEETINGS).await;
    let starts = (meetings.values())
        .filter(|m| m["type"] == 2)
        .filter_map(|m| m["start_time"].as_str()?.parse::<DateTime<Utc>>().ok());
    starts.filter(|start| *start > now).collect()
}

async fn settled_reason(app: &TestApp, uuid: &str) -> Value {
    app.rows(MEETING_INSTANCES).await[uuid]["settled_reason"].clone()
}

/// On the Free plan Zoom serves no past instances nor participants (400, code 200): the pass
/// succeeds with nothing read, and once Zoom answered so it asks nothing more, so an instance
/// known otherwise (an event) is not asked while meetings are. Asked and still refused
/// settle_hours after its end, the instance settles and is never asked again.
#[tokio::test(flavor = "multi_thread")]
async fn a_plan_without_past_participants_reads_none_and_stops_asking() {
    let app = TestApp::with(
        SimulatorConfig {
            plan: zoom_api::plan::Plan::Free,
            ..account(3)
        },
        |_| {},
    )
    .await;
    mirror(&app, &[Entity::Users, Entity::Meetings]).await;
    let meetings = app.live_rows(MEETINGS).await;
    // More than the pass's concurrency (4), which may ask before the first answer came.
    assert!(meetings.len() > 4, "{}", meetings.len());
    let id = meetings.keys().next().unwrap();
    let event = "EventInstance0000000001==";
    add_ended_instance(&app, id, event, Utc::now() - TimeDelta::days(2)).await;

    let stats = participants_pass(&app).await;
    assert_eq!(stats.calls(Endpoint::ListPastMeetingParticipants), 0);
    let asked = answered(&stats, Endpoint::ListPastMeetingInstances);
    assert!((1..=4).contains(&asked), "{asked} of {}", meetings.len());
    assert!(app.rows(MEETING_PARTICIPANTS).await.is_empty());
    let instances = app.rows(MEETING_INSTANCES).await;
    assert_eq!(instances.len(), 1);
    assert!(instances[event]["settled_at"].is_null());

    // With no live meeting to ask first, the instance is asked, refused, and settled.
    diesel::sql_query("UPDATE zoom.meetings SET deleted_at = now(), deleted_reason = 'deleted'")
        .execute(&mut app.conn().await)
        .await
        .unwrap();
    let stats = participants_pass(&app).await;
    assert_eq!(answered(&stats, Endpoint::ListPastMeetingParticipants), 1);
    assert_eq!(settled_reason(&app, event).await, "plan_missing");
    assert_eq!(participant_calls(&app).await, 0);
}

/// An instance Zoom answers 3001 for ("invalid or not end") stays unsettled and is asked each
/// pass (one still running is read once it ended) until settle_hours after its end: still
/// refused then, it settles and costs no call again.
#[tokio::test(flavor = "multi_thread")]
async fn an_instance_zoom_still_refuses_after_settle_hours_settles_as_not_found() {
    let time = ManualTime::new(Utc::now());
    let app = TestApp::at(Clock::Manual(time.clone()), account(4), |_| {}).await;
    mirror(
        &app,
        &[Entity::Users, Entity::Meetings, Entity::MeetingParticipants],
    )
    .await;
    let seeded = app.rows(MEETING_INSTANCES).await;
    assert!(seeded.values().all(|i| !i["settled_at"].is_null()));
    let id = app.live_rows(MEETINGS).await.into_keys().next().unwrap();
    let unknown = "UnknownInstance00000001==";
    add_ended_instance(&app, &id, unknown, time.get() - TimeDelta::hours(1)).await;

    assert_eq!(participant_calls(&app).await, 1);
    assert!(settled_reason(&app, unknown).await.is_null());
    time.advance(TimeDelta::hours(22));
    assert_eq!(participant_calls(&app).await, 1);
    assert!(settled_reason(&app, unknown).await.is_null());
    time.advance(TimeDelta::hours(2));
    assert_eq!(participant_calls(&app).await, 1);
    assert_eq!(settled_reason(&app, unknown).await, "not_found");
    time.advance(TimeDelta::days(1));
    assert_eq!(participant_calls(&app).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_scope_fails_the_pass_naming_it() {
    let app = TestApp::with(
        without_scope_of(Endpoint::ListPastMeetingParticipants, 4),
        |_| {},
    )
    .await;
    mirror(&app, &[Entity::Users, Entity::Meetings]).await;
    let report = app.sync(Entity::MeetingParticipants).await;
    let error = report.error.expect("the pass fails").to_string();
    assert!(
        error.contains("meeting:read:list_past_participants:admin"),
        "{error}"
    );
}

/// Discovery asks a one-off meeting for its ended instances only once its scheduled start
/// passed: before, only an early start could have ended one, which its ended event and its
/// recording tell at once. Recurring and no-fixed-time meetings are asked every pass.
#[tokio::test(flavor = "multi_thread")]
async fn a_one_off_meeting_is_asked_for_instances_once_its_start_passed() {
    let time = ManualTime::new(Utc::now());
    let app = TestApp::at(Clock::Manual(time.clone()), account(12), |_| {}).await;
    mirror(&app, &[Entity::Users, Entity::Meetings]).await;
    let meetings = app.live_rows(MEETINGS).await;
    for recurring in [3, 8] {
        assert!(
            meetings.values().any(|m| m["type"] == recurring),
            "type {recurring}"
        );
    }
    let ahead = one_offs_ahead(&app, time.get()).await;
    assert!(!ahead.is_empty());
    let handle = app.handle();
    let instances_calls = || async {
        handle.reset_stats();
        mirror(&app, &[Entity::MeetingParticipants]).await;
        answered(&handle.stats(), Endpoint::ListPastMeetingInstances) as usize
    };

    assert_eq!(instances_calls().await, meetings.len() - ahead.len());
    let last = ahead.iter().max().unwrap();
    time.advance(*last - time.get() + TimeDelta::minutes(1));
    assert_eq!(instances_calls().await, meetings.len());
}

/// Zoom records only an instance that was held: the instance of each recording is read like
/// any other, none refused but one still being recorded, whose meeting runs.
#[tokio::test(flavor = "multi_thread")]
async fn the_instances_of_recordings_are_read() {
    let app = TestApp::with(account(12), |_| {}).await;
    mirror(
        &app,
        &[
            Entity::Users,
            Entity::Recordings,
            Entity::MeetingParticipants,
        ],
    )
    .await;
    let handle = app.handle();
    let instances = app.rows(MEETING_INSTANCES).await;
    let recorded: Vec<&String> = (instances.iter())
        .filter(|(_, i)| i["found_by"] == "recording")
        .map(|(uuid, _)| uuid)
        .collect();
    let running: Vec<&String> = (recorded.iter().copied())
        .filter(|uuid| {
            handle.meeting(uuid).is_some_and(|m| {
                (m.instances.iter()).any(|i| &i.uuid == *uuid && i.end_time.is_none())
            })
        })
        .collect();
    assert!(recorded.len() > running.len() + 5, "{}", recorded.len());
    let unread: Vec<&String> = (recorded.iter().copied())
        .filter(|uuid| instances[*uuid]["participants_read_at"].is_null())
        .collect();
    assert_eq!(unread, running);
    let joins: usize = (recorded.iter())
        .map(|uuid| handle.listed_participants(SessionKind::Meeting, uuid).len())
        .sum();
    let rows = count(&app, "SELECT count(*) AS n FROM zoom.meeting_participants").await;
    assert!(joins > 0);
    assert_eq!(rows as usize, joins);
}
