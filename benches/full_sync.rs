//! `cargo bench --bench full_sync [-- --users N …]`: mirrors a simulated account with the real
//! `zoom-mirror sync` binary, twice, and prints what the targets are about: API calls,
//! the rate-limit floor (the least time those calls need at plan limit × share), wall time and
//! their ratio, rows written, the sync process's peak RSS and 429s, the calls per endpoint and
//! the pages per listing; then the same for an unchanged second pass, which should rewrite
//! nothing. `--big` makes an account where every listing runs to three pages or more;
//! `--participants` adds the participants passes, `--invitations` the meeting invitations pass,
//! `--phone-recordings` the phone recordings pass and `--chat` the Team Chat pass, which the
//! daemon leaves off by default.
//!
//! The simulator runs in this process and the sync in a child, so the RSS measured is the
//! daemon's alone: the child's `VmHWM`, sampled every 20 ms while it runs. (`getrusage` would
//! not do: a child's maximum RSS includes this process's, which it was forked from.) It needs a PostgreSQL server that lets it create a database:
//! `BENCH_DATABASE_URL`, else `TEST_DATABASE_URL`, else `DATABASE_URL`.

mod support;

use std::collections::BTreeMap;
use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use diesel::QueryableByName;
use diesel::sql_types::BigInt;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use support::{tempfile, zoom_mirror};
use zoom_mirror::zoom::limiter::RateLimits;
use zoom_mirror::zoom::{Endpoint, Label, Plan};
use zoom_simulator::{AccountSpec, BusyHosts, SimStats, Simulator, SimulatorConfig};

#[derive(Debug, Parser)]
#[command(about = "Benchmark a full sync of a simulated account")]
struct Args {
    /// An account where every listing runs to three pages or more: 5,000 users (4,250 active)
    /// and 3 busy hosts, each with 700 more meetings, 700 more webinars, 700 recordings in the
    /// last month, and a meeting and a webinar of 1,000 registrants. Sizes given as well
    /// replace its own.
    #[arg(long)]
    big: bool,
    /// Users in the account [default: 2000; with --big: 5000].
    #[arg(long)]
    users: Option<usize>,
    #[arg(long, default_value_t = 5)]
    meetings_per_user: usize,
    #[arg(long, default_value_t = 10)]
    registrants_per_meeting: usize,
    #[arg(long, default_value_t = 2)]
    recordings_per_user: usize,
    #[arg(long, default_value_t = 1)]
    webinars_per_user: usize,
    /// Busy hosts: the first active users, with what the other --busy options say on top of
    /// the per-user counts [default: 0; with --big: 3].
    #[arg(long)]
    busy_hosts: Option<usize>,
    /// More meetings of each busy host [default: 0; with --big: 700].
    #[arg(long)]
    busy_meetings: Option<usize>,
    /// More webinars of each busy host [default: 0; with --big: 700].
    #[arg(long)]
    busy_webinars: Option<usize>,
    /// Registrants of the first of those meetings and of those webinars [default: 0; with
    /// --big: 1000].
    #[arg(long)]
    busy_registrants: Option<usize>,
    /// More recordings of each busy host, all in the last month [default: 0; with --big: 700].
    #[arg(long)]
    busy_recordings: Option<usize>,
    /// Also sync meeting and webinar participants, which the daemon leaves off by default.
    #[arg(long)]
    participants: bool,
    /// Also sync meeting invitations, which the daemon leaves off by default.
    #[arg(long)]
    invitations: bool,
    /// Also sync Zoom Phone recordings, which the daemon leaves off by default.
    #[arg(long)]
    phone_recordings: bool,
    /// Also sync Team Chat channels and messages, which the daemon leaves off by default.
    #[arg(long)]
    chat: bool,
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// The share of the plan's limits the daemon may use.
    #[arg(long, default_value_t = 0.8)]
    share: f64,
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

impl Args {
    fn account(&self) -> AccountSpec {
        let size = |given: Option<usize>, normal: usize, big: usize| {
            given.unwrap_or(if self.big { big } else { normal })
        };
        AccountSpec {
            users: size(self.users, 2000, 5000),
            seed: self.seed,
            meetings_per_user: self.meetings_per_user,
            registrants_per_meeting: self.registrants_per_meeting,
            webinars_per_user: self.webinars_per_user,
            recordings_per_user: self.recordings_per_user,
            busy: BusyHosts {
                hosts: size(self.busy_hosts, 0, 3),
                meetings: size(self.busy_meetings, 0, 700),
                webinars: size(self.busy_webinars, 0, 700),
                registrants: size(self.busy_registrants, 0, 1000),
                recordings: size(self.busy_recordings, 0, 700),
            },
            ..AccountSpec::default()
        }
    }
}

const PLAN: Plan = Plan::BusinessPlus;

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    support::run_on_own_database::<Args>(run).await
}

