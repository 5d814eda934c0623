//! Whether the client's calls are getting anywhere, and the stop that ends their waits.
//!
//! Every wait of the client is bounded and goes through [`Progress::wait_until`], which records
//! until when the wait is expected to last; every request records its timeout the same way. So
//! while calls are in flight, "now is past every bound they declared" means something is stuck
//! that no timeout will end: the daemon's watchdog stops its pings then, and systemd restarts
//! it. A wait on Zoom's (capped) `Retry-After` is progress; an endless one is not possible.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

pub struct Progress {
    epoch: Instant,
    request_timeout: Duration,
    in_flight: AtomicUsize,
    /// Milliseconds after `epoch` until which the calls in flight are known to be busy.
    busy_until: AtomicU64,
    stop: CancellationToken,
}

/// The daemon is stopping: a wait was cut short, or would have begun after the stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stopped;

impl Progress {
    pub fn new(request_timeout: Duration) -> Self {
        Progress {
            epoch: Instant::now(),
            request_timeout,
            in_flight: AtomicUsize::new(0),
            busy_until: AtomicU64::new(0),
            stop: CancellationToken::new(),
        }
    }

    /// Counts a call as in flight until the guard is dropped.
    pub fn call(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.busy_for(Duration::ZERO);
        InFlight(self)
    }

    /// A request is about to go out; its timeout bounds it.
    pub fn sending(&self) {
        self.busy_for(self.request_timeout);
    }

    /// An answer arrived (whatever it said).
    pub fn answered(&self) {
        self.busy_for(Duration::ZERO);
    }

    /// Sleeps until `deadline`, unless the stop comes first. A wait that would begin after the
    /// stop does not begin; one that is already over returns at once, stop or not.
    pub async fn wait_until(&self, deadline: Instant) -> Result<(), Stopped> {
        let now = Instant::now();
        if deadline <= now {
            return Ok(());
        }
        if self.stop.is_cancelled() {
            return Err(Stopped);
        }
        self.busy_for(deadline - now);
        tokio::select! {
            biased;
            () = self.stop.cancelled() => Err(Stopped),
            () = tokio::time::sleep_until(deadline) => Ok(()),
        }
    }

    pub async fn wait(&self, wait: Duration) -> Result<(), Stopped> {
        self.wait_until(later(Instant::now(), wait)).await
    }

    /// Ends every wait now and refuses new ones: the daemon is stopping.
    pub fn stop(&self) {
        self.stop.cancel();
    }

    pub fn is_stopped(&self) -> bool {
        self.stop.is_cancelled()
    }

    /// How long calls have been in flight past every bound they declared; `None` while idle
    /// or within bounds.
    pub fn stalled(&self) -> Option<Duration> {
        if self.in_flight.load(Ordering::Acquire) == 0 {
            return None;
        }
        let busy_until =
            self.epoch + Duration::from_millis(self.busy_until.load(Ordering::Acquire));
        Instant::now()
            .checked_duration_since(busy_until)
            .filter(|stalled| !stalled.is_zero())
    }

    fn busy_for(&self, bound: Duration) {
        let until = later(Instant::now(), bound).duration_since(self.epoch);
        let ms = u64::try_from(until.as_millis()).unwrap_or(u64::MAX);
        self.busy_until.fetch_max(ms, Ordering::AcqRel);
    }
}

/// `from + wait`, or the far future when that is past what an `Instant` holds.
pub fn later(from: Instant, wait: Duration) -> Instant {
    from.checked_add(wait)
        .unwrap_or_else(|| from + Duration::from_secs(86_400 * 365 * 30))
}

pub struct InFlight<'a>(&'a Progress);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.answered();
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn idle_is_never_stalled() {
        let progress = Progress::new(Duration::from_secs(30));
        tokio::time::advance(Duration::from_secs(3600)).await;
        assert_eq!(progress.stalled(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_is_stalled_only_past_what_it_declared() {
        let progress = Progress::new(Duration::from_secs(30));
        let call = progress.call();
        progress.sending();
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(progress.stalled(), None, "within the request timeout");
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(progress.stalled(), Some(Duration::from_secs(5)));
        progress.answered();
        assert_eq!(progress.stalled(), None);
        drop(call);
        tokio::time::advance(Duration::from_secs(600)).await;
        assert_eq!(progress.stalled(), None, "nothing in flight");
    }

    #[tokio::test(start_paused = true)]
    async fn a_bounded_wait_is_progress_until_it_ends() {
        let progress = Progress::new(Duration::from_secs(30));
        let _call = progress.call();
        progress.wait(Duration::from_secs(60)).await.unwrap();
        assert_eq!(progress.stalled(), None);
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(progress.stalled(), Some(Duration::from_secs(1)));
    }

    #[tokio::test(start_paused = true)]
    async fn the_stop_ends_a_wait_and_refuses_the_next() {
        let progress = std::sync::Arc::new(Progress::new(Duration::from_secs(30)));
        let waiting = {
            let progress = progress.clone();
            tokio::spawn(async move { progress.wait(Duration::from_secs(3600)).await })
        };
        tokio::time::advance(Duration::from_secs(1)).await;
        progress.stop();
        assert_eq!(waiting.await.unwrap(), Err(Stopped));
        assert_eq!(progress.wait(Duration::from_secs(1)).await, Err(Stopped));
        assert_eq!(progress.wait(Duration::ZERO).await, Ok(()));
    }

    #[test]
    fn a_wait_past_what_an_instant_holds_is_the_far_future() {
        let now = Instant::now();
        assert!(later(now, Duration::MAX) > now + Duration::from_secs(86_400 * 365));
    }
}
