//! Zoom's documented rules beyond the schemas (`rules.rs`), one table per subject.

use serde_json::json;

use super::{Failing, accepted, assert_failures, new_meeting, new_user, recurring, status, with};

#[test]
#[rustfmt::skip]
fn new_users() {
    let cases: Vec<Failing> = vec![
        ("user.create", None, json!({"action": "create"}), "payload.user_info",
         "missing; it holds the new user's email and type".into()),
        ("user.create", None, with(new_user(), json!({"user_info": {"email": "jchill"}})), "payload.user_info.email",
         "must be an email address".into()),
        ("user.create", None, with(new_user(), json!({"user_info": {"password": "Secret123"}})), "payload.user_info.password",
         "only allowed with action \"autoCreate\"; Zoom ignores it otherwise".into()),
        ("user.create", None, with(new_user(), json!({"user_info": {"type": 99}})), "payload.user_info.type",
         "99 (None) is only allowed with action \"ssoCreate\"".into()),
        ("user.create", None, with(new_user(), json!({"user_info": {"first_name": "欧阳娜娜娜娜"}})), "payload.user_info.first_name",
         "must contain at most 5 Chinese characters (got 6)".into()),
        ("user.create", None, with(new_user(), json!({"user_info": {"display_name": "一二三四五六七八九十百"}})), "payload.user_info.display_name",
         "must contain at most 10 Chinese characters (got 11)".into()),
    ];
    assert_failures(cases);
    accepted("user.create", None, with(new_user(), json!({"action": "autoCreate", "user_info": {"password": "if42!LfH@"}})));
    accepted("user.create", None, with(new_user(), json!({"action": "ssoCreate", "user_info": {"type": 99}})));
    accepted("user.create", None, with(new_user(), json!({"user_info": {"first_name": "欧阳娜娜娜", "last_name": "Chill"}})));
}

#[test]
#[rustfmt::skip]
fn user_updates() {
    let pmi = |pmi: u64, reason: &str| -> Failing {
        ("user.update", Some("u1"), json!({"pmi": pmi}), "payload.pmi", reason.into())
    };
    let cases: Vec<Failing> = vec![
        ("user.update", Some("u1"), json!({"last_name": "司马司马司马"}), "payload.last_name",
         "must contain at most 5 Chinese characters (got 6)".into()),
        ("user.update", Some("u1"), json!({"display_name": "一二三四五六七八九十百"}), "payload.display_name",
         "must contain at most 10 Chinese characters (got 11)".into()),
        pmi(555111222, "must be exactly 10 digits (got 555111222)"),
        pmi(55511122223, "must be exactly 10 digits (got 55511122223)"),
        pmi(1551112222, "must start with 2 to 9"),
        pmi(8005551234, "must not start with 800, a toll-free number prefix"),
        pmi(6605551234, "must not start with 660, a toll-free number prefix"),
        pmi(2472472473, "must not repeat one 3-digit group three times (like 247247247)"),
        pmi(3247247247, "must not repeat one 3-digit group three times (like 247247247)"),
        pmi(2224447773, "must not be three 3-digit groups of one digit each (like 222444777)"),
        pmi(3222444777, "must not be three 3-digit groups of one digit each (like 222444777)"),
        pmi(2223222322, "must not use the digit 2 8 or more times"),
        pmi(5411111934, "must not have one digit 5 or more times in a row"),
        pmi(2123456789, "must not contain the sequence 123456789"),
        ("user.update", Some("u1"), json!({"host_key": "12ab56"}), "payload.host_key", "must be 6 to 10 digits, digits only".into()),
        ("user.update", Some("u1"), json!({"type": 2, "zoom_one_type": 16}), "payload.zoom_one_type",
         "cannot change together with type; Zoom takes one of type, plan_united_type, zoom_one_type per update".into()),
        ("user.update", Some("u1"), json!({"plan_united_type": "1", "zoom_one_type": 16}), "payload.zoom_one_type",
         "cannot change together with plan_united_type; Zoom takes one of type, plan_united_type, zoom_one_type per update".into()),
        ("user.update", Some("u1"), json!({"linkedin_url": "https://example.com/jill"}), "payload.linkedin_url",
         "must contain linkedin.com".into()),
    ];
    assert_failures(cases);
    accepted("user.update", Some("u1"), json!({"pmi": 6589310093_u64, "host_key": "4692486817", "type": 2}));
}

#[test]
#[rustfmt::skip]
fn user_deletes() {
    let cases: Vec<Failing> = vec![
        ("user.delete", Some("u1"), json!({"transfer_meeting": true}), "payload.transfer_meeting",
         "needs transfer_email, the user who receives the transferred data".into()),
        ("user.delete", Some("u1"), json!({"action": "delete", "transfer_docs": true, "transfer_notes": false}), "payload.transfer_docs",
         "needs transfer_email, the user who receives the transferred data".into()),
        ("user.delete", Some("u1"), json!({"transfer_email": "boss", "transfer_webinar": true}), "payload.transfer_email",
         "must be an email address".into()),
    ];
    assert_failures(cases);
    // Declining a transfer needs nobody to receive it.
    accepted("user.delete", Some("u1"), json!({"transfer_meeting": false, "encrypted_email": false}));
}

