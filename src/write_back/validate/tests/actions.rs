//! Every action: a valid row becomes exactly this call; a wrong target fails naming `target`.

use reqwest::Method;
use serde_json::{Value, json};

use super::{Failing, accepted, assert_failures, new_user};
use crate::write_back::{Action, Subject, ZoomRequest};
use crate::zoom::{Endpoint, SessionKind};

const MEETING: SessionKind = SessionKind::Meeting;
const WEBINAR: SessionKind = SessionKind::Webinar;

struct Call {
    endpoint: Endpoint,
    method: Method,
    path: String,
    query: Vec<(&'static str, &'static str)>,
    body: Option<Value>,
    subject: Subject,
}

fn expect(action: &str, target: Option<&str>, payload: Value, call: Call) {
    let expected = ZoomRequest {
        action: Action::parse(action).unwrap(),
        endpoint: call.endpoint,
        method: call.method,
        path: call.path,
        query: call
            .query
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: call.body,
        subject: call.subject,
    };
    assert_eq!(accepted(action, target, payload), expected, "{action}");
}

fn user(id_or_email: &str) -> Subject {
    Subject::User {
        id_or_email: id_or_email.to_owned(),
    }
}

fn session(kind: SessionKind, id: i64) -> Subject {
    Subject::Session { kind, id }
}

#[test]
fn users() {
    expect(
        "user.create",
        None,
        new_user(),
        Call {
            endpoint: Endpoint::CreateUser,
            method: Method::POST,
            path: "/users".into(),
            query: vec![],
            body: Some(new_user()),
            subject: Subject::NewUser {
                email: "jchill@example.com".into(),
                create_action: "create".into(),
            },
        },
    );
    expect(
        "user.update",
        Some("jchill+zoom@example.com"),
        json!({"first_name": "Jill", "login_type": 101, "remove_tsp_credentials": true}),
        Call {
            endpoint: Endpoint::UpdateUser,
            method: Method::PATCH,
            path: "/users/jchill%2Bzoom%40example.com".into(),
            query: vec![("login_type", "101"), ("remove_tsp_credentials", "true")],
            body: Some(json!({"first_name": "Jill"})),
            subject: user("jchill+zoom@example.com"),
        },
    );
    expect(
        "user.delete",
        Some("KDcuGIm1QgePTO8WbOqwIQ"),
        json!({"action": "delete", "transfer_email": "boss@example.com",
               "transfer_meeting": true, "transfer_recording": false}),
        Call {
            endpoint: Endpoint::DeleteUser,
            method: Method::DELETE,
            path: "/users/KDcuGIm1QgePTO8WbOqwIQ".into(),
            query: vec![
                ("action", "delete"),
                ("transfer_email", "boss@example.com"),
                ("transfer_meeting", "true"),
                ("transfer_recording", "false"),
            ],
            body: None,
            subject: user("KDcuGIm1QgePTO8WbOqwIQ"),
        },
    );
    expect(
        "user.delete",
        Some("KDcuGIm1QgePTO8WbOqwIQ"),
        json!({}),
        Call {
            endpoint: Endpoint::DeleteUser,
            method: Method::DELETE,
            path: "/users/KDcuGIm1QgePTO8WbOqwIQ".into(),
            query: vec![],
            body: None,
            subject: user("KDcuGIm1QgePTO8WbOqwIQ"),
        },
    );
    expect(
        "user.status",
        Some("KDcuGIm1QgePTO8WbOqwIQ"),
        json!({"action": "deactivate"}),
        Call {
            endpoint: Endpoint::UpdateUserStatus,
            method: Method::PUT,
            path: "/users/KDcuGIm1QgePTO8WbOqwIQ/status".into(),
            query: vec![],
            body: Some(json!({"action": "deactivate"})),
            subject: user("KDcuGIm1QgePTO8WbOqwIQ"),
        },
    );
}

/// Meetings and webinars differ in paths, endpoints and a few query keys only.
#[test]
fn meetings_and_webinars() {
    for (kind, plural, create, update, delete, reminder) in [
        (
            MEETING,
            "meetings",
            Endpoint::CreateMeeting,
            Endpoint::UpdateMeeting,
            Endpoint::DeleteMeeting,
            "cancel_meeting_reminder",
        ),
        (
            WEBINAR,
            "webinars",
            Endpoint::CreateWebinar,
            Endpoint::UpdateWebinar,
            Endpoint::DeleteWebinar,
            "cancel_webinar_reminder",
        ),
    ] {
        let name = kind.as_str();
        let body = json!({"topic": "Launch", "start_time": "2026-12-01T09:00:00",
                          "timezone": "Europe/Paris", "duration": 45,
                          "settings": {"approval_type": 0}});
        expect(
            &format!("{name}.create"),
            Some("host@example.com"),
            body.clone(),
            Call {
                endpoint: create,
                method: Method::POST,
                path: format!("/users/host%40example.com/{plural}"),
                query: vec![],
                body: Some(body),
                subject: Subject::NewSession {
                    kind,
                    host: "host@example.com".into(),
                    topic: Some("Launch".into()),
                    start_time: Some("2026-12-01T09:00:00".into()),
                    session_type: None,
                },
            },
        );
        let path = format!("/{plural}/85746065");
        expect(
            &format!("{name}.update"),
            Some("85746065"),
            json!({"agenda": "Moved", "occurrence_id": "1648194360000"}),
            Call {
                endpoint: update,
                method: Method::PATCH,
                path: path.clone(),
                query: vec![("occurrence_id", "1648194360000")],
                body: Some(json!({"agenda": "Moved"})),
                subject: session(kind, 85746065),
            },
        );
        expect(
            &format!("{name}.delete"),
            Some("85746065"),
            json!({"occurrence_id": "1648194360000", reminder: true}),
            Call {
                endpoint: delete,
                method: Method::DELETE,
                path,
                query: vec![(reminder, "true"), ("occurrence_id", "1648194360000")],
                body: None,
                subject: session(kind, 85746065),
            },
        );
    }
    expect(
        "meeting.delete",
        Some("85746065"),
        json!({"schedule_for_reminder": false}),
        Call {
            endpoint: Endpoint::DeleteMeeting,
            method: Method::DELETE,
            path: "/meetings/85746065".into(),
            query: vec![("schedule_for_reminder", "false")],
            body: None,
            subject: session(MEETING, 85746065),
        },
    );
}

