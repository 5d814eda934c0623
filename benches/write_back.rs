//! `cargo bench --bench write_back [-- --rows N …]`: the write-back queue's two targets, with
//! the real `zoom-mirror run` binary against an in-process simulator.
//!
//! 1. **Latency on an idle daemon**: rows inserted one at a time, at random gaps; for each, the
//!    time from its INSERT (`created_at`) to the moment the worker starts its Zoom call
//!    (`call_started_at`), both by the database's clock. Target: p99 ≤ 1 s.
//! 2. **Throughput of a backlog**: `--rows` rows inserted in one statement; the time until the
//!    last one finished, the Zoom calls they made, and how close that comes to the rate
//!    limit (the floor: the least time those calls need at plan limit × share).
//!
//! Rows are `user.update`s spread over the account's users (each one PATCH and one read-back
//! GET, both Light). It needs a PostgreSQL server that lets it create a database:
//! `BENCH_DATABASE_URL`, else `TEST_DATABASE_URL`, else `DATABASE_URL`.

#[path = "support/daemon.rs"]
mod daemon;
mod support;

use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Double, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use daemon::{Count, percentile, stop, sync_jobs_off};
use support::{tempfile, zoom_mirror};
use zoom_mirror::zoom::limiter::RateLimits;
use zoom_mirror::zoom::{Label, Plan};
use zoom_simulator::{AccountSpec, Simulator, SimulatorConfig};

#[derive(Debug, Parser)]
#[command(about = "Benchmark the write-back queue: pickup latency and backlog throughput")]
struct Args {
    /// Rows inserted one at a time for the latency figures.
    #[arg(long, default_value_t = 200)]
    samples: usize,
    /// Rows of the backlog.
    #[arg(long, default_value_t = 1000)]
    rows: usize,
    #[arg(long, default_value_t = 50)]
    users: usize,
    /// The share of the plan's limits the daemon may use.
    #[arg(long, default_value_t = 0.8)]
    share: f64,
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

const PLAN: Plan = Plan::Pro;

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    support::run_on_own_database::<Args>(run).await
}

async fn run(args: &Args, database_url: &str) -> anyhow::Result<ExitCode> {
    let simulator = Simulator::start(SimulatorConfig {
        account: AccountSpec {
            users: args.users,
            seed: 5,
            ..AccountSpec::default()
        },
        plan: PLAN,
        ..SimulatorConfig::default()
    })
    .await?;
    let users: Vec<String> = simulator
        .handle()
        .listed_users("active")
        .iter()
        .filter_map(|u| u["id"].as_str().map(str::to_owned))
        .collect();
    // Only the write-back worker: no sync job competes for the limits.
    let mut config = tempfile(
        "write_back.toml",
        &format!(
            "[zoom]\nplan = \"{}\"\nrate_limit_share = {}\n\n[write_back]\nconcurrency = {}\n\n{}",
            PLAN.as_str(),
            args.share,
            args.concurrency,
            sync_jobs_off(),
        ),
    )?;
    let daemon = zoom_mirror("run", &config, database_url, &simulator)
        // Any free port: the benchmark does not use the listener.
        .env("ZOOM_MIRROR_LISTEN", "127.0.0.1:0")
        .stdout(Stdio::null())
        .spawn()
        .context("starting zoom-mirror run")?;
    let outcome = measure(args, database_url, &users, &simulator).await;
    stop(daemon);
    config.remove();
    simulator.shutdown().await;
    outcome
}

