//! One simulated meeting or webinar: [`SimSession`], with a [`SessionKind`] for what Zoom does
//! differently with each (which types it takes, when it forgets one, what its objects show; see
//! `session_json`). Both keep the instances they were held as.
//!
//! Whether a session still exists is not stored but computed from its dates against the clock of
//! the request (Zoom's meeting ID lifetime, <https://support.zoom.us/hc/en-us/articles/201362373>),
//! so a running simulator sees sessions expire as real days pass, and a test can expire one by
//! moving its dates.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Map, Value};

use crate::model::ids;
use crate::model::participants::SimJoin;
use crate::model::registrant::SimRegistrant;
use crate::model::user::SimUser;
use zoom_api::SessionKind;

/// A scheduled meeting or webinar of the simulated account. The two share every field Zoom
/// shows of both; `is_simulive` is a webinar's only.
#[derive(Debug, Clone, PartialEq)]
pub struct SimSession {
    pub kind: SessionKind,
    /// 11 digits, from one space for meetings and webinars; a PMI meeting (type 4) uses its
    /// host's 10-digit PMI.
    pub id: u64,
    /// 24-character base64; may begin with `/` or contain `//` (then clients double-encode it).
    pub uuid: String,
    pub host_id: String,
    pub topic: String,
    /// Zoom's `type`. Meetings: 1 instant, 2 one-off, 3 recurring without fixed time, 4 PMI
    /// (which the description of `type` lists and its enum in Zoom's schema leaves out), 8
    /// recurring with fixed time; instant ones come only from the API, and listings leave out
    /// instant and PMI ones. Webinars: 5 webinar, 6 recurring without fixed time, 9 recurring
    /// with fixed time.
    pub session_type: u8,
    /// `None` without a fixed time. For a series, the first occurrence.
    pub start_time: Option<DateTime<Utc>>,
    /// Minutes.
    pub duration: u32,
    pub timezone: String,
    /// Up to 2000 characters.
    pub agenda: String,
    pub created_at: DateTime<Utc>,
    pub password: String,
    /// 0 auto-approve, 1 manual approval, 2 no registration. Always 2 for meetings of types 1,
    /// 3 and 4, where Zoom does not allow registration.
    pub approval_type: u8,
    /// A webinar's; always `false` for a meeting.
    pub is_simulive: bool,
    /// Start of each occurrence of a series; each lasts `duration`.
    pub occurrences: Vec<DateTime<Utc>>,
    /// The `recurrence` set through the API; `None` shows one derived from `occurrences`.
    pub recurrence: Option<Value>,
    /// Settings set through the API, shown over the defaults (`approval_type` aside).
    pub settings: Map<String, Value>,
    /// Only meaningful while registration is on.
    pub registrants: Vec<SimRegistrant>,
    /// The times it was held, oldest first; the last may still be running
    /// (`end_time: None`).
    pub instances: Vec<SimInstance>,
    /// Deleted on Zoom: gone from listings and `GET`, but a meeting's past instances still
    /// answer.
    pub deleted: bool,
}

/// The names the tests, benchmarks and demo know the two kinds by.
pub type SimMeeting = SimSession;
pub type SimWebinar = SimSession;

/// One time a meeting was held, under its own UUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimInstance {
    pub uuid: String,
    pub start_time: DateTime<Utc>,
    /// `None` while it runs.
    pub end_time: Option<DateTime<Utc>>,
    pub participants_count: u32,
    /// Its join sessions, in join order, once anyone joined it through the handle (then
    /// `participants_count` counts their participants); empty for one whose participants are
    /// derived from `participants_count` (see `model::participants`).
    pub joins: Vec<SimJoin>,
}

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

/// The `type` filter of `GET /users/{userId}/meetings`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MeetingListType {
    /// Every unexpired meeting, past, live and upcoming (the default).
    Scheduled,
    Live,
    /// Live meetings and meetings still to come; Zoom gives `upcoming_meetings` the same text.
    Upcoming,
    UpcomingMeetings,
    /// Meetings that were held or whose scheduled time has passed.
    PreviousMeetings,
}

impl MeetingListType {
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "scheduled" => MeetingListType::Scheduled,
            "live" => MeetingListType::Live,
            "upcoming" => MeetingListType::Upcoming,
            "upcoming_meetings" => MeetingListType::UpcomingMeetings,
            "previous_meetings" => MeetingListType::PreviousMeetings,
            _ => return None,
        })
    }
}

/// Why `GET /past_meetings/{meetingId}` has nothing to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PastRefusal {
    NeverEnded,
    OverAYearAgo,
}

/// The types a write may ask for of each kind; the first is the default.
pub(crate) fn writable_types(kind: SessionKind) -> &'static [u8] {
    match kind {
        SessionKind::Meeting => &[2, 1, 3, 8],
        SessionKind::Webinar => &[5, 6, 9],
    }
}

impl SimSession {
    /// What a create starts from, before its body applies: Zoom's defaults for the kind.
    pub(crate) fn blank(
        kind: SessionKind,
        id: u64,
        uuid: String,
        host: &SimUser,
        now: DateTime<Utc>,
    ) -> Self {
        let topic = match kind {
            SessionKind::Meeting => "Zoom Meeting",
            SessionKind::Webinar => "Zoom Webinar",
        };
        SimSession {
            kind,
            id,
            uuid,
            host_id: host.id.clone(),
            topic: topic.to_owned(),
            session_type: writable_types(kind)[0],
            start_time: None,
            duration: 60,
            timezone: host.timezone.clone().unwrap_or_else(|| "UTC".to_owned()),
            agenda: String::new(),
            created_at: now,
            password: ids::password(&mut rand::rng()),
            approval_type: 2,
            is_simulive: false,
            occurrences: Vec::new(),
            recurrence: None,
            settings: Map::new(),
            registrants: Vec::new(),
            instances: Vec::new(),
            deleted: false,
        }
    }

