//! The demo: the Zoom simulator in-process, its whole account (users, meetings, webinars,
//! registrants, recordings) mirrored into DATABASE_URL, and a summary of what landed. The first
//! thing a newcomer runs (`cargo run --release --example demo`); it needs only PostgreSQL.
//!
//! It is an example rather than a `zoom-mirror` subcommand so that the daemon's binary carries
//! no simulator: the simulator is a dev-dependency, which examples may use and the daemon cannot.

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use secrecy::SecretString;
use tokio_util::sync::CancellationToken;

use zoom_mirror::clock::Clock;
use zoom_mirror::config::{Config, ZoomCredentials};
use zoom_mirror::db::{self, DbTarget, DbTimeouts, overview, users};
use zoom_mirror::sync::{Entity, PassOutcome, SyncContext, Trigger, run_pass};
use zoom_mirror::telemetry;
use zoom_simulator::{AccountSpec, Simulator, SimulatorConfig};

#[derive(Debug, Parser)]
#[command(
    name = "demo",
    about = "Mirror a simulated Zoom account into DATABASE_URL and show what landed"
)]
struct Args {
    /// Configuration file (default: $ZOOM_MIRROR_CONFIG, else /etc/zoom-mirror/zoom-mirror.toml if
    /// it exists). Only the database, sync and log settings are used; Zoom is the simulator.
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// Users in the simulated account.
    #[arg(long, default_value_t = 25)]
    users: usize,
    /// Seed of the generated account.
    #[arg(long, default_value_t = 42)]
    seed: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match demo(&args).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn demo(args: &Args) -> anyhow::Result<ExitCode> {
    let config = Config::load(args.config.as_deref())?;
    telemetry::init(config.log.format);
    let (users, seed) = (args.users, args.seed);
    let database = DbTarget::new(config.database_url()?, DbTimeouts::from(&config.database))?;
    let simulator = Simulator::start(SimulatorConfig {
        account: AccountSpec {
            users,
            seed,
            ..AccountSpec::default()
        },
        ..SimulatorConfig::default()
    })
    .await
    .context("starting the simulator")?;
    println!(
        "Simulated Zoom account: {users} users (seed {seed}), API at {}",
        simulator.api_base_url()
    );

    let mut zoom = config.zoom.client.clone();
    zoom.api_base_url = simulator.api_base_url();
    zoom.oauth_base_url = simulator.oauth_base_url();
    let sim = simulator.credentials();
    let credentials = ZoomCredentials {
        account_id: sim.account_id.clone(),
        client_id: sim.client_id.clone(),
        client_secret: SecretString::from(sim.client_secret.clone()),
    };

    db::run_migrations(&database).await?;
    let ctx = SyncContext::new(
        &database,
        2,
        &zoom,
        credentials,
        config.sync.settings,
        Clock::System,
        None,
    )?;
    let cancel = CancellationToken::new();
    for entity in Entity::ALL {
        let PassOutcome::Ran(report) = run_pass(&ctx, entity, Trigger::Demo, &cancel).await? else {
            anyhow::bail!(
                "another process is syncing {entity} into this database right now; try again"
            );
        };
        if let Some(error) = report.error {
            return Err(error).with_context(|| format!("mirroring the simulated {entity}"));
        }
        println!("Mirrored {report}");
    }

    let mut conn = db::connection(&ctx.pool).await?;
    println!("\nRows in the mirror:");
    for table in overview::table_counts(&mut conn).await? {
        println!("  zoom.{:<20} {}", table.name, table.live);
    }
    println!("zoom.users by status:");
    for row in users::count_by_status(&mut conn).await? {
        println!("  {:<10} {}", row.status, row.users);
    }
    println!(
        "\nLook for yourself:\n  \
         psql \"$DATABASE_URL\" -c 'SELECT email, first_name, last_name, type, status FROM zoom.users ORDER BY email LIMIT 10'\n  \
         psql \"$DATABASE_URL\" -c 'SELECT * FROM zoom.meeting_registrant_counts ORDER BY total DESC LIMIT 10'\n  \
         psql \"$DATABASE_URL\" -c 'SELECT * FROM zoom.recording_storage_per_user ORDER BY bytes DESC LIMIT 10'\n  \
         psql \"$DATABASE_URL\" -c 'SELECT * FROM zoom.sync_runs ORDER BY id DESC LIMIT 6'"
    );
    simulator.shutdown().await;
    Ok(ExitCode::SUCCESS)
}
