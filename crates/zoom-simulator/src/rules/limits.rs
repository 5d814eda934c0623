//! Zoom's account-level limits (<https://developers.zoom.us/docs/api/rate-limits/>) as the
//! simulator enforces them: per label, at most `window_limit` calls in any window of its length (a
//! sliding log, so no burst at a window edge gets through), and per daily pool a count per UTC day.
//! Pure: callers pass the time, so tests need no sleeping.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

use chrono::{DateTime, Days, NaiveDate, Utc};
use tokio::time::Instant;

use zoom_api::plan::{DailyPool, Label, Plan, daily_limit, window_limit};

/// Arrival times within the last `per`.
#[derive(Debug)]
pub(crate) struct SlidingWindow {
    per: Duration,
    arrivals: VecDeque<Instant>,
}

impl SlidingWindow {
    pub fn new(per: Duration) -> Self {
        SlidingWindow {
            per,
            arrivals: VecDeque::new(),
        }
    }

    /// Calls in the window `(now - per, now]`.
    pub fn count(&mut self, now: Instant) -> usize {
        while self.arrivals.front().is_some_and(|&t| t + self.per <= now) {
            self.arrivals.pop_front();
        }
        self.arrivals.len()
    }

    pub fn push(&mut self, now: Instant) {
        // Concurrent requests can take the lock slightly out of order; keeping the log sorted
        // keeps eviction from the front correct.
        let now = self.arrivals.back().map_or(now, |&last| now.max(last));
        self.arrivals.push_back(now);
    }

    /// How long until the oldest call leaves the window.
    pub fn wait(&self, now: Instant) -> Duration {
        self.arrivals.front().map_or(Duration::ZERO, |&t| {
            (t + self.per).saturating_duration_since(now)
        })
    }

    pub fn clear(&mut self) {
        self.arrivals.clear();
    }
}

/// What a call that got past the gate carries to its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quota {
    pub label: Label,
    /// `(limit, remaining)` of the label's daily pool, where the plan has one.
    pub daily: Option<(u32, u32)>,
    /// How long to hold the answer back ([`FaultKind::StallResponse`]); set by the gate.
    ///
    /// [`FaultKind::StallResponse`]: crate::FaultKind::StallResponse
    pub stall: Duration,
    /// Whether to put U+0000 into the answer's text ([`FaultKind::NulInText`]); set by the gate.
    ///
    /// [`FaultKind::NulInText`]: crate::FaultKind::NulInText
    pub nul_in_text: bool,
}

/// Why a call was answered 429.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Limited {
    Window {
        label: Label,
        limit: u32,
        /// Sent as `Retry-After` seconds when `Some`.
        retry_after: Option<Duration>,
    },
    Daily {
        label: Label,
        limit: Option<u32>,
        resets_at: DateTime<Utc>,
    },
}

pub(crate) struct RateLimiter {
    plan: Plan,
    windows: BTreeMap<Label, SlidingWindow>,
    days: HashMap<DailyPool, (NaiveDate, u32)>,
}

impl RateLimiter {
    pub fn new(plan: Plan) -> Self {
        RateLimiter {
            plan,
            windows: Label::ALL
                .into_iter()
                .map(|l| (l, SlidingWindow::new(window_limit(plan, l).per)))
                .collect(),
            days: HashMap::new(),
        }
    }

    /// Counts the call if both the daily pool and the window have room. A refused call uses
    /// neither, so a client that backs off gets back in.
    pub fn admit(
        &mut self,
        label: Label,
        now: Instant,
        now_utc: DateTime<Utc>,
    ) -> Result<Quota, Limited> {
        let today = now_utc.date_naive();
        let daily = daily_limit(self.plan, label).map(|(pool, cap)| {
            let entry = self.days.entry(pool).or_insert((today, 0));
            if entry.0 != today {
                *entry = (today, 0);
            }
            (cap, &mut entry.1)
        });
        if let Some((cap, used)) = &daily
            && **used >= *cap
        {
            return Err(Limited::Daily {
                label,
                limit: Some(*cap),
                resets_at: next_utc_midnight(now_utc),
            });
        }
        let rate = window_limit(self.plan, label);
        let window = self
            .windows
            .entry(label)
            .or_insert_with(|| SlidingWindow::new(rate.per));
        if window.count(now) >= rate.requests as usize {
            return Err(Limited::Window {
                label,
                limit: rate.requests,
                retry_after: Some(window.wait(now)),
            });
        }
        window.push(now);
        let daily = daily.map(|(cap, used)| {
            *used += 1;
            (cap, cap - *used)
        });
        Ok(Quota {
            label,
            daily,
            stall: Duration::ZERO,
            nul_in_text: false,
        })
    }

    /// The label's window limit, for a 429 that did not come from counting.
    pub fn window_requests(&self, label: Label) -> u32 {
        window_limit(self.plan, label).requests
    }

