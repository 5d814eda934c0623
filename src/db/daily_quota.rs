//! `zoom.daily_quota`: Zoom's per-user daily limits, spent before each call so that the worker
//! waits for the reset instead of collecting 429s. Counted in Postgres so replicas share them
//! and restarts keep them.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::upsert::excluded;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::error::{DbError, query};
use super::functions::greatest;
use super::schema::daily_quota;

/// One limit: e.g. `meeting_writes:<host id>` with cap 100.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quota {
    pub scope: String,
    pub cap: i32,
}

#[derive(Debug, thiserror::Error)]
enum TakeError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("quota {0} is spent")]
    Spent(String),
}

impl From<diesel::result::Error> for TakeError {
    fn from(e: diesel::result::Error) -> Self {
        TakeError::Db(e.into())
    }
}

/// Takes one unit of every quota for `day`, all or none. `Ok(Some(scope))` names a quota that
/// is spent, in which case nothing was taken.
pub async fn take(
    conn: &mut AsyncPgConnection,
    quotas: &[Quota],
    day: NaiveDate,
) -> Result<Option<String>, DbError> {
    // The `WHERE` of `ON CONFLICT DO UPDATE` comes from this trait, not from `QueryDsl`.
    use diesel::query_dsl::methods::FilterDsl;

    let taken = conn
        .transaction::<_, TakeError, _>(async |conn| {
            for quota in quotas {
                let taken = diesel::insert_into(daily_quota::table)
                    .values((
                        daily_quota::scope.eq(&quota.scope),
                        daily_quota::day.eq(day),
                        daily_quota::used.eq(1),
                        daily_quota::cap.eq(quota.cap),
                    ))
                    .on_conflict((daily_quota::scope, daily_quota::day))
                    .do_update()
                    .set((
                        daily_quota::used.eq(daily_quota::used + 1),
                        daily_quota::cap.eq(excluded(daily_quota::cap)),
                    ))
                    .filter(daily_quota::used.lt(quota.cap))
                    .execute(conn)
                    .await
                    .map_err(query("spending a Zoom daily quota"))?;
                if taken == 0 {
                    return Err(TakeError::Spent(quota.scope.clone()));
                }
            }
            Ok(())
        })
        .await;
    match taken {
        Ok(()) => Ok(None),
        Err(TakeError::Spent(scope)) => Ok(Some(scope)),
        Err(TakeError::Db(e)) => Err(e),
    }
}

/// Marks a quota spent for the day: Zoom said so, whatever our count was (other apps spend the
/// same per-user limits).
pub async fn exhaust(
    conn: &mut AsyncPgConnection,
    quota: &Quota,
    day: NaiveDate,
) -> Result<(), DbError> {
    diesel::insert_into(daily_quota::table)
        .values((
            daily_quota::scope.eq(&quota.scope),
            daily_quota::day.eq(day),
            daily_quota::used.eq(quota.cap),
            daily_quota::cap.eq(quota.cap),
        ))
        .on_conflict((daily_quota::scope, daily_quota::day))
        .do_update()
        .set((
            daily_quota::used.eq(greatest(daily_quota::used, quota.cap)),
            daily_quota::cap.eq(excluded(daily_quota::cap)),
        ))
        .execute(conn)
        .await
        .map_err(query("recording a spent Zoom daily quota"))?;
    Ok(())
}
