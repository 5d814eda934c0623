//! Whether a parent's listings decide its deletions: a pure function of how they ended, what
//! they held and when they began.
//!
//! Only rows last written before the listings began can be judged by them: a row written since
//! (by the write-back worker, or a concurrent pass) may be newer than anything the listing
//! could show, so the decision carries that instant as a fence and every entity's deletion
//! statement leaves younger rows alone.

use std::hash::Hash;

use chrono::{DateTime, Utc};

use super::tally::{Doubt, Tally};
use crate::sync::error::SyncError;

/// How a parent's listings ended.
#[derive(Debug)]
pub(crate) enum End {
    /// Every listing ran to its last page.
    Complete,
    /// Zoom answered that the parent keeps none of these objects.
    HoldsNone,
    /// Zoom would not list the parent's objects; nothing is known of them.
    Skipped,
    Failed(SyncError),
    Cancelled,
}

impl End {
    /// The error of listings that failed or were cancelled; how the others ended.
    pub fn failure(self) -> Result<End, SyncError> {
        match self {
            End::Failed(e) => Err(e),
            End::Cancelled => Err(SyncError::Cancelled),
            end => Ok(end),
        }
    }
}

/// What a parent's listings came to.
#[derive(Debug)]
pub(crate) struct Listings<K> {
    pub tally: Tally<K>,
    pub end: End,
    /// When the first listing began.
    pub started: DateTime<Utc>,
}

/// Whether a complete listing that held nothing may decide deletions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Empty {
    /// A parent may hold nothing: then every mirrored row of it is gone.
    Allowed,
    /// Zoom never lists none of these (an account always has its owner), so an empty listing
    /// is a fault; the plural names the objects in the error.
    Refused(&'static str),
}

/// What to do about the parent's rows.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decision<K> {
    /// Mark deleted the parent's rows whose key is not in `keep` and that were last written
    /// before `fence`.
    Mark { keep: Vec<K>, fence: DateTime<Utc> },
    /// Deletions wait for a later pass; the parent's other work goes on.
    Wait(Doubt),
    /// Nothing is decided, and the parent's other work is left to the pass that finds it.
    Skip,
}

/// Decides the deletions of a parent from its listings; a failed or cancelled listing, or an
/// empty one where [`Empty::Refused`], is the error the pass fails with.
pub(crate) fn deletions<K: Eq + Hash + Clone>(
    listings: Listings<K>,
    empty: Empty,
) -> Result<Decision<K>, SyncError> {
    let Listings {
        tally,
        end,
        started,
    } = listings;
    let end = end.failure()?;
    if matches!(end, End::Skipped) {
        return Ok(Decision::Skip);
    }
    if let (End::Complete, Empty::Refused(what)) = (&end, empty)
        && tally.keys().is_empty()
    {
        return Err(SyncError::EmptyListing(what));
    }
    if let Some(doubt) = tally.doubt() {
        return Ok(Decision::Wait(doubt));
    }
    let keep = match end {
        End::HoldsNone => Vec::new(),
        _ => tally.into_keys(),
    };
    Ok(Decision::Mark {
        keep,
        fence: started,
    })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::zoom::{Endpoint, ListedPage, ZoomError};

    /// A decision, or the error's kind, in a form the table can compare.
    #[derive(Debug, PartialEq)]
    enum Is {
        Mark(Vec<&'static str>, DateTime<Utc>),
        Wait(Doubt),
        Skip,
        Failed,
        Cancelled,
        EmptyRefused,
    }

    fn started() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 29, 18, 0, 0).unwrap()
    }

    /// A page: its keys, its unreadable objects, the total it announced.
    type Page = (&'static [&'static str], usize, Option<u64>);

    /// Listings of pages, one slice per listing.
    fn listings(pages: &[&[Page]], end: End) -> Listings<&'static str> {
        let mut tally = Tally::default();
        for listing in pages {
            let mut one = tally.listing();
            for &(items, unreadable, announced) in *listing {
                let page = ListedPage {
                    items: items.to_vec(),
                    unreadable,
                    announced,
                    asked_at: started(),
                };
                one.page(&page, |k| *k);
            }
            one.end();
        }
        Listings {
            tally,
            end,
            started: started(),
        }
    }

    fn decided(listings: Listings<&'static str>, empty: Empty) -> Is {
        match deletions(listings, empty) {
            Ok(Decision::Mark { mut keep, fence }) => {
                keep.sort_unstable();
                Is::Mark(keep, fence)
            }
            Ok(Decision::Wait(doubt)) => Is::Wait(doubt),
            Ok(Decision::Skip) => Is::Skip,
            Err(SyncError::Cancelled) => Is::Cancelled,
            Err(SyncError::EmptyListing(_)) => Is::EmptyRefused,
            Err(_) => Is::Failed,
        }
    }

    fn failed() -> End {
        End::Failed(SyncError::Zoom(ZoomError::ListingNeverCompleted {
            endpoint: Endpoint::ListUsers,
            restarts: 3,
        }))
    }

    #[test]
    fn deletions_table() {
        use Empty::{Allowed, Refused};
        let whole: &[Page] = &[(&["a", "b"], 0, Some(3)), (&["c"], 0, None)];
        let short: &[Page] = &[(&["a"], 0, Some(2))];
        let unreadable: &[Page] = &[(&["a"], 1, Some(2))];
        let nothing: &[Page] = &[(&[], 0, Some(0))];
        let abc = || Is::Mark(vec!["a", "b", "c"], started());
        let cases: Vec<(&str, Listings<&str>, Empty, Is)> = vec![
            (
                "complete, fenced at its start",
                listings(&[whole], End::Complete),
                Allowed,
                abc(),
            ),
            (
                "complete over two listings",
                listings(
                    &[&[(&["a", "b"], 0, Some(2))], &[(&["c"], 0, Some(1))]],
                    End::Complete,
                ),
                Refused("users"),
                abc(),
            ),
            ("failed", listings(&[whole], failed()), Allowed, Is::Failed),
            (
                "cancelled",
                listings(&[whole], End::Cancelled),
                Allowed,
                Is::Cancelled,
            ),
            (
                "empty where a parent may hold nothing: all its rows go",
                listings(&[nothing], End::Complete),
                Allowed,
                Is::Mark(vec![], started()),
            ),
            (
                "empty where Zoom always lists some",
                listings(&[nothing], End::Complete),
                Refused("users"),
                Is::EmptyRefused,
            ),
            (
                "nothing readable where Zoom always lists some",
                listings(&[&[(&[], 2, Some(2))]], End::Complete),
                Refused("users"),
                Is::EmptyRefused,
            ),
            (
                "unreadable",
                listings(&[unreadable], End::Complete),
                Allowed,
                Is::Wait(Doubt::Unreadable(1)),
            ),
            (
                "may be incomplete",
                listings(&[whole, short], End::Complete),
                Allowed,
                Is::Wait(Doubt::Short {
                    listed: 1,
                    announced: 2,
                }),
            ),
            (
                "holds none after an earlier listing held some",
                listings(&[whole], End::HoldsNone),
                Allowed,
                Is::Mark(vec![], started()),
            ),
            (
                "holds none, but an earlier listing was doubtful",
                listings(&[unreadable], End::HoldsNone),
                Allowed,
                Is::Wait(Doubt::Unreadable(1)),
            ),
            (
                "skipped",
                listings(&[unreadable], End::Skipped),
                Refused("users"),
                Is::Skip,
            ),
        ];
        for (name, listings, empty, expected) in cases {
            assert_eq!(decided(listings, empty), expected, "{name}");
        }
    }
}
