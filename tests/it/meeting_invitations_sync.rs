//! Meeting invitations: every live meeting's invitation mirrored as Zoom serves it, one call per
//! new or changed meeting and none for the others, a host who may not host as none, deleted
//! meetings never asked, and a missing scope as the pass's failure.

use serde_json::Value;

use zoom_mirror::db::sync_runs::RunStatus;
use zoom_mirror::sync::Entity;
use zoom_mirror::zoom::Endpoint;
use zoom_simulator::{AccountSpec, BusyHosts, SimulatorConfig};

use crate::support::TestApp;
use crate::support::app::{account, within_two_minutes};
use crate::support::mirror::MEETINGS;

async fn mirror(app: &TestApp, entities: &[Entity]) {
    for entity in entities {
        let report = within_two_minutes(entity.as_str(), app.sync(*entity)).await;
        assert!(report.error.is_none(), "{entity}: {:?}", report.error);
    }
}

/// The invitation the simulator serves for the meeting, `None` where its host may not host.
fn served(app: &TestApp, id: &str) -> Option<String> {
    let handle = app.handle();
    let meeting = handle.meeting(id).expect("a meeting the simulator has");
    let host = handle.user(&meeting.host_id).expect("the meeting's host");
    host.can_host().then(|| {
        let invitation = handle.meeting_invitation(id).unwrap();
        invitation["invitation"].as_str().unwrap().to_owned()
    })
}

/// Asserts that every live meeting holds the invitation the simulator serves; returns how many
/// the simulator refused (3161).
async fn assert_mirrored(app: &TestApp) -> usize {
    let mut refused = 0;
    for (id, row) in app.live_rows(MEETINGS).await {
        let expected = served(app, &id);
        refused += usize::from(expected.is_none());
        assert_eq!(
            row["invitation"].as_str(),
            expected.as_deref(),
            "meeting {id}"
        );
        assert!(!row["invitation_synced_at"].is_null(), "meeting {id}");
    }
    refused
}

fn invitation_calls(app: &TestApp) -> u64 {
    app.handle().stats().calls(Endpoint::GetMeetingInvitation)
}

/// Seed 7's twelve users (among them hosts who may not host meetings), and one host with 520
/// meetings: two pages of the host's listing, two batches of the pass's walk.
fn busy_account() -> SimulatorConfig {
    let base = account(12);
    SimulatorConfig {
        account: AccountSpec {
            busy: BusyHosts {
                hosts: 1,
                meetings: 520,
                ..BusyHosts::default()
            },
            ..base.account
        },
        ..base
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn invitations_are_fetched_once_and_again_only_for_a_changed_meeting() {
    let app = TestApp::with(busy_account(), |_| {}).await;
    mirror(&app, &[Entity::Users, Entity::Meetings]).await;
    let live = app.live_rows(MEETINGS).await;
    assert!(live.len() > 500, "two batches: {} meetings", live.len());
    app.handle().reset_stats();

    let report = within_two_minutes("invitations", app.sync(Entity::MeetingInvitations)).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    let refused = assert_mirrored(&app).await;
    assert!(refused > 0, "seed 7 has a host who may not host meetings");
    assert_eq!(invitation_calls(&app), live.len() as u64);
    assert_eq!(report.api_calls, live.len() as u64);
    assert_eq!(report.counts.updated as usize, live.len() - refused);
    let parents = report.parents.expect("the pass walks meetings");
    assert_eq!(
        (parents.done, parents.total),
        (live.len() as i64, live.len() as i64)
    );

    // Nothing changed: nothing to ask, and a re-run of the meetings pass changes nothing.
    mirror(&app, &[Entity::Meetings]).await;
    app.handle().reset_stats();
    let again = app.sync(Entity::MeetingInvitations).await;
    assert!(again.error.is_none(), "{:?}", again.error);
    assert_eq!(invitation_calls(&app), 0);
    assert_eq!(again.api_calls, 0);

    // One meeting renamed in Zoom: once the meetings pass has seen it, one call, for it.
    let (id, row) = (app.live_rows(MEETINGS).await.into_iter())
        .find(|(id, _)| served(&app, id).is_some())
        .unwrap();
    let id = &id;
    let before = row["invitation"].as_str().unwrap().to_owned();
    let topic = "Quarterly review, renamed";
    assert!(app.handle().update_meeting(id, |m| m.topic = topic.into()));
    mirror(&app, &[Entity::Meetings]).await;
    app.handle().reset_stats();
    let changed = app.sync(Entity::MeetingInvitations).await;
    assert!(changed.error.is_none(), "{:?}", changed.error);
    assert_eq!(invitation_calls(&app), 1);
    assert_eq!(changed.counts.updated, 1);
    let after = app.live_rows(MEETINGS).await[id]["invitation"].clone();
    assert_ne!(after.as_str(), Some(before.as_str()));
    assert_eq!(after.as_str(), served(&app, id).as_deref());
    let text = after.as_str().unwrap();
    let meeting = app.handle().meeting(id).unwrap();
    for part in [topic, &meeting.join_url(), &meeting.password] {
        assert!(text.contains(part), "{part:?} in {text:?}");
    }
}

/// A host who may not host meetings gets 3161 for their meeting: none, and the pass succeeds.
/// A meeting deleted in Zoom, once the meetings pass marked it, is not asked.
#[tokio::test(flavor = "multi_thread")]
async fn a_refused_meeting_is_none_and_a_deleted_one_is_not_asked() {
    let app = TestApp::new(4).await;
    mirror(&app, &[Entity::Users, Entity::Meetings]).await;
    let handle = app.handle();
    let ids: Vec<String> = app.live_rows(MEETINGS).await.into_keys().collect();
    let host_of = |id: &String| handle.meeting(id).unwrap().host_id;
    let refused = ids[0].clone();
    let host = host_of(&refused);
    let deleted = (ids.iter().find(|id| host_of(id) != host))
        .expect("a meeting of another host")
        .clone();
    assert!(handle.update_user(&host, |u| u.user_type = 99));
    assert!(handle.remove_meeting(&deleted).is_some());
    mirror(&app, &[Entity::Meetings]).await;
    let live = app.live_rows(MEETINGS).await;
    assert!(!live.contains_key(&deleted));
    handle.reset_stats();

    let report = app.sync(Entity::MeetingInvitations).await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    // Every live meeting asked once; the deleted one, which Zoom would answer 3001, not at all.
    assert_eq!(invitation_calls(&app), live.len() as u64);
    let rows = app.rows(MEETINGS).await;
    assert_eq!(rows[&refused]["invitation"], Value::Null);
    assert!(!rows[&refused]["invitation_synced_at"].is_null());
    assert!(rows[&deleted]["invitation_synced_at"].is_null());
    assert_mirrored(&app).await;

    // Refused for this listing: not asked again until the meeting changes.
    handle.reset_stats();
    mirror(&app, &[Entity::MeetingInvitations]).await;
    assert_eq!(invitation_calls(&app), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_scope_fails_the_pass_naming_it() {
    let scopes: Vec<String> = SimulatorConfig::default()
        .scopes
        .into_iter()
        .filter(|s| !Endpoint::GetMeetingInvitation.opened_by(s))
        .collect();
    let app = TestApp::with(
        SimulatorConfig {
            scopes,
            ..account(4)
        },
        |_| {},
    )
    .await;
    mirror(&app, &[Entity::Users, Entity::Meetings]).await;
    let report = app.sync(Entity::MeetingInvitations).await;
    let error = report.error.expect("the pass fails").to_string();
    assert!(error.contains("meeting:read:invitation:admin"), "{error}");
}
