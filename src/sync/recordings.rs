//! The recordings pass: windows of at most a month, newest first, over the days [`Lookback`]
//! gives (`sync.recordings.backfill_days` on the first pass). Once every window of a host (or
//! of the account) was read whole, recordings none of them had are marked deleted, for that
//! host and those days only.

use chrono::{DateTime, Duration, Utc};
use diesel_async::AsyncPgConnection;
use futures::{Stream, stream};

use super::SyncContext;
use super::error::SyncError;
use super::listing::{Answer, Decision, Empty, Listable, Sink, deletions, list};
use super::lookback::Lookback;
use super::sessions::hosts;
use super::walk::{Walk, for_each};
use crate::config::RecordingsSource;
use crate::db::recordings::{FileRow, RecordingRow};
use crate::db::sync_runs::RowCounts;
use crate::db::{self, DbError};
use crate::zoom::{
    DayRange, Endpoint, ListedPage, Recording, RecordingSource, ZoomClient, ZoomError,
};

pub async fn sync_recordings(
    ctx: &SyncContext,
    client: &ZoomClient,
    sink: &Sink<'_>,
) -> Result<(), SyncError> {
    let today = sink.clock.today();
    let backfill_from = today - Duration::days(i64::from(ctx.settings.recordings_backfill_days));
    let lookback = Lookback::new(sink, "recordings", backfill_from).await?;
    let per_user = || async {
        for_each(
            hosts(sink.pool).await?,
            ctx.settings.concurrency,
            sink,
            |host| async move {
                let range = lookback.range(Some(host.first_seen_at));
                sync_range(sink, client, RecordingSource::User(&host.id), range).await
            },
        )
        .await
    };
    let account = || {
        let range = lookback.range(None);
        // One parent, the account.
        let rows = stream::once(async move { Ok(range) });
        for_each(Walk { total: 1, rows }, 1, sink, |range| {
            sync_range(sink, client, RecordingSource::Account, range)
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
    sink: &Sink<'_>,
    client: &ZoomClient,
    source: RecordingSource<'_>,
    range: DayRange,
) -> Result<(), SyncError> {
    let listings = list(&Recordings { client, source }, range.windows(), sink).await;
    let host = match source {
        RecordingSource::User(id) => Some(id),
        RecordingSource::Account => None,
    };
    let (keep, fence) = match deletions(listings, Empty::Allowed)? {
        Decision::Mark { keep, fence } => (keep, fence),
        Decision::Wait(doubt) => {
            let parent = match host {
                Some(id) => format!("user {id}'s recordings from {} to {}", range.from, range.to),
                None => format!(
                    "the account's recordings from {} to {}",
                    range.from, range.to
                ),
            };
            doubt.report(sink.counts, &parent);
            return Ok(());
        }
        Decision::Skip => return Ok(()),
    };
    let mut conn = db::connection(sink.pool).await?;
    let (from, until) = range.instants();
    sink.counts.deleted(
        db::recordings::mark_unlisted_deleted(
            &mut conn,
            host,
            from,
            until,
            &keep,
            fence,
            sink.clock.now(),
        )
        .await?,
    );
    Ok(())
}

/// A host's recordings (or the account's), one listing per window.
struct Recordings<'a> {
    client: &'a ZoomClient,
    source: RecordingSource<'a>,
}

impl Listable for Recordings<'_> {
    type Item = Recording;
    type Key = String;
    type Listing = DayRange;

    fn pages(
        &self,
        window: DayRange,
    ) -> impl Stream<Item = Result<ListedPage<Recording>, ZoomError>> + '_ {
        self.client.list_recordings(self.source, window)
    }

    fn key(recording: &Recording) -> String {
        recording.uuid.clone()
    }

    async fn write(
        &self,
        conn: &mut AsyncPgConnection,
        recordings: &[Recording],
        now: DateTime<Utc>,
        source_time: DateTime<Utc>,
    ) -> Result<RowCounts, DbError> {
        let rows: Vec<RecordingRow<'_>> = recordings.iter().map(row).collect();
        db::recordings::upsert(conn, &rows, now, source_time).await
    }

    fn answer(&self, error: &ZoomError) -> Option<Answer> {
        // Gone since the users pass: that pass decides, not this one.
        error.is_user_missing().then_some(Answer::Skip)
    }
}

pub(crate) fn row(recording: &Recording) -> RecordingRow<'_> {
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
