//! Team Chat events applied through the real inbox. Messages posted, edited and deleted in the
//! simulator arrive by the events it sends, as Zoom shapes them: a posted message appears, an
//! edit changes its text keeping what the event does not tell, a deletion marks it keeping its
//! text, and a chat sync pass over the same messages rewrites the rows the events wrote, one
//! per message. Events older than the row (hand-built, since their times must be chosen)
//! change nothing; a channel is created, renamed and deleted keeping its members.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use zoom_mirror::sync::Entity;
use zoom_simulator::{Conversation, SimUser, member_id};

use crate::chat_sync::{mirror, two_users};
use crate::support::TestApp;
use crate::support::mirror::{CHAT_CHANNELS as CHANNELS, CHAT_MESSAGES as MESSAGES};
use crate::webhooks_apply::{Hooks, Running, applied, outcomes, until};

/// A `team_chat.*` payload with `sender` as its operator.
fn by(sender: &SimUser, object: Value) -> Value {
    json!({"account_id": "acct", "operator": sender.email, "operator_id": sender.id,
           "operator_member_id": format!("member-{}", sender.id), "by_external_user": false,
           "object": object})
}

fn channel_message(id: &str, channel: &str, text: &str, at: DateTime<Utc>) -> Value {
    json!({"message_id": id, "session_id": channel, "channel_id": channel,
           "channel_owner_account_id": "acct", "channel_name": "Ops", "message": text,
           "date_time": at.to_rfc3339(), "timestamp": at.timestamp_millis()})
}

/// The outcome of the one applied event named `event`.
async fn outcome_of(app: &TestApp, event: &str) -> Option<String> {
    let applied = applied(app).await;
    let outcomes = outcomes(&applied);
    let found: Vec<_> = outcomes.iter().filter(|(e, _)| *e == event).collect();
    assert_eq!(found.len(), 1, "{outcomes:?}");
    found[0].1.map(str::to_owned)
}

/// A simulator sending its events to the listener and the applier, running, with the users
/// mirrored.
async fn app_with_events() -> (TestApp, Running) {
    let (app, socket) = crate::webhooks::app_sending_webhooks(Duration::from_secs(60)).await;
    mirror(&app, Entity::Users).await;
    let running = Running::start(&app, socket).await;
    (app, running)
}