async fn run(args: &Args, database_url: &str) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let account = args.account();
    let simulator = Simulator::start(SimulatorConfig {
        account,
        plan: PLAN,
        ..SimulatorConfig::default()
    })
    .await?;
    let busy = account.busy;
    let busy = if busy.hosts == 0 {
        String::new()
    } else {
        format!(
            "; {} busy hosts with {} more meetings, {} more webinars, {} recordings in the last \
             month and {} registrants on one meeting and one webinar each",
            busy.hosts, busy.meetings, busy.webinars, busy.recordings, busy.registrants
        )
    };
    println!(
        "account: {} users, {} meetings and {} registrants per meeting, {} recordings per user{busy} \
         (generated in {:.1}s); plan {}, share {}, concurrency {}",
        account.users,
        account.meetings_per_user,
        account.registrants_per_meeting,
        account.recordings_per_user,
        started.elapsed().as_secs_f64(),
        PLAN.as_str(),
        args.share,
        args.concurrency
    );

    let participants = if args.participants {
        "[sync.meeting_participants]\nenabled = true\n[sync.webinar_participants]\nenabled = true\n"
    } else {
        ""
    };
    let invitations = if args.invitations {
        "[sync.meeting_invitations]\nenabled = true\n"
    } else {
        ""
    };
    let phone = if args.phone_recordings {
        "[sync.phone_recordings]\nenabled = true\n"
    } else {
        ""
    };
    let chat = if args.chat {
        "[sync.chat]\nenabled = true\n"
    } else {
        ""
    };
    let mut config = tempfile(
        "full_sync.toml",
        &format!(
            "[zoom]\nplan = \"{}\"\nrate_limit_share = {}\n\n[sync]\nconcurrency = {}\n{participants}{invitations}{phone}{chat}",
            PLAN.as_str(),
            args.share,
            args.concurrency
        ),
    )?;
    let sync = |label: &str| -> anyhow::Result<Pass> {
        let handle = simulator.handle();
        handle.reset_stats();
        let before = Instant::now();
        let mut child = zoom_mirror("sync", &config, database_url, &simulator)
            .stdout(Stdio::null())
            .spawn()
            .context("running zoom-mirror sync")?;
        let mut peak_rss_kib = 0;
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break status;
            }
            peak_rss_kib = peak_rss_kib.max(high_water_kib(child.id()));
            std::thread::sleep(Duration::from_millis(20));
        };
        let wall = before.elapsed();
        if !status.success() {
            bail!("{label}: zoom-mirror sync failed ({status})");
        }
        Ok(Pass {
            wall,
            stats: handle.stats(),
            peak_rss_kib,
        })
    };
    // The simulator serves from this runtime while the child runs.
    let first = tokio::task::block_in_place(|| sync("first pass"))?;
    let first_rows = rows_written(database_url).await?;
    let second = tokio::task::block_in_place(|| sync("second pass"))?;
    let second_rows = rows_written(database_url).await? - first_rows;
    config.remove();

    let limits = RateLimits::new(PLAN, args.share, &[]);
    let mut all_met = true;
    for (name, pass, rows) in [
        ("first pass", &first, first_rows),
        ("second pass (unchanged)", &second, second_rows),
    ] {
        let unchanged = name.starts_with("second");
        all_met &= report(name, pass, rows, &limits, unchanged);
        listings(pass);
        if !unchanged {
            let calls = pass.stats.per_endpoint.values().sum::<u64>();
            println!(
                "  calls per mirrored row {:.3} ({calls} calls / {rows} rows written)",
                calls as f64 / rows as f64
            );
        }
    }
    Ok(if all_met {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

struct Pass {
    wall: Duration,
    stats: SimStats,
    peak_rss_kib: u64,
}

/// Prints one pass; whether it met every target.
fn report(name: &str, pass: &Pass, rows: i64, limits: &RateLimits, unchanged: bool) -> bool {
    let mut calls: BTreeMap<Label, u64> = BTreeMap::new();
    let mut too_many = 0;
    for (label, stats) in &pass.stats.per_label {
        calls.insert(*label, stats.calls);
        too_many += stats.over_limit + stats.over_daily_limit + stats.injected_429;
    }
    // `sync` runs its passes one after another, and each pass's calls are nearly all under one
    // label (invitations Light, phone recordings Phone Medium, the rest Medium), so the labels'
    // times add up, though each has a budget of its own.
    let floor: f64 = calls
        .iter()
        .map(|(label, n)| *n as f64 / limits.per_second(*label))
        .sum();
    let wall = pass.wall.as_secs_f64();
    let ratio = if floor > 0.0 { wall / floor } else { f64::NAN };
    let rss_mib = pass.peak_rss_kib as f64 / 1024.0;
    let by_label: Vec<String> = calls
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(label, n)| format!("{} {n}", label.as_str()))
        .collect();
    let total: u64 = calls.values().sum();
    let verdict = |met: bool| if met { "ok" } else { "MISSED" };
    let ratio_met = ratio <= 1.10;
    let rss_met = rss_mib <= 64.0;
    let no_429 = too_many == 0;
    let rows_met = !unchanged || rows == 0;
    println!("\n{name}");
    println!("  API calls          {total} ({})", by_label.join(", "));
    println!("  rate-limit floor   {floor:.1} s");
    println!("  wall time          {wall:.1} s");
    println!(
        "  wall / floor       {ratio:.3}   target <= 1.10: {}",
        verdict(ratio_met)
    );
    let rows_label = if unchanged {
        "rows rewritten"
    } else {
        "rows written"
    };
    println!(
        "  {rows_label:<18} {rows}{}",
        if unchanged {
            format!("   target 0: {}", verdict(rows_met))
        } else {
            String::new()
        }
    );
    println!(
        "  peak RSS           {rss_mib:.1} MiB   target <= 64: {}",
        verdict(rss_met)
    );
    println!(
        "  429s received      {too_many}   target 0: {}",
        verdict(no_429)
    );
    ratio_met && rss_met && no_429 && rows_met
}

/// Calls per endpoint and, for listings, how many ran and how many pages each took: the
/// pages answered over the listings started, and the longest listing's pages.
fn listings(pass: &Pass) {
    println!("  calls per endpoint, pages per listing");
    for endpoint in Endpoint::ALL {
        let calls = pass.stats.calls(endpoint);
        if calls == 0 {
            continue;
        }
        let listings = pass.stats.listings(endpoint);
        let pages = if listings == 0 {
            String::new()
        } else {
            format!(
                "   {listings:>6} listings, {:.3} pages each, longest {}",
                pass.stats.pages(endpoint) as f64 / listings as f64,
                pass.stats.longest_listing(endpoint)
            )
        };
        println!("    {:<26} {calls:>6} calls{pages}", endpoint.to_string());
    }
}

/// A running process's peak resident set (`VmHWM`), in KiB; 0 once it is gone.
fn high_water_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

#[derive(QueryableByName)]
struct Rows {
    #[diesel(sql_type = BigInt)]
    rows: i64,
}

/// Rows inserted, updated or marked deleted by every pass so far.
async fn rows_written(database_url: &str) -> anyhow::Result<i64> {
    let mut conn = AsyncPgConnection::establish(database_url).await?;
    let rows: Rows = diesel::sql_query(
        "SELECT coalesce(sum(rows_inserted + rows_updated + rows_deleted), 0)::bigint AS rows \
         FROM zoom.sync_runs",
    )
    .get_result(&mut conn)
    .await?;
    Ok(rows.rows)
}
