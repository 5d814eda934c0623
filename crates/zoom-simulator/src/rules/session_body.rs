//! A meeting or webinar body (<https://developers.zoom.us/docs/api/meetings/>) applied to a row. A
//! `POST` applies it to a blank row, a `PATCH` to a copy of the existing one, so both read every
//! field the same way, and a body refused halfway changes nothing that is kept.

use chrono::{DateTime, Utc};

use crate::model::recurrence::Recurrence;
use crate::model::session::{Shape, SimSession, writable_types};
use crate::rules::body::Fields;
use crate::rules::recurrence;
use crate::rules::respond::Refusal;

/// Applies the body's fields to the session, or answers what Zoom says of the first bad one.
/// Fields the simulator does not model are ignored, except `settings`, which it keeps whole.
pub(crate) fn apply(f: &Fields<'_>, s: &mut SimSession, now: DateTime<Utc>) -> Result<(), Refusal> {
    let old_type = s.session_type;
    if let Some(t) = f.integer("type")? {
        s.session_type = u8::try_from(t)
            .ok()
            .filter(|t| writable_types(s.kind).contains(t))
            .ok_or_else(|| f.invalid("type"))?;
    }
    if let Some(topic) = f.text("topic", 200)? {
        s.topic = topic.to_owned();
    }
    if let Some(agenda) = f.text("agenda", 2000)? {
        s.agenda = agenda.to_owned();
    }
    if let Some(duration) = f.integer_in("duration", 0..=i64::from(u32::MAX))? {
        s.duration = duration as u32;
    }
    if let Some(timezone) = f.string("timezone")? {
        s.timezone = timezone.to_owned();
    }
    if let Some(password) = f.text("password", 10)? {
        // Zoom's passcode characters (the `password` description): letters, digits and
        // `@ - _ * !`.
        if !password
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "@-_*!".contains(c))
        {
            return Err(f.invalid("password"));
        }
        s.password = password.to_owned();
    }
    let moved = f.time("start_time")?;
    if moved.is_some() {
        s.start_time = moved;
    }
    if let Some(settings) = f.object("settings")? {
        if let Some(approval) = settings.integer_in("approval_type", 0..=2)? {
            s.approval_type = approval as u8;
        }
        s.settings.extend(
            settings
                .map()
                .iter()
                .filter(|(key, _)| *key != "approval_type")
                .map(|(key, value)| (key.clone(), value.clone())),
        );
    }
    let shape = s.shape();
    match shape {
        Shape::Instant | Shape::NoFixedTime => {
            s.start_time = None;
            unschedule(s);
        }
        Shape::Single => {
            s.start_time.get_or_insert(now);
            unschedule(s);
        }
        Shape::Series => {
            let start = *s.start_time.get_or_insert(now);
            let replan = moved.is_some() || old_type != s.session_type;
            let rule = match f.object("recurrence")? {
                Some(given) => Some(recurrence::read(&given, start.date_naive())?),
                None => replan.then(|| current_rule(s, start)),
            };
            if let Some(rule) = rule {
                s.occurrences = rule.occurrences(start);
                s.recurrence = Some(rule.to_json());
                s.start_time = s.occurrences.first().copied().or(Some(start));
            }
        }
        Shape::Personal => {}
    }
    if !s.takes_registration() {
        s.approval_type = 2;
    }
    Ok(())
}

/// A session that is no series has no occurrences and shows no recurrence of its own.
fn unschedule(s: &mut SimSession) {
    s.occurrences.clear();
    s.recurrence = None;
}

/// The rule a series was planned by: the one the API set, or, for a generated series, the one
/// its `recurrence` is shown as.
fn current_rule(s: &SimSession, start: DateTime<Utc>) -> Recurrence {
    s.recurrence
        .as_ref()
        .and_then(|set| set.as_object())
        .and_then(|set| recurrence::read(&Fields::new(set), start.date_naive()).ok())
        .unwrap_or_else(|| Recurrence::weekly(start, s.occurrences.len()))
}
