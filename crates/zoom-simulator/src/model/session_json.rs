//! The shapes Zoom gives a meeting or webinar (<https://developers.zoom.us/docs/api/meetings/>):
//! the item `GET /users/{userId}/meetings` (or `/webinars`) lists, the object
//! `GET /meetings/{meetingId}` (or `/webinars/{webinarId}`) returns, a meeting's
//! `GET /past_meetings/{meetingId}` object, and an instance as its events carry it.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use crate::model::recurrence::Recurrence;
use crate::model::session::{Shape, SimInstance, SimSession};
use crate::model::user::{SimUser, timestamp};
use zoom_api::SessionKind;

/// Listings cut `agenda` to this many characters; the single object has it all (as on Zoom).
pub const LISTED_AGENDA_CHARS: usize = 250;

impl SimSession {
    /// The item the host's listing shows.
    pub fn listing_json(&self) -> Value {
        let mut o = self.common_fields(Some(LISTED_AGENDA_CHARS));
        if self.kind == SessionKind::Webinar {
            o.insert("is_simulive".into(), json!(self.is_simulive));
        }
        Value::Object(o)
    }

    /// What listed and single objects share, the agenda cut to `agenda_chars` when given.
    fn common_fields(&self, agenda_chars: Option<usize>) -> Map<String, Value> {
        let mut o = Map::new();
        o.insert("uuid".into(), json!(self.uuid));
        o.insert("id".into(), json!(self.id));
        o.insert("host_id".into(), json!(self.host_id));
        o.insert("topic".into(), json!(self.topic));
        o.insert("type".into(), json!(self.session_type));
        // Left out, as Zoom does, for sessions with no fixed time.
        if let Some(start) = self
            .start_time
            .filter(|_| self.shape() != Shape::NoFixedTime)
        {
            o.insert("start_time".into(), json!(timestamp(start)));
        }
        o.insert("duration".into(), json!(self.duration));
        o.insert("timezone".into(), json!(self.timezone));
        if !self.agenda.is_empty() {
            o.insert("agenda".into(), json!(cut(&self.agenda, agenda_chars)));
        }
        o.insert("created_at".into(), json!(timestamp(self.created_at)));
        o.insert("join_url".into(), json!(self.join_url()));
        if self.shape() == Shape::Personal {
            // A string in Zoom's schema, unlike `id`.
            o.insert("pmi".into(), json!(self.id.to_string()));
        }
        o
    }

    /// The link that joins it, as its listing, its object and its invitation show it.
    pub fn join_url(&self) -> String {
        format!("https://us05web.zoom.us/j/{}", self.id)
    }

    /// The object `GET` returns for it. `host_email` comes from the host.
    pub fn detail_json(&self, host_email: &str) -> Value {
        let mut o = self.common_fields(None);
        o.insert("host_email".into(), json!(host_email));
        if self.kind == SessionKind::Meeting {
            let status = if self.is_live() { "started" } else { "waiting" };
            o.insert("status".into(), json!(status));
        }
        o.insert(
            "start_url".into(),
            json!(format!("https://us05web.zoom.us/s/{}", self.id)),
        );
        o.insert("password".into(), json!(self.password));
        match self.kind {
            SessionKind::Meeting => {
                o.insert("h323_password".into(), json!(digits_of(&self.password)));
                o.insert("pre_schedule".into(), json!(false));
            }
            SessionKind::Webinar => {
                o.insert("is_simulive".into(), json!(self.is_simulive));
            }
        }
        self.schedule_fields(&mut o);
        o.insert("settings".into(), self.settings_json());
        Value::Object(o)
    }

    /// The single object's `occurrences`, `recurrence` and, when registration is on,
    /// `registration_url`.
    fn schedule_fields(&self, o: &mut Map<String, Value>) {
        if self.shape() == Shape::Series {
            o.insert(
                "occurrences".into(),
                occurrences_json(&self.occurrences, self.duration),
            );
        }
        let recurrence = match &self.recurrence {
            Some(set) => Some(set.clone()),
            None => recurrence_json(self.shape() == Shape::NoFixedTime, &self.occurrences),
        };
        if let Some(recurrence) = recurrence {
            o.insert("recurrence".into(), recurrence);
        }
        if self.has_registration() {
            let url = format!(
                "https://us05web.zoom.us/{}/register/{}",
                self.kind.as_str(),
                self.id
            );
            o.insert("registration_url".into(), json!(url));
        }
    }

