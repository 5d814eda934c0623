//! Cloud recordings, listed by user or for the whole account within a range of days. Zoom
//! silently cuts a range longer than a month to its last month and defaults it to today, so
//! ranges are walked as [`DayRange::windows`] and every answer's range is checked.

use chrono::{DateTime, Duration, Months, NaiveDate, Utc};
use futures::{Stream, StreamExt};
use serde_json::Value;

use super::client::ZoomClient;
use super::error::ZoomError;
use super::json::{integer, small_integer, text, timestamp};
use super::paginate::{ListedPage, Listing, pages};
use zoom_api::endpoint::Endpoint;
use zoom_api::path_segment;

/// Whose recordings a listing covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordingSource<'a> {
    /// `GET /users/{userId}/recordings`: available on every paid plan.
    User(&'a str),
    /// `GET /accounts/me/recordings`: one listing for everyone, where the plan allows it.
    Account,
}

/// Days in UTC, both ends included, as Zoom's `from` and `to` are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl DayRange {
    /// Splits the range into windows Zoom will not cut, newest first (recent recordings matter
    /// most if a pass is stopped): each spans at most one calendar month.
    pub fn windows(self) -> Vec<DayRange> {
        let mut windows = Vec::new();
        let mut to = self.to;
        while to >= self.from {
            let month_back = to
                .checked_sub_months(Months::new(1))
                .map_or(self.from, |d| d + Duration::days(1));
            let from = month_back.max(self.from);
            windows.push(DayRange { from, to });
            to = from - Duration::days(1);
        }
        windows
    }

    /// The instants the range spans: from the start of its first day to the start of the day
    /// after its last, that one excluded.
    pub fn instants(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = |day: NaiveDate| day.and_time(chrono::NaiveTime::MIN).and_utc();
        (start(self.from), start(self.to + Duration::days(1)))
    }

    /// Whether an instant falls on one of the range's days.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        (self.from..=self.to).contains(&at.date_naive())
    }
}

/// One recorded meeting instance and its files.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    /// The instance's UUID: the key.
    pub uuid: String,
    pub meeting_id: Option<i64>,
    pub host_id: String,
    pub topic: Option<String>,
    /// The meeting type; Zoom sends it as a string in this listing.
    pub meeting_type: Option<i32>,
    pub start_time: Option<DateTime<Utc>>,
    pub duration: Option<i32>,
    pub total_size: Option<i64>,
    pub recording_count: Option<i32>,
    /// Whether the object had a `recording_files` array at all.
    pub files_listed: bool,
    pub files: Vec<RecordingFile>,
    pub raw: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordingFile {
    pub id: String,
    pub file_type: Option<String>,
    pub file_extension: Option<String>,
    /// 0 while the recording is still processing.
    pub file_size: Option<i64>,
    pub recording_type: Option<String>,
    pub status: Option<String>,
    pub recording_start: Option<DateTime<Utc>>,
    pub recording_end: Option<DateTime<Utc>>,
    pub raw: Value,
}

impl Recording {
    /// `None` without a UUID or a host. Files without an id (Zoom shows some while they are
    /// being processed) are left to `raw`.
    pub fn from_json(raw: Value, host_id: Option<&str>) -> Option<Recording> {
        let listed = raw.get("recording_files").and_then(Value::as_array);
        let files = listed
            .map(|files| files.iter().filter_map(RecordingFile::from_json).collect())
            .unwrap_or_default();
        let files_listed = listed.is_some();
        Some(Recording {
            uuid: text(&raw, "uuid")?,
            meeting_id: integer(&raw, "id"),
            host_id: text(&raw, "host_id").or_else(|| host_id.map(str::to_owned))?,
            topic: text(&raw, "topic"),
            meeting_type: small_integer(&raw, "type"),
            start_time: timestamp(&raw, "start_time"),
            duration: small_integer(&raw, "duration"),
            total_size: integer(&raw, "total_size"),
            recording_count: small_integer(&raw, "recording_count"),
            files_listed,
            files,
            raw,
        })
    }
}

impl RecordingFile {
    fn from_json(raw: &Value) -> Option<RecordingFile> {
        Some(RecordingFile {
            id: text(raw, "id")?,
            file_type: text(raw, "file_type"),
            file_extension: text(raw, "file_extension"),
            file_size: integer(raw, "file_size"),
            recording_type: text(raw, "recording_type"),
            status: text(raw, "status"),
            recording_start: timestamp(raw, "recording_start"),
            recording_end: timestamp(raw, "recording_end"),
            raw: raw.clone(),
        })
    }
}

