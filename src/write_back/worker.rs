//! One row, one attempt: validate, look for an interrupted attempt's effect, spend the daily
//! quota, wait for the rate limiter, mark the call started, call Zoom once, record the
//! outcome, refresh the mirror. A heartbeat keeps the lease meanwhile.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::kinds::ErrorKind;
use super::outcome::{Next, after_failure, row_backoff};
use super::quota::quotas;
use super::reconcile::look;
use super::refresh::refresh;
use super::request::{Subject, ZoomRequest};
use super::step::{Step, Tries, next_step};
use super::validate::{Invalid, decode, validate};
use super::{WriteBack, WriteBackError};
use crate::backoff::Backoff;
use crate::db::daily_quota::{self, Quota};
use crate::db::write_queue::{self, Claimed, Entry, Fence, Retried};
use crate::db::{self, sessions::Known};
use crate::sync::sessions::table as session_table;
use crate::zoom::Call;
use crate::zoom::classify::next_utc_midnight;

/// How a row's attempt ended, for the log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ended {
    Succeeded,
    Adopted,
    Failed,
    Invalid,
    Retrying,
    Snoozed,
    Released,
    LeaseLost,
}

impl Ended {
    fn as_str(self) -> &'static str {
        match self {
            Ended::Succeeded => "succeeded",
            Ended::Adopted => "succeeded (adopted an interrupted attempt's effect)",
            Ended::Failed => "failed",
            Ended::Invalid => "failed validation (Zoom not called)",
            Ended::Retrying => "will retry",
            Ended::Snoozed => "waits for a daily limit",
            Ended::Released => "released at shutdown before reaching Zoom (attempt not counted)",
            Ended::LeaseLost => "lease lost (another daemon took the row over)",
        }
    }
}

impl WriteBack {
    /// Carries out one claimed row, renewing its lease until the attempt ends.
    pub(super) async fn carry_out(&self, row: Claimed) {
        let started = Instant::now();
        let fence = row.fence(&self.worker_id);
        let call_started = AtomicBool::new(false);
        let attempt = self.attempt(&row, &fence, &call_started);
        let mut attempt = std::pin::pin!(attempt);
        let ended = tokio::select! {
            ended = &mut attempt => ended,
            () = self.keep_lease(&fence) => {
                if call_started.load(Ordering::Acquire) {
                    // Zoom may act on it: see the call through, the fenced outcome will say.
                    attempt.await
                } else {
                    Ok(Ended::LeaseLost)
                }
            }
        };
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match ended {
            Ok(Ended::LeaseLost) => tracing::error!(
                id = row.id,
                action = row.action,
                attempt = row.attempts,
                elapsed_ms,
                "write-back row: lease lost; the lease (write_back.lease_secs) is too short for \
                 this database or Zoom, or the clock jumped"
            ),
            Ok(ended) => tracing::info!(
                id = row.id,
                action = row.action,
                target = row.target.as_deref().unwrap_or("-"),
                attempt = row.attempts,
                elapsed_ms,
                "write-back row {}",
                ended.as_str()
            ),
            // The row stays running; its lease runs out and the rescuer returns it.
            Err(error) => tracing::error!(
                id = row.id,
                action = row.action,
                attempt = row.attempts,
                elapsed_ms,
                %error,
                "write-back row could not be recorded; it runs again after its lease"
            ),
        }
    }

    /// Renews the lease every third of it; returns once it is lost.
    async fn keep_lease(&self, fence: &Fence<'_>) {
        let lease = self.settings.lease;
        loop {
            tokio::time::sleep(lease / 3).await;
            let renewed = match db::connection(&self.queue).await {
                Ok(mut conn) => write_queue::heartbeat(&mut conn, fence, lease).await,
                Err(e) => Err(e),
            };
            match renewed {
                Ok(true) => {}
                Ok(false) => return,
                Err(error) => {
                    tracing::warn!(id = fence.id, %error, "cannot renew a write-back lease")
                }
            }
        }
    }

