//! Registrants of a meeting or webinar. Listings take one status at a time (approved is the
//! default), so mirroring every registrant takes three.

use chrono::{DateTime, Utc};
use futures::{Stream, TryStreamExt};
use serde_json::Value;

use super::client::ZoomClient;
use super::error::ZoomError;
use super::json::{text, timestamp};
use super::paginate::{ListedPage, Listing, Page, pages};
pub use zoom_api::RegistrantStatus;
use zoom_api::endpoint::Endpoint;
use zoom_api::{SessionKind, path_segment};

#[derive(Debug, Clone, PartialEq)]
pub struct Registrant {
    pub id: String,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub status: String,
    pub create_time: Option<DateTime<Utc>>,
    pub join_url: Option<String>,
    pub raw: Value,
}

impl Registrant {
    /// `None` without an id or email. `status` fills in the status the listing was asked for
    /// when the object omits it.
    pub fn from_json(raw: Value, status: RegistrantStatus) -> Option<Registrant> {
        Some(Registrant {
            id: text(&raw, "id")?,
            email: text(&raw, "email")?,
            first_name: text(&raw, "first_name"),
            last_name: text(&raw, "last_name"),
            status: text(&raw, "status").unwrap_or_else(|| status.as_str().to_owned()),
            create_time: timestamp(&raw, "create_time"),
            join_url: text(&raw, "join_url"),
            raw,
        })
    }
}

impl ZoomClient {
    /// The registrants of one status, page by page. A meeting without registration answers
    /// with an error that [`ZoomError::is_registration_off`] recognises. Objects without an id
    /// or email are unreadable.
    pub fn list_registrants(
        &self,
        kind: SessionKind,
        session_id: i64,
        status: RegistrantStatus,
    ) -> impl Stream<Item = Result<ListedPage<Registrant>, ZoomError>> + '_ {
        let endpoint = match kind {
            SessionKind::Meeting => Endpoint::ListMeetingRegistrants,
            SessionKind::Webinar => Endpoint::ListWebinarRegistrants,
        };
        let listing = Listing {
            endpoint,
            path: format!("{}/{session_id}/registrants", kind.plural()),
            query: vec![("status", status.as_str().into())],
            key: "registrants",
        };
        pages(self, listing)
            .map_ok(move |page: Page| page.read(|raw| Registrant::from_json(raw, status)))
    }

    /// One registrant by id, as Zoom has it now; `None` when Zoom has no such registrant (or
    /// no such meeting, or no registration on it).
    pub async fn get_registrant(
        &self,
        kind: SessionKind,
        session_id: i64,
        registrant_id: &str,
    ) -> Result<Option<Registrant>, ZoomError> {
        let endpoint = match kind {
            SessionKind::Meeting => Endpoint::GetMeetingRegistrant,
            SessionKind::Webinar => Endpoint::GetWebinarRegistrant,
        };
        let path = format!(
            "{}/{session_id}/registrants/{}",
            kind.plural(),
            path_segment(registrant_id)
        );
        match self.get(endpoint, &path, &[]).await {
            // A registrant fetched alone says its status; approved is Zoom's default.
            Ok(raw) => Ok(Registrant::from_json(raw, RegistrantStatus::Approved)),
            Err(ZoomError::Api { status: 404, .. }) => Ok(None),
            Err(e) if e.is_session_missing() || e.is_registration_off() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_registrant_needs_an_id_and_an_email() {
        let r = Registrant::from_json(
            json!({"id": "9tboDiHUQAeOnbmudzWa5g", "email": "a@example.com", "first_name": "Ana"}),
            RegistrantStatus::Pending,
        )
        .unwrap();
        assert_eq!(r.status, "pending");
        assert!(
            Registrant::from_json(
                json!({"email": "a@example.com"}),
                RegistrantStatus::Approved
            )
            .is_none()
        );
    }
}
