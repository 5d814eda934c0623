//! Every Zoom endpoint the mirror calls, tagged with its documented rate-limit label and page size
//! (from each operation's description in <https://developers.zoom.us/docs/api/meetings/>,
//! <https://developers.zoom.us/docs/api/users/>, <https://developers.zoom.us/docs/api/phone/> and
//! <https://developers.zoom.us/docs/api/team-chat/>). Adding an endpoint here is what makes it
//! callable. The two recording writes are not called by the mirror itself (a `raw` write-back row
//! may make them): the simulator serves them, for tests, and its gate counts calls by endpoint.

use std::fmt;

use crate::plan::Label;

/// How far back, in calendar months before today, `GET /phone/users/{userId}/recordings`
/// serves: "The month defined should fall within the last six months."
pub const PHONE_RECORDINGS_MONTHS: u32 = 6;

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
    /// `GET /meetings/{meetingId}/invitation` (id only, no UUID)
    GetMeetingInvitation,
    /// `GET /past_meetings/{meetingId}`: the latest instance that ended
    GetPastMeeting,
    /// `GET /past_meetings/{meetingId}/instances`: the meeting's ended instances (not paged)
    ListPastMeetingInstances,
    /// `GET /past_meetings/{meetingId}/participants` (id: the latest instance; or a UUID)
    ListPastMeetingParticipants,
    /// `GET /past_webinars/{webinarId}/instances`
    ListPastWebinarInstances,
    /// `GET /past_webinars/{webinarId}/participants`
    ListPastWebinarParticipants,
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
    /// `GET /phone/users/{userId}/recordings`: a user's Zoom Phone call recordings
    ListPhoneUserRecordings,
    /// `POST /users`
    CreateUser,
    /// `PATCH /users/{userId}`
    UpdateUser,
    /// `DELETE /users/{userId}` (disassociate or delete)
    DeleteUser,
    /// `PUT /users/{userId}/status`
    UpdateUserStatus,
    /// `POST /users/{userId}/meetings`
    CreateMeeting,
    /// `PATCH /meetings/{meetingId}`
    UpdateMeeting,
    /// `DELETE /meetings/{meetingId}`
    DeleteMeeting,
    /// `GET /meetings/{meetingId}/registrants/{registrantId}`
    GetMeetingRegistrant,
    /// `GET /webinars/{webinarId}/registrants/{registrantId}`
    GetWebinarRegistrant,
    /// `POST /meetings/{meetingId}/registrants`
    CreateMeetingRegistrant,
    /// `PUT /meetings/{meetingId}/registrants/status`
    UpdateMeetingRegistrantStatus,
    /// `POST /users/{userId}/webinars`
    CreateWebinar,
    /// `PATCH /webinars/{webinarId}`
    UpdateWebinar,
    /// `DELETE /webinars/{webinarId}`
    DeleteWebinar,
    /// `POST /webinars/{webinarId}/registrants`
    CreateWebinarRegistrant,
    /// `PUT /webinars/{webinarId}/registrants/status`
    UpdateWebinarRegistrantStatus,
    /// `DELETE /meetings/{meetingId}/recordings` (`action=trash`, the default, or `delete`)
    DeleteMeetingRecordings,
    /// `PUT /meetings/{meetingUUID}/recordings/status` (`{"action": "recover"}`)
    RecoverMeetingRecordings,
    /// `GET /chat/users/{userId}/channels`: the Team Chat channels a user is a member of
    ListUserChannels,
    /// `GET /chat/users/{userId}/channels/{channelId}/members`: a channel's members, asked on
    /// behalf of one of them
    ListChannelMembers,
    /// `GET /chat/users/{userId}/sessions`: a user's chat sessions (1:1 and group) in a window
    ListChatSessions,
    /// `GET /chat/users/{userId}/messages`: a user's messages with one contact or in one channel
    ListChatMessages,
    /// Any other call, from a `raw` write-back row (only when `write_back.allow_raw` is on).
    /// Paced as Medium: its real label is unknown, and Medium is the stricter of the common two.
    Raw,
}

