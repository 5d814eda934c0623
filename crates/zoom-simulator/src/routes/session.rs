//! What the write endpoints need of a meeting or a webinar, as one trait over both rows, so
//! that creating, changing and deleting them, and registering for them, is written once.

use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::model::entities::{Entities, Hosted, Table};
use crate::model::ids;
use crate::model::meeting::SimMeeting;
use crate::rules::refusals::meeting_not_found;
use crate::model::registrant::SimRegistrant;
use crate::rules::respond;
use crate::model::user::SimUser;
use crate::model::webinar::SimWebinar;
use crate::rules::refusals::webinar_not_found;
use zoom_api::SessionKind;

/// How a session type is scheduled, which decides what a write may set on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Meeting type 1: started now, no scheduled time.
    Instant,
    /// Meeting type 2, webinar type 5.
    Single,
    /// Meeting type 3, webinar type 6.
    NoFixedTime,
    /// Meeting type 8, webinar type 9: `occurrences` from a `recurrence`.
    Series,
    /// Meeting type 4: the host's PMI, which no write creates.
    Personal,
}

/// The fields the write endpoints change, borrowed from a meeting or a webinar.
pub(crate) struct SessionMut<'a> {
    pub topic: &'a mut String,
    pub session_type: &'a mut u8,
    pub start_time: &'a mut Option<DateTime<Utc>>,
    pub duration: &'a mut u32,
    pub timezone: &'a mut String,
    pub agenda: &'a mut String,
    pub password: &'a mut String,
    pub approval_type: &'a mut u8,
    pub occurrences: &'a mut Vec<DateTime<Utc>>,
    pub recurrence: &'a mut Option<Value>,
    pub settings: &'a mut Map<String, Value>,
    pub registrants: &'a mut Vec<SimRegistrant>,
    pub deleted: &'a mut bool,
}

pub(crate) trait SessionRow: Hosted + Clone {
    const KIND: SessionKind;
    /// The types a body may ask for; the first is the default.
    const TYPES: &'static [u8];

    fn table(entities: &Entities) -> &Table<Self>;
    fn table_mut(entities: &mut Entities) -> &mut Table<Self>;

    fn shape(session_type: u8) -> Shape;

    /// What a create starts from, before its body applies: Zoom's defaults for the kind.
    fn blank(id: u64, uuid: String, host: &SimUser, now: DateTime<Utc>) -> Self;

    fn fields(&mut self) -> SessionMut<'_>;

    fn exists_at(&self, now: DateTime<Utc>) -> bool;
    fn has_registration(&self) -> bool;
    fn registrants(&self) -> &[SimRegistrant];
    fn detail_json(&self, host_email: &str) -> Value;

    /// 404/3001 in the kind's words.
    fn not_found(key: &str) -> Response;

    /// Why Zoom refuses to delete it, if it does.
    fn undeletable(&self) -> Option<Response>;

    /// Whether a session of this shape can take registrations.
    fn takes_registration(shape: Shape) -> bool;
}

fn blank_fields(host: &SimUser) -> (String, String) {
    let timezone = host.timezone.clone().unwrap_or_else(|| "UTC".to_owned());
    (timezone, ids::password(&mut rand::rng()))
}

impl SessionRow for SimMeeting {
    const KIND: SessionKind = SessionKind::Meeting;
    const TYPES: &'static [u8] = &[2, 1, 3, 8];

    fn table(entities: &Entities) -> &Table<Self> {
        &entities.meetings
    }

    fn table_mut(entities: &mut Entities) -> &mut Table<Self> {
        &mut entities.meetings
    }

    fn shape(session_type: u8) -> Shape {
        match session_type {
            1 => Shape::Instant,
            3 => Shape::NoFixedTime,
            4 => Shape::Personal,
            8 => Shape::Series,
            _ => Shape::Single,
        }
    }

    fn blank(id: u64, uuid: String, host: &SimUser, now: DateTime<Utc>) -> Self {
        let (timezone, password) = blank_fields(host);
        SimMeeting {
            id,
            uuid,
            host_id: host.id.clone(),
            topic: "Zoom Meeting".to_owned(),
            meeting_type: 2,
            start_time: None,
            duration: 60,
            timezone,
            agenda: String::new(),
            created_at: now,
            password,
            approval_type: 2,
            occurrences: Vec::new(),
            recurrence: None,
            settings: Map::new(),
            registrants: Vec::new(),
            instances: Vec::new(),
            deleted: false,
        }
    }