    async fn attempt(
        &self,
        row: &Claimed,
        fence: &Fence<'_>,
        call_started: &AtomicBool,
    ) -> Result<Ended, WriteBackError> {
        let request = match self.request(row) {
            Ok(request) => request,
            Err(invalid) => {
                let reason = format!("invalid row, Zoom was not called: {invalid}");
                return self
                    .fail(fence, ErrorKind::Invalid, &reason, Ended::Invalid)
                    .await;
            }
        };
        let looked = if row.in_doubt {
            let taken = self.taken(&request).await?;
            Some(look(&self.client, &request, row.created_at, &taken).await)
        } else {
            None
        };
        let step = next_step(Tries::of(row), looked, &self.backoff());
        if step.clears_doubt() {
            let mut conn = db::connection(&self.queue).await?;
            write_queue::clear_in_doubt(&mut conn, fence).await?;
        }
        match step {
            Step::Call { .. } => self.call(row, fence, &request, call_started).await,
            Step::Record { next, .. } => self.record(fence, &request, next).await,
        }
    }

    fn backoff(&self) -> Backoff {
        row_backoff(self.settings.retry_base, self.settings.retry_max)
    }

    /// The row's Zoom request, or why it has none.
    fn request(&self, row: &Claimed) -> Result<ZoomRequest, Invalid> {
        let Some(text) = &row.payload else {
            return Err(Invalid::new(
                "payload",
                format!(
                    "{} bytes of JSON text, over write_back.max_payload_bytes ({}); it was not \
                     read (split the change into several rows)",
                    row.payload_bytes, self.settings.max_payload_bytes
                ),
            ));
        };
        validate(
            &row.action,
            row.target.as_deref(),
            &decode(text)?,
            self.settings.allow_raw,
        )
    }

    /// Spends the daily quotas, takes the rate limiter's permit, marks the call started and
    /// calls Zoom once.
    async fn call(
        &self,
        row: &Claimed,
        fence: &Fence<'_>,
        request: &ZoomRequest,
        call_started: &AtomicBool,
    ) -> Result<Ended, WriteBackError> {
        let quotas = quotas(request, self.host_of(request).await?.as_deref(), self.plan);
        if let Some(snoozed) = self.spend(&quotas).await? {
            return self.record(fence, request, snoozed).await;
        }
        let query: Vec<(&str, &str)> = request
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let call = Call {
            method: request.method.clone(),
            endpoint: request.endpoint,
            path: &request.path,
            query: &query,
            body: request.body.as_ref(),
        };
        let permit = match self.client.acquire(call).await {
            Ok(permit) => permit,
            Err(stopped) => return self.record(fence, request, Next::released(&stopped)).await,
        };
        {
            let mut conn = db::connection(&self.queue).await?;
            if !write_queue::mark_call_started(&mut conn, fence).await? {
                return Ok(Ended::LeaseLost);
            }
        }
        call_started.store(true, Ordering::Release);
        let failure = match self.client.send_once(permit).await {
            Ok(answer) => return self.succeed(fence, request, answer, None).await,
            Err(failure) => failure,
        };
        let next = after_failure(
            failure,
            request,
            row.attempts,
            row.in_doubt,
            &self.backoff(),
        );
        if let Next::Snooze { .. } = next {
            // Zoom's count wins over ours (other apps spend the same limits).
            let mut conn = db::connection(&self.queue).await?;
            for quota in &quotas {
                daily_quota::exhaust(&mut conn, quota, self.client.clock().today()).await?;
            }
        }
        self.record(fence, request, next).await
    }

    /// The meetings or webinars other rows already created for this row's host: an in-doubt
    /// create must not adopt one of them.
    async fn taken(&self, request: &ZoomRequest) -> Result<Vec<i64>, WriteBackError> {
        let Subject::NewSession { host, .. } = &request.subject else {
            return Ok(Vec::new());
        };
        let mut conn = db::connection(&self.queue).await?;
        Ok(write_queue::created_ids(&mut conn, request.action.as_str(), host).await?)
    }

    /// The user whose daily meeting and webinar writes `request` spends: the mirror knows the
    /// host of a meeting and the id behind an email; what it does not know is counted under
    /// what the row says.
    async fn host_of(&self, request: &ZoomRequest) -> Result<Option<String>, WriteBackError> {
        let mut conn = db::connection(&self.pool).await?;
        Ok(match &request.subject {
            // Emails are case-insensitive, ids are not.
            Subject::NewSession { host, .. } => {
                Some(db::users::id_of(&mut conn, host).await?.unwrap_or_else(|| {
                    if host.contains('@') {
                        host.to_lowercase()
                    } else {
                        host.clone()
                    }
                }))
            }
            Subject::Session { kind, id } => {
                db::sessions::known(&mut conn, session_table(*kind), *id)
                    .await?
                    .map(|Known { host_id, .. }| host_id)
            }
            _ => None,
        })
    }

