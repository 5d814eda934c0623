//! Client-side pacing: one governor limiter per rate-limit label, so the daemon never sends more
//! than its share of the account's limits, and a gate per label that a per-second 429 closes for
//! a while (governor cannot change a quota at runtime). Every wait goes through [`Progress`], so
//! the daemon's stop ends it and the watchdog counts it as progress.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::Clock;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::time::Instant;

use super::progress::{Progress, Stopped, later};
use zoom_api::plan::{Label, Plan, window_limit};

pub struct RateLimits {
    labels: HashMap<Label, LabelLimiter>,
}

struct LabelLimiter {
    per_second: f64,
    limiter: DefaultDirectRateLimiter,
    paused_until: Mutex<Option<Instant>>,
}

impl RateLimits {
    /// Each label is paced at `plan limit × share`, or at its override (requests per second).
    pub fn new(plan: Plan, share: f64, overrides: &[(Label, f64)]) -> Self {
        let labels = Label::ALL
            .into_iter()
            .map(|label| {
                let per_second = overrides
                    .iter()
                    .find(|(l, _)| *l == label)
                    .map(|(_, rate)| *rate)
                    .unwrap_or_else(|| window_limit(plan, label).per_second_f64() * share);
                (label, LabelLimiter::new(per_second))
            })
            .collect();
        RateLimits { labels }
    }

    /// The pace of `label` in requests per second.
    pub fn per_second(&self, label: Label) -> f64 {
        self.labels[&label].per_second
    }

    /// Waits until a request under `label` may be sent, or until `progress` is stopped.
    pub async fn acquire(&self, label: Label, progress: &Progress) -> Result<(), Stopped> {
        self.paused(label, progress).await?;
        let limiter = &self.labels[&label];
        loop {
            match limiter.limiter.check() {
                Ok(()) => return Ok(()),
                Err(not_until) => {
                    let wait = not_until.wait_time_from(limiter.limiter.clock().now());
                    progress.wait(wait).await?;
                }
            }
        }
    }

    /// Waits until no 429 holds `label` back.
    pub async fn paused(&self, label: Label, progress: &Progress) -> Result<(), Stopped> {
        let limiter = &self.labels[&label];
        // A 429 may close the gate again while we wait, so look again after each sleep.
        loop {
            let until = *lock(&limiter.paused_until);
            match until {
                Some(until) if until > Instant::now() => progress.wait_until(until).await?,
                _ => return Ok(()),
            }
        }
    }

    /// Holds every request under `label` back for `wait`: Zoom said this label is over its
    /// per-second limit, so the rest of the client keeps going while this label slows down.
    pub fn pause(&self, label: Label, wait: Duration) {
        let limiter = &self.labels[&label];
        let until = later(Instant::now(), wait);
        let mut paused = lock(&limiter.paused_until);
        if paused.is_none_or(|current| current < until) {
            *paused = Some(until);
        }
    }

    /// How long requests under `label` are still held back by a 429; `None` when they are not.
    pub fn paused_for(&self, label: Label) -> Option<Duration> {
        let until = (*lock(&self.labels[&label].paused_until))?;
        until
            .checked_duration_since(Instant::now())
            .filter(|left| !left.is_zero())
    }
}

impl LabelLimiter {
    fn new(per_second: f64) -> Self {
        // A burst of one spaces requests evenly, so no window of the limit's length ever holds
        // more than the pace allows, bursts included.
        let period = Duration::from_secs_f64(1.0 / per_second);
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MAX))
            .allow_burst(NonZeroU32::MIN);
        LabelLimiter {
            per_second,
            limiter: RateLimiter::direct(quota),
            paused_until: Mutex::new(None),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The guarded values are plain instants: a panic elsewhere cannot leave them inconsistent.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pace_is_plan_times_share_unless_overridden() {
        let limits = RateLimits::new(Plan::Pro, 0.8, &[(Label::Light, 5.0)]);
        assert!((limits.per_second(Label::Medium) - 16.0).abs() < 1e-9);
        assert!((limits.per_second(Label::Light) - 5.0).abs() < 1e-9);
        assert!((limits.per_second(Label::ResourceIntensive) - 8.0 / 60.0).abs() < 1e-9);
        // Zoom Phone's own table: 10/s on Pro, whatever the Meetings API's Medium is.
        assert!((limits.per_second(Label::PhoneMedium) - 8.0).abs() < 1e-9);
    }

    fn progress() -> Progress {
        Progress::new(Duration::from_secs(30))
    }

    #[tokio::test]
    async fn requests_are_spaced_by_the_pace() {
        let limits = RateLimits::new(Plan::Pro, 1.0, &[(Label::Medium, 50.0)]);
        let progress = progress();
        let start = std::time::Instant::now();
        for _ in 0..11 {
            limits.acquire(Label::Medium, &progress).await.unwrap();
        }
        // Ten gaps of 20 ms: no burst lets them through at once.
        assert!(
            start.elapsed() >= Duration::from_millis(190),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test]
    async fn a_pause_holds_only_its_label() {
        let limits = RateLimits::new(Plan::BusinessPlus, 1.0, &[]);
        let progress = progress();
        limits.pause(Label::Medium, Duration::from_millis(300));
        let start = std::time::Instant::now();
        limits.acquire(Label::Light, &progress).await.unwrap();
        assert!(start.elapsed() < Duration::from_millis(100));
        limits.acquire(Label::Medium, &progress).await.unwrap();
        assert!(start.elapsed() >= Duration::from_millis(290));
    }

    #[tokio::test]
    async fn a_pause_of_any_length_neither_panics_nor_outlasts_the_stop() {
        let limits = RateLimits::new(Plan::Pro, 1.0, &[]);
        limits.pause(Label::Medium, Duration::MAX);
        assert!(limits.paused_for(Label::Medium).unwrap() > Duration::from_secs(86_400));
        let progress = progress();
        progress.stop();
        assert_eq!(limits.acquire(Label::Medium, &progress).await, Err(Stopped));
        assert_eq!(limits.acquire(Label::Light, &progress).await, Ok(()));
    }
}
