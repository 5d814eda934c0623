//! The participants passes: who joined each ended instance of a meeting (or webinar).
//!
//! An instance is found once it has ended: in `zoom.recordings` (free), in the meeting.ended
//! or webinar.ended event (free; a participant's join or leave event finds a running one), and
//! in the ended-instances listing of every live meeting (one call each). An instance is read
//! whole and written like any listing once it is found, and once more when a read settles it:
//! `settle_hours` after it ended. In between no read is made, and a settled instance is never
//! read again. Zoom's "your plan lacks this" (code 200) is none, counted and logged once per
//! pass; for the account (not one webinar host's add-on) it ends the pass's calls, as every
//! other would answer the same. "Over a year ago" (12702) settles the instance at once, keeping
//! what was read of it; code 200 and "invalid or not end" (3001) settle it when a read would
//! have, Zoom still refusing then.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use futures::Stream;

use super::SyncContext;
use super::error::SyncError;
use super::listing::{Answer, Decision, Empty, Listable, Sink, deletions, list};
use super::refused::{Refused, Seen};
use super::sessions::live_sessions;
use super::walk::{BATCH, Walk, for_each, in_batches};
use crate::db::participants::{Due, FoundBy, ParticipantRow, PastTable, Refusal};
use crate::db::sync_runs::RowCounts;
use crate::db::{self, DbError};
use crate::zoom::{ListedPage, Participant, SessionKind, ZoomClient, ZoomError};

pub async fn sync_participants(
    ctx: &SyncContext,
    client: &ZoomClient,
    kind: SessionKind,
    sink: &Sink<'_>,
) -> Result<(), SyncError> {
    let past = past_table(kind);
    let settle_hours = match kind {
        SessionKind::Meeting => ctx.settings.meeting_participants_settle_hours,
        SessionKind::Webinar => ctx.settings.webinar_participants_settle_hours,
    };
    let tally = PassTally::default();
    {
        let mut conn = db::connection(sink.pool).await?;
        let found = db::participants::add_recorded_instances(&mut conn, past).await?;
        tally.found.fetch_add(found, Ordering::Relaxed);
    }
    // A one-off scheduled ahead has ended no instance unless started early, which its ended
    // event and recording tell at once and its listing once its start passed.
    for_each(
        live_sessions(sink.pool, kind, Some(sink.clock.now())).await?,
        ctx.settings.concurrency,
        sink,
        |session| find_instances(sink, client, kind, session.id, &tally),
    )
    .await?;
    let pool = sink.pool;
    let now = sink.clock.now();
    let total =
        db::participants::count_due(&mut *db::connection(pool).await?, past, settle_hours, now)
            .await?;
    let rows = in_batches(
        |i: &Due| i.uuid.clone(),
        move |after: Option<String>| async move {
            let mut conn = db::connection(pool).await?;
            let due = db::participants::due_after(
                &mut conn,
                past,
                settle_hours,
                now,
                after.as_deref(),
                BATCH,
            );
            Ok(due.await?)
        },
    );
    for_each(
        Walk { total, rows },
        ctx.settings.concurrency,
        sink,
        |instance| read_instance(sink, client, kind, instance, settle_hours, &tally),
    )
    .await?;
    tally.log(kind);
    Ok(())
}

pub(crate) fn past_table(kind: SessionKind) -> PastTable {
    match kind {
        SessionKind::Meeting => PastTable::Meeting,
        SessionKind::Webinar => PastTable::Webinar,
    }
}

/// What a pass found and was refused, for its one summary line.
#[derive(Debug, Default)]
struct PassTally {
    found: AtomicI64,
    settled: AtomicI64,
    /// Instances Zoom answered 3001 for: not ended yet, or no such instance.
    not_ended: AtomicI64,
    plan_missing: Refused,
    /// Zoom answered that the account's plan lacks past participants: no more is asked.
    account_refused: AtomicBool,
}

impl PassTally {
    /// Whether to ask Zoom about one more meeting or instance: not once the account's plan was
    /// refused, which counts this one as refused too.
    fn asks(&self) -> bool {
        let refused = self.account_refused.load(Ordering::Relaxed);
        if refused {
            self.plan_missing.add();
        }
        !refused
    }

    /// Zoom answered code 200 for one meeting or instance.
    fn plan_refused(&self, error: &ZoomError) {
        self.plan_missing.add();
        // A webinar host's missing add-on refuses that host's webinars only.
        if !error.is_webinar_plan_missing() {
            self.account_refused.store(true, Ordering::Relaxed);
        }
    }

    fn log(&self, kind: SessionKind) {
        let load = |n: &AtomicI64| n.load(Ordering::Relaxed);
        tracing::info!(
            kind = kind.as_str(),
            instances_found = load(&self.found),
            instances_settled = load(&self.settled),
            instances_not_ended = load(&self.not_ended),
            "ended instances found and settled; Zoom answered 3001 (not ended, or no such \
             instance) for instances_not_ended"
        );
        self.plan_missing.log(
            &format!("{}_participants", kind.as_str()),
            &format!("past {} participants (code 200)", kind.as_str()),
            &format!("{} or instances", kind.plural()),
        );
    }
}

