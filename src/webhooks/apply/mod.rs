//! Applying stored events to the mirror, apart from receiving them: Zoom's 3 seconds are spent
//! on storing only. Events are claimed in batches, oldest first (`FOR UPDATE SKIP LOCKED`, so
//! replicas share them), each for a lease; one that fails keeps its error and waits
//! ([`RETRY`]) before it is tried again. The inbox wakes the applier when it stores an event;
//! a short poll finds retries and events a stopped replica left. Applied events older than
//! `webhooks.keep_days` are deleted.
//!
//! Each change is written under the row's lock with the event's time as the row's source
//! time, and a row whose information is newer than the event is left alone (`stale`): an event
//! never rolls the mirror back, and a sync pass and an event on one row cannot undo each other.

mod attendance;
mod chat;
mod rows;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::Value;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::event::{self, Change, Target};
use crate::backoff::{Backoff, Jitter};
use crate::db::participants::FoundBy;
use crate::db::webhook_events::{self, Claimed};
use crate::db::{self, DbError, DbPool};
use crate::sync::SyncError;
use crate::sync::participants::past_table;
use crate::telemetry::metrics::{Metrics, WebhookOutcome};
use crate::zoom::{SessionKind, ZoomClient};

/// Events claimed at once.
const BATCH: i64 = 200;
/// How long a claim lasts: a replica that stops while applying gives its events back then.
const LEASE: Duration = Duration::from_secs(60);
/// How often due events are looked for without a wake-up (retries, a stopped replica's).
const POLL: Duration = Duration::from_secs(5);
/// How often applied events past `webhooks.keep_days` are deleted.
const SWEEP: Duration = Duration::from_secs(3600);
/// The wait before an event that failed to apply is tried again.
const RETRY: Backoff = Backoff {
    first: Duration::from_secs(1),
    max: Duration::from_secs(600),
    factor: 2,
    jitter: Jitter::TWENTY_PERCENT,
};

/// What applying an event did; the `outcome` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The mirror changed.
    Written,
    /// The mirror held it already.
    Unchanged,
    /// The row holds newer information than the event.
    Stale,
    /// The mirror keeps nothing of this event.
    Ignored,
    /// The payload lacks what applying needs; retrying cannot help.
    Unreadable,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Written => "written",
            Outcome::Unchanged => "unchanged",
            Outcome::Stale => "stale",
            Outcome::Ignored => "ignored",
            Outcome::Unreadable => "unreadable",
        }
    }
}

/// Why an event was not applied this time; it is tried again.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Sync(#[from] SyncError),
    #[error("the transaction applying the event failed: {0}")]
    Transaction(#[from] diesel::result::Error),
}

/// Applies stored events until cancelled.
#[derive(Clone)]
pub struct Applier {
    pool: DbPool,
    client: ZoomClient,
    metrics: Metrics,
    wake: Arc<Notify>,
    keep: Duration,
}

impl Applier {
    /// `wake` is what the inbox notifies when it stores an event.
    pub fn new(
        pool: DbPool,
        client: ZoomClient,
        metrics: Metrics,
        wake: Arc<Notify>,
        keep: Duration,
    ) -> Applier {
        Applier {
            pool,
            client,
            metrics,
            wake,
            keep,
        }
    }

