//! The participants passes: who joined each ended instance of a meeting (or webinar).
//!
//! An instance is found once it has ended: in `zoom.recordings` (free), in the meeting.ended
//! or webinar.ended event (free), and in the ended-instances listing of every live meeting
//! (one call each). Each unsettled instance is then read whole and written like any listing;
//! once a complete read began `settle_hours` after the instance ended, it is settled and never
//! read again. Zoom's "your plan lacks this" (code 200) is none, counted and logged once per
//! pass; "over a year ago" (12702) settles the instance, keeping what was read of it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use futures::Stream;

use super::SyncContext;
use super::error::SyncError;
use super::listing::{Answer, Decision, Empty, Listable, Sink, deletions, list};
use super::refused::Refused;
use super::sessions::live_sessions;
use super::walk::{BATCH, Walk, for_each, in_batches};
use crate::db::participants::{FoundBy, ParticipantRow, PastTable, Unsettled};
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
    for_each(
        live_sessions(sink.pool, kind).await?,
        ctx.settings.concurrency,
        sink,
        |session| find_instances(sink, client, kind, session.id, &tally),
    )
    .await?;
    let pool = sink.pool;
    let total = db::participants::count_unsettled(&mut *db::connection(pool).await?, past).await?;
    let rows = in_batches(
        |i: &Unsettled| i.uuid.clone(),
        move |after: Option<String>| async move {
            let mut conn = db::connection(pool).await?;
            Ok(db::participants::unsettled_after(&mut conn, past, after.as_deref(), BATCH).await?)
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
    plan_missing: Refused,
}

impl PassTally {
    fn log(&self, kind: SessionKind) {
        let (found, settled) = (
            self.found.load(Ordering::Relaxed),
            self.settled.load(Ordering::Relaxed),
        );
        tracing::info!(
            kind = kind.as_str(),
            instances_found = found,
            instances_settled = settled,
            "ended instances found and settled"
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
    let instances = match client.past_instances(kind, session_id).await {
        Ok(instances) => instances,
        Err(e) if e.is_plan_missing() => {
            tally.plan_missing.add();
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

/// Reads one unsettled instance's participants whole, marks deleted what the read no longer
/// lists, and settles the instance when the read came late enough.
async fn read_instance(
    sink: &Sink<'_>,
    client: &ZoomClient,
    kind: SessionKind,
    instance: Unsettled,
    settle_hours: u32,
    tally: &PassTally,
) -> Result<(), SyncError> {
    let past = past_table(kind);
    let participants = InstanceParticipants {
        client,
        kind,
        uuid: &instance.uuid,
        parent_id: instance.parent_id,
        refusal: Mutex::new(None),
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
        Decision::Skip => match participants.refusal() {
            Some(Refusal::PlanMissing) => {
                tally.plan_missing.add();
            }
            Some(Refusal::OverAYear) => {
                db::participants::settle_over_a_year(&mut conn, past, &instance.uuid, now).await?;
                tally.settled.fetch_add(1, Ordering::Relaxed);
            }
            // Not ended as far as Zoom is concerned yet: the next pass asks again.
            Some(Refusal::NotEnded) | None => {}
        },
    }
    Ok(())
}

/// Why Zoom served none of an instance's participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// Code 200: the plan lacks past participants.
    PlanMissing,
    /// Code 12702: it ended over a year ago.
    OverAYear,
    /// Code 3001: "invalid or not end".
    NotEnded,
}

/// One ended instance's participants: one listing.
struct InstanceParticipants<'a> {
    client: &'a ZoomClient,
    kind: SessionKind,
    uuid: &'a str,
    parent_id: i64,
    /// What [`Listable::answer`] saw, for the instance's settling.
    refusal: Mutex<Option<Refusal>>,
}

impl InstanceParticipants<'_> {
    fn refusal(&self) -> Option<Refusal> {
        *self.refusal.lock().unwrap_or_else(|e| e.into_inner())
    }
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
            Refusal::PlanMissing
        } else if error.is_over_a_year_ago() {
            Refusal::OverAYear
        } else if error.is_session_missing() {
            Refusal::NotEnded
        } else {
            return None;
        };
        *self.refusal.lock().unwrap_or_else(|e| e.into_inner()) = Some(refusal);
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
