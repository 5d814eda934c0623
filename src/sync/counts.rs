//! A pass's counts, added to as each page is written and each parent finished rather than summed
//! from finished work, so a pass that fails or stops midway still reports the rows it did write,
//! and a running pass can report how far it has come.

use std::sync::{Mutex, MutexGuard};

use crate::db::sync_runs::{Parents, RowCounts};

#[derive(Debug, Default)]
pub struct PassCounts {
    rows: Mutex<RowCounts>,
    /// `None` until a walk over parents begins.
    parents: Mutex<Option<Parents>>,
}

impl PassCounts {
    pub fn add(&self, counts: RowCounts) {
        *lock(&self.rows) += counts;
    }

    pub fn deleted(&self, rows: i64) {
        lock(&self.rows).deleted += rows;
    }

    pub fn get(&self) -> RowCounts {
        *lock(&self.rows)
    }

    /// A walk over `total` parents begins; none is done yet. A pass that walks again (the
    /// recordings pass, when Zoom refuses the account listing, walks the hosts) starts over.
    pub(super) fn walking(&self, total: i64) {
        *lock(&self.parents) = Some(Parents { done: 0, total });
    }

    /// One parent's work is finished, whether or not its listings were complete.
    pub(super) fn parent_done(&self) {
        if let Some(parents) = lock(&self.parents).as_mut() {
            parents.done += 1;
        }
    }

    pub fn parents(&self) -> Option<Parents> {
        *lock(&self.parents)
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Counts stay meaningful whatever panicked while holding them.
    m.lock().unwrap_or_else(|e| e.into_inner())
}
