//! Meetings and webinars. Zoom lists, reads and expires both alike, so one module serves both,
//! told apart by [`SessionKind`].

use chrono::{DateTime, Utc};
use futures::{Stream, TryStreamExt};
use serde_json::Value;

use super::client::ZoomClient;
use super::error::ZoomError;
use super::json::{integer, small_integer, text, timestamp};
use super::paginate::{ListedPage, Listing, Page, pages};
pub use zoom_api::SessionKind;
use zoom_api::codes::PAST_MEETING_OVER_A_YEAR;
use zoom_api::endpoint::Endpoint;
use zoom_api::{meeting_path_segment, path_segment};

/// The listed fields of a meeting or webinar that the mirror keeps in typed columns, with the
/// whole listed object in `raw`.
#[derive(Debug, Clone, PartialEq)]
pub struct Session {
    pub id: i64,
    pub uuid: Option<String>,
    pub host_id: String,
    pub topic: Option<String>,
    pub session_type: Option<i32>,
    pub start_time: Option<DateTime<Utc>>,
    /// Minutes.
    pub duration: Option<i32>,
    pub timezone: Option<String>,
    /// Cut to 250 characters in listings.
    pub agenda: Option<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub join_url: Option<String>,
    pub raw: Value,
}

impl Session {
    /// Reads a listed meeting or webinar; `None` without an `id`. `host_id` fills in the host
    /// when the object omits it (it was listed under that host).
    pub fn from_json(raw: Value, host_id: &str) -> Option<Session> {
        Some(Session {
            id: integer(&raw, "id")?,
            uuid: text(&raw, "uuid"),
            host_id: text(&raw, "host_id").unwrap_or_else(|| host_id.to_owned()),
            topic: text(&raw, "topic"),
            session_type: small_integer(&raw, "type"),
            start_time: timestamp(&raw, "start_time"),
            duration: small_integer(&raw, "duration"),
            timezone: text(&raw, "timezone"),
            agenda: text(&raw, "agenda"),
            created_at: timestamp(&raw, "created_at"),
            join_url: text(&raw, "join_url"),
            raw,
        })
    }
}

/// What `GET /past_meetings/{meetingId}` says of a meeting's latest instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PastInstance {
    Ended(DateTime<Utc>),
    /// No instance has ended: the meeting was never held.
    NeverEnded,
    /// Zoom keeps no data on it (400/12702): it ended more than a year ago.
    OverAYearAgo,
}

impl ZoomClient {
    /// Every meeting or webinar `host_id` hosts that Zoom has not expired, page by page.
    /// Meetings are listed with `type=scheduled`, which Zoom documents as every unexpired
    /// previous, live and upcoming scheduled meeting, recurring ones included: one listing
    /// where `upcoming` and `previous_meetings` would take two. Objects without an id are
    /// unreadable.
    pub fn list_sessions<'a>(
        &'a self,
        kind: SessionKind,
        host_id: &'a str,
    ) -> impl Stream<Item = Result<ListedPage<Session>, ZoomError>> + 'a {
        let listing = Listing {
            endpoint: kind.list_endpoint(),
            path: format!("users/{}/{}", path_segment(host_id), kind.plural()),
            query: vec![("type", "scheduled".into())],
            key: kind.plural(),
        };
        pages(self, listing)
            .map_ok(move |page: Page| page.read(|raw| Session::from_json(raw, host_id)))
    }

    /// The whole object (settings, occurrences …) of a meeting or webinar by id or UUID;
    /// `None` when Zoom says it does not exist or has expired (404, code 3001).
    pub async fn get_session(
        &self,
        kind: SessionKind,
        id_or_uuid: &str,
    ) -> Result<Option<Value>, ZoomError> {
        let path = format!("{}/{}", kind.plural(), meeting_path_segment(id_or_uuid));
        match self.get(kind.get_endpoint(), &path, &[]).await {
            Ok(details) => Ok(Some(details)),
            Err(e) if e.is_session_missing() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// When the latest instance of a meeting ended. Zoom answers for deleted and expired
    /// meetings too, which is what tells an expiry from a deletion.
    pub async fn past_instance(&self, meeting_id: i64) -> Result<PastInstance, ZoomError> {
        let path = format!("past_meetings/{meeting_id}");
        match self.get(Endpoint::GetPastMeeting, &path, &[]).await {
            Ok(past) => {
                Ok(timestamp(&past, "end_time")
                    .map_or(PastInstance::NeverEnded, PastInstance::Ended))
            }
            Err(e) if e.zoom_code() == Some(PAST_MEETING_OVER_A_YEAR) => {
                Ok(PastInstance::OverAYearAgo)
            }
            Err(e) if e.is_session_missing() => Ok(PastInstance::NeverEnded),
            Err(e) => Err(e),
        }
    }
}

/// Whether details say registration is on: `approval_type` 0 (automatic) or 1 (manual); 2 is
/// "no registration". `None` when the details do not say.
pub fn registration_on(details: &Value) -> Option<bool> {
    let settings = details.get("settings")?;
    integer(settings, "approval_type").map(|t| t == 0 || t == 1)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_a_listed_meeting_with_a_big_id() {
        let raw = json!({
            "uuid": "/ajXp112QmuoKj4854875==", "id": 85_746_065_432_i64, "topic": "Weekly",
            "type": 8, "start_time": "2026-12-01T09:00:00Z", "duration": 60,
            "agenda": "a".repeat(250), "join_url": "https://zoom.us/j/85746065432"
        });
        let meeting = Session::from_json(raw.clone(), "host1").unwrap();
        assert_eq!(meeting.id, 85_746_065_432);
        assert_eq!(meeting.host_id, "host1");
        assert_eq!(meeting.session_type, Some(8));
        assert_eq!(meeting.duration, Some(60));
        assert_eq!(meeting.raw, raw);
        assert!(Session::from_json(json!({"topic": "no id"}), "h").is_none());
    }

    #[test]
    fn approval_type_two_means_no_registration() {
        assert_eq!(
            registration_on(&json!({"settings": {"approval_type": 0}})),
            Some(true)
        );
        assert_eq!(
            registration_on(&json!({"settings": {"approval_type": 1}})),
            Some(true)
        );
        assert_eq!(
            registration_on(&json!({"settings": {"approval_type": 2}})),
            Some(false)
        );
        assert_eq!(registration_on(&json!({"settings": {}})), None);
    }
}
