//! One simulated meeting, the instances it was held as, and the shapes Zoom gives it: the
//! `GET /users/{userId}/meetings` item, the `GET /meetings/{meetingId}` object and the
//! `GET /past_meetings/{meetingId}` object (<https://developers.zoom.us/docs/api/meetings/>).
//!
//! Whether a meeting still exists is not stored but computed from its dates against the clock of
//! the request (Zoom's meeting ID lifetime, <https://support.zoom.us/hc/en-us/articles/201362373>),
//! so a running simulator sees meetings expire as real days pass, and a test can expire one by
//! moving its dates.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Map, Value, json};

use crate::model::recurrence::Recurrence;
use crate::model::registrant::SimRegistrant;
use crate::model::user::{SimUser, timestamp};

/// Listings cut `agenda` to this many characters; the single object has it all (as on Zoom).
pub const LISTED_AGENDA_CHARS: usize = 250;

/// What meeting and webinar objects share, listed and single alike.
pub(crate) struct SessionFields<'a> {
    pub uuid: &'a str,
    pub id: u64,
    pub host_id: &'a str,
    pub topic: &'a str,
    pub session_type: u8,
    /// `None` leaves `start_time` out, as Zoom does for sessions with no fixed time.
    pub start_time: Option<DateTime<Utc>>,
    pub duration: u32,
    pub timezone: &'a str,
    pub agenda: &'a str,
    pub created_at: DateTime<Utc>,
    pub join_url: String,
}

/// How a meeting or webinar recurs.
pub(crate) struct Schedule<'a> {
    /// A series with fixed times, whose `occurrences` are listed.
    pub fixed_series: bool,
    pub no_fixed_time: bool,
    pub occurrences: &'a [DateTime<Utc>],
    pub duration: u32,
    /// The `recurrence` the API set; without one it is derived from the occurrences.
    pub recurrence: Option<&'a Value>,
}

/// The single object's `occurrences`, `recurrence` and, when registration is on,
/// `registration_url`.
pub(crate) fn schedule_fields(
    o: &mut Map<String, Value>,
    schedule: Schedule<'_>,
    registration_url: Option<String>,
) {
    if schedule.fixed_series {
        o.insert(
            "occurrences".into(),
            occurrences_json(schedule.occurrences, schedule.duration),
        );
    }
    let recurrence = match schedule.recurrence {
        Some(set) => Some(set.clone()),
        None => recurrence_json(schedule.no_fixed_time, schedule.occurrences),
    };
    if let Some(recurrence) = recurrence {
        o.insert("recurrence".into(), recurrence);
    }
    if let Some(url) = registration_url {
        o.insert("registration_url".into(), json!(url));
    }
}

