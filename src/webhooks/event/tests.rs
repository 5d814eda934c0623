//! Payloads shaped like the samples in Zoom's event references.

use serde_json::{Value, json};

use super::*;

fn object(value: Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}

fn user(id: &str) -> Target {
    Target::User { id: id.into() }
}

fn meeting(id: i64) -> Target {
    Target::Session {
        kind: SessionKind::Meeting,
        id,
    }
}

#[test]
fn user_events() {
    let person = json!({"id": "z8yCw", "first_name": "Jill", "last_name": "Chill",
                        "email": "jchill@example.com", "type": 1});
    let cases = [
        (
            "user.created",
            json!({"creation_type": "create", "object": person}),
            Change::Fetch {
                target: user("z8yCw"),
            },
        ),
        (
            "user.updated",
            json!({"time_stamp": 1626230691572_i64,
                   "old_object": {"id": "z8yCw", "email": "old@example.com"},
                   "object": {"id": "z8yCw", "email": "new@example.com"}}),
            Change::Merge {
                target: user("z8yCw"),
                fields: object(json!({"id": "z8yCw", "email": "new@example.com"})),
                whole: false,
            },
        ),
        (
            "user.deactivated",
            json!({"object": person}),
            Change::Merge {
                target: user("z8yCw"),
                fields: {
                    let mut f = object(person.clone());
                    f.insert("status".into(), json!("inactive"));
                    f
                },
                whole: false,
            },
        ),
        (
            "user.deleted",
            json!({"object": person}),
            Change::Gone {
                target: user("z8yCw"),
            },
        ),
        (
            "user.disassociated",
            json!({"object": person}),
            Change::Gone {
                target: user("z8yCw"),
            },
        ),
        ("user.signed_in", json!({"object": person}), Change::Ignore),
    ];
    for (event, payload, expected) in cases {
        assert_eq!(change(event, &payload).unwrap(), expected, "{event}");
    }
    let Change::Merge { fields, .. } =
        change("user.activated", &json!({"object": person})).unwrap()
    else {
        panic!("user.activated merges")
    };
    assert_eq!(fields["status"], "active");
}

#[test]
fn session_events_keep_what_the_listing_holds() {
    let created = json!({"operator": "admin@example.com", "object": {
        "uuid": "4444AAAiAAAAAiAiAiiAii==", "id": 94446976353_i64, "host_id": "z8yCw",
        "topic": "My Meeting", "type": 2, "start_time": "2026-12-01T10:00:00Z", "duration": 60,
        "timezone": "UTC", "join_url": "https://example.zoom.us/j/94446976353",
        "password": "228899", "settings": {"use_pmi": false}}});
    let Change::Merge {
        target,
        fields,
        whole: true,
    } = change("meeting.created", &created).unwrap()
    else {
        panic!("meeting.created merges")
    };
    assert_eq!(target, meeting(94446976353));
    assert_eq!(fields["topic"], "My Meeting");
    assert!(!fields.contains_key("settings") && !fields.contains_key("password"));

    let updated = json!({"scope": "all", "time_stamp": 1,
        "object": {"id": 94446976353_i64, "topic": "New Meeting Topic", "password": "228899"},
        "old_object": {"id": 94446976353_i64, "topic": "Jane Dev", "password": "1"}});
    assert_eq!(
        change("webinar.updated", &updated).unwrap(),
        Change::Merge {
            target: Target::Session {
                kind: SessionKind::Webinar,
                id: 94446976353
            },
            fields: object(json!({"id": 94446976353_i64, "topic": "New Meeting Topic"})),
            whole: false,
        }
    );

    let one_occurrence = json!({"scope": "single", "object": {"id": "94446976353", "topic": "x"}});
    assert_eq!(
        change("meeting.updated", &one_occurrence).unwrap(),
        Change::Fetch {
            target: meeting(94446976353)
        }
    );
    let deleted =
        json!({"object": {"uuid": "u", "id": 94446976353_i64, "host_id": "z8yCw", "type": 2}});
    assert_eq!(
        change("meeting.deleted", &deleted).unwrap(),
        Change::Gone {
            target: meeting(94446976353)
        }
    );
    let occurrence_deleted = json!({"object": {"uuid": "u", "id": 94446976353_i64,
        "occurrences": [{"occurrence_id": "1648194360000", "start_time": "2026-12-01T10:00:00Z"}]}});
    assert_eq!(
        change("meeting.deleted", &occurrence_deleted).unwrap(),
        Change::Fetch {
            target: meeting(94446976353)
        }
    );
    assert_eq!(change("meeting.started", &deleted).unwrap(), Change::Ignore);
}

