//! `zoom-mirror status`: the last pass of each entity and what the mirror holds.

use std::process::ExitCode;

use zoom_mirror::clock::Clock;
use zoom_mirror::config::Config;
use zoom_mirror::db::{self, overview, queue_operator, sync_runs, users};

pub async fn status(config: &Config) -> anyhow::Result<ExitCode> {
    let pool = db::pool(&super::database(config)?, 1)?;
    let mut conn = db::connection(&pool).await?;
    let runs = sync_runs::latest_per_entity(&mut conn).await?;
    println!("last sync pass per entity:");
    if runs.is_empty() {
        println!("  none yet (run `zoom-mirror sync`, or wait for the schedule)");
    }
    for run in &runs {
        println!(
            "  {:<20} {:<10} started {} by {} on {}, {} API calls, {}{}",
            run.entity,
            run.status,
            run.started_at.format("%Y-%m-%d %H:%M:%SZ"),
            run.triggered_by,
            run.host,
            run.api_calls,
            run.counts(),
            run.error
                .as_deref()
                .map(|e| format!("\n             error: {e}"))
                .unwrap_or_default(),
        );
    }
    println!("rows in the mirror (live / marked deleted):");
    for table in overview::table_counts(&mut conn).await? {
        println!(
            "  zoom.{:<20} {:>9} / {}",
            table.name, table.live, table.deleted
        );
    }
    println!("zoom.users by status:");
    for row in users::count_by_status(&mut conn).await? {
        println!("  {:<10} {}", row.status, row.users);
    }
    println!("write-back queue (zoom.write_queue) by status:");
    for row in queue_operator::depth(&mut conn).await? {
        let detail = match (row.oldest_due, row.waiting) {
            (Some(oldest), waiting) => format!(
                "; oldest due row waits {}s; {waiting} wait for a retry or a daily limit",
                (Clock::System.now() - oldest).num_seconds().max(0)
            ),
            (None, waiting) if waiting > 0 => {
                format!("; all {waiting} wait for a retry or a daily limit")
            }
            _ => String::new(),
        };
        println!("  {:<10} {}{detail}", row.status, row.rows);
    }
    Ok(ExitCode::SUCCESS)
}
