//! Team Chat events applied through the real inbox: a posted message appears, an edit changes
//! it, a deletion marks it keeping its text, an event older than the row changes nothing, a
//! channel is created, renamed and deleted keeping its members; a chat sync pass over the same
//! messages rewrites the rows the events wrote, one per message.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use zoom_mirror::sync::Entity;
use zoom_simulator::{Conversation, SimUser};

use crate::chat_sync::{mirror, two_users};
use crate::support::TestApp;
use crate::support::mirror::{CHAT_CHANNELS as CHANNELS, CHAT_MESSAGES as MESSAGES};
use crate::webhooks_apply::{Hooks, applied, outcomes};

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

#[tokio::test(flavor = "multi_thread")]
async fn message_events_write_rows_a_sync_pass_rewrites() {
    let app = TestApp::new(6).await;
    mirror(&app, Entity::Users).await;
    let hooks = Hooks::new(&app);
    let handle = app.handle();
    let (a, b) = two_users(&app);
    let channel = handle.create_channel("Ops", &[&a.id, &b.id]);
    let now = Utc::now();
    let posted_at = now - TimeDelta::minutes(10);
    let id = handle.post_message(
        &a.id,
        Conversation::Channel(channel.clone()),
        "hello",
        posted_at,
        None,
    );

    let message = channel_message(&id, &channel, "hello", posted_at);
    hooks
        .deliver(
            "team_chat.channel_message_posted",
            posted_at,
            by(&a, message),
        )
        .await;
    hooks.apply().await;
    let row = &app.rows(MESSAGES).await[&id];
    assert_eq!(row["message"], "hello");
    assert_eq!(row["status"], "Normal");
    assert_eq!(row["sender"], a.email.as_str());
    assert_eq!(row["user_id"], a.id.as_str());
    assert_eq!(row["channel_id"], channel.as_str());
    assert_eq!(row["send_member_id"], format!("member-{}", a.id));

    // The edit, then a posting delivered late, older than the edit.
    let edited_at = now - TimeDelta::minutes(9);
    let edit = channel_message(&id, &channel, "hello, all", edited_at);
    hooks
        .deliver("team_chat.channel_message_updated", edited_at, by(&a, edit))
        .await;
    hooks.apply().await;
    let late = json!({"id": id, "type": "to_channel", "channel_id": channel,
                      "message": "rolled back", "date_time": posted_at.to_rfc3339()});
    hooks
        .deliver("chat_message.sent", posted_at, by(&a, late))
        .await;
    hooks.apply().await;
    assert_eq!(
        outcome_of(&app, "chat_message.sent").await.as_deref(),
        Some("stale")
    );
    let row = &app.rows(MESSAGES).await[&id];
    assert_eq!(row["message"], "hello, all");
    assert_eq!(row["status"], "Edited");

    // A direct message, with Zoom's stray space in a key, then its deletion.
    let dm = format!("{id}-dm");
    let dm_at = now - TimeDelta::minutes(8);
    let contact = json!({"contact_email": b.email, "contact_id": b.id,
                         "contact_account_id ": "acct"});
    let mut object = json!({"message_id": dm, "session_id": b.id, "message": "psst",
                            "date_time": dm_at.to_rfc3339(),
                            "timestamp": dm_at.timestamp_millis()});
    object
        .as_object_mut()
        .unwrap()
        .extend(contact.as_object().unwrap().clone());
    hooks
        .deliver("team_chat.dm_message_posted", dm_at, by(&a, object))
        .await;
    let mut gone = json!({"message_id": dm, "date_time": now.to_rfc3339()});
    gone.as_object_mut()
        .unwrap()
        .extend(contact.as_object().unwrap().clone());
    hooks
        .deliver(
            "team_chat.dm_message_deleted",
            dm_at + TimeDelta::minutes(1),
            by(&a, gone),
        )
        .await;
    hooks.apply().await;
    let row = &app.rows(MESSAGES).await[&dm];
    assert_eq!(row["to_contact"], b.id.as_str());
    assert_eq!(row["status"], "Deleted");
    assert!(!row["deleted_at"].is_null());
    assert_eq!(row["message"], "psst", "the deleted text is kept");

    // The sync pass reads the channel message, as Zoom lists it now: the same row, rewritten.
    assert!(handle.edit_message(&id, "hello, everyone"));
    let before = app.rows(MESSAGES).await.len();
    mirror(&app, Entity::Chat).await;
    let rows = app.rows(MESSAGES).await;
    let expected: usize = handle.chat().messages.len() + 1;
    assert_eq!(
        rows.len(),
        expected,
        "one row per message, the event's DM besides"
    );
    assert!(rows.len() > before);
    assert_eq!(rows[&id]["message"], "hello, everyone");
    assert_eq!(rows[&id]["user_id"], a.id.as_str());
    assert_eq!(rows[&dm]["message"], "psst");

    // An event older than the sync page changes nothing.
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
    let applied = applied(&app).await;
    assert_eq!(
        outcomes(&applied).last(),
        Some(&("team_chat.channel_message_updated", Some("stale")))
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
