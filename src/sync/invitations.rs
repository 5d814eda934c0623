//! The meeting invitations pass: one Light call for each live meeting that is new or whose
//! listing changed since its invitation was fetched, none for the others, so a pass over an
//! unchanged account costs nothing. A meeting Zoom no longer has (3001) is left to the meetings
//! pass; one whose host may not host meetings (3161) is "none", counted and logged once per
//! pass, and asked again only when its listing changes.

use std::sync::atomic::{AtomicI64, Ordering};

use super::SyncContext;
use super::error::SyncError;
use super::listing::Sink;
use super::refused::Refused;
use super::walk::{BATCH, Walk, for_each, in_batches};
use crate::db::invitations::Due;
use crate::db::sync_runs::RowCounts;
use crate::db::{self};
use crate::zoom::{Invitation, ZoomClient};

pub async fn sync_invitations(
    ctx: &SyncContext,
    client: &ZoomClient,
    sink: &Sink<'_>,
) -> Result<(), SyncError> {
    let pool = sink.pool;
    let total = db::invitations::count_due(&mut *db::connection(pool).await?).await?;
    let rows = in_batches(
        |due: &Due| due.id,
        move |after: Option<i64>| async move {
            let mut conn = db::connection(pool).await?;
            let after = after.unwrap_or(i64::MIN);
            Ok(db::invitations::due_after(&mut conn, after, BATCH).await?)
        },
    );
    let tally = Tally::default();
    for_each(
        Walk { total, rows },
        ctx.settings.concurrency,
        sink,
        |due| fetch(sink, client, due, &tally),
    )
    .await?;
    tracing::info!(
        gone = tally.gone.load(Ordering::Relaxed),
        "meeting invitations fetched"
    );
    tally.not_hosting.log(
        "meeting_invitations",
        "meeting hosting for the host (code 3161)",
        "meetings",
    );
    Ok(())
}

/// What a pass was refused, for its summary.
#[derive(Debug, Default)]
struct Tally {
    /// Meetings Zoom no longer has (3001), which the next meetings pass marks.
    gone: AtomicI64,
    not_hosting: Refused,
}

/// Fetches and stores one meeting's invitation.
async fn fetch(
    sink: &Sink<'_>,
    client: &ZoomClient,
    due: Due,
    tally: &Tally,
) -> Result<(), SyncError> {
    let invitation = match client.meeting_invitation(due.id).await? {
        Invitation::Served(text) => text,
        Invitation::Gone => {
            tally.gone.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        Invitation::HostingNotAllowed => {
            tally.not_hosting.add();
            None
        }
    };
    let mut conn = db::connection(sink.pool).await?;
    let now = sink.clock.now();
    db::invitations::store(
        &mut conn,
        due.id,
        invitation.as_deref(),
        &due.listed_hash,
        now,
    )
    .await?;
    let changed = i64::from(invitation != due.invitation);
    sink.counts.add(RowCounts {
        updated: changed,
        unchanged: 1 - changed,
        ..RowCounts::default()
    });
    Ok(())
}
