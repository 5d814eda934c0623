//! `zoom-mirror status`: the last pass of each entity (a running one's progress) and what the
//! mirror holds.

use std::process::ExitCode;

use chrono::{DateTime, Utc};

use zoom_mirror::clock::Clock;
use zoom_mirror::config::Config;
use zoom_mirror::db::sync_runs::{Parents, SyncRun};
use zoom_mirror::db::{self, invitations, overview, queue_operator, sync_runs, users};
use zoom_mirror::sync::ParentsDone;

pub async fn status(config: &Config) -> anyhow::Result<ExitCode> {
    let pool = db::pool(&super::database(config)?, 1)?;
    let mut conn = db::connection(&pool).await?;
    let runs = sync_runs::latest_per_entity(&mut conn).await?;
    println!("last sync pass per entity:");
    if runs.is_empty() {
        println!("  none yet (run `zoom-mirror sync`, or wait for the schedule)");
    }
    let now = Clock::System.now();
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
        if run.status == "running" {
            println!("             {}", running(run, now));
        }
    }
    println!("rows in the mirror (live / marked deleted):");
    for table in overview::table_counts(&mut conn).await? {
        println!(
            "  zoom.{:<20} {:>9} / {}",
            table.name, table.live, table.deleted
        );
    }
    let (invitations, due) = invitations::overview(&mut conn).await?;
    println!(
        "meeting invitations (zoom.meetings.invitation): {invitations} held, \
         {due} live meetings new or changed since theirs was fetched"
    );
    println!("zoom.users by status:");
    for row in users::count_by_status(&mut conn).await? {
        println!("  {:<10} {}", row.status, row.users);
    }
    println!("write-back queue (zoom.write_queue) by status:");
    for row in queue_operator::depth(&mut conn).await? {
        let detail = match (row.oldest_due, row.waiting) {
            (Some(oldest), waiting) => format!(
                "; oldest due row waits {}s; {waiting} wait for a retry or a daily limit",
                (now - oldest).num_seconds().max(0)
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

/// A running pass that has not recorded its progress for this long (a dozen of its 5-second
/// writes) is said to be possibly stalled.
const STALE_SECS: i64 = 60;

/// A running pass's progress as its row last had it: parents, time left, and how old that is.
fn running(run: &SyncRun, now: DateTime<Utc>) -> String {
    let parents = match (run.parents_done, run.parents_total) {
        (Some(done), Some(total)) => Some(Parents { done, total }),
        _ => None,
    };
    let left = match run.estimated_finish_at {
        Some(at) => format!(
            "about {} s left (an estimate from the rate limits: ends ~{})",
            (at - now).num_seconds().max(0),
            at.format("%H:%M:%SZ")
        ),
        None => "time left unknown".to_owned(),
    };
    let since = |at: DateTime<Utc>| (now - at).num_seconds().max(0);
    let updated = match run.progress_at {
        Some(at) => format!("updated {} s ago", since(at)),
        None => "no progress recorded yet".to_owned(),
    };
    let quiet = since(run.progress_at.unwrap_or(run.started_at));
    let stalled = if quiet > STALE_SECS {
        format!(
            "\n             possibly stalled: nothing recorded for {quiet} s; if its process (see \
             host) is gone, the next pass of {} marks this one abandoned",
            run.entity
        )
    } else {
        String::new()
    };
    format!(
        "running for {} s: {}; {left}; {updated}{stalled}",
        since(run.started_at),
        ParentsDone(parents),
    )
}