#[test]
fn registrants() {
    for (kind, prefix, create, status) in [
        (
            MEETING,
            "meeting",
            Endpoint::CreateMeetingRegistrant,
            Endpoint::UpdateMeetingRegistrantStatus,
        ),
        (
            WEBINAR,
            "webinar",
            Endpoint::CreateWebinarRegistrant,
            Endpoint::UpdateWebinarRegistrantStatus,
        ),
    ] {
        let base = format!("/{}/99289110036/registrants", kind.plural());
        // Zoom's comma-separated string, or an array joined into one.
        for occurrences in [
            json!("1648194360000,1648367160000"),
            json!(["1648194360000", "1648367160000"]),
        ] {
            expect(
                &format!("{prefix}_registrant.create"),
                Some("99289110036"),
                json!({"email": "ann@example.com", "first_name": "Ann", "occurrence_ids": occurrences}),
                Call {
                    endpoint: create,
                    method: Method::POST,
                    path: base.clone(),
                    query: vec![("occurrence_ids", "1648194360000,1648367160000")],
                    body: Some(json!({"email": "ann@example.com", "first_name": "Ann"})),
                    subject: Subject::NewRegistrant {
                        kind,
                        session_id: 99289110036,
                        email: "ann@example.com".into(),
                    },
                },
            );
        }
        let body = json!({"action": "deny",
                          "registrants": [{"id": "9tboDiHUQAeOnbmudzWa5g", "email": "a@example.com"},
                                          {"email": "b@example.com"}]});
        expect(
            &format!("{prefix}_registrant.status"),
            Some("99289110036"),
            super::with(body.clone(), json!({"occurrence_id": "1648194360000"})),
            Call {
                endpoint: status,
                method: Method::PUT,
                path: format!("{base}/status"),
                query: vec![("occurrence_id", "1648194360000")],
                body: Some(body),
                subject: Subject::RegistrantStatus {
                    kind,
                    session_id: 99289110036,
                    registrants: vec!["9tboDiHUQAeOnbmudzWa5g".into(), "b@example.com".into()],
                },
            },
        );
    }
}

#[test]
#[rustfmt::skip]
fn targets() {
    let cases: Vec<Failing> = vec![
        ("user.create", Some("jchill@example.com"), new_user(), "target",
         "must be NULL for user.create; the new user's email goes in payload.user_info.email".into()),
        ("user.create", Some(""), new_user(), "target",
         "must be NULL for user.create; the new user's email goes in payload.user_info.email".into()),
        ("user.update", None, json!({"dept": "R&D"}), "target", "missing; user.update needs a user id or email".into()),
        ("user.status", Some(""), json!({"action": "activate"}), "target", "must be a user id or email (got \"\")".into()),
        ("user.delete", Some(".."), json!({}), "target", "must be a user id or email (got \"..\")".into()),
        ("user.delete", Some("jill @example.com"), json!({}), "target",
         "must be a user id or email (got \"jill @example.com\")".into()),
        ("meeting.create", None, json!({}), "target", "missing; meeting.create needs a user id or email".into()),
        ("webinar.create", Some("\n"), json!({}), "target", "must be a user id or email (got \"\\n\")".into()),
        ("meeting.update", None, json!({"topic": "x"}), "target", "missing; meeting.update needs the meeting id".into()),
        ("webinar.delete", None, json!({}), "target", "missing; webinar.delete needs the webinar id".into()),
        ("meeting.delete", Some("8574 6065"), json!({}), "target",
         "must be the meeting id, digits only (got \"8574 6065\")".into()),
        ("meeting_registrant.create", Some("-5"), json!({}), "target", "must be the meeting id, digits only (got \"-5\")".into()),
        ("webinar_registrant.status", Some("abc"), json!({}), "target",
         "must be the webinar id, digits only (got \"abc\")".into()),
        ("webinar.update", Some("0"), json!({}), "target", "must be a webinar id from 1 to 9223372036854775807 (got 0)".into()),
        ("meeting.update", Some("9223372036854775808"), json!({}), "target",
         "must be a meeting id from 1 to 9223372036854775807 (got 9223372036854775808)".into()),
    ];
    assert_failures(cases);
}

#[test]
#[rustfmt::skip]
fn a_patch_must_change_something() {
    assert_failures(vec![
        ("user.update", Some("u1"), json!({}), "payload",
         "nothing to change; give at least one field of Zoom's userUpdate body".into()),
        ("meeting.update", Some("85746065"), json!({"occurrence_id": "1648194360000"}), "payload",
         "nothing to change; give at least one field of Zoom's meetingUpdate body".into()),
        ("webinar.update", Some("85746065"), json!({}), "payload",
         "nothing to change; give at least one field of Zoom's webinarUpdate body".into()),
    ]);
}
