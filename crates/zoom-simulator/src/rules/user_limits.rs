//! Zoom's per-user daily limits
//! (<https://developers.zoom.us/docs/api/rate-limits/#daily-rate-limits>), beside the account's
//! per-label ones in `limits`: meeting and webinar creates and updates per host, registrations and
//! status changes per registrant of one meeting or webinar, and user invites per account. Each
//! counts requests per UTC day and answers a daily-limit 429 with its own message once spent.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::rules::limits::next_utc_midnight;
use crate::rules::respond::{self, Refusal};
use zoom_api::SessionKind;
pub(crate) use zoom_api::plan::SESSION_WRITES_PER_HOST;
use zoom_api::plan::{
    Label, Plan, REGISTRATIONS_PER_REGISTRANT, STATUS_CHANGES_PER_REGISTRANT, daily_user_invites,
};

/// One thing a per-user limit counts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Counter {
    /// Creates and updates of the meetings and webinars of one host, by user id: a `PATCH`
    /// counts against the host whoever sends it.
    SessionWrites { host_id: String },
    /// Registrations of one email to one meeting or webinar, retries included.
    Registration {
        kind: SessionKind,
        session_id: u64,
        email: String,
    },
    /// Status changes of one registrant (by email) of one meeting or webinar.
    RegistrantStatus {
        kind: SessionKind,
        session_id: u64,
        email: String,
    },
    /// `POST /users` with `action=create`, account-wide.
    Invites,
}

impl Counter {
    /// Registrant counters key on the lower-cased email, as Zoom matches registrants.
    pub fn registration(kind: SessionKind, session_id: u64, email: &str) -> Counter {
        Counter::Registration {
            kind,
            session_id,
            email: email.to_lowercase(),
        }
    }

    pub fn registrant_status(kind: SessionKind, session_id: u64, email: &str) -> Counter {
        Counter::RegistrantStatus {
            kind,
            session_id,
            email: email.to_lowercase(),
        }
    }

    /// Zoom's 429 message for this limit (for meetings as Zoom staff quote it on Zoom's forum,
    /// linked in `docs/zoom-behaviour.md`; the others as developers quote them there, with the
    /// registrant's email in parentheses).
    fn message(&self, cap: u32) -> String {
        match self {
            Counter::SessionWrites { .. } => format!(
                "You have exceeded the daily rate limit ({cap}) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00."
            ),
            Counter::Registration { kind, email, .. } => format!(
                "You have exceeded the daily rate limit of ({cap}) for Add a {} registrant API requests for the registrant ({email}). You can resume these API requests at GMT 00:00:00.",
                kind.as_str()
            ),
            Counter::RegistrantStatus { kind, email, .. } => format!(
                "You have exceeded the daily rate limit of ({cap}) for {} Update registrant's status API requests for the registrant ({email}). You can resume these API requests at GMT 00:00:00.",
                kind.as_str()
            ),
            Counter::Invites => format!(
                "You have exceeded the daily rate limit ({cap}) of user invite requests permitted for this account. You may resume these requests at GMT 00:00:00."
            ),
        }
    }
}

pub(crate) struct UserLimits {
    plan: Plan,
    session_writes: u32,
    /// The UTC day `used` counts.
    day: NaiveDate,
    used: HashMap<Counter, u32>,
}

impl UserLimits {
    pub fn new(plan: Plan, session_writes: u32) -> Self {
        UserLimits {
            plan,
            session_writes,
            day: NaiveDate::MIN,
            used: HashMap::new(),
        }
    }

    pub fn set_session_writes(&mut self, cap: u32) {
        self.session_writes = cap;
    }

    fn cap(&self, counter: &Counter) -> u32 {
        match counter {
            Counter::SessionWrites { .. } => self.session_writes,
            Counter::Registration { .. } => REGISTRATIONS_PER_REGISTRANT,
            Counter::RegistrantStatus { .. } => STATUS_CHANGES_PER_REGISTRANT,
            Counter::Invites => daily_user_invites(self.plan),
        }
    }

