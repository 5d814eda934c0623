//! What a parent's listings held (a host's meetings, a meeting's three registrant listings, the
//! users of every status …), and whether that can decide the parent's deletions.
//!
//! A listing decides deletions only when it is whole: every object it held could be read, and
//! it held at least as many distinct objects as the `total_records` Zoom announced on its first
//! page. Zoom calls that figure a total across pages, not a guarantee; a listing short of it may
//! have lost a page, so its parent's deletions wait for a later pass. A deletion found one pass
//! late is harmless; a false one is not.

use std::collections::HashSet;
use std::fmt;
use std::hash::Hash;

use crate::db::sync_runs::RowCounts;
use crate::sync::counts::PassCounts;
use crate::zoom::paginate::ListedPage;

/// Why a parent's deletions wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doubt {
    /// Objects the mirror cannot key or store were listed: one of them may be a row it has.
    Unreadable(usize),
    /// A listing held fewer distinct objects than Zoom announced for it.
    Short { listed: u64, announced: u64 },
}

impl fmt::Display for Doubt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Doubt::Unreadable(n) => write!(f, "Zoom listed {n} objects without a key"),
            Doubt::Short { listed, announced } => write!(
                f,
                "a listing held {listed} objects where Zoom announced {announced}"
            ),
        }
    }
}

impl Doubt {
    /// Counts the doubt on the pass (objects skipped, or one listing incomplete) and logs it,
    /// naming `parent`.
    pub fn report(self, counts: &PassCounts, parent: &dyn fmt::Display) {
        match self {
            Doubt::Unreadable(skipped) => {
                counts.add(RowCounts {
                    skipped: i64::try_from(skipped).unwrap_or(i64::MAX),
                    ..RowCounts::default()
                });
                tracing::warn!(
                    %parent,
                    skipped,
                    "Zoom listed objects the mirror cannot key or store; they are skipped, and \
                     nothing of this parent is marked deleted"
                );
            }
            Doubt::Short { listed, announced } => {
                counts.add(RowCounts {
                    incomplete: 1,
                    ..RowCounts::default()
                });
                tracing::warn!(
                    %parent,
                    listed,
                    announced,
                    "Zoom listed fewer objects than it announced; deletions of this parent wait \
                     for a later pass"
                );
            }
        }
    }
}

/// The keys a parent's listings held, and what makes them doubtful.
#[derive(Debug)]
pub struct Tally<K> {
    keys: HashSet<K>,
    unreadable: usize,
    short: Option<(u64, u64)>,
}

impl<K: Eq + Hash + Clone> Default for Tally<K> {
    fn default() -> Self {
        Tally {
            keys: HashSet::new(),
            unreadable: 0,
            short: None,
        }
    }
}

impl<K: Eq + Hash + Clone> Tally<K> {
    /// Begins one listing (one stream of pages) of the parent.
    pub fn listing(&mut self) -> Listing<'_, K> {
        Listing {
            parent: self,
            seen: HashSet::new(),
            announced: None,
        }
    }

    pub fn keys(&self) -> &HashSet<K> {
        &self.keys
    }

    pub fn into_keys(self) -> Vec<K> {
        self.keys.into_iter().collect()
    }

    /// Why the listings cannot decide deletions, if they cannot.
    pub fn doubt(&self) -> Option<Doubt> {
        if self.unreadable > 0 {
            return Some(Doubt::Unreadable(self.unreadable));
        }
        self.short
            .map(|(listed, announced)| Doubt::Short { listed, announced })
    }
}

/// One listing in progress.
pub struct Listing<'a, K> {
    parent: &'a mut Tally<K>,
    /// Distinct keys of this listing: a restarted listing repeats pages.
    seen: HashSet<K>,
    announced: Option<u64>,
}

