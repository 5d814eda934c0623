//! One function per subcommand.

mod queue;
mod status;

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use zoom_mirror::clock::Clock;
use zoom_mirror::config::Config;
use zoom_mirror::db::{self, DbTarget, DbTimeouts};
use zoom_mirror::service;
use zoom_mirror::sync::{Entity, PassOutcome, SyncContext, Trigger, run_pass};
use zoom_mirror::telemetry::metrics::Metrics;
use zoom_mirror::zoom::calls::CallObserver;

pub use queue::queue;
pub use status::status;

pub fn check_config(config: &Config) -> anyhow::Result<ExitCode> {
    config.validate_for_run()?;
    print!("{}", config.redacted());
    // A comment, so that the output stays TOML.
    if config.webhooks.secret_token.is_some() {
        println!(
            "\n# webhooks: on, at POST http://{}/webhooks/zoom",
            config.http.listen
        );
    } else {
        println!(
            "\n# webhooks: off (no webhooks.secret_token); the mirror is as fresh as its last pass"
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn migrate(config: &Config) -> anyhow::Result<ExitCode> {
    let applied = db::run_migrations(&database(config)?).await?;
    if applied.is_empty() {
        println!("the database schema is up to date");
    } else {
        println!(
            "applied {} migration(s): {}",
            applied.len(),
            applied.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Where the database is, with the configured timeouts.
fn database(config: &Config) -> anyhow::Result<DbTarget> {
    Ok(DbTarget::new(
        config.database_url()?,
        DbTimeouts::from(&config.database),
    )?)
}

/// The context for `run` and `sync`: both need the database and Zoom. Nothing connects yet.
fn context(
    config: &Config,
    observer: Option<Arc<dyn CallObserver>>,
) -> anyhow::Result<SyncContext> {
    config.validate_for_run()?;
    Ok(SyncContext::new(
        &database(config)?,
        config.database.max_connections,
        &config.zoom.client,
        config.zoom_credentials()?,
        config.sync.settings,
        Clock::System,
        observer,
    )?)
}

/// Waits for PostgreSQL and migrates before it reports ready.
pub async fn run(config: &Config) -> anyhow::Result<ExitCode> {
    let metrics = Metrics::default();
    let ctx = context(config, Some(metrics.zoom_calls()))?;
    service::run(config, ctx, metrics).await?;
    Ok(ExitCode::SUCCESS)
}

/// One pass per entity, in order; Ctrl-C stops after the current page.
pub async fn sync(config: &Config, entities: &[Entity]) -> anyhow::Result<ExitCode> {
    // No listener, so no /metrics to count Zoom's calls for.
    let ctx = context(config, None)?;
    db::run_migrations(&ctx.db).await?;
    let entities: Vec<Entity> = if entities.is_empty() {
        service::enabled_jobs(config)
            .into_iter()
            .map(|(e, _)| e)
            .collect()
    } else {
        entities.to_vec()
    };
    let cancel = CancellationToken::new();
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_ctrl_c.cancel();
        }
    });
    let mut all_succeeded = true;
    for entity in entities {
        let outcome = run_pass(&ctx, entity, Trigger::Command, &cancel)
            .await
            .with_context(|| format!("syncing {entity}"))?;
        match outcome {
            PassOutcome::Ran(report) => {
                println!("{report}");
                if let Some(error) = report.error {
                    eprintln!("{entity}: {error}");
                    all_succeeded = false;
                }
            }
            PassOutcome::Skipped => {
                eprintln!("{entity}: skipped, another process is syncing it right now");
                all_succeeded = false;
            }
        }
    }
    Ok(if all_succeeded {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
