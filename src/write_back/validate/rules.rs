//! Zoom's documented rules that its request schemas do not express, all in one place. They run
//! after the schema walk, so every value here already has the type Zoom's schema gives it.
//!
//! Sources: the field descriptions in Zoom's OpenAPI descriptions of users and meetings (the
//! references <https://developers.zoom.us/docs/api/users/> and
//! <https://developers.zoom.us/docs/api/meetings/>), and for the PMI Zoom's support article
//! "Personal meeting ID (PMI) and personal link"
//! (<https://support.zoom.us/hc/en-us/articles/201362843>). `docs/write-back.md` lists them
//! for the people writing rows.

use serde_json::{Map, Value};

use super::formats::{ZoomTime, chars, chinese, integer, is_email, zoom_time};
use super::{Invalid, PAYLOAD};
use crate::write_back::Action;

pub(super) fn check(action: Action, payload: &Map<String, Value>) -> Result<(), Invalid> {
    let payload = Obj::root(payload);
    match action {
        Action::UserCreate => user_create(&payload),
        Action::UserUpdate => user_update(&payload),
        Action::UserDelete => user_delete(&payload),
        Action::MeetingCreate | Action::MeetingUpdate => session(&payload, MEETING_PASSCODE),
        Action::WebinarCreate | Action::WebinarUpdate => session(&payload, WEBINAR_PASSCODE),
        Action::MeetingRegistrantStatus | Action::WebinarRegistrantStatus => {
            registrant_status(&payload)
        }
        Action::UserStatus
        | Action::MeetingDelete
        | Action::WebinarDelete
        | Action::MeetingRegistrantCreate
        | Action::WebinarRegistrantCreate
        | Action::Raw => Ok(()),
    }
}

/// `POST /users`.
fn user_create(payload: &Obj) -> Result<(), Invalid> {
    // Optional in the schema, yet it holds the two keys Zoom requires (email, type).
    let info = payload.object("user_info").ok_or_else(|| {
        payload.fail(
            "user_info",
            "missing; it holds the new user's email and type",
        )
    })?;
    if info.str("email").is_some_and(|email| !is_email(email)) {
        return Err(info.fail("email", "must be an email address"));
    }
    let action = payload.str("action");
    // "Only used for the autoCreate function": anywhere else Zoom drops it without a word.
    if info.has("password") && action != Some("autoCreate") {
        return Err(info.fail(
            "password",
            "only allowed with action \"autoCreate\"; Zoom ignores it otherwise",
        ));
    }
    // "99 - None. This can only be set with ssoCreate."
    if info.int("type") == Some(99) && action != Some("ssoCreate") {
        return Err(info.fail(
            "type",
            "99 (None) is only allowed with action \"ssoCreate\"",
        ));
    }
    names(&info)
}

/// `PATCH /users/{userId}`.
fn user_update(payload: &Obj) -> Result<(), Invalid> {
    names(payload)?;
    if let Some(pmi) = payload.int("pmi") {
        personal_meeting_id(pmi).map_err(|reason| payload.fail("pmi", reason))?;
    }
    if let Some(key) = payload.str("host_key")
        && !key.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(payload.fail("host_key", "must be 6 to 10 digits, digits only"));
    }
    // Zoom answers code 300: "You can't change the type or plan_united_type or zoom_one_type
    // at the same time".
    const PLANS: [&str; 3] = ["type", "plan_united_type", "zoom_one_type"];
    let plans: Vec<&str> = PLANS.into_iter().filter(|key| payload.has(key)).collect();
    if let [first, second, ..] = plans[..] {
        let reason = format!(
            "cannot change together with {first}; Zoom takes one of {} per update",
            PLANS.join(", ")
        );
        return Err(payload.fail(second, reason));
    }
    if let Some(url) = payload.str("linkedin_url")
        && !url.contains("linkedin.com")
    {
        return Err(payload.fail("linkedin_url", "must contain linkedin.com"));
    }
    Ok(())
}

/// First and last names: at most 5 Chinese characters, display names at most 10 (the lengths
/// in characters are schema limits).
fn names(obj: &Obj) -> Result<(), Invalid> {
    for (key, max) in [("first_name", 5), ("last_name", 5), ("display_name", 10)] {
        if let Some(name) = obj.str(key) {
            let han = chinese(name);
            if han > max {
                return Err(obj.fail(
                    key,
                    format!("must contain at most {max} Chinese characters (got {han})"),
                ));
            }
        }
    }
    Ok(())
}

