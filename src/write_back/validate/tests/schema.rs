//! What Zoom's request schemas decide: closed objects, types, enums, lengths, bounds, required
//! keys, item counts, formats, and the query options beside the body.

use serde_json::json;

use super::{Failing, accepted, assert_failures, new_meeting, new_user, recurring, status, with};

const TIME_FORMS: &str =
    "must be yyyy-MM-ddTHH:mm:ssZ (UTC) or yyyy-MM-ddTHH:mm:ss (local time in `timezone`)";

#[test]
#[rustfmt::skip]
fn unknown_fields() {
    let cases: Vec<Failing> = vec![
        ("meeting.create", Some("h"), with(new_meeting(), json!({"topik": "x"})), "payload.topik",
         "unknown field; Zoom's meetingCreate body has no such key".into()),
        ("meeting.create", Some("h"), with(new_meeting(), json!({"settings": {"waiting_rom": true}})),
         "payload.settings.waiting_rom", "unknown field; Zoom's meetingCreate body has no such key".into()),
        // Keys of one operation are not keys of another.
        ("meeting.create", Some("h"), with(new_meeting(), json!({"is_simulive": true})), "payload.is_simulive",
         "unknown field; Zoom's meetingCreate body has no such key".into()),
        ("meeting.update", Some("1"), json!({"topic": "x", "occurence_id": "1"}), "payload.occurence_id",
         "unknown field; Zoom's meetingUpdate body has no such key and its query options are occurrence_id".into()),
        ("meeting.delete", Some("1"), json!({"reason": "x"}), "payload.reason",
         "unknown field; Zoom's meetingDelete takes no body, only the query options cancel_meeting_reminder, occurrence_id, schedule_for_reminder".into()),
        ("user.create", None, with(new_user(), json!({"user_info": {"phone": "1"}})), "payload.user_info.phone",
         "unknown field; Zoom's userCreate body has no such key".into()),
        ("meeting_registrant.status", Some("1"), with(status(), json!({"registrants": [{"id": "a", "name": "A"}]})),
         "payload.registrants[0].name", "unknown field; Zoom's meetingRegistrantStatus body has no such key".into()),
    ];
    assert_failures(cases);
}

#[test]
#[rustfmt::skip]
fn types() {
    let cases: Vec<Failing> = vec![
        ("meeting.create", Some("h"), json!({"settings": []}), "payload.settings", "must be an object, got an array".into()),
        ("meeting.create", Some("h"), json!({"duration": "30"}), "payload.duration",
         "must be an integer, got a string".into()),
        ("meeting.create", Some("h"), json!({"duration": 30.5}), "payload.duration", "must be an integer, got 30.5".into()),
        ("meeting.create", Some("h"), json!({"topic": null}), "payload.topic", "must be a string, got null".into()),
        ("meeting.create", Some("h"), json!({"topic": 5}), "payload.topic", "must be a string, got 5".into()),
        ("meeting.create", Some("h"), json!({"settings": {"waiting_room": "true"}}), "payload.settings.waiting_room",
         "must be a boolean, got a string".into()),
        ("meeting.create", Some("h"), json!({"tracking_fields": {"field": "x"}}), "payload.tracking_fields",
         "must be an array, got an object".into()),
        // Zoom's only request schema with a PMI (userUpdate) types it as an integer; the string
        // form appears in meeting responses only.
        ("user.update", Some("u1"), json!({"pmi": "5551112222"}), "payload.pmi", "must be an integer, got a string".into()),
        ("user.update", Some("u1"), json!({"plan_united_type": 1}), "payload.plan_united_type",
         "must be a string, got 1".into()),
        ("user.update", Some("u1"), json!({"dept": "x", "login_type": "101"}), "payload.login_type",
         "must be an integer, got a string".into()),
        ("user.update", Some("u1"), json!({"dept": "x", "remove_tsp_credentials": "yes"}), "payload.remove_tsp_credentials",
         "must be a boolean, got a string".into()),
        ("meeting.update", Some("1"), json!({"topic": "x", "occurrence_id": 1648194360000_u64}), "payload.occurrence_id",
         "must be a string, got 1648194360000".into()),
    ];
    assert_failures(cases);
    // An integer-valued number is an integer, however it was written.
    let request = accepted("meeting.create", Some("h"), json!({"duration": 30.0}));
    assert_eq!(request.body, Some(json!({"duration": 30.0})));
    let request = accepted("user.update", Some("u1"), json!({"dept": "x", "login_type": 101.0}));
    assert_eq!(request.query, [("login_type".to_owned(), "101".to_owned())]);
}

