//! Wake the workers on each insert into the queue, heard on a LISTEN connection of its own
//! (`db::queue_inserts`). Reconnects with backoff (1 s doubling to 60 s, no jitter: one
//! connection per daemon); while it is down the workers' polling still finds every row, only
//! later.

use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::backoff::{Backoff, Jitter};
use crate::db::{DbTarget, queue_inserts};

const RECONNECT: Backoff = Backoff {
    first: Duration::from_secs(1),
    max: Duration::from_secs(60),
    factor: 2,
    jitter: Jitter::NONE,
};

pub async fn listen(db: DbTarget, wake: Arc<Notify>, cancel: CancellationToken) {
    // Since the last connection that was up.
    let mut retries = 0;
    loop {
        let failed = match queue_inserts::listen(&db).await {
            Ok(mut conn) => {
                retries = 0;
                tracing::debug!("listening for new write-back rows");
                // Rows inserted while the listener was away.
                wake.notify_waiters();
                let mut notifications = pin!(conn.notifications_stream());
                loop {
                    tokio::select! {
                        () = cancel.cancelled() => return,
                        next = notifications.next() => match next {
                            Some(Ok(_)) => wake.notify_waiters(),
                            Some(Err(error)) => {
                                tracing::warn!(%error, "the write-back LISTEN connection failed; reconnecting");
                                break;
                            }
                            None => {
                                tracing::warn!("the write-back LISTEN connection closed; reconnecting");
                                break;
                            }
                        },
                    }
                }
                None
            }
            Err(error) => Some(error),
        };
        retries += 1;
        let delay = RECONNECT.delay(retries, &mut rand::rng());
        if let Some(error) = failed {
            tracing::warn!(
                %error,
                retry_in = ?delay,
                "cannot LISTEN for new write-back rows; polling meanwhile"
            );
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(delay) => {}
        }
    }
}
