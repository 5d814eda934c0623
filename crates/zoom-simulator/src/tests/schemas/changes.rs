//! The writes: each answer with a body checked against its schema, each bodiless success for
//! being bodiless, and each refusal the handlers give, the per-user daily limits among them.

use chrono::{TimeDelta, Utc};
use serde_json::json;

use super::reads::open_and_closed;
use super::*;
use crate::rules::user_limits::SESSION_WRITES_PER_HOST;
use crate::tests::writes::member;
use zoom_api::meeting_path_segment;

const NOBODY: &str = "nobody@example.com";
const NO_SESSION: &str = "12345678901";

fn in_days(days: i64) -> String {
    (Utc::now() + TimeDelta::days(days))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

pub(super) async fn users(p: &mut Probe<'_>) {
    let create = Endpoint::CreateUser;
    let invite = json!({"action": "create", "user_info": {"email": "schema.invite@example.com",
        "type": 1, "first_name": "Sam", "last_name": "Check"}});
    p.call(create, Method::POST, "/users", Some(invite.clone()), 201)
        .await;
    p.call(create, Method::POST, "/users", Some(invite), 409)
        .await;
    let email = "schema.auto@example.com";
    let auto = json!({"action": "autoCreate", "user_info": {
        "email": email, "type": 2, "password": "Passw0rd!x"}});
    let id = p
        .call(create, Method::POST, "/users", Some(auto), 201)
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let bad_email = json!({"action": "create", "user_info": {"email": "nobody", "type": 1}});
    p.call(create, Method::POST, "/users", Some(bad_email), 400)
        .await;
    p.call(create, Method::POST, "/users", Some(json!("a string")), 400)
        .await;

    let update = Endpoint::UpdateUser;
    let user = format!("/users/{id}");
    let profile = json!({"job_title": "Checker", "dept": "QA", "timezone": "Europe/Paris"});
    p.call(update, Method::PATCH, &user, Some(profile), 204)
        .await;
    let nobody = format!("/users/{NOBODY}");
    p.call(update, Method::PATCH, &nobody, Some(json!({})), 404)
        .await;
    p.call(update, Method::PATCH, &user, Some(json!({"type": 7})), 400)
        .await;

    let status = Endpoint::UpdateUserStatus;
    let handle = p.handle();
    let action = |a: &str| Some(json!({ "action": a }));
    let own = format!("{user}/status");
    p.call(status, Method::PUT, &own, action("deactivate"), 200)
        .await;
    p.call(status, Method::PUT, &own, action("activate"), 200)
        .await;
    p.call(status, Method::PUT, &own, action("suspend"), 400)
        .await;
    let pending = handle.listed_users("pending")[0]["email"]
        .as_str()
        .unwrap()
        .to_owned();
    let pending = format!("/users/{pending}/status");
    p.call(status, Method::PUT, &pending, action("activate"), 400)
        .await;
    let owner = handle
        .listed_users("active")
        .iter()
        .filter_map(|u| handle.user(u["id"].as_str().unwrap()))
        .find(|u| u.role_id == "0")
        .expect("an owner");
    let owner = format!("/users/{}/status", owner.id);
    p.call(status, Method::PUT, &owner, action("deactivate"), 400)
        .await;
    let nobody = format!("/users/{NOBODY}/status");
    p.call(status, Method::PUT, &nobody, action("activate"), 404)
        .await;

    let delete = Endpoint::DeleteUser;
    for refused in [
        "transfer_meeting=true".to_owned(),
        format!("transfer_meeting=true&transfer_email={email}"),
        "action=erase".to_owned(),
    ] {
        let path = format!("{user}?{refused}");
        p.call(delete, Method::DELETE, &path, None, 400).await;
    }
    p.call(delete, Method::DELETE, &user, None, 204).await;
    p.call(delete, Method::DELETE, &user, None, 404).await;
}

pub(super) async fn meetings(p: &mut Probe<'_>) {
    let handle = p.handle();
    let host = member(&handle).id;
    let create = Endpoint::CreateMeeting;
    let path = format!("/users/{host}/meetings");
    let bodies = [
        json!({"topic": "Schema check", "type": 2, "start_time": in_days(3), "duration": 30,
               "timezone": "UTC", "agenda": "Check the answers",
               "settings": {"approval_type": 0, "host_video": true}}),
        json!({"topic": "Weekly", "type": 8, "start_time": in_days(3), "duration": 45,
               "recurrence": {"type": 2, "repeat_interval": 1, "weekly_days": "2,4",
                              "end_times": 4},
               "settings": {"approval_type": 1}}),
        json!({"topic": "Any time", "type": 3}),
        json!({"topic": "Now", "type": 1}),
    ];
    let mut ids = Vec::new();
    for body in bodies {
        let created = p.call(create, Method::POST, &path, Some(body), 201).await;
        ids.push(created["id"].as_u64().unwrap());
    }
    // A series on several weekdays, as `GET` shows it after the create.
    let series = format!("/meetings/{}", ids[1]);
    p.get(Endpoint::GetMeeting, &series, 200).await;
    let bad_type = Some(json!({"type": 5}));
    p.call(create, Method::POST, &path, bad_type, 400).await;
    let nobody = format!("/users/{NOBODY}/meetings");
    p.call(create, Method::POST, &nobody, Some(json!({})), 404)
        .await;

    let update = Endpoint::UpdateMeeting;
    let single = format!("/meetings/{}", ids[0]);
    let change = json!({"topic": "Renamed", "settings": {"approval_type": 1}});
    p.call(update, Method::PATCH, &single, Some(change), 204)
        .await;
    let bad = Some(json!({"duration": "long"}));
    p.call(update, Method::PATCH, &single, bad, 400).await;
    let missing = format!("/meetings/{NO_SESSION}");
    p.call(update, Method::PATCH, &missing, Some(json!({})), 404)
        .await;

    handle.set_session_writes_per_host(0);
    p.call(create, Method::POST, &path, Some(json!({})), 429)
        .await;
    p.call(update, Method::PATCH, &single, Some(json!({})), 429)
        .await;
    handle.set_session_writes_per_host(SESSION_WRITES_PER_HOST);

    let delete = Endpoint::DeleteMeeting;
    let occurrence = format!("/meetings/{}?occurrence_id=1", ids[1]);
    p.call(delete, Method::DELETE, &occurrence, None, 400).await;
    let model = handle.meeting(&ids[0].to_string()).unwrap();
    let start = Utc::now() - TimeDelta::minutes(10);
    handle.insert_meeting(SimMeeting {
        id: 10_000_000_003,
        uuid: "live+meeting00000000000==".into(),
        start_time: Some(start),
        instances: vec![SimInstance {
            uuid: "live+meeting00000000000==".into(),
            start_time: start,
            end_time: None,
            participants_count: 2,
            joins: Vec::new(),
        }],
        ..model.clone()
    });
    handle.insert_meeting(SimMeeting {
        id: 10_000_000_004,
        uuid: "personal+meeting0000000==".into(),
        session_type: 4,
        ..model
    });
    for undeletable in ["10000000003", "10000000004"] {
        let path = format!("/meetings/{undeletable}");
        p.call(delete, Method::DELETE, &path, None, 400).await;
    }
    p.call(delete, Method::DELETE, &single, None, 204).await;
    p.call(delete, Method::DELETE, &single, None, 404).await;
}

pub(super) async fn webinars(p: &mut Probe<'_>) {
    let handle = p.handle();
    let host = handle
        .listed_users("active")
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_owned())
        .find(|u| !handle.listed_webinars(u).is_empty())
        .unwrap();
    let create = Endpoint::CreateWebinar;
    let path = format!("/users/{host}/webinars");
    let bodies = [
        json!({"topic": "Schema webinar", "type": 5, "start_time": in_days(5), "duration": 60,
               "settings": {"approval_type": 0}}),
        json!({"topic": "Series", "type": 9, "start_time": in_days(5), "duration": 60,
               "recurrence": {"type": 1, "repeat_interval": 7, "end_times": 3}}),
    ];
    let mut ids = Vec::new();
    for body in bodies {
        let created = p.call(create, Method::POST, &path, Some(body), 201).await;
        ids.push(created["id"].as_u64().unwrap());
    }
    let bad_type = Some(json!({"type": 2}));
    p.call(create, Method::POST, &path, bad_type, 400).await;
    let planless = format!("/users/{}/webinars", member(&handle).id);
    p.call(create, Method::POST, &planless, Some(json!({})), 400)
        .await;
    let nobody = format!("/users/{NOBODY}/webinars");
    p.call(create, Method::POST, &nobody, Some(json!({})), 404)
        .await;

    let update = Endpoint::UpdateWebinar;
    let webinar = format!("/webinars/{}", ids[0]);
    let agenda = Some(json!({"agenda": "Questions at the end"}));
    p.call(update, Method::PATCH, &webinar, agenda, 204).await;
    let bad = Some(json!({"topic": 5}));
    p.call(update, Method::PATCH, &webinar, bad, 400).await;
    let missing = format!("/webinars/{NO_SESSION}");
    p.call(update, Method::PATCH, &missing, Some(json!({})), 404)
        .await;
    assert!(handle.set_webinar_plan(&host, false));
    p.call(update, Method::PATCH, &webinar, Some(json!({})), 400)
        .await;
    assert!(handle.set_webinar_plan(&host, true));

    let delete = Endpoint::DeleteWebinar;
    p.call(delete, Method::DELETE, &webinar, None, 204).await;
    p.call(delete, Method::DELETE, &webinar, None, 404).await;
}