    fn fields(&mut self) -> SessionMut<'_> {
        SessionMut {
            topic: &mut self.topic,
            session_type: &mut self.meeting_type,
            start_time: &mut self.start_time,
            duration: &mut self.duration,
            timezone: &mut self.timezone,
            agenda: &mut self.agenda,
            password: &mut self.password,
            approval_type: &mut self.approval_type,
            occurrences: &mut self.occurrences,
            recurrence: &mut self.recurrence,
            settings: &mut self.settings,
            registrants: &mut self.registrants,
            deleted: &mut self.deleted,
        }
    }

    fn exists_at(&self, now: DateTime<Utc>) -> bool {
        SimMeeting::exists_at(self, now)
    }

    fn has_registration(&self) -> bool {
        SimMeeting::has_registration(self)
    }

    fn registrants(&self) -> &[SimRegistrant] {
        &self.registrants
    }

    fn detail_json(&self, host_email: &str) -> Value {
        SimMeeting::detail_json(self, host_email)
    }

    fn not_found(key: &str) -> Response {
        meeting_not_found(key)
    }

    /// 3002 while it runs, 3018 for a PMI (Zoom's `meetingDelete`).
    fn undeletable(&self) -> Option<Response> {
        let (code, message) = if self.is_live() {
            (
                3002,
                "Sorry, you cannot delete this meeting since it is in progress.",
            )
        } else if self.meeting_type == 4 {
            (3018, "Not allowed to delete PMI.")
        } else {
            return None;
        };
        Some(respond::zoom_error(StatusCode::BAD_REQUEST, code, message))
    }

    /// Registration needs a scheduled time: none for instant, no-fixed-time or PMI meetings.
    fn takes_registration(shape: Shape) -> bool {
        matches!(shape, Shape::Single | Shape::Series)
    }
}

impl SessionRow for SimWebinar {
    const KIND: SessionKind = SessionKind::Webinar;
    const TYPES: &'static [u8] = &[5, 6, 9];

    fn table(entities: &Entities) -> &Table<Self> {
        &entities.webinars
    }

    fn table_mut(entities: &mut Entities) -> &mut Table<Self> {
        &mut entities.webinars
    }

    fn shape(session_type: u8) -> Shape {
        match session_type {
            6 => Shape::NoFixedTime,
            9 => Shape::Series,
            _ => Shape::Single,
        }
    }

    fn blank(id: u64, uuid: String, host: &SimUser, now: DateTime<Utc>) -> Self {
        let (timezone, password) = blank_fields(host);
        SimWebinar {
            id,
            uuid,
            host_id: host.id.clone(),
            topic: "Zoom Webinar".to_owned(),
            webinar_type: 5,
            start_time: None,
            duration: 60,
            timezone,
            agenda: String::new(),
            created_at: now,
            password,
            approval_type: 2,
            is_simulive: false,
            occurrences: Vec::new(),
            recurrence: None,
            settings: Map::new(),
            registrants: Vec::new(),
            deleted: false,
        }
    }

    fn fields(&mut self) -> SessionMut<'_> {
        SessionMut {
            topic: &mut self.topic,
            session_type: &mut self.webinar_type,
            start_time: &mut self.start_time,
            duration: &mut self.duration,
            timezone: &mut self.timezone,
            agenda: &mut self.agenda,
            password: &mut self.password,
            approval_type: &mut self.approval_type,
            occurrences: &mut self.occurrences,
            recurrence: &mut self.recurrence,
            settings: &mut self.settings,
            registrants: &mut self.registrants,
            deleted: &mut self.deleted,
        }
    }

    fn exists_at(&self, now: DateTime<Utc>) -> bool {
        SimWebinar::exists_at(self, now)
    }

    fn has_registration(&self) -> bool {
        SimWebinar::has_registration(self)
    }

    fn registrants(&self) -> &[SimRegistrant] {
        &self.registrants
    }

    fn detail_json(&self, host_email: &str) -> Value {
        SimWebinar::detail_json(self, host_email)
    }

    fn not_found(key: &str) -> Response {
        webinar_not_found(key)
    }

    /// Webinars here are never running, so nothing stops a delete.
    fn undeletable(&self) -> Option<Response> {
        None
    }

    fn takes_registration(_: Shape) -> bool {
        true
    }
}
