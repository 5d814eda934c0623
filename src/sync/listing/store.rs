//! Writing one page: one statement for the page, and if PostgreSQL refuses it for what a row
//! holds, the rows one at a time, skipping the ones it refuses. One object the mirror cannot
//! store never fails a pass; it is counted, logged, and its parent decides no deletions.

use std::future::Future;
use std::ops::Range;

use crate::db::DbError;
use crate::db::sync_runs::RowCounts;
use crate::sync::counts::PassCounts;

/// Writes the `len` rows of a page with `upsert(range)`, which writes the rows in `range`; adds
/// what was written to `counts` and returns how many rows were skipped. When every row of a page
/// of several is refused one by one, the fault is not in the rows (a schema or permission
/// problem): the page's error is returned.
pub(super) async fn store<Fut>(
    len: usize,
    counts: &PassCounts,
    mut upsert: impl FnMut(Range<usize>) -> Fut,
) -> Result<usize, DbError>
where
    Fut: Future<Output = Result<RowCounts, DbError>>,
{
    let refused = match upsert(0..len).await {
        Ok(written) => {
            counts.add(written);
            return Ok(0);
        }
        Err(e) if e.is_refused_statement() => e,
        Err(e) => return Err(e),
    };
    let mut skipped = 0;
    for row in 0..len {
        match upsert(row..row + 1).await {
            Ok(written) => counts.add(written),
            Err(e) if e.is_refused_statement() => {
                skipped += 1;
                tracing::warn!(error = %e, "PostgreSQL refused an object Zoom listed; it is skipped");
            }
            Err(e) => return Err(e),
        }
    }
    if skipped == len && len > 1 {
        return Err(refused);
    }
    Ok(skipped)
}