#[test]
fn registration_events() {
    let payload = |status: &str| {
        json!({"object": {"uuid": "u", "id": 85746065432_i64, "host_id": "z8yCw",
            "topic": "My Meeting", "type": 2,
            "registrant": {"id": "iFaHJ8y", "first_name": "Jill", "last_name": "Chill",
                           "email": "jchill@example.com", "status": status,
                           "join_url": "https://example.zoom.us/w/1"}}})
    };
    let target = Target::Registrant {
        kind: SessionKind::Meeting,
        session_id: 85746065432,
        id: "iFaHJ8y".into(),
    };
    let Change::Merge { fields, .. } =
        change("meeting.registration_created", &payload("pending")).unwrap()
    else {
        panic!("registration_created merges")
    };
    assert_eq!(fields["status"], "pending");
    for (event, status) in [
        ("meeting.registration_approved", "approved"),
        ("meeting.registration_denied", "denied"),
    ] {
        let Change::Merge {
            target: t, fields, ..
        } = change(event, &payload("")).unwrap()
        else {
            panic!("{event} merges")
        };
        assert_eq!(
            (t, fields["status"].as_str()),
            (target.clone(), Some(status))
        );
    }
    assert_eq!(
        change("meeting.registration_cancelled", &payload("")).unwrap(),
        Change::Gone { target }
    );
}

#[test]
fn recording_events() {
    let recording = json!({"uuid": "dj12vck6sdTn6yy7qdnRrg==", "id": 6840331990_i64,
        "host_id": "z8yCw", "topic": "My Meeting", "type": 2, "total_size": 761892,
        "recording_count": 1, "recording_files": [{"id": "ed6c2f27", "file_type": "MP4",
        "file_size": 761892, "status": "completed", "recording_type": "shared_screen_with_speaker_view"}]});
    let target = Target::Recording {
        uuid: "dj12vck6sdTn6yy7qdnRrg==".into(),
    };
    assert_eq!(
        change("recording.completed", &json!({"object": recording})).unwrap(),
        Change::Merge {
            target: target.clone(),
            fields: object(recording.clone()),
            whole: true,
        }
    );
    for event in ["recording.trashed", "recording.deleted"] {
        assert_eq!(
            change(event, &json!({"object": recording})).unwrap(),
            Change::Gone {
                target: target.clone()
            }
        );
    }
    assert_eq!(
        change("recording.started", &json!({"object": recording})).unwrap(),
        Change::Ignore
    );
}

#[test]
fn a_payload_without_its_object_or_key_is_unreadable() {
    let cases = [
        ("user.updated", json!({}), "no payload.object"),
        (
            "user.updated",
            json!({"object": {"email": "x"}}),
            "no user id",
        ),
        (
            "meeting.updated",
            json!({"object": {"id": "abc"}}),
            "no numeric id",
        ),
        (
            "webinar.registration_approved",
            json!({"object": {"id": 1}}),
            "no payload.object.registrant",
        ),
        (
            "recording.completed",
            json!({"object": {"id": 1}}),
            "no recording uuid",
        ),
    ];
    for (event, payload, why) in cases {
        let error = change(event, &payload).unwrap_err();
        assert_eq!(error.event, event);
        assert!(error.why.starts_with(why), "{event}: {}", error.why);
    }
    assert_eq!(
        change("app.deauthorized", &json!({})).unwrap(),
        Change::Ignore
    );
}

