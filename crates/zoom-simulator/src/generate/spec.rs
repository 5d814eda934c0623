//! [`AccountSpec`]: what account to generate, and the account facts that follow from it.

use chrono::{NaiveDate, Utc};

use crate::model::user::AccountInfo;

/// Which account to generate. Only active users host meetings, webinars and recordings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountSpec {
    pub users: usize,
    pub seed: u64,
    /// Meetings each active user hosts (some of them expired, so not all are listed).
    pub meetings_per_user: usize,
    /// Registrants of each meeting or webinar with registration on (at least one of each
    /// status on the showcase meeting and webinar).
    pub registrants_per_meeting: usize,
    /// Webinars each user with a webinar plan hosts.
    pub webinars_per_user: usize,
    /// The share of active users, in percent, with a webinar plan. Between 1 and 99, at least
    /// one active user has a plan and one has not, as soon as there are two.
    pub webinar_host_percent: u8,
    /// Cloud recordings each active user has, spread over the last 200 days.
    pub recordings_per_user: usize,
    /// Team Chat messages each active user sent over the last three weeks, in a channel of
    /// five and to another user directly; 0 for no channels and no messages.
    pub chat_messages_per_user: usize,
    /// The day meeting and recording dates hang off; `None` for today (UTC) when the
    /// simulator starts. Pin it for data that does not change with the day.
    pub today: Option<NaiveDate>,
    /// A few hosts with far more than the counts above; none by default.
    pub busy: BusyHosts,
}

/// Hosts whose listings run to many pages, as a training team's or a webinar team's do.
///
/// The first `hosts` active users in listing order (the owner first) each have, on top of the
/// per-user counts, `meetings` more meetings, `webinars` more webinars (and a webinar plan) and
/// `recordings` more cloud recordings. Those recordings all started in the 27 days before the
/// anchor day, so the month-long window of a listing that ends on that day holds them all,
/// whatever the month. With `registrants`, the first of those meetings and the first of those
/// webinars take registration and have that many registrants (at least one of each status,
/// about three quarters approved); the others have `registrants_per_meeting` where registration
/// is on. They are drawn after everything else, so they change nothing in the rest of the
/// account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BusyHosts {
    pub hosts: usize,
    pub meetings: usize,
    pub webinars: usize,
    pub registrants: usize,
    pub recordings: usize,
}

impl Default for AccountSpec {
    fn default() -> Self {
        AccountSpec {
            users: 100,
            seed: 1,
            meetings_per_user: 2,
            registrants_per_meeting: 3,
            webinars_per_user: 1,
            webinar_host_percent: 25,
            recordings_per_user: 1,
            chat_messages_per_user: 4,
            today: None,
            busy: BusyHosts::default(),
        }
    }
}

pub(crate) fn account_info(spec: &AccountSpec, account_id: &str) -> AccountInfo {
    AccountInfo {
        account_id: account_id.to_owned(),
        account_number: 10_000_000 + spec.seed % 90_000_000,
    }
}

/// The day the data hangs off: the pinned one, or today in UTC.
pub(crate) fn anchor_day(spec: &AccountSpec) -> NaiveDate {
    spec.today.unwrap_or_else(|| Utc::now().date_naive())
}
