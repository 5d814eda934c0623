//! Zoom Phone call recordings, listed per user within a range of days
//! (<https://developers.zoom.us/docs/api/phone/>, "Get user's recordings"). Zoom serves one
//! month at a time and only the last six months, so ranges are walked as
//! [`DayRange::windows`], and an answer covering fewer days than asked is refused, as for cloud
//! recordings.

use chrono::{DateTime, Utc};
use futures::{Stream, StreamExt};
use serde_json::Value;

use super::client::ZoomClient;
use super::error::ZoomError;
use super::json::{small_integer, text, timestamp};
use super::paginate::{ListedPage, Listing, pages};
use super::recordings::{DayRange, check_window};
use zoom_api::endpoint::Endpoint;
use zoom_api::path_segment;

/// One recorded phone call.
#[derive(Debug, Clone, PartialEq)]
pub struct PhoneRecording {
    pub id: String,
    /// The user whose listing had it, or (from an event) the recording's user or owner.
    pub user_id: String,
    pub call_id: Option<String>,
    pub call_log_id: Option<String>,
    pub call_history_id: Option<String>,
    pub caller_name: Option<String>,
    pub caller_number: Option<String>,
    pub caller_number_type: Option<i32>,
    pub callee_name: Option<String>,
    pub callee_number: Option<String>,
    pub callee_number_type: Option<i32>,
    /// `inbound` or `outbound`.
    pub direction: Option<String>,
    pub date_time: Option<DateTime<Utc>>,
    /// Seconds.
    pub duration: Option<i32>,
    pub download_url: Option<String>,
    pub transcript_download_url: Option<String>,
    pub meeting_uuid: Option<String>,
    pub outgoing_by: Option<Value>,
    pub accepted_by: Option<Value>,
    pub raw: Value,
}

impl PhoneRecording {
    /// `None` without an `id` or a user: `user_id` is the user whose listing had it; an
    /// event's recording names its own (`user_id`, or an `owner` of type `user`).
    pub fn from_json(raw: Value, user_id: Option<&str>) -> Option<PhoneRecording> {
        let owner = raw
            .get("owner")
            .filter(|o| o.get("type").and_then(Value::as_str) == Some("user"))
            .and_then(|o| text(o, "id"));
        let user_id = user_id
            .map(str::to_owned)
            .or_else(|| text(&raw, "user_id"))
            .or(owner)?;
        let object = |key| raw.get(key).filter(|v| v.is_object()).cloned();
        Some(PhoneRecording {
            id: text(&raw, "id")?,
            user_id,
            call_id: text(&raw, "call_id"),
            call_log_id: text(&raw, "call_log_id"),
            call_history_id: text(&raw, "call_history_id"),
            caller_name: text(&raw, "caller_name"),
            caller_number: text(&raw, "caller_number"),
            caller_number_type: small_integer(&raw, "caller_number_type"),
            callee_name: text(&raw, "callee_name"),
            callee_number: text(&raw, "callee_number"),
            callee_number_type: small_integer(&raw, "callee_number_type"),
            direction: text(&raw, "direction"),
            date_time: timestamp(&raw, "date_time"),
            duration: small_integer(&raw, "duration"),
            download_url: text(&raw, "download_url"),
            transcript_download_url: text(&raw, "transcript_download_url"),
            meeting_uuid: text(&raw, "meeting_uuid"),
            outgoing_by: object("outgoing_by"),
            accepted_by: object("accepted_by"),
            raw,
        })
    }
}

impl ZoomClient {
    /// A user's phone recordings of the days of `window` (at most a month, within the last
    /// six months), page by page; recordings without an id are unreadable.
    pub fn list_phone_recordings<'a>(
        &'a self,
        user_id: &'a str,
        window: DayRange,
    ) -> impl Stream<Item = Result<ListedPage<PhoneRecording>, ZoomError>> + 'a {
        let endpoint = Endpoint::ListPhoneUserRecordings;
        let listing = Listing {
            endpoint,
            path: format!("phone/users/{}/recordings", path_segment(user_id)),
            query: vec![
                ("from", window.from.to_string()),
                ("to", window.to.to_string()),
            ],
            key: "recordings",
        };
        pages(self, listing).map(move |page| {
            let page = page?;
            check_window(endpoint, window, &page.meta)?;
            Ok(page.read(|raw| PhoneRecording::from_json(raw, Some(user_id))))
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_a_listed_recording_under_its_user() {
        let raw = json!({
            "id": "r1", "call_id": "7025841973929235024", "caller_number_type": 1,
            "callee_number_type": 3, "direction": "inbound", "duration": 65,
            "date_time": "2026-11-02T10:00:00Z", "outgoing_by": {"name": "B", "extension_number": "12"},
            "accepted_by": ""
        });
        let rec = PhoneRecording::from_json(raw, Some("u1")).unwrap();
        assert_eq!(rec.user_id, "u1");
        assert_eq!(rec.callee_number_type, Some(3));
        assert_eq!(rec.duration, Some(65));
        assert_eq!(rec.outgoing_by.unwrap()["extension_number"], "12");
        assert_eq!(rec.accepted_by, None);
        assert!(PhoneRecording::from_json(json!({"call_id": "c"}), Some("u1")).is_none());
    }

    #[test]
    fn an_event_recording_names_its_user_or_owner() {
        let owned = json!({"id": "r1", "owner": {"type": "user", "id": "u2"}});
        assert_eq!(
            PhoneRecording::from_json(owned, None).unwrap().user_id,
            "u2"
        );
        let own = json!({"id": "r1", "user_id": "u3", "owner": {"type": "user", "id": "u2"}});
        assert_eq!(PhoneRecording::from_json(own, None).unwrap().user_id, "u3");
        let queue = json!({"id": "r1", "owner": {"type": "call_queue", "id": "q1"}});
        assert!(PhoneRecording::from_json(queue, None).is_none());
    }
}
