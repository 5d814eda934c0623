//! Zoom Phone: whether the account has it, which users hold a licence, and each user's call
//! recordings as `GET /phone/users/{userId}/recordings` lists them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::model::recording::DateRange;
use crate::model::user::timestamp;

/// One recorded call of a user's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SimPhoneRecording {
    pub id: String,
    pub user_id: String,
    /// The user's own extension: the caller of an outbound call, the callee of an inbound one.
    pub extension: String,
    pub user_name: String,
    pub other_number: String,
    pub outbound: bool,
    pub date_time: DateTime<Utc>,
    /// Seconds.
    pub duration: u32,
}

impl SimPhoneRecording {
    fn call_id(&self) -> String {
        let digits: String = (self.id.bytes())
            .map(|b| char::from(b'0' + b % 10))
            .take(19)
            .collect();
        format!("7{}", &digits[1..])
    }

    /// The object in the listing and in phone.recording_completed, as Zoom's Phone reference
    /// shows it (callee number type 2: external).
    pub fn listing_json(&self) -> Value {
        let me = (self.user_name.as_str(), self.extension.as_str(), 1);
        let other = ("", self.other_number.as_str(), 2);
        let ((caller_name, caller_number, caller_type), (callee_name, callee_number, callee_type)) =
            if self.outbound {
                (me, other)
            } else {
                (other, me)
            };
        let log = format!("{}-{}", &self.id[..8], &self.id[8..]);
        json!({
            "id": self.id,
            "call_id": self.call_id(),
            "call_log_id": log,
            "call_history_id": format!("{}-{log}", self.date_time.format("%Y%m%d")),
            "caller_name": caller_name,
            "caller_number": caller_number,
            "caller_number_type": caller_type,
            "callee_name": callee_name,
            "callee_number": callee_number,
            "callee_number_type": callee_type,
            "outgoing_by": {"name": self.user_name, "extension_number": self.extension},
            "accepted_by": {"name": self.user_name, "extension_number": self.extension},
            "date_time": timestamp(self.date_time),
            "direction": if self.outbound { "outbound" } else { "inbound" },
            "download_url": format!("https://zoom.us/v2/phone/recording/download/{}", self.id),
            "transcript_download_url":
                format!("https://zoom.us/v2/phone/recording_transcript/download/{}", self.id),
            "duration": self.duration,
            "meeting_uuid": "",
        })
    }
}

/// The account's Zoom Phone.
#[derive(Debug, Default)]
pub(crate) struct Phone {
    /// Whether the account has Zoom Phone at all.
    pub enabled: bool,
    licensed: HashSet<String>,
    /// Each user's recordings, newest first.
    recordings: HashMap<String, Vec<SimPhoneRecording>>,
}

impl Phone {
    pub fn new(enabled: bool) -> Self {
        Phone {
            enabled,
            ..Phone::default()
        }
    }

    pub fn licensed(&self, user_id: &str) -> bool {
        self.licensed.contains(user_id)
    }

    pub fn set_licence(&mut self, user_id: &str, licensed: bool) {
        if licensed {
            self.licensed.insert(user_id.to_owned());
        } else {
            self.licensed.remove(user_id);
        }
    }

    pub fn add(&mut self, recording: SimPhoneRecording) {
        let listed = self
            .recordings
            .entry(recording.user_id.clone())
            .or_default();
        let at = listed.partition_point(|r| r.date_time >= recording.date_time);
        listed.insert(at, recording);
    }

    /// Removes a recording for good; `None` if there is none with that id.
    pub fn remove(&mut self, id: &str) -> Option<SimPhoneRecording> {
        self.recordings.values_mut().find_map(|listed| {
            let at = listed.iter().position(|r| r.id == id)?;
            Some(listed.remove(at))
        })
    }

    /// A user's recordings that began on the days of `range`, newest first.
    pub fn in_range(&self, user_id: &str, range: DateRange) -> Vec<&SimPhoneRecording> {
        let (start, end) = range.instants();
        (self.recordings.get(user_id).into_iter().flatten())
            .filter(|r| (start..end).contains(&r.date_time))
            .collect()
    }

    /// Every recording of a user, newest first.
    pub fn of(&self, user_id: &str) -> &[SimPhoneRecording] {
        self.recordings.get(user_id).map_or(&[], Vec::as_slice)
    }
}
