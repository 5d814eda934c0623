//! A meeting's invitation note: `GET /meetings/{meetingId}/invitation`
//! (<https://developers.zoom.us/docs/api/meetings/>), by the meeting's number only.

use super::client::ZoomClient;
use super::error::ZoomError;
use super::json::text;
use zoom_api::Endpoint;

/// What Zoom serves of a meeting's invitation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invitation {
    /// The note (`None` if the answer carries no text).
    Served(Option<String>),
    /// 404/3001: the meeting does not exist (any more); the meetings pass marks it.
    Gone,
    /// 400/3161: the meeting's host may not host meetings, so Zoom serves no invitation.
    HostingNotAllowed,
}

impl ZoomClient {
    pub async fn meeting_invitation(&self, meeting_id: i64) -> Result<Invitation, ZoomError> {
        let path = format!("meetings/{meeting_id}/invitation");
        match self.get(Endpoint::GetMeetingInvitation, &path, &[]).await {
            Ok(answer) => Ok(Invitation::Served(text(&answer, "invitation"))),
            Err(e) if e.is_session_missing() => Ok(Invitation::Gone),
            Err(e) if e.is_hosting_not_allowed() => Ok(Invitation::HostingNotAllowed),
            Err(e) => Err(e),
        }
    }
}
