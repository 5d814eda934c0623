//! `cargo bench --bench webhooks [-- --events N --rate R]`: webhook events from the POST to the
//! mirror row changing, under a steady stream of signed deliveries, with the real
//! `zoom-mirror run` binary.
//!
//! The simulated account's users are mirrored first (`zoom-mirror sync users`); then one
//! `user.updated` per mirrored user, each with a `dept` of its own and the send time as its
//! `event_ts`, is posted at `--rate` per second on a fixed schedule (open loop: a slow answer
//! does not slow the sender, so queueing shows in the figures). For each event: the time from
//! its POST to its 200, which the listener sends once the event is stored, and the time from
//! its POST to the row changing, once the user's row holds the new `dept` with the event's
//! time as its `source_time`: the event's `applied_at` in `zoom.webhook_events`, stamped after
//! the change commits by the database server, which runs on this machine (same clock). Then
//! the rate held and the outcomes. Target: p99 under 1 s at 200 events/s. Needs a PostgreSQL
//! server that lets it create a database: `BENCH_DATABASE_URL`, else `TEST_DATABASE_URL`,
//! else `DATABASE_URL`.

#[path = "support/daemon.rs"]
mod daemon;
mod support;

use std::collections::{BTreeMap, HashMap};
use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use clap::Parser;
use diesel::QueryableByName;
use diesel::sql_types::{Nullable, Text, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use daemon::{Count, percentile, stop, sync_jobs_off};
use support::{tempfile, zoom_mirror};
use zoom_api::webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, signature};
use zoom_mirror::clock::Clock;
use zoom_simulator::{AccountSpec, Simulator, SimulatorConfig};

const SECRET: &str = "bench-webhook-secret";

#[derive(Debug, Parser)]
#[command(about = "Benchmark webhook events: POST to the mirror row changed, at a steady rate")]
struct Args {
    /// Events posted, each to a user of its own.
    #[arg(long, default_value_t = 4000)]
    events: usize,
    /// Events posted per second.
    #[arg(long, default_value_t = 200)]
    rate: u32,
    /// How long every event may take to be applied after the last POST, in seconds.
    #[arg(long, default_value_t = 60)]
    apply_wait: u64,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    support::run_on_own_database::<Args>(run).await
}

async fn run(args: &Args, database_url: &str) -> anyhow::Result<ExitCode> {
    // Pending users (5% of the account) have no id, so no event can name them.
    let simulator = Simulator::start(SimulatorConfig {
        account: AccountSpec {
            users: args.events * 20 / 19 + 2,
            ..AccountSpec::default()
        },
        ..SimulatorConfig::default()
    })
    .await?;
    let mut config = tempfile(
        "webhooks.toml",
        &format!("[write_back]\nenabled = false\n\n{}", sync_jobs_off()),
    )?;
    let outcome = async {
        let users = mirror_users(args, &config, database_url, &simulator).await?;
        let listen = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0")?;
            probe.local_addr()?
        };
        let daemon = zoom_mirror("run", &config, database_url, &simulator)
            .env("ZOOM_WEBHOOK_SECRET_TOKEN", SECRET)
            .env("ZOOM_MIRROR_LISTEN", listen.to_string())
            .stdout(Stdio::null())
            .spawn()
            .context("starting zoom-mirror run")?;
        let outcome = measure(args, database_url, &format!("http://{listen}"), users).await;
        stop(daemon);
        outcome
    }
    .await;
    config.remove();
    simulator.shutdown().await;
    outcome
}

/// Mirrors the account's users with `zoom-mirror sync users`; returns the ids of as many as
/// there are events.
async fn mirror_users(
    args: &Args,
    config: &support::TempFile,
    database_url: &str,
    simulator: &zoom_simulator::RunningSimulator,
) -> anyhow::Result<Vec<String>> {
    let started = Instant::now();
    let status = zoom_mirror("sync", config, database_url, simulator)
        .arg("users")
        .stdout(Stdio::null())
        .status()
        .context("running zoom-mirror sync users")?;
    if !status.success() {
        bail!("zoom-mirror sync users failed ({status})");
    }
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = Text)]
        id: String,
    }
    let mut conn = AsyncPgConnection::establish(database_url).await?;
    let ids: Vec<Id> = diesel::sql_query(
        "SELECT id FROM zoom.users WHERE id IS NOT NULL AND deleted_at IS NULL ORDER BY id",
    )
    .load(&mut conn)
    .await?;
    println!(
        "mirrored {} users with an id in {:.1} s",
        ids.len(),
        started.elapsed().as_secs_f64()
    );
    if ids.len() < args.events {
        bail!("{} events need as many mirrored users", args.events);
    }
    Ok(ids.into_iter().take(args.events).map(|i| i.id).collect())
}

/// What the bench knows of one event it posted.
struct Sent {
    user: String,
    at: DateTime<Utc>,
    answered: anyhow::Result<Duration>,
}