/// The same rules hold for meetings and webinars, created or updated, except the passcode's
/// characters.
#[test]
#[rustfmt::skip]
fn sessions() {
    const WEEKDAYS: &str = "must be days 1 (Sunday) to 7 (Saturday), comma-separated, like \"2,4\"";
    let mut cases: Vec<Failing> = Vec::new();
    for (create, update, id) in [("meeting.create", "meeting.update", "85746065"),
                                 ("webinar.create", "webinar.update", "99289110036")] {
        let webinar = create.starts_with("webinar");
        let scheduled = |patch| with(with(new_meeting(), json!({"type": if webinar { 5 } else { 2 }})), patch);
        let repeating = |patch| with(with(recurring(), json!({"type": if webinar { 9 } else { 8 }})), patch);
        let monthly = |patch| with(repeating(json!({"recurrence": {"type": 3, "weekly_days": null}})), json!({"recurrence": patch}));
        for (action, target) in [(create, Some("host@example.com")), (update, Some(id))] {
            let mut case = |payload, field, reason: &str| cases.push((action, target, payload, field, reason.into()));
            case(scheduled(json!({"topic": "t".repeat(201)})), "payload.topic", "must be at most 200 characters (got 201)");
            case(scheduled(json!({"agenda": "a".repeat(2001)})), "payload.agenda", "must be at most 2000 characters (got 2001)");
            case(scheduled(json!({"password": "12345678901"})), "payload.password", "must be at most 10 characters (got 11)");
            case(scheduled(json!({"password": "pass word"})), "payload.password",
                 if webinar { "may contain only letters, digits and @ - _ * !" } else { "may contain only letters, digits and @ - _ *" });
            case(scheduled(json!({"start_time": "2026-12-01T09:00:00"})), "payload.start_time",
                 "is a local time (no Z) but timezone is missing; add timezone or give UTC with Z");
            case(scheduled(json!({"duration": -1})), "payload.duration", "must be 0 or more minutes");
            case(repeating(json!({"recurrence": {"end_date_time": "2027-01-01T00:00:00Z"}})), "payload.recurrence.end_date_time",
                 "cannot be used together with end_times; give one");
            case(repeating(json!({"recurrence": {"end_times": 0}})), "payload.recurrence.end_times", "must be at least 1 (at most 60)");
            case(repeating(json!({"recurrence": {"end_times": null, "end_date_time": "2027-01-01T00:00:00"}})),
                 "payload.recurrence.end_date_time", "must be UTC, yyyy-MM-ddTHH:mm:ssZ");
            case(repeating(json!({"recurrence": {"type": 1, "repeat_interval": 91}})), "payload.recurrence.repeat_interval",
                 "must be 1 to 90 for a daily recurrence (got 91)");
            case(repeating(json!({"recurrence": {"repeat_interval": 13}})), "payload.recurrence.repeat_interval",
                 "must be 1 to 12 for a weekly recurrence (got 13)");
            case(repeating(json!({"recurrence": {"repeat_interval": 0}})), "payload.recurrence.repeat_interval",
                 "must be 1 to 12 for a weekly recurrence (got 0)");
            case(monthly(json!({"repeat_interval": 4, "monthly_day": 1})), "payload.recurrence.repeat_interval",
                 "must be 1 to 3 for a monthly recurrence (got 4)");
            case(repeating(json!({"recurrence": {"weekly_days": "2,8"}})), "payload.recurrence.weekly_days", WEEKDAYS);
            case(repeating(json!({"recurrence": {"weekly_days": "2, 4"}})), "payload.recurrence.weekly_days", WEEKDAYS);
            case(monthly(json!({"monthly_day": 32})), "payload.recurrence.monthly_day", "must be 1 to 31");
            case(monthly(json!({"monthly_week": -1})), "payload.recurrence.monthly_week_day", "missing; monthly_week needs it");
            case(monthly(json!({"monthly_week_day": 2})), "payload.recurrence.monthly_week", "missing; monthly_week_day needs it");
        }
        accepted(create, Some("host@example.com"),
                 scheduled(json!({"password": "a@-_*9", "duration": 0, "start_time": "2026-12-01T09:00:00", "timezone": "America/Chicago"})));
        accepted(update, Some(id), repeating(json!({"recurrence": {"end_times": 60, "weekly_days": "1,2,3,4,5,6,7"}})));
        accepted(update, Some(id), monthly(json!({"monthly_week": -1, "monthly_week_day": 6, "repeat_interval": 3,
                                                  "end_times": null, "end_date_time": "2027-06-30T00:00:00Z"})));
    }
    assert_failures(cases);
    accepted("webinar.create", Some("host@example.com"), json!({"password": "go!"}));
}

#[test]
#[rustfmt::skip]
fn registrant_status() {
    let cases: Vec<Failing> = vec![
        ("meeting_registrant.status", Some("1"), json!({"action": "approve"}), "payload.registrants",
         "missing or empty; name 1 to 30 registrants, each by id or email".into()),
        ("webinar_registrant.status", Some("1"), with(status(), json!({"registrants": []})), "payload.registrants",
         "missing or empty; name 1 to 30 registrants, each by id or email".into()),
        ("meeting_registrant.status", Some("1"), with(status(), json!({"registrants": [{"id": "a"}, {}]})), "payload.registrants[1]",
         "needs an id or an email".into()),
        ("webinar_registrant.status", Some("1"), with(status(), json!({"registrants": [{"id": ""}]})), "payload.registrants[0].id",
         "must not be empty".into()),
        // The meeting schema leaves this email untyped; the rule checks it as the webinar one.
        ("meeting_registrant.status", Some("1"), with(status(), json!({"registrants": [{"email": "nobody"}]})), "payload.registrants[0].email",
         "must be an email address".into()),
    ];
    assert_failures(cases);
    let thirty: Vec<_> = (0..30).map(|i| json!({"email": format!("r{i}@example.com")})).collect();
    accepted("meeting_registrant.status", Some("1"), with(status(), json!({"registrants": thirty})));
}