impl ZoomClient {
    /// The recordings that started on the days of `window` (at most a month), page by page;
    /// objects without a UUID or host are unreadable.
    pub fn list_recordings<'a>(
        &'a self,
        source: RecordingSource<'a>,
        window: DayRange,
    ) -> impl Stream<Item = Result<ListedPage<Recording>, ZoomError>> + 'a {
        let (endpoint, path, host) = match source {
            RecordingSource::User(id) => (
                Endpoint::ListUserRecordings,
                format!("users/{}/recordings", path_segment(id)),
                Some(id),
            ),
            RecordingSource::Account => (
                Endpoint::ListAccountRecordings,
                "accounts/me/recordings".to_owned(),
                None,
            ),
        };
        let listing = Listing {
            endpoint,
            path,
            query: vec![
                ("from", window.from.to_string()),
                ("to", window.to.to_string()),
            ],
            key: "meetings",
        };
        pages(self, listing).map(move |page| {
            let page = page?;
            check_window(endpoint, window, &page.meta)?;
            Ok(page.read(|raw| Recording::from_json(raw, host)))
        })
    }
}

/// A listing whose answer covers fewer days than asked would pass missing recordings off as
/// deleted ones: refuse it.
pub(super) fn check_window(
    endpoint: Endpoint,
    asked: DayRange,
    meta: &Value,
) -> Result<(), ZoomError> {
    let day = |key| {
        meta.get(key)
            .and_then(Value::as_str)
            .and_then(|d| d.get(..10))
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    };
    match (day("from"), day("to")) {
        (Some(from), Some(to)) if from > asked.from || to < asked.to => Err(ZoomError::RangeCut {
            endpoint,
            asked_from: asked.from,
            asked_to: asked.to,
            from,
            to,
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn windows_cover_the_range_newest_first_a_month_at_most() {
        let range = DayRange {
            from: day("2026-05-27"),
            to: day("2026-11-23"),
        };
        let windows = range.windows();
        assert_eq!(
            windows.first(),
            Some(&DayRange {
                from: day("2026-10-24"),
                to: day("2026-11-23")
            })
        );
        assert_eq!(windows.last().unwrap().from, day("2026-05-27"));
        for pair in windows.windows(2) {
            assert_eq!(pair[1].to + Duration::days(1), pair[0].from, "{pair:?}");
        }
        for w in &windows {
            // Zoom cuts `from` to `to` minus one calendar month: never reached.
            assert!(
                w.from > w.to.checked_sub_months(Months::new(1)).unwrap(),
                "{w:?}"
            );
        }
        assert_eq!(windows.len(), 6);
        let one_day = DayRange {
            from: day("2026-11-22"),
            to: day("2026-11-22"),
        };
        assert_eq!(one_day.windows(), vec![one_day]);
        // Month ends: 31 March back to 1 March, not into February.
        let march = DayRange {
            from: day("2026-01-01"),
            to: day("2026-03-31"),
        };
        assert_eq!(march.windows()[0].from, day("2026-03-01"));
    }

    #[test]
    fn a_range_contains_the_instants_of_its_days() {
        let range = DayRange {
            from: day("2026-11-01"),
            to: day("2026-11-02"),
        };
        assert!(range.contains(Utc.with_ymd_and_hms(2026, 11, 2, 23, 59, 59).unwrap()));
        assert!(!range.contains(Utc.with_ymd_and_hms(2026, 11, 3, 0, 0, 0).unwrap()));
    }

    #[test]
    fn reads_a_recording_with_a_string_type_and_an_unfinished_file() {
        let raw = json!({
            "uuid": "abc//def==", "id": 85_746_065_432_i64, "host_id": "h1", "type": "8",
            "start_time": "2026-11-01T10:00:00Z", "total_size": 1024, "recording_count": 2,
            "recording_files": [
                {"id": "f1", "file_type": "MP4", "file_size": 1024, "status": "completed",
                 "recording_start": "2026-11-01T10:00:05Z", "recording_end": "2026-11-01T10:59:00Z"},
                {"id": "f2", "file_type": "", "file_size": 0, "recording_end": ""},
                {"file_type": "CHAT"}
            ]
        });
        let rec = Recording::from_json(raw, None).unwrap();
        assert_eq!(rec.meeting_type, Some(8));
        assert_eq!(rec.files.len(), 2);
        assert_eq!(rec.files[1].file_type, None);
        assert_eq!(rec.files[1].recording_end, None);
        assert!(Recording::from_json(json!({"uuid": "u"}), None).is_none());
        assert_eq!(
            Recording::from_json(json!({"uuid": "u"}), Some("h"))
                .unwrap()
                .host_id,
            "h"
        );
    }

    #[test]
    fn an_answer_for_fewer_days_than_asked_is_refused() {
        let asked = DayRange {
            from: day("2026-10-24"),
            to: day("2026-11-23"),
        };
        let same = json!({"from": "2026-10-24", "to": "2026-11-23"});
        assert!(check_window(Endpoint::ListUserRecordings, asked, &same).is_ok());
        let cut = json!({"from": "2026-11-23", "to": "2026-11-24"});
        assert!(matches!(
            check_window(Endpoint::ListUserRecordings, asked, &cut),
            Err(ZoomError::RangeCut { .. })
        ));
        assert!(check_window(Endpoint::ListUserRecordings, asked, &json!({})).is_ok());
    }
}
