//! The meeting, webinar, registration and recording events, against the fields Zoom's event
//! references document (<https://developers.zoom.us/docs/api/meetings/events/>): meeting and
//! webinar ids are numbers, updates carry `time_stamp` and an `old_object` of what changed, the
//! recording events carry the recording with its files, `recording.completed` with a
//! `download_token` beside the payload and no operator.

use chrono::TimeDelta;
use serde_json::json;
use zoom_api::meeting_path_segment;

use super::*;

/// What every recording event's object carries.
const RECORDING_FIELDS: [&str; 15] = [
    "id",
    "uuid",
    "host_id",
    "account_id",
    "topic",
    "type",
    "start_time",
    "password",
    "timezone",
    "host_email",
    "duration",
    "share_url",
    "total_size",
    "recording_count",
    "recording_files",
];

const FILE_FIELDS: [&str; 11] = [
    "id",
    "meeting_id",
    "recording_start",
    "recording_end",
    "file_type",
    "file_size",
    "file_extension",
    "play_url",
    "download_url",
    "status",
    "recording_type",
];

/// The session's identity in a meeting or webinar event: its number as a number.
fn session_object(object: &Value, id: u64) {
    assert_eq!(object["id"].as_u64(), Some(id), "{object}");
    for key in [
        "uuid",
        "host_id",
        "topic",
        "start_time",
        "timezone",
        "join_url",
    ] {
        assert!(object[key].is_string(), "{key} in {object}");
    }
    assert!(
        object["type"].is_u64() && object["duration"].is_u64(),
        "{object}"
    );
}

fn recording_object(object: &Value, recording: &SimRecording) {
    for key in RECORDING_FIELDS {
        assert!(object.get(key).is_some(), "{key} in {object}");
    }
    assert_eq!(object["id"].as_u64(), Some(recording.meeting_id));
    assert_eq!(object["uuid"], recording.uuid.as_str());
    assert!(
        object["type"].is_u64(),
        "a number, unlike the listings' string"
    );
    assert!(object["host_email"].as_str().unwrap().contains('@'));
    let files = object["recording_files"].as_array().unwrap();
    assert_eq!(object["recording_count"].as_u64(), Some(files.len() as u64));
    assert!(!files.is_empty());
    for file in files {
        for key in FILE_FIELDS {
            assert!(file.get(key).is_some(), "{key} in {file}");
        }
        assert_eq!(file["meeting_id"], recording.uuid.as_str());
    }
}

#[tokio::test]
async fn meeting_and_webinar_events_carry_the_session_with_its_number() {
    let (f, mut hooks, token) = subscribed(SimulatorConfig::default()).await;
    let handle = f.sim.handle();
    let host = member(&handle);
    let start = (Utc::now() + TimeDelta::days(2)).format("%Y-%m-%dT%H:%M:%SZ");
    let body = json!({"topic": "Hooked", "type": 2, "start_time": start.to_string(),
        "duration": 30, "settings": {"approval_type": 0}});
    let meetings = format!("/users/{}/meetings", host.id);
    let id = created(f.post(&meetings, &token, body).await).await["id"]
        .as_u64()
        .unwrap();
    let event = hooks.next("meeting.created").await;
    let created_body = payload(&event, "meeting.created", &f);
    operated(created_body);
    session_object(&created_body["object"], id);

    let meeting = format!("/meetings/{id}");
    no_content(
        &f.patch(&meeting, &token, json!({"topic": "Rehooked"}))
            .await,
    );
    let event = hooks.next("meeting.updated").await;
    let updated = payload(&event, "meeting.updated", &f);
    operated(updated);
    assert!(updated["time_stamp"].is_i64());
    assert_eq!(updated["object"], json!({"id": id, "topic": "Rehooked"}));
    assert_eq!(updated["old_object"], json!({"id": id, "topic": "Hooked"}));

    let ann = json!({"email": "ann.hook@example.com", "first_name": "Ann"});
    created(f.post(&format!("{meeting}/registrants"), &token, ann).await).await;
    let event = hooks.next("meeting.registration_created").await;
    let registered = payload(&event, "meeting.registration_created", &f);
    operated(registered);
    session_object(&registered["object"], id);
    assert_eq!(
        registered["object"]["registrant"]["email"],
        "ann.hook@example.com"
    );

    no_content(&f.delete(&meeting, &token).await);
    let event = hooks.next("meeting.deleted").await;
    let deleted = payload(&event, "meeting.deleted", &f);
    operated(deleted);
    session_object(&deleted["object"], id);

    assert!(handle.set_webinar_plan(&host.id, true));
    let webinars = format!("/users/{}/webinars", host.id);
    let body = json!({"topic": "Hooked webinar", "start_time": start.to_string()});
    let webinar = created(f.post(&webinars, &token, body).await).await["id"]
        .as_u64()
        .unwrap();
    let event = hooks.next("webinar.created").await;
    let created_body = payload(&event, "webinar.created", &f);
    operated(created_body);
    session_object(&created_body["object"], webinar);
}

#[tokio::test]
async fn a_finished_recording_is_listed_announced_trashed_recovered_and_deleted() {
    let (f, mut hooks, token) = subscribed(SimulatorConfig::default()).await;
    let handle = f.sim.handle();
    let host = member(&handle);
    let meeting = handle.listed_meetings(&host.id, "scheduled")[0]["id"]
        .as_u64()
        .unwrap();
    let recording = handle.finish_recording(&meeting.to_string()).unwrap();
    assert!(handle.finish_recording("12345678901").is_none());
    assert_eq!(recording.host_id, host.id);
    assert!(recording.files.iter().all(|f| f.status == "completed"));
    let held = handle
        .meeting(&recording.uuid)
        .expect("the instance is the meeting's");
    assert_eq!(held.id, meeting);

    let event = hooks.next("recording.completed").await;
    let completed = payload(&event, "recording.completed", &f);
    assert!(
        event["download_token"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert!(completed.get("operator").is_none() && completed.get("operator_id").is_none());
    recording_object(&completed["object"], &recording);
    assert_eq!(completed["object"]["host_email"], host.email.as_str());

    let day = recording.start_time.date_naive();
    let window = format!("from={day}&to={day}");
    let listed = |trash: bool| {
        let path = format!("/users/{}/recordings?{window}&trash={trash}", host.id);
        let f = &f;
        let token = &token;
        async move {
            let page = json_of(f.get(&path, token).await).await;
            page["meetings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["uuid"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert!(listed(false).await.contains(&recording.uuid));
    assert_eq!(
        handle.recordings_in(Some(&host.id), Some(day), Some(day))[0]["uuid"],
        recording.uuid.as_str()
    );

    let path = format!(
        "/meetings/{}/recordings",
        meeting_path_segment(&recording.uuid)
    );
    no_content(&f.delete(&path, &token).await);
    assert!(!listed(false).await.contains(&recording.uuid));
    assert!(listed(true).await.contains(&recording.uuid));
    let status = format!("{path}/status");
    no_content(&f.put(&status, &token, json!({"action": "recover"})).await);
    assert!(listed(false).await.contains(&recording.uuid));
    no_content(
        &f.delete(
            &format!("/meetings/{meeting}/recordings?action=delete"),
            &token,
        )
        .await,
    );
    assert!(handle.recording(&recording.uuid).is_none());

    for name in [
        "recording.trashed",
        "recording.recovered",
        "recording.deleted",
    ] {
        let event = hooks.next(name).await;
        let body = payload(&event, name, &f);
        operated(body);
        recording_object(&body["object"], &recording);
    }
}
