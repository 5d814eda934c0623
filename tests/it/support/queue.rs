//! The write-back queue from a test's side: rows inserted as another system would, read back
//! as an operator would, and the worker running in-process as `run` runs it.

use std::time::{Duration, Instant};

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Bool, Integer, Jsonb, Nullable, Text, Timestamptz};
use diesel_async::RunQueryDsl;
use serde_json::Value;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use zoom_mirror::config::WriteBackConfig;
use zoom_mirror::write_back::{ErrorKind, WriteBack};
use zoom_mirror::zoom::Plan;

use super::TestApp;

#[derive(Debug, Clone, QueryableByName)]
pub struct QueueRow {
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Integer)]
    pub attempts: i32,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_error: Option<String>,
    #[diesel(sql_type = Nullable<Jsonb>)]
    pub result: Option<Value>,
    #[diesel(sql_type = Jsonb)]
    pub errors: Value,
    #[diesel(sql_type = Bool)]
    pub in_doubt: bool,
    #[diesel(sql_type = Timestamptz)]
    pub run_after: chrono::DateTime<chrono::Utc>,
    #[diesel(sql_type = Nullable<Text>)]
    pub locked_by: Option<String>,
}

impl QueueRow {
    pub fn finished(&self) -> bool {
        matches!(self.status.as_str(), "succeeded" | "failed" | "cancelled")
    }

    pub fn result(&self) -> &Value {
        self.result.as_ref().unwrap_or(&Value::Null)
    }

    pub fn error(&self) -> &str {
        self.last_error.as_deref().unwrap_or("")
    }

    /// The kind of each entry of the row's history, oldest first.
    pub fn kinds(&self) -> Vec<ErrorKind> {
        let entries = self.errors.as_array().expect("errors is an array");
        entries
            .iter()
            .map(|entry| {
                serde_json::from_value(entry["kind"].clone())
                    .unwrap_or_else(|e| panic!("the kind of {entry}: {e}"))
            })
            .collect()
    }
}

/// A start time `days` from now, as Zoom writes UTC times.
pub fn days_ahead(days: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(days))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// A `meeting.create` payload: a plain scheduled meeting two days ahead.
pub fn scheduled_meeting(topic: &str) -> Value {
    serde_json::json!({"topic": topic, "type": 2, "duration": 30, "start_time": days_ahead(2)})
}

/// Worker settings for tests: quick retries and a short lease.
pub fn settings() -> WriteBackConfig {
    WriteBackConfig {
        enabled: true,
        concurrency: 4,
        allow_raw: false,
        lease: Duration::from_secs(10),
        poll_interval: Duration::from_millis(200),
        retry_base: Duration::from_millis(300),
        retry_max: Duration::from_secs(2),
        max_payload_bytes: 256 * 1024,
        max_delay: Duration::from_secs(7 * 24 * 3600),
    }
}

/// A worker running in the background until dropped (or [`Worker::stop`]ped).
pub struct Worker {
    cancel: CancellationToken,
    task: Option<JoinHandle<()>>,
}

impl Worker {
    /// Stops claiming and waits for attempts in progress to be recorded.
    pub async fn stop(mut self) {
        self.cancel.cancel();
        if let Some(task) = self.task.take() {
            task.await.expect("the worker task");
        }
    }

    /// Kills the worker mid-flight, as a crash would: nothing more is recorded, and its rows
    /// stay `running` until their lease runs out.
    pub fn kill(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

impl TestApp {
    pub fn start_worker(&self, settings: WriteBackConfig) -> Worker {
        let worker = WriteBack::new(
            self.ctx.pool.clone(),
            self.ctx.client.clone(),
            self.ctx.db.clone(),
            "test",
            settings,
            Plan::Pro,
        )
        .expect("a write-back worker");
        let cancel = CancellationToken::new();
        let task = tokio::spawn(worker.run(cancel.clone()));
        Worker {
            cancel,
            task: Some(task),
        }
    }

    /// Inserts a row as another system would: `(action, target, payload)` only.
    pub async fn enqueue(&self, action: &str, target: Option<&str>, payload: Value) -> i64 {
        self.enqueue_sql(action, target, &payload.to_string()).await
    }

    /// The same with the payload as SQL text, so a test can insert what is not an object.
    pub async fn enqueue_sql(&self, action: &str, target: Option<&str>, payload: &str) -> i64 {
        #[derive(QueryableByName)]
        struct Id {
            #[diesel(sql_type = BigInt)]
            id: i64,
        }
        let row: Id = diesel::sql_query(
            "INSERT INTO zoom.write_queue (action, target, payload) VALUES ($1, $2, $3::jsonb) \
             RETURNING id",
        )
        .bind::<Text, _>(action)
        .bind::<Nullable<Text>, _>(target)
        .bind::<Text, _>(payload)
        .get_result(&mut self.conn().await)
        .await
        .expect("inserting a write-back row");
        row.id
    }

    pub async fn queue_row(&self, id: i64) -> QueueRow {
        diesel::sql_query(
            "SELECT status, attempts, last_error, result, errors, in_doubt, run_after, \
                    locked_by FROM zoom.write_queue WHERE id = $1",
        )
        .bind::<BigInt, _>(id)
        .get_result(&mut self.conn().await)
        .await
        .expect("reading a write-back row")
    }

    /// Waits until row `id` satisfies `done`, failing the test after `timeout`.
    pub async fn wait_row(
        &self,
        id: i64,
        timeout: Duration,
        done: impl Fn(&QueueRow) -> bool,
    ) -> QueueRow {
        let deadline = Instant::now() + timeout;
        loop {
            let row = self.queue_row(id).await;
            if done(&row) {
                return row;
            }
            assert!(
                Instant::now() < deadline,
                "row {id} not done within {timeout:?}: {row:?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Waits until a connection of this database LISTENs for queue inserts: a worker that has
    /// found the queue empty and sleeps until a NOTIFY or its poll interval.
    pub async fn wait_for_listener(&self) {
        #[derive(QueryableByName)]
        struct Listening {
            #[diesel(sql_type = BigInt)]
            n: i64,
        }
        let sql = format!(
            "SELECT count(*) AS n FROM pg_stat_activity \
             WHERE datname = current_database() AND query = 'LISTEN {}'",
            zoom_mirror::db::queue_inserts::CHANNEL
        );
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut conn = self.conn().await;
        loop {
            let found: Listening = diesel::sql_query(&sql)
                .get_result(&mut conn)
                .await
                .expect("reading pg_stat_activity");
            if found.n > 0 {
                return;
            }
            assert!(Instant::now() < deadline, "no worker LISTENs within 15 s");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Waits until row `id` succeeded, failed or was cancelled.
    pub async fn finished_row(&self, id: i64) -> QueueRow {
        self.wait_row(id, Duration::from_secs(30), QueueRow::finished)
            .await
    }

    /// Waits until row `id` finished, failing the test unless it failed at its first attempt.
    pub async fn failed_at_once(&self, id: i64) -> QueueRow {
        let row = self.finished_row(id).await;
        assert_eq!(
            (row.status.as_str(), row.attempts),
            ("failed", 1),
            "{row:?}"
        );
        row
    }
}
