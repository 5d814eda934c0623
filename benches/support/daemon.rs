//! What the benchmarks of a running daemon share: `zoom-mirror run` with only the part measured,
//! stopped as systemd stops it, and the counts and percentiles of what it did. Kept out of
//! `support`, which every benchmark builds, so that one that runs no daemon (full_sync) holds no
//! unused code.

use std::process::{Child, Command};

/// Config lines turning off every sync job, for a daemon that runs only what is measured.
pub fn sync_jobs_off() -> String {
    (zoom_mirror::sync::Entity::ALL.iter())
        .map(|e| format!("[sync.{e}]\nenabled = false\n"))
        .collect()
}

/// Stops `daemon` as systemd would, with SIGTERM, and waits for it to exit.
pub fn stop(mut daemon: Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &daemon.id().to_string()])
        .status();
    let _ = daemon.wait();
}

/// A count from the database.
#[derive(diesel::QueryableByName)]
pub struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}

/// The `p` quantile (0 to 1) of `sorted` by nearest rank; NaN when it is empty.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}
