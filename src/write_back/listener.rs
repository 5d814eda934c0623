//! Wake the workers on each insert into the queue, heard on a LISTEN connection of its own
//! (`db::queue_inserts`). Reconnects with backoff; while it is down the
//! workers' polling still finds every row, only later.

use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use crate::db::{DbTarget, queue_inserts};

pub async fn listen(db: DbTarget, wake: Arc<Notify>, cancel: CancellationToken) {
    let mut delay = Duration::from_secs(1);
    loop {
        match queue_inserts::listen(&db).await {
            Ok(mut conn) => {
                delay = Duration::from_secs(1);
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
            }
            Err(error) => tracing::warn!(
                %error,
                retry_in = ?delay,
                "cannot LISTEN for new write-back rows; polling meanwhile"
            ),
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(delay) => {}
        }
        delay = (delay * 2).min(Duration::from_secs(60));
    }
}
