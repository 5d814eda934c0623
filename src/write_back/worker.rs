//! One row, one attempt: validate, look for an interrupted attempt's effect, spend the daily
//! quota, wait for the rate limiter, mark the call started, call Zoom once, record the
//! outcome, refresh the mirror. A heartbeat keeps the lease meanwhile.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use chrono::Utc;
use serde_json::Value;

use super::outcome::{Next, after_failure, backoff};
use super::quota::quotas;
use super::reconcile::{Lookup, look};
use super::refresh::refresh;
use super::request::{Subject, ZoomRequest};
use super::validate::{Invalid, decode, validate};
use super::{WriteBack, WriteBackError};
use crate::db::daily_quota::{self, Quota};
use crate::db::write_queue::{self, Claimed, Fence, Retried};
use crate::db::{self, sessions::Known};
use crate::sync::sessions::table as session_table;
use crate::zoom::classify::next_utc_midnight;
use crate::zoom::retry::AttemptError;
use crate::zoom::{Call, ZoomError};

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
        let payload = match &row.payload {
            Some(text) => decode(text),
            None => Err(Invalid::new(
                "payload",
                format!(
                    "{} bytes of JSON text, over write_back.max_payload_bytes ({}); it was not \
                     read (split the change into several rows)",
                    row.payload_bytes, self.settings.max_payload_bytes
                ),
            )),
        };
        let request = match payload.and_then(|payload| {
            validate(
                &row.action,
                row.target.as_deref(),
                &payload,
                self.settings.allow_raw,
            )
        }) {
            Ok(request) => request,
            Err(invalid) => {
                let reason = format!("invalid row, Zoom was not called: {invalid}");
                return self.fail(fence, &reason, Ended::Invalid).await;
            }
        };
        let exhausted = row.attempts > row.max_attempts;
        if row.in_doubt {
            let taken = self.taken(&request).await?;
            let found = match look(&self.client, &request, row.created_at, &taken).await {
                Ok(found) => found,
                Err(error) if error.is_stopped() => return self.release(fence, &error).await,
                Err(error) if row.attempts >= row.max_attempts => {
                    let reason = format!(
                        "in doubt: an earlier attempt may have reached Zoom, and looking for its \
                         effect failed ({error}); check Zoom, then `zoom-mirror queue retry` the \
                         row if the change did not happen"
                    );
                    return self.fail(fence, &reason, Ended::Failed).await;
                }
                Err(error) => {
                    let next = Next::Retry {
                        after: backoff(
                            row.attempts,
                            self.settings.retry_base,
                            self.settings.retry_max,
                        ),
                        in_doubt: true,
                        error: format!("looking for an interrupted attempt's effect: {error}"),
                    };
                    return self.record(fence, &request, next).await;
                }
            };
            match found {
                Lookup::Found(made) => return self.adopt(fence, &request, made).await,
                Lookup::Gone => return self.record(fence, &request, Next::AlreadyGone).await,
                Lookup::Ambiguous(reason) => return self.fail(fence, &reason, Ended::Failed).await,
                Lookup::NotFound => {
                    let mut conn = db::connection(&self.queue).await?;
                    write_queue::clear_in_doubt(&mut conn, fence).await?;
                    if exhausted {
                        let reason = format!(
                            "attempts exhausted ({}); the last was interrupted after its Zoom \
                             call started, and no effect of it was found",
                            row.max_attempts
                        );
                        return self.fail(fence, &reason, Ended::Failed).await;
                    }
                }
                Lookup::NotNeeded if exhausted => {
                    let reason = format!(
                        "attempts exhausted ({}); the last was interrupted after its Zoom call \
                         started and may have taken effect: check Zoom",
                        row.max_attempts
                    );
                    return self.fail(fence, &reason, Ended::Failed).await;
                }
                Lookup::NotNeeded => {}
            }
        }

        let quotas = quotas(
            &request,
            self.host_of(&request).await?.as_deref(),
            self.plan,
        );
        if let Some(ended) = self.spend(fence, &quotas).await? {
            return Ok(ended);
        }
        if let Err(error) = self.client.acquire(request.endpoint.label()).await {
            return self.release(fence, &error).await;
        }
        {
            let mut conn = db::connection(&self.queue).await?;
            if !write_queue::mark_call_started(&mut conn, fence).await? {
                return Ok(Ended::LeaseLost);
            }
        }
        call_started.store(true, Ordering::Release);
        let query: Vec<(&str, &str)> = request
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let sent = self
            .client
            .send_once(Call {
                method: request.method.clone(),
                endpoint: request.endpoint,
                path: &request.path,
                query: &query,
                body: request.body.as_ref(),
            })
            .await;
        match sent {
            Ok(answer) => self.succeed(fence, &request, answer, None).await,
            // Only the wait before a retry after a refused token stops: Zoom did nothing.
            Err(AttemptError::Fatal(error)) if error.is_stopped() => {
                self.release(fence, &error).await
            }
            Err(failure) => {
                let policy = (self.settings.retry_base, self.settings.retry_max);
                let next = after_failure(failure, &request, row.attempts, row.in_doubt, policy);
                if let Next::Snooze { .. } = next {
                    // Zoom's count wins over ours (other apps spend the same limits).
                    let mut conn = db::connection(&self.queue).await?;
                    for quota in &quotas {
                        daily_quota::exhaust(&mut conn, quota, Utc::now().date_naive()).await?;
                    }
                }
                self.record(fence, &request, next).await
            }
        }
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

    /// Takes one unit of each quota; `Some` when one is spent and the row was snoozed.
    async fn spend(
        &self,
        fence: &Fence<'_>,
        quotas: &[Quota],
    ) -> Result<Option<Ended>, WriteBackError> {
        if quotas.is_empty() {
            return Ok(None);
        }
        let mut conn = db::connection(&self.queue).await?;
        let now = Utc::now();
        let Some(spent) = daily_quota::take(&mut conn, quotas, now.date_naive()).await? else {
            return Ok(None);
        };
        let until = next_utc_midnight(now);
        let reason = format!(
            "Zoom's daily limit {spent} is spent for today (UTC); the row runs again at {}",
            until.format("%Y-%m-%d %H:%M:%SZ")
        );
        let snoozed = write_queue::snooze(&mut conn, fence, &reason, until).await?;
        Ok(Some(if snoozed {
            Ended::Snoozed
        } else {
            Ended::LeaseLost
        }))
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
                error,
            } => {
                let mut conn = db::connection(&self.queue).await?;
                Ok(
                    match write_queue::retry_later(&mut conn, fence, &error, after, in_doubt)
                        .await?
                    {
                        Retried::Pending => Ended::Retrying,
                        Retried::Failed => Ended::Failed,
                        Retried::LeaseLost => Ended::LeaseLost,
                    },
                )
            }
            Next::Snooze { until, reason } => {
                let mut conn = db::connection(&self.queue).await?;
                let snoozed = write_queue::snooze(&mut conn, fence, &reason, until).await?;
                Ok(if snoozed {
                    Ended::Snoozed
                } else {
                    Ended::LeaseLost
                })
            }
            Next::Fail { error } => self.fail(fence, &error, Ended::Failed).await,
            Next::AlreadyGone => {
                let note = "an earlier, interrupted attempt had already deleted it";
                self.succeed(fence, request, Value::Null, Some(note)).await
            }
        }
    }

    async fn adopt(
        &self,
        fence: &Fence<'_>,
        request: &ZoomRequest,
        made: Value,
    ) -> Result<Ended, WriteBackError> {
        let note = "adopted: an earlier, interrupted attempt had already done this";
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
        note: Option<&str>,
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

    /// The daemon's stop ended a wait before any call of this attempt reached Zoom: the row
    /// is pending again at once, its attempt given back.
    async fn release(
        &self,
        fence: &Fence<'_>,
        stopped: &ZoomError,
    ) -> Result<Ended, WriteBackError> {
        let reason = format!("{stopped}; the row runs again");
        let mut conn = db::connection(&self.queue).await?;
        Ok(
            if write_queue::snooze(&mut conn, fence, &reason, Utc::now()).await? {
                Ended::Released
            } else {
                Ended::LeaseLost
            },
        )
    }

    async fn fail(
        &self,
        fence: &Fence<'_>,
        reason: &str,
        ended: Ended,
    ) -> Result<Ended, WriteBackError> {
        let mut conn = db::connection(&self.queue).await?;
        Ok(if write_queue::fail(&mut conn, fence, reason).await? {
            ended
        } else {
            Ended::LeaseLost
        })
    }
}
