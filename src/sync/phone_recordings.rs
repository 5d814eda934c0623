//! The phone recordings pass: each mirrored user's Zoom Phone call recordings, in windows of at
//! most a month, newest first, over the days [`Lookback`] gives: on the first pass (and for a
//! user met since the last success) `sync.phone_recordings.backfill_days`, never further than
//! the six months Zoom serves; later, the days since the last successful pass began, plus one.
//! Older windows are not read again: a recording cannot appear in a past day, and deletions
//! there arrive by phone.recording_deleted. Once every window of a user was read whole,
//! that user's recordings of those days none of them had are marked deleted.
//!
//! A user without a Zoom Phone licence (404 code 1001, also Zoom's answer for a user that no
//! longer exists) and an account without Zoom Phone (403) have none: counted and logged once a
//! pass, never a failure. Once the account has answered it has no Phone, the other users are
//! not asked.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Duration, Months, Utc};
use diesel_async::AsyncPgConnection;
use futures::Stream;

use super::SyncContext;
use super::error::SyncError;
use super::listing::{Answer, Decision, Empty, Listable, Sink, deletions, list};
use super::lookback::Lookback;
use super::refused::{Refused, Seen};
use super::sessions::hosts;
use super::walk::for_each;
use crate::db::phone_recordings::PhoneRecordingRow;
use crate::db::sync_runs::RowCounts;
use crate::db::{self, DbError};
use crate::zoom::{DayRange, ListedPage, PhoneRecording, ZoomClient, ZoomError};
use zoom_api::endpoint::PHONE_RECORDINGS_MONTHS;

pub async fn sync_phone_recordings(
    ctx: &SyncContext,
    client: &ZoomClient,
    sink: &Sink<'_>,
) -> Result<(), SyncError> {
    let today = sink.clock.today();
    let backfill = today - Duration::days(i64::from(ctx.settings.phone_recordings_backfill_days));
    let served = today
        .checked_sub_months(Months::new(PHONE_RECORDINGS_MONTHS))
        .unwrap_or(backfill);
    let lookback = Lookback::new(sink, "phone_recordings", backfill.max(served)).await?;
    let tally = PassTally::default();
    for_each(
        hosts(sink.pool).await?,
        ctx.settings.concurrency,
        sink,
        |user| {
            let range = lookback.range(Some(user.first_seen_at));
            sync_user(sink, client, user.id, range, &tally)
        },
    )
    .await?;
    tally.unlicensed.log(
        "phone_recordings",
        "a Zoom Phone licence (404 code 1001, which also means the user is gone)",
        "users",
    );
    tally.no_phone.log(
        "phone_recordings",
        "Zoom Phone (403 \"Zoom Phone has not been enabled for this account\")",
        "users",
    );
    Ok(())
}

/// The users Zoom served nothing of, for the pass's warnings.
#[derive(Debug, Default)]
struct PassTally {
    unlicensed: Refused,
    no_phone: Refused,
    /// The account answered that it has no Zoom Phone: no other user is asked.
    account_without_phone: AtomicBool,
}

/// Reads one user's `range` window by window, then, only if every window was read whole, marks
/// deleted the user's recordings of those days that none of them had.
async fn sync_user(
    sink: &Sink<'_>,
    client: &ZoomClient,
    user_id: String,
    range: DayRange,
    tally: &PassTally,
) -> Result<(), SyncError> {
    if tally.account_without_phone.load(Ordering::Relaxed) {
        tally.no_phone.add();
        return Ok(());
    }
    let recordings = UserRecordings {
        client,
        user_id: &user_id,
        refusal: Seen::default(),
    };
    let listings = list(&recordings, range.windows(), sink).await;
    let (keep, fence) = match deletions(listings, Empty::Allowed)? {
        Decision::Mark { keep, fence } => (keep, fence),
        Decision::Wait(doubt) => {
            let parent = format!(
                "user {user_id}'s phone recordings from {} to {}",
                range.from, range.to
            );
            doubt.report(sink.counts, &parent);
            return Ok(());
        }
        Decision::Skip => {
            match recordings.refusal.get() {
                Some(Refusal::Unlicensed) => tally.unlicensed.add(),
                Some(Refusal::NoPhone) => {
                    tally.account_without_phone.store(true, Ordering::Relaxed);
                    tally.no_phone.add();
                }
                None => {}
            }
            return Ok(());
        }
    };
    let mut conn = db::connection(sink.pool).await?;
    sink.counts.deleted(
        db::phone_recordings::mark_unlisted_deleted(
            &mut conn,
            &user_id,
            range.instants(),
            &keep,
            fence,
            sink.clock.now(),
        )
        .await?,
    );
    Ok(())
}

/// Why Zoom served none of a user's phone recordings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// 404 code 1001: no Phone licence, or no such user.
    Unlicensed,
    /// 403: the account has no Zoom Phone.
    NoPhone,
}

/// One user's phone recordings, one listing per window.
struct UserRecordings<'a> {
    client: &'a ZoomClient,
    user_id: &'a str,
    /// What [`Listable::answer`] saw, for the pass's tally.
    refusal: Seen<Refusal>,
}

impl Listable for UserRecordings<'_> {
    type Item = PhoneRecording;
    type Key = String;
    type Listing = DayRange;

    fn pages(
        &self,
        window: DayRange,
    ) -> impl Stream<Item = Result<ListedPage<PhoneRecording>, ZoomError>> + '_ {
        self.client.list_phone_recordings(self.user_id, window)
    }

    fn key(recording: &PhoneRecording) -> String {
        recording.id.clone()
    }

    async fn write(
        &self,
        conn: &mut AsyncPgConnection,
        recordings: &[PhoneRecording],
        now: DateTime<Utc>,
        source_time: DateTime<Utc>,
    ) -> Result<RowCounts, DbError> {
        let rows: Vec<PhoneRecordingRow<'_>> = recordings.iter().map(row).collect();
        db::phone_recordings::upsert(conn, &rows, now, source_time).await
    }

    fn answer(&self, error: &ZoomError) -> Option<Answer> {
        let refusal = if error.is_user_missing() {
            Refusal::Unlicensed
        } else if error.is_phone_not_enabled() {
            Refusal::NoPhone
        } else {
            return None;
        };
        self.refusal.set(refusal);
        Some(Answer::Skip)
    }
}

pub(crate) fn row(r: &PhoneRecording) -> PhoneRecordingRow<'_> {
    PhoneRecordingRow {
        id: &r.id,
        user_id: &r.user_id,
        call_id: r.call_id.as_deref(),
        call_log_id: r.call_log_id.as_deref(),
        call_history_id: r.call_history_id.as_deref(),
        caller_name: r.caller_name.as_deref(),
        caller_number: r.caller_number.as_deref(),
        caller_number_type: r.caller_number_type,
        callee_name: r.callee_name.as_deref(),
        callee_number: r.callee_number.as_deref(),
        callee_number_type: r.callee_number_type,
        direction: r.direction.as_deref(),
        date_time: r.date_time,
        duration: r.duration,
        download_url: r.download_url.as_deref(),
        transcript_download_url: r.transcript_download_url.as_deref(),
        meeting_uuid: r.meeting_uuid.as_deref(),
        outgoing_by: r.outgoing_by.as_ref(),
        accepted_by: r.accepted_by.as_ref(),
        raw: &r.raw,
    }
}
