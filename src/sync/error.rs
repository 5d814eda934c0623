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
        "Zoom listed no {0} at all; an account always has its owner, so this looks like the wrong \
         account or a Zoom fault: nothing was marked deleted"
    )]
    EmptyListing(&'static str),
}
