//! A meeting or webinar as it is held: the participant joined and left events and the ended
//! ones, against the fields Zoom's Meetings events reference documents for them
//! (<https://developers.zoom.us/docs/api/meetings/events/>; no schema file is published for
//! them): the instance with the session's `id` as a string, the participant under its
//! per-instance `user_id`, no operator, `event_ts` when it happened. The past-instances and
//! participants listings then show what the events told.

use chrono::{DateTime, SubsecRound, TimeDelta};
use serde_json::json;
use zoom_api::meeting_path_segment;

use super::*;

/// The session `id` starts `uuid`, a new instance, at `started`: running, nobody in yet.
fn start(handle: &SimHandle, kind: SessionKind, id: u64, uuid: &str, started: DateTime<Utc>) {
    let instance = SimInstance {
        uuid: uuid.into(),
        start_time: started,
        end_time: None,
        participants_count: 0,
        joins: Vec::new(),
    };
    assert!(handle.update_session(kind, &id.to_string(), |s| s.instances.push(instance)));
}

/// What an instance's events carry of it, and of the participant in a participant event:
/// every field Zoom's reference requires of any of them, with its type.
fn instance_object(object: &Value) {
    for key in ["uuid", "id", "host_id", "topic", "start_time", "timezone"] {
        assert!(object[key].is_string(), "{key} in {object}");
    }
    assert!(
        object["type"].is_u64() && object["duration"].is_u64(),
        "{object}"
    );
    if let Some(participant) = object.get("participant") {
        for key in ["user_id", "user_name", "id", "email"] {
            assert!(participant[key].is_string(), "{key} in {participant}");
        }
        let times = ["join_time", "leave_time"].map(|key| participant.get(key).is_some());
        assert_eq!(times.iter().filter(|&&t| t).count(), 1, "{participant}");
    }
}

/// When the event's object says it happened: the participant's join or leave, or the end.
fn happened(object: &Value) -> DateTime<Utc> {
    let participant = &object["participant"];
    (participant.get("join_time"))
        .or(participant.get("leave_time"))
        .or(object.get("end_time"))
        .and_then(Value::as_str)
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("no time in {object}"))
}

/// The next `n` deliveries of `name`, each an instance's event as Zoom sends it; their objects
/// in the order they happened.
async fn instance_events(hooks: &mut Receiver, name: &str, n: usize, f: &Fixture) -> Vec<Value> {
    let mut objects = Vec::new();
    for _ in 0..n {
        let event = hooks.next(name).await;
        let body = payload(&event, name, f);
        assert!(body.get("operator").is_none(), "nobody operated {event}");
        instance_object(&body["object"]);
        let at = happened(&body["object"]).timestamp_millis();
        assert_eq!(event["event_ts"].as_i64(), Some(at), "{event}");
        objects.push(body["object"].clone());
    }
    objects.sort_by_key(|o| {
        (
            happened(o),
            o["participant"]["user_id"].as_str().map(str::to_owned),
        )
    });
    objects
}

