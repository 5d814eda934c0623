//! The retry policy of Zoom calls: the crate's [`Backoff`] (250 ms doubling to 30 s, each wait
//! up to twice that) driven by backon, a bounded number of attempts and a bounded total wait, and Zoom's own `Retry-After` where it gave one,
//! never more than [`MAX_RETRY_AFTER`].

use std::fmt::Display;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::Retryable;

use super::error::ZoomError;
use super::progress::Progress;
use crate::backoff::{Backoff, Jitter, Schedule};

/// The longest wait on Zoom's word. A per-second limit frees up within a second, so a longer
/// `Retry-After` comes from a fault of Zoom's or of a proxy in front of it, and obeying it
/// would hold a whole rate-limit label back (a year, in one case seen).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// Zoom's `Retry-After` for a call to `what`, at most [`MAX_RETRY_AFTER`].
pub fn bounded_retry_after(asked: Duration, what: &dyn Display) -> Duration {
    if asked <= MAX_RETRY_AFTER {
        return asked;
    }
    tracing::warn!(
        endpoint = %what,
        retry_after_secs = asked.as_secs(),
        waiting_secs = MAX_RETRY_AFTER.as_secs(),
        "Zoom's Retry-After is longer than zoom-mirror ever waits; waiting the cap instead"
    );
    MAX_RETRY_AFTER
}

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// The most time spent sleeping between attempts of one call.
    pub max_total_wait: Duration,
    pub backoff: Backoff,
}

impl RetryPolicy {
    pub fn new(max_attempts: u32, max_total_wait: Duration) -> Self {
        RetryPolicy {
            max_attempts: max_attempts.max(1),
            max_total_wait,
            backoff: Backoff {
                first: Duration::from_millis(250),
                max: Duration::from_secs(30),
                factor: 2,
                jitter: Jitter::UP_TO_DOUBLE,
            },
        }
    }

    fn schedule(&self) -> Schedule {
        let retries = self.max_attempts.saturating_sub(1) as usize;
        self.backoff
            .schedule(Some(retries), Some(self.max_total_wait))
    }
}

/// How one attempt failed.
#[derive(Debug)]
pub enum AttemptError {
    /// Worth another attempt; after `after` when Zoom said how long to wait.
    Retry {
        after: Option<Duration>,
        error: ZoomError,
    },
    /// Retrying cannot help.
    Fatal(ZoomError),
}

impl AttemptError {
    /// What failed, whether or not another attempt could help.
    pub fn into_error(self) -> ZoomError {
        match self {
            AttemptError::Retry { error, .. } | AttemptError::Fatal(error) => error,
        }
    }
}

