//! `zoom-simulator`: a fake Zoom on a fixed address, with a generated account, for demos and
//! manual runs of zoom-mirror. Logs go to stderr (`RUST_LOG` filters them).

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use zoom_simulator::cli::{self, SimulateArgs};

#[tokio::main]
async fn main() -> ExitCode {
    let args = SimulateArgs::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    match cli::run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e}");
            ExitCode::FAILURE
        }
    }
}
