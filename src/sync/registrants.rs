//! The registrants passes: for every live meeting (or webinar) that can take registrations,
//! its registrants of each status; once all three listings are complete, the ones none had are
//! marked deleted.
//!
//! Finding which meetings take registrations costs as few calls as Zoom allows: Zoom allows
//! none on recurring meetings with no fixed time and on PMI meetings, which cost nothing; for
//! the others the first listing (approved) answers "registration is off" for one call.

use std::pin::pin;

use chrono::Utc;
use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::SyncContext;
use super::counts::PassCounts;
use super::error::SyncError;
use super::listing::Tally;
use super::sessions::table;
use super::store::store;
use super::walk::{BATCH, for_each, in_batches};
use crate::db::registrants::{RegistrantRow, RegistrantTable};
use crate::db::sessions::Listed;
use crate::db::{self, DbPool};
use crate::zoom::{Registrant, RegistrantStatus, SessionKind, ZoomClient};

pub async fn sync_registrants(
    ctx: &SyncContext,
    client: &ZoomClient,
    kind: SessionKind,
    cancel: &CancellationToken,
    counts: &PassCounts,
) -> Result<(), SyncError> {
    let registrants = registrant_table(kind);
    {
        let mut conn = db::connection(&ctx.pool).await?;
        counts.deleted(
            db::registrants::mark_orphans_deleted(&mut conn, registrants, Utc::now()).await?,
        );
    }
    let pool = &ctx.pool;
    let sessions = in_batches(
        |s: &Listed| s.id,
        move |after: Option<i64>| async move {
            let mut conn = db::connection(pool).await?;
            let after = after.unwrap_or(i64::MIN);
            Ok(db::sessions::live_after(&mut conn, table(kind), after, BATCH).await?)
        },
    );
    for_each(sessions, ctx.settings.concurrency, cancel, |session| {
        sync_session(pool, client, kind, session, counts)
    })
    .await
}

pub(crate) fn registrant_table(kind: SessionKind) -> RegistrantTable {
    match kind {
        SessionKind::Meeting => RegistrantTable::Meeting,
        SessionKind::Webinar => RegistrantTable::Webinar,
    }
}

/// Whether Zoom allows the session no registrations, so that no call is needed: "the meeting
/// cannot be a No Fixed Time recurring meeting" and "must not use your PMI". Details saying
/// registration is off are not trusted: turning it on changes nothing in the listing, so they
/// would never be fetched again.
fn registration_impossible(kind: SessionKind, session: &Listed) -> bool {
    kind == SessionKind::Meeting && matches!(session.session_type, Some(3 | 4))
}

pub(crate) async fn sync_session(
    pool: &DbPool,
    client: &ZoomClient,
    kind: SessionKind,
    session: Listed,
    counts: &PassCounts,
) -> Result<(), SyncError> {
    let table = registrant_table(kind);
    let mut listed: Tally<String> = Tally::default();
    let mut registration = registration_impossible(kind, &session).then_some(false);
    let listing_started = Utc::now();
    if registration != Some(false) {
        for status in RegistrantStatus::ALL {
            let mut pages = pin!(client.list_registrants(kind, session.id, status));
            let mut listing = listed.listing();
            while let Some(page) = pages.next().await {
                let page = match page {
                    Ok(page) => page,
                    Err(e) if e.is_registration_off() => {
                        registration = Some(false);
                        break;
                    }
                    // Gone since the meetings pass, which settles it next time.
                    Err(e) if e.is_session_missing() => return Ok(()),
                    Err(e) => return Err(e.into()),
                };
                let rows: Vec<RegistrantRow<'_>> = page.items.iter().map(row).collect();
                let skipped = store(rows.len(), counts, |at| {
                    let rows = &rows[at];
                    async move {
                        let mut conn = db::connection(pool).await?;
                        db::registrants::upsert(&mut conn, table, session.id, rows, Utc::now())
                            .await
                    }
                })
                .await?;
                listing.page(&page, |r| r.id.clone());
                listing.unstored(skipped);
            }
            if registration == Some(false) {
                break;
            }
            listing.end();
        }
    }
    let mut conn = db::connection(pool).await?;
    let on = registration != Some(false);
    db::sessions::set_has_registration(&mut conn, super::sessions::table(kind), session.id, on)
        .await?;
    let parent = format!("{} {}'s registrants", kind.as_str(), session.id);
    if !listed.decides_deletions(counts, &parent) {
        return Ok(());
    }
    // With registration off, Zoom keeps no registrants: every mirrored one is gone.
    let listed = listed.into_keys();
    let kept: &[String] = if on { &listed } else { &[] };
    counts.deleted(
        db::registrants::mark_unlisted_deleted(
            &mut conn,
            table,
            session.id,
            kept,
            listing_started,
            Utc::now(),
        )
        .await?,
    );
    Ok(())
}

pub(crate) fn row(registrant: &Registrant) -> RegistrantRow<'_> {
    RegistrantRow {
        id: &registrant.id,
        email: &registrant.email,
        first_name: registrant.first_name.as_deref(),
        last_name: registrant.last_name.as_deref(),
        status: &registrant.status,
        create_time: registrant.create_time,
        join_url: registrant.join_url.as_deref(),
        raw: &registrant.raw,
    }
}
