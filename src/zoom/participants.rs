//! Ended instances of meetings and webinars, and their participants. Zoom serves both kinds
//! alike under `past_meetings` and `past_webinars`, so one module serves both.

use chrono::{DateTime, Utc};
use futures::{Stream, TryStreamExt};
use serde_json::Value;

use super::client::ZoomClient;
use super::error::ZoomError;
use super::json::{small_integer, text, timestamp};
use super::paginate::{ListedPage, Listing, Page, pages};
use zoom_api::{SessionKind, meeting_path_segment};

/// One join session of a participant, as `GET /past_meetings/{uuid}/participants` (or the
/// webinar's) lists it: a participant who left and rejoined is listed once per join.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    /// Zoom's `user_id`, valid within the instance only and set for guests too; Zoom's `id`
    /// when an older answer leaves it out.
    pub user_id: String,
    pub join_time: DateTime<Utc>,
    /// Zoom's `id`: the Zoom user ID of a signed-in participant; blank for guests.
    pub participant_user_id: Option<String>,
    pub name: Option<String>,
    pub user_email: Option<String>,
    pub registrant_id: Option<String>,
    pub leave_time: Option<DateTime<Utc>>,
    /// Seconds.
    pub duration: Option<i32>,
    pub status: Option<String>,
    pub internal_user: Option<bool>,
    pub failover: Option<bool>,
    pub raw: Value,
}

impl Participant {
    /// `None` without a `user_id` (or `id`) or a `join_time`: such a join cannot be keyed.
    pub fn from_json(raw: Value) -> Option<Participant> {
        Some(Participant {
            user_id: text(&raw, "user_id").or_else(|| text(&raw, "id"))?,
            join_time: timestamp(&raw, "join_time")?,
            participant_user_id: text(&raw, "id"),
            name: text(&raw, "name"),
            user_email: text(&raw, "user_email"),
            registrant_id: text(&raw, "registrant_id"),
            leave_time: timestamp(&raw, "leave_time"),
            duration: small_integer(&raw, "duration"),
            status: text(&raw, "status"),
            internal_user: raw.get("internal_user").and_then(Value::as_bool),
            failover: raw.get("failover").and_then(Value::as_bool),
            raw,
        })
    }
}

/// An ended instance, as `GET /past_meetings/{meetingId}/instances` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndedInstance {
    pub uuid: String,
    pub start_time: Option<DateTime<Utc>>,
}

impl ZoomClient {
    /// The ended instances of a meeting or webinar (Zoom does not page this listing). Instances
    /// without a UUID are left out: nothing could be read of them.
    pub async fn past_instances(
        &self,
        kind: SessionKind,
        session_id: i64,
    ) -> Result<Vec<EndedInstance>, ZoomError> {
        let path = format!("{}/{session_id}/instances", kind.past());
        let answer = self.get(kind.past_instances_endpoint(), &path, &[]).await?;
        let listed = answer.get(kind.plural()).and_then(Value::as_array);
        Ok(listed
            .into_iter()
            .flatten()
            .filter_map(|i| {
                Some(EndedInstance {
                    uuid: text(i, "uuid")?,
                    start_time: timestamp(i, "start_time"),
                })
            })
            .collect())
    }

    /// The participants of one ended instance, page by page. The UUID is encoded twice where
    /// Zoom decodes it twice (it begins with `/` or holds `//`). Joins without a `user_id` or
    /// `join_time` are unreadable.
    pub fn list_participants<'a>(
        &'a self,
        kind: SessionKind,
        uuid: &str,
    ) -> impl Stream<Item = Result<ListedPage<Participant>, ZoomError>> + 'a {
        let listing = Listing {
            endpoint: kind.past_participants_endpoint(),
            path: format!(
                "{}/{}/participants",
                kind.past(),
                meeting_path_segment(uuid)
            ),
            query: Vec::new(),
            key: "participants",
        };
        pages(self, listing).map_ok(|page: Page| page.read(Participant::from_json))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_guest_is_keyed_by_its_meeting_user_id_and_join_time() {
        let raw = json!({
            "id": "", "name": "Guest", "user_id": "16778240", "user_email": "",
            "join_time": "2026-11-02T10:00:00Z", "leave_time": "2026-11-02T10:30:00Z",
            "duration": 1800, "failover": false, "status": "in_meeting", "internal_user": false
        });
        let guest = Participant::from_json(raw.clone()).unwrap();
        assert_eq!(guest.user_id, "16778240");
        assert_eq!(guest.participant_user_id, None);
        assert_eq!(guest.user_email, None);
        assert_eq!(guest.duration, Some(1800));
        assert_eq!(guest.internal_user, Some(false));
        assert_eq!(guest.raw, raw);
        assert!(
            Participant::from_json(json!({"name": "no ids", "join_time": "2026-11-02T10:00:00Z"}))
                .is_none()
        );
        assert!(Participant::from_json(json!({"user_id": "1"})).is_none());
    }
}
