//! One simulated webinar and the shapes Zoom gives it: the `GET /users/{userId}/webinars` item
//! and the `GET /webinars/{webinarId}` object (<https://developers.zoom.us/docs/api/meetings/>).
//! Like meetings, whether it still exists is computed against the clock of the request.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Map, Value, json};

use crate::model::meeting::{
    LISTED_AGENDA_CHARS, Schedule, SessionFields, minutes, schedule_fields, session_fields,
    settings_json,
};
use crate::model::registrant::SimRegistrant;

#[derive(Debug, Clone, PartialEq)]
pub struct SimWebinar {
    /// 11 digits, from the same space as meeting ids.
    pub id: u64,
    pub uuid: String,
    pub host_id: String,
    pub topic: String,
    /// 5 webinar, 6 recurring without fixed time, 9 recurring with fixed time.
    pub webinar_type: u8,
    /// `None` for type 6. For type 9, the first occurrence.
    pub start_time: Option<DateTime<Utc>>,
    pub duration: u32,
    pub timezone: String,
    pub agenda: String,
    pub created_at: DateTime<Utc>,
    pub password: String,
    /// 0 auto-approve, 1 manual approval, 2 no registration.
    pub approval_type: u8,
    pub is_simulive: bool,
    /// Start of each occurrence of a type 9 webinar.
    pub occurrences: Vec<DateTime<Utc>>,
    /// The `recurrence` set through the API; `None` shows one derived from `occurrences`.
    pub recurrence: Option<Value>,
    /// Settings set through the API, shown over the defaults (`approval_type` aside).
    pub settings: Map<String, Value>,
    pub registrants: Vec<SimRegistrant>,
    pub deleted: bool,
}

impl SimWebinar {
    pub fn has_registration(&self) -> bool {
        self.approval_type != 2
    }

    /// Zoom deletes a webinar 90 days after its scheduled end (the last occurrence's, for a
    /// series); one without a fixed time 90 days after it was last changed, taken here as its
    /// creation.
    pub fn expires_at(&self) -> DateTime<Utc> {
        let end = match self.webinar_type {
            6 => self.created_at,
            9 => {
                self.occurrences
                    .last()
                    .copied()
                    .or(self.start_time)
                    .unwrap_or(self.created_at)
                    + minutes(self.duration)
            }
            _ => self.start_time.unwrap_or(self.created_at) + minutes(self.duration),
        };
        end + TimeDelta::days(90)
    }

    pub fn exists_at(&self, now: DateTime<Utc>) -> bool {
        !self.deleted && now < self.expires_at()
    }

    /// `type=upcoming`: still to come (a series with an occurrence ahead, or no fixed time).
    pub fn is_upcoming(&self, now: DateTime<Utc>) -> bool {
        match self.webinar_type {
            6 => true,
            9 => self.occurrences.iter().any(|&t| t >= now),
            _ => self.start_time.is_some_and(|t| t >= now),
        }
    }

    pub fn listing_json(&self) -> Value {
        let mut o = self.common_fields(Some(LISTED_AGENDA_CHARS));
        o.insert("is_simulive".into(), json!(self.is_simulive));
        Value::Object(o)
    }

    fn common_fields(&self, agenda_chars: Option<usize>) -> Map<String, Value> {
        session_fields(
            SessionFields {
                uuid: &self.uuid,
                id: self.id,
                host_id: &self.host_id,
                topic: &self.topic,
                session_type: self.webinar_type,
                start_time: self.start_time.filter(|_| self.webinar_type != 6),
                duration: self.duration,
                timezone: &self.timezone,
                agenda: &self.agenda,
                created_at: self.created_at,
                join_url: format!("https://us05web.zoom.us/j/{}", self.id),
            },
            agenda_chars,
        )
    }

    pub fn detail_json(&self, host_email: &str) -> Value {
        let mut o = self.common_fields(None);
        o.insert("host_email".into(), json!(host_email));
        o.insert(
            "start_url".into(),
            json!(format!("https://us05web.zoom.us/s/{}", self.id)),
        );
        o.insert("password".into(), json!(self.password));
        o.insert("is_simulive".into(), json!(self.is_simulive));
        schedule_fields(
            &mut o,
            Schedule {
                fixed_series: self.webinar_type == 9,
                no_fixed_time: self.webinar_type == 6,
                occurrences: &self.occurrences,
                duration: self.duration,
                recurrence: self.recurrence.as_ref(),
            },
            self.has_registration()
                .then(|| format!("https://us05web.zoom.us/webinar/register/{}", self.id)),
        );
        let defaults = json!({
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
        });
        o.insert(
            "settings".into(),
            settings_json(defaults, &self.settings, self.approval_type),
        );
        Value::Object(o)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::TimeZone;

    use super::*;

    pub(crate) fn webinar(webinar_type: u8) -> SimWebinar {
        let at = |d| Utc.with_ymd_and_hms(2026, 3, d, 15, 0, 0).unwrap();
        SimWebinar {
            id: 91_234_567_890,
            uuid: "m3WqMkvuRXyYqH+eKWhk9w==".into(),
            host_id: "KDcuGIm1QgePTO8WbOqwIQ".into(),
            topic: "Quarterly update".into(),
            webinar_type,
            start_time: (webinar_type != 6).then(|| at(10)),
            duration: 90,
            timezone: "America/Chicago".into(),
            agenda: String::new(),
            created_at: at(1),
            password: "w3bin4r".into(),
            approval_type: 0,
            is_simulive: false,
            occurrences: if webinar_type == 9 {
                vec![at(10), at(17)]
            } else {
                vec![]
            },
            recurrence: None,
            settings: Map::new(),
            registrants: vec![],
            deleted: false,
        }
    }

    #[test]
    fn webinars_expire_ninety_days_after_their_scheduled_end() {
        let w = webinar(5);
        let end = Utc.with_ymd_and_hms(2026, 3, 10, 16, 30, 0).unwrap();
        assert_eq!(w.expires_at(), end + TimeDelta::days(90));
        assert!(w.exists_at(end + TimeDelta::days(89)));
        assert!(!w.exists_at(end + TimeDelta::days(90)));
        let series = webinar(9);
        assert_eq!(
            series.expires_at(),
            end + TimeDelta::days(7) + TimeDelta::days(90)
        );
    }

    #[test]
    fn shapes_follow_the_registration_setting() {
        let w = webinar(5);
        let item = w.listing_json();
        assert_eq!(item["is_simulive"], false);
        assert!(item.get("agenda").is_none());
        let detail = w.detail_json("host@example.com");
        assert_eq!(detail["settings"]["approval_type"], 0);
        assert!(detail["registration_url"].is_string());
        let closed = SimWebinar {
            approval_type: 2,
            ..webinar(6)
        };
        let detail = closed.detail_json("host@example.com");
        assert!(detail.get("registration_url").is_none());
        assert!(detail.get("start_time").is_none());
    }
}
