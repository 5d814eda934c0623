//! A running pass's progress: every few seconds its figures (parents done of total, calls,
//! rows) go to its `zoom.sync_runs` row, which `zoom-mirror status` reads, and every half
//! minute one log line says the same with the time elapsed and an estimate of the time left.
//! The pass's end is recorded by the pass itself, once the reporter has stopped.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;
use zoom_api::plan::Label;

use super::SyncContext;
use super::counts::PassCounts;
use super::entity::Entity;
use crate::db::sync_runs::{self, Parents, Progress, RowCounts};
use crate::db::{self, DbError};
use crate::zoom::ZoomClient;

/// How often a running pass records and logs its progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgressIntervals {
    /// Between writes of the progress to the pass's `zoom.sync_runs` row.
    pub record: Duration,
    /// Between progress log lines.
    pub log: Duration,
}

impl Default for ProgressIntervals {
    /// A row a few seconds behind at most for `status`, a log line each half minute.
    fn default() -> Self {
        ProgressIntervals {
            record: Duration::from_secs(5),
            log: Duration::from_secs(30),
        }
    }
}

/// What the reporter reads of one pass.
pub(super) struct Pass<'a> {
    pub run_id: i64,
    pub entity: Entity,
    pub counts: &'a PassCounts,
    /// The pass's own handle: its calls, by label.
    pub client: &'a ZoomClient,
    pub started: Instant,
}

impl Pass<'_> {
    pub fn progress(&self) -> Progress {
        Progress {
            api_calls: count(self.client.calls()),
            counts: RowCounts {
                repaired: count(self.client.repaired()),
                ..self.counts.get()
            },
            parents: self.counts.parents(),
        }
    }

    /// The time left, as [`time_left`] estimates it from this pass's figures and the client's
    /// paces.
    fn time_left(&self, parents: Option<Parents>) -> Option<Duration> {
        let limits = self.client.limits();
        let calls = Label::ALL.map(|label| {
            let calls = self.client.calls_under(label);
            (calls, limits.per_second(label))
        });
        time_left(parents?, &calls)
    }
}

/// Records and logs `pass`'s progress at `intervals` until `stop` is cancelled. A write in
/// flight when it is finishes first, so that the pass's end, recorded next, is the last word.
pub(super) async fn report(
    ctx: &SyncContext,
    pass: &Pass<'_>,
    intervals: ProgressIntervals,
    stop: &CancellationToken,
) {
    let start = tokio::time::Instant::now();
    let mut record = tokio::time::interval_at(start + intervals.record, intervals.record);
    let mut log = tokio::time::interval_at(start + intervals.log, intervals.log);
    for ticks in [&mut record, &mut log] {
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    }
    loop {
        tokio::select! {
            biased;
            () = stop.cancelled() => return,
            _ = record.tick() => {
                if let Err(error) = write(ctx, pass).await {
                    tracing::warn!(
                        entity = %pass.entity,
                        run_id = pass.run_id,
                        %error,
                        "could not record the sync pass's progress (the pass goes on; `status` \
                         shows older figures until a write succeeds)"
                    );
                }
            }
            _ = log.tick() => log_progress(pass),
        }
    }
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

async fn write(ctx: &SyncContext, pass: &Pass<'_>) -> Result<(), DbError> {
    let progress = pass.progress();
    let now = ctx.clock().now();
    let finish = pass
        .time_left(progress.parents)
        .and_then(|left| estimated_finish(now, left));
    let mut conn = db::connection(&ctx.pool).await?;
    sync_runs::progress(&mut conn, pass.run_id, &progress, now, finish).await
}

fn estimated_finish(now: DateTime<Utc>, left: Duration) -> Option<DateTime<Utc>> {
    now.checked_add_signed(chrono::Duration::from_std(left).ok()?)
}

fn log_progress(pass: &Pass<'_>) {
    let progress = pass.progress();
    let c = progress.counts;
    let parents = progress.parents;
    tracing::info!(
        entity = %pass.entity,
        run_id = pass.run_id,
        parents_done = parents.map(|p| p.done),
        parents_total = parents.map(|p| p.total),
        api_calls = progress.api_calls,
        rows = c.inserted + c.updated + c.unchanged,
        deleted = c.deleted,
        elapsed_s = pass.started.elapsed().as_secs(),
        estimated_left_s = pass.time_left(parents).map(|left| left.as_secs()),
        "sync pass progress: {}",
        ParentsDone(parents),
    );
}

/// "12 of 40 parents done", or what is known instead: every place that prints a running pass's
/// parents says it this way.
pub struct ParentsDone(pub Option<Parents>);

impl std::fmt::Display for ParentsDone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(Parents { done, total }) => write!(f, "{done} of {total} parents done"),
            None => f.write_str("parents: total unknown"),
        }
    }
}

