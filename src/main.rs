//! The binary edge: parse the command line, run the command, turn errors into exit codes.

use clap::Parser;

use zoom_mirror::cli::{Cli, Command};

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        _ => anyhow::bail!("not wired yet"),
    }
}
