//! Zoom's published account-level rate limits (<https://developers.zoom.us/docs/api/rate-limits/>):
//! the table of the Meetings and Users APIs, and Zoom Phone's own, used by the client to pace itself and by the simulator to answer 429s exactly where
//! Zoom would.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The account's plan. An S2S app cannot discover it, so the operator states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    Free,
    Pro,
    /// Business, Education, Enterprise and Partners share these limits.
    BusinessPlus,
}

impl Plan {
    pub const ALL: [Plan; 3] = [Plan::Free, Plan::Pro, Plan::BusinessPlus];

    pub fn as_str(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Pro => "pro",
            Plan::BusinessPlus => "business_plus",
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Plan {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Plan::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| format!("unknown plan {s:?}: expected one of free, pro, business_plus"))
    }
}

/// Zoom's "Rate Limit Label". Calls are counted per label, not per endpoint. Zoom Phone's
/// endpoints have a table of their own, counted apart from the Meetings and Users APIs' (a Phone
/// Medium call does not spend the account's Medium calls), so its labels are labels here too.
/// Only the Phone label of an endpoint the mirror calls is listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Label {
    Light,
    Medium,
    Heavy,
    ResourceIntensive,
    /// Zoom Phone's Medium.
    PhoneMedium,
}

impl Label {
    pub const ALL: [Label; 5] = [
        Label::Light,
        Label::Medium,
        Label::Heavy,
        Label::ResourceIntensive,
        Label::PhoneMedium,
    ];

    /// The spelling Zoom uses in the `X-RateLimit-Category` header.
    pub fn header_name(self) -> &'static str {
        match self {
            Label::Light => "Light",
            Label::Medium | Label::PhoneMedium => "Medium",
            Label::Heavy => "Heavy",
            Label::ResourceIntensive => "Resource-intensive",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Label::Light => "light",
            Label::Medium => "medium",
            Label::Heavy => "heavy",
            Label::ResourceIntensive => "resource_intensive",
            Label::PhoneMedium => "phone_medium",
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rate limit: `requests` per `per`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    pub requests: u32,
    pub per: Duration,
}

impl Rate {
    pub const fn per_second(requests: u32) -> Self {
        Rate {
            requests,
            per: Duration::from_secs(1),
        }
    }

    pub const fn per_minute(requests: u32) -> Self {
        Rate {
            requests,
            per: Duration::from_secs(60),
        }
    }

    /// Requests per second, as a float, for scaling and reporting.
    pub fn per_second_f64(self) -> f64 {
        f64::from(self.requests) / self.per.as_secs_f64()
    }
}

/// The short-window limit of `label` on `plan`.
pub fn window_limit(plan: Plan, label: Label) -> Rate {
    match (plan, label) {
        (Plan::Free, Label::Light) => Rate::per_second(4),
        (Plan::Free, Label::Medium) => Rate::per_second(2),
        (Plan::Free, Label::Heavy) => Rate::per_second(1),
        (Plan::Free, Label::ResourceIntensive) => Rate::per_minute(10),
        (Plan::Pro, Label::Light) => Rate::per_second(30),
        (Plan::Pro, Label::Medium) => Rate::per_second(20),
        (Plan::Pro, Label::Heavy) => Rate::per_second(10),
        (Plan::Pro, Label::ResourceIntensive) => Rate::per_minute(10),
        (Plan::BusinessPlus, Label::Light) => Rate::per_second(80),
        (Plan::BusinessPlus, Label::Medium) => Rate::per_second(60),
        (Plan::BusinessPlus, Label::Heavy) => Rate::per_second(40),
        (Plan::BusinessPlus, Label::ResourceIntensive) => Rate::per_minute(20),
        // Zoom Phone needs a paid plan; Free is given Pro's figure, the lowest published.
        (Plan::Free | Plan::Pro, Label::PhoneMedium) => Rate::per_second(10),
        (Plan::BusinessPlus, Label::PhoneMedium) => Rate::per_second(20),
    }
}

/// The daily cap of `label` on `plan`, where Zoom sets one. On Pro and Business+ Heavy and
/// Resource-intensive share one cap, which [`DailyPool`] names.
pub fn daily_limit(plan: Plan, label: Label) -> Option<(DailyPool, u32)> {
    match (plan, label) {
        (Plan::Free, Label::Light) => Some((DailyPool::Light, 6_000)),
        (Plan::Free, Label::Medium) => Some((DailyPool::Medium, 2_000)),
        (Plan::Free, Label::Heavy) => Some((DailyPool::Heavy, 1_000)),
        (Plan::Free, Label::ResourceIntensive) => Some((DailyPool::ResourceIntensive, 30_000)),
        (Plan::Pro, Label::Heavy | Label::ResourceIntensive) => {
            Some((DailyPool::HeavyAndResourceIntensive, 30_000))
        }
        (Plan::BusinessPlus, Label::Heavy | Label::ResourceIntensive) => {
            Some((DailyPool::HeavyAndResourceIntensive, 60_000))
        }
        (Plan::Pro | Plan::BusinessPlus, Label::Light | Label::Medium) => None,
        // Zoom Phone caps only its Heavy calls by the day.
        (_, Label::PhoneMedium) => None,
    }
}

/// Meeting and webinar creates and updates per host user and UTC day, across all the host's
/// meetings and webinars (<https://developers.zoom.us/docs/api/rate-limits/#daily-rate-limits>).
pub const SESSION_WRITES_PER_HOST: u32 = 100;
/// Registrations of one registrant in one meeting or webinar per UTC day.
pub const REGISTRATIONS_PER_REGISTRANT: u32 = 3;
/// Status changes of one registrant in one meeting or webinar per UTC day.
pub const STATUS_CHANGES_PER_REGISTRANT: u32 = 10;

/// `POST /users` with `action=create` per account and UTC day (Create users in
/// <https://developers.zoom.us/docs/api/users/>).
pub fn daily_user_invites(plan: Plan) -> u32 {
    match plan {
        Plan::Free => 50,
        Plan::Pro => 1_500,
        Plan::BusinessPlus => 10_000,
    }
}

/// A daily counter; some labels share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DailyPool {
    Light,
    Medium,
    Heavy,
    ResourceIntensive,
    HeavyAndResourceIntensive,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_parse_from_their_config_spelling() {
        for plan in Plan::ALL {
            assert_eq!(plan.as_str().parse::<Plan>(), Ok(plan));
        }
        assert!("enterprise".parse::<Plan>().is_err());
    }

    #[test]
    fn heavy_and_resource_intensive_share_a_daily_cap_on_paid_plans() {
        let heavy = daily_limit(Plan::Pro, Label::Heavy).unwrap();
        let intensive = daily_limit(Plan::Pro, Label::ResourceIntensive).unwrap();
        assert_eq!(heavy, intensive);
        assert_eq!(daily_limit(Plan::BusinessPlus, Label::Medium), None);
    }

    #[test]
    fn resource_intensive_is_per_minute() {
        let rate = window_limit(Plan::Pro, Label::ResourceIntensive);
        assert!((rate.per_second_f64() - 10.0 / 60.0).abs() < 1e-9);
    }
}
