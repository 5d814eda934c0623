//! The account's rate budget, shared with every other process calling Zoom for the same account
//! (replicas of `run`, a `sync` command, their write-back workers). Zoom's limits are the
//! account's: processes that each paced themselves at the configured rate would send, together,
//! that rate times their number.
//!
//! So a process reserves a *slice* of the account's schedule, a few calls under one label, from
//! a [`SharedBudget`] (the daemon's keeps one row per label in PostgreSQL), and spends it itself.
//! Slices never overlap, and each call of a slice has its slot in it, one rate interval after the
//! other: a call goes at its slot, or later by less than one interval (its slot is skipped, and
//! lost, once it is a whole interval late). So whatever the number of processes, any second holds
//! at most the label's rate in calls plus two (a call late by up to an interval at each end), and
//! `rate_limit_share`'s margin (0.8 by default) covers that. A slice's size adapts to what the
//! process spends: it doubles while whole slices are spent, up to [`SLICE_TIME`] of calls, and
//! halves when a slot was lost. So a busy pass takes one round trip to the database per quarter
//! second and label, and an occasional write one per call, holding no more of the account than it
//! uses.
//!
//! When the budget cannot be drawn on (PostgreSQL does not answer), no call goes out: the draw is
//! tried again with the database-outage backoff, each wait through [`Progress`] (so the stop ends
//! it and the watchdog sees it), for at most the client's `max_retry_time`; then the call fails
//! with [`ZoomError::RateBudget`].

use std::collections::HashMap;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::error::ZoomError;
use super::progress::{Progress, later};
use crate::backoff::DATABASE_OUTAGE;
use zoom_api::plan::Label;

/// The longest slice, in time: its calls are at most this much of the account's schedule that
/// one process holds, and what an expired slice can waste.
pub const SLICE_TIME: Duration = Duration::from_millis(250);

/// The account's schedule of calls per label, shared by every process that calls Zoom for it.
pub trait SharedBudget: Send + Sync {
    /// Reserves the account's next `calls` calls under `label`, the account paced at
    /// `per_second` under it: how long from now until the first of them may go. The slice lasts
    /// `calls / per_second` from then.
    fn reserve(
        &self,
        label: Label,
        calls: u32,
        per_second: f64,
    ) -> BoxFuture<'_, Result<Duration, BudgetError>>;

    /// Holds every process's calls under `label` back for `wait` from now: Zoom answered a
    /// per-second 429 to one of them.
    fn hold(&self, label: Label, wait: Duration) -> BoxFuture<'_, Result<(), BudgetError>>;
}

/// Why the shared budget could not be drawn on.
#[derive(Debug, thiserror::Error)]
#[error("{cause}")]
pub struct BudgetError {
    /// The store did not answer: trying again later may work.
    pub unavailable: bool,
    pub cause: Box<dyn std::error::Error + Send + Sync>,
}

/// The slices this process holds, one per label, drawn from the shared budget.
pub(super) struct Budget {
    shared: std::sync::Arc<dyn SharedBudget>,
    slices: HashMap<Label, Mutex<Slice>>,
    /// How long a draw waits for the store to answer again before the call fails.
    max_outage: Duration,
}

struct Slice {
    /// Calls the next reservation asks for.
    size: u32,
    /// Slots of the current slice not yet taken.
    left: u32,
    /// The next slot's time.
    next: Instant,
    /// Whether a slot of the current slice was lost, being late.
    lost: bool,
}

impl Budget {
    pub(super) fn new(shared: std::sync::Arc<dyn SharedBudget>, max_outage: Duration) -> Self {
        let now = Instant::now();
        let slices = Label::ALL
            .into_iter()
            .map(|label| {
                let empty = Slice {
                    size: 1,
                    left: 0,
                    next: now,
                    lost: false,
                };
                (label, Mutex::new(empty))
            })
            .collect();
        Budget {
            shared,
            slices,
            max_outage,
        }
    }