    pub fn daily_cap(&self, label: Label) -> Option<u32> {
        daily_limit(self.plan, label).map(|(_, cap)| cap)
    }
}

/// Daily limits reset at 00:00 UTC; Zoom names that instant in `Retry-After`.
pub(crate) fn next_utc_midnight(now: DateTime<Utc>) -> DateTime<Utc> {
    let tomorrow = now
        .date_naive()
        .checked_add_days(Days::new(1))
        .unwrap_or(NaiveDate::MAX);
    tomorrow.and_time(chrono::NaiveTime::MIN).and_utc()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn noon() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap()
    }

    #[test]
    fn the_window_slides_rather_than_resetting() {
        let t0 = Instant::now();
        let mut w = SlidingWindow::new(Duration::from_secs(1));
        for i in 0..10 {
            w.push(t0 + ms(i * 100));
        }
        assert_eq!(w.count(t0 + ms(900)), 10);
        // At exactly one second the first call has left the window.
        assert_eq!(w.count(t0 + ms(1000)), 9);
        assert_eq!(w.count(t0 + ms(1450)), 5);
        assert_eq!(w.wait(t0 + ms(1450)), ms(50));
        assert_eq!(w.count(t0 + ms(5000)), 0);
        assert_eq!(w.wait(t0 + ms(5000)), Duration::ZERO);
    }

    #[test]
    fn pro_medium_allows_twenty_in_any_second() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(Plan::Pro);
        for i in 0..20 {
            let quota = limiter.admit(Label::Medium, t0 + ms(i), noon()).unwrap();
            assert_eq!(quota.daily, None);
        }
        let refused = limiter.admit(Label::Medium, t0 + ms(500), noon());
        assert_eq!(
            refused,
            Err(Limited::Window {
                label: Label::Medium,
                limit: 20,
                retry_after: Some(ms(500)),
            })
        );
        // Labels are counted apart.
        assert!(limiter.admit(Label::Light, t0 + ms(500), noon()).is_ok());
        // The refused call did not take a slot: one leaves, one gets in.
        assert!(limiter.admit(Label::Medium, t0 + ms(1000), noon()).is_ok());
        assert!(limiter.admit(Label::Medium, t0 + ms(1000), noon()).is_err());
    }

    #[test]
    fn zoom_phone_medium_is_counted_apart_at_its_own_limit() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(Plan::Pro);
        for i in 0..20 {
            limiter.admit(Label::Medium, t0 + ms(i), noon()).unwrap();
        }
        // The Meetings API's Medium is spent; Phone's is not, and holds 10 a second on Pro.
        for i in 0..10 {
            let quota = limiter.admit(Label::PhoneMedium, t0 + ms(i), noon());
            assert_eq!(quota.unwrap().daily, None);
        }
        assert!(matches!(
            limiter.admit(Label::PhoneMedium, t0 + ms(500), noon()),
            Err(Limited::Window {
                label: Label::PhoneMedium,
                limit: 10,
                ..
            })
        ));
        let mut business = RateLimiter::new(Plan::BusinessPlus);
        for i in 0..20 {
            business
                .admit(Label::PhoneMedium, t0 + ms(i), noon())
                .unwrap();
        }
        assert!(
            business
                .admit(Label::PhoneMedium, t0 + ms(21), noon())
                .is_err()
        );
    }

    #[test]
    fn daily_pools_count_per_utc_day_and_report_the_next_midnight() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(Plan::Free);
        let mut at = t0;
        for n in 1..=1000u32 {
            at += Duration::from_secs(1);
            let quota = limiter.admit(Label::Heavy, at, noon()).unwrap();
            assert_eq!(quota.daily, Some((1000, 1000 - n)));
        }
        at += Duration::from_secs(1);
        assert_eq!(
            limiter.admit(Label::Heavy, at, noon()),
            Err(Limited::Daily {
                label: Label::Heavy,
                limit: Some(1000),
                resets_at: Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap(),
            })
        );
        let tomorrow = noon() + chrono::Duration::days(1);
        assert_eq!(
            limiter.admit(Label::Heavy, at, tomorrow).unwrap().daily,
            Some((1000, 999))
        );
    }

    #[test]
    fn heavy_and_resource_intensive_share_a_daily_pool_on_pro() {
        let t0 = Instant::now();
        let mut limiter = RateLimiter::new(Plan::Pro);
        let first = limiter.admit(Label::Heavy, t0, noon()).unwrap();
        let second = limiter.admit(Label::ResourceIntensive, t0, noon()).unwrap();
        assert_eq!(first.daily, Some((30_000, 29_999)));
        assert_eq!(second.daily, Some((30_000, 29_998)));
    }

    #[test]
    fn midnight_is_the_start_of_the_next_utc_day() {
        let late = Utc.with_ymd_and_hms(2026, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(
            next_utc_midnight(late),
            Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap()
        );
    }
}