impl Endpoint {
    pub const ALL: [Endpoint; 40] = [
        Endpoint::ListUsers,
        Endpoint::GetUser,
        Endpoint::ListMeetings,
        Endpoint::GetMeeting,
        Endpoint::GetMeetingInvitation,
        Endpoint::GetPastMeeting,
        Endpoint::ListPastMeetingInstances,
        Endpoint::ListPastMeetingParticipants,
        Endpoint::ListPastWebinarInstances,
        Endpoint::ListPastWebinarParticipants,
        Endpoint::ListMeetingRegistrants,
        Endpoint::ListWebinars,
        Endpoint::GetWebinar,
        Endpoint::ListWebinarRegistrants,
        Endpoint::ListUserRecordings,
        Endpoint::ListAccountRecordings,
        Endpoint::ListPhoneUserRecordings,
        Endpoint::GetMeetingRegistrant,
        Endpoint::GetWebinarRegistrant,
        Endpoint::CreateUser,
        Endpoint::UpdateUser,
        Endpoint::DeleteUser,
        Endpoint::UpdateUserStatus,
        Endpoint::CreateMeeting,
        Endpoint::UpdateMeeting,
        Endpoint::DeleteMeeting,
        Endpoint::CreateMeetingRegistrant,
        Endpoint::UpdateMeetingRegistrantStatus,
        Endpoint::CreateWebinar,
        Endpoint::UpdateWebinar,
        Endpoint::DeleteWebinar,
        Endpoint::CreateWebinarRegistrant,
        Endpoint::UpdateWebinarRegistrantStatus,
        Endpoint::DeleteMeetingRecordings,
        Endpoint::RecoverMeetingRecordings,
        Endpoint::ListUserChannels,
        Endpoint::ListChannelMembers,
        Endpoint::ListChatSessions,
        Endpoint::ListChatMessages,
        Endpoint::Raw,
    ];

    pub fn label(self) -> Label {
        match self {
            Endpoint::ListUsers
            | Endpoint::ListMeetings
            | Endpoint::ListMeetingRegistrants
            | Endpoint::ListPastMeetingInstances
            | Endpoint::ListPastMeetingParticipants
            | Endpoint::ListPastWebinarParticipants
            | Endpoint::ListWebinars
            | Endpoint::ListWebinarRegistrants
            | Endpoint::ListUserRecordings
            | Endpoint::ListAccountRecordings
            | Endpoint::CreateMeeting
            | Endpoint::UpdateMeetingRegistrantStatus
            | Endpoint::UpdateWebinarRegistrantStatus
            | Endpoint::ListUserChannels
            | Endpoint::ListChannelMembers
            | Endpoint::ListChatSessions
            | Endpoint::ListChatMessages
            | Endpoint::Raw => Label::Medium,
            Endpoint::ListPhoneUserRecordings => Label::PhoneMedium,
            Endpoint::GetUser
            | Endpoint::GetMeeting
            | Endpoint::GetMeetingInvitation
            | Endpoint::GetPastMeeting
            | Endpoint::ListPastWebinarInstances
            | Endpoint::GetWebinar
            | Endpoint::GetMeetingRegistrant
            | Endpoint::GetWebinarRegistrant
            | Endpoint::CreateUser
            | Endpoint::UpdateUser
            | Endpoint::DeleteUser
            | Endpoint::UpdateUserStatus
            | Endpoint::UpdateMeeting
            | Endpoint::DeleteMeeting
            | Endpoint::CreateMeetingRegistrant
            | Endpoint::CreateWebinar
            | Endpoint::UpdateWebinar
            | Endpoint::DeleteWebinar
            | Endpoint::CreateWebinarRegistrant
            | Endpoint::DeleteMeetingRecordings
            | Endpoint::RecoverMeetingRecordings => Label::Light,
        }
    }

    /// The largest page size Zoom documents for a listing; `None` for single objects. `GET /users`
    /// allows 2000 since 2026 (<https://developers.zoom.us/docs/api/users/>), up from 300.
    pub fn max_page_size(self) -> Option<u32> {
        match self {
            Endpoint::ListUsers => Some(2000),
            Endpoint::ListMeetings
            | Endpoint::ListMeetingRegistrants
            | Endpoint::ListPastMeetingParticipants
            | Endpoint::ListPastWebinarParticipants
            | Endpoint::ListWebinars
            | Endpoint::ListWebinarRegistrants
            | Endpoint::ListUserRecordings
            | Endpoint::ListAccountRecordings
            | Endpoint::ListPhoneUserRecordings => Some(300),
            // Team Chat (<https://developers.zoom.us/docs/api/team-chat/>).
            Endpoint::ListUserChannels => Some(1000),
            Endpoint::ListChannelMembers => Some(100),
            Endpoint::ListChatSessions | Endpoint::ListChatMessages => Some(50),
            _ => None,
        }
    }