    /// The single object's `settings`: the kind's defaults, what the API set over them, and
    /// the registration setting, which the row keeps in its own field.
    fn settings_json(&self) -> Value {
        let defaults = match self.kind {
            SessionKind::Meeting => json!({
                "host_video": true,
                "participant_video": false,
                "join_before_host": false,
                "jbh_time": 0,
                "mute_upon_entry": true,
                "watermark": false,
                "use_pmi": self.shape() == Shape::Personal,
                "registration_type": 1,
                "audio": "both",
                "auto_recording": "none",
                "waiting_room": true,
                "meeting_authentication": false,
                "close_registration": false,
                "registrants_confirmation_email": true,
                "registrants_email_notification": true,
            }),
            SessionKind::Webinar => json!({
                "host_video": true,
                "panelists_video": true,
                "practice_session": false,
                "hd_video": false,
                "registration_type": 1,
                "audio": "both",
                "auto_recording": "none",
                "close_registration": false,
                "on_demand": false,
                "registrants_confirmation_email": true,
                "registrants_email_notification": true,
                "meeting_authentication": false,
            }),
        };
        let mut settings = match defaults {
            Value::Object(map) => map,
            _ => Map::new(),
        };
        settings.extend(self.settings.iter().map(|(k, v)| (k.clone(), v.clone())));
        settings.insert("approval_type".into(), json!(self.approval_type));
        Value::Object(settings)
    }

    /// A meeting's ended instance as `GET /past_meetings/{meetingId}` shows it.
    pub(crate) fn past_json(&self, instance: &SimInstance, host: Option<&SimUser>) -> Value {
        let end = instance.end_time.unwrap_or(instance.start_time);
        let minutes = (end - instance.start_time).num_minutes().max(0);
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert("uuid".into(), json!(instance.uuid));
        o.insert("host_id".into(), json!(self.host_id));
        o.insert("topic".into(), json!(self.topic));
        o.insert("type".into(), json!(self.session_type));
        o.insert("start_time".into(), json!(timestamp(instance.start_time)));
        o.insert("end_time".into(), json!(timestamp(end)));
        o.insert("duration".into(), json!(minutes));
        o.insert(
            "total_minutes".into(),
            json!(minutes * i64::from(instance.participants_count)),
        );
        o.insert(
            "participants_count".into(),
            json!(instance.participants_count),
        );
        if let Some(host) = host {
            o.insert("user_name".into(), json!(host.display_name));
            o.insert("user_email".into(), json!(host.email));
            if let Some(dept) = &host.dept {
                o.insert("dept".into(), json!(dept));
            }
        }
        o.insert("source".into(), json!("Zoom"));
        Value::Object(o)
    }

    /// What the events of a running or ended instance carry of it (Zoom's Meetings events
    /// reference: participant joined and left, meeting and webinar ended): the instance's
    /// `uuid` and `start_time`, the session's `id` (a string in these events, unlike
    /// `meeting.created`'s number), `host_id`, `topic`, `type`, scheduled `duration` and
    /// `timezone`.
    pub(crate) fn instance_event_json(&self, instance: &SimInstance) -> Map<String, Value> {
        let mut o = Map::new();
        o.insert("uuid".into(), json!(instance.uuid));
        o.insert("id".into(), json!(self.id.to_string()));
        o.insert("host_id".into(), json!(self.host_id));
        o.insert("topic".into(), json!(self.topic));
        o.insert("type".into(), json!(self.session_type));
        o.insert("start_time".into(), json!(timestamp(instance.start_time)));
        o.insert("duration".into(), json!(self.duration));
        o.insert("timezone".into(), json!(self.timezone));
        o
    }
}

/// The first `chars` characters (not bytes: agendas are often not ASCII).
fn cut(text: &str, chars: Option<usize>) -> String {
    match chars {
        Some(n) => text.chars().take(n).collect(),
        None => text.to_owned(),
    }
}

pub(crate) fn occurrences_json(starts: &[DateTime<Utc>], duration: u32) -> Value {
    starts
        .iter()
        .map(|t| {
            json!({
                "occurrence_id": t.timestamp_millis().to_string(),
                "start_time": timestamp(*t),
                "duration": duration,
                "status": "available",
            })
        })
        .collect()
}

/// Weekly on the first occurrence's weekday for fixed-time series; daily for those without a
/// fixed time, which Zoom keeps a recurrence for even though it never schedules them.
fn recurrence_json(no_fixed_time: bool, occurrences: &[DateTime<Utc>]) -> Option<Value> {
    if no_fixed_time {
        return Some(json!({ "type": 1, "repeat_interval": 1 }));
    }
    let first = occurrences.first()?;
    Some(Recurrence::weekly(*first, occurrences.len()).to_json())
}

fn digits_of(password: &str) -> String {
    password
        .bytes()
        .map(|b| char::from(b'0' + b % 10))
        .collect()
}