/// Runs `attempt` until it succeeds, fails fatally, or the policy is spent. A spent policy
/// returns [`ZoomError::Exhausted`] carrying the last error. The waits between attempts go
/// through `progress`: once it is stopped, no further attempt is made.
pub async fn retry<T, F, Fut>(
    policy: &RetryPolicy,
    what: &str,
    progress: &Arc<Progress>,
    mut attempt: F,
) -> Result<T, ZoomError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AttemptError>>,
{
    let attempts = AtomicU32::new(0);
    let sleeper = {
        let progress = progress.clone();
        move |wait| {
            let progress = progress.clone();
            // A stop ends the sleep early; the attempt after it then declines to run.
            async move { progress.wait(wait).await.unwrap_or(()) }
        }
    };
    let result = (|| {
        let first = attempts.fetch_add(1, Ordering::Relaxed) == 0;
        let next = (first || !progress.is_stopped()).then(&mut attempt);
        async move {
            match next {
                Some(attempt) => attempt.await,
                None => Err(AttemptError::Fatal(ZoomError::stopped(format!(
                    "the next attempt of Zoom {what}"
                )))),
            }
        }
    })
    .retry(policy.schedule())
    .sleep(sleeper)
    .when(|e| matches!(e, AttemptError::Retry { .. }))
    .adjust(|e, backoff| match (e, backoff) {
        // Zoom's word beats our guess, unless it asks for more than the whole budget.
        (AttemptError::Retry { after: Some(after), .. }, Some(_)) => {
            (*after <= policy.max_total_wait).then_some(*after)
        }
        (_, backoff) => backoff,
    })
    .notify(|e, wait| {
        if let AttemptError::Retry { error, .. } = e {
            tracing::warn!(%error, ?wait, attempt = attempts.load(Ordering::Relaxed), "retrying Zoom {what}");
        }
    })
    .await;
    result.map_err(|e| match e {
        AttemptError::Retry { error, .. } => ZoomError::Exhausted {
            attempts: attempts.load(Ordering::Relaxed),
            last: Box::new(error),
        },
        AttemptError::Fatal(error) => error,
    })
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use zoom_api::endpoint::Endpoint;

    fn transient() -> ZoomError {
        ZoomError::Api {
            endpoint: Endpoint::ListUsers,
            status: 502,
            code: None,
            message: "bad gateway".into(),
            tracking_id: None,
        }
    }

    fn progress() -> Arc<Progress> {
        Arc::new(Progress::new(Duration::from_secs(30)))
    }

    fn fast(max_attempts: u32) -> RetryPolicy {
        let policy = RetryPolicy::new(max_attempts, Duration::from_secs(5));
        RetryPolicy {
            backoff: Backoff {
                first: Duration::from_millis(1),
                max: Duration::from_millis(2),
                ..policy.backoff
            },
            ..policy
        }
    }

    #[tokio::test]
    async fn gives_up_after_max_attempts_with_the_last_error() {
        let calls = Cell::new(0);
        let result: Result<(), _> = retry(&fast(3), "test", &progress(), || {
            calls.set(calls.get() + 1);
            async {
                Err(AttemptError::Retry {
                    after: None,
                    error: transient(),
                })
            }
        })
        .await;
        assert_eq!(calls.get(), 3);
        match result {
            Err(ZoomError::Exhausted { attempts: 3, last }) => {
                assert!(matches!(*last, ZoomError::Api { status: 502, .. }))
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[tokio::test]
    async fn fatal_errors_are_not_retried() {
        let calls = Cell::new(0);
        let result: Result<(), _> = retry(&fast(5), "test", &progress(), || {
            calls.set(calls.get() + 1);
            async { Err(AttemptError::Fatal(transient())) }
        })
        .await;
        assert_eq!(calls.get(), 1);
        assert!(matches!(result, Err(ZoomError::Api { .. })));
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_is_honoured() {
        let start = tokio::time::Instant::now();
        let calls = Cell::new(0);
        let result = retry(&fast(3), "test", &progress(), || {
            calls.set(calls.get() + 1);
            let n = calls.get();
            async move {
                if n == 1 {
                    Err(AttemptError::Retry {
                        after: Some(Duration::from_secs(2)),
                        error: transient(),
                    })
                } else {
                    Ok(n)
                }
            }
        })
        .await;
        assert_eq!(result.unwrap(), 2);
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_stop_ends_the_wait_and_no_attempt_follows() {
        let progress = progress();
        let calls = Cell::new(0);
        let stop = {
            let progress = progress.clone();
            async move {
                tokio::time::sleep(Duration::from_secs(1)).await;
                progress.stop();
            }
        };
        let started = tokio::time::Instant::now();
        let policy = fast(5);
        let (result, ()) = tokio::join!(
            retry(&policy, "test", &progress, || {
                calls.set(calls.get() + 1);
                async {
                    Err::<(), _>(AttemptError::Retry {
                        after: Some(Duration::from_secs(4)),
                        error: transient(),
                    })
                }
            }),
            stop
        );
        assert_eq!(calls.get(), 1);
        assert_eq!(started.elapsed(), Duration::from_secs(1));
        let error = result.unwrap_err();
        assert!(error.is_stopped(), "{error}");
    }

    #[test]
    fn zoom_s_wait_is_capped() {
        let what = "list users";
        assert_eq!(
            bounded_retry_after(Duration::from_secs(7), &what),
            Duration::from_secs(7)
        );
        for asked in [3_153_600_000, u64::MAX] {
            assert_eq!(
                bounded_retry_after(Duration::from_secs(asked), &what),
                MAX_RETRY_AFTER
            );
        }
    }
}