    /// The operationId in Zoom's OpenAPI files, used in logs and errors.
    pub fn operation(self) -> &'static str {
        match self {
            Endpoint::ListUsers => "users",
            Endpoint::GetUser => "user",
            Endpoint::ListMeetings => "meetings",
            Endpoint::GetMeeting => "meeting",
            Endpoint::GetMeetingInvitation => "meetingInvitation",
            Endpoint::GetPastMeeting => "pastMeetingDetails",
            Endpoint::ListPastMeetingInstances => "pastMeetings",
            Endpoint::ListPastMeetingParticipants => "pastMeetingParticipants",
            Endpoint::ListPastWebinarInstances => "pastWebinars",
            Endpoint::ListPastWebinarParticipants => "listWebinarParticipants",
            Endpoint::ListMeetingRegistrants => "meetingRegistrants",
            Endpoint::ListWebinars => "webinars",
            Endpoint::GetWebinar => "webinar",
            Endpoint::ListWebinarRegistrants => "webinarRegistrants",
            Endpoint::ListUserRecordings => "recordingsList",
            Endpoint::ListAccountRecordings => "ListRecordingsOfAnAccount",
            Endpoint::ListPhoneUserRecordings => "phoneUserRecordings",
            Endpoint::GetMeetingRegistrant => "meetingRegistrantGet",
            Endpoint::GetWebinarRegistrant => "webinarRegistrantGet",
            Endpoint::CreateUser => "userCreate",
            Endpoint::UpdateUser => "userUpdate",
            Endpoint::DeleteUser => "userDelete",
            Endpoint::UpdateUserStatus => "userStatus",
            Endpoint::CreateMeeting => "meetingCreate",
            Endpoint::UpdateMeeting => "meetingUpdate",
            Endpoint::DeleteMeeting => "meetingDelete",
            Endpoint::CreateMeetingRegistrant => "meetingRegistrantCreate",
            Endpoint::UpdateMeetingRegistrantStatus => "meetingRegistrantStatus",
            Endpoint::CreateWebinar => "webinarCreate",
            Endpoint::UpdateWebinar => "webinarUpdate",
            Endpoint::DeleteWebinar => "webinarDelete",
            Endpoint::CreateWebinarRegistrant => "webinarRegistrantCreate",
            Endpoint::UpdateWebinarRegistrantStatus => "webinarRegistrantStatus",
            Endpoint::DeleteMeetingRecordings => "recordingDelete",
            Endpoint::RecoverMeetingRecordings => "recordingStatusUpdate",
            Endpoint::ListUserChannels => "getChannels",
            Endpoint::ListChannelMembers => "listChannelMembers",
            Endpoint::ListChatSessions => "getChatSessions",
            Endpoint::ListChatMessages => "getChatMessages",
            Endpoint::Raw => "raw",
        }
    }

    /// The granular scope Zoom requires (<https://developers.zoom.us/docs/api/users/> per
    /// operation, and <https://developers.zoom.us/docs/integrations/oauth-scopes-granular/>);
    /// classic admin scopes (`user:write:admin`, `meeting:write:admin` …) open the same endpoints.
    /// `None` for `Raw`, whose scope depends on the call.
    pub fn scope(self) -> Option<&'static str> {
        Some(match self {
            Endpoint::ListUsers => "user:read:list_users:admin",
            Endpoint::GetUser => "user:read:user:admin",
            Endpoint::ListMeetings => "meeting:read:list_meetings:admin",
            Endpoint::GetMeeting => "meeting:read:meeting:admin",
            Endpoint::GetMeetingInvitation => "meeting:read:invitation:admin",
            Endpoint::GetPastMeeting => "meeting:read:past_meeting:admin",
            Endpoint::ListPastMeetingInstances => "meeting:read:list_past_instances:admin",
            Endpoint::ListPastMeetingParticipants => "meeting:read:list_past_participants:admin",
            Endpoint::ListPastWebinarInstances => "webinar:read:list_past_instances:admin",
            Endpoint::ListPastWebinarParticipants => "webinar:read:list_past_participants:admin",
            Endpoint::ListMeetingRegistrants => "meeting:read:list_registrants:admin",
            Endpoint::ListWebinars => "webinar:read:list_webinars:admin",
            Endpoint::GetWebinar => "webinar:read:webinar:admin",
            Endpoint::ListWebinarRegistrants => "webinar:read:list_registrants:admin",
            Endpoint::ListUserRecordings => "cloud_recording:read:list_user_recordings:admin",
            Endpoint::ListAccountRecordings => "cloud_recording:read:list_account_recordings:admin",
            Endpoint::ListPhoneUserRecordings => "phone:read:list_recordings:admin",
            Endpoint::GetMeetingRegistrant => "meeting:read:registrant:admin",
            Endpoint::GetWebinarRegistrant => "webinar:read:registrant:admin",
            Endpoint::CreateUser => "user:write:user:admin",
            Endpoint::UpdateUser => "user:update:user:admin",
            Endpoint::DeleteUser => "user:delete:user:admin",
            Endpoint::UpdateUserStatus => "user:update:status:admin",
            Endpoint::CreateMeeting => "meeting:write:meeting:admin",
            Endpoint::UpdateMeeting => "meeting:update:meeting:admin",
            Endpoint::DeleteMeeting => "meeting:delete:meeting:admin",
            Endpoint::CreateMeetingRegistrant => "meeting:write:registrant:admin",
            Endpoint::UpdateMeetingRegistrantStatus => "meeting:update:registrant_status:admin",
            Endpoint::CreateWebinar => "webinar:write:webinar:admin",
            Endpoint::UpdateWebinar => "webinar:update:webinar:admin",
            Endpoint::DeleteWebinar => "webinar:delete:webinar:admin",
            Endpoint::CreateWebinarRegistrant => "webinar:write:registrant:admin",
            Endpoint::UpdateWebinarRegistrantStatus => "webinar:update:registrant_status:admin",
            Endpoint::DeleteMeetingRecordings => {
                "cloud_recording:delete:meeting_cloud_recording:admin"
            }
            Endpoint::RecoverMeetingRecordings => {
                "cloud_recording:update:recover_meeting_recordings:admin"
            }
            Endpoint::ListUserChannels => "team_chat:read:list_user_channels:admin",
            Endpoint::ListChannelMembers => "team_chat:read:list_members:admin",
            Endpoint::ListChatSessions => "team_chat:read:list_user_sessions:admin",
            Endpoint::ListChatMessages => "team_chat:read:list_user_messages:admin",
            Endpoint::Raw => return None,
        })
    }
}

