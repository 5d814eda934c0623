//! [`SimHandle`]: how a test changes the simulated account and looks at what the simulator saw,
//! while the server runs.

mod attendance;
mod phone;

use std::sync::Arc;

use chrono::{NaiveDate, SubsecRound, TimeDelta, Utc};
use serde_json::Value;

use crate::generate::recordings;
use crate::model::entities::AccountSummary;
use crate::model::participants::participants_json;
use crate::model::recording::{DateRange, SimRecording, SimRecordingFile};
use crate::model::registrant::{RegistrantStatus, SimRegistrant};
use crate::model::session::{
    MeetingListType, SimInstance, SimMeeting, SimSession, SimWebinar, minutes,
};
use crate::model::user::{SimUser, UserStatus};
use crate::rules::faults::Fault;
use crate::state::SimState;
use crate::stats::SimStats;
use zoom_api::SessionKind;

mod chat;

#[derive(Clone)]
pub struct SimHandle {
    pub(crate) state: Arc<SimState>,
}

impl SimHandle {
    /// Exactly the items `GET /users?status=…` lists, in order, across all pages.
    ///
    /// # Panics
    /// If `status` is not `active`, `inactive` or `pending`: a typo in a test must not pass as
    /// an empty account.
    pub fn listed_users(&self, status: &str) -> Vec<Value> {
        let status =
            UserStatus::parse(status).unwrap_or_else(|| panic!("no such user status {status:?}"));
        listed(&self.state.lock().users, status)
    }

    /// Active, then inactive, then pending users: a full mirror's listing, taken at one instant.
    pub fn all_listed_users(&self) -> Vec<Value> {
        let inner = self.state.lock();
        UserStatus::ALL
            .into_iter()
            .flat_map(|status| listed(&inner.users, status))
            .collect()
    }

    /// The user with this id or email (in any case), whatever their status: what a test checks
    /// after `POST /users` or `PUT /users/{userId}/status`.
    pub fn user(&self, id_or_email: &str) -> Option<SimUser> {
        self.state.lock().user(id_or_email).cloned()
    }

    /// The user vanishes from Zoom (as after a delete or disassociate), with everything they
    /// hosted: meetings (past instances included), webinars, recordings and the webinar plan.
    pub fn remove_user(&self, id_or_email: &str) -> Option<SimUser> {
        let mut inner = self.state.lock();
        let index = inner.user_index(id_or_email)?;
        let user = inner.users.remove(index);
        inner.entities.remove_host(&user.id);
        Some(user)
    }

    /// Adds the user at the end of the listing, or replaces, in place, the user with the same
    /// id or email (emails are unique on Zoom).
    pub fn insert_user(&self, user: SimUser) {
        let mut inner = self.state.lock();
        let existing = inner
            .user_index(&user.id)
            .or_else(|| inner.user_index(&user.email));
        match existing {
            Some(index) => inner.users[index] = user,
            None => inner.users.push(user),
        }
    }

    /// Changes a user in place; `false` if there is no such user.
    pub fn update_user(&self, id_or_email: &str, f: impl FnOnce(&mut SimUser)) -> bool {
        let mut inner = self.state.lock();
        let Some(index) = inner.user_index(id_or_email) else {
            return false;
        };
        f(&mut inner.users[index]);
        true
    }

    pub fn inject(&self, fault: Fault) {
        self.state.lock().faults.inject(fault);
    }

    pub fn clear_faults(&self) {
        self.state.lock().faults.clear();
    }

    /// Every token issued so far becomes invalid (401, code 124 "Invalid access token.").
    pub fn revoke_tokens(&self) {
        self.state.lock().tokens.revoke_all();
    }

    /// The user's authorization of the app ends, as when the app is removed: its refresh token
    /// is refused ("Invalid Token!") and its access tokens are invalid.
    pub fn revoke_user_authorization(&self) {
        let mut inner = self.state.lock();
        for access in inner.grants.revoke_all() {
            inner.tokens.revoke(&access);
        }
    }

