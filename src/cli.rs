//! The command line: one clap enum of roles (docs/operating.md "Commands").

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::sync::Entity;

#[derive(Debug, Parser)]
#[command(
    name = "zoom-mirror",
    version,
    about = "Keep a PostgreSQL mirror of a Zoom account"
)]
pub struct Cli {
    /// Configuration file (default: $ZOOM_MIRROR_CONFIG, else /etc/zoom-mirror/zoom-mirror.toml
    /// if it exists). Environment variables override the file.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The daemon: scheduled sync jobs; stops cleanly on SIGTERM/SIGINT.
    Run,
    /// One pass now for the named entities (default: all enabled), then exit.
    Sync {
        #[arg(value_enum)]
        entities: Vec<Entity>,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Load and validate the configuration, print it with secrets redacted.
    CheckConfig,
    /// Last sync run of each entity, the mirror's row counts and the write-back queue's depth.
    Status,
    /// Operate on rows of the write-back queue (zoom.write_queue).
    #[command(subcommand)]
    Queue(QueueCommand),
    /// The authorization of an OAuth 2.0 app (zoom.auth = "oauth"), kept in zoom.oauth_tokens.
    #[command(subcommand)]
    Auth(AuthCommand),
}

/// The redirect URI `auth login` listens on unless told another: the app's redirect URL must
/// be set to it (or to the one given) in the Zoom App Marketplace.
pub const DEFAULT_REDIRECT_URI: &str = "http://127.0.0.1:8765/oauth/callback";

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Authorize the app: print Zoom's authorize URL, take the redirect, store the tokens.
    Login {
        /// Where Zoom sends the browser back; one of the app's redirect URLs.
        #[arg(long, value_name = "URI", default_value = DEFAULT_REDIRECT_URI)]
        redirect_uri: String,
        /// Read the URL the browser was sent to from standard input instead of listening on
        /// the redirect URI (for a server without a browser).
        #[arg(long)]
        no_listen: bool,
    },
    /// Who authorized the app, its scopes, and when the access token expires.
    Status,
    /// Revoke the authorization at Zoom and delete its tokens.
    Logout,
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Run a failed or cancelled row again now (one more attempt if its attempts were spent).
    Retry {
        /// The row's id in zoom.write_queue.
        id: i64,
    },
    /// Cancel a pending row; a running row cannot be cancelled, as Zoom may already have it.
    Cancel {
        /// The row's id in zoom.write_queue.
        id: i64,
    },
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::Cli;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }
}
