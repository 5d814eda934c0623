//! The meetings, webinars and recordings of the simulated account, indexed so that every call
//! touches only what it answers with: rows by id, by UUID (instance UUIDs too) and by host, and
//! recordings by start time and by meeting number. Nothing here scans the whole account except the summary for tests.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Utc};
use rand::Rng;

use crate::model::ids;
use crate::model::recording::{DateRange, SimRecording};
use crate::model::registrant::{RegistrantStatus, SimRegistrant};
use crate::model::session::{MeetingListType, SimSession};
use zoom_api::SessionKind;

/// Rows by id, with each host's rows in the order they were added (their listing order).
#[derive(Default)]
pub(crate) struct Table {
    rows: HashMap<u64, SimSession>,
    by_host: HashMap<String, Vec<u64>>,
    by_uuid: HashMap<String, u64>,
}

impl Table {
    /// By numeric id, or by UUID; deleted and expired rows included.
    pub fn find(&self, id_or_uuid: &str) -> Option<&SimSession> {
        let by_id = id_or_uuid
            .parse::<u64>()
            .ok()
            .and_then(|id| self.rows.get(&id));
        by_id.or_else(|| {
            self.by_uuid
                .get(id_or_uuid)
                .and_then(|id| self.rows.get(id))
        })
    }

    pub fn values(&self) -> impl Iterator<Item = &SimSession> {
        self.rows.values()
    }

    pub fn hosted_by<'a>(&'a self, host_id: &str) -> impl Iterator<Item = &'a SimSession> {
        self.by_host
            .get(host_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.rows.get(id))
    }

    /// Adds the row at the end of its host's listing, or replaces the row with its id in place.
    pub fn insert(&mut self, row: SimSession) {
        let id = row.id;
        if self.rows.contains_key(&id) {
            self.update(id, |old| *old = row);
            return;
        }
        self.by_host
            .entry(row.host_id.clone())
            .or_default()
            .push(id);
        for uuid in uuids(&row) {
            self.by_uuid.insert(uuid, id);
        }
        self.rows.insert(id, row);
    }

    /// Changes every row of one host (e.g. hands them to another).
    pub fn update_hosted_by(&mut self, host_id: &str, mut f: impl FnMut(&mut SimSession)) {
        for id in self.by_host.get(host_id).cloned().unwrap_or_default() {
            self.update(id, &mut f);
        }
    }

    /// Changes a row in place, keeping the indexes right whatever `f` changes; `false` if
    /// there is no such row.
    pub fn update(&mut self, id: u64, f: impl FnOnce(&mut SimSession)) -> bool {
        let Some(mut row) = self.rows.remove(&id) else {
            return false;
        };
        let old_host = row.host_id.clone();
        for uuid in uuids(&row) {
            self.by_uuid.remove(&uuid);
        }
        f(&mut row);
        let new_id = row.id;
        if new_id != id || row.host_id != old_host {
            self.unlist(&old_host, id);
            self.by_host
                .entry(row.host_id.clone())
                .or_default()
                .push(new_id);
        }
        for uuid in uuids(&row) {
            self.by_uuid.insert(uuid, new_id);
        }
        self.rows.insert(new_id, row);
        true
    }

    pub fn remove_host(&mut self, host_id: &str) {
        for id in self.by_host.remove(host_id).unwrap_or_default() {
            if let Some(row) = self.rows.remove(&id) {
                for uuid in uuids(&row) {
                    self.by_uuid.remove(&uuid);
                }
            }
        }
    }

    fn unlist(&mut self, host_id: &str, id: u64) {
        if let Some(ids) = self.by_host.get_mut(host_id) {
            ids.retain(|&other| other != id);
        }
    }
}

/// Every UUID that names the session: its own and its instances'.
fn uuids(row: &SimSession) -> Vec<String> {
    std::iter::once(row.uuid.clone())
        .chain(row.instances.iter().map(|i| i.uuid.clone()))
        .collect()
}

/// A recording's place in the time indexes.
type When = (DateTime<Utc>, String);