#[test]
fn an_ended_instance_is_queued_for_its_participants_and_joins_are_not_applied() {
    // The sample of Zoom's meeting.ended reference: the id as a number, the instance's uuid.
    let ended = json!({"object": {"id": 85_746_065_432_i64, "uuid": "/ajXp112QmuoKj4854875==",
        "host_id": "z8yCw", "topic": "Weekly", "type": 8, "start_time": "2026-11-02T10:00:00Z",
        "end_time": "2026-11-02T11:05:00Z", "duration": 60, "timezone": "UTC"}});
    let at = |s: &str| Some(s.parse::<DateTime<Utc>>().unwrap());
    assert_eq!(
        change("meeting.ended", &ended).unwrap(),
        Change::Ended {
            kind: SessionKind::Meeting,
            id: 85_746_065_432,
            uuid: "/ajXp112QmuoKj4854875==".into(),
            start_time: at("2026-11-02T10:00:00Z"),
            end_time: at("2026-11-02T11:05:00Z"),
        }
    );
    let webinar = json!({"object": {"id": "91234567890", "uuid": "Bznyg8KZTdCVbQxvS/oZ7w=="}});
    assert_eq!(
        change("webinar.ended", &webinar).unwrap(),
        Change::Ended {
            kind: SessionKind::Webinar,
            id: 91_234_567_890,
            uuid: "Bznyg8KZTdCVbQxvS/oZ7w==".into(),
            start_time: None,
            end_time: None,
        }
    );
    let no_uuid = json!({"object": {"id": 1}});
    assert!(
        change("meeting.ended", &no_uuid)
            .unwrap_err()
            .why
            .starts_with("no instance uuid")
    );
}

/// The participant events' shapes, as Zoom's event reference shows them: the meeting id a
/// string, the join session's ID in `participant.user_id`, a leave without its join time.
#[test]
fn joins_and_leaves_name_the_instance_and_the_join_session() {
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    let joined = json!({"account_id": "a", "object": {
        "id": "85746065432", "uuid": "4444AAAiAAAAAiAiAiiAii==", "host_id": "h", "type": 2,
        "topic": "Standup", "start_time": "2026-11-02T10:00:00Z", "duration": 30,
        "participant": {"user_id": "16778240", "user_name": "Jill Chill", "id": "iFxeBPYun6SAiWUzBcEkX",
            "participant_uuid": "55555AAAiAAAAAiAiAiiAii", "join_time": "2026-11-02T10:01:30Z",
            "email": "jchill@example.com", "registrant_id": "abcdefghij0-klmnopq23456"}}});
    let Change::Attended {
        kind,
        id,
        uuid,
        start_time,
        attendance,
    } = change("meeting.participant_joined", &joined).unwrap()
    else {
        panic!("a join is attendance");
    };
    assert_eq!(
        (kind, id, uuid.as_str()),
        (
            SessionKind::Meeting,
            85_746_065_432,
            "4444AAAiAAAAAiAiAiiAii=="
        )
    );
    assert_eq!(start_time, Some(at("2026-11-02T10:00:00Z")));
    assert_eq!(attendance.user_id, "16778240");
    assert_eq!(
        attendance.step,
        AttendanceStep::Joined(at("2026-11-02T10:01:30Z"))
    );
    assert_eq!(attendance.participant["email"], "jchill@example.com");

    let left = json!({"object": {"id": 91234567890_i64, "uuid": "Bznyg8KZTdCVbQxvS/oZ7w==",
        "participant": {"user_id": "16778240", "leave_time": "2026-11-02T10:40:00Z",
            "leave_reason": "left the meeting"}}});
    let Change::Attended { attendance, .. } = change("webinar.participant_left", &left).unwrap()
    else {
        panic!("a leave is attendance");
    };
    assert_eq!(
        attendance.step,
        AttendanceStep::Left(at("2026-11-02T10:40:00Z"))
    );

    let no_time =
        json!({"object": {"id": "1", "uuid": "u", "participant": {"user_id": "16778240"}}});
    assert!(
        change("meeting.participant_joined", &no_time)
            .unwrap_err()
            .why
            .contains("join_time")
    );
    let no_participant = json!({"object": {"id": "1", "uuid": "u"}});
    assert!(
        change("meeting.participant_left", &no_participant)
            .unwrap_err()
            .why
            .contains("participant")
    );
}

#[test]
fn phone_recording_events() {
    let recorded = json!({"id": "0c9f3c1a", "caller_number": "1000", "caller_number_type": 1,
                          "callee_number": "+14155550100", "callee_number_type": 2,
                          "duration": 65, "download_url": "https://zoom.us/v2/phone/recording/download/0c9f3c1a",
                          "date_time": "2026-11-02T10:00:00Z", "direction": "outbound",
                          "owner": {"type": "user", "id": "z8yCw", "name": "Jill Chill"}});
    let completed = json!({"account_id": "acc", "object": {"recordings": [recorded.clone()]}});
    assert_eq!(
        change("phone.recording_completed", &completed).unwrap(),
        Change::Each(vec![Change::Merge {
            target: Target::PhoneRecording {
                id: "0c9f3c1a".into()
            },
            fields: object(recorded),
            whole: true,
        }])
    );
    let deleted = json!({"object": {"recordings": [{"id": "a1", "call_id": "7"}, {"id": "b2"}]}});
    assert_eq!(
        change("phone.recording_deleted", &deleted).unwrap(),
        Change::Each(
            ["a1", "b2"]
                .map(|id| Change::Gone {
                    target: Target::PhoneRecording { id: id.into() }
                })
                .to_vec()
        )
    );
    let no_id = json!({"object": {"recordings": [{"call_id": "7"}]}});
    assert!(change("phone.recording_deleted", &no_id).is_err());
    assert!(change("phone.recording_completed", &json!({"object": {}})).is_err());
    assert_eq!(
        change("phone.recording_started", &completed).unwrap(),
        Change::Ignore
    );
}

