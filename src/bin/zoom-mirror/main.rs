//! The binary edge: parse the command line, load the configuration, run the command, and turn
//! errors into a message and a non-zero exit.

mod commands;

use std::process::ExitCode;

use clap::Parser;

use zoom_mirror::cli::{Cli, Command};
use zoom_mirror::config::Config;
use zoom_mirror::telemetry;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("Error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let config = Config::load(cli.config.as_deref())?;
    telemetry::init(config.log.format);
    match cli.command {
        Command::CheckConfig => commands::check_config(&config),
        Command::Migrate => commands::migrate(&config).await,
        Command::Status => commands::status(&config).await,
        Command::Queue(command) => commands::queue(&config, command).await,
        Command::Auth(command) => commands::auth(&config, command).await,
        Command::Sync { entities } => commands::sync(&config, &entities).await,
        Command::Run => commands::run(&config).await,
    }
}