#[derive(Default)]
pub(crate) struct Entities {
    pub meetings: Table,
    pub webinars: Table,
    recordings: HashMap<String, SimRecording>,
    recordings_by_host: HashMap<String, BTreeSet<When>>,
    recordings_by_time: BTreeSet<When>,
    recordings_by_meeting: HashMap<u64, BTreeSet<When>>,
    /// UUIDs of the recordings in the trash: kept, but listed only with `trash=true`.
    trashed: HashSet<String>,
    /// Ids of the users with a webinar plan.
    webinar_plan: HashSet<String>,
}

impl Entities {
    pub fn sessions(&self, kind: SessionKind) -> &Table {
        match kind {
            SessionKind::Meeting => &self.meetings,
            SessionKind::Webinar => &self.webinars,
        }
    }

    pub fn sessions_mut(&mut self, kind: SessionKind) -> &mut Table {
        match kind {
            SessionKind::Meeting => &mut self.meetings,
            SessionKind::Webinar => &mut self.webinars,
        }
    }

    /// The session `key` names, if it exists now (neither deleted nor expired).
    pub fn existing(
        &self,
        kind: SessionKind,
        key: &str,
        now: DateTime<Utc>,
    ) -> Option<&SimSession> {
        self.sessions(kind).find(key).filter(|s| s.exists_at(now))
    }

    /// The meetings `GET /users/{userId}/meetings?type=…` lists, in order: scheduled ones only
    /// (see [`SimSession::is_listed_kind`]).
    pub fn listed_meetings(
        &self,
        host_id: &str,
        list_type: MeetingListType,
        now: DateTime<Utc>,
    ) -> Vec<&SimSession> {
        self.meetings
            .hosted_by(host_id)
            .filter(|m| m.is_listed_kind() && m.exists_at(now) && m.matches(list_type, now))
            .collect()
    }

    /// A number and a UUID no meeting or webinar uses (they share one id space on Zoom).
    pub fn unused_session_ids(&self, rng: &mut impl Rng) -> (u64, String) {
        let taken =
            |key: &str| self.meetings.find(key).is_some() || self.webinars.find(key).is_some();
        let number = std::iter::repeat_with(|| ids::session_number(rng))
            .find(|n| !taken(&n.to_string()))
            .unwrap_or_default();
        let uuid = std::iter::repeat_with(|| ids::uuid(rng))
            .find(|u| !taken(u))
            .unwrap_or_default();
        (number, uuid)
    }

    /// The webinars `GET /users/{userId}/webinars` lists, in order.
    pub fn listed_webinars(
        &self,
        host_id: &str,
        upcoming_only: bool,
        now: DateTime<Utc>,
    ) -> Vec<&SimSession> {
        self.webinars
            .hosted_by(host_id)
            .filter(|w| w.exists_at(now) && (!upcoming_only || w.is_upcoming(now)))
            .collect()
    }

    pub fn has_webinar_plan(&self, user_id: &str) -> bool {
        self.webinar_plan.contains(user_id)
    }

    pub fn set_webinar_plan(&mut self, user_id: &str, on: bool) {
        if on {
            self.webinar_plan.insert(user_id.to_owned());
        } else {
            self.webinar_plan.remove(user_id);
        }
    }

    pub fn recording(&self, uuid: &str) -> Option<&SimRecording> {
        self.recordings.get(uuid)
    }

    pub fn is_trashed(&self, uuid: &str) -> bool {
        self.trashed.contains(uuid)
    }

    /// Recordings out of the trash that started within `range`, newest first: one host's, or
    /// the account's.
    pub fn recordings_in(&self, host_id: Option<&str>, range: DateRange) -> Vec<&SimRecording> {
        self.recordings_where(host_id, range, false)
    }

    /// [`Entities::recordings_in`], of those in the trash or of those out of it.
    pub fn recordings_where(
        &self,
        host_id: Option<&str>,
        range: DateRange,
        in_trash: bool,
    ) -> Vec<&SimRecording> {
        let (start, end) = range.instants();
        let bounds = (start, String::new())..(end, String::new());
        let index = match host_id {
            Some(host) => match self.recordings_by_host.get(host) {
                Some(index) => index,
                None => return Vec::new(),
            },
            None => &self.recordings_by_time,
        };
        index
            .range(bounds)
            .rev()
            .filter(|(_, uuid)| self.is_trashed(uuid) == in_trash)
            .filter_map(|(_, uuid)| self.recordings.get(uuid))
            .collect()
    }

