//! Walking the mirror's own rows (the hosts, the meetings) in key order, a batch at a time, and
//! fanning the per-row work out: a pass holds one batch, never the account.

use std::future::Future;

use futures::{Stream, TryFutureExt, TryStreamExt, stream};

use super::error::SyncError;
use super::listing::Sink;

/// Rows read per query.
pub(super) const BATCH: i64 = 500;

/// Every row `next` returns, batch after batch: `next(after)` reads up to [`BATCH`] rows whose
/// key follows `after` (`None`: from the start), and `key` gives a row's key.
pub(super) fn in_batches<'a, T, K, Fut>(
    key: fn(&T) -> K,
    next: impl FnMut(Option<K>) -> Fut + 'a,
) -> impl Stream<Item = Result<T, SyncError>> + 'a
where
    T: 'a,
    K: 'a,
    Fut: Future<Output = Result<Vec<T>, SyncError>> + 'a,
{
    stream::try_unfold(
        (next, None, false),
        move |(mut next, after, done)| async move {
            if done {
                return Ok::<_, SyncError>(None);
            }
            let batch = next(after).await?;
            let done = (batch.len() as i64) < BATCH;
            let Some(last) = batch.last() else {
                return Ok(None);
            };
            let after = Some(key(last));
            Ok(Some((
                stream::iter(batch.into_iter().map(Ok)),
                (next, after, done),
            )))
        },
    )
    .try_flatten()
}

/// The parents a pass walks: how many there are, counted as the walk begins, and the rows.
pub(super) struct Walk<S> {
    pub total: i64,
    pub rows: S,
}

/// Runs `work` on every row, `concurrency` at a time, counting each parent done in the pass's
/// progress. The first error stops the pass, as does the sink's `cancel`; work already
/// finished stays done (and counted, since work counts as it writes).
pub(super) async fn for_each<T, Fut>(
    walk: Walk<impl Stream<Item = Result<T, SyncError>>>,
    concurrency: usize,
    sink: &Sink<'_>,
    work: impl Fn(T) -> Fut,
) -> Result<(), SyncError>
where
    Fut: Future<Output = Result<(), SyncError>>,
{
    sink.counts.walking(walk.total);
    let all = walk
        .rows
        .map_ok(|row| work(row).inspect_ok(|()| sink.counts.parent_done()))
        .try_buffer_unordered(concurrency.max(1))
        .try_collect::<()>();
    tokio::select! {
        biased;
        () = sink.cancel.cancelled() => Err(SyncError::Cancelled),
        total = all => total,
    }
}