    pub async fn run(self, cancel: CancellationToken) {
        let mut swept: Option<Instant> = None;
        loop {
            if swept.is_none_or(|at| at.elapsed() >= SWEEP) {
                swept = Some(Instant::now());
                self.sweep_logged().await;
            }
            let full = match self.apply_due().await {
                Ok(claimed) => claimed == BATCH as usize,
                Err(error) => {
                    tracing::warn!(%error, "cannot claim webhook events to apply; trying again");
                    false
                }
            };
            // A full batch: more may be due at once, unless the daemon is stopping.
            if full && !cancel.is_cancelled() {
                continue;
            }
            tokio::select! {
                () = cancel.cancelled() => return,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }

    /// Applies one batch of due events; returns how many were claimed.
    pub async fn apply_due(&self) -> Result<usize, DbError> {
        let claimed = {
            let mut conn = db::connection(&self.pool).await?;
            webhook_events::claim_due(&mut conn, BATCH, LEASE).await?
        };
        if claimed.is_empty() {
            return Ok(0);
        }
        let started = Instant::now();
        let mut outcomes: Vec<&str> = Vec::with_capacity(claimed.len());
        for event in &claimed {
            match self.apply(event).await {
                Ok((outcome, why)) => {
                    outcomes.push(outcome.as_str());
                    self.record_applied(event, outcome, why.as_deref()).await?;
                }
                Err(error) => {
                    outcomes.push("failed");
                    self.record_failed(event, &error).await?;
                }
            }
        }
        let count = |what: &str| outcomes.iter().filter(|o| **o == what).count();
        tracing::info!(
            events = claimed.len(),
            written = count("written"),
            unchanged = count("unchanged"),
            stale = count("stale"),
            ignored = count("ignored"),
            unreadable = count("unreadable"),
            failed = count("failed"),
            ms = started.elapsed().as_millis() as u64,
            "applied webhook events"
        );
        Ok(claimed.len())
    }

    async fn apply(&self, event: &Claimed) -> Result<(Outcome, Option<String>), ApplyError> {
        let payload = event.payload.get("payload").unwrap_or(&Value::Null);
        match event::change(&event.event, payload) {
            Ok(change) => self.carry_out(change, event.event_ts).await,
            Err(unreadable) => Ok((Outcome::Unreadable, Some(unreadable.to_string()))),
        }
    }

    /// Applies one change of an event that happened at `at`.
    async fn carry_out(
        &self,
        change: Change,
        at: DateTime<Utc>,
    ) -> Result<(Outcome, Option<String>), ApplyError> {
        let (target, edit) = match change {
            Change::Ignore => return Ok((Outcome::Ignored, None)),
            Change::Each(changes) => {
                let mut outcomes = Vec::with_capacity(changes.len());
                for change in changes {
                    outcomes.push(Box::pin(self.carry_out(change, at)).await?);
                }
                return Ok(strongest(outcomes));
            }
            Change::Fetch { target } => return self.fetch(&target).await,
            Change::Ended {
                kind,
                id,
                uuid,
                start_time,
                end_time,
            } => {
                let instance = self
                    .add_instance(kind, id, &uuid, start_time, end_time)
                    .await?;
                return Ok((instance, None));
            }
            Change::Attended {
                kind,
                id,
                uuid,
                start_time,
                attendance,
            } => {
                // The instance too: an instant or PMI meeting no listing shows, unrecorded,
                // whose meeting.ended event is lost, is found by its attendance alone.
                let instance = self.add_instance(kind, id, &uuid, start_time, None).await?;
                let mut conn = db::connection(&self.pool).await?;
                let now = self.client.clock().now();
                let attended =
                    attendance::write(&mut conn, past_table(kind), id, &uuid, &attendance, at, now)
                        .await?;
                return Ok(strongest(vec![(instance, None), (attended, None)]));
            }
            Change::Chat(change) => {
                let mut conn = db::connection(&self.pool).await?;
                let now = self.client.clock().now();
                return Ok((chat::write(&mut conn, &change, at, now).await?, None));
            }
            Change::Gone { target } => (target, Edit::Gone),
            Change::Merge {
                target,
                fields,
                whole,
            } => (target, Edit::Merge { fields, whole }),
        };
        match self.locked(&target, at, edit).await? {
            Some(outcome) => Ok((outcome, None)),
            None => self.fetch(&target).await,
        }
    }

    /// Adds the instance `uuid` of meeting or webinar `id` for the participants pass, or
    /// fills in the start or end it lacked.
    async fn add_instance(
        &self,
        kind: SessionKind,
        id: i64,
        uuid: &str,
        start_time: Option<DateTime<Utc>>,
        end_time: Option<DateTime<Utc>>,
    ) -> Result<Outcome, ApplyError> {
        let mut conn = db::connection(&self.pool).await?;
        let written = db::participants::add_instances(
            &mut conn,
            past_table(kind),
            id,
            &[(uuid, start_time)],
            end_time,
            FoundBy::Event,
        )
        .await?;
        Ok(if written.inserted + written.updated > 0 {
            Outcome::Written
        } else {
            Outcome::Unchanged
        })
    }

    /// Edits the target's row under its lock, unless the row is newer than the event; `None`
    /// when the event cannot build the row and the object must be read from Zoom.
    async fn locked(
        &self,
        target: &Target,
        at: DateTime<Utc>,
        edit: Edit,
    ) -> Result<Option<Outcome>, ApplyError> {
        let mut conn = db::connection(&self.pool).await?;
        let now = self.client.clock().now();
        conn.transaction(async |conn| edit_row(conn, target, at, now, edit).await)
            .await
    }

    /// Reads the target from Zoom and writes what it answers.
    async fn fetch(&self, target: &Target) -> Result<(Outcome, Option<String>), ApplyError> {
        Ok(match rows::fetch(&self.pool, &self.client, target).await? {
            Some(true) => (Outcome::Written, None),
            Some(false) => (Outcome::Unchanged, None),
            None => (
                Outcome::Unreadable,
                Some(format!("the payload cannot build the row of {target}")),
            ),
        })
    }

    async fn record_applied(
        &self,
        event: &Claimed,
        outcome: Outcome,
        why: Option<&str>,
    ) -> Result<(), DbError> {
        let mut conn = db::connection(&self.pool).await?;
        if webhook_events::applied(&mut conn, event, outcome.as_str(), why).await? {
            let counted = if outcome == Outcome::Unreadable {
                tracing::warn!(
                    event = event.event,
                    id = event.id,
                    why,
                    "a webhook event cannot be applied; kept with the reason"
                );
                WebhookOutcome::Failed
            } else {
                WebhookOutcome::Applied
            };
            self.metrics.webhook_event(&event.event, counted);
        }
        Ok(())
    }

    async fn record_failed(&self, event: &Claimed, error: &ApplyError) -> Result<(), DbError> {
        let retry = u32::try_from(event.attempts).unwrap_or(u32::MAX);
        let wait = RETRY.delay(retry, &mut rand::rng());
        tracing::warn!(
            event = event.event,
            id = event.id,
            attempts = event.attempts,
            %error,
            retry_in_secs = wait.as_secs(),
            "a webhook event failed to apply; it will be tried again"
        );
        self.metrics
            .webhook_event(&event.event, WebhookOutcome::Failed);
        let mut conn = db::connection(&self.pool).await?;
        webhook_events::failed(&mut conn, event, &error.to_string(), wait).await?;
        Ok(())
    }

    /// Deletes the events applied more than `webhooks.keep_days` ago; returns how many.
    pub async fn sweep(&self) -> Result<usize, DbError> {
        let mut conn = db::connection(&self.pool).await?;
        webhook_events::delete_applied_before(&mut conn, self.keep).await
    }

    async fn sweep_logged(&self) {
        match self.sweep().await {
            Ok(0) => {}
            Ok(deleted) => tracing::info!(
                deleted,
                keep_days = self.keep.as_secs() / 86_400,
                "deleted applied webhook events past webhooks.keep_days"
            ),
            Err(error) => {
                tracing::warn!(%error, "cannot delete old webhook events; trying again later")
            }
        }
    }
}

/// The outcome of an event of several changes: written if any wrote, else the first of
/// unreadable, stale, unchanged, ignored that one had (an event naming nothing is ignored).
fn strongest(outcomes: Vec<(Outcome, Option<String>)>) -> (Outcome, Option<String>) {
    let rank = |outcome: Outcome| match outcome {
        Outcome::Written => 0,
        Outcome::Unreadable => 1,
        Outcome::Stale => 2,
        Outcome::Unchanged => 3,
        Outcome::Ignored => 4,
    };
    outcomes
        .into_iter()
        .min_by_key(|(outcome, _)| rank(*outcome))
        .unwrap_or((Outcome::Ignored, None))
}

/// What an event does to a row it finds.
enum Edit {
    Merge {
        fields: serde_json::Map<String, Value>,
        whole: bool,
    },
    Gone,
}

async fn edit_row(
    conn: &mut AsyncPgConnection,
    target: &Target,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
    edit: Edit,
) -> Result<Option<Outcome>, ApplyError> {
    let held = rows::held(conn, target).await?;
    if let Some(held) = &held
        && held.source_time.is_some_and(|newer| newer > at)
    {
        return Ok(Some(Outcome::Stale));
    }
    let raw = match (edit, held) {
        (Edit::Gone, Some(held)) if !held.deleted => {
            let marked = rows::mark_gone(conn, target, at, now).await?;
            return Ok(Some(if marked {
                Outcome::Written
            } else {
                Outcome::Unchanged
            }));
        }
        (Edit::Gone, _) => return Ok(Some(Outcome::Unchanged)),
        // Only an event that carries the whole object can add it to the mirror.
        (Edit::Merge { whole: false, .. }, None) => return Ok(None),
        (Edit::Merge { fields, .. }, None) => Value::Object(fields),
        (Edit::Merge { fields, .. }, Some(held)) => {
            let mut raw = held.raw.clone();
            if let Value::Object(object) = &mut raw {
                object.extend(fields);
            }
            if raw == held.raw && !held.deleted {
                return Ok(Some(Outcome::Unchanged));
            }
            raw
        }
    };
    let built = rows::write(conn, target, &raw, at, now).await?;
    Ok(built.then_some(Outcome::Written))
}
