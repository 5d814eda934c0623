//! The one rule for spacing retries: a first wait, multiplied by `factor` per attempt up to
//! `max`, then scaled by a random factor from `jitter` so that what failed together does not
//! come back together. Each user keeps its own figures:
//!
//! | user | first | max | factor | jitter |
//! | --- | --- | --- | --- | --- |
//! | Zoom calls (`zoom::retry`) | 250 ms | 30 s | 2 | ×[1, 2) |
//! | a per-second 429 without `Retry-After` (`zoom::client`) | 1 s | 1 s | 1 | ×[1, 1.5) |
//! | a write-back row (`write_back.retry_base_secs`, `retry_max_secs`) | base | max | 2 | ×[0.8, 1.2) |
//! | a database outage (`db::retry`, and the shared rate budget in `zoom::budget`) | 500 ms | 15 s | 2 | ×[1, 2) |
//! | the write-back LISTEN connection (`write_back::listener`) | 1 s | 60 s | 2 | none |
//!
//! Where backon drives the retries, [`Backoff::schedule`] feeds it the same waits.

use std::time::Duration;

use rand::{Rng, RngExt};

/// Waiting for PostgreSQL to answer again.
pub const DATABASE_OUTAGE: Backoff = Backoff {
    first: Duration::from_millis(500),
    max: Duration::from_secs(15),
    factor: 2,
    jitter: Jitter::UP_TO_DOUBLE,
};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Backoff {
    /// The wait before the first retry, before jitter.
    pub first: Duration,
    /// The longest wait before jitter.
    pub max: Duration,
    pub factor: u32,
    pub jitter: Jitter,
}

/// The wait is multiplied by a factor drawn uniformly from `[low, high)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Jitter {
    pub low: f64,
    pub high: f64,
}

impl Jitter {
    pub const NONE: Jitter = Jitter::between(1.0, 1.0);
    /// Up to twice the wait, as backon's jitter does.
    pub const UP_TO_DOUBLE: Jitter = Jitter::between(1.0, 2.0);
    pub const UP_TO_HALF_MORE: Jitter = Jitter::between(1.0, 1.5);
    pub const TWENTY_PERCENT: Jitter = Jitter::between(0.8, 1.2);

    pub const fn between(low: f64, high: f64) -> Jitter {
        Jitter { low, high }
    }
}

impl Backoff {
    /// The wait before retry number `retry` (1 for the first), before jitter.
    pub fn nominal(&self, retry: u32) -> Duration {
        let growth = self.factor.checked_pow(retry.saturating_sub(1));
        let wait = match growth {
            Some(growth) => self.first.saturating_mul(growth),
            None if self.first.is_zero() => Duration::ZERO,
            None => self.max,
        };
        wait.min(self.max)
    }

    /// The wait before retry number `retry` (1 for the first), jitter drawn from `rng`.
    pub fn delay<R: Rng + ?Sized>(&self, retry: u32, rng: &mut R) -> Duration {
        let nominal = self.nominal(retry);
        let Jitter { low, high } = self.jitter;
        let scale = if low < high {
            rng.random_range(low..high)
        } else {
            low
        };
        Duration::try_from_secs_f64(nominal.as_secs_f64() * scale).unwrap_or(Duration::MAX)
    }

    /// The waits for backon: at most `max_retries` of them (`None`: no limit), ending before
    /// the one that would take their sum over `max_total` (`None`: no limit).
    pub fn schedule(self, max_retries: Option<usize>, max_total: Option<Duration>) -> Schedule {
        Schedule {
            backoff: self,
            max_retries,
            max_total,
            retries: 0,
            total: Duration::ZERO,
        }
    }
}

/// The waits of one retried operation, for backon's `retry`.
#[derive(Debug, Clone)]
pub struct Schedule {
    backoff: Backoff,
    max_retries: Option<usize>,
    max_total: Option<Duration>,
    retries: usize,
    total: Duration,
}

impl Iterator for Schedule {
    type Item = Duration;

