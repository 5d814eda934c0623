//! Team Chat: channels and messages mirrored exactly across several pages, an edit updating
//! its row and a deletion marking it, later passes reading only the recent window, each
//! channel's members counted, the Free plan's refusal as none, and a missing scope as the
//! pass's failure.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{TimeDelta, Utc};
use diesel::sql_types::Text;
use diesel_async::RunQueryDsl;
use serde_json::Value;

use zoom_mirror::sync::Entity;
use zoom_mirror::zoom::{Endpoint, Plan};
use zoom_simulator::{Conversation, MessageStatus, SimUser, SimulatorConfig};

use crate::support::TestApp;
use crate::support::app::{account, without_scope_of};
use crate::support::mirror::{CHAT_CHANNELS as CHANNELS, CHAT_MESSAGES as MESSAGES};

pub(crate) async fn mirror(app: &TestApp, entity: Entity) {
    let report = app.sync(entity).await;
    assert!(report.error.is_none(), "{entity}: {:?}", report.error);
}

/// The first two active users.
pub(crate) fn two_users(app: &TestApp) -> (SimUser, SimUser) {
    let handle = app.handle();
    let users = handle.listed_users("active");
    let user = |i: usize| handle.user(users[i]["id"].as_str().unwrap()).unwrap();
    (user(0), user(1))
}

/// Every message the simulator holds, by id: its text and whether it is deleted.
fn expected_messages(app: &TestApp) -> BTreeMap<String, (String, bool)> {
    (app.handle().chat().messages.into_iter())
        .map(|m| (m.id, (m.message, m.status == MessageStatus::Deleted)))
        .collect()
}

