//! The actions a `zoom.write_queue` row may ask for: the contract other systems write.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    UserCreate,
    UserUpdate,
    UserDelete,
    UserStatus,
    MeetingCreate,
    MeetingUpdate,
    MeetingDelete,
    MeetingRegistrantCreate,
    MeetingRegistrantStatus,
    WebinarCreate,
    WebinarUpdate,
    WebinarDelete,
    WebinarRegistrantCreate,
    WebinarRegistrantStatus,
    /// Any call (method, path, query, body); refused unless `write_back.allow_raw` is on.
    Raw,
}

impl Action {
    pub const ALL: [Action; 15] = [
        Action::UserCreate,
        Action::UserUpdate,
        Action::UserDelete,
        Action::UserStatus,
        Action::MeetingCreate,
        Action::MeetingUpdate,
        Action::MeetingDelete,
        Action::MeetingRegistrantCreate,
        Action::MeetingRegistrantStatus,
        Action::WebinarCreate,
        Action::WebinarUpdate,
        Action::WebinarDelete,
        Action::WebinarRegistrantCreate,
        Action::WebinarRegistrantStatus,
        Action::Raw,
    ];

    /// The name a row's `action` column holds.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::UserCreate => "user.create",
            Action::UserUpdate => "user.update",
            Action::UserDelete => "user.delete",
            Action::UserStatus => "user.status",
            Action::MeetingCreate => "meeting.create",
            Action::MeetingUpdate => "meeting.update",
            Action::MeetingDelete => "meeting.delete",
            Action::MeetingRegistrantCreate => "meeting_registrant.create",
            Action::MeetingRegistrantStatus => "meeting_registrant.status",
            Action::WebinarCreate => "webinar.create",
            Action::WebinarUpdate => "webinar.update",
            Action::WebinarDelete => "webinar.delete",
            Action::WebinarRegistrantCreate => "webinar_registrant.create",
            Action::WebinarRegistrantStatus => "webinar_registrant.status",
            Action::Raw => "raw",
        }
    }

    pub fn parse(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == name)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for action in Action::ALL {
            assert_eq!(Action::parse(action.as_str()), Some(action));
        }
        assert_eq!(Action::parse("meeting.upsert"), None);
    }
}