#[test]
#[rustfmt::skip]
fn enums() {
    let cases: Vec<Failing> = vec![
        ("meeting.create", Some("h"), json!({"type": 4}), "payload.type", "must be one of 1, 2, 3, 8 (got 4)".into()),
        ("webinar.create", Some("h"), json!({"type": 2}), "payload.type", "must be one of 5, 6, 9 (got 2)".into()),
        ("meeting.create", Some("h"), json!({"settings": {"approval_type": 3}}), "payload.settings.approval_type",
         "must be one of 0, 1, 2 (got 3)".into()),
        ("webinar.update", Some("1"), json!({"settings": {"approval_type": -1}}), "payload.settings.approval_type",
         "must be one of 0, 1, 2 (got -1)".into()),
        ("user.status", Some("u1"), json!({"action": "suspend"}), "payload.action",
         "must be one of \"activate\", \"deactivate\", \"clock_in\", \"clock_out\" (got \"suspend\")".into()),
        ("user.create", None, with(new_user(), json!({"action": "invite"})), "payload.action",
         "must be one of \"create\", \"autoCreate\", \"custCreate\", \"ssoCreate\" (got \"invite\")".into()),
        ("user.create", None, with(new_user(), json!({"user_info": {"type": 3}})), "payload.user_info.type",
         "must be one of 1, 2, 4, 99 (got 3)".into()),
        ("user.update", Some("u1"), json!({"type": 3}), "payload.type", "must be one of 1, 2, 4, 99 (got 3)".into()),
        // The 2026 spec's enum: the documented methods, then the China-only 11, 21, 23.
        ("user.update", Some("u1"), json!({"dept": "x", "login_type": 2}), "payload.login_type",
         "must be one of 0, 1, 11, 21, 23, 24, 27, 97, 98, 99, 100, 101 (got 2)".into()),
        ("user.delete", Some("u1"), json!({"action": "remove"}), "payload.action",
         "must be one of \"disassociate\", \"delete\" (got \"remove\")".into()),
        ("meeting_registrant.status", Some("1"), with(status(), json!({"action": "approved"})), "payload.action",
         "must be one of \"approve\", \"cancel\", \"deny\" (got \"approved\")".into()),
        ("meeting.create", Some("h"), with(recurring(), json!({"recurrence": {"monthly_week": 5}})),
         "payload.recurrence.monthly_week", "must be one of -1, 1, 2, 3, 4 (got 5)".into()),
        ("user.update", Some("u1"), json!({"zoom_one_type": 72057594037927940_u64}), "payload.zoom_one_type",
         "must be one of 0, 16, 32, 64, 128, 33554432, 134217728, 268435456, 536870912, 1073741824, 4398046511104, 4294967296, 8589934592, 17179869184, 34359738368, 68719476736, 137438953472, 274877906944, 549755813888, 1099511627776, 2199023255552, 18014398509481984, 72057594037927936, 144115188075855872, 576460752303423488 (got 72057594037927940)".into()),
    ];
    assert_failures(cases);
    // The spec's literals above 2^53 were rounded through a double; the exact values work.
    for exact in [
        72057594037927936_u64,
        144115188075855872,
        576460752303423488,
    ] {
        accepted("user.update", Some("u1"), json!({"zoom_one_type": exact}));
    }
    for login_type in [0, 1, 11, 21, 23, 24, 27, 97, 98, 99, 100, 101] {
        accepted("user.update", Some("u1"), json!({"dept": "x", "login_type": login_type}));
    }
}