    /// Counts one request against each counter if all have room today; otherwise counts
    /// nothing and answers the 429 of the first that is spent. `label` is the endpoint's, for
    /// `X-RateLimit-Category`.
    pub fn take(
        &mut self,
        counters: &[Counter],
        label: Label,
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        let today = now.date_naive();
        if self.day != today {
            self.day = today;
            self.used.clear();
        }
        if let Some(spent) = counters
            .iter()
            .find(|c| self.used.get(*c).copied().unwrap_or(0) >= self.cap(c))
        {
            let cap = self.cap(spent);
            return Err(respond::daily_limited(
                label,
                None,
                next_utc_midnight(now),
                &spent.message(cap),
            )
            .into());
        }
        for counter in counters {
            *self.used.entry(counter.clone()).or_default() += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use axum::response::IntoResponse;
    use chrono::{TimeDelta, TimeZone};

    use super::*;

    fn noon() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
    }

    #[test]
    fn each_counter_has_its_cap_per_utc_day() {
        let mut limits = UserLimits::new(Plan::Free, 2);
        let host = Counter::SessionWrites {
            host_id: "h".into(),
        };
        let other = Counter::SessionWrites {
            host_id: "o".into(),
        };
        for _ in 0..2 {
            assert!(
                limits
                    .take(std::slice::from_ref(&host), Label::Light, noon())
                    .is_ok()
            );
        }
        let refused = limits
            .take(std::slice::from_ref(&host), Label::Light, noon())
            .unwrap_err()
            .into_response();
        assert_eq!(refused.status(), 429);
        assert_eq!(
            refused.headers()["retry-after"],
            "2026-11-24T00:00:00Z",
            "the next midnight"
        );
        assert!(limits.take(&[other], Label::Light, noon()).is_ok());
        let tomorrow = noon() + TimeDelta::days(1);
        assert!(limits.take(&[host], Label::Light, tomorrow).is_ok());

        for _ in 0..50 {
            assert!(
                limits
                    .take(&[Counter::Invites], Label::Light, noon())
                    .is_ok()
            );
        }
        assert!(
            limits
                .take(&[Counter::Invites], Label::Light, noon())
                .is_err()
        );
    }

    #[test]
    fn registrants_count_by_email_in_any_case_and_a_refusal_counts_nothing() {
        let mut limits = UserLimits::new(Plan::Pro, 100);
        let a = |email: &str| Counter::registration(SessionKind::Meeting, 1, email);
        for email in ["A@example.com", "a@example.com", "a@EXAMPLE.com"] {
            assert!(limits.take(&[a(email)], Label::Light, noon()).is_ok());
        }
        assert!(
            limits
                .take(&[a("a@example.com")], Label::Light, noon())
                .is_err()
        );
        // Another meeting, another count.
        let b = Counter::registration(SessionKind::Webinar, 1, "a@example.com");
        assert!(limits.take(&[b], Label::Light, noon()).is_ok());

        let status = |email: &str| Counter::registrant_status(SessionKind::Meeting, 1, email);
        for _ in 0..9 {
            assert!(
                limits
                    .take(&[status("x@e.com")], Label::Medium, noon())
                    .is_ok()
            );
        }
        // Both would count; one has room for one more, the other is fresh: both go in.
        assert!(
            limits
                .take(
                    &[status("x@e.com"), status("y@e.com")],
                    Label::Medium,
                    noon()
                )
                .is_ok()
        );
        // Now x is spent: y is not counted either.
        assert!(
            limits
                .take(
                    &[status("y@e.com"), status("x@e.com")],
                    Label::Medium,
                    noon()
                )
                .is_err()
        );
        for _ in 0..9 {
            assert!(
                limits
                    .take(&[status("y@e.com")], Label::Medium, noon())
                    .is_ok()
            );
        }
        assert!(
            limits
                .take(&[status("y@e.com")], Label::Medium, noon())
                .is_err()
        );
    }
}