fn chat(change: Result<Change, Unreadable>) -> Chat {
    match change.unwrap() {
        Change::Chat(chat) => chat,
        other => panic!("not a Team Chat change: {other:?}"),
    }
}

fn posted(change: Result<Change, Unreadable>) -> ChatPost {
    match chat(change) {
        Chat::Message(post) => post,
        other => panic!("not a message: {other:?}"),
    }
}

#[test]
fn chat_message_events_carry_the_message_whole() {
    let to_channel = json!({"id": "m1", "type": "to_channel", "date_time": "2026-11-30T10:00:00Z",
        "timestamp": 1796032800000_i64, "session_id": "s1", "contact_email": "",
        "contact_id": "", "channel_id": "ch1", "channel_name": "Ops", "message": "hello"});
    let payload = |object: &Value| {
        json!({"account_id": "acc", "operator": "jill@example.com", "operator_id": "u1",
               "object": object})
    };
    let sent = posted(change("chat_message.sent", &payload(&to_channel)));
    assert_eq!(
        sent,
        ChatPost {
            id: "m1".into(),
            user_id: "u1".into(),
            place: ChatPlace::Channel("ch1".into()),
            sender: Some("jill@example.com".into()),
            send_member_id: None,
            date_time: Some("2026-11-30T10:00:00Z".parse().unwrap()),
            timestamp_ms: Some(1796032800000),
            message: Some("hello".into()),
            edited: false,
            reply_main_message_id: None,
            raw: object(to_channel.clone()),
        }
    );
    let edit = posted(change("chat_message.updated", &payload(&to_channel)));
    assert!(edit.edited);
    assert_eq!(
        (edit.date_time, edit.timestamp_ms),
        (None, None),
        "the edit's time"
    );

    let mut reply = object(to_channel.clone());
    reply.extend(object(json!({"type": "to_contact", "channel_id": "",
        "contact_id": "u2", "contact_email": "bob@example.com", "parent_msg_id": "m0"})));
    let replied = posted(change(
        "chat_message.replied",
        &payload(&Value::Object(reply)),
    ));
    assert_eq!(replied.place, ChatPlace::Contact("u2".into()));
    assert_eq!(replied.reply_main_message_id.as_deref(), Some("m0"));

    assert_eq!(
        chat(change("chat_message.deleted", &payload(&to_channel))),
        Chat::MessageDeleted { id: "m1".into() }
    );
    let mut nowhere = object(to_channel.clone());
    nowhere.insert("type".into(), json!("to_space"));
    assert!(change("chat_message.sent", &payload(&Value::Object(nowhere))).is_err());
    let anonymous = json!({"operator": "jill@example.com", "object": to_channel});
    assert!(change("chat_message.sent", &anonymous).is_err());
}

