//! `zoom.daily_quota`: Zoom's per-user daily limits, spent before each call so that the worker
//! waits for the reset instead of collecting 429s. Counted in Postgres so replicas share them
//! and restarts keep them.

use chrono::NaiveDate;
use diesel::sql_query;
use diesel::sql_types::{Date, Integer, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

use super::error::{DbError, query};

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
    let taken = conn
        .transaction::<_, TakeError, _>(async |conn| {
            for quota in quotas {
                let taken = sql_query(
                    "INSERT INTO zoom.daily_quota AS d (scope, day, used, cap) \
                     VALUES ($1, $2, 1, $3) \
                     ON CONFLICT (scope, day) DO UPDATE SET used = d.used + 1, cap = $3 \
                     WHERE d.used < $3",
                )
                .bind::<Text, _>(&quota.scope)
                .bind::<Date, _>(day)
                .bind::<Integer, _>(quota.cap)
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
    sql_query(
        "INSERT INTO zoom.daily_quota AS d (scope, day, used, cap) VALUES ($1, $2, $3, $3) \
         ON CONFLICT (scope, day) DO UPDATE SET used = GREATEST(d.used, $3), cap = $3",
    )
    .bind::<Text, _>(&quota.scope)
    .bind::<Date, _>(day)
    .bind::<Integer, _>(quota.cap)
    .execute(conn)
    .await
    .map_err(query("recording a spent Zoom daily quota"))?;
    Ok(())
}