    /// The recording `key` names, if `wanted` (whether it is in the trash) takes it: the one
    /// with that UUID, or for a meeting or webinar number its latest such instance, as Zoom's
    /// recording calls read their `{meetingId}`.
    pub fn recording_named(
        &self,
        key: &str,
        wanted: impl Fn(bool) -> bool,
    ) -> Option<&SimRecording> {
        let uuid = match key.parse::<u64>() {
            Ok(number) => self
                .recordings_by_meeting
                .get(&number)?
                .iter()
                .rev()
                .map(|(_, uuid)| uuid.as_str())
                .find(|uuid| wanted(self.is_trashed(uuid)))?,
            Err(_) => key,
        };
        self.recordings
            .get(uuid)
            .filter(|r| wanted(self.is_trashed(&r.uuid)))
    }

    /// Moves the recording into the trash, or out of it; `false` if there is no such recording.
    pub fn set_trashed(&mut self, uuid: &str, trashed: bool) -> bool {
        if !self.recordings.contains_key(uuid) {
            return false;
        }
        if trashed {
            self.trashed.insert(uuid.to_owned());
        } else {
            self.trashed.remove(uuid);
        }
        true
    }

    /// Adds the recording, or replaces the one with its UUID.
    pub fn insert_recording(&mut self, recording: SimRecording) {
        self.remove_recording(&recording.uuid);
        let when = (recording.start_time, recording.uuid.clone());
        self.recordings_by_host
            .entry(recording.host_id.clone())
            .or_default()
            .insert(when.clone());
        self.recordings_by_meeting
            .entry(recording.meeting_id)
            .or_default()
            .insert(when.clone());
        self.recordings_by_time.insert(when);
        self.recordings.insert(recording.uuid.clone(), recording);
    }

    /// Gone for good, from the trash too.
    pub fn remove_recording(&mut self, uuid: &str) -> Option<SimRecording> {
        let recording = self.recordings.remove(uuid)?;
        let when = (recording.start_time, recording.uuid.clone());
        if let Some(index) = self.recordings_by_host.get_mut(&recording.host_id) {
            index.remove(&when);
        }
        if let Some(index) = self.recordings_by_meeting.get_mut(&recording.meeting_id) {
            index.remove(&when);
        }
        self.recordings_by_time.remove(&when);
        self.trashed.remove(uuid);
        Some(recording)
    }

    /// Changes the recording in place, in the trash or out of it as it was.
    pub fn update_recording(&mut self, uuid: &str, f: impl FnOnce(&mut SimRecording)) -> bool {
        let trashed = self.is_trashed(uuid);
        let Some(mut recording) = self.remove_recording(uuid) else {
            return false;
        };
        f(&mut recording);
        let uuid = recording.uuid.clone();
        self.insert_recording(recording);
        self.set_trashed(&uuid, trashed);
        true
    }

    /// Hands what one user hosts to another, as `DELETE /users/{userId}` does with its
    /// `transfer_*` options.
    pub fn transfer(&mut self, from: &str, to: &str, what: Transfer) {
        if what.meetings {
            self.meetings
                .update_hosted_by(from, |m| m.host_id = to.to_owned());
        }
        if what.webinars {
            self.webinars
                .update_hosted_by(from, |w| w.host_id = to.to_owned());
        }
        if what.recordings {
            let uuids: Vec<String> = self
                .recordings_by_host
                .get(from)
                .into_iter()
                .flatten()
                .map(|(_, uuid)| uuid.clone())
                .collect();
            for uuid in uuids {
                self.update_recording(&uuid, |r| r.host_id = to.to_owned());
            }
        }
    }

    /// Everything the user hosted goes with them, as when Zoom deletes a user.
    pub fn remove_host(&mut self, host_id: &str) {
        self.meetings.remove_host(host_id);
        self.webinars.remove_host(host_id);
        self.webinar_plan.remove(host_id);
        for (_, uuid) in self.recordings_by_host.remove(host_id).unwrap_or_default() {
            self.remove_recording(&uuid);
        }
    }