/// The single object's `settings`: the kind's defaults, what the API set over them, and the
/// registration setting, which the row keeps in its own field.
pub(crate) fn settings_json(defaults: Value, set: &Map<String, Value>, approval_type: u8) -> Value {
    let mut settings = match defaults {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    settings.extend(set.iter().map(|(k, v)| (k.clone(), v.clone())));
    settings.insert("approval_type".into(), json!(approval_type));
    Value::Object(settings)
}

/// The shared fields as JSON, the agenda cut to `agenda_chars` when given.
pub(crate) fn session_fields(
    s: SessionFields<'_>,
    agenda_chars: Option<usize>,
) -> Map<String, Value> {
    let mut o = Map::new();
    o.insert("uuid".into(), json!(s.uuid));
    o.insert("id".into(), json!(s.id));
    o.insert("host_id".into(), json!(s.host_id));
    o.insert("topic".into(), json!(s.topic));
    o.insert("type".into(), json!(s.session_type));
    if let Some(start) = s.start_time {
        o.insert("start_time".into(), json!(timestamp(start)));
    }
    o.insert("duration".into(), json!(s.duration));
    o.insert("timezone".into(), json!(s.timezone));
    if !s.agenda.is_empty() {
        o.insert("agenda".into(), json!(cut(s.agenda, agenda_chars)));
    }
    o.insert("created_at".into(), json!(timestamp(s.created_at)));
    o.insert("join_url".into(), json!(s.join_url));
    o
}

/// A scheduled meeting of the simulated account.
#[derive(Debug, Clone, PartialEq)]
pub struct SimMeeting {
    /// 11 digits; a PMI meeting (type 4) uses its host's 10-digit PMI.
    pub id: u64,
    /// 24-character base64; may begin with `/` or contain `//` (then clients double-encode it).
    pub uuid: String,
    pub host_id: String,
    pub topic: String,
    /// 1 instant, 2 one-off, 3 recurring without fixed time, 4 PMI (which the description of
    /// `type` lists and its enum in Zoom's schema leaves out), 8 recurring with fixed time.
    /// Instant ones come only from the API; listings leave out instant and PMI ones.
    pub meeting_type: u8,
    /// `None` for type 3. For type 8, the first occurrence.
    pub start_time: Option<DateTime<Utc>>,
    /// Minutes.
    pub duration: u32,
    pub timezone: String,
    /// Up to 2000 characters.
    pub agenda: String,
    pub created_at: DateTime<Utc>,
    pub password: String,
    /// 0 auto-approve, 1 manual approval, 2 no registration. Always 2 for types 1, 3 and 4,
    /// where Zoom does not allow registration.
    pub approval_type: u8,
    /// Start of each occurrence of a type 8 meeting; each lasts `duration`.
    pub occurrences: Vec<DateTime<Utc>>,
    /// The `recurrence` set through the API; `None` shows one derived from `occurrences`.
    pub recurrence: Option<Value>,
    /// Settings set through the API, shown over the defaults (`approval_type` aside).
    pub settings: Map<String, Value>,
    /// Only meaningful while registration is on.
    pub registrants: Vec<SimRegistrant>,
    /// The times it was held, oldest first; the last may still be running (`end_time: None`).
    pub instances: Vec<SimInstance>,
    /// Deleted on Zoom: gone from listings and `GET`, but its past instances still answer.
    pub deleted: bool,
}

/// One time a meeting was held, under its own UUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimInstance {
    pub uuid: String,
    pub start_time: DateTime<Utc>,
    /// `None` while it runs.
    pub end_time: Option<DateTime<Utc>>,
    pub participants_count: u32,
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

impl SimMeeting {
    pub fn has_registration(&self) -> bool {
        self.approval_type != 2
    }

    /// Whether listings show it: scheduled meetings only, never instant meetings (type 1), as
    /// the listing's description says, nor the host's PMI itself (type 4), which is no
    /// scheduled meeting: the listing's `type` documents 1, 2, 3 and 8 only (a meeting scheduled
    /// on the PMI shows its own type and a `pmi`). `GET` still answers for it.
    pub(crate) fn is_listed_kind(&self) -> bool {
        !matches!(self.meeting_type, 1 | 4)
    }

    fn is_one_off(&self) -> bool {
        matches!(self.meeting_type, 1 | 2)
    }

    /// When Zoom forgets the meeting ID: one-off meetings 30 days after their scheduled end or
    /// last use, whichever is later; recurring and PMI meetings 365 days after the last started
    /// occurrence, or after creation if never started.
    pub fn expires_at(&self) -> DateTime<Utc> {
        if self.is_one_off() {
            let scheduled_end = self.start_time.unwrap_or(self.created_at) + minutes(self.duration);
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
        } else {
            let last_start = self.instances.iter().map(|i| i.start_time).max();
            last_start.unwrap_or(self.created_at) + TimeDelta::days(365)
        }
    }

    /// Whether `GET /meetings/{meetingId}` and the listings still show it.
    pub fn exists_at(&self, now: DateTime<Utc>) -> bool {
        !self.deleted && now < self.expires_at()
    }

    pub fn is_live(&self) -> bool {
        self.instances.last().is_some_and(|i| i.end_time.is_none())
    }

    fn next_start(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self.meeting_type {
            8 => self.occurrences.iter().copied().find(|&t| t >= now),
            _ => self.start_time.filter(|&t| t >= now),
        }
    }

    /// Whether an existing meeting falls under the listing's `type`.
    pub fn matches(&self, list_type: MeetingListType, now: DateTime<Utc>) -> bool {
        // Meetings without a fixed time can be started whenever the host wants: always ahead.
        let no_fixed_time = matches!(self.meeting_type, 3 | 4);
        match list_type {
            MeetingListType::Scheduled => true,
            MeetingListType::Live => self.is_live(),
            MeetingListType::Upcoming | MeetingListType::UpcomingMeetings => {
                self.is_live() || no_fixed_time || self.next_start(now).is_some()
            }
            MeetingListType::PreviousMeetings => {
                self.instances.iter().any(|i| i.end_time.is_some())
                    || (!no_fixed_time && self.start_time.is_some_and(|t| t < now))
            }
        }
    }

    fn join_url(&self) -> String {
        format!("https://us05web.zoom.us/j/{}", self.id)
    }

    /// The item `GET /users/{userId}/meetings` lists.
    pub fn listing_json(&self) -> Value {
        Value::Object(self.common_fields(Some(LISTED_AGENDA_CHARS)))
    }

    fn common_fields(&self, agenda_chars: Option<usize>) -> Map<String, Value> {
        let mut o = session_fields(
            SessionFields {
                uuid: &self.uuid,
                id: self.id,
                host_id: &self.host_id,
                topic: &self.topic,
                session_type: self.meeting_type,
                start_time: self.start_time.filter(|_| self.meeting_type != 3),
                duration: self.duration,
                timezone: &self.timezone,
                agenda: &self.agenda,
                created_at: self.created_at,
                join_url: self.join_url(),
            },
            agenda_chars,
        );
        if self.meeting_type == 4 {
            // A string in Zoom's schema, unlike `id`.
            o.insert("pmi".into(), json!(self.id.to_string()));
        }
        o
    }

    /// The object `GET /meetings/{meetingId}` returns. `host_email` comes from the host.
    pub fn detail_json(&self, host_email: &str) -> Value {
        let mut o = self.common_fields(None);
        o.insert("host_email".into(), json!(host_email));
        let status = if self.is_live() { "started" } else { "waiting" };
        o.insert("status".into(), json!(status));
        o.insert(
            "start_url".into(),
            json!(format!("https://us05web.zoom.us/s/{}", self.id)),
        );
        o.insert("password".into(), json!(self.password));
        o.insert("h323_password".into(), json!(digits_of(&self.password)));
        o.insert("pre_schedule".into(), json!(false));
        schedule_fields(
            &mut o,
            Schedule {
                fixed_series: self.meeting_type == 8,
                no_fixed_time: self.meeting_type == 3,
                occurrences: &self.occurrences,
                duration: self.duration,
                recurrence: self.recurrence.as_ref(),
            },
            self.has_registration()
                .then(|| format!("https://us05web.zoom.us/meeting/register/{}", self.id)),
        );
        let defaults = json!({
            "host_video": true,
            "participant_video": false,
            "join_before_host": false,
            "jbh_time": 0,
            "mute_upon_entry": true,
            "watermark": false,
            "use_pmi": self.meeting_type == 4,
            "registration_type": 1,
            "audio": "both",
            "auto_recording": "none",
            "waiting_room": true,
            "meeting_authentication": false,
            "close_registration": false,
            "registrants_confirmation_email": true,
            "registrants_email_notification": true,
        });
        o.insert(
            "settings".into(),
            settings_json(defaults, &self.settings, self.approval_type),
        );
        Value::Object(o)
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

    pub(crate) fn past_json(&self, instance: &SimInstance, host: Option<&SimUser>) -> Value {
        let end = instance.end_time.unwrap_or(instance.start_time);
        let minutes = (end - instance.start_time).num_minutes().max(0);
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert("uuid".into(), json!(instance.uuid));
        o.insert("host_id".into(), json!(self.host_id));
        o.insert("topic".into(), json!(self.topic));
        o.insert("type".into(), json!(self.meeting_type));
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

/// The first `chars` characters (not bytes: agendas are often not ASCII).
pub(crate) fn cut(text: &str, chars: Option<usize>) -> String {
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
pub(crate) fn recurrence_json(no_fixed_time: bool, occurrences: &[DateTime<Utc>]) -> Option<Value> {
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

#[cfg(test)]
pub(crate) mod tests {
    use chrono::TimeZone;

    use super::*;

    pub(crate) fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, day, hour, 0, 0).unwrap()
    }

    pub(crate) fn meeting(meeting_type: u8) -> SimMeeting {
        SimMeeting {
            id: 85_746_065_432,
            uuid: "4444AAAiAAAAAiAiAiiAii==".into(),
            host_id: "KDcuGIm1QgePTO8WbOqwIQ".into(),
            topic: "Standup".into(),
            meeting_type,
            start_time: (meeting_type != 3).then(|| at(10, 9)),
            duration: 60,
            timezone: "Europe/Paris".into(),
            agenda: "a".repeat(300),
            created_at: at(1, 9),
            password: "aB3xYz".into(),
            approval_type: 2,
            occurrences: if meeting_type == 8 {
                vec![at(10, 9), at(17, 9), at(24, 9)]
            } else {
                vec![]
            },
            recurrence: None,
            settings: Map::new(),
            registrants: vec![],
            instances: vec![],
            deleted: false,
        }
    }

    fn held(start: DateTime<Utc>, hours: i64) -> SimInstance {
        SimInstance {
            uuid: "held+instance/uuid00000==".into(),
            start_time: start,
            end_time: Some(start + TimeDelta::hours(hours)),
            participants_count: 3,
        }
    }

    #[test]
    fn a_one_off_meeting_lasts_thirty_days_after_its_end_or_last_use() {
        let mut m = meeting(2);
        assert_eq!(m.expires_at(), at(10, 10) + TimeDelta::days(30));
        // Used again later: the clock starts from that use.
        m.instances.push(held(at(20, 8), 2));
        assert_eq!(m.expires_at(), at(20, 10) + TimeDelta::days(30));
        assert!(m.exists_at(at(20, 10) + TimeDelta::days(29)));
        assert!(!m.exists_at(at(20, 10) + TimeDelta::days(30)));
        m.deleted = true;
        assert!(!m.exists_at(at(21, 0)));
    }

    #[test]
    fn recurring_and_pmi_meetings_last_a_year_after_their_last_start() {
        for t in [3, 4, 8] {
            let mut m = meeting(t);
            assert_eq!(m.expires_at(), at(1, 9) + TimeDelta::days(365), "type {t}");
            m.instances.push(held(at(17, 9), 1));
            assert_eq!(m.expires_at(), at(17, 9) + TimeDelta::days(365), "type {t}");
        }
    }

    #[test]
    fn a_running_one_off_meeting_does_not_expire() {
        let mut m = meeting(2);
        m.instances.push(SimInstance {
            end_time: None,
            ..held(at(10, 9), 1)
        });
        assert!(m.is_live());
        assert!(m.exists_at(at(10, 9) + TimeDelta::days(400)));
    }

    #[test]
    fn list_types_split_upcoming_from_previous() {
        let m = meeting(2);
        assert!(m.matches(MeetingListType::Upcoming, at(9, 0)));
        assert!(!m.matches(MeetingListType::PreviousMeetings, at(9, 0)));
        assert!(!m.matches(MeetingListType::Upcoming, at(11, 0)));
        assert!(m.matches(MeetingListType::PreviousMeetings, at(11, 0)));
        assert!(!m.matches(MeetingListType::Live, at(11, 0)));
        let series = meeting(8);
        assert!(series.matches(MeetingListType::UpcomingMeetings, at(20, 0)));
        assert!(series.matches(MeetingListType::PreviousMeetings, at(20, 0)));
        assert!(meeting(3).matches(MeetingListType::Upcoming, at(30, 0)));
    }

    #[test]
    fn the_listing_cuts_the_agenda_and_the_detail_does_not() {
        let mut m = meeting(3);
        m.agenda = "é".repeat(300);
        let item = m.listing_json();
        assert_eq!(item["agenda"].as_str().unwrap().chars().count(), 250);
        assert!(item.get("start_time").is_none());
        assert!(item.get("pmi").is_none());
        let detail = m.detail_json("host@example.com");
        assert_eq!(detail["agenda"].as_str().unwrap().chars().count(), 300);
        assert_eq!(detail["recurrence"]["type"], 1);
        assert!(detail.get("registration_url").is_none());
        assert_eq!(detail["settings"]["approval_type"], 2);

        let mut series = meeting(8);
        series.approval_type = 0;
        let detail = series.detail_json("host@example.com");
        assert_eq!(detail["occurrences"].as_array().unwrap().len(), 3);
        assert_eq!(detail["recurrence"]["end_times"], 3);
        assert!(detail["registration_url"].is_string());
        assert_eq!(meeting(4).listing_json()["pmi"], "85746065432");
    }

    #[test]
    fn past_meetings_need_an_ended_instance_from_the_last_year() {
        let mut m = meeting(8);
        assert_eq!(m.latest_past(at(30, 0)), Err(PastRefusal::NeverEnded));
        m.instances.push(held(at(10, 9), 1));
        m.instances.push(held(at(17, 9), 2));
        let latest = m.latest_past(at(30, 0)).unwrap();
        assert_eq!(latest.start_time, at(17, 9));
        let past = m.past_json(latest, None);
        assert_eq!(past["duration"], 120);
        assert_eq!(past["total_minutes"], 360);
        assert_eq!(past["end_time"], "2026-03-17T11:00:00Z");
        assert_eq!(
            m.latest_past(at(17, 11) + TimeDelta::days(366)),
            Err(PastRefusal::OverAYearAgo)
        );
    }
}
