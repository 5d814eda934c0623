//! Logging: `tracing` to stderr, filtered by `RUST_LOG` (default `info`). Under systemd
//! (`JOURNAL_STREAM` set) lines carry no timestamp, since journald stamps each one. And the
//! Prometheus metrics (`metrics`, with the Zoom client's requests in `zoom_calls`).

pub mod metrics;
mod zoom_calls;

use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let under_journald = std::env::var_os("JOURNAL_STREAM").is_some();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false);
    // `try_init` fails only if a subscriber is already set (tests): keep that one.
    let _ = match (format, under_journald) {
        (LogFormat::Json, _) => builder.json().try_init(),
        (LogFormat::Text, true) => builder.without_time().try_init(),
        (LogFormat::Text, false) => builder.try_init(),
    };
}