    /// Takes one unit of each quota; the snooze when one is spent, and then none is taken.
    async fn spend(&self, quotas: &[Quota]) -> Result<Option<Next>, WriteBackError> {
        if quotas.is_empty() {
            return Ok(None);
        }
        let mut conn = db::connection(&self.queue).await?;
        let now = self.client.clock().now();
        let spent = daily_quota::take(&mut conn, quotas, now.date_naive()).await?;
        Ok(spent.map(|scope| Next::daily_limit(&scope, next_utc_midnight(now))))
    }

    async fn record(
        &self,
        fence: &Fence<'_>,
        request: &ZoomRequest,
        next: Next,
    ) -> Result<Ended, WriteBackError> {
        match next {
            Next::Retry {
                after,
                in_doubt,
                kind,
                error,
            } => {
                let entry = entry(kind, &error);
                let mut conn = db::connection(&self.queue).await?;
                Ok(
                    match write_queue::retry_later(&mut conn, fence, entry, after, in_doubt).await?
                    {
                        Retried::Pending => Ended::Retrying,
                        Retried::Failed => Ended::Failed,
                        Retried::LeaseLost => Ended::LeaseLost,
                    },
                )
            }
            Next::Snooze { until, reason } => {
                self.give_back(fence, &reason, until, Ended::Snoozed).await
            }
            Next::Fail { kind, error } => self.fail(fence, kind, &error, Ended::Failed).await,
            Next::AlreadyGone => {
                let note = entry(
                    ErrorKind::AlreadyGone,
                    "an earlier, interrupted attempt had already deleted it",
                );
                self.succeed(fence, request, Value::Null, Some(note)).await
            }
            Next::Adopt(made) => self.adopt(fence, request, made).await,
            Next::Release { reason } => {
                let now = self.client.clock().now();
                self.give_back(fence, &reason, now, Ended::Released).await
            }
        }
    }

    /// Back to `pending` until `until`, the attempt not counted.
    async fn give_back(
        &self,
        fence: &Fence<'_>,
        reason: &str,
        until: DateTime<Utc>,
        ended: Ended,
    ) -> Result<Ended, WriteBackError> {
        let mut conn = db::connection(&self.queue).await?;
        Ok(
            if write_queue::snooze(&mut conn, fence, reason, until).await? {
                ended
            } else {
                Ended::LeaseLost
            },
        )
    }

    async fn adopt(
        &self,
        fence: &Fence<'_>,
        request: &ZoomRequest,
        made: Value,
    ) -> Result<Ended, WriteBackError> {
        let note = entry(
            ErrorKind::Adopted,
            "adopted: an earlier, interrupted attempt had already done this",
        );
        match self.succeed(fence, request, made, Some(note)).await? {
            Ended::Succeeded => Ok(Ended::Adopted),
            other => Ok(other),
        }
    }

    async fn succeed(
        &self,
        fence: &Fence<'_>,
        request: &ZoomRequest,
        answer: Value,
        note: Option<Entry<'_>>,
    ) -> Result<Ended, WriteBackError> {
        let read_back = match refresh(&self.pool, &self.client, request, &answer).await {
            Ok(read_back) => read_back,
            Err(error) => {
                // Zoom made the change: the row succeeds, and the next sync pass catches up.
                tracing::warn!(id = fence.id, %error, "the mirror could not be refreshed after a write-back");
                None
            }
        };
        let result = match (answer, read_back) {
            (answer, _) if !answer.is_null() => answer,
            (_, Some(object)) => object,
            // A 204 with nothing to read back: a delete, or a raw call.
            _ => serde_json::json!({ "http_status": 204 }),
        };
        let mut conn = db::connection(&self.queue).await?;
        Ok(
            if write_queue::succeed(&mut conn, fence, &result, note).await? {
                Ended::Succeeded
            } else {
                Ended::LeaseLost
            },
        )
    }

    async fn fail(
        &self,
        fence: &Fence<'_>,
        kind: ErrorKind,
        reason: &str,
        ended: Ended,
    ) -> Result<Ended, WriteBackError> {
        let mut conn = db::connection(&self.queue).await?;
        Ok(
            if write_queue::fail(&mut conn, fence, entry(kind, reason)).await? {
                ended
            } else {
                Ended::LeaseLost
            },
        )
    }
}

/// A history entry of `kind`, saying `text`.
fn entry(kind: ErrorKind, text: &str) -> Entry<'_> {
    Entry {
        kind: kind.to_string(),
        text,
    }
}