/// The time a rate-bound pass has left: the parents left, times the calls each parent has
/// taken so far under each label, at that label's pace (`calls`: calls made and requests per
/// second, per label); the slowest label decides. `None` until a parent is done.
///
/// An estimate: it assumes the parents left cost what the finished ones did (the calls of the
/// parents in hand count as theirs, so it runs high early on) and that the pass has its paces
/// to itself, while passes running beside it share them.
fn time_left(parents: Parents, calls: &[(u64, f64)]) -> Option<Duration> {
    if parents.done <= 0 {
        return None;
    }
    let left = parents.total.saturating_sub(parents.done).max(0) as f64;
    let per_parent = |calls: u64| calls as f64 / parents.done as f64;
    let secs = calls
        .iter()
        .filter(|(calls, per_second)| *calls > 0 && *per_second > 0.0)
        .map(|&(calls, per_second)| left * per_parent(calls) / per_second)
        .fold(0.0, f64::max);
    Duration::try_from_secs_f64(secs).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parents(done: i64, total: i64) -> Parents {
        Parents { done, total }
    }

    #[test]
    fn parents_left_times_calls_per_parent_at_the_pace() {
        // 10 of 110 done in 20 calls: 2 a parent, 100 left, 200 calls at 4 a second.
        let left = time_left(parents(10, 110), &[(20, 4.0)]).unwrap();
        assert_eq!(left, Duration::from_secs(50));
    }

    #[test]
    fn the_slowest_label_decides() {
        // Per parent: 1 Medium call at 10/s, 3 Light calls at 60/s; 30 left.
        let calls = [(30, 60.0), (10, 10.0)];
        let left = time_left(parents(10, 40), &calls).unwrap();
        assert_eq!(left, Duration::from_secs(3));
        let calls = [(10, 10.0), (300, 60.0)];
        let left = time_left(parents(10, 40), &calls).unwrap();
        assert_eq!(left, Duration::from_secs(15), "30 Light calls a parent");
    }

    #[test]
    fn unknown_until_a_parent_is_done() {
        assert_eq!(time_left(parents(0, 40), &[(5, 10.0)]), None);
    }

    #[test]
    fn nothing_left_once_every_parent_is_done() {
        assert_eq!(
            time_left(parents(40, 40), &[(80, 10.0)]),
            Some(Duration::ZERO)
        );
        // The mirror lost parents since the walk was counted.
        assert_eq!(
            time_left(parents(42, 40), &[(84, 10.0)]),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn labels_without_calls_or_pace_weigh_nothing() {
        let calls = [(0, 0.5), (20, 10.0), (7, 0.0)];
        let left = time_left(parents(10, 20), &calls).unwrap();
        assert_eq!(left, Duration::from_secs(2));
    }

    #[test]
    fn done_is_said_with_its_total_or_as_unknown() {
        assert_eq!(
            ParentsDone(Some(parents(3, 9))).to_string(),
            "3 of 9 parents done"
        );
        assert_eq!(ParentsDone(None).to_string(), "parents: total unknown");
    }
}
