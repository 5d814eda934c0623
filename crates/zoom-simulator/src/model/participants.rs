//! Who joined an instance: as `GET /past_meetings/{uuid}/participants` (and the webinar's)
//! lists them once it ended, and as the participant events name them while it runs.
//!
//! An instance's participants are numbered in the order they first joined: the host (signed
//! in: Zoom's `id` is their user ID), then the session's approved registrants as they
//! registered (guests: blank `id`, their `registrant_id` and email), then guests with a blank
//! `id` and email (Zoom hides a guest's email unless they registered; the webinar listing leaves
//! it out). Each join session is one row: a participant who left and rejoined is listed twice,
//! under one `user_id`.
//!
//! The join sessions are the instance's [`SimJoin`]s, made as participants join and leave it
//! (`SimHandle::join_participant`); an instance nobody joined that way (every generated one)
//! derives them from itself alone, so it always lists the same joins and nothing needs storing:
//! its `participants_count` participants spread over its first minutes, the second leaving and
//! rejoining. Zoom lists nothing for an instance with one participant
//! (<https://developers.zoom.us/docs/api/meetings/#tag/meetings/GET/past_meetings/{meetingId}/participants>).

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use crate::model::registrant::{RegistrantStatus, SimRegistrant};
use crate::model::session::{SimInstance, SimSession};
use crate::model::user::{SimUser, timestamp};
use zoom_api::SessionKind;

/// Zoom's per-meeting participant ids are numbers as strings, e.g. "16778240".
const FIRST_USER_ID: u64 = 16_778_240;

/// One join session of an instance: its `participant`th participant (0 is the host) was in
/// from `join_time` until `leave_time` (`None` while still in).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimJoin {
    pub participant: u32,
    pub join_time: DateTime<Utc>,
    pub leave_time: Option<DateTime<Utc>>,
}

impl SimJoin {
    /// The ID Zoom gives the participant for this instance only: the listing's `user_id`, and
    /// the participant events'.
    pub fn user_id(&self) -> String {
        (FIRST_USER_ID + 1024 * u64::from(self.participant)).to_string()
    }

    fn closed(participant: u32, join: DateTime<Utc>, leave: DateTime<Utc>) -> SimJoin {
        SimJoin {
            participant,
            join_time: join,
            leave_time: Some(leave),
        }
    }
}

/// Joining, leaving and ending, as they happen to a running instance. Each panics on a time
/// out of order (a test's mistake must not pass as a quiet no-op).
impl SimInstance {
    /// With `again` `None`, the instance's next participant joins at `at`; else the one with
    /// that `user_id`, who left, joins again. The join, or `None` if `again` names nobody who
    /// left.
    pub(crate) fn join(&mut self, again: Option<&str>, at: DateTime<Utc>) -> Option<SimJoin> {
        assert!(at >= self.start_time, "a join at {at} before the start");
        let participant = match again {
            None => self.participants_joined(),
            Some(user_id) => {
                let last = self.latest_join(user_id)?;
                let left = last.leave_time?;
                assert!(
                    at >= left,
                    "{user_id} rejoins at {at}, before leaving at {left}"
                );
                last.participant
            }
        };
        let join = SimJoin {
            participant,
            join_time: at,
            leave_time: None,
        };
        self.joins.push(join.clone());
        self.participants_count = self.participants_joined();
        Some(join)
    }

    /// The participant with `user_id` leaves at `at`: their join session, closed, or `None`
    /// if they are not in.
    pub(crate) fn leave(&mut self, user_id: &str, at: DateTime<Utc>) -> Option<SimJoin> {
        let join = self
            .latest_join(user_id)
            .filter(|j| j.leave_time.is_none())?;
        assert!(
            at >= join.join_time,
            "{user_id} leaves at {at}, before joining"
        );
        join.leave_time = Some(at);
        Some(join.clone())
    }

    /// The instance ends at `at`, and everyone still in leaves with it: their join sessions,
    /// closed.
    pub(crate) fn end(&mut self, at: DateTime<Utc>) -> Vec<SimJoin> {
        let last = (self.joins.iter())
            .flat_map(|j| [Some(j.join_time), j.leave_time])
            .flatten()
            .fold(self.start_time, DateTime::max);
        assert!(at >= last, "an end at {at} before what happened at {last}");
        self.end_time = Some(at);
        (self.joins.iter_mut())
            .filter(|j| j.leave_time.is_none())
            .map(|j| {
                j.leave_time = Some(at);
                j.clone()
            })
            .collect()
    }

    fn latest_join(&mut self, user_id: &str) -> Option<&mut SimJoin> {
        self.joins.iter_mut().rev().find(|j| j.user_id() == user_id)
    }

    /// Participants are numbered as they first join.
    fn participants_joined(&self) -> u32 {
        self.joins
            .iter()
            .map(|j| j.participant + 1)
            .max()
            .unwrap_or(0)
    }
}

