//! Who joined an ended instance, as `GET /past_meetings/{uuid}/participants` (and the
//! webinar's) lists them: derived from the instance alone, so the same instance always lists
//! the same joins and nothing needs storing.
//!
//! An instance of `participants_count` participants lists the host (signed in: Zoom's `id` is
//! their user ID), then the session's approved registrants as they registered (guests: blank `id`,
//! their `registrant_id` and email), then guests with a blank `id` and email (Zoom hides a
//! guest's email unless they registered; the webinar listing leaves it out). The second participant left and rejoined, so is
//! listed twice, under one `user_id`. Zoom lists nothing for an instance with one participant
//! (<https://developers.zoom.us/docs/api/meetings/#tag/meetings/GET/past_meetings/{meetingId}/participants>).

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use crate::model::registrant::{RegistrantStatus, SimRegistrant};
use crate::model::session::{SimInstance, SimSession};
use crate::model::user::{SimUser, timestamp};
use zoom_api::SessionKind;

/// Zoom's per-meeting participant ids are numbers as strings, e.g. "16778240".
const FIRST_USER_ID: u64 = 16_778_240;

/// The joins of `instance` of `session`, in join order; `host` as the account has it now.
pub(crate) fn participants_json(
    session: &SimSession,
    instance: &SimInstance,
    host: Option<&SimUser>,
) -> Vec<Value> {
    let count = instance.participants_count as usize;
    if count < 2 {
        return Vec::new();
    }
    let start = instance.start_time;
    let end = instance.end_time.unwrap_or(start);
    let registrants: Vec<&SimRegistrant> = (session.registrants.iter())
        .filter(|r| r.status == RegistrantStatus::Approved)
        .collect();
    let mut joins = Vec::with_capacity(count + 1);
    for n in 0..count {
        let user_id = (FIRST_USER_ID + 1024 * n as u64).to_string();
        let who = match n {
            0 => Who::Host(host),
            _ => match registrants.get(n - 1) {
                Some(registrant) => Who::Registrant(registrant),
                None => Who::Guest(n),
            },
        };
        // Spread over the first minutes of the instance, leaving before its end.
        let join = start + TimeDelta::seconds((n % 11) as i64 * 45);
        let leave = (end - TimeDelta::seconds((n % 7) as i64 * 60)).max(join);
        if n == 1 && leave - join > TimeDelta::minutes(10) {
            let away = join + (leave - join) / 3;
            let back = away + TimeDelta::minutes(2);
            joins.push(join_json(&who, &user_id, join, away));
            joins.push(join_json(&who, &user_id, back, leave));
        } else {
            joins.push(join_json(&who, &user_id, join, leave));
        }
    }
    // The webinar listing documents `user_email` as an email: a guest's is left out there.
    if session.kind == SessionKind::Webinar {
        for join in &mut joins {
            if join["user_email"] == "" {
                join.as_object_mut().map(|o| o.remove("user_email"));
            }
        }
    }
    joins
}

enum Who<'a> {
    Host(Option<&'a SimUser>),
    Registrant(&'a SimRegistrant),
    Guest(usize),
}

fn join_json(who: &Who<'_>, user_id: &str, join: DateTime<Utc>, leave: DateTime<Utc>) -> Value {
    let (id, name, email, registrant_id, internal) = match who {
        Who::Host(host) => (
            host.map(|h| h.id.clone()).unwrap_or_default(),
            host.map(|h| h.display_name.clone()).unwrap_or_default(),
            host.map(|h| h.email.clone()).unwrap_or_default(),
            None,
            true,
        ),
        Who::Registrant(r) => (
            String::new(),
            format!("{} {}", r.first_name, r.last_name)
                .trim()
                .to_owned(),
            r.email.clone(),
            Some(r.id.clone()),
            false,
        ),
        Who::Guest(n) => (
            String::new(),
            format!("Guest {n}"),
            String::new(),
            None,
            false,
        ),
    };
    let mut o = json!({
        "id": id,
        "name": name,
        "user_id": user_id,
        "user_email": email,
        "join_time": timestamp(join),
        "leave_time": timestamp(leave),
        "duration": (leave - join).num_seconds(),
        "failover": false,
        "status": "in_meeting",
        "internal_user": internal,
    });
    if let Some(registrant_id) = registrant_id {
        o["registrant_id"] = json!(registrant_id);
    }
    o
}
