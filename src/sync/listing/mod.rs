//! The listing engine. Every entity lists a parent's objects (a host's meetings, a meeting's
//! registrants, the account's users …) through [`list`]: the pages of each of the parent's
//! listings are written as they arrive and tallied, and [`deletions`] then decides, from what
//! the listings came to alone, whether and which of the parent's rows are marked deleted.
//! An entity keeps only what is particular to it ([`Listable`]): its listings, its rows, the
//! answers of its endpoint that are no failure, and what it does with the decision.

mod decide;
mod store;
mod tally;

use std::hash::Hash;
use std::pin::pin;

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use futures::{Stream, StreamExt};
use tokio_util::sync::CancellationToken;

use super::counts::PassCounts;
use crate::clock::Clock;
use crate::db::sync_runs::RowCounts;
use crate::db::{self, DbError, DbPool};
use crate::zoom::{ListedPage, ZoomError};
use store::store;

pub(crate) use decide::{Decision, Empty, End, Listings, deletions};
pub(crate) use tally::Tally;

/// What is particular to one parent's listings.
pub(crate) trait Listable {
    /// An object as Zoom lists it.
    type Item;
    /// How the mirror knows an object.
    type Key: Eq + Hash + Clone;
    /// One of the parent's listings: a status, a window of days.
    type Listing;

    fn pages(
        &self,
        listing: Self::Listing,
    ) -> impl Stream<Item = Result<ListedPage<Self::Item>, ZoomError>> + '_;

    fn key(item: &Self::Item) -> Self::Key;

    /// Upserts `items`, some or all of one page, as synced at `now`, with Zoom's data as of
    /// `source_time` (when the page was asked for).
    async fn write(
        &self,
        conn: &mut AsyncPgConnection,
        items: &[Self::Item],
        now: DateTime<Utc>,
        source_time: DateTime<Utc>,
    ) -> Result<RowCounts, DbError>;

    /// What an error answer means, where it is no failure of the pass.
    fn answer(&self, _error: &ZoomError) -> Option<Answer> {
        None
    }
}

/// An answer that ends a parent's listings without failing the pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// Zoom will not list the parent's objects (the parent is gone since the pass that found
    /// it, or has no plan for them): nothing is decided about them.
    Skip,
    /// Zoom keeps none of these objects for the parent (registration is off): every mirrored
    /// one is gone.
    HoldsNone,
}

/// Where the pages are written and counted, and what stops the listings.
pub(crate) struct Sink<'a> {
    pub pool: &'a DbPool,
    pub counts: &'a PassCounts,
    pub cancel: &'a CancellationToken,
    /// Dates the rows written and the listing's start.
    pub clock: &'a Clock,
}

/// Runs the parent's `listings` one after another, writing each page as it arrives.
pub(crate) async fn list<L: Listable>(
    lister: &L,
    listings: impl IntoIterator<Item = L::Listing>,
    sink: &Sink<'_>,
) -> Listings<L::Key> {
    // Taken before the first call: a row written after it is newer than the listing.
    let started = sink.clock.now();
    let mut tally = Tally::default();
    let end = 'listings: {
        for listing in listings {
            let mut pages = pin!(lister.pages(listing));
            let mut one = tally.listing();
            loop {
                let page = tokio::select! {
                    biased;
                    () = sink.cancel.cancelled() => break 'listings End::Cancelled,
                    page = pages.next() => page,
                };
                let page = match page {
                    None => break,
                    Some(Ok(page)) => page,
                    Some(Err(e)) => {
                        break 'listings match lister.answer(&e) {
                            Some(Answer::Skip) => End::Skipped,
                            Some(Answer::HoldsNone) => End::HoldsNone,
                            None => End::Failed(e.into()),
                        };
                    }
                };
                let written = store(page.items.len(), sink.counts, |at| {
                    let items = &page.items[at];
                    async move {
                        let mut conn = db::connection(sink.pool).await?;
                        lister
                            .write(&mut conn, items, sink.clock.now(), page.asked_at)
                            .await
                    }
                })
                .await;
                match written {
                    Ok(skipped) => {
                        one.page(&page, L::key);
                        one.unstored(skipped);
                    }
                    Err(e) => break 'listings End::Failed(e.into()),
                }
            }
            one.end();
        }
        End::Complete
    };
    Listings {
        tally,
        end,
        started,
    }
}
