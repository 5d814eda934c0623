//! Why a meeting or webinar left its host's listing: deleted by someone, or expired. Zoom drops a
//! meeting ID after its lifetime (<https://support.zoom.us/hc/en-us/articles/201362373>): a one-off
//! meeting 30 days after its date or its last use, whichever is later; a recurring or PMI meeting
//! 365 days after an occurrence last started (or after creation, if none did); a webinar 90 days
//! after it ends. An expiry is history the mirror keeps; a deletion is not.

use chrono::{DateTime, Duration, Utc};

use super::sessions::{PastInstance, SessionKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gone {
    Deleted,
    Expired,
}

impl Gone {
    pub fn as_str(self) -> &'static str {
        match self {
            Gone::Deleted => "deleted",
            Gone::Expired => "expired",
        }
    }
}

/// What the mirror last knew of a session that is no longer listed.
#[derive(Debug, Clone, Copy)]
pub struct LastKnown {
    pub kind: SessionKind,
    pub session_type: Option<i32>,
    pub start_time: Option<DateTime<Utc>>,
    /// Minutes.
    pub duration: Option<i32>,
    pub created_at: Option<DateTime<Utc>>,
}

impl LastKnown {
    fn scheduled_end(&self) -> Option<DateTime<Utc>> {
        let minutes = i64::from(self.duration.unwrap_or(0).max(0));
        self.start_time
            .map(|start| start + Duration::minutes(minutes))
    }

    /// Recurring meetings (3, 8) and PMI meetings (4) live a year past their last use.
    fn recurring(&self) -> bool {
        matches!(self.session_type, Some(3 | 4 | 8))
    }
}

/// Decides from dates alone where they suffice; `None` means the answer depends on when the
/// meeting was last used, which [`gone_after_past`] takes from `GET /past_meetings/{id}`.
pub fn gone(last: &LastKnown, now: DateTime<Utc>) -> Option<Gone> {
    let expired_if = |reference: Option<DateTime<Utc>>, lifetime: i64| {
        reference.map(|r| r + Duration::days(lifetime) <= now)
    };
    match last.kind {
        // No instance call for webinars: their lifetime runs from the scheduled end alone.
        SessionKind::Webinar => Some(match expired_if(last.scheduled_end(), 90) {
            Some(true) => Gone::Expired,
            _ => Gone::Deleted,
        }),
        // Too young to have expired: no call needed.
        SessionKind::Meeting if last.recurring() => {
            (expired_if(last.created_at, 365) == Some(false)).then_some(Gone::Deleted)
        }
        SessionKind::Meeting => {
            (expired_if(last.scheduled_end(), 30) == Some(false)).then_some(Gone::Deleted)
        }
    }
}

/// Decides for a meeting [`gone`] could not, from its latest ended instance.
pub fn gone_after_past(last: &LastKnown, past: PastInstance, now: DateTime<Utc>) -> Gone {
    let (last_use, lifetime) = match past {
        PastInstance::OverAYearAgo => return Gone::Expired,
        PastInstance::Ended(end) if last.recurring() => (Some(end), 365),
        PastInstance::NeverEnded if last.recurring() => (last.created_at, 365),
        PastInstance::Ended(end) => (Some(last.scheduled_end().map_or(end, |s| s.max(end))), 30),
        PastInstance::NeverEnded => (last.scheduled_end(), 30),
    };
    match last_use {
        Some(at) if at + Duration::days(lifetime) <= now => Gone::Expired,
        // Without any date to go by, a disappearance is taken for a deletion.
        _ => Gone::Deleted,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
    }

    fn days_ago(days: i64) -> Option<DateTime<Utc>> {
        Some(now() - Duration::days(days))
    }

    fn meeting(
        session_type: i32,
        start: Option<DateTime<Utc>>,
        created: Option<DateTime<Utc>>,
    ) -> LastKnown {
        LastKnown {
            kind: SessionKind::Meeting,
            session_type: Some(session_type),
            start_time: start,
            duration: Some(60),
            created_at: created,
        }
    }

    #[test]
    fn a_one_off_meeting_within_its_thirty_days_was_deleted_without_asking() {
        assert_eq!(
            gone(&meeting(2, days_ago(10), days_ago(40)), now()),
            Some(Gone::Deleted)
        );
        // Past its thirty days it may have been reused since: ask.
        assert_eq!(gone(&meeting(2, days_ago(31), days_ago(40)), now()), None);
    }

    #[test]
    fn a_one_off_meeting_expires_thirty_days_after_its_date_or_last_use() {
        let m = meeting(2, days_ago(40), days_ago(50));
        assert_eq!(
            gone_after_past(&m, PastInstance::NeverEnded, now()),
            Gone::Expired
        );
        let held = PastInstance::Ended(days_ago(35).unwrap());
        assert_eq!(gone_after_past(&m, held, now()), Gone::Expired);
        // Reused ten days ago: it would still be alive, so someone deleted it.
        let reused = PastInstance::Ended(days_ago(10).unwrap());
        assert_eq!(gone_after_past(&m, reused, now()), Gone::Deleted);
    }

    #[test]
    fn a_recurring_meeting_expires_a_year_after_its_last_use() {
        let young = meeting(8, days_ago(400), days_ago(100));
        assert_eq!(gone(&young, now()), Some(Gone::Deleted));
        let old = meeting(3, None, days_ago(800));
        assert_eq!(gone(&old, now()), None);
        let used = PastInstance::Ended(days_ago(20).unwrap());
        assert_eq!(gone_after_past(&old, used, now()), Gone::Deleted);
        let unused = PastInstance::Ended(days_ago(366).unwrap());
        assert_eq!(gone_after_past(&old, unused, now()), Gone::Expired);
        assert_eq!(
            gone_after_past(&old, PastInstance::OverAYearAgo, now()),
            Gone::Expired
        );
        assert_eq!(
            gone_after_past(&old, PastInstance::NeverEnded, now()),
            Gone::Expired
        );
        assert_eq!(
            gone_after_past(&meeting(4, None, None), PastInstance::NeverEnded, now()),
            Gone::Deleted
        );
    }

    #[test]
    fn a_webinar_expires_ninety_days_after_it_ends() {
        let webinar = |start| LastKnown {
            kind: SessionKind::Webinar,
            session_type: Some(5),
            start_time: start,
            duration: Some(90),
            created_at: None,
        };
        assert_eq!(gone(&webinar(days_ago(91)), now()), Some(Gone::Expired));
        assert_eq!(gone(&webinar(days_ago(30)), now()), Some(Gone::Deleted));
        assert_eq!(gone(&webinar(None), now()), Some(Gone::Deleted));
    }
}
