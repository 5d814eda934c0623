//! Zoom's small vocabularies that the client and the simulator both spell: meeting or webinar,
//! a user's status, a registrant's status. Each is also a listing filter or path part, so the
//! spelling is Zoom's and lives here once.

use crate::endpoint::Endpoint;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionKind {
    Meeting,
    Webinar,
}

impl SessionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionKind::Meeting => "meeting",
            SessionKind::Webinar => "webinar",
        }
    }

    /// The path prefix and the listing's array key: `meetings` or `webinars`.
    pub fn plural(self) -> &'static str {
        match self {
            SessionKind::Meeting => "meetings",
            SessionKind::Webinar => "webinars",
        }
    }

    /// The listing of a host's meetings or webinars.
    pub fn list_endpoint(self) -> Endpoint {
        match self {
            SessionKind::Meeting => Endpoint::ListMeetings,
            SessionKind::Webinar => Endpoint::ListWebinars,
        }
    }

    /// One meeting or webinar by id or UUID.
    pub fn get_endpoint(self) -> Endpoint {
        match self {
            SessionKind::Meeting => Endpoint::GetMeeting,
            SessionKind::Webinar => Endpoint::GetWebinar,
        }
    }

    /// The path prefix of ended instances: `past_meetings` or `past_webinars`.
    pub fn past(self) -> &'static str {
        match self {
            SessionKind::Meeting => "past_meetings",
            SessionKind::Webinar => "past_webinars",
        }
    }

    /// The (unpaged) listing of a meeting's or webinar's ended instances.
    pub fn past_instances_endpoint(self) -> Endpoint {
        match self {
            SessionKind::Meeting => Endpoint::ListPastMeetingInstances,
            SessionKind::Webinar => Endpoint::ListPastWebinarInstances,
        }
    }

    /// The listing of an ended instance's participants.
    pub fn past_participants_endpoint(self) -> Endpoint {
        match self {
            SessionKind::Meeting => Endpoint::ListPastMeetingParticipants,
            SessionKind::Webinar => Endpoint::ListPastWebinarParticipants,
        }
    }
}

/// A user's `status`, which is also the `status` filter of `GET /users`: listings take one at a
/// time, so mirroring every user takes all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserStatus {
    Active,
    /// Deactivated.
    Inactive,
    /// Invited, not yet activated: Zoom lists these without an `id`.
    Pending,
}

impl UserStatus {
    pub const ALL: [UserStatus; 3] = [
        UserStatus::Active,
        UserStatus::Inactive,
        UserStatus::Pending,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Inactive => "inactive",
            UserStatus::Pending => "pending",
        }
    }

    /// Zoom's spelling only.
    pub fn parse(s: &str) -> Option<Self> {
        UserStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl std::fmt::Display for UserStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A registrant's `status`, which is also the `status` filter of the listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegistrantStatus {
    Approved,
    Pending,
    Denied,
}

impl RegistrantStatus {
    /// Approved first: it is Zoom's default, and the listing that reveals whether the meeting
    /// takes registrations at all.
    pub const ALL: [RegistrantStatus; 3] = [
        RegistrantStatus::Approved,
        RegistrantStatus::Pending,
        RegistrantStatus::Denied,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RegistrantStatus::Approved => "approved",
            RegistrantStatus::Pending => "pending",
            RegistrantStatus::Denied => "denied",
        }
    }

    /// Zoom's spelling only.
    pub fn parse(s: &str) -> Option<Self> {
        RegistrantStatus::ALL.into_iter().find(|v| v.as_str() == s)
    }
}
