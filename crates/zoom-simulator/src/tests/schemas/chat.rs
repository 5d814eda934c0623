//! Team Chat: a user's channels, a channel's members, sessions and messages walked page by page,
//! with and without deleted and edited messages, and each refusal: an unknown user, channel or
//! contact, a user outside the channel, no conversation named, a window older than six months,
//! and the Free plan's.

use chrono::{TimeDelta, Utc};

use super::*;
use crate::{Conversation, SimUser, member_id};

fn first_active(handle: &SimHandle) -> (SimUser, SimUser) {
    let users = handle.listed_users("active");
    let user = |i: usize| handle.user(users[i]["id"].as_str().unwrap()).unwrap();
    (user(0), user(1))
}

pub(super) async fn reads(p: &mut Probe<'_>) {
    let handle = p.handle();
    let (user, peer) = first_active(&handle);
    let now = Utc::now();
    let channel = handle.create_channel("Probe", &[&user.id, &peer.id]);
    handle.create_channel("Probe 2", &[&peer.id, &user.id]);
    for k in 0..5 {
        let at = now - TimeDelta::hours(k + 1);
        handle.post_message(
            &peer.id,
            Conversation::Channel(channel.clone()),
            "hi",
            at,
            None,
        );
        let direct = Conversation::Direct(user.id.clone(), peer.id.clone());
        let id = handle.post_message(&user.id, direct, "hello", at, None);
        match k {
            1 => assert!(handle.edit_message(&id, "hello again")),
            2 => assert!(handle.delete_message(&id)),
            _ => {}
        }
    }
    let base = format!("/chat/users/{}", user.id);
    let channels = format!("{base}/channels?page_size=1");
    assert!(p.token_pages(Endpoint::ListUserChannels, &channels).await >= 2);
    p.expired_token(Endpoint::ListUserChannels, &channels).await;
    p.get(
        Endpoint::ListUserChannels,
        "/chat/users/nobody@example.com/channels",
        404,
    )
    .await;

    let members = Endpoint::ListChannelMembers;
    let of_channel = format!("{base}/channels/{channel}/members");
    assert!(
        p.token_pages(members, &format!("{of_channel}?page_size=1"))
            .await
            >= 2
    );
    p.get(members, &of_channel, 200).await;
    let outsider = handle.listed_users("active")[2]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let not_member = format!("/chat/users/{outsider}/channels/{channel}/members");
    p.get(members, &not_member, 400).await;
    p.get(members, &format!("{base}/channels/nochannel/members"), 404)
        .await;
    p.get(
        members,
        &format!("/chat/users/nobody@example.com/channels/{channel}/members"),
        404,
    )
    .await;

    let from = (now - TimeDelta::days(30)).format("%Y-%m-%dT%H:%M:%SZ");
    let to = (now + TimeDelta::minutes(1)).format("%Y-%m-%dT%H:%M:%SZ");
    let window = format!("from={from}&to={to}&page_size=1");
    let sessions = Endpoint::ListChatSessions;
    assert!(
        p.token_pages(sessions, &format!("{base}/sessions?{window}"))
            .await
            >= 2
    );
    p.token_pages(sessions, &format!("{base}/sessions?type=1:1&{window}"))
        .await;
    p.get(sessions, &format!("{base}/sessions"), 200).await;
    p.get(sessions, "/chat/users/nobody@example.com/sessions", 404)
        .await;

    let messages = Endpoint::ListChatMessages;
    let with = format!("{base}/messages?{window}&include_deleted_and_edited_message=true");
    assert!(
        p.token_pages(messages, &format!("{with}&to_channel={channel}"))
            .await
            >= 5
    );
    let by_member = format!("{with}&to_contact={}", member_id(&peer.id));
    let all = p.token_pages(messages, &by_member).await;
    let without = format!("{base}/messages?{window}&to_contact={}", peer.id);
    assert!(
        p.token_pages(messages, &without).await < all,
        "the deleted one is left out"
    );
    p.expired_token(messages, &without).await;
    let today = now.format("%Y-%m-%d");
    p.get(
        messages,
        &format!("{base}/messages?date={today}&to_channel={channel}"),
        200,
    )
    .await;
    let old = (now - TimeDelta::days(200)).format("%Y-%m-%dT%H:%M:%SZ");
    let too_old = format!("{base}/messages?from={old}&to_channel={channel}");
    p.get(messages, &too_old, 400).await;
    p.get(messages, &format!("{base}/messages"), 400).await;
    p.get(
        messages,
        &format!("{base}/messages?to_channel=nochannel"),
        404,
    )
    .await;
    p.get(
        messages,
        &format!("{base}/messages?to_contact=nobody@example.com"),
        404,
    )
    .await;
}

/// Sessions (403) and messages (400) refused with code 200; the channels still served.
pub(super) async fn on_the_free_plan(report: &mut Report) {
    let f = Fixture::start(SimulatorConfig {
        plan: Plan::Free,
        ..SimulatorConfig::default()
    })
    .await;
    let mut p = Probe::new(&f, report).await;
    let (user, _) = first_active(&p.handle());
    let base = format!("/chat/users/{}", user.id);
    p.get(Endpoint::ListUserChannels, &format!("{base}/channels"), 200)
        .await;
    p.get(Endpoint::ListChatSessions, &format!("{base}/sessions"), 403)
        .await;
    let messages = format!("{base}/messages?to_contact={}", user.id);
    p.get(Endpoint::ListChatMessages, &messages, 400).await;
}
