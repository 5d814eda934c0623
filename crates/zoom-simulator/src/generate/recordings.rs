//! The generated cloud recordings and their files.

use chrono::{DateTime, TimeDelta, Utc};
use rand::RngExt;
use rand::seq::IndexedRandom;

use crate::generate::generator::Generator;
use crate::generate::pools;
use crate::model::entities::Entities;
use crate::model::ids::dashed_uuid;
use crate::model::recording::{SimRecording, SimRecordingFile};
use crate::model::session::{SimInstance, SimMeeting, SimSession};
use crate::model::user::SimUser;
use zoom_api::SessionKind;

/// The finished recording of the meeting or webinar instance `uuid`, held from `start` for
/// `duration` minutes, built as the generated ones are (files, sizes, URLs), from an unseeded RNG.
pub(crate) fn held(
    session: &SimSession,
    uuid: String,
    start: DateTime<Utc>,
    duration: u32,
) -> SimRecording {
    let mut g = Generator::unseeded(start);
    SimRecording {
        files: g.files(start, duration, false),
        share_url: g.share_url(),
        uuid,
        meeting_id: session.id,
        host_id: session.host_id.clone(),
        topic: session.topic.clone(),
        meeting_type: session.session_type,
        start_time: start,
        duration,
    }
}

/// Recordings are spread over this many days back from the anchor.
pub(super) const RECORDING_DAYS: i64 = 200;

/// When a generated recording started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RecordingAge {
    /// An hour ago, and still being recorded.
    InProgress,
    /// 190 days ago: older than the default backfill.
    Old,
    /// At some minute between an hour and this many days before the anchor.
    Within(i64),
}

impl Generator {
    /// Adds a recording of `host`'s and the meeting instance it recorded. In Zoom a cloud
    /// recording is of an instance that was held, so its UUID answers
    /// `GET /past_meetings/{meetingId}/participants` once it ended
    /// (<https://developers.zoom.us/docs/api/meetings/#tag/meetings/GET/past_meetings/{meetingId}/participants>).
    /// The meeting is deleted since: no listing shows it, which keeps the account's meetings what
    /// the spec asks, while its past instance still answers, as Zoom's do.
    pub(super) fn add_recording(&mut self, host: &SimUser, age: RecordingAge, into: &mut Entities) {
        let recording = self.recording(host, age);
        let meeting = self.recorded_meeting(&recording, age != RecordingAge::InProgress);
        into.meetings.insert(meeting);
        into.insert_recording(recording);
    }

    /// The deleted meeting whose one instance `recording` recorded; a recording still in
    /// progress is of an instance still running.
    fn recorded_meeting(&mut self, recording: &SimRecording, ended: bool) -> SimMeeting {
        let start = recording.start_time;
        let duration = TimeDelta::minutes(i64::from(recording.duration));
        SimSession {
            kind: SessionKind::Meeting,
            id: recording.meeting_id,
            uuid: recording.uuid.clone(),
            host_id: recording.host_id.clone(),
            topic: recording.topic.clone(),
            session_type: recording.meeting_type,
            start_time: Some(start),
            duration: recording.duration,
            timezone: "UTC".to_owned(),
            agenda: String::new(),
            created_at: start,
            password: String::new(),
            approval_type: 2,
            is_simulive: false,
            occurrences: Vec::new(),
            recurrence: None,
            settings: serde_json::Map::new(),
            registrants: Vec::new(),
            instances: vec![SimInstance {
                uuid: recording.uuid.clone(),
                start_time: start,
                end_time: ended.then_some(start + duration),
                participants_count: self.rng.random_range(1..40),
                joins: Vec::new(),
            }],
            deleted: true,
        }
    }

    fn recording(&mut self, host: &SimUser, age: RecordingAge) -> SimRecording {
        let in_progress = age == RecordingAge::InProgress;
        let start_time = match age {
            RecordingAge::InProgress => self.anchor - TimeDelta::hours(1),
            RecordingAge::Old => self.anchor - TimeDelta::days(190) + TimeDelta::hours(10),
            RecordingAge::Within(days) => {
                self.anchor - TimeDelta::minutes(self.rng.random_range(60..days * 24 * 60))
            }
        };
        let duration: u32 = self.rng.random_range(5..120);
        let files = self.files(start_time, duration, in_progress);
        SimRecording {
            share_url: self.share_url(),
            uuid: self.uuid(),
            meeting_id: self.number(),
            host_id: host.id.clone(),
            topic: self.pick(pools::TOPICS),
            meeting_type: *[2u8, 2, 2, 8, 3, 4].choose(&mut self.rng).unwrap_or(&2),
            start_time,
            duration,
            files,
        }
    }

    /// The files of a recording that started at `start` and lasted `duration` minutes: video
    /// and audio, sometimes a transcript and a chat, and while `in_progress` one more still
    /// being processed.
    fn files(
        &mut self,
        start: DateTime<Utc>,
        duration: u32,
        in_progress: bool,
    ) -> Vec<SimRecordingFile> {
        let end = start + TimeDelta::minutes(i64::from(duration));
        let mut kinds = vec![
            ("MP4", "MP4", "shared_screen_with_speaker_view"),
            ("M4A", "M4A", "audio_only"),
        ];
        if self.rng.random_bool(0.5) {
            kinds.push(("TRANSCRIPT", "VTT", "audio_transcript"));
        }
        if self.rng.random_bool(0.3) {
            kinds.push(("CHAT", "TXT", "chat_file"));
        }
        let mut files: Vec<SimRecordingFile> = kinds
            .into_iter()
            .map(|(file_type, extension, recording_type)| {
                let per_minute = match file_type {
                    "MP4" => 1_200_000,
                    "M4A" => 480_000,
                    _ => 2_000,
                };
                self.file(
                    start,
                    Some(end),
                    file_type,
                    extension,
                    recording_type,
                    u64::from(duration) * per_minute,
                )
            })
            .collect();
        if in_progress {
            files.push(SimRecordingFile {
                status: "processing".to_owned(),
                ..self.file(start, None, "", "MP4", "shared_screen_with_gallery_view", 0)
            });
        }
        files
    }

    fn share_url(&mut self) -> String {
        format!("https://us05web.zoom.us/rec/share/{}", self.token())
    }

    pub(super) fn file(
        &mut self,
        start: DateTime<Utc>,
        end: Option<DateTime<Utc>>,
        file_type: &str,
        extension: &str,
        recording_type: &str,
        size: u64,
    ) -> SimRecordingFile {
        let id = dashed_uuid(&mut self.rng);
        let token = self.token();
        SimRecordingFile {
            id,
            recording_start: start,
            recording_end: end,
            file_type: file_type.to_owned(),
            file_extension: extension.to_owned(),
            file_size: size,
            play_url: format!("https://us05web.zoom.us/rec/play/{token}"),
            download_url: format!("https://us05web.zoom.us/rec/download/{token}"),
            status: "completed".to_owned(),
            recording_type: recording_type.to_owned(),
        }
    }
}
