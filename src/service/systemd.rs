//! systemd notifications. Each is a no-op without `NOTIFY_SOCKET`, so harmless on a terminal.

use std::time::Duration;

use sd_notify::NotifyState;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub fn ready() {
    notify(&[NotifyState::Ready]);
}

pub fn stopping() {
    notify(&[NotifyState::Stopping]);
}

pub fn status(text: &str) {
    notify(&[NotifyState::Status(text)]);
}

/// Pings the watchdog at half its interval while the runtime is alive. A wedged runtime stops
/// the pings and systemd restarts us; Zoom or Postgres outages do not (a restart fixes neither).
pub fn spawn_watchdog(cancel: CancellationToken) -> Option<JoinHandle<()>> {
    let interval = sd_notify::watchdog_enabled()? / 2;
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval.max(Duration::from_millis(100)));
        loop {
            tokio::select! {
                _ = tick.tick() => notify(&[NotifyState::Watchdog]),
                () = cancel.cancelled() => break,
            }
        }
    }))
}

fn notify(states: &[NotifyState<'_>]) {
    if let Err(e) = sd_notify::notify(states) {
        tracing::debug!(error = %e, "could not notify systemd");
    }
}
