//! The Team Chat message events, each checked against Zoom's published schema for it: a
//! message posted, replied to, edited and deleted, in a channel and between two users, is told
//! by its `chat_message.*` event and its `team_chat.*` one.

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};

use super::*;
use crate::model::user::timestamp;
use crate::{Conversation, member_id};

/// The next `count` deliveries of `event`, by the message id in their object (`id_key`), each
/// with the envelope and operator every message event has.
async fn told(
    hooks: &mut Receiver,
    f: &Fixture,
    event: &str,
    id_key: &str,
    count: usize,
) -> Vec<(String, Value)> {
    let mut told = Vec::new();
    for _ in 0..count {
        let delivery = hooks.next(event).await;
        let body = payload(&delivery, event, f);
        operated(body);
        let id = body["object"][id_key]
            .as_str()
            .expect("a message id")
            .to_owned();
        told.push((id, delivery));
    }
    told
}

/// The one event of `told` about message `id`: its payload.
fn about<'a>(told: &'a [(String, Value)], id: &str) -> &'a Value {
    let found: Vec<_> = told.iter().filter(|(m, _)| m == id).collect();
    assert_eq!(found.len(), 1, "one event about {id} in {told:?}");
    &found[0].1["payload"]
}

fn when(object: &Value) -> (DateTime<Utc>, i64) {
    let at = object["date_time"].as_str().unwrap().parse().unwrap();
    (at, object["timestamp"].as_i64().unwrap())
}

#[tokio::test]
async fn message_events_are_as_zooms_schemas_describe_them() {
    let (f, mut hooks, _) = subscribed(SimulatorConfig::default()).await;
    let handle = f.sim.handle();
    let users = handle.listed_users("active");
    let user = |i: usize| handle.user(users[i]["id"].as_str().unwrap()).unwrap();
    let (a, b) = (user(0), user(1));
    let channel = handle.create_channel("Hooks", &[&a.id, &b.id]);
    let in_channel = || Conversation::Channel(channel.clone());
    let at = (Utc::now() - TimeDelta::hours(1)).trunc_subsecs(0);
    let main = handle.post_message(&a.id, in_channel(), "first", at, None);
    let later = at + TimeDelta::minutes(1);
    let reply = handle.post_message(&b.id, in_channel(), "second", later, Some(&main));
    let direct = Conversation::Direct(a.id.clone(), b.id.clone());
    let dm = handle.post_message(&a.id, direct, "psst", at, None);
    let edited_from = Utc::now().trunc_subsecs(0);
    assert!(handle.edit_message(&reply, "second, edited"));
    assert!(handle.delete_message(&dm));

    let sent = told(&mut hooks, &f, "chat_message.sent", "id", 2).await;
    let body = about(&sent, &main);
    assert_eq!(body["operator_id"], a.id.as_str());
    let object = &body["object"];
    assert_eq!(object["type"], "to_channel");
    assert_eq!(object["channel_id"], channel.as_str());
    assert_eq!(object["channel_name"], "Hooks");
    assert_eq!(object["contact_id"], "", "a channel message has no contact");
    assert_eq!(object["message"], "first");
    assert_eq!(when(object), (at, at.timestamp_millis()));
    let object = &about(&sent, &dm)["object"];
    assert_eq!(object["type"], "to_contact");
    assert_eq!(object["contact_id"], b.id.as_str());
    assert_eq!(object["contact_email"], b.email.as_str());
    assert_eq!(object["channel_id"], "");

    let replied = told(&mut hooks, &f, "chat_message.replied", "id", 1).await;
    let body = about(&replied, &reply);
    assert_eq!(body["operator"], b.email.as_str());
    assert_eq!(body["object"]["parent_msg_id"], main.as_str());
    assert_eq!(when(&body["object"]).0, later);

    let updated = told(&mut hooks, &f, "chat_message.updated", "id", 1).await;
    let object = &about(&updated, &reply)["object"];
    assert_eq!(object["message"], "second, edited");
    assert!(object.get("parent_msg_id").is_none(), "{object}");
    let (edited_at, _) = when(object);
    assert!(
        edited_at >= edited_from,
        "the update's time, not the post's: {object}"
    );

    let deleted = told(&mut hooks, &f, "chat_message.deleted", "id", 1).await;
    let object = &about(&deleted, &dm)["object"];
    assert_eq!(object["message"], "psst", "as Zoom's example has it");
    assert!(
        when(object).0 >= edited_from,
        "the deletion's time: {object}"
    );

    let channel_posted = "team_chat.channel_message_posted";
    let posted = told(&mut hooks, &f, channel_posted, "message_id", 2).await;
    assert!(
        about(&posted, &main)["object"]
            .get("reply_main_message_id")
            .is_none()
    );
    let body = about(&posted, &reply);
    assert_eq!(body["operator_member_id"], member_id(&b.id));
    assert_eq!(body["by_external_user"], false);
    assert_eq!(body["object"]["reply_main_message_id"], main.as_str());
    assert_eq!(body["object"]["channel_id"], channel.as_str());

    let dm_posted = told(
        &mut hooks,
        &f,
        "team_chat.dm_message_posted",
        "message_id",
        1,
    )
    .await;
    let object = &about(&dm_posted, &dm)["object"];
    assert_eq!(object["contact_member_id"], member_id(&b.id));
    assert_eq!(object["message"], "psst");

    let channel_updated = "team_chat.channel_message_updated";
    let edit = told(&mut hooks, &f, channel_updated, "message_id", 1).await;
    let object = &about(&edit, &reply)["object"];
    assert_eq!(object["message"], "second, edited");
    assert_eq!(object["reply_main_message_id"], main.as_str());
    assert_eq!(object["date_time"], timestamp(later), "when it was posted");

    let dm_deleted = told(
        &mut hooks,
        &f,
        "team_chat.dm_message_deleted",
        "message_id",
        1,
    )
    .await;
    let object = &about(&dm_deleted, &dm)["object"];
    assert!(object.get("message").is_none(), "{object}");

    let events = [
        sent, replied, updated, deleted, posted, dm_posted, edit, dm_deleted,
    ];
    let problems: Vec<String> = (events.iter().flatten())
        .flat_map(|(_, event)| schema_problems(event))
        .collect();
    assert!(
        problems.is_empty(),
        "{} differences from Zoom's event schemas:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