impl Endpoint {
    /// Whether a granted `scope` opens the endpoint: its granular scope, or a classic admin
    /// scope of its family (Zoom's `x-macro-scopes`), a classic read scope opening only reads.
    /// `GET /accounts/me/recordings` takes `account:read:admin` (the master account's own id),
    /// as Zoom documents for `accountId=me`; a user's phone recordings take `phone:read:admin` or
    /// `phone_recording:read:admin`. Team Chat's classic scopes are per object: a user's
    /// channels and a channel's members take `chat_channel:*`, sessions and messages
    /// `chat_message:*`.
    pub fn opened_by(self, scope: &str) -> bool {
        let Some(granular) = self.scope() else {
            return false;
        };
        let classic: &[&str] = match granular.split(':').next() {
            Some("user") => &["user:read:admin", "user:write:admin"],
            Some("meeting") => &["meeting:read:admin", "meeting:write:admin"],
            Some("webinar") => &["webinar:read:admin", "webinar:write:admin"],
            Some("phone") => &["phone:read:admin", "phone_recording:read:admin"],
            _ if matches!(
                self,
                Endpoint::ListUserChannels | Endpoint::ListChannelMembers
            ) =>
            {
                &["chat_channel:read:admin", "chat_channel:write:admin"]
            }
            Some("team_chat") => &["chat_message:read:admin", "chat_message:write:admin"],
            _ if self == Endpoint::ListAccountRecordings => {
                &["recording:read:admin", "account:read:admin"]
            }
            _ => &["recording:read:admin", "recording:write:admin"],
        };
        let writes = !matches!(granular.split(':').nth(1), Some("read"));
        scope == granular || (classic.contains(&scope) && !(writes && scope.contains(":read:")))
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
