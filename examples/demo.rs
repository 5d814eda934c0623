//! The demo: the Zoom simulator in-process, its whole account (users, meetings, webinars,
//! registrants, recordings) mirrored into DATABASE_URL, a summary of what landed, then one change
//! made in Zoom that reaches the mirror by a signed webhook through the daemon's own listener and
//! applier. The first thing a newcomer runs (`cargo run --release --example demo`); it needs only
//! PostgreSQL.
//!
//! It is an example rather than a `zoom-mirror` subcommand so that the daemon's binary carries
//! no simulator: the simulator is a dev-dependency, which examples may use and the daemon cannot.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use reqwest::Method;
use secrecy::SecretString;
use serde_json::json;
use tokio_util::sync::CancellationToken;

use zoom_mirror::clock::Clock;
use zoom_mirror::config::{Config, ZoomCredentials};
use zoom_mirror::db::{self, DbTarget, DbTimeouts, overview, users};
use zoom_mirror::service::http::{Endpoints, serve};
use zoom_mirror::sync::{Entity, PassOutcome, SyncContext, Trigger, run_pass};
use zoom_mirror::telemetry;
use zoom_mirror::telemetry::metrics::Metrics;
use zoom_mirror::webhooks::{Applier, Inbox, Verifier};
use zoom_mirror::zoom::retry::AttemptError;
use zoom_mirror::zoom::{Call, Endpoint};
use zoom_simulator::{AccountSpec, Simulator, SimulatorConfig, WebhookSubscription};

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
    // The daemon's listener is bound first, so that the simulator can be told where Zoom's
    // webhooks go.
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding a local port for the webhook listener")?;
    let webhook_url = format!("http://{}/webhooks/zoom", socket.local_addr()?);
    let simulator = Simulator::start(SimulatorConfig {
        account: AccountSpec {
            users,
            seed,
            ..AccountSpec::default()
        },
        webhooks: Some(WebhookSubscription::new(webhook_url, WEBHOOK_SECRET)),
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
    let user = simulator.handle().listed_users("active")[0]["id"]
        .as_str()
        .context("the simulated account has no active user")?
        .to_owned();
    show_a_webhook(&ctx, socket, &user).await?;

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

/// The secret token the simulator signs its webhooks with, as a Zoom app's would.
const WEBHOOK_SECRET: &str = "demo-webhook-secret";

/// Serves the daemon's listener and applier on `socket`, changes `user` through Zoom's API (a
/// PATCH to the simulator, not through the mirror), and waits for the `user.updated` webhook
/// Zoom sends to change the mirror's row.
async fn show_a_webhook(
    ctx: &SyncContext,
    socket: tokio::net::TcpListener,
    user: &str,
) -> anyhow::Result<()> {
    let metrics = Metrics::default();
    let verifier = Verifier::new(vec![SecretString::from(WEBHOOK_SECRET)]);
    let inbox = Inbox::new(verifier, ctx.pool.clone(), metrics.clone());
    let stop = CancellationToken::new();
    let _stop_on_return = stop.clone().drop_guard();
    let applier = Applier::new(
        ctx.pool.clone(),
        ctx.client.clone(),
        metrics.clone(),
        inbox.stored_events(),
        std::time::Duration::from_secs(86_400),
    );
    tokio::spawn(applier.run(stop.clone()));
    let endpoints = Endpoints {
        inbox,
        metrics,
        pool: ctx.pool.clone(),
        migrated: Arc::new(AtomicBool::new(true)),
        max_body_bytes: 1024 * 1024,
        clock: Clock::System,
    };
    tokio::spawn(serve(socket, endpoints, stop.clone()));

    let dept = format!(
        "Changed in Zoom at {}",
        Clock::System.now().format("%H:%M:%S")
    );
    let path = format!("users/{user}");
    let body = json!({ "dept": dept });
    let call = Call {
        method: Method::PATCH,
        endpoint: Endpoint::UpdateUser,
        path: &path,
        query: &[],
        body: Some(&body),
    };
    let sent = Instant::now();
    let permit = ctx.client.acquire(call).await?;
    ctx.client
        .send_once(permit)
        .await
        .map_err(AttemptError::into_error)
        .with_context(|| format!("changing user {user} in the simulator"))?;
    loop {
        let mut conn = db::connection(&ctx.pool).await?;
        if users::dept_of(&mut conn, user).await?.as_deref() == Some(dept.as_str()) {
            break;
        }
        drop(conn);
        if sent.elapsed() > std::time::Duration::from_secs(10) {
            anyhow::bail!("the webhook for user {user} did not reach the mirror within 10 s");
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    println!(
        "\nA change made in Zoom reached the mirror by webhook in {} ms: PATCH /users/{user} \
         (dept), then Zoom's signed user.updated, verified, stored in zoom.webhook_events and \
         merged into zoom.users.",
        sent.elapsed().as_millis()
    );
    Ok(())
}