/// Adds the ended instances Zoom lists for one meeting or webinar.
async fn find_instances(
    sink: &Sink<'_>,
    client: &ZoomClient,
    kind: SessionKind,
    session_id: i64,
    tally: &PassTally,
) -> Result<(), SyncError> {
    if !tally.asks() {
        return Ok(());
    }
    let instances = match client.past_instances(kind, session_id).await {
        Ok(instances) => instances,
        Err(e) if e.is_plan_missing() => {
            tally.plan_refused(&e);
            return Ok(());
        }
        // Gone since the meetings pass, which settles it.
        Err(e) if e.is_session_missing() => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if instances.is_empty() {
        return Ok(());
    }
    let rows: Vec<(&str, Option<DateTime<Utc>>)> = instances
        .iter()
        .map(|i| (i.uuid.as_str(), i.start_time))
        .collect();
    let mut conn = db::connection(sink.pool).await?;
    let found = db::participants::add_instances(
        &mut conn,
        past_table(kind),
        session_id,
        &rows,
        None,
        FoundBy::Instances,
    )
    .await?;
    tally.found.fetch_add(found.inserted, Ordering::Relaxed);
    Ok(())
}

/// Reads one due instance's participants whole, marks deleted what the read no longer lists,
/// and settles the instance when the read came late enough, or Zoom still refuses it then.
async fn read_instance(
    sink: &Sink<'_>,
    client: &ZoomClient,
    kind: SessionKind,
    instance: Due,
    settle_hours: u32,
    tally: &PassTally,
) -> Result<(), SyncError> {
    if !tally.asks() {
        return Ok(());
    }
    let past = past_table(kind);
    let participants = InstanceParticipants {
        client,
        kind,
        uuid: &instance.uuid,
        parent_id: instance.parent_id,
        tally,
        refusal: Seen::default(),
    };
    let listings = list(&participants, [()], sink).await;
    let decision = deletions(listings, Empty::Allowed)?;
    let mut conn = db::connection(sink.pool).await?;
    let now = sink.clock.now();
    match decision {
        Decision::Mark { keep, fence } => {
            sink.counts.deleted(
                db::participants::mark_unlisted_deleted(
                    &mut conn,
                    past,
                    &instance.uuid,
                    &keep,
                    fence,
                    now,
                )
                .await?,
            );
            if db::participants::record_read(
                &mut conn,
                past,
                &instance.uuid,
                fence,
                settle_hours,
                now,
            )
            .await?
            {
                tally.settled.fetch_add(1, Ordering::Relaxed);
            }
        }
        Decision::Wait(doubt) => doubt.report(
            sink.counts,
            &format!(
                "{} instance {}'s participants",
                kind.as_str(),
                instance.uuid
            ),
        ),
        Decision::Skip => {
            let Some(refusal) = participants.refusal.get() else {
                return Ok(());
            };
            if refusal == Refusal::NotFound {
                tally.not_ended.fetch_add(1, Ordering::Relaxed);
            }
            // Until it settles, an instance never read whole is asked again the next pass: one
            // that runs still (3001) is read once it ended.
            let uuid = &instance.uuid;
            if db::participants::settle_refused(&mut conn, past, uuid, refusal, settle_hours, now)
                .await?
            {
                tally.settled.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    Ok(())
}

/// One ended instance's participants: one listing.
struct InstanceParticipants<'a> {
    client: &'a ZoomClient,
    kind: SessionKind,
    uuid: &'a str,
    parent_id: i64,
    tally: &'a PassTally,
    /// What [`Listable::answer`] saw, for the instance's settling.
    refusal: Seen<Refusal>,
}

impl Listable for InstanceParticipants<'_> {
    type Item = Participant;
    type Key = (String, DateTime<Utc>);
    type Listing = ();

    fn pages(&self, (): ()) -> impl Stream<Item = Result<ListedPage<Participant>, ZoomError>> + '_ {
        self.client.list_participants(self.kind, self.uuid)
    }

    fn key(participant: &Participant) -> (String, DateTime<Utc>) {
        (participant.user_id.clone(), participant.join_time)
    }

    async fn write(
        &self,
        conn: &mut AsyncPgConnection,
        participants: &[Participant],
        now: DateTime<Utc>,
        source_time: DateTime<Utc>,
    ) -> Result<RowCounts, DbError> {
        let rows: Vec<ParticipantRow<'_>> = participants.iter().map(row).collect();
        let past = past_table(self.kind);
        db::participants::upsert(
            conn,
            past,
            self.uuid,
            self.parent_id,
            &rows,
            now,
            source_time,
        )
        .await
    }

    fn answer(&self, error: &ZoomError) -> Option<Answer> {
        let refusal = if error.is_plan_missing() {
            self.tally.plan_refused(error);
            Refusal::PlanMissing
        } else if error.is_over_a_year_ago() {
            Refusal::OverAYear
        } else if error.is_session_missing() {
            Refusal::NotFound
        } else {
            return None;
        };
        self.refusal.set(refusal);
        Some(Answer::Skip)
    }
}

fn row(p: &Participant) -> ParticipantRow<'_> {
    ParticipantRow {
        user_id: &p.user_id,
        join_time: p.join_time,
        participant_user_id: p.participant_user_id.as_deref(),
        name: p.name.as_deref(),
        user_email: p.user_email.as_deref(),
        registrant_id: p.registrant_id.as_deref(),
        leave_time: p.leave_time,
        duration: p.duration,
        status: p.status.as_deref(),
        internal_user: p.internal_user,
        failover: p.failover,
        raw: &p.raw,
    }
}
