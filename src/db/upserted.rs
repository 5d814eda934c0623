//! Counting what an `INSERT … ON CONFLICT DO UPDATE … WHERE changed RETURNING (xmax = 0)`
//! did: inserted rows return true, updated rows false, and rows the `WHERE` skipped (unchanged)
//! return nothing.
//!
//! Meetings, webinars, registrants and recordings upsert a page as raw SQL, binding one array
//! per column and reading them back with `unnest`: Diesel's builder has no `unnest` source, and
//! its multi-row `VALUES` (one bind per field) was slower. Measured once for 50 pages of 300
//! meetings (a debug build, PostgreSQL 15 on the same host, after a warm-up round): 1.1–1.7 s
//! with `unnest` against 1.7–2.2 s with the builder, whether the rows were new, unchanged or
//! changed: the builder took 30–50% longer.

use diesel::QueryableByName;
use diesel::sql_types::Bool;

use super::sync_runs::RowCounts;

/// The part of an upsert's conflict `WHERE` that lets the later information win: a row is
/// rewritten only by data as new as its own (`<=`: data of the same instant that differs is
/// still taken). NULL is a row written before source times were kept: the oldest.
pub(crate) const NO_OLDER: &str = "(t.source_time IS NULL OR excluded.source_time IS NULL \
                                    OR t.source_time <= excluded.source_time)";

#[derive(Debug, QueryableByName)]
pub(crate) struct Upserted {
    #[diesel(sql_type = Bool)]
    pub inserted: bool,
}

/// The counts for `proposed` rows, of which `returned` came back.
pub(crate) fn counts(proposed: usize, returned: &[Upserted]) -> RowCounts {
    let inserted = returned.iter().filter(|r| r.inserted).count() as i64;
    let written = returned.len() as i64;
    RowCounts {
        inserted,
        updated: written - inserted,
        unchanged: proposed as i64 - written,
        ..RowCounts::default()
    }
}

/// Keeps the last of rows with the same key: one statement cannot update a row twice, and a
/// listing that repeats an item means its latest state.
pub(crate) fn last_per_key<R, K: Eq + std::hash::Hash>(
    rows: &[R],
    key: impl Fn(&R) -> K,
) -> Vec<&R> {
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<&R> = rows.iter().rev().filter(|r| seen.insert(key(r))).collect();
    kept.reverse();
    kept
}

/// One column of the rows, to bind as an array for `unnest`.
pub(crate) fn column<R, T>(rows: &[&R], field: impl Fn(&R) -> T) -> Vec<T> {
    rows.iter().map(|r| field(r)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_split_inserted_updated_and_unchanged() {
        let returned = [Upserted { inserted: true }, Upserted { inserted: false }];
        assert_eq!(
            counts(5, &returned),
            RowCounts {
                inserted: 1,
                updated: 1,
                unchanged: 3,
                ..RowCounts::default()
            }
        );
    }

    #[test]
    fn the_last_row_of_a_key_wins() {
        let rows = [(1, "a"), (2, "b"), (1, "c")];
        let kept: Vec<_> = last_per_key(&rows, |r| r.0).into_iter().copied().collect();
        assert_eq!(kept, vec![(2, "b"), (1, "c")]);
    }
}