fn mirrored_messages(rows: &BTreeMap<String, Value>) -> BTreeMap<String, (String, bool)> {
    rows.iter()
        .map(|(id, row)| {
            let text = row["message"].as_str().unwrap_or_default().to_owned();
            (id.clone(), (text, !row["deleted_at"].is_null()))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn channels_and_messages_mirror_exactly_and_edits_and_deletions_follow() {
    let app = TestApp::new(12).await;
    mirror(&app, Entity::Users).await;
    let handle = app.handle();
    let (a, b) = two_users(&app);
    let now = Utc::now();
    // Three pages of channel messages and two of direct ones (50 a page), over three days.
    let channel = handle.create_channel("Busy", &[&a.id, &b.id]);
    for k in 0..120 {
        let (sender, at) = (
            [&a.id, &b.id][k % 2],
            now - TimeDelta::minutes(k as i64 * 30 + 5),
        );
        let to = Conversation::Channel(channel.clone());
        handle.post_message(sender, to, &format!("busy {k}"), at, None);
    }
    let mut direct = Vec::new();
    for k in 0..60 {
        let to = Conversation::Direct(a.id.clone(), b.id.clone());
        let at = now - TimeDelta::minutes(k * 45 + 5);
        direct.push(handle.post_message(&a.id, to, &format!("direct {k}"), at, None));
    }
    handle.reset_stats();

    mirror(&app, Entity::Chat).await;
    let expected = expected_messages(&app);
    assert!(
        expected.values().any(|(_, deleted)| *deleted),
        "seed 7 deletes some"
    );
    assert_eq!(mirrored_messages(&app.rows(MESSAGES).await), expected);
    let channels = app.rows(CHANNELS).await;
    let chat = handle.chat();
    assert_eq!(channels.len(), chat.channels.len());
    for c in &chat.channels {
        let row = &channels[&c.id];
        let members: BTreeSet<&str> = c.members.iter().map(String::as_str).collect();
        let listed: BTreeSet<&str> = (row["member_user_ids"].as_array().unwrap().iter())
            .map(|m| m.as_str().unwrap())
            .collect();
        assert_eq!(listed, members, "{}", c.name);
        assert_eq!(row["member_count"], c.members.len(), "{}", c.name);
        assert_eq!(row["name"], c.name.as_str());
        assert_eq!(row["type"], 2);
    }
    let stats = handle.stats();
    // Both sides of every conversation read it; the busy ones run to several pages.
    assert!(stats.calls(Endpoint::ListChatMessages) >= 2 * (3 + 2));
    assert_eq!(
        stats.calls(Endpoint::ListChannelMembers),
        chat.channels.len() as u64
    );

    // An edit, a deletion, a new message, and one posted late but dated ten days ago.
    assert!(handle.edit_message(&direct[0], "edited"));
    assert!(handle.delete_message(&direct[1]));
    let to = Conversation::Direct(b.id.clone(), a.id.clone());
    let fresh = handle.post_message(&b.id, to.clone(), "fresh", Utc::now(), None);
    let old = handle.post_message(&b.id, to, "late", now - TimeDelta::days(10), None);
    mirror(&app, Entity::Chat).await;
    let rows = app.rows(MESSAGES).await;
    assert_eq!(rows[&direct[0]]["message"], "edited");
    assert_eq!(rows[&direct[0]]["status"], "Edited");
    assert!(rows[&direct[0]]["deleted_at"].is_null());
    assert_eq!(rows[&direct[1]]["status"], "Deleted");
    assert!(!rows[&direct[1]]["deleted_at"].is_null());
    assert_eq!(
        rows[&direct[1]]["message"], "direct 1",
        "the deleted text is kept"
    );
    assert_eq!(rows[&fresh]["message"], "fresh");
    // A later pass reads only the last window_days (7): the late message is not asked for.
    assert!(!rows.contains_key(&old));
    // One row for a direct message, though both sides listed it.
    let ids: BTreeSet<&String> = rows.keys().collect();
    assert_eq!(ids.len(), expected.len() + 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn members_are_counted_across_pages_on_behalf_of_a_member_zoom_knows() {
    let mut sim = account(130);
    sim.account.chat_messages_per_user = 0;
    let app = TestApp::with(sim, |_| {}).await;
    mirror(&app, Entity::Users).await;
    let handle = app.handle();
    let active = handle.listed_users("active");
    let ids: Vec<&str> = active.iter().map(|u| u["id"].as_str().unwrap()).collect();
    assert!(ids.len() > 100, "two pages of Zoom's largest, 100");
    let everyone = handle.create_channel("Everyone", &ids);
    let pair = handle.create_channel("Pair", &ids[..2]);
    mirror(&app, Entity::Chat).await;
    let count = |rows: &BTreeMap<String, Value>, id: &str| rows[id]["member_count"].clone();
    let rows = app.rows(CHANNELS).await;
    assert_eq!(count(&rows, &everyone), ids.len());
    assert_eq!(count(&rows, &pair), 2);
    // One listing a channel: two pages, and one.
    assert_eq!(handle.stats().calls(Endpoint::ListChannelMembers), 3);

    // A member leaves the pair; the mirror's first member of the other is a user Zoom no
    // longer knows, so its members are asked on behalf of the next.
    assert!(handle.leave_channel(&pair, ids[1]));
    let updated = diesel::sql_query(
        "UPDATE zoom.chat_channels SET member_user_ids = ARRAY['departed'] || member_user_ids \
         WHERE id = $1",
    )
    .bind::<Text, _>(&everyone)
    .execute(&mut app.conn().await)
    .await
    .unwrap();
    assert_eq!(updated, 1);
    handle.reset_stats();
    mirror(&app, Entity::Chat).await;
    let rows = app.rows(CHANNELS).await;
    assert_eq!(count(&rows, &everyone), ids.len());
    assert_eq!(count(&rows, &pair), 1);
    assert_eq!(
        handle.stats().calls(Endpoint::ListChannelMembers),
        1 + 2 + 1
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_channel_no_member_lists_any_more_is_marked_deleted() {
    let app = TestApp::new(6).await;
    mirror(&app, Entity::Users).await;
    let (a, b) = two_users(&app);
    let handle = app.handle();
    let channel = handle.create_channel("Short-lived", &[&a.id, &b.id]);
    mirror(&app, Entity::Chat).await;
    assert!(app.rows(CHANNELS).await[&channel]["deleted_at"].is_null());
    assert!(handle.remove_channel(&channel));
    mirror(&app, Entity::Chat).await;
    let row = &app.rows(CHANNELS).await[&channel];
    assert!(!row["deleted_at"].is_null(), "{row}");
    assert_eq!(row["member_user_ids"], serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread")]
async fn on_the_free_plan_channels_are_mirrored_and_messages_are_none() {
    let app = TestApp::with(
        SimulatorConfig {
            plan: Plan::Free,
            ..account(6)
        },
        // The client paces itself at the Free plan's rates, as the daemon configured for it.
        |zoom| zoom.plan = Plan::Free,
    )
    .await;
    mirror(&app, Entity::Users).await;
    let report = app.sync(Entity::Chat).await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        app.rows(CHANNELS).await.len(),
        app.handle().chat().channels.len()
    );
    assert!(app.rows(MESSAGES).await.is_empty());
    assert!(app.handle().stats().calls(Endpoint::ListChatSessions) > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_scope_fails_the_pass_naming_it() {
    let app = TestApp::with(without_scope_of(Endpoint::ListChatMessages, 4), |_| {}).await;
    mirror(&app, Entity::Users).await;
    let report = app.sync(Entity::Chat).await;
    let error = report.error.expect("the pass fails").to_string();
    assert!(
        error.contains("team_chat:read:list_user_messages:admin"),
        "{error}"
    );
}