    pub fn summary(&self, now: DateTime<Utc>) -> AccountSummary {
        let mut s = AccountSummary::default();
        for m in self
            .meetings
            .values()
            .filter(|m| m.is_listed_kind() && m.exists_at(now))
        {
            s.meetings += 1;
            if m.has_registration() {
                s.meetings_with_registration += 1;
                s.meeting_registrants.add(&m.registrants);
            }
        }
        for w in self.webinars.values().filter(|w| w.exists_at(now)) {
            s.webinars += 1;
            if w.has_registration() {
                s.webinars_with_registration += 1;
                s.webinar_registrants.add(&w.registrants);
            }
        }
        s.webinar_hosts = self.webinar_plan.len();
        let listed = || {
            self.recordings
                .values()
                .filter(|r| !self.is_trashed(&r.uuid))
        };
        s.recordings = listed().count();
        s.recording_files = listed().map(|r| r.files.len()).sum();
        s
    }
}

/// Which of a user's things [`Entities::transfer`] hands over.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Transfer {
    pub meetings: bool,
    pub webinars: bool,
    pub recordings: bool,
}

/// What the listings show right now, for tests and benchmarks to size their expectations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountSummary {
    /// Meetings that exist (not deleted, not expired) of the kinds the listings show.
    pub meetings: usize,
    pub meetings_with_registration: usize,
    /// Registrants of existing meetings with registration on.
    pub meeting_registrants: RegistrantCounts,
    pub webinars: usize,
    pub webinars_with_registration: usize,
    pub webinar_registrants: RegistrantCounts,
    /// Users with a webinar plan.
    pub webinar_hosts: usize,
    /// Recordings out of the trash, and their files.
    pub recordings: usize,
    pub recording_files: usize,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegistrantCounts {
    pub approved: usize,
    pub pending: usize,
    pub denied: usize,
}

impl RegistrantCounts {
    fn add(&mut self, registrants: &[SimRegistrant]) {
        for r in registrants {
            match r.status {
                RegistrantStatus::Approved => self.approved += 1,
                RegistrantStatus::Pending => self.pending += 1,
                RegistrantStatus::Denied => self.denied += 1,
            }
        }
    }

    pub fn total(&self) -> usize {
        self.approved + self.pending + self.denied
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::session::SimInstance;
    use crate::model::session::tests::{at, meeting};

    #[test]
    fn rows_are_found_by_id_uuid_and_instance_uuid_after_changes() {
        let mut table = Table::default();
        let m = meeting(2);
        table.insert(m.clone());
        assert!(table.find("85746065432").is_some());
        assert!(table.find("4444AAAiAAAAAiAiAiiAii==").is_some());
        assert!(table.find("nope").is_none());

        assert!(table.update(m.id, |m| {
            m.uuid = "/moved//uuid0000000000==".into();
            m.instances.push(SimInstance {
                uuid: "instance".into(),
                start_time: at(10, 9),
                end_time: None,
                participants_count: 1,
                joins: Vec::new(),
            });
            m.host_id = "someone-else".into();
        }));
        assert!(table.find("4444AAAiAAAAAiAiAiiAii==").is_none());
        assert!(table.find("/moved//uuid0000000000==").is_some());
        assert_eq!(table.find("instance").map(|m| m.id), Some(m.id));
        assert_eq!(table.hosted_by(&m.host_id).count(), 0);
        assert_eq!(table.hosted_by("someone-else").count(), 1);

        let second = SimSession {
            id: 1,
            uuid: "second".into(),
            host_id: "someone-else".into(),
            ..meeting(2)
        };
        table.insert(second);
        // Replacing keeps the listing position.
        table.insert(SimSession {
            topic: "renamed".into(),
            ..table.find("85746065432").unwrap().clone()
        });
        let order: Vec<u64> = table.hosted_by("someone-else").map(|m| m.id).collect();
        assert_eq!(order, [m.id, 1]);
        table.remove_host("someone-else");
        assert_eq!(table.values().count(), 0);
    }
}