pub(super) async fn registrants(p: &mut Probe<'_>, kind: SessionKind) {
    let handle = p.handle();
    let (open, closed) = open_and_closed(&handle, kind);
    let (create, status, prefix, closed_status) = match kind {
        SessionKind::Meeting => (
            Endpoint::CreateMeetingRegistrant,
            Endpoint::UpdateMeetingRegistrantStatus,
            "meetings",
            404,
        ),
        SessionKind::Webinar => (
            Endpoint::CreateWebinarRegistrant,
            Endpoint::UpdateWebinarRegistrantStatus,
            "webinars",
            400,
        ),
    };
    let email = "schema.register@example.com";
    let register = || {
        Some(
            json!({"email": email, "first_name": "Reg", "last_name": "Ister",
                    "custom_questions": [{"title": "Why?", "value": "Checking"}]}),
        )
    };
    let add = format!("/{prefix}/{open}/registrants");
    // Three registrations of one email a day; the fourth is refused.
    for expect in [201, 201, 201, 429] {
        p.call(create, Method::POST, &add, register(), expect).await;
    }
    let no_email = Some(json!({"first_name": "Reg"}));
    p.call(create, Method::POST, &add, no_email, 400).await;
    let shut = format!("/{prefix}/{closed}/registrants");
    p.call(create, Method::POST, &shut, register(), closed_status)
        .await;
    let missing = format!("/{prefix}/{NO_SESSION}/registrants");
    p.call(create, Method::POST, &missing, register(), 404)
        .await;

    let change = |action: &str| Some(json!({"action": action, "registrants": [{"email": email}]}));
    let path = format!("{add}/status");
    p.call(status, Method::PUT, &path, change("deny"), 204)
        .await;
    p.call(status, Method::PUT, &path, change("remove"), 400)
        .await;
    let shut = format!("{shut}/status");
    p.call(status, Method::PUT, &shut, change("approve"), closed_status)
        .await;
    let missing = format!("{missing}/status");
    p.call(status, Method::PUT, &missing, change("approve"), 404)
        .await;
}