async fn measure(
    args: &Args,
    database_url: &str,
    users: &[String],
    simulator: &zoom_simulator::RunningSimulator,
) -> anyhow::Result<ExitCode> {
    let mut conn = AsyncPgConnection::establish(database_url).await?;
    // The daemon migrates at start; the first row it finishes says it is up.
    wait_for_table(&mut conn).await?;
    insert(&mut conn, &users[..1], "warm-up").await?;
    wait_all_finished(&mut conn, Duration::from_secs(60)).await?;

    println!(
        "plan {}, share {}, concurrency {}; {} users",
        PLAN.as_str(),
        args.share,
        args.concurrency,
        users.len()
    );
    let first_sample = max_id(&mut conn).await? + 1;
    for n in 0..args.samples {
        insert(&mut conn, &users[n % users.len()..][..1], "latency").await?;
        // An idle daemon: the next row comes after this one is done.
        wait_all_finished(&mut conn, Duration::from_secs(30)).await?;
        tokio::time::sleep(Duration::from_millis(rand::random_range(20..120))).await;
    }
    let mut latencies = latencies_ms(&mut conn, first_sample).await?;
    latencies.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&latencies, 0.50), percentile(&latencies, 0.99));
    println!(
        "latency INSERT → Zoom call, idle daemon, {} rows: p50 {p50:.1} ms, p99 {p99:.1} ms, \
         max {:.1} ms (target p99 ≤ 1000 ms)",
        latencies.len(),
        latencies.last().copied().unwrap_or_default()
    );

    let handle = simulator.handle();
    handle.reset_stats();
    let backlog: Vec<String> = (0..args.rows)
        .map(|n| users[n % users.len()].clone())
        .collect();
    let started = Instant::now();
    insert(&mut conn, &backlog, "backlog").await?;
    wait_all_finished(&mut conn, Duration::from_secs(3600)).await?;
    let wall = started.elapsed();
    let stats = handle.stats();
    let limits = RateLimits::new(PLAN, args.share, &[]);
    let light = stats.per_label[&Label::Light].calls;
    let floor = light as f64 / limits.per_second(Label::Light);
    let failed = count_failed(&mut conn).await?;
    println!(
        "backlog of {} rows: {:.1} s, {:.1} rows/s; {light} Light calls ({:.1}/s against a \
         pace of {:.1}/s); floor {floor:.1} s, wall/floor {:.3}; {} per-second 429s; {failed} failed",
        args.rows,
        wall.as_secs_f64(),
        args.rows as f64 / wall.as_secs_f64(),
        light as f64 / wall.as_secs_f64(),
        limits.per_second(Label::Light),
        wall.as_secs_f64() / floor,
        stats.per_label.values().map(|l| l.over_limit).sum::<u64>(),
    );
    Ok(if p99 <= 1000.0 && failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn wait_for_table(conn: &mut AsyncPgConnection) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while diesel::sql_query("SELECT 1 FROM zoom.write_queue LIMIT 1")
        .execute(conn)
        .await
        .is_err()
    {
        if Instant::now() > deadline {
            bail!("the daemon did not create zoom.write_queue within a minute");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

/// One `user.update` per target, in one statement (so one NOTIFY).
async fn insert(
    conn: &mut AsyncPgConnection,
    targets: &[String],
    dept: &str,
) -> anyhow::Result<()> {
    diesel::sql_query(
        "INSERT INTO zoom.write_queue (action, target, payload) \
         SELECT 'user.update', t, jsonb_build_object('dept', $2::text) FROM unnest($1) AS t",
    )
    .bind::<diesel::sql_types::Array<Text>, _>(targets)
    .bind::<Text, _>(dept)
    .execute(conn)
    .await?;
    Ok(())
}

async fn wait_all_finished(conn: &mut AsyncPgConnection, timeout: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + timeout;
    loop {
        let open: Count = diesel::sql_query(
            "SELECT count(*) AS n FROM zoom.write_queue WHERE status IN ('pending', 'running')",
        )
        .get_result(conn)
        .await?;
        if open.n == 0 {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("{} rows still open after {timeout:?}", open.n);
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn max_id(conn: &mut AsyncPgConnection) -> anyhow::Result<i64> {
    let max: Count = diesel::sql_query("SELECT coalesce(max(id), 0) AS n FROM zoom.write_queue")
        .get_result(conn)
        .await?;
    Ok(max.n)
}

async fn count_failed(conn: &mut AsyncPgConnection) -> anyhow::Result<i64> {
    let failed: Count =
        diesel::sql_query("SELECT count(*) AS n FROM zoom.write_queue WHERE status <> 'succeeded'")
            .get_result(conn)
            .await?;
    Ok(failed.n)
}

async fn latencies_ms(conn: &mut AsyncPgConnection, from_id: i64) -> anyhow::Result<Vec<f64>> {
    #[derive(QueryableByName)]
    struct Latency {
        #[diesel(sql_type = Double)]
        ms: f64,
    }
    let rows: Vec<Latency> = diesel::sql_query(
        "SELECT extract(epoch FROM call_started_at - created_at)::float8 * 1000 AS ms \
         FROM zoom.write_queue WHERE id >= $1 AND call_started_at IS NOT NULL",
    )
    .bind::<BigInt, _>(from_id)
    .load(conn)
    .await?;
    Ok(rows.into_iter().map(|r| r.ms).collect())
}
