//! The mirrored entities.

use std::fmt;

use clap::ValueEnum;

/// A mirrored entity: one sync job, one cron schedule, its own `zoom.sync_runs` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum Entity {
    Users,
    Meetings,
    Webinars,
    MeetingRegistrants,
    WebinarRegistrants,
    Recordings,
    MeetingParticipants,
    WebinarParticipants,
    MeetingInvitations,
    PhoneRecordings,
    Chat,
}

impl Entity {
    /// In the order `sync` runs them: hosts before what they host, meetings and webinars
    /// before their registrants, recordings before participants (a recording shows an
    /// instance that was held), meetings before their invitations; phone recordings and Team
    /// Chat last (they need only the users).
    pub const ALL: [Entity; 11] = [
        Entity::Users,
        Entity::Meetings,
        Entity::Webinars,
        Entity::MeetingRegistrants,
        Entity::WebinarRegistrants,
        Entity::Recordings,
        Entity::MeetingParticipants,
        Entity::WebinarParticipants,
        Entity::MeetingInvitations,
        Entity::PhoneRecordings,
        Entity::Chat,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Users => "users",
            Entity::Meetings => "meetings",
            Entity::Webinars => "webinars",
            Entity::MeetingRegistrants => "meeting_registrants",
            Entity::WebinarRegistrants => "webinar_registrants",
            Entity::Recordings => "recordings",
            Entity::MeetingParticipants => "meeting_participants",
            Entity::WebinarParticipants => "webinar_participants",
            Entity::MeetingInvitations => "meeting_invitations",
            Entity::PhoneRecordings => "phone_recordings",
            Entity::Chat => "chat",
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