impl<K: Eq + Hash + Clone> Listing<'_, K> {
    /// Takes in one page, keyed by `key`.
    pub fn page<T>(&mut self, page: &ListedPage<T>, key: impl Fn(&T) -> K) {
        // A restart announces again; the latest figure describes what is being listed.
        self.announced = page.announced.or(self.announced);
        self.parent.unreadable += page.unreadable;
        for item in &page.items {
            let key = key(item);
            self.parent.keys.insert(key.clone());
            self.seen.insert(key);
        }
    }

    /// Objects of the listing that PostgreSQL refused to store.
    pub fn unstored(&mut self, objects: usize) {
        self.parent.unreadable += objects;
    }

    /// The listing ended after its last page.
    pub fn end(self) {
        let listed = self.seen.len() as u64;
        if let Some(announced) = self.announced.filter(|&a| listed < a) {
            self.parent.short.get_or_insert((listed, announced));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: &[&str], unreadable: usize, announced: Option<u64>) -> ListedPage<String> {
        ListedPage {
            items: items.iter().map(|s| (*s).to_owned()).collect(),
            unreadable,
            announced,
            asked_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    fn listed(listings: &[&[ListedPage<String>]]) -> Tally<String> {
        let mut listed = Tally::default();
        for pages in listings {
            let mut listing = listed.listing();
            for p in *pages {
                listing.page(p, Clone::clone);
            }
            listing.end();
        }
        listed
    }

    #[test]
    fn doubts_table() {
        let cases: [(&str, Tally<String>, Option<Doubt>); 7] = [
            (
                "complete over two pages",
                listed(&[&[page(&["a", "b"], 0, Some(3)), page(&["c"], 0, None)]]),
                None,
            ),
            (
                "empty and announced empty",
                listed(&[&[page(&[], 0, Some(0))]]),
                None,
            ),
            (
                "no total announced",
                listed(&[&[page(&["a"], 0, None)]]),
                None,
            ),
            (
                "more than announced (added while listing)",
                listed(&[&[page(&["a", "b"], 0, Some(1))]]),
                None,
            ),
            (
                "a page lost",
                listed(&[&[page(&["a", "b"], 0, Some(4))]]),
                Some(Doubt::Short {
                    listed: 2,
                    announced: 4,
                }),
            ),
            (
                "repeated items count once",
                listed(&[&[page(&["a", "b"], 0, Some(3)), page(&["b"], 0, None)]]),
                Some(Doubt::Short {
                    listed: 2,
                    announced: 3,
                }),
            ),
            (
                "unreadable comes first",
                listed(&[&[page(&["a"], 1, Some(9))]]),
                Some(Doubt::Unreadable(1)),
            ),
        ];
        for (name, listed, doubt) in cases {
            assert_eq!(listed.doubt(), doubt, "{name}");
        }
    }

    #[test]
    fn each_listing_is_held_to_its_own_total() {
        // Three statuses: the second is short although the sum of all keys exceeds its total.
        let listed = listed(&[
            &[page(&["a", "b"], 0, Some(2))],
            &[page(&["c"], 0, Some(2))],
            &[page(&["d"], 0, Some(1))],
        ]);
        assert_eq!(
            listed.doubt(),
            Some(Doubt::Short {
                listed: 1,
                announced: 2
            })
        );
        assert_eq!(listed.keys().len(), 4);
    }

    #[test]
    fn a_restart_is_held_to_its_new_total() {
        let listed = listed(&[&[page(&["a", "b"], 0, Some(5)), page(&["a", "c"], 0, Some(3))]]);
        assert_eq!(listed.doubt(), None);
    }

    #[test]
    fn a_doubt_is_counted_on_the_pass() {
        let counts = PassCounts::default();
        for pages in [page(&["a"], 0, Some(2)), page(&["a"], 2, Some(3))] {
            let doubt = listed(&[&[pages]]).doubt().expect("a doubt");
            doubt.report(&counts, &"host h");
        }
        assert_eq!(listed(&[&[page(&["a"], 0, Some(1))]]).doubt(), None);
        let counts = counts.get();
        assert_eq!((counts.incomplete, counts.skipped), (1, 2));
    }
}