    fn next(&mut self) -> Option<Duration> {
        if self.max_retries.is_some_and(|max| self.retries >= max) {
            return None;
        }
        self.retries += 1;
        let retry = u32::try_from(self.retries).unwrap_or(u32::MAX);
        let wait = self.backoff.delay(retry, &mut rand::rng());
        let total = self.total.saturating_add(wait);
        if self.max_total.is_some_and(|max| total > max) {
            return None;
        }
        self.total = total;
        Some(wait)
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    fn policy(first: Duration, max: Duration, factor: u32, jitter: Jitter) -> Backoff {
        Backoff {
            first,
            max,
            factor,
            jitter,
        }
    }

    #[test]
    fn each_retry_waits_within_its_bounds() {
        let zoom = policy(ms(250), ms(30_000), 2, Jitter::UP_TO_DOUBLE);
        let queue = policy(ms(5_000), ms(3_600_000), 2, Jitter::TWENTY_PERCENT);
        let listener = policy(ms(1_000), ms(60_000), 2, Jitter::NONE);
        let per_second = policy(ms(1_000), ms(1_000), 1, Jitter::UP_TO_HALF_MORE);
        // (policy, retry, nominal wait in ms)
        let table = [
            (zoom, 0, 250),
            (zoom, 1, 250),
            (zoom, 2, 500),
            (zoom, 7, 16_000),
            (zoom, 8, 30_000),
            (zoom, 9, 30_000),
            (queue, 1, 5_000),
            (queue, 3, 20_000),
            (queue, 12, 3_600_000),
            (queue, 40, 3_600_000),
            (listener, 1, 1_000),
            (listener, 6, 32_000),
            (listener, 7, 60_000),
            (per_second, 1, 1_000),
            (per_second, 5, 1_000),
            (zoom, u32::MAX, 30_000),
            (queue, u32::MAX, 3_600_000),
        ];
        let mut rng = StdRng::seed_from_u64(12);
        for (backoff, retry, nominal) in table {
            assert_eq!(
                backoff.nominal(retry),
                ms(nominal),
                "{backoff:?} retry {retry}"
            );
            let (low, high) = (
                ms(nominal).mul_f64(backoff.jitter.low),
                ms(nominal).mul_f64(backoff.jitter.high),
            );
            for _ in 0..200 {
                let wait = backoff.delay(retry, &mut rng);
                let within = if low == high {
                    wait == low
                } else {
                    (low..high).contains(&wait)
                };
                assert!(
                    within,
                    "{backoff:?} retry {retry}: {wait:?} not in [{low:?}, {high:?})"
                );
            }
        }
    }

    #[test]
    fn no_wait_overflows() {
        let huge = policy(Duration::MAX, Duration::MAX, u32::MAX, Jitter::UP_TO_DOUBLE);
        let mut rng = StdRng::seed_from_u64(3);
        for retry in [1, 2, 64, u32::MAX] {
            assert_eq!(huge.delay(retry, &mut rng), Duration::MAX);
        }
        let zero = policy(Duration::ZERO, ms(10), 2, Jitter::UP_TO_DOUBLE);
        assert_eq!(zero.delay(u32::MAX, &mut rng), Duration::ZERO);
    }

    #[test]
    fn a_schedule_ends_at_its_count_or_its_total() {
        let listener = policy(ms(1_000), ms(60_000), 2, Jitter::NONE);
        let waits: Vec<_> = listener.schedule(Some(4), None).collect();
        assert_eq!(waits, [ms(1_000), ms(2_000), ms(4_000), ms(8_000)]);
        // 1 + 2 + 4 = 7 s fit in 10 s; the next 8 s would not.
        let waits: Vec<_> = listener.schedule(None, Some(ms(10_000))).collect();
        assert_eq!(waits, [ms(1_000), ms(2_000), ms(4_000)]);
        assert_eq!(listener.schedule(Some(0), None).count(), 0);
        let endless = listener.schedule(None, None).take(100).last();
        assert_eq!(endless, Some(ms(60_000)));
    }
}
