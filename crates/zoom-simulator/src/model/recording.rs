//! One cloud recording (one held meeting instance, keyed by its UUID) with its files, the item the
//! recording listings show for it (<https://developers.zoom.us/docs/api/meetings/>), and the
//! `from`/`to` window those listings take.

use chrono::{DateTime, Months, NaiveDate, NaiveTime, Utc};
use serde_json::{Value, json};

use crate::model::user::timestamp;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimRecording {
    /// The UUID of the meeting instance recorded; unique among recordings.
    pub uuid: String,
    pub meeting_id: u64,
    pub host_id: String,
    pub topic: String,
    /// Shown as a string ("1".."9", "99"), unlike the meeting's own `type`.
    pub meeting_type: u8,
    /// Which listing windows include it: its UTC date.
    pub start_time: DateTime<Utc>,
    /// Minutes.
    pub duration: u32,
    pub share_url: String,
    pub files: Vec<SimRecordingFile>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimRecordingFile {
    /// UUID-formatted, unique.
    pub id: String,
    pub recording_start: DateTime<Utc>,
    /// `None` while recording: Zoom shows `""`.
    pub recording_end: Option<DateTime<Utc>>,
    /// MP4, M4A, TRANSCRIPT, CHAT…; empty while recording, with a `status` other than
    /// `completed`: Zoom's schema lists neither, but a file still being processed looks so.
    pub file_type: String,
    pub file_extension: String,
    /// Bytes; 0 while recording.
    pub file_size: u64,
    /// Stable per file: the mirror compares objects from one pass to the next.
    pub play_url: String,
    pub download_url: String,
    pub status: String,
    pub recording_type: String,
}

impl SimRecording {
    pub fn total_size(&self) -> u64 {
        self.files.iter().map(|f| f.file_size).sum()
    }

    pub fn listing_json(&self, account_id: &str) -> Value {
        let files: Vec<Value> = self.files.iter().map(|f| f.json(&self.uuid)).collect();
        json!({
            "uuid": self.uuid,
            "id": self.meeting_id,
            "account_id": account_id,
            "host_id": self.host_id,
            "topic": self.topic,
            "type": self.meeting_type.to_string(),
            "start_time": timestamp(self.start_time),
            "duration": self.duration,
            "total_size": self.total_size(),
            "recording_count": self.files.len(),
            "share_url": self.share_url,
            "recording_files": files,
        })
    }
}

impl SimRecordingFile {
    fn json(&self, meeting_uuid: &str) -> Value {
        json!({
            "id": self.id,
            "meeting_id": meeting_uuid,
            "recording_start": timestamp(self.recording_start),
            "recording_end": self.recording_end.map(timestamp).unwrap_or_default(),
            "file_type": self.file_type,
            "file_extension": self.file_extension,
            "file_size": self.file_size,
            "play_url": self.play_url,
            "download_url": self.download_url,
            "status": self.status,
            "recording_type": self.recording_type,
        })
    }
}

/// The UTC days, inclusive, a recording listing covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct DateRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DateRange {
    /// What Zoom uses for the given `from`/`to`: today and tomorrow when absent, and a range
    /// longer than a month silently cut to the month before `to` (`docs/zoom-behaviour.md`).
    pub fn resolve(from: Option<NaiveDate>, to: Option<NaiveDate>, today: NaiveDate) -> Self {
        let to = to.unwrap_or_else(|| today.succ_opt().unwrap_or(today));
        let from = from.unwrap_or(today);
        let earliest = to
            .checked_sub_months(Months::new(1))
            .unwrap_or(NaiveDate::MIN);
        DateRange {
            from: from.max(earliest),
            to,
        }
    }

    /// `[start, end)` in UTC; empty when `from` is after `to`.
    pub fn instants(self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = self.from.and_time(NaiveTime::MIN).and_utc();
        let end = self.to.succ_opt().map_or(DateTime::<Utc>::MAX_UTC, |day| {
            day.and_time(NaiveTime::MIN).and_utc()
        });
        (start, end.max(start))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn missing_dates_mean_today_and_tomorrow() {
        let r = DateRange::resolve(None, None, day(2020, 6, 30));
        assert_eq!((r.from, r.to), (day(2020, 6, 30), day(2020, 7, 1)));
    }

    #[test]
    fn more_than_a_month_is_cut_to_the_last_month() {
        let today = day(2026, 5, 1);
        let r = DateRange::resolve(Some(day(2026, 1, 1)), Some(day(2026, 3, 31)), today);
        // checked_sub_months clamps to the end of a shorter month.
        assert_eq!((r.from, r.to), (day(2026, 2, 28), day(2026, 3, 31)));
        let r = DateRange::resolve(Some(day(2026, 2, 15)), Some(day(2026, 3, 15)), today);
        assert_eq!(r.from, day(2026, 2, 15));
        let r = DateRange::resolve(Some(day(2025, 1, 1)), None, today);
        assert_eq!((r.from, r.to), (day(2026, 4, 2), day(2026, 5, 2)));
    }

    #[test]
    fn the_window_is_whole_utc_days() {
        let r = DateRange::resolve(
            Some(day(2026, 3, 1)),
            Some(day(2026, 3, 2)),
            day(2026, 3, 2),
        );
        let (start, end) = r.instants();
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap());
        assert_eq!(end, Utc.with_ymd_and_hms(2026, 3, 3, 0, 0, 0).unwrap());
        let backwards = DateRange {
            from: day(2026, 3, 5),
            to: day(2026, 3, 1),
        };
        let (start, end) = backwards.instants();
        assert_eq!(start, end);
    }

    #[test]
    fn an_unfinished_file_shows_empty_end_and_type() {
        let t = Utc.with_ymd_and_hms(2026, 3, 1, 10, 0, 0).unwrap();
        let recording = SimRecording {
            uuid: "BOKXuumlTAGXuqwr3bLyuQ==".into(),
            meeting_id: 6_840_331_990,
            host_id: "h".into(),
            topic: "t".into(),
            meeting_type: 2,
            start_time: t,
            duration: 20,
            share_url: "https://us05web.zoom.us/rec/share/x".into(),
            files: vec![SimRecordingFile {
                id: "72576a1f-4e66-4a77-87c4-f13f9808bd76".into(),
                recording_start: t,
                recording_end: None,
                file_type: String::new(),
                file_extension: "MP4".into(),
                file_size: 0,
                play_url: "p".into(),
                download_url: "d".into(),
                status: "processing".into(),
                recording_type: "shared_screen_with_speaker_view".into(),
            }],
        };
        let item = recording.listing_json("acct");
        assert_eq!(item["type"], "2");
        assert_eq!(item["total_size"], 0);
        assert_eq!(item["recording_files"][0]["recording_end"], "");
        assert_eq!(item["recording_files"][0]["meeting_id"], recording.uuid);
    }
}