/// A custom PMI: the support article's restrictions, in its order.
fn personal_meeting_id(pmi: i128) -> Result<(), String> {
    const TOLL_FREE: [&str; 21] = [
        "800", "400", "888", "887", "877", "866", "855", "850", "803", "804", "807", "808", "809",
        "660", "508", "900", "200", "300", "500", "600", "700",
    ];
    let digits = pmi.to_string();
    let d = digits.as_bytes();
    if pmi < 0 || d.len() != 10 {
        return Err(format!("must be exactly 10 digits (got {pmi})"));
    }
    if d[0] == b'0' || d[0] == b'1' {
        return Err("must start with 2 to 9".to_owned());
    }
    if let Some(prefix) = TOLL_FREE.iter().find(|p| digits.starts_with(*p)) {
        return Err(format!(
            "must not start with {prefix}, a toll-free number prefix"
        ));
    }
    let triples = |at: usize| [&d[at..at + 3], &d[at + 3..at + 6], &d[at + 6..at + 9]];
    let uniform = |t: &[u8]| t.iter().all(|b| *b == t[0]);
    for at in [0, 1] {
        let [a, b, c] = triples(at);
        if a == b && b == c {
            return Err(
                "must not repeat one 3-digit group three times (like 247247247)".to_owned(),
            );
        }
        if uniform(a) && uniform(b) && uniform(c) {
            return Err(
                "must not be three 3-digit groups of one digit each (like 222444777)".to_owned(),
            );
        }
    }
    if let Some(digit) = (b'0'..=b'9').find(|x| d.iter().filter(|b| *b == x).count() >= 8) {
        return Err(format!(
            "must not use the digit {} 8 or more times",
            char::from(digit)
        ));
    }
    if d.windows(5).any(uniform) {
        return Err("must not have one digit 5 or more times in a row".to_owned());
    }
    if digits.contains("123456789") {
        return Err("must not contain the sequence 123456789".to_owned());
    }
    Ok(())
}

/// `DELETE /users/{userId}`: the transfer_* options move data to the user `transfer_email`
/// names, so without it there is nobody to transfer to.
fn user_delete(payload: &Obj) -> Result<(), Invalid> {
    if payload
        .str("transfer_email")
        .is_some_and(|email| !is_email(email))
    {
        return Err(payload.fail("transfer_email", "must be an email address"));
    }
    let transfer = payload
        .map
        .iter()
        .find(|(key, value)| key.starts_with("transfer_") && **value == Value::Bool(true));
    match transfer {
        Some((key, _)) if !payload.has("transfer_email") => Err(payload.fail(
            key,
            "needs transfer_email, the user who receives the transferred data",
        )),
        _ => Ok(()),
    }
}

/// Passcode characters: meetings allow `@ - _ *`, webinars also `!` (each operation's
/// `password` description).
const MEETING_PASSCODE: &str = "@-_*";
const WEBINAR_PASSCODE: &str = "@-_*!";

/// Meetings and webinars, created or updated.
fn session(payload: &Obj, passcode_symbols: &str) -> Result<(), Invalid> {
    // The meeting body's lengths; webinar bodies get the same, though the webinar schema
    // states no lengths.
    for (key, max) in [("topic", 200), ("agenda", 2000), ("password", 10)] {
        if let Some(length) = payload.str(key).map(chars)
            && length > max
        {
            return Err(payload.fail(
                key,
                format!("must be at most {max} characters (got {length})"),
            ));
        }
    }
    if let Some(password) = payload.str("password")
        && !password
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || passcode_symbols.contains(c))
    {
        let symbols: Vec<String> = passcode_symbols.chars().map(String::from).collect();
        return Err(payload.fail(
            "password",
            format!("may contain only letters, digits and {}", symbols.join(" ")),
        ));
    }
    // A local time is read in `timezone`; without one Zoom falls back to the account's zone,
    // which the system writing the row cannot see.
    if payload.str("start_time").and_then(zoom_time) == Some(ZoomTime::Local)
        && !payload.has("timezone")
    {
        return Err(payload.fail(
            "start_time",
            "is a local time (no Z) but timezone is missing; add timezone or give UTC with Z",
        ));
    }
    if payload.int("duration").is_some_and(|minutes| minutes < 0) {
        return Err(payload.fail("duration", "must be 0 or more minutes"));
    }
    match payload.object("recurrence") {
        Some(recurrence) => self::recurrence(&recurrence),
        None => Ok(()),
    }
}