/// `(user_id, join_time, leave_time)` of each row of a participants listing.
fn sessions(rows: &[Value]) -> Vec<(String, String, String)> {
    let text = |row: &Value, key: &str| row[key].as_str().unwrap().to_owned();
    (rows.iter())
        .map(|r| {
            (
                text(r, "user_id"),
                text(r, "join_time"),
                text(r, "leave_time"),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_meeting_held_sends_each_join_leave_and_its_end_and_lists_them_after() {
    let (f, mut hooks, token) = subscribed(SimulatorConfig::default()).await;
    let handle = f.sim.handle();
    let host = member(&handle);
    let id = handle.listed_meetings(&host.id, "scheduled")[0]["id"]
        .as_u64()
        .unwrap();
    let meeting = SessionKind::Meeting;
    let uuid = "RunningInstance000000001==";
    let started = (Utc::now() - TimeDelta::seconds(40)).trunc_subsecs(0);
    let at = |seconds: i64| started + TimeDelta::seconds(seconds);
    let zoom_time = |seconds: i64| at(seconds).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    start(&handle, meeting, id, uuid, started);

    let host_in = handle.join_participant(meeting, uuid, None, at(0)).unwrap();
    let guest = handle
        .join_participant(meeting, &id.to_string(), None, at(5))
        .unwrap();
    let guest_id = guest["user_id"].as_str().unwrap();
    assert!(
        (handle.join_participant(meeting, uuid, Some(guest_id), at(6))).is_none(),
        "still in"
    );
    assert!(
        (handle.leave_participant(meeting, uuid, "99999999", at(6))).is_none(),
        "never in"
    );
    handle
        .leave_participant(meeting, uuid, guest_id, at(10))
        .unwrap();
    handle
        .join_participant(meeting, uuid, Some(guest_id), at(12))
        .unwrap();
    assert!(handle.listed_participants(meeting, uuid).is_empty());
    let ended = handle.end_instance(meeting, uuid, at(20)).unwrap();
    assert_eq!(ended.participants_count, 2);
    assert!(handle.end_instance(meeting, uuid, at(21)).is_none());
    assert!(
        handle
            .join_participant(meeting, uuid, None, at(21))
            .is_none()
    );

    let joined = instance_events(&mut hooks, "meeting.participant_joined", 3, &f).await;
    let host_id = host_in["user_id"].as_str().unwrap();
    let joins = [(host_id, 0), (guest_id, 5), (guest_id, 12)];
    for (object, (user_id, seconds)) in joined.iter().zip(joins) {
        assert_eq!(
            (object["uuid"].as_str(), object["id"].as_str()),
            (Some(uuid), Some(&*id.to_string()))
        );
        assert_eq!(object["participant"]["user_id"], user_id);
        assert_eq!(object["participant"]["join_time"], zoom_time(seconds));
    }
    assert_eq!(
        joined[0]["participant"],
        json!({"user_id": host_id, "user_name": host.display_name, "id": host.id,
               "email": host.email, "join_time": zoom_time(0)})
    );
    assert_eq!(
        joined[1]["participant"]["id"], "",
        "a guest's Zoom id is blank"
    );

    let left = instance_events(&mut hooks, "meeting.participant_left", 3, &f).await;
    let leaves = [(guest_id, 10), (host_id, 20), (guest_id, 20)];
    for (object, (user_id, seconds)) in left.iter().zip(leaves) {
        assert_eq!(object["participant"]["user_id"], user_id);
        assert_eq!(object["participant"]["leave_time"], zoom_time(seconds));
    }
    let end = instance_events(&mut hooks, "meeting.ended", 1, &f).await;
    assert_eq!(
        (end[0]["uuid"].as_str(), end[0]["id"].as_str()),
        (Some(uuid), Some(&*id.to_string()))
    );
    assert_eq!(end[0]["start_time"], zoom_time(0));
    assert_eq!(end[0]["end_time"], zoom_time(20));

    let listed = handle.listed_participants(meeting, uuid);
    let times = |user_id: &str, join: i64, leave: i64| {
        (user_id.to_owned(), zoom_time(join), zoom_time(leave))
    };
    assert_eq!(
        sessions(&listed),
        [
            times(host_id, 0, 20),
            times(guest_id, 5, 10),
            times(guest_id, 12, 20)
        ]
    );
    for (row, object) in listed.iter().zip(&joined) {
        let participant = &object["participant"];
        assert_eq!(row["name"], participant["user_name"]);
        assert_eq!(row["id"], participant["id"]);
        assert_eq!(row["user_email"], participant["email"]);
    }
    let path = format!("/past_meetings/{}/participants", meeting_path_segment(uuid));
    let page = json_of(f.get(&path, &token).await).await;
    assert_eq!(page["participants"], json!(listed));
    let instances = json_of(
        f.get(&format!("/past_meetings/{id}/instances"), &token)
            .await,
    )
    .await;
    assert!(
        (instances["meetings"].as_array().unwrap())
            .contains(&json!({"uuid": uuid, "start_time": zoom_time(0)})),
        "{instances}"
    );
}

#[tokio::test]
async fn a_webinar_held_names_its_registrant_and_ends_as_a_webinar() {
    let (f, mut hooks, token) = subscribed(SimulatorConfig::default()).await;
    let handle = f.sim.handle();
    let host = member(&handle);
    assert!(handle.set_webinar_plan(&host.id, true));
    let ahead = (Utc::now() + TimeDelta::days(2)).format("%Y-%m-%dT%H:%M:%SZ");
    let body = json!({"topic": "Held webinar", "start_time": ahead.to_string(),
        "settings": {"approval_type": 0}});
    let webinars = format!("/users/{}/webinars", host.id);
    let id = created(f.post(&webinars, &token, body).await).await["id"]
        .as_u64()
        .unwrap();
    let ann = json!({"email": "ann.held@example.com", "first_name": "Ann", "last_name": "Held"});
    created(
        f.post(&format!("/webinars/{id}/registrants"), &token, ann)
            .await,
    )
    .await;
    let registrant = handle
        .registrants(SessionKind::Webinar, &id.to_string())
        .unwrap()[0]
        .clone();
    assert_eq!(registrant.status, RegistrantStatus::Approved);

    let webinar = SessionKind::Webinar;
    let uuid = "RunningWebinar0000000001==";
    let started = (Utc::now() - TimeDelta::seconds(30)).trunc_subsecs(0);
    start(&handle, webinar, id, uuid, started);
    handle
        .join_participant(webinar, uuid, None, started)
        .unwrap();
    let ann_in = handle
        .join_participant(webinar, uuid, None, started + TimeDelta::seconds(3))
        .unwrap();
    assert_eq!(
        (
            ann_in["user_name"].as_str(),
            ann_in["email"].as_str(),
            ann_in["id"].as_str()
        ),
        (Some("Ann Held"), Some("ann.held@example.com"), Some(""))
    );
    assert_eq!(ann_in["registrant_id"], registrant.id.as_str());
    handle
        .end_instance(webinar, uuid, started + TimeDelta::seconds(9))
        .unwrap();

    let joined = instance_events(&mut hooks, "webinar.participant_joined", 2, &f).await;
    assert_eq!(joined[1]["participant"], ann_in);
    let left = instance_events(&mut hooks, "webinar.participant_left", 2, &f).await;
    assert_eq!(
        left[1]["participant"]["registrant_id"],
        registrant.id.as_str()
    );
    let end = instance_events(&mut hooks, "webinar.ended", 1, &f).await;
    assert_eq!(end[0]["uuid"], uuid);

    let path = format!("/past_webinars/{}/participants", meeting_path_segment(uuid));
    let page = json_of(f.get(&path, &token).await).await;
    let rows = page["participants"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1]["registrant_id"], registrant.id.as_str());
    assert_eq!(rows[1]["user_email"], "ann.held@example.com");
    assert_eq!(rows[1]["user_id"], ann_in["user_id"]);
}
