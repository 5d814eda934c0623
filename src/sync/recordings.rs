//! The recordings pass: windows of at most a month, newest first. The first pass reads back
//! `sync.recordings.backfill_days`; later ones read the days since the last successful pass
//! began, plus one, since recordings arrive late (a host the mirror has just met gets the whole
//! backfill). Once every window of a host (or of the account) was read whole, recordings none
//! of them had are marked deleted, for that host and those days only.

use std::pin::pin;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use futures::{StreamExt, stream};
use tokio_util::sync::CancellationToken;

use super::SyncContext;
use super::counts::PassCounts;
use super::error::SyncError;
use super::listing::Tally;
use super::sessions::hosts;
use super::store::store;
use super::walk::for_each;
use crate::config::RecordingsSource;
use crate::db::recordings::{FileRow, RecordingRow};
use crate::db::{self, DbPool};
use crate::zoom::{DayRange, Endpoint, Recording, RecordingSource, ZoomClient, ZoomError};

pub async fn sync_recordings(
    ctx: &SyncContext,
    client: &ZoomClient,
    cancel: &CancellationToken,
    counts: &PassCounts,
) -> Result<(), SyncError> {
    let last_success = {
        let mut conn = db::connection(&ctx.pool).await?;
        db::sync_runs::last_success_started(&mut conn, "recordings").await?
    };
    let today = Utc::now().date_naive();
    let backfill = DayRange {
        from: today - Duration::days(i64::from(ctx.settings.recordings_backfill_days)),
        to: today,
    };
    let since = |last: DateTime<Utc>| DayRange {
        from: (last.date_naive() - Duration::days(1)).max(backfill.from),
        to: today,
    };
    let pool = &ctx.pool;
    let per_user = || {
        for_each(
            hosts(pool),
            ctx.settings.concurrency,
            cancel,
            |host| async move {
                let range = match last_success {
                    Some(last) if host.first_seen_at <= last => since(last),
                    _ => backfill,
                };
                sync_range(pool, client, RecordingSource::User(&host.id), range, counts).await
            },
        )
    };
    let account = || {
        let range = last_success.map_or(backfill, since);
        for_each(stream::once(async move { Ok(range) }), 1, cancel, |range| {
            sync_range(pool, client, RecordingSource::Account, range, counts)
        })
    };
    match ctx.settings.recordings_source {
        RecordingsSource::Users => per_user().await?,
        RecordingsSource::Account => account().await?,
        RecordingsSource::Auto => {
            let scopes = client.granted_scopes().await?;
            if !scopes
                .iter()
                .any(|s| Endpoint::ListAccountRecordings.opened_by(s))
            {
                tracing::info!(
                    "recordings read per user: the app lacks the account listing's scope \
                     (cloud_recording:read:list_account_recordings:admin)"
                );
                per_user().await?
            } else {
                match account().await {
                    Ok(()) => tracing::info!("recordings read from the account listing"),
                    Err(SyncError::Zoom(e)) if refuses_account_listing(&e) => {
                        tracing::info!(
                            answer = %e,
                            "recordings read per user: Zoom refused the account listing"
                        );
                        per_user().await?
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    };
    Ok(())
}

/// Zoom answers an account listing it will not serve (no master-account plan, scope not
/// granted, not this account) with a 4xx that retrying does not change.
fn refuses_account_listing(error: &ZoomError) -> bool {
    matches!(
        error,
        ZoomError::MissingScope { .. }
            | ZoomError::Api {
                status: 400 | 403 | 404,
                ..
            }
    )
}

/// Reads `range` window by window, then, only if every window was read whole, marks deleted
/// what none of them had. Deciding over the whole range, not per window, keeps a recording that
/// Zoom files under a neighbouring day from being marked in one window and revived in the next.
async fn sync_range(
    pool: &DbPool,
    client: &ZoomClient,
    source: RecordingSource<'_>,
    range: DayRange,
    counts: &PassCounts,
) -> Result<(), SyncError> {
    let mut listed: Tally<String> = Tally::default();
    for window in range.windows() {
        let mut pages = pin!(client.list_recordings(source, window));
        let mut listing = listed.listing();
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(page) => page,
                // Gone since the users pass: that pass decides, not this one.
                Err(e) if e.is_user_missing() => return Ok(()),
                Err(e) => return Err(e.into()),
            };
            let rows: Vec<RecordingRow<'_>> = page.items.iter().map(row).collect();
            let skipped = store(rows.len(), counts, |at| {
                let rows = &rows[at];
                async move {
                    let mut conn = db::connection(pool).await?;
                    db::recordings::upsert(&mut conn, rows, Utc::now()).await
                }
            })
            .await?;
            listing.page(&page, |r| r.uuid.clone());
            listing.unstored(skipped);
        }
        listing.end();
    }
    let host = match source {
        RecordingSource::User(id) => Some(id),
        RecordingSource::Account => None,
    };
    let parent = match host {
        Some(id) => format!("user {id}'s recordings from {} to {}", range.from, range.to),
        None => format!(
            "the account's recordings from {} to {}",
            range.from, range.to
        ),
    };
    if !listed.decides_deletions(counts, &parent) {
        return Ok(());
    }
    let listed = listed.into_keys();
    let mut conn = db::connection(pool).await?;
    counts.deleted(
        db::recordings::mark_unlisted_deleted(
            &mut conn,
            host,
            start_of(range.from),
            start_of(range.to + Duration::days(1)),
            &listed,
            Utc::now(),
        )
        .await?,
    );
    Ok(())
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

fn row(recording: &Recording) -> RecordingRow<'_> {
    RecordingRow {
        uuid: &recording.uuid,
        meeting_id: recording.meeting_id,
        host_id: &recording.host_id,
        topic: recording.topic.as_deref(),
        meeting_type: recording.meeting_type,
        start_time: recording.start_time,
        duration: recording.duration,
        total_size: recording.total_size,
        recording_count: recording.recording_count,
        raw: &recording.raw,
        files_listed: recording.files_listed,
        files: recording
            .files
            .iter()
            .map(|f| FileRow {
                id: &f.id,
                file_type: f.file_type.as_deref(),
                file_extension: f.file_extension.as_deref(),
                file_size: f.file_size,
                recording_type: f.recording_type.as_deref(),
                status: f.status.as_deref(),
                recording_start: f.recording_start,
                recording_end: f.recording_end,
                raw: &f.raw,
            })
            .collect(),
    }
}
