//! The meetings and webinars passes: each host's listing, upserted page by page; once it is
//! complete, what it no longer has is marked gone, as deleted or as expired; then, if asked,
//! the details of what is new or changed.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use futures::Stream;

use super::SyncContext;
use super::error::SyncError;
use super::listing::{Answer, Decision, Empty, Listable, Sink, deletions, list};
use super::walk::{BATCH, Walk, for_each, in_batches};
use crate::db::sessions::{Listed, SessionRow, SessionTable, Vanished};
use crate::db::sync_runs::RowCounts;
use crate::db::users::Host;
use crate::db::{self, DbError, DbPool};
use crate::zoom::lifetime::{self, LastKnown};
use crate::zoom::{
    ListedPage, PastInstance, Session, SessionKind, ZoomClient, ZoomError, registration_on,
};

pub async fn sync_sessions(
    ctx: &SyncContext,
    client: &ZoomClient,
    kind: SessionKind,
    sink: &Sink<'_>,
) -> Result<(), SyncError> {
    let table = table(kind);
    let details = match kind {
        SessionKind::Meeting => ctx.settings.meeting_details,
        SessionKind::Webinar => ctx.settings.webinar_details,
    };
    {
        // Decided by the users pass's complete listing.
        let mut conn = db::connection(sink.pool).await?;
        sink.counts
            .deleted(db::sessions::mark_hosts_gone(&mut conn, table, sink.clock.now()).await?);
    }
    for_each(
        hosts(sink.pool).await?,
        ctx.settings.concurrency,
        sink,
        |host| sync_host(sink, client, kind, host, details),
    )
    .await
}

pub(crate) fn table(kind: SessionKind) -> SessionTable {
    match kind {
        SessionKind::Meeting => SessionTable::Meetings,
        SessionKind::Webinar => SessionTable::Webinars,
    }
}

/// Every host the users pass left live, in batches.
pub(super) async fn hosts(
    pool: &DbPool,
) -> Result<Walk<impl Stream<Item = Result<Host, SyncError>> + '_>, SyncError> {
    let total = db::users::count_hosts(&mut *db::connection(pool).await?).await?;
    let rows = in_batches(
        |host: &Host| host.id.clone(),
        move |after: Option<String>| async move {
            let mut conn = db::connection(pool).await?;
            Ok(db::users::hosts_after(&mut conn, after.as_deref(), BATCH).await?)
        },
    );
    Ok(Walk { total, rows })
}

/// Every live meeting (or webinar) of the mirror, in batches: the registrants and participants
/// passes' parents. With `started_by`, only those that can have been held by then: a one-off
/// whose scheduled start is later is left out.
pub(super) async fn live_sessions(
    pool: &DbPool,
    kind: SessionKind,
    started_by: Option<DateTime<Utc>>,
) -> Result<Walk<impl Stream<Item = Result<Listed, SyncError>> + '_>, SyncError> {
    let mut conn = db::connection(pool).await?;
    let total = db::sessions::count_live(&mut conn, table(kind), started_by).await?;
    let rows = in_batches(
        |s: &Listed| s.id,
        move |after: Option<i64>| async move {
            let mut conn = db::connection(pool).await?;
            let after = after.unwrap_or(i64::MIN);
            let live = db::sessions::live_after(&mut conn, table(kind), started_by, after, BATCH);
            Ok(live.await?)
        },
    );
    Ok(Walk { total, rows })
}

async fn sync_host(
    sink: &Sink<'_>,
    client: &ZoomClient,
    kind: SessionKind,
    host: Host,
    details: bool,
) -> Result<(), SyncError> {
    let (pool, counts) = (sink.pool, sink.counts);
    let table = table(kind);
    let sessions = HostSessions {
        client,
        kind,
        host: &host.id,
    };
    let listings = list(&sessions, [()], sink).await;
    match deletions(listings, Empty::Allowed)? {
        Decision::Mark { keep, fence } => {
            let vanished = {
                let mut conn = db::connection(pool).await?;
                db::sessions::vanished(&mut conn, table, &host.id, &keep, fence).await?
            };
            for gone in vanished {
                counts.deleted(i64::from(settle(pool, client, kind, gone, fence).await?));
            }
        }
        Decision::Wait(doubt) => {
            doubt.report(counts, &format!("host {}'s {}", host.id, kind.plural()));
        }
        Decision::Skip => return Ok(()),
    }
    if details {
        fetch_details(pool, client, kind, &host.id).await?;
    }
    Ok(())
}

