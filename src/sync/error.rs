//! Why a pass failed.

use crate::db::DbError;
use crate::zoom::ZoomError;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Zoom(#[from] ZoomError),

    #[error(transparent)]
    Db(#[from] DbError),

    #[error("stopped by shutdown before the listing finished; nothing was marked deleted")]
    Cancelled,

    #[error(
        "lost the PostgreSQL session holding this pass's cluster-wide lock ({0}); the pass \
         stopped so that no other process runs it at the same time"
    )]
    LockLost(String),

    #[error(
        "could not record the end of sync pass {run_id}: {error}; it stays `running` in \
         zoom.sync_runs until the next pass of its entity marks it abandoned"
    )]
    Unrecorded { run_id: i64, error: DbError },

    #[error(
        "Zoom listed no {0} at all; an account always has its owner, so this looks like the wrong \
         account or a Zoom fault: nothing was marked deleted"
    )]
    EmptyListing(&'static str),
}