/// The recurrence object (field descriptions, and Zoom's recurrence object definitions).
fn recurrence(rec: &Obj) -> Result<(), Invalid> {
    if rec.has("end_times") && rec.has("end_date_time") {
        return Err(rec.fail(
            "end_date_time",
            "cannot be used together with end_times; give one",
        ));
    }
    if rec.int("end_times").is_some_and(|n| n < 1) {
        return Err(rec.fail("end_times", "must be at least 1 (at most 60)"));
    }
    if rec.str("end_date_time").and_then(zoom_time) == Some(ZoomTime::Local) {
        return Err(rec.fail("end_date_time", "must be UTC, yyyy-MM-ddTHH:mm:ssZ"));
    }
    // "For a daily meeting, the maximum interval is 90 days, weekly 12 weeks, monthly 3 months."
    let most = match rec.int("type") {
        Some(1) => Some((90, "daily")),
        Some(2) => Some((12, "weekly")),
        Some(3) => Some((3, "monthly")),
        _ => None,
    };
    if let (Some(interval), Some((max, kind))) = (rec.int("repeat_interval"), most)
        && !(1..=max).contains(&interval)
    {
        return Err(rec.fail(
            "repeat_interval",
            format!("must be 1 to {max} for a {kind} recurrence (got {interval})"),
        ));
    }
    if let Some(days) = rec.str("weekly_days")
        && !days
            .split(',')
            .all(|day| matches!(day, "1" | "2" | "3" | "4" | "5" | "6" | "7"))
    {
        return Err(rec.fail(
            "weekly_days",
            "must be days 1 (Sunday) to 7 (Saturday), comma-separated, like \"2,4\"",
        ));
    }
    if rec
        .int("monthly_day")
        .is_some_and(|day| !(1..=31).contains(&day))
    {
        return Err(rec.fail("monthly_day", "must be 1 to 31"));
    }
    // "If you use this field, you must also use the monthly_week_day field", and back.
    match (rec.has("monthly_week"), rec.has("monthly_week_day")) {
        (true, false) => Err(rec.fail("monthly_week_day", "missing; monthly_week needs it")),
        (false, true) => Err(rec.fail("monthly_week", "missing; monthly_week_day needs it")),
        _ => Ok(()),
    }
}

/// `PUT …/registrants/status`: up to 30 registrants (a schema limit), each named.
fn registrant_status(payload: &Obj) -> Result<(), Invalid> {
    let mut registrants = payload.items("registrants").peekable();
    if registrants.peek().is_none() {
        return Err(payload.fail(
            "registrants",
            "missing or empty; name 1 to 30 registrants, each by id or email",
        ));
    }
    for registrant in registrants {
        match (registrant.str("id"), registrant.str("email")) {
            (Some(""), _) => return Err(registrant.fail("id", "must not be empty")),
            (_, Some(email)) if !is_email(email) => {
                return Err(registrant.fail("email", "must be an email address"));
            }
            (None, None) => {
                return Err(Invalid::new(registrant.path, "needs an id or an email"));
            }
            _ => {}
        }
    }
    Ok(())
}

/// An object in the payload and its path, for rules that read several of its keys.
struct Obj<'a> {
    path: String,
    map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    fn root(map: &'a Map<String, Value>) -> Obj<'a> {
        Obj {
            path: PAYLOAD.to_owned(),
            map,
        }
    }

    /// The elements of the array at `key`, which the schema has made objects.
    fn items(&self, key: &str) -> impl Iterator<Item = Obj<'a>> {
        let path = format!("{}.{key}", self.path);
        let items = self.map.get(key).and_then(Value::as_array);
        items
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(move |(i, item)| {
                Some(Obj {
                    path: format!("{path}[{i}]"),
                    map: item.as_object()?,
                })
            })
    }

    fn object(&self, key: &str) -> Option<Obj<'a>> {
        Some(Obj {
            path: format!("{}.{key}", self.path),
            map: self.map.get(key)?.as_object()?,
        })
    }

    fn str(&self, key: &str) -> Option<&'a str> {
        self.map.get(key)?.as_str()
    }

    fn int(&self, key: &str) -> Option<i128> {
        integer(self.map.get(key)?)
    }

    fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    fn fail(&self, key: &str, reason: impl Into<String>) -> Invalid {
        Invalid::new(format!("{}.{key}", self.path), reason)
    }
}
