//! Participants of ended meeting and webinar instances: every join mirrored as Zoom lists it,
//! settled instances never read again, a re-read writing nothing, plan refusals as none and a
//! missing scope as the pass's failure.

use std::collections::BTreeMap;

use chrono::{TimeDelta, Utc};
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::RunQueryDsl;
use serde_json::Value;

use zoom_mirror::sync::Entity;
use zoom_mirror::zoom::Endpoint;
use zoom_simulator::{SessionKind, SimInstance, SimulatorConfig};

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

#[tokio::test(flavor = "multi_thread")]
async fn meeting_participants_mirror_every_join_and_settled_instances_cost_no_call() {
    let app = TestApp::new(12).await;
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

    // One instances listing per live meeting; each instance read once, at 300 joins a page.
    let stats = handle.stats();
    assert_eq!(
        stats.calls(Endpoint::ListPastMeetingInstances) as usize,
        meetings.len()
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

    // The next pass reads the fresh instance alone, and writes nothing.
    let versions = app.versions(MEETING_PARTICIPANTS).await;
    handle.reset_stats();
    let again = app.sync(Entity::MeetingParticipants).await;
    assert!(again.error.is_none(), "{:?}", again.error);
    assert_eq!(
        handle.stats().calls(Endpoint::ListPastMeetingParticipants),
        1
    );
    assert_eq!(
        (
            again.counts.inserted,
            again.counts.updated,
            again.counts.deleted
        ),
        (0, 0, 0)
    );
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

/// On the Free plan Zoom serves no past instances nor participants (400, code 200): the pass
/// succeeds with nothing read, and an instance known otherwise (an event) stays to be read.
#[tokio::test(flavor = "multi_thread")]
async fn a_plan_without_past_participants_reads_none_and_does_not_fail() {
    let app = TestApp::with(
        SimulatorConfig {
            plan: zoom_api::plan::Plan::Free,
            ..account(3)
        },
        |_| {},
    )
    .await;
    mirror(&app, &[Entity::Users, Entity::Meetings]).await;
    let id = app.live_rows(MEETINGS).await.into_keys().next().unwrap();
    diesel::sql_query(format!(
        "INSERT INTO zoom.meeting_instances (uuid, meeting_id, found_by) \
         VALUES ('EventInstance0000000001==', {id}, 'event')"
    ))
    .execute(&mut app.conn().await)
    .await
    .unwrap();
    let report = app.sync(Entity::MeetingParticipants).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert!(app.rows(MEETING_PARTICIPANTS).await.is_empty());
    let instances = app.rows(MEETING_INSTANCES).await;
    assert_eq!(instances.len(), 1);
    assert!(instances.values().all(|i| i["settled_at"].is_null()));
    assert!(
        app.handle()
            .stats()
            .calls(Endpoint::ListPastMeetingParticipants)
            >= 1
    );
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