/// A host's meetings or webinars: one listing.
struct HostSessions<'a> {
    client: &'a ZoomClient,
    kind: SessionKind,
    host: &'a str,
}

impl Listable for HostSessions<'_> {
    type Item = Session;
    type Key = i64;
    type Listing = ();

    fn pages(&self, (): ()) -> impl Stream<Item = Result<ListedPage<Session>, ZoomError>> + '_ {
        self.client.list_sessions(self.kind, self.host)
    }

    fn key(session: &Session) -> i64 {
        session.id
    }

    async fn write(
        &self,
        conn: &mut AsyncPgConnection,
        sessions: &[Session],
        now: DateTime<Utc>,
        source_time: DateTime<Utc>,
    ) -> Result<RowCounts, DbError> {
        let rows: Vec<SessionRow<'_>> = sessions.iter().map(row).collect();
        db::sessions::upsert(conn, table(self.kind), &rows, now, source_time).await
    }

    fn answer(&self, error: &ZoomError) -> Option<Answer> {
        // Gone since the users pass: that pass decides, not this one. Without a webinar plan
        // the user has no webinars to list; what the mirror has of theirs (a plan moved to
        // someone else) is kept as it was, not taken for deleted.
        let skip = error.is_user_missing()
            || (self.kind == SessionKind::Webinar && error.is_webinar_plan_missing());
        skip.then_some(Answer::Skip)
    }
}

/// Marks a session that left its host's listing, begun at `listing_started`, gone as of that
/// start: as deleted or expired.
async fn settle(
    pool: &DbPool,
    client: &ZoomClient,
    kind: SessionKind,
    gone: Vanished,
    listing_started: DateTime<Utc>,
) -> Result<bool, SyncError> {
    let last = LastKnown {
        kind,
        session_type: gone.session_type,
        start_time: gone.start_time,
        duration: gone.duration,
        created_at: gone.created_at,
    };
    let now = client.clock().now();
    let why = match lifetime::gone(&last, now) {
        Some(why) => why,
        None => {
            let past = match client.past_instance(gone.id).await {
                Ok(past) => past,
                // Past meetings need a paid plan: without them the dates alone decide, and
                // they already show the meeting old enough to have expired.
                Err(e @ ZoomError::Api { .. }) => {
                    tracing::debug!(meeting = gone.id, error = %e, "no past instance; deciding by dates");
                    PastInstance::NeverEnded
                }
                Err(e) => return Err(e.into()),
            };
            lifetime::gone_after_past(&last, past, now)
        }
    };
    let mut conn = db::connection(pool).await?;
    Ok(db::sessions::mark_gone(
        &mut conn,
        table(kind),
        gone.id,
        why.as_str(),
        listing_started,
        now,
    )
    .await?)
}

/// Details of the host's sessions that have none: new, or changed since they were fetched.
async fn fetch_details(
    pool: &DbPool,
    client: &ZoomClient,
    kind: SessionKind,
    host_id: &str,
) -> Result<(), SyncError> {
    let ids = {
        let mut conn = db::connection(pool).await?;
        db::sessions::without_details(&mut conn, table(kind), host_id).await?
    };
    for id in ids {
        // Gone since the listing: the next pass settles it.
        let Some(details) = client.get_session(kind, &id.to_string()).await? else {
            continue;
        };
        let mut conn = db::connection(pool).await?;
        let registration = registration_on(&details);
        db::sessions::set_details(
            &mut conn,
            table(kind),
            id,
            &details,
            registration,
            client.clock().now(),
        )
        .await?;
    }
    Ok(())
}

pub(crate) fn row(session: &Session) -> SessionRow<'_> {
    SessionRow {
        id: session.id,
        uuid: session.uuid.as_deref(),
        host_id: &session.host_id,
        topic: session.topic.as_deref(),
        session_type: session.session_type,
        start_time: session.start_time,
        duration: session.duration,
        timezone: session.timezone.as_deref(),
        agenda: session.agenda.as_deref(),
        created_at: session.created_at,
        join_url: session.join_url.as_deref(),
        raw: &session.raw,
    }
}
