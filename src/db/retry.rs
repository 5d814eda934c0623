//! Waiting out a database outage: attempts spaced by exponential backoff with jitter (0.5 s
//! doubling to 15 s, each up to twice that), every failure logged with its cause.

use std::future::Future;
use std::time::Duration;

use backon::Retryable;
use tokio_util::sync::CancellationToken;

use super::error::DbError;
use crate::backoff::DATABASE_OUTAGE;

/// Runs `attempt` until it succeeds or fails for a reason other than an unreachable server
/// ([`DbError::is_unavailable`]), for at most `limit` of waiting between attempts (`None`: no
/// limit). A cancelled `stop` ends the wait at once; the attempt after it is the last.
pub async fn retry_while_unavailable<T, F, Fut>(
    what: &str,
    limit: Option<Duration>,
    stop: &CancellationToken,
    attempt: F,
) -> Result<T, DbError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, DbError>>,
{
    let stopped = stop.clone();
    let sleep = move |wait| {
        let stop = stopped.clone();
        async move {
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = stop.cancelled() => {}
            }
        }
    };
    attempt
        .retry(DATABASE_OUTAGE.schedule(None, limit))
        .sleep(sleep)
        .when(|e| e.is_unavailable() && !stop.is_cancelled())
        .notify(|error, wait| {
            tracing::warn!(
                %error,
                retry_in = ?wait,
                "{what}: PostgreSQL is unavailable; trying again"
            );
        })
        .await
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn unreachable() -> DbError {
        DbError::Connect {
            server: "db:5432".into(),
            reason: "Connection refused (os error 111)".into(),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn an_unreachable_server_is_tried_again_until_it_answers() {
        let attempts = AtomicU32::new(0);
        let answer = retry_while_unavailable("test", None, &CancellationToken::new(), || async {
            match attempts.fetch_add(1, Ordering::Relaxed) {
                0..5 => Err(unreachable()),
                _ => Ok("answered"),
            }
        })
        .await;
        assert_eq!(answer.unwrap(), "answered");
        assert_eq!(attempts.load(Ordering::Relaxed), 6);
    }

    #[tokio::test(start_paused = true)]
    async fn other_failures_and_a_spent_limit_end_the_retries() {
        let attempts = AtomicU32::new(0);
        let failed: Result<(), _> =
            retry_while_unavailable("test", None, &CancellationToken::new(), || async {
                attempts.fetch_add(1, Ordering::Relaxed);
                Err(DbError::Migration("bad SQL".into()))
            })
            .await;
        assert!(matches!(failed, Err(DbError::Migration(_))));
        assert_eq!(attempts.load(Ordering::Relaxed), 1);

        let started = tokio::time::Instant::now();
        let limit = Duration::from_secs(60);
        let failed: Result<(), _> =
            retry_while_unavailable("test", Some(limit), &CancellationToken::new(), || async {
                Err(unreachable())
            })
            .await;
        assert!(failed.unwrap_err().is_unavailable());
        assert!(started.elapsed() <= limit, "{:?}", started.elapsed());
    }

    #[tokio::test(start_paused = true)]
    async fn a_stop_ends_the_wait_after_one_last_attempt() {
        let stop = CancellationToken::new();
        let stopping = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(3)).await;
            stopping.cancel();
        });
        let started = tokio::time::Instant::now();
        let failed: Result<(), _> =
            retry_while_unavailable("test", None, &stop, || async { Err(unreachable()) }).await;
        assert!(failed.is_err());
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );
    }
}