    /// Waits for the next slot of this process's slice of the account's `label` calls,
    /// reserving the next slice when the current one is spent or past.
    pub(super) async fn draw(
        &self,
        label: Label,
        per_second: f64,
        progress: &Progress,
    ) -> Result<(), ZoomError> {
        let stopped = || ZoomError::stopped(format!("the account's rate budget for {label} calls"));
        // Held across the reservation, so that the process has one reservation in flight per
        // label and its tasks share each slice.
        let interval = Duration::from_secs_f64(1.0 / per_second);
        let mut slice = self.slices[&label].lock().await;
        let late = Instant::now()
            .checked_duration_since(slice.next)
            .map_or(0.0, |late| late.as_secs_f64() / interval.as_secs_f64());
        if slice.left > 0 && late >= 1.0 {
            // `as` saturates: whatever the lateness, at most what is left is lost.
            let lost = (late.floor() as u32).min(slice.left);
            slice.left -= lost;
            slice.next = later(slice.next, interval.saturating_mul(lost));
            slice.lost = true;
        }
        if slice.left == 0 {
            if progress.is_stopped() {
                return Err(stopped());
            }
            slice.size = if slice.lost {
                (slice.size / 2).max(1)
            } else {
                slice.size.saturating_mul(2).min(most_calls(per_second))
            };
            let size = slice.size;
            let wait = self.reserve(label, size, per_second, progress).await?;
            slice.next = later(Instant::now(), wait);
            slice.left = size;
            slice.lost = false;
        }
        let slot = slice.next;
        slice.next = later(slot, interval);
        slice.left -= 1;
        drop(slice);
        progress.wait_until(slot).await.map_err(|_| stopped())
    }

    /// Tells every process that Zoom asked for `wait` under `label`. The local pause holds this
    /// process back whatever happens here, so a store that does not answer is only logged.
    pub(super) async fn hold(&self, label: Label, wait: Duration) {
        if let Err(error) = self.shared.hold(label, wait).await {
            tracing::warn!(
                %label,
                %error,
                "could not tell the other zoom-mirror processes of Zoom's 429 through the \
                 shared rate budget; they find out from their own 429s"
            );
        }
    }

    async fn reserve(
        &self,
        label: Label,
        calls: u32,
        per_second: f64,
        progress: &Progress,
    ) -> Result<Duration, ZoomError> {
        let began = Instant::now();
        let mut retry = 0;
        loop {
            let error = match self.shared.reserve(label, calls, per_second).await {
                Ok(wait) => {
                    if retry > 0 {
                        tracing::info!(
                            %label,
                            after = ?began.elapsed(),
                            "the account's rate budget answered again; calls resume"
                        );
                    }
                    return Ok(wait);
                }
                Err(error) => error,
            };
            retry += 1;
            let wait = DATABASE_OUTAGE.delay(retry, &mut rand::rng());
            if !error.unavailable || began.elapsed() + wait > self.max_outage {
                return Err(ZoomError::RateBudget {
                    label,
                    cause: error.to_string(),
                });
            }
            tracing::warn!(
                %label,
                %error,
                retry_in = ?wait,
                "PostgreSQL did not answer a draw on the account's rate budget; no {label} call \
                 goes out until it does"
            );
            progress.wait(wait).await.map_err(|_| {
                ZoomError::stopped(format!("the account's rate budget for {label} calls"))
            })?;
        }
    }
}

/// The most calls one slice holds: [`SLICE_TIME`] of them at `per_second`, at least one.
fn most_calls(per_second: f64) -> u32 {
    let calls = (per_second * SLICE_TIME.as_secs_f64()).floor();
    // `as` saturates: a rate too large for a u32 of calls is capped.
    (calls as u32).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_holds_a_quarter_second_of_calls_and_at_least_one() {
        assert_eq!(most_calls(16.0), 4);
        assert_eq!(most_calls(64.0), 16);
        assert_eq!(most_calls(8.0 / 60.0), 1);
        assert_eq!(most_calls(f64::MAX), u32::MAX);
    }
}