    pub(crate) fn shape(&self) -> Shape {
        match self.session_type {
            1 => Shape::Instant,
            3 | 6 => Shape::NoFixedTime,
            4 => Shape::Personal,
            8 | 9 => Shape::Series,
            _ => Shape::Single,
        }
    }

    /// Whether a session of its shape can take registrations: a meeting needs a scheduled time
    /// (none for instant, no-fixed-time or PMI meetings); a webinar always can.
    pub(crate) fn takes_registration(&self) -> bool {
        self.kind == SessionKind::Webinar || matches!(self.shape(), Shape::Single | Shape::Series)
    }

    pub fn has_registration(&self) -> bool {
        self.approval_type != 2
    }

    /// Whether listings show it: every webinar; of meetings, scheduled ones only, never instant
    /// meetings (type 1), as the listing's description says, nor the host's PMI itself (type
    /// 4), which is no scheduled meeting: the listing's `type` documents 1, 2, 3 and 8 only (a
    /// meeting scheduled on the PMI shows its own type and a `pmi`). `GET` still answers for it.
    pub(crate) fn is_listed_kind(&self) -> bool {
        !matches!(self.shape(), Shape::Instant | Shape::Personal)
    }

    /// When Zoom forgets the session. A one-off meeting 30 days after its scheduled end or last
    /// use, whichever is later; a recurring or PMI meeting 365 days after the last started
    /// occurrence, or after creation if never started. A webinar 90 days after its scheduled
    /// end (the last occurrence's, for a series); one without a fixed time 90 days after it was
    /// last changed, taken here as its creation.
    pub fn expires_at(&self) -> DateTime<Utc> {
        match (self.kind, self.shape()) {
            (SessionKind::Meeting, Shape::Instant | Shape::Single) => {
                let scheduled_end =
                    self.start_time.unwrap_or(self.created_at) + minutes(self.duration);
                let last_use = self
                    .instances
                    .iter()
                    .map(|i| i.end_time.unwrap_or(DateTime::<Utc>::MAX_UTC))
                    .max();
                let latest = scheduled_end.max(last_use.unwrap_or(scheduled_end));
                // A running instance never expires: its "end" is the end of time.
                latest
                    .checked_add_signed(TimeDelta::days(30))
                    .unwrap_or(DateTime::<Utc>::MAX_UTC)
            }
            (SessionKind::Meeting, _) => {
                let last_start = self.instances.iter().map(|i| i.start_time).max();
                last_start.unwrap_or(self.created_at) + TimeDelta::days(365)
            }
            (SessionKind::Webinar, shape) => {
                let end = match shape {
                    Shape::NoFixedTime => self.created_at,
                    Shape::Series => {
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
        }
    }

    /// Whether `GET` and the listings still show it.
    pub fn exists_at(&self, now: DateTime<Utc>) -> bool {
        !self.deleted && now < self.expires_at()
    }

    pub fn is_live(&self) -> bool {
        self.instances.last().is_some_and(|i| i.end_time.is_none())
    }

    /// The next start at or after `now`, if it has a fixed one.
    fn next_start(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.shape() {
            Shape::Series => self.occurrences.iter().copied().find(|&t| t >= now),
            _ => self.start_time.filter(|&t| t >= now),
        }
    }

    /// Sessions without a fixed time can be started whenever the host wants: always ahead.
    fn has_no_fixed_time(&self) -> bool {
        matches!(self.shape(), Shape::NoFixedTime | Shape::Personal)
    }

    /// Whether an existing meeting falls under the listing's `type`.
    pub fn matches(&self, list_type: MeetingListType, now: DateTime<Utc>) -> bool {
        match list_type {
            MeetingListType::Scheduled => true,
            MeetingListType::Live => self.is_live(),
            MeetingListType::Upcoming | MeetingListType::UpcomingMeetings => self.is_upcoming(now),
            MeetingListType::PreviousMeetings => {
                self.instances.iter().any(|i| i.end_time.is_some())
                    || (!self.has_no_fixed_time() && self.start_time.is_some_and(|t| t < now))
            }
        }
    }

    /// `type=upcoming`: running, or still to come (a series with an occurrence ahead, or no
    /// fixed time).
    pub fn is_upcoming(&self, now: DateTime<Utc>) -> bool {
        self.is_live() || self.has_no_fixed_time() || self.next_start(now).is_some()
    }

    /// The latest instance that ended, as `GET /past_meetings/{meetingId}` shows it, or why
    /// there is none.
    pub(crate) fn latest_past(&self, now: DateTime<Utc>) -> Result<&SimInstance, PastRefusal> {
        let latest = self
            .instances
            .iter()
            .filter(|i| i.end_time.is_some())
            .max_by_key(|i| i.start_time)
            .ok_or(PastRefusal::NeverEnded)?;
        past_instance_check(latest, now)
    }
}

/// An ended instance answers unless it ended more than a year ago (12702).
pub(crate) fn past_instance_check(
    instance: &SimInstance,
    now: DateTime<Utc>,
) -> Result<&SimInstance, PastRefusal> {
    match instance.end_time {
        None => Err(PastRefusal::NeverEnded),
        Some(end) if now - end > TimeDelta::days(365) => Err(PastRefusal::OverAYearAgo),
        Some(_) => Ok(instance),
    }
}

pub(crate) fn minutes(n: u32) -> TimeDelta {
    TimeDelta::minutes(i64::from(n))
}

#[cfg(test)]
pub(crate) mod tests;
