//! Which days a windowed pass (cloud or phone recordings) reads. The first pass reads back the
//! whole backfill; later ones read the days since the last successful pass began, plus one,
//! since recordings arrive late (a call recorded before midnight is listed after it). A user
//! the mirror met after that pass began gets the whole backfill: nothing of theirs was read.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::error::SyncError;
use super::listing::Sink;
use crate::db;
use crate::zoom::DayRange;

#[derive(Debug, Clone, Copy)]
pub(super) struct Lookback {
    backfill: DayRange,
    last_success: Option<DateTime<Utc>>,
}

impl Lookback {
    /// The look-back of `entity`'s pass, whose backfill begins on `from` and ends today.
    pub(super) async fn new(
        sink: &Sink<'_>,
        entity: &str,
        from: NaiveDate,
    ) -> Result<Lookback, SyncError> {
        let mut conn = db::connection(sink.pool).await?;
        let last_success = db::sync_runs::last_success_started(&mut conn, entity).await?;
        Ok(Lookback {
            backfill: DayRange {
                from,
                to: sink.clock.today(),
            },
            last_success,
        })
    }

    /// The days to read for a user first seen at `first_seen` (`None`: the account as a whole).
    pub(super) fn range(&self, first_seen: Option<DateTime<Utc>>) -> DayRange {
        match self.last_success {
            Some(last) if first_seen.is_none_or(|seen| seen <= last) => DayRange {
                from: (last.date_naive() - Duration::days(1)).max(self.backfill.from),
                to: self.backfill.to,
            },
            _ => self.backfill,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn later_passes_read_from_the_day_before_the_last_success() {
        let backfill = DayRange {
            from: day("2026-06-01"),
            to: day("2026-11-30"),
        };
        let first = Lookback {
            backfill,
            last_success: None,
        };
        assert_eq!(first.range(None), backfill);
        let last = Utc.with_ymd_and_hms(2026, 11, 29, 3, 0, 0).unwrap();
        let later = Lookback {
            backfill,
            last_success: Some(last),
        };
        let since = DayRange {
            from: day("2026-11-28"),
            to: day("2026-11-30"),
        };
        assert_eq!(later.range(None), since);
        assert_eq!(later.range(Some(last)), since);
        // Met since: nothing of theirs was read.
        assert_eq!(later.range(Some(last + Duration::hours(1))), backfill);
        let long_ago = Lookback {
            backfill,
            last_success: Some(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()),
        };
        assert_eq!(long_ago.range(None), backfill);
    }
}
