//! Every Zoom endpoint the mirror calls, tagged with its documented rate-limit label and page
//! size (ZOOM-API.md §3.1). Adding an endpoint here is what makes it callable.

use std::fmt;

use super::plan::Label;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `GET /users`
    ListUsers,
    /// `GET /users/{userId}` (id or email)
    GetUser,
    /// `GET /users/{userId}/meetings`
    ListMeetings,
    /// `GET /meetings/{meetingId}` (id or UUID)
    GetMeeting,
    /// `GET /past_meetings/{meetingId}`: the latest instance that ended
    GetPastMeeting,
    /// `GET /meetings/{meetingId}/registrants`
    ListMeetingRegistrants,
    /// `GET /users/{userId}/webinars`
    ListWebinars,
    /// `GET /webinars/{webinarId}`
    GetWebinar,
    /// `GET /webinars/{webinarId}/registrants`
    ListWebinarRegistrants,
    /// `GET /users/{userId}/recordings`
    ListUserRecordings,
    /// `GET /accounts/{accountId}/recordings`
    ListAccountRecordings,
}

impl Endpoint {
    pub const ALL: [Endpoint; 11] = [
        Endpoint::ListUsers,
        Endpoint::GetUser,
        Endpoint::ListMeetings,
        Endpoint::GetMeeting,
        Endpoint::GetPastMeeting,
        Endpoint::ListMeetingRegistrants,
        Endpoint::ListWebinars,
        Endpoint::GetWebinar,
        Endpoint::ListWebinarRegistrants,
        Endpoint::ListUserRecordings,
        Endpoint::ListAccountRecordings,
    ];

    pub fn label(self) -> Label {
        match self {
            Endpoint::ListUsers
            | Endpoint::ListMeetings
            | Endpoint::ListMeetingRegistrants
            | Endpoint::ListWebinars
            | Endpoint::ListWebinarRegistrants
            | Endpoint::ListUserRecordings
            | Endpoint::ListAccountRecordings => Label::Medium,
            Endpoint::GetUser
            | Endpoint::GetMeeting
            | Endpoint::GetPastMeeting
            | Endpoint::GetWebinar => Label::Light,
        }
    }

    /// The largest page size Zoom documents for a listing; `None` for single objects.
    /// `GET /users` allows 2000 since 2026 (U26), up from 300.
    pub fn max_page_size(self) -> Option<u32> {
        match self {
            Endpoint::ListUsers => Some(2000),
            Endpoint::ListMeetings
            | Endpoint::ListMeetingRegistrants
            | Endpoint::ListWebinars
            | Endpoint::ListWebinarRegistrants
            | Endpoint::ListUserRecordings
            | Endpoint::ListAccountRecordings => Some(300),
            Endpoint::GetUser
            | Endpoint::GetMeeting
            | Endpoint::GetPastMeeting
            | Endpoint::GetWebinar => None,
        }
    }

    /// The operationId in Zoom's OpenAPI files, used in logs and errors.
    pub fn operation(self) -> &'static str {
        match self {
            Endpoint::ListUsers => "users",
            Endpoint::GetUser => "user",
            Endpoint::ListMeetings => "meetings",
            Endpoint::GetMeeting => "meeting",
            Endpoint::GetPastMeeting => "pastMeetingDetails",
            Endpoint::ListMeetingRegistrants => "meetingRegistrants",
            Endpoint::ListWebinars => "webinars",
            Endpoint::GetWebinar => "webinar",
            Endpoint::ListWebinarRegistrants => "webinarRegistrants",
            Endpoint::ListUserRecordings => "recordingsList",
            Endpoint::ListAccountRecordings => "ListRecordingsOfAnAccount",
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.operation())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_named_once() {
        let mut names: Vec<&str> = Endpoint::ALL.iter().map(|e| e.operation()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Endpoint::ALL.len());
    }
}
