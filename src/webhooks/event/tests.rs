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
        "topic": "Standup", "duration": 30,
        "participant": {"user_id": "16778240", "user_name": "Jill Chill", "id": "iFxeBPYun6SAiWUzBcEkX",
            "participant_uuid": "55555AAAiAAAAAiAiAiiAii", "join_time": "2026-11-02T10:01:30Z",
            "email": "jchill@example.com", "registrant_id": "abcdefghij0-klmnopq23456"}}});
    let Change::Attended {
        kind,
        id,
        uuid,
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