#[test]
#[rustfmt::skip]
fn lengths_bounds_and_counts() {
    let thirty_one: Vec<_> = (0..31).map(|i| json!({"id": format!("r{i}")})).collect();
    let cases: Vec<Failing> = vec![
        ("meeting.create", Some("h"), json!({"agenda": "a".repeat(2105)}), "payload.agenda",
         "must be at most 2000 characters (got 2105)".into()),
        ("meeting.update", Some("1"), json!({"topic": "é".repeat(201)}), "payload.topic",
         "must be at most 200 characters (got 201)".into()),
        ("user.create", None, with(new_user(), json!({"user_info": {"email": format!("{}@example.com", "a".repeat(117))}})), "payload.user_info.email",
         "must be at most 128 characters (got 129)".into()),
        ("user.create", None, with(new_user(), json!({"action": "autoCreate", "user_info": {"password": "Ab1xyz"}})), "payload.user_info.password",
         "must be at least 8 characters (got 6)".into()),
        ("user.create", None, with(new_user(), json!({"action": "autoCreate", "user_info": {"password": "Ab1".repeat(11)}})), "payload.user_info.password",
         "must be at most 32 characters (got 33)".into()),
        ("user.update", Some("u1"), json!({"first_name": "J".repeat(65)}), "payload.first_name",
         "must be at most 64 characters (got 65)".into()),
        ("user.update", Some("u1"), json!({"host_key": "12345"}), "payload.host_key",
         "must be at least 6 characters (got 5)".into()),
        ("user.update", Some("u1"), json!({"host_key": "12345678901"}), "payload.host_key",
         "must be at most 10 characters (got 11)".into()),
        ("meeting.create", Some("h"), with(recurring(), json!({"recurrence": {"end_times": 61}})), "payload.recurrence.end_times",
         "must be at most 60 (got 61)".into()),
        ("webinar.create", Some("h"), json!({"settings": {"registrants_restrict_number": 20001}}), "payload.settings.registrants_restrict_number",
         "must be at most 20000 (got 20001)".into()),
        ("webinar.create", Some("h"), json!({"settings": {"registrants_restrict_number": -1}}), "payload.settings.registrants_restrict_number",
         "must be at least 0 (got -1)".into()),
        ("meeting_registrant.status", Some("1"), with(status(), json!({"registrants": thirty_one.clone()})), "payload.registrants",
         "must have at most 30 items (got 31)".into()),
        ("webinar_registrant.status", Some("1"), with(status(), json!({"registrants": thirty_one})), "payload.registrants",
         "must have at most 30 items (got 31)".into()),
        ("user.update", Some("u1"), json!({"custom_attributes": vec![json!({"key": "k"}); 6]}), "payload.custom_attributes",
         "must have at most 5 items (got 6)".into()),
    ];
    assert_failures(cases);
}

