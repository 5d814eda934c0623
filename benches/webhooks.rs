//! `cargo bench --bench webhooks [-- --events N --rate R]`: the webhook listener under a steady
//! stream of signed deliveries, with the real `zoom-mirror run` binary.
//!
//! Events (`user.updated`, each its own) are posted at `--rate` per second on a fixed schedule
//! (open loop: a slow answer does not slow the sender, so queueing shows in the figures). For
//! each, the time from its POST to its 200, which the listener sends only once the event is
//! stored in `zoom.webhook_events`; then the rate held and the rows stored. Applying events to
//! the mirror is not built yet: when it is, this measures up to the mirror row changing.
//! Target: p99 under 1 s at 200 events/s. Needs a PostgreSQL server that lets it create a
//! database: `BENCH_DATABASE_URL`, else `TEST_DATABASE_URL`, else `DATABASE_URL`.

#[path = "support/daemon.rs"]
mod daemon;
mod support;

use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use serde_json::json;

use daemon::{stop, sync_jobs_off};
use support::{tempfile, zoom_mirror};
use zoom_api::webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER, signature};
use zoom_mirror::clock::Clock;
use zoom_simulator::{AccountSpec, Simulator, SimulatorConfig};

const SECRET: &str = "bench-webhook-secret";

#[derive(Debug, Parser)]
#[command(about = "Benchmark the webhook listener: POST-to-stored latency at a steady rate")]
struct Args {
    /// Events posted.
    #[arg(long, default_value_t = 4000)]
    events: usize,
    /// Events posted per second.
    #[arg(long, default_value_t = 200)]
    rate: u32,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    support::run_on_own_database::<Args>(run).await
}

async fn run(args: &Args, database_url: &str) -> anyhow::Result<ExitCode> {
    // `run` needs a Zoom to talk to; nothing here calls it.
    let simulator = Simulator::start(SimulatorConfig {
        account: AccountSpec {
            users: 1,
            ..AccountSpec::default()
        },
        ..SimulatorConfig::default()
    })
    .await?;
    let mut config = tempfile(
        "webhooks.toml",
        &format!("[write_back]\nenabled = false\n\n{}", sync_jobs_off()),
    )?;
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
    let outcome = measure(args, database_url, &format!("http://{listen}")).await;
    stop(daemon);
    config.remove();
    simulator.shutdown().await;
    outcome
}

async fn measure(args: &Args, database_url: &str, base: &str) -> anyhow::Result<ExitCode> {
    let http = zoom_mirror::zoom::http_client(Duration::from_secs(30))?;
    wait_until_ready(&http, base).await?;
    let url = Arc::new(format!("{base}/webhooks/zoom"));
    let gap = Duration::from_secs(1) / args.rate;
    let started = Instant::now();
    let mut posts = Vec::with_capacity(args.events);
    for n in 0..args.events {
        tokio::time::sleep_until((started + gap * n as u32).into()).await;
        let (http, url) = (http.clone(), url.clone());
        posts.push(tokio::spawn(async move { post(&http, &url, n).await }));
    }
    let mut latencies = Vec::with_capacity(args.events);
    let mut refused = 0;
    for post in posts {
        match post.await? {
            Ok(took) => latencies.push(took),
            Err(_) => refused += 1,
        }
    }
    let elapsed = started.elapsed();
    let mut conn = AsyncPgConnection::establish(database_url).await?;
    let stored = count_stored(&mut conn).await?;

    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{} events at {}/s over {:.1} s: {:.0} events/s held, {} stored, {} not answered 200",
        args.events,
        args.rate,
        elapsed.as_secs_f64(),
        args.events as f64 / elapsed.as_secs_f64(),
        stored,
        refused
    );
    if latencies.is_empty() {
        bail!("no delivery was answered 200");
    }
    let p99 = at(0.99);
    println!(
        "POST to stored (200): p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms; target p99 < 1000 ms: {}",
        ms(at(0.5)),
        ms(at(0.9)),
        ms(p99),
        ms(at(1.0)),
        if p99 < Duration::from_secs(1) {
            "met"
        } else {
            "NOT met"
        }
    );
    Ok(if refused == 0 && stored == args.events as i64 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
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

/// Posts event `n`, signed now, and returns how long its 200 took.
async fn post(http: &reqwest::Client, url: &str, n: usize) -> anyhow::Result<Duration> {
    let body = json!({"event": "user.updated", "event_ts": 1_700_000_000_000_i64 + n as i64,
        "payload": {"account_id": "bench", "operator": "admin@example.com",
            "object": {"id": format!("user{n}"), "dept": format!("dept {n}")},
            "old_object": {"id": format!("user{n}"), "dept": ""}}})
    .to_string();
    // Signed as Zoom would, on the clock of the daemon under test: the system's.
    let timestamp = Clock::System.now().timestamp().to_string();
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
        .await?;
    let took = sent.elapsed();
    if !answer.status().is_success() {
        bail!("answered {}", answer.status());
    }
    Ok(took)
}

async fn count_stored(conn: &mut AsyncPgConnection) -> anyhow::Result<i64> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let count: Count = diesel::sql_query("SELECT count(*) AS n FROM zoom.webhook_events")
        .get_result(conn)
        .await?;
    Ok(count.n)
}
