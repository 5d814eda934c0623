//! The registrants passes: for every live meeting (or webinar) that can take registrations,
//! its registrants of each status; once all three listings are complete, the ones none had are
//! marked deleted.
//!
//! Finding which meetings take registrations costs as few calls as Zoom allows: Zoom allows
//! none on recurring meetings with no fixed time and on PMI meetings, which cost nothing; for
//! the others the first listing (approved) answers "registration is off" for one call.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use futures::Stream;

use super::SyncContext;
use super::error::SyncError;
use super::listing::{Answer, Decision, Empty, End, Listable, Sink, deletions, list};
use super::sessions::{live_sessions, table};
use super::walk::for_each;
use crate::db::registrants::{RegistrantRow, RegistrantTable};
use crate::db::sessions::Listed;
use crate::db::sync_runs::RowCounts;
use crate::db::{self, DbError};
use crate::zoom::{ListedPage, Registrant, RegistrantStatus, SessionKind, ZoomClient, ZoomError};

pub async fn sync_registrants(
    ctx: &SyncContext,
    client: &ZoomClient,
    kind: SessionKind,
    sink: &Sink<'_>,
) -> Result<(), SyncError> {
    let registrants = registrant_table(kind);
    {
        let mut conn = db::connection(sink.pool).await?;
        sink.counts.deleted(
            db::registrants::mark_orphans_deleted(&mut conn, registrants, sink.clock.now()).await?,
        );
    }
    let sessions = live_sessions(sink.pool, kind, None).await?;
    for_each(sessions, ctx.settings.concurrency, sink, |session| {
        sync_session(sink, client, kind, session)
    })
    .await
}

pub(crate) fn registrant_table(kind: SessionKind) -> RegistrantTable {
    match kind {
        SessionKind::Meeting => RegistrantTable::Meeting,
        SessionKind::Webinar => RegistrantTable::Webinar,
    }
}

/// The session's registrant listings: one per status, or none where Zoom allows the session no
/// registrations, so that no call is needed: "the meeting cannot be a No Fixed Time recurring
/// meeting" and "must not use your PMI". Details saying registration is off are not trusted:
/// turning it on changes nothing in the listing, so they would never be fetched again.
pub(crate) fn listings(
    kind: SessionKind,
    session_type: Option<i32>,
) -> &'static [RegistrantStatus] {
    if kind == SessionKind::Meeting && matches!(session_type, Some(3 | 4)) {
        &[]
    } else {
        &RegistrantStatus::ALL
    }
}

/// One session's registrants into the mirror, and what they no longer hold marked deleted: a
/// pass does it for every session, a write-back refresh for the one it changed.
pub(crate) async fn sync_session(
    sink: &Sink<'_>,
    client: &ZoomClient,
    kind: SessionKind,
    session: Listed,
) -> Result<(), SyncError> {
    let registrants = SessionRegistrants {
        client,
        kind,
        session_id: session.id,
    };
    let statuses = listings(kind, session.session_type);
    let listings = list(&registrants, statuses.iter().copied(), sink).await;
    let on = !statuses.is_empty() && !matches!(listings.end, End::HoldsNone);
    let decision = deletions(listings, Empty::Allowed)?;
    if decision == Decision::Skip {
        return Ok(());
    }
    let mut conn = db::connection(sink.pool).await?;
    db::sessions::set_has_registration(&mut conn, table(kind), session.id, on).await?;
    match decision {
        Decision::Mark { keep, fence } => sink.counts.deleted(
            db::registrants::mark_unlisted_deleted(
                &mut conn,
                registrant_table(kind),
                session.id,
                &keep,
                fence,
                sink.clock.now(),
            )
            .await?,
        ),
        Decision::Wait(doubt) => doubt.report(
            sink.counts,
            &format!("{} {}'s registrants", kind.as_str(), session.id),
        ),
        Decision::Skip => {}
    }
    Ok(())
}

/// A meeting's or webinar's registrants, one listing per status. With registration off Zoom
/// keeps no registrants: every mirrored one is gone.
pub(crate) struct SessionRegistrants<'a> {
    pub client: &'a ZoomClient,
    pub kind: SessionKind,
    pub session_id: i64,
}

impl Listable for SessionRegistrants<'_> {
    type Item = Registrant;
    type Key = String;
    type Listing = RegistrantStatus;

    fn pages(
        &self,
        status: RegistrantStatus,
    ) -> impl Stream<Item = Result<ListedPage<Registrant>, ZoomError>> + '_ {
        self.client
            .list_registrants(self.kind, self.session_id, status)
    }

    fn key(registrant: &Registrant) -> String {
        registrant.id.clone()
    }

    async fn write(
        &self,
        conn: &mut AsyncPgConnection,
        registrants: &[Registrant],
        now: DateTime<Utc>,
        source_time: DateTime<Utc>,
    ) -> Result<RowCounts, DbError> {
        let rows: Vec<RegistrantRow<'_>> = registrants.iter().map(row).collect();
        let table = registrant_table(self.kind);
        db::registrants::upsert(conn, table, self.session_id, &rows, now, source_time).await
    }

    fn answer(&self, error: &ZoomError) -> Option<Answer> {
        if error.is_registration_off() {
            Some(Answer::HoldsNone)
        } else if error.is_session_missing() {
            // Gone since the meetings pass, which settles it next time.
            Some(Answer::Skip)
        } else {
            None
        }
    }
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