#[test]
fn team_chat_channel_message_events() {
    let message = json!({"message_id": "m2", "reply_main_message_id": "m1", "session_id": "s1",
        "date_time": "2026-11-30T10:05:00Z", "timestamp": 1796033100000_i64,
        "channel_id": "ch1", "channel_owner_account_id": "acc", "channel_name": "Ops",
        "message": "edited text", "rich_text": [], "at_items": []});
    let payload = json!({"account_id": "acc", "operator": "jill@example.com",
        "operator_id": "u1", "operator_member_id": "mem1", "by_external_user": false,
        "object": message});
    let updated = posted(change("team_chat.channel_message_updated", &payload));
    assert_eq!(updated.id, "m2");
    assert_eq!(updated.place, ChatPlace::Channel("ch1".into()));
    assert_eq!(updated.send_member_id.as_deref(), Some("mem1"));
    assert_eq!(updated.reply_main_message_id.as_deref(), Some("m1"));
    assert!(updated.edited);
    assert!(!posted(change("team_chat.channel_message_posted", &payload)).edited);

    // A message of files only has no text.
    let files_only = json!({"operator_id": "u1", "object": {"message_id": "m3",
        "channel_id": "ch1", "files": [{"file_id": "f1"}]}});
    assert_eq!(
        posted(change("team_chat.channel_message_posted", &files_only)).message,
        None
    );
    let deleted = json!({"operator_id": "u1", "object": {"message_id": "m2",
        "date_time": "2026-11-30T10:06:00Z", "timestamp": 1796033160000_i64,
        "channel_id": "ch1", "channel_owner_account_id": "acc", "channel_name": "Ops"}});
    assert_eq!(
        chat(change("team_chat.channel_message_deleted", &deleted)),
        Chat::MessageDeleted { id: "m2".into() }
    );
    assert_eq!(
        change("team_chat.channel_reaction_added", &payload).unwrap(),
        Change::Ignore
    );
}

#[test]
fn team_chat_dm_events_read_a_key_with_a_stray_space() {
    // As Zoom's own `dm_message_posted` sample has it: `"contact_account_id "`.
    let message = json!({"message_id": "m4", "session_id": "s2",
        "date_time": "2026-11-30T11:00:00Z", "timestamp": 1796036400000_i64,
        "contact_email": "bob@example.com", "contact_id": "u2",
        "contact_account_id ": "acc", "contact_member_id ": "mem2", "message": "hi Bob"});
    let payload = json!({"operator": "jill@example.com", "operator_id": "u1",
        "operator_member_id": "mem1", "object": message});
    let post = posted(change("team_chat.dm_message_posted", &payload));
    assert_eq!(post.place, ChatPlace::Contact("mem2".into()));
    assert_eq!(post.message.as_deref(), Some("hi Bob"));
    assert_eq!(post.raw, object(message));
    assert!(posted(change("team_chat.dm_message_updated", &payload)).edited);
    let deleted = json!({"operator_id": "u1", "object": {"message_id": "m4",
        "contact_email": "bob@example.com", "contact_id": "u2", "contact_account_id": "acc",
        "contact_member_id": "mem2", "date_time": "2026-11-30T11:01:00Z"}});
    assert_eq!(
        chat(change("team_chat.dm_message_deleted", &deleted)),
        Chat::MessageDeleted { id: "m4".into() }
    );
    let no_contact = json!({"operator_id": "u1", "object": {"message_id": "m5"}});
    assert!(change("team_chat.dm_message_posted", &no_contact).is_err());
}

#[test]
fn channel_events() {
    let created = json!({"operator_id": "u1", "object": {"name": "Ops", "id": "ch1", "type": 3,
        "date_time": "2026-11-30T09:00:00Z", "timestamp": 1796029200000_i64,
        "members": [{"id": "u1", "display_name": "Jill"}]}});
    assert_eq!(
        chat(change("chat_channel.created", &created)),
        Chat::Channel(ChannelNews {
            id: "ch1".into(),
            name: Some("Ops".into()),
            channel_type: Some(3),
            raw: object(json!({"id": "ch1", "name": "Ops", "type": 3,
                               "members": [{"id": "u1", "display_name": "Jill"}]})),
        })
    );
    let renamed = json!({"object": {"name": "Ops 2", "id": "ch1", "type": 3,
        "date_time": "2026-11-30T09:10:00Z", "timestamp": 1796029800000_i64}});
    let news = ChannelNews {
        id: "ch1".into(),
        name: Some("Ops 2".into()),
        channel_type: Some(3),
        raw: object(json!({"id": "ch1", "name": "Ops 2", "type": 3})),
    };
    for event in [
        "chat_channel.updated",
        "team_chat.channel_archived",
        "team_chat.channel_unarchived",
    ] {
        assert_eq!(chat(change(event, &renamed)), Chat::Channel(news.clone()));
    }
    assert_eq!(
        chat(change("chat_channel.deleted", &renamed)),
        Chat::ChannelDeleted { id: "ch1".into() }
    );
    assert_eq!(
        change("chat_channel.member_joined", &renamed).unwrap(),
        Change::Ignore
    );
    assert!(change("chat_channel.deleted", &json!({"object": {"name": "Ops"}})).is_err());
}
