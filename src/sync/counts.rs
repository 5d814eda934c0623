//! A pass's counts, added to as each page is written rather than summed from finished work, so
//! a pass that fails or stops midway still reports the rows it did write.

use std::sync::Mutex;

use crate::db::sync_runs::RowCounts;

#[derive(Debug, Default)]
pub struct PassCounts(Mutex<RowCounts>);

impl PassCounts {
    pub fn add(&self, counts: RowCounts) {
        *self.lock() += counts;
    }

    pub fn deleted(&self, rows: i64) {
        self.lock().deleted += rows;
    }

    pub fn get(&self) -> RowCounts {
        *self.lock()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RowCounts> {
        // Counts stay meaningful whatever panicked while holding them.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}
