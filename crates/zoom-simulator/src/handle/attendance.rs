//! Meetings and webinars as they are held, through [`SimHandle`]: participants join and leave
//! a running instance, and the instance ends. Each changes what the past-instances and
//! participants listings show, then sends its event (from within a Tokio runtime, when
//! webhooks are on) as Zoom's Meetings events reference documents it
//! (<https://developers.zoom.us/docs/api/meetings/events/>), with no operator and the time it
//! happened as `event_ts`:
//! - `meeting.participant_joined` / `webinar.participant_joined`: `payload.object` is the
//!   instance (`uuid`, `id` as a string, `host_id`, `topic`, `type`, `start_time`, `duration`,
//!   `timezone`) with the `participant`: `user_id`, `user_name`, `id`, `email`, `join_time`,
//!   and `registrant_id` for a registrant, as the participants listing later shows them;
//! - `meeting.participant_left` / `webinar.participant_left`: the same, `leave_time` in place
//!   of `join_time`;
//! - `meeting.ended` / `webinar.ended`: the instance, with its `end_time`.

use chrono::{DateTime, SubsecRound, Utc};
use serde_json::{Value, json};

use super::SimHandle;
use crate::model::participants::{SimJoin, event_participant};
use crate::model::session::{SimInstance, SimSession};
use crate::model::user::timestamp;
use crate::state::Inner;
use zoom_api::SessionKind;

impl SimHandle {
    /// A participant joins the running instance `id_or_uuid` names (the instance's UUID, or
    /// the meeting's or webinar's number for its running one) at `at`, to the second, and
    /// `*.participant_joined` is sent. With `again` `None` it is the instance's next
    /// participant (the host first, then the approved registrants, then guests); else the one
    /// with that `user_id`, who left, joining again under it. The event's `participant`, or
    /// `None` if there is no such running instance or `again` names nobody who left it.
    ///
    /// # Panics
    /// If `at` is before the instance started, or before the rejoining participant left.
    pub fn join_participant(
        &self,
        kind: SessionKind,
        id_or_uuid: &str,
        again: Option<&str>,
        at: DateTime<Utc>,
    ) -> Option<Value> {
        let at = at.trunc_subsecs(0);
        self.attend(kind, id_or_uuid, "participant_joined", at, |instance| {
            instance.join(again, at)
        })
    }

    /// The participant with `user_id` leaves the running instance `id_or_uuid` names at `at`,
    /// to the second, and `*.participant_left` is sent. The event's `participant`, or `None`
    /// if there is no such running instance or the participant is not in it.
    ///
    /// # Panics
    /// If `at` is before the participant joined.
    pub fn leave_participant(
        &self,
        kind: SessionKind,
        id_or_uuid: &str,
        user_id: &str,
        at: DateTime<Utc>,
    ) -> Option<Value> {
        let at = at.trunc_subsecs(0);
        self.attend(kind, id_or_uuid, "participant_left", at, |instance| {
            instance.leave(user_id, at)
        })
    }

    /// The running instance `id_or_uuid` names ends at `at`, to the second: everyone still in
    /// leaves with it (`*.participant_left` for each), then `meeting.ended` or `webinar.ended`
    /// is sent. From then on the past-instances listing shows it, and its participants listing
    /// its joins. The instance as it ended, or `None` if there is no such running instance.
    ///
    /// # Panics
    /// If `at` is before the instance started or before a join or leave of it.
    pub fn end_instance(
        &self,
        kind: SessionKind,
        id_or_uuid: &str,
        at: DateTime<Utc>,
    ) -> Option<SimInstance> {
        let at = at.trunc_subsecs(0);
        let mut inner = self.state.lock();
        let (session, mut instance) = running(&inner, kind, id_or_uuid)?;
        let left = instance.end(at);
        store(&mut inner, &session, &instance);
        self.send_attendance(&inner, &session, &instance, "participant_left", &left, at);
        let mut object = session.instance_event_json(&instance);
        object.insert("end_time".into(), json!(timestamp(at)));
        let event = format!("{}.ended", kind.as_str());
        (self.state.outbox).object_event(&event, Value::Object(object), at);
        Some(instance)
    }

    /// Changes the running instance with `change`, then sends `*.{action}` for the join it
    /// returns; the event's `participant`, or `None` when there was nothing to change.
    fn attend(
        &self,
        kind: SessionKind,
        id_or_uuid: &str,
        action: &str,
        at: DateTime<Utc>,
        change: impl FnOnce(&mut SimInstance) -> Option<SimJoin>,
    ) -> Option<Value> {
        let mut inner = self.state.lock();
        let (session, mut instance) = running(&inner, kind, id_or_uuid)?;
        let join = change(&mut instance)?;
        store(&mut inner, &session, &instance);
        self.send_attendance(&inner, &session, &instance, action, &[join], at)
    }

    /// `*.{action}` for each of `joins`, as of `at`; the last one's `participant`.
    fn send_attendance(
        &self,
        inner: &Inner,
        session: &SimSession,
        instance: &SimInstance,
        action: &str,
        joins: &[SimJoin],
        at: DateTime<Utc>,
    ) -> Option<Value> {
        let event = format!("{}.{action}", session.kind.as_str());
        let host = inner.host(&session.host_id);
        let mut last = None;
        for join in joins {
            let participant = event_participant(session, host, join);
            let mut object = session.instance_event_json(instance);
            object.insert("participant".into(), participant.clone());
            (self.state.outbox).object_event(&event, Value::Object(object), at);
            last = Some(participant);
        }
        last
    }
}

/// The session and the instance `id_or_uuid` names, if it is running: the instance with that
/// UUID, or else the session's latest.
fn running(
    inner: &Inner,
    kind: SessionKind,
    id_or_uuid: &str,
) -> Option<(SimSession, SimInstance)> {
    let session = inner.entities.sessions(kind).find(id_or_uuid)?;
    let instance = (session.instances.iter().find(|i| i.uuid == id_or_uuid))
        .or(session.instances.last())
        .filter(|i| i.end_time.is_none())?
        .clone();
    Some((session.clone(), instance))
}

/// Puts `instance`, changed, back in its session.
fn store(inner: &mut Inner, session: &SimSession, instance: &SimInstance) {
    inner
        .entities
        .sessions_mut(session.kind)
        .update(session.id, |s| {
            if let Some(slot) = s.instances.iter_mut().find(|i| i.uuid == instance.uuid) {
                *slot = instance.clone();
            }
        });
}