async fn measure(
    args: &Args,
    database_url: &str,
    base: &str,
    users: Vec<String>,
) -> anyhow::Result<ExitCode> {
    let http = zoom_mirror::zoom::http_client(Duration::from_secs(30))?;
    wait_until_ready(&http, base).await?;
    let url = Arc::new(format!("{base}/webhooks/zoom"));
    let gap = Duration::from_secs(1) / args.rate;
    let started = Instant::now();
    let mut posts = Vec::with_capacity(users.len());
    for (n, user) in users.into_iter().enumerate() {
        tokio::time::sleep_until((started + gap * n as u32).into()).await;
        let (http, url) = (http.clone(), url.clone());
        posts.push(tokio::spawn(async move { post(&http, &url, user).await }));
    }
    let mut sent = Vec::with_capacity(posts.len());
    for post in posts {
        sent.push(post.await?);
    }
    let elapsed = started.elapsed();
    let mut conn = AsyncPgConnection::establish(database_url).await?;
    let unapplied = wait_applied(&mut conn, Duration::from_secs(args.apply_wait)).await?;
    let rows = applied_rows(&mut conn).await?;

    let mut answered = Vec::with_capacity(sent.len());
    let mut changed = Vec::with_capacity(sent.len());
    let (mut refused, mut unchanged) = (0, 0);
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut last_change = None;
    for event in &sent {
        match &event.answered {
            Ok(took) => answered.push(ms(*took)),
            Err(_) => refused += 1,
        }
        let row = rows.get(&event.user);
        let outcome = row
            .and_then(|r| r.outcome.as_deref())
            .unwrap_or("not applied");
        *outcomes.entry(outcome).or_default() += 1;
        let took_effect = row.filter(|r| {
            r.dept.as_deref() == Some(dept(&event.user).as_str())
                && r.source_time.map(|t| t.timestamp_millis()) == Some(event.at.timestamp_millis())
        });
        match took_effect.and_then(|r| r.applied_at) {
            Some(applied) => {
                changed.push((applied - event.at).as_seconds_f64() * 1000.0);
                last_change = last_change.max(Some(applied));
            }
            None => unchanged += 1,
        }
    }
    let first_post = sent.iter().map(|e| e.at).min();
    let outcomes: Vec<String> = outcomes.iter().map(|(o, n)| format!("{n} {o}")).collect();
    println!(
        "{} events at {}/s: posted over {:.1} s ({:.0}/s held), {} not answered 200; applied: {} \
         ({unapplied} not applied within {} s), {unchanged} rows not changed as the event says",
        sent.len(),
        args.rate,
        elapsed.as_secs_f64(),
        sent.len() as f64 / elapsed.as_secs_f64(),
        refused,
        outcomes.join(", "),
        args.apply_wait,
    );
    if let (Some(first), Some(last)) = (first_post, last_change) {
        let span = (last - first).as_seconds_f64();
        println!(
            "rows changed: {} in {span:.1} s from the first POST to the last change ({:.0} events/s)",
            changed.len(),
            changed.len() as f64 / span
        );
    }
    print_latencies("POST to stored (200)", &mut answered);
    let p99 = print_latencies("POST to row changed", &mut changed);
    let met = p99 < 1000.0 && refused == 0 && unchanged == 0;
    println!(
        "target p99 POST to row changed < 1000 ms at {}/s, every event applied: {}",
        args.rate,
        if met { "met" } else { "NOT met" }
    );
    Ok(if refused == 0 && unchanged == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Prints p50, p90, p99 and max; returns p99 (NaN without samples).
fn print_latencies(what: &str, samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    let at = |p| percentile(samples, p);
    println!(
        "{what}: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} events)",
        at(0.5),
        at(0.9),
        at(0.99),
        at(1.0),
        samples.len()
    );
    at(0.99)
}

async fn wait_until_ready(http: &reqwest::Client, base: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let ready = http.get(format!("{base}/readyz")).send().await;
        if ready.is_ok_and(|r| r.status().is_success()) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the daemon was not ready within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn dept(user: &str) -> String {
    format!("bench dept of {user}")
}

/// Posts a `user.updated` of `user` giving it a new `dept`, timed and signed now.
async fn post(http: &reqwest::Client, url: &str, user: String) -> Sent {
    // Zoom's event_ts is in milliseconds; the daemon under test runs on the system's clock.
    let at = Clock::System.now();
    let body = json!({"event": "user.updated", "event_ts": at.timestamp_millis(),
        "payload": {"account_id": "bench", "operator": "admin@example.com",
            "object": {"id": user, "dept": dept(&user)},
            "old_object": {"id": user, "dept": ""}}})
    .to_string();
    let timestamp = at.timestamp().to_string();
    let sent = Instant::now();
    let answer = http
        .post(url)
        .header("content-type", "application/json")
        .header(TIMESTAMP_HEADER, &timestamp)
        .header(
            SIGNATURE_HEADER,
            signature(SECRET.as_bytes(), &timestamp, body.as_bytes()),
        )
        .body(body)
        .send()
        .await;
    let answered = match answer {
        Ok(answer) if answer.status().is_success() => Ok(sent.elapsed()),
        Ok(answer) => Err(anyhow::anyhow!("answered {}", answer.status())),
        Err(error) => Err(error.into()),
    };
    Sent { user, at, answered }
}

/// Waits until no stored event is left unapplied, or `timeout`; returns how many are left.
async fn wait_applied(conn: &mut AsyncPgConnection, timeout: Duration) -> anyhow::Result<i64> {
    let deadline = Instant::now() + timeout;
    loop {
        let left: Count = diesel::sql_query(
            "SELECT count(*) AS n FROM zoom.webhook_events WHERE applied_at IS NULL",
        )
        .get_result(conn)
        .await?;
        if left.n == 0 || Instant::now() > deadline {
            return Ok(left.n);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Per user named by an event: the event's application and the user's row now.
#[derive(QueryableByName)]
struct Applied {
    #[diesel(sql_type = Text)]
    user_id: String,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    applied_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    outcome: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    dept: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    source_time: Option<DateTime<Utc>>,
}

async fn applied_rows(conn: &mut AsyncPgConnection) -> anyhow::Result<HashMap<String, Applied>> {
    let rows: Vec<Applied> = diesel::sql_query(
        "SELECT e.payload #>> '{payload,object,id}' AS user_id, e.applied_at, e.outcome, u.dept, \
         u.source_time \
         FROM zoom.webhook_events e LEFT JOIN zoom.users u ON u.id = e.payload #>> '{payload,object,id}'",
    )
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| (r.user_id.clone(), r)).collect())
}