/// The joins of `instance` of `session`, in join order, as its participants listing shows
/// them; `host` as the account has it now. A join still open shows as leaving at the end.
pub(crate) fn participants_json(
    session: &SimSession,
    instance: &SimInstance,
    host: Option<&SimUser>,
) -> Vec<Value> {
    if instance.participants_count < 2 {
        return Vec::new();
    }
    let end = instance.end_time.unwrap_or(instance.start_time);
    let joins = match &instance.joins[..] {
        [] => derived_joins(instance, end),
        joins => joins.to_vec(),
    };
    let people = People::of(session, host);
    let rows = joins.iter().map(|join| {
        let who = people.identity(join.participant);
        let leave = join.leave_time.unwrap_or(end);
        let mut row = json!({
            "id": who.id,
            "name": who.name,
            "user_id": join.user_id(),
            "user_email": who.email,
            "join_time": timestamp(join.join_time),
            "leave_time": timestamp(leave),
            "duration": (leave - join.join_time).num_seconds(),
            "failover": false,
            "status": "in_meeting",
            "internal_user": who.internal,
        });
        if let Some(registrant_id) = who.registrant_id {
            row["registrant_id"] = json!(registrant_id);
        }
        // The webinar listing documents `user_email` as an email: a guest's is left out there.
        if session.kind == SessionKind::Webinar && row["user_email"] == "" {
            row.as_object_mut().map(|o| o.remove("user_email"));
        }
        row
    });
    rows.collect()
}

/// `payload.object.participant` of a participant event about `join`, as Zoom's Meetings
/// events reference names the fields (<https://developers.zoom.us/docs/api/meetings/events/>):
/// `user_id`, `user_name`, `id` (blank for guests, as in the listing), `email` (blank where
/// the listing hides it), `registrant_id` for a registrant, and `join_time` while the join is
/// open (the joined event) or `leave_time` once it closed (the left event).
pub(crate) fn event_participant(
    session: &SimSession,
    host: Option<&SimUser>,
    join: &SimJoin,
) -> Value {
    let who = People::of(session, host).identity(join.participant);
    let mut participant = json!({
        "user_id": join.user_id(),
        "user_name": who.name,
        "id": who.id,
        "email": who.email,
    });
    match join.leave_time {
        None => participant["join_time"] = json!(timestamp(join.join_time)),
        Some(leave) => participant["leave_time"] = json!(timestamp(leave)),
    }
    if let Some(registrant_id) = who.registrant_id {
        participant["registrant_id"] = json!(registrant_id);
    }
    participant
}

/// An instance nobody joined through the handle: `participants_count` participants spread
/// over its first minutes, each leaving before `end`; the second leaves and rejoins when in
/// long enough.
fn derived_joins(instance: &SimInstance, end: DateTime<Utc>) -> Vec<SimJoin> {
    let mut joins = Vec::with_capacity(instance.participants_count as usize + 1);
    for n in 0..instance.participants_count {
        let join = instance.start_time + TimeDelta::seconds(i64::from(n % 11) * 45);
        let leave = (end - TimeDelta::seconds(i64::from(n % 7) * 60)).max(join);
        if n == 1 && leave - join > TimeDelta::minutes(10) {
            let away = join + (leave - join) / 3;
            let back = away + TimeDelta::minutes(2);
            joins.push(SimJoin::closed(n, join, away));
            joins.push(SimJoin::closed(n, back, leave));
        } else {
            joins.push(SimJoin::closed(n, join, leave));
        }
    }
    joins
}

/// Who a session's participants are, by their number.
struct People<'a> {
    host: Option<&'a SimUser>,
    registrants: Vec<&'a SimRegistrant>,
}

/// What Zoom shows of one participant.
struct Identity {
    id: String,
    name: String,
    email: String,
    registrant_id: Option<String>,
    internal: bool,
}

impl<'a> People<'a> {
    fn of(session: &'a SimSession, host: Option<&'a SimUser>) -> People<'a> {
        let registrants = (session.registrants.iter())
            .filter(|r| r.status == RegistrantStatus::Approved)
            .collect();
        People { host, registrants }
    }

    fn identity(&self, participant: u32) -> Identity {
        let n = participant as usize;
        match (n, n.checked_sub(1).and_then(|i| self.registrants.get(i))) {
            (0, _) => Identity {
                id: self.host.map(|h| h.id.clone()).unwrap_or_default(),
                name: (self.host.map(|h| h.display_name.clone())).unwrap_or_default(),
                email: self.host.map(|h| h.email.clone()).unwrap_or_default(),
                registrant_id: None,
                internal: true,
            },
            (_, Some(registrant)) => Identity {
                id: String::new(),
                name: format!("{} {}", registrant.first_name, registrant.last_name)
                    .trim()
                    .to_owned(),
                email: registrant.email.clone(),
                registrant_id: Some(registrant.id.clone()),
                internal: false,
            },
            (_, None) => Identity {
                id: String::new(),
                name: format!("Guest {n}"),
                email: String::new(),
                registrant_id: None,
                internal: false,
            },
        }
    }
}