    /// The refresh token Zoom would honour now: what a test looks for where it must never be in
    /// clear.
    pub fn current_refresh_token(&self) -> Option<String> {
        self.state.lock().grants.current()
    }

    /// Refresh grants honoured so far: one per rotation of the refresh token.
    pub fn refreshes(&self) -> u64 {
        self.state.lock().grants.refreshes()
    }

    /// Every access token issued since the last revocation: what a test looks for in errors
    /// and logs, which must never show one.
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state.lock().tokens.issued()
    }

    /// Every outstanding `next_page_token` becomes expired (400, code 300).
    pub fn expire_page_tokens(&self) {
        self.state.lock().expire_page_tokens();
    }

    /// Exactly the items `GET /users/{user}/meetings?type=…` lists, across all pages, now;
    /// empty for an unknown user (whose listing answers 404).
    ///
    /// # Panics
    /// If `list_type` is not one of Zoom's.
    pub fn listed_meetings(&self, user: &str, list_type: &str) -> Vec<Value> {
        let list_type = MeetingListType::parse(list_type)
            .unwrap_or_else(|| panic!("no such meeting list type {list_type:?}"));
        let inner = self.state.lock();
        let Some(host) = inner.user(user) else {
            return Vec::new();
        };
        inner
            .entities
            .listed_meetings(&host.id, list_type, Utc::now())
            .into_iter()
            .map(SimMeeting::listing_json)
            .collect()
    }

    /// Exactly the items `GET /users/{user}/webinars?type=scheduled` lists, across all pages;
    /// empty for an unknown user or one without a webinar plan.
    pub fn listed_webinars(&self, user: &str) -> Vec<Value> {
        let inner = self.state.lock();
        let Some(host) = inner.user(user) else {
            return Vec::new();
        };
        inner
            .entities
            .listed_webinars(&host.id, false, Utc::now())
            .into_iter()
            .map(SimWebinar::listing_json)
            .collect()
    }

    /// Exactly the registrants `GET /{meetings|webinars}/{id}/registrants?status=…` lists,
    /// across all pages; empty when that call would not answer 200.
    ///
    /// # Panics
    /// If `status` is not `approved`, `pending` or `denied`.
    pub fn listed_registrants(
        &self,
        kind: SessionKind,
        id_or_uuid: &str,
        status: &str,
    ) -> Vec<Value> {
        let status = RegistrantStatus::parse(status)
            .unwrap_or_else(|| panic!("no such registrant status {status:?}"));
        let inner = self.state.lock();
        match inner.entities.existing(kind, id_or_uuid, Utc::now()) {
            Some(session) if session.has_registration() => session
                .registrants
                .iter()
                .filter(|r| r.status == status)
                .map(SimRegistrant::listing_json)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Exactly the recordings a listing with these `from`/`to` shows today (month cut and
    /// defaults applied), across all pages: one user's, or with `None` the account's.
    pub fn recordings_in(
        &self,
        user: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Vec<Value> {
        let inner = self.state.lock();
        let host = match user {
            Some(user) => match inner.user(user) {
                Some(host) => Some(host.id.as_str()),
                None => return Vec::new(),
            },
            None => None,
        };
        let range = DateRange::resolve(from, to, Utc::now().date_naive());
        inner
            .entities
            .recordings_in(host, range)
            .into_iter()
            .map(|r| r.listing_json(&self.state.credentials.account_id))
            .collect()
    }

    /// The meeting or webinar with this id, UUID or (a meeting's) instance UUID; deleted and
    /// expired ones included.
    pub fn session(&self, kind: SessionKind, id_or_uuid: &str) -> Option<SimSession> {
        self.state
            .lock()
            .entities
            .sessions(kind)
            .find(id_or_uuid)
            .cloned()
    }

    /// Adds the session at the end of its host's listing, or replaces the one with its id in
    /// place.
    pub fn insert_session(&self, session: SimSession) {
        let mut inner = self.state.lock();
        inner.entities.sessions_mut(session.kind).insert(session);
    }

    /// Changes a session in place; `false` if there is no such session.
    pub fn update_session(
        &self,
        kind: SessionKind,
        id_or_uuid: &str,
        f: impl FnOnce(&mut SimSession),
    ) -> bool {
        let mut inner = self.state.lock();
        let table = inner.entities.sessions_mut(kind);
        let Some(id) = table.find(id_or_uuid).map(|s| s.id) else {
            return false;
        };
        table.update(id, f)
    }

    /// Deletes the session as Zoom does: gone from listings and `GET` (3001), while a meeting's
    /// `GET /past_meetings` still shows its last instance. Returns it as it was.
    pub fn remove_session(&self, kind: SessionKind, id_or_uuid: &str) -> Option<SimSession> {
        let before = self.session(kind, id_or_uuid)?;
        self.update_session(kind, id_or_uuid, |s| s.deleted = true);
        Some(before)
    }

    /// Every join `GET /past_meetings/{uuid}/participants` (or the webinar's) lists for the
    /// ended instance `uuid`, all pages, whatever the plan; empty for an unknown instance.
    pub fn listed_participants(&self, kind: SessionKind, uuid: &str) -> Vec<Value> {
        let inner = self.state.lock();
        let Some(session) = inner.entities.sessions(kind).find(uuid) else {
            return Vec::new();
        };
        session
            .instances
            .iter()
            .find(|i| i.uuid == uuid && i.end_time.is_some())
            .map(|i| participants_json(session, i, inner.host(&session.host_id)))
            .unwrap_or_default()
    }

    /// [`SimHandle::session`] for a meeting.
    pub fn meeting(&self, id_or_uuid: &str) -> Option<SimMeeting> {
        self.session(SessionKind::Meeting, id_or_uuid)
    }

    /// The invitation `GET /meetings/{id}/invitation` answers for the meeting, whatever its
    /// host may do (`None` for an unknown meeting): `{"invitation", "sip_links"}`.
    pub fn meeting_invitation(&self, id: &str) -> Option<Value> {
        let inner = self.state.lock();
        let meeting = inner.entities.sessions(SessionKind::Meeting).find(id)?;
        Some(meeting.invitation_json(inner.host(&meeting.host_id)))
    }

    /// [`SimHandle::insert_session`] for a meeting.
    pub fn insert_meeting(&self, meeting: SimMeeting) {
        self.insert_session(meeting);
    }

    /// [`SimHandle::update_session`] for a meeting.
    pub fn update_meeting(&self, id_or_uuid: &str, f: impl FnOnce(&mut SimMeeting)) -> bool {
        self.update_session(SessionKind::Meeting, id_or_uuid, f)
    }

    /// [`SimHandle::remove_session`] for a meeting.
    pub fn remove_meeting(&self, id_or_uuid: &str) -> Option<SimMeeting> {
        self.remove_session(SessionKind::Meeting, id_or_uuid)
    }

    /// [`SimHandle::session`] for a webinar.
    pub fn webinar(&self, id_or_uuid: &str) -> Option<SimWebinar> {
        self.session(SessionKind::Webinar, id_or_uuid)
    }

    /// [`SimHandle::insert_session`] for a webinar.
    pub fn insert_webinar(&self, webinar: SimWebinar) {
        self.insert_session(webinar);
    }

    /// [`SimHandle::update_session`] for a webinar.
    pub fn update_webinar(&self, id_or_uuid: &str, f: impl FnOnce(&mut SimWebinar)) -> bool {
        self.update_session(SessionKind::Webinar, id_or_uuid, f)
    }

    /// [`SimHandle::remove_session`] for a webinar.
    pub fn remove_webinar(&self, id_or_uuid: &str) -> Option<SimWebinar> {
        self.remove_session(SessionKind::Webinar, id_or_uuid)
    }

    /// Moves all the meeting's dates back so that it has just expired: a one-off meeting's last
    /// use (or scheduled end) to 40 days ago; a recurring or PMI meeting's last start (or
    /// creation) to 400 days ago. `false` if there is no such meeting.
    pub fn expire_meeting(&self, id_or_uuid: &str) -> bool {
        let now = Utc::now();
        self.update_meeting(id_or_uuid, |m| {
            for i in &mut m.instances {
                i.end_time.get_or_insert(i.start_time + minutes(m.duration));
            }
            let (latest, back) = if matches!(m.session_type, 1 | 2) {
                let end = m.start_time.unwrap_or(m.created_at) + minutes(m.duration);
                let last_use = m.instances.iter().filter_map(|i| i.end_time).max();
                (end.max(last_use.unwrap_or(end)), TimeDelta::days(40))
            } else {
                let last_start = m.instances.iter().map(|i| i.start_time).max();
                (last_start.unwrap_or(m.created_at), TimeDelta::days(400))
            };
            let shift = (now - back) - latest;
            m.created_at += shift;
            m.start_time = m.start_time.map(|t| t + shift);
            for t in &mut m.occurrences {
                *t += shift;
            }
            for i in &mut m.instances {
                i.start_time += shift;
                i.end_time = i.end_time.map(|t| t + shift);
            }
        })
    }

    /// How many meetings or webinars the user hosts that exist now (neither deleted nor
    /// expired), instant meetings included; 0 for an unknown user.
    pub fn hosted_count(&self, kind: SessionKind, user: &str) -> usize {
        let now = Utc::now();
        let inner = self.state.lock();
        let Some(host) = inner.user(user) else {
            return 0;
        };
        inner
            .entities
            .sessions(kind)
            .hosted_by(&host.id)
            .filter(|s| s.exists_at(now))
            .count()
    }

    /// Gives or takes the user's webinar plan; `false` if there is no such user.
    pub fn set_webinar_plan(&self, user: &str, on: bool) -> bool {
        let mut inner = self.state.lock();
        let Some(id) = inner.user(user).map(|u| u.id.clone()) else {
            return false;
        };
        inner.entities.set_webinar_plan(&id, on);
        true
    }

    /// Every registrant of the meeting or webinar, whatever their status and whether or not its
    /// registration is on; `None` if there is no such meeting or webinar (deleted and expired
    /// ones included).
    pub fn registrants(&self, kind: SessionKind, id_or_uuid: &str) -> Option<Vec<SimRegistrant>> {
        self.session(kind, id_or_uuid).map(|s| s.registrants)
    }

    /// Adds the registrant to the meeting or webinar, or replaces the one with its id;
    /// `false` if there is no such meeting or webinar.
    pub fn insert_registrant(
        &self,
        kind: SessionKind,
        id_or_uuid: &str,
        registrant: SimRegistrant,
    ) -> bool {
        let put =
            |list: &mut Vec<SimRegistrant>| match list.iter_mut().find(|r| r.id == registrant.id) {
                Some(existing) => *existing = registrant,
                None => list.push(registrant),
            };
        self.update_session(kind, id_or_uuid, |s| put(&mut s.registrants))
    }

    /// Takes the registrant out (as after a cancel); `None` if not found.
    pub fn remove_registrant(
        &self,
        kind: SessionKind,
        id_or_uuid: &str,
        registrant_id: &str,
    ) -> Option<SimRegistrant> {
        let mut removed = None;
        let mut take = |list: &mut Vec<SimRegistrant>| {
            if let Some(i) = list.iter().position(|r| r.id == registrant_id) {
                removed = Some(list.remove(i));
            }
        };
        self.update_session(kind, id_or_uuid, |s| take(&mut s.registrants));
        removed
    }

    pub fn recording(&self, uuid: &str) -> Option<SimRecording> {
        self.state.lock().entities.recording(uuid).cloned()
    }

    /// Adds the recording, or replaces the one with its UUID.
    pub fn insert_recording(&self, recording: SimRecording) {
        self.state.lock().entities.insert_recording(recording);
    }

    pub fn update_recording(&self, uuid: &str, f: impl FnOnce(&mut SimRecording)) -> bool {
        self.state.lock().entities.update_recording(uuid, f)
    }

    /// The recording is deleted (gone from every listing).
    pub fn remove_recording(&self, uuid: &str) -> Option<SimRecording> {
        self.state.lock().entities.remove_recording(uuid)
    }

    /// The meeting or webinar (number or UUID) is held once more, ending now, and its cloud
    /// recording finishes as Zoom finishes one: a new instance that started its `duration`
    /// minutes ago (at least one), the recording of that instance, every file `completed`, in
    /// the listings of the day it started, and `recording.completed` sent (from within a Tokio
    /// runtime, when webhooks are on). The recording, or `None` if no such meeting or webinar
    /// exists now.
    pub fn finish_recording(&self, id_or_uuid: &str) -> Option<SimRecording> {
        let now = Utc::now().trunc_subsecs(0);
        let mut inner = self.state.lock();
        let session = [SessionKind::Meeting, SessionKind::Webinar]
            .into_iter()
            .find_map(|kind| inner.entities.existing(kind, id_or_uuid, now))?
            .clone();
        let (_, uuid) = inner.entities.unused_session_ids(&mut rand::rng());
        let duration = session.duration.max(1);
        let start = now - minutes(duration);
        let instance = SimInstance {
            uuid: uuid.clone(),
            start_time: start,
            end_time: Some(now),
            participants_count: 1,
            joins: Vec::new(),
        };
        let table = inner.entities.sessions_mut(session.kind);
        table.update(session.id, |s| s.instances.push(instance));
        let recording = recordings::held(&session, uuid, start, duration);
        inner.entities.insert_recording(recording.clone());
        let object = inner.recording_object(&recording, &self.state.credentials.account_id);
        self.state.outbox.recording_completed(object, now);
        Some(recording)
    }

    /// Whether the recording with this UUID is in the trash (listed only with `trash=true`).
    pub fn recording_trashed(&self, uuid: &str) -> bool {
        self.state.lock().entities.is_trashed(uuid)
    }

    /// One file of a recording is deleted; `None` if not found.
    pub fn remove_recording_file(&self, uuid: &str, file_id: &str) -> Option<SimRecordingFile> {
        let mut removed = None;
        self.update_recording(uuid, |r| {
            if let Some(i) = r.files.iter().position(|f| f.id == file_id) {
                removed = Some(r.files.remove(i));
            }
        });
        removed
    }

    /// Changes one file of a recording in place (e.g. finishes an in-progress one).
    pub fn update_recording_file(
        &self,
        uuid: &str,
        file_id: &str,
        f: impl FnOnce(&mut SimRecordingFile),
    ) -> bool {
        let mut found = false;
        self.update_recording(uuid, |r| {
            if let Some(file) = r.files.iter_mut().find(|file| file.id == file_id) {
                f(file);
                found = true;
            }
        });
        found
    }

    /// Counts of what the listings show now.
    pub fn account_summary(&self) -> AccountSummary {
        self.state.lock().entities.summary(Utc::now())
    }

    /// Changes how many meeting and webinar creates and updates each host may have per UTC
    /// day ([`SimulatorConfig::session_writes_per_host`]); what was counted today stays.
    ///
    /// [`SimulatorConfig::session_writes_per_host`]: crate::SimulatorConfig::session_writes_per_host
    pub fn set_session_writes_per_host(&self, cap: u32) {
        self.state.lock().user_limits.set_session_writes(cap);
    }

    /// Calls per label and per endpoint ([`SimStats::calls`]), counted as they arrive.
    pub fn stats(&self) -> SimStats {
        self.state.lock().stats.snapshot()
    }

    pub fn reset_stats(&self) {
        self.state.lock().stats.reset();
    }
}

fn listed(users: &[SimUser], status: UserStatus) -> Vec<Value> {
    users
        .iter()
        .filter(|u| u.status == status)
        .map(SimUser::listing_json)
        .collect()
}

impl std::fmt::Debug for SimHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimHandle").finish_non_exhaustive()
    }
}
