//! `zoom.rate_budget`: the account's schedule of Zoom calls per rate-limit label, which every
//! zoom-mirror process draws slices from (see [`crate::zoom::budget`]). One row per label holds
//! when the account's next call may go, by the server's clock, so that processes on hosts whose
//! clocks disagree still share one schedule: a reservation of k calls starts at
//! `greatest(next_free, now())` and moves `next_free` k / rate later, in one statement, so
//! concurrent reservations line up one after another.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Timestamptz;
use diesel::upsert::excluded;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures::FutureExt;
use futures::future::BoxFuture;
use tokio::sync::Mutex;

use super::error::{DbError, query};
use super::functions::{from_now, interval, latest};
use super::schema::rate_budget;
use super::target::DbTarget;
use crate::zoom::Label;
use crate::zoom::budget::{BudgetError, SharedBudget};

/// A reservation of calls, by the server's clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reservation {
    /// When the first call may go.
    pub start: DateTime<Utc>,
    /// How long that is from the statement's `now()`.
    pub wait: Duration,
}

/// Reserves the account's next `calls` calls under `label`, paced at `per_second` for the
/// account.
pub async fn reserve(
    conn: &mut AsyncPgConnection,
    label: Label,
    calls: u32,
    per_second: f64,
) -> Result<Reservation, DbError> {
    let span = Duration::from_secs_f64(f64::from(calls) / per_second);
    let (next_free, now): (DateTime<Utc>, DateTime<Utc>) = diesel::insert_into(rate_budget::table)
        .values((
            rate_budget::label.eq(label.as_str()),
            rate_budget::next_free.eq(from_now(span)),
            rate_budget::per_second.eq(per_second),
        ))
        .on_conflict(rate_budget::label)
        .do_update()
        .set((
            rate_budget::next_free.eq(latest(
                rate_budget::next_free + interval(span),
                from_now(span),
            )),
            rate_budget::per_second.eq(excluded(rate_budget::per_second)),
        ))
        // Diesel types `now` as `timestamp`; the schedule is `timestamptz`.
        .returning((rate_budget::next_free, sql::<Timestamptz>("now()")))
        .get_result(conn)
        .await
        .map_err(query("reserving calls from the account's rate budget"))?;
    let start = next_free - chrono::TimeDelta::from_std(span).unwrap_or(chrono::TimeDelta::MAX);
    Ok(Reservation {
        start,
        wait: (start - now).to_std().unwrap_or(Duration::ZERO),
    })
}

/// Moves the account's next `label` call at least `wait` past now.
pub async fn hold(
    conn: &mut AsyncPgConnection,
    label: Label,
    wait: Duration,
) -> Result<(), DbError> {
    diesel::update(rate_budget::table.find(label.as_str()))
        .set(rate_budget::next_free.eq(latest(rate_budget::next_free, from_now(wait))))
        .execute(conn)
        .await
        .map_err(query("holding back the account's rate budget after a 429"))?;
    Ok(())
}

/// The shared budget on a connection of its own: draws must not wait behind the pool, whose
/// connections the sync's tasks may all hold while they call Zoom. Each statement is bounded by
/// the connect timeout; a connection that failed is dropped and the next draw opens another.
#[derive(Clone)]
pub struct PgRateBudget {
    target: DbTarget,
    session: Arc<Mutex<Option<AsyncPgConnection>>>,
}

impl PgRateBudget {
    /// Connects lazily, at the first draw.
    pub fn new(target: &DbTarget) -> Self {
        PgRateBudget {
            target: target.clone(),
            session: Arc::default(),
        }
    }

    async fn with_session<T>(
        &self,
        statement: impl AsyncFnOnce(&mut AsyncPgConnection) -> Result<T, DbError>,
    ) -> Result<T, BudgetError> {
        let mut session = self.session.lock().await;
        let bound = self.target.timeouts.connect;
        let outcome = tokio::time::timeout(bound, async {
            let conn = match &mut *session {
                Some(conn) => conn,
                empty => empty.insert(self.target.connect().await?),
            };
            statement(conn).await
        })
        .await
        .unwrap_or_else(|_| Err(self.target.no_answer()));
        outcome.map_err(|error| {
            *session = None;
            BudgetError {
                unavailable: error.is_unavailable(),
                cause: Box::new(error),
            }
        })
    }
}

impl SharedBudget for PgRateBudget {
    fn reserve(
        &self,
        label: Label,
        calls: u32,
        per_second: f64,
    ) -> BoxFuture<'_, Result<Duration, BudgetError>> {
        self.with_session(async move |conn| Ok(reserve(conn, label, calls, per_second).await?.wait))
            .boxed()
    }

    fn hold(&self, label: Label, wait: Duration) -> BoxFuture<'_, Result<(), BudgetError>> {
        self.with_session(async move |conn| hold(conn, label, wait).await)
            .boxed()
    }
}