#[test]
#[rustfmt::skip]
fn required_keys() {
    let cases: Vec<Failing> = vec![
        ("user.status", Some("u1"), json!({}), "payload.action", "missing; Zoom's userStatus requires it".into()),
        ("user.create", None, json!({"user_info": {"email": "a@example.com", "type": 1}}), "payload.action",
         "missing; Zoom's userCreate requires it".into()),
        ("user.create", None, json!({"action": "create", "user_info": {"type": 1}}), "payload.user_info.email",
         "missing; Zoom's userCreate requires it".into()),
        ("user.create", None, json!({"action": "create", "user_info": {"email": "a@example.com"}}), "payload.user_info.type",
         "missing; Zoom's userCreate requires it".into()),
        ("meeting_registrant.create", Some("1"), json!({"email": "a@example.com"}), "payload.first_name",
         "missing; Zoom's meetingRegistrantCreate requires it".into()),
        ("webinar_registrant.create", Some("1"), json!({"first_name": "Ann"}), "payload.email",
         "missing; Zoom's webinarRegistrantCreate requires it".into()),
        ("meeting_registrant.status", Some("1"), json!({"registrants": [{"id": "a"}]}), "payload.action",
         "missing; Zoom's meetingRegistrantStatus requires it".into()),
        ("meeting.create", Some("h"), json!({"recurrence": {"end_times": 3}}), "payload.recurrence.type",
         "missing; Zoom's meetingCreate requires it".into()),
        ("webinar.create", Some("h"), json!({"tracking_fields": [{"value": "x"}]}), "payload.tracking_fields[0].field",
         "missing; Zoom's webinarCreate requires it".into()),
    ];
    assert_failures(cases);
}

#[test]
#[rustfmt::skip]
fn formats() {
    let cases: Vec<Failing> = vec![
        ("meeting.create", Some("h"), json!({"start_time": "2026-12-01 09:00"}), "payload.start_time", TIME_FORMS.into()),
        ("meeting.create", Some("h"), json!({"start_time": "2026-12-01T09:00:00+02:00"}), "payload.start_time",
         TIME_FORMS.into()),
        ("webinar.update", Some("1"), json!({"start_time": "2026-12-01T09:00:00.000Z"}), "payload.start_time",
         TIME_FORMS.into()),
        ("meeting.update", Some("1"), json!({"start_time": "2026-13-01T09:00:00Z"}), "payload.start_time",
         TIME_FORMS.into()),
        ("meeting.create", Some("h"), with(recurring(), json!({"recurrence": {"end_times": null, "end_date_time": "tomorrow"}})), "payload.recurrence.end_date_time",
         TIME_FORMS.into()),
        ("meeting_registrant.create", Some("1"), json!({"email": "ann.example.com", "first_name": "Ann"}), "payload.email",
         "must be an email address".into()),
        ("webinar_registrant.create", Some("1"), json!({"email": "ann@example", "first_name": "Ann"}), "payload.email",
         "must be an email address".into()),
        ("meeting.create", Some("h"), json!({"settings": {"meeting_invitees": [{"email": "a@example.com"}, {"email": "b c@example.com"}]}}), "payload.settings.meeting_invitees[1].email",
         "must be an email address".into()),
        ("webinar_registrant.status", Some("1"), with(status(), json!({"registrants": [{"email": "nobody"}]})), "payload.registrants[0].email",
         "must be an email address".into()),
    ];
    assert_failures(cases);
    // The description takes a display name where the schema says email.
    accepted("user.update", Some("u1"), json!({"manager": "Tara Smith"}));
}

#[test]
#[rustfmt::skip]
fn query_values() {
    let cases: Vec<Failing> = vec![
        ("meeting.delete", Some("1"), json!({"occurrence_id": ""}), "payload.occurrence_id",
         "must not be empty; leave the key out instead".into()),
        ("meeting_registrant.create", Some("1"), json!({"email": "a@example.com", "first_name": "A", "occurrence_ids": []}), "payload.occurrence_ids",
         "must name at least one occurrence id".into()),
        ("webinar_registrant.create", Some("1"), json!({"email": "a@example.com", "first_name": "A", "occurrence_ids": ["1", "2,3"]}), "payload.occurrence_ids[1]",
         "must be an occurrence id: a non-empty string without commas".into()),
        ("webinar_registrant.create", Some("1"), json!({"email": "a@example.com", "first_name": "A", "occurrence_ids": [1]}), "payload.occurrence_ids[0]",
         "must be an occurrence id: a non-empty string without commas".into()),
        ("webinar.delete", Some("1"), json!({"cancel_webinar_reminder": 1}), "payload.cancel_webinar_reminder",
         "must be a boolean, got 1".into()),
    ];
    assert_failures(cases);
}