/// Trash, recover and delete for good: 204s without a body, 404/3301 for a recording not in the
/// state the call acts on, and 400/300 for an unknown action.
pub(super) async fn recordings(p: &mut Probe<'_>) {
    let handle = p.handle();
    let today = Utc::now().date_naive();
    let listed = handle.recordings_in(None, Some(today - TimeDelta::days(30)), Some(today));
    let uuid = listed[0]["uuid"].as_str().unwrap().to_owned();
    let number = listed[0]["id"].as_u64().unwrap();
    let (delete, recover) = (
        Endpoint::DeleteMeetingRecordings,
        Endpoint::RecoverMeetingRecordings,
    );
    let by_uuid = format!("/meetings/{}/recordings", meeting_path_segment(&uuid));
    let status = format!("{by_uuid}/status");
    let action = |a: &str| Some(json!({ "action": a }));
    p.call(recover, Method::PUT, &status, action("recover"), 404)
        .await;
    p.call(delete, Method::DELETE, &by_uuid, None, 204).await;
    assert!(handle.recording_trashed(&uuid));
    p.call(delete, Method::DELETE, &by_uuid, None, 404).await;
    p.call(recover, Method::PUT, &status, action("restore"), 400)
        .await;
    p.call(recover, Method::PUT, &status, action("recover"), 204)
        .await;
    assert!(!handle.recording_trashed(&uuid));
    let erase = format!("{by_uuid}?action=erase");
    p.call(delete, Method::DELETE, &erase, None, 400).await;
    let by_number = format!("/meetings/{number}/recordings?action=delete");
    p.call(delete, Method::DELETE, &by_number, None, 204).await;
    assert!(handle.recording(&uuid).is_none());
    let again = format!("{by_uuid}?action=delete");
    p.call(delete, Method::DELETE, &again, None, 404).await;
}