/// Waits until `count` events arrived, each applied; the outcomes of those named `event`,
/// sorted. Zoom sends each message change in both families, `chat_message.*` and
/// `team_chat.*`, and the simulator does too.
async fn until_applied(app: &TestApp, count: usize, event: &str) -> Vec<String> {
    until(&format!("{count} events applied"), || async {
        let applied = applied(app).await;
        let outcomes = outcomes(&applied);
        outcomes.len() >= count && outcomes.iter().all(|(_, o)| o.is_some())
    })
    .await;
    let applied = applied(app).await;
    let mut found: Vec<String> = (outcomes(&applied).into_iter())
        .filter(|(e, _)| *e == event)
        .filter_map(|(_, o)| o.map(str::to_owned))
        .collect();
    found.sort();
    found
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_posted_edited_and_deleted_in_zoom_arrive_by_their_events() {
    let (app, _running) = app_with_events().await;
    let handle = app.handle();
    let (a, b) = two_users(&app);
    let channel = handle.create_channel("Ops", &[&a.id, &b.id]);
    let posted_at = Utc::now() - TimeDelta::minutes(10);
    let in_channel = Conversation::Channel(channel.clone());
    let id = handle.post_message(&a.id, in_channel, "hello", posted_at, None);
    let direct = Conversation::Direct(a.id.clone(), b.id.clone());
    let dm = handle.post_message(&a.id, direct, "psst", posted_at, None);
    assert_eq!(
        until_applied(&app, 4, "team_chat.channel_message_posted").await,
        ["written"]
    );
    let rows = app.rows(MESSAGES).await;
    let row = &rows[&id];
    assert_eq!(row["message"], "hello");
    assert_eq!(row["status"], "Normal");
    assert_eq!(row["sender"], a.email.as_str());
    assert_eq!(row["user_id"], a.id.as_str());
    assert_eq!(row["channel_id"], channel.as_str());
    assert_eq!(
        row["send_member_id"],
        member_id(&a.id),
        "told by team_chat.* only"
    );
    assert_eq!(row["timestamp_ms"], posted_at.timestamp_millis());
    // `chat_message.*` names the contact by user ID, `team_chat.*` by member ID: the row
    // keeps the one of whichever event was applied first.
    let contacts = [b.id.clone(), member_id(&b.id)];
    assert!(
        contacts
            .iter()
            .any(|c| rows[&dm]["to_contact"] == c.as_str())
    );

    assert!(handle.edit_message(&id, "hello, all"));
    assert_eq!(
        until_applied(&app, 6, "chat_message.updated").await,
        ["written"]
    );
    let row = &app.rows(MESSAGES).await[&id];
    assert_eq!(row["message"], "hello, all");
    assert_eq!(row["status"], "Edited");
    assert_eq!(
        row["timestamp_ms"],
        posted_at.timestamp_millis(),
        "the post's time"
    );

    assert!(handle.delete_message(&dm));
    let deletions = ["chat_message.deleted", "team_chat.dm_message_deleted"];
    until_applied(&app, 8, deletions[0]).await;
    let marked = [
        outcome_of(&app, deletions[0]).await,
        outcome_of(&app, deletions[1]).await,
    ];
    assert!(
        marked.contains(&Some("written".into())) && marked.contains(&Some("unchanged".into())),
        "the first marks the row, the second finds it marked: {marked:?}"
    );
    let row = &app.rows(MESSAGES).await[&dm];
    assert_eq!(row["status"], "Deleted");
    assert!(!row["deleted_at"].is_null());
    assert_eq!(row["message"], "psst", "the deleted text is kept");

    // The sync pass reads the messages as Zoom lists them now: the same rows, rewritten.
    mirror(&app, Entity::Chat).await;
    let rows = app.rows(MESSAGES).await;
    assert_eq!(
        rows.len(),
        handle.chat().messages.len(),
        "one row per message"
    );
    assert_eq!(rows[&id]["message"], "hello, all");
    assert_eq!(rows[&id]["message_type"], "plain_text_message");
    assert_eq!(rows[&id]["user_id"], a.id.as_str());
    assert_eq!(rows[&dm]["status"], "Deleted");
}

/// An edit's event tells the new text: the message's time is the edit's in `chat_message.updated`
/// and its parent is not named there, and no event names the sender's display name or the
/// message type. A message older than `sync.chat.window_days` is not read again by a pass, so
/// what the edit does not tell must stay as the pass wrote it.
#[tokio::test(flavor = "multi_thread")]
async fn an_edit_keeps_what_its_event_does_not_tell() {
    let (app, _running) = app_with_events().await;
    let handle = app.handle();
    let (a, b) = two_users(&app);
    let channel = handle.create_channel("Ops", &[&a.id, &b.id]);
    let in_channel = || Conversation::Channel(channel.clone());
    let asked_at = Utc::now() - TimeDelta::days(20);
    let main = handle.post_message(&a.id, in_channel(), "question", asked_at, None);
    let answered_at = asked_at + TimeDelta::minutes(1);
    let reply = handle.post_message(&b.id, in_channel(), "answer", answered_at, Some(&main));
    until_applied(&app, 4, "chat_message.replied").await;
    mirror(&app, Entity::Chat).await;
    let before = app.rows(MESSAGES).await[&reply].clone();
    let kept = [
        "date_time",
        "timestamp_ms",
        "sender_display_name",
        "message_type",
        "reply_main_message_id",
    ];
    for column in kept {
        assert!(
            !before[column].is_null(),
            "{column} read by the pass: {before}"
        );
    }
    assert_eq!(before["reply_main_message_id"], main.as_str());

    assert!(handle.edit_message(&reply, "answer, edited"));
    assert_eq!(
        until_applied(&app, 6, "chat_message.updated").await,
        ["written"]
    );
    let after = &app.rows(MESSAGES).await[&reply];
    assert_eq!(after["message"], "answer, edited");
    assert_eq!(after["status"], "Edited");
    for column in kept {
        assert_eq!(after[column], before[column], "{column} kept");
    }
    assert_eq!(
        after["raw"]["sender_display_name"],
        before["raw"]["sender_display_name"]
    );
    assert_eq!(after["raw"]["message"], "answer, edited");
    assert_eq!(
        after["raw"]["channel_name"], "Ops",
        "the event's object merged in"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_event_older_than_the_row_changes_nothing() {
    let app = TestApp::new(6).await;
    mirror(&app, Entity::Users).await;
    let hooks = Hooks::new(&app);
    let handle = app.handle();
    let (a, b) = two_users(&app);
    let channel = handle.create_channel("Ops", &[&a.id, &b.id]);
    let now = Utc::now();
    let posted_at = now - TimeDelta::minutes(10);
    let in_channel = Conversation::Channel(channel.clone());
    let id = handle.post_message(&a.id, in_channel, "hello", posted_at, None);

    // An edit the mirror has no row for inserts one, with no time: the event's is the edit's.
    let edited_at = now - TimeDelta::minutes(9);
    let edit = json!({"id": id, "type": "to_channel", "channel_id": channel,
                      "message": "hello, all", "date_time": edited_at.to_rfc3339(),
                      "timestamp": edited_at.timestamp_millis()});
    hooks
        .deliver("chat_message.updated", edited_at, by(&a, edit))
        .await;
    hooks.apply().await;
    let row = &app.rows(MESSAGES).await[&id];
    assert_eq!(row["message"], "hello, all");
    assert_eq!(row["status"], "Edited");
    assert!(
        row["date_time"].is_null() && row["timestamp_ms"].is_null(),
        "{row}"
    );

    // The posting, delivered late: older than the edit.
    let late = channel_message(&id, &channel, "rolled back", posted_at);
    hooks
        .deliver("team_chat.channel_message_posted", posted_at, by(&a, late))
        .await;
    hooks.apply().await;
    assert_eq!(
        outcome_of(&app, "team_chat.channel_message_posted")
            .await
            .as_deref(),
        Some("stale")
    );
    assert_eq!(app.rows(MESSAGES).await[&id]["message"], "hello, all");

    // A sync pass rewrites the row; an event older than its page changes nothing.
    assert!(handle.edit_message(&id, "hello, everyone"));
    mirror(&app, Entity::Chat).await;
    let row = &app.rows(MESSAGES).await[&id];
    assert_eq!(row["message"], "hello, everyone");
    assert!(!row["date_time"].is_null());
    let old = channel_message(&id, &channel, "old news", now - TimeDelta::minutes(1));
    hooks
        .deliver(
            "team_chat.channel_message_updated",
            now - TimeDelta::minutes(1),
            by(&a, old),
        )
        .await;
    hooks.apply().await;
    assert_eq!(app.rows(MESSAGES).await[&id]["message"], "hello, everyone");
    assert_eq!(
        outcome_of(&app, "team_chat.channel_message_updated")
            .await
            .as_deref(),
        Some("stale")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn channel_events_create_rename_and_delete_keeping_members() {
    let app = TestApp::new(6).await;
    mirror(&app, Entity::Users).await;
    let hooks = Hooks::new(&app);
    let (a, b) = two_users(&app);
    let synced = app.handle().create_channel("Synced", &[&a.id, &b.id]);
    mirror(&app, Entity::Chat).await;
    let members = app.rows(CHANNELS).await[&synced]["member_user_ids"].clone();
    assert_eq!(members.as_array().map(Vec::len), Some(2));

    let now = Utc::now();
    let channel = |id: &str, name: &str, at: DateTime<Utc>| {
        json!({"account_id": "acct", "operator": a.email, "operator_id": a.id,
               "object": {"id": id, "name": name, "type": 2, "date_time": at.to_rfc3339(),
                          "timestamp": at.timestamp_millis(),
                          "members": [{"id": a.id, "display_name": "A"}]}})
    };
    hooks
        .deliver("chat_channel.created", now, channel("new-1", "Fresh", now))
        .await;
    let later = now + TimeDelta::seconds(1);
    hooks
        .deliver(
            "chat_channel.updated",
            later,
            channel(&synced, "Renamed", later),
        )
        .await;
    hooks.apply().await;
    let rows = app.rows(CHANNELS).await;
    assert_eq!(rows["new-1"]["name"], "Fresh");
    assert_eq!(rows["new-1"]["type"], 2);
    assert!(rows["new-1"]["deleted_at"].is_null());
    assert_eq!(rows[&synced]["name"], "Renamed");
    assert_eq!(rows[&synced]["member_user_ids"], members, "members stay");
    assert_eq!(rows[&synced]["raw"]["name"], "Renamed");

    let gone = later + TimeDelta::seconds(1);
    hooks
        .deliver(
            "chat_channel.deleted",
            gone,
            channel(&synced, "Renamed", gone),
        )
        .await;
    hooks.apply().await;
    // A rename older than the deletion, delivered after it was applied.
    hooks
        .deliver(
            "team_chat.channel_unarchived",
            later,
            channel(&synced, "Back", later),
        )
        .await;
    hooks.apply().await;
    let row = &app.rows(CHANNELS).await[&synced];
    assert!(!row["deleted_at"].is_null());
    assert_eq!(row["name"], "Renamed");
    assert_eq!(
        outcome_of(&app, "team_chat.channel_unarchived")
            .await
            .as_deref(),
        Some("stale")
    );
}
