//! Wall time, in one place. Everything that stores, compares or derives a date from the time
//! (queue rows' `run_after`, Zoom's daily limits that reset at midnight UTC, the recordings
//! window, `zoom.sync_runs`, the deletion fence) reads it from a [`Clock`] it was given, or
//! takes `now` as a parameter, so that a test can set the time. Waits and elapsed times use
//! tokio's monotonic clock instead, which tests control with `tokio::time::pause`.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

/// The daemon's source of wall time: the system's, or one a test sets. Clones share the time.
#[derive(Debug, Clone, Default)]
pub enum Clock {
    #[default]
    System,
    Manual(ManualTime),
}

impl Clock {
    #[allow(
        clippy::disallowed_methods,
        reason = "the one place that reads the system's wall time"
    )]
    pub fn now(&self) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::Manual(time) => time.get(),
        }
    }

    /// Today's date in UTC, the day Zoom's daily limits count.
    pub fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
}

/// A time that stands still until it is set or advanced, shared by its clones.
#[derive(Debug, Clone)]
pub struct ManualTime(Arc<Mutex<DateTime<Utc>>>);

impl ManualTime {
    pub fn new(at: DateTime<Utc>) -> ManualTime {
        ManualTime(Arc::new(Mutex::new(at)))
    }

    pub fn get(&self) -> DateTime<Utc> {
        *self.lock()
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.lock() = at;
    }

    pub fn advance(&self, by: TimeDelta) {
        let mut time = self.lock();
        *time += by;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DateTime<Utc>> {
        // A panic cannot leave a `DateTime` half-written.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl From<ManualTime> for Clock {
    fn from(time: ManualTime) -> Clock {
        Clock::Manual(time)
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_its_clones_follow() {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 23, 59, 59).unwrap();
        let time = ManualTime::new(at);
        let clock = Clock::from(time.clone());
        let shared = clock.clone();
        assert_eq!(clock.now(), at);
        time.advance(TimeDelta::seconds(1));
        assert_eq!(shared.now(), at + TimeDelta::seconds(1));
        assert_eq!(
            shared.today(),
            NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
        );
        time.set(at);
        assert_eq!(clock.now(), at);
    }
}
