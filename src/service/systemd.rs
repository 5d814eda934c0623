//! systemd notifications. Each is a no-op without `NOTIFY_SOCKET`, so harmless on a terminal.

use std::time::Duration;

use sd_notify::NotifyState;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::zoom::ZoomClient;

pub fn ready() {
    notify(&[NotifyState::Ready]);
}

pub fn stopping() {
    notify(&[NotifyState::Stopping]);
}

pub fn status(text: &str) {
    notify(&[NotifyState::Status(text)]);
}

/// Pings the watchdog at half its interval while the daemon is idle or its Zoom calls make
/// progress (answers arrive, bounded waits run their course: see `zoom::progress`). A wedged
/// runtime, or calls stuck past every bound, stop the pings and systemd restarts us; Zoom or
/// Postgres outages do not (their calls fail or time out, and a restart fixes neither).
pub fn spawn_watchdog(cancel: CancellationToken, client: ZoomClient) -> Option<JoinHandle<()>> {
    let interval = (sd_notify::watchdog_enabled()? / 2).max(Duration::from_millis(100));
    Some(tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        let mut reported = false;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = cancel.cancelled() => break,
            }
            match client.stalled().filter(|stalled| *stalled >= interval) {
                Some(stalled) => {
                    if !std::mem::replace(&mut reported, true) {
                        tracing::error!(
                            stalled_secs = stalled.as_secs(),
                            "Zoom calls are stuck past every timeout; no more watchdog pings, so \
                             systemd restarts the daemon unless they move on"
                        );
                    }
                }
                None => {
                    reported = false;
                    notify(&[NotifyState::Watchdog]);
                }
            }
        }
    }))
}

fn notify(states: &[NotifyState<'_>]) {
    if let Err(e) = sd_notify::notify(states) {
        tracing::debug!(error = %e, "could not notify systemd");
    }
}
