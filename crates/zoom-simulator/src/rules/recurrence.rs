//! Reading a `recurrence` object from a meeting or webinar body: what Zoom accepts and the
//! field it blames for what it refuses.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::model::recurrence::{End, Every, MAX_OCCURRENCES, Recurrence};
use crate::rules::body::Fields;
use crate::rules::respond::Refusal;

/// Reads and checks a `recurrence` object. `starts` is the series' first day, whose weekday or
/// day of month fills in what the object leaves out.
pub(crate) fn read(f: &Fields<'_>, starts: NaiveDate) -> Result<Recurrence, Refusal> {
    let interval = f.integer_in("repeat_interval", 1..=90)?.unwrap_or(1) as u32;
    let every = match f.integer("type")? {
        Some(1) => Every::Day,
        Some(2) => {
            let days = match f.string("weekly_days")? {
                None => vec![starts.weekday()],
                Some(list) => list
                    .split(',')
                    .map(|d| d.trim().parse().ok().and_then(weekday))
                    .collect::<Option<Vec<_>>>()
                    .filter(|days| !days.is_empty())
                    .ok_or_else(|| f.invalid("weekly_days"))?,
            };
            Every::Week(days)
        }
        Some(3) => match f.integer_in("monthly_week", -1..=4)? {
            Some(week) if week != 0 => {
                let weekday = f
                    .integer("monthly_week_day")?
                    .and_then(weekday)
                    .ok_or_else(|| f.invalid("monthly_week_day"))?;
                Every::MonthWeek {
                    week: week as i32,
                    weekday,
                }
            }
            Some(_) => return Err(f.invalid("monthly_week")),
            None => Every::MonthDay(
                f.integer_in("monthly_day", 1..=31)?
                    .map_or(starts.day(), |d| d as u32),
            ),
        },
        _ => return Err(f.invalid("type")),
    };
    let end = match (f.integer("end_times")?, f.time("end_date_time")?) {
        (Some(_), Some(_)) => return Err(f.invalid("end_date_time")),
        (_, Some(by)) => End::By(by),
        (Some(n), None) => match usize::try_from(n) {
            Ok(n @ 1..=MAX_OCCURRENCES) => End::Times(n),
            _ => return Err(f.invalid("end_times")),
        },
        (None, None) => End::Times(1),
    };
    Ok(Recurrence {
        every,
        interval,
        end,
    })
}

/// Zoom's weekday numbers: 1 = Sunday … 7 = Saturday.
fn weekday(n: i64) -> Option<Weekday> {
    if !(1..=7).contains(&n) {
        return None;
    }
    Weekday::try_from(((n + 5) % 7) as u8).ok()
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, TimeZone, Utc};
    use serde_json::{Value, json};

    use super::*;

    fn read_json(value: Value, starts: DateTime<Utc>) -> Recurrence {
        let Value::Object(map) = value else {
            unreachable!()
        };
        read(&Fields::new(&map), starts.date_naive()).unwrap_or_else(|_| panic!("refused"))
    }

    /// Tuesday 2026-03-10, 09:30 UTC.
    fn tuesday() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 10, 9, 30, 0).unwrap()
    }

    fn days(ts: &[DateTime<Utc>]) -> Vec<String> {
        ts.iter().map(|t| t.format("%m-%d").to_string()).collect()
    }

    #[test]
    fn daily_and_weekly_series_count_from_the_start() {
        let daily = read_json(
            json!({"type": 1, "repeat_interval": 2, "end_times": 3}),
            tuesday(),
        );
        let ts = daily.occurrences(tuesday());
        assert_eq!(days(&ts), ["03-10", "03-12", "03-14"]);
        assert!(ts.iter().all(|t| t.time() == tuesday().time()));

        // Mondays and Wednesdays: the Monday before the start is not one.
        let weekly = read_json(
            json!({"type": 2, "weekly_days": "2,4", "end_times": 4}),
            tuesday(),
        );
        assert_eq!(
            days(&weekly.occurrences(tuesday())),
            ["03-11", "03-16", "03-18", "03-23"]
        );
        let same_day = read_json(json!({"type": 2, "end_times": 2}), tuesday());
        assert_eq!(same_day, Recurrence::weekly(tuesday(), 2));
        assert_eq!(days(&same_day.occurrences(tuesday())), ["03-10", "03-17"]);
    }

    #[test]
    fn monthly_series_and_end_dates() {
        let by = Utc.with_ymd_and_hms(2026, 6, 30, 0, 0, 0).unwrap();
        let on_31st = read_json(
            json!({"type": 3, "monthly_day": 31, "end_date_time": "2026-06-30T00:00:00Z"}),
            tuesday(),
        );
        assert_eq!(on_31st.end, End::By(by));
        // April and June have no 31st.
        assert_eq!(days(&on_31st.occurrences(tuesday())), ["03-31", "05-31"]);
        let last_friday = read_json(
            json!({"type": 3, "monthly_week": -1, "monthly_week_day": 6, "end_times": 2}),
            tuesday(),
        );
        assert_eq!(
            days(&last_friday.occurrences(tuesday())),
            ["03-27", "04-24"]
        );
        let second_monday = read_json(
            json!({"type": 3, "monthly_week": 2, "monthly_week_day": 2, "end_times": 2}),
            tuesday(),
        );
        assert_eq!(
            days(&second_monday.occurrences(tuesday())),
            ["04-13", "05-11"]
        );
        assert_eq!(
            last_friday.to_json(),
            json!({"type": 3, "repeat_interval": 1, "monthly_week": -1, "monthly_week_day": 6, "end_times": 2})
        );
    }

    #[test]
    fn bad_rules_are_refused() {
        for bad in [
            json!({}),
            json!({"type": 4}),
            json!({"type": 2, "weekly_days": "8"}),
            json!({"type": 1, "end_times": 61}),
            json!({"type": 1, "end_times": 2, "end_date_time": "2026-06-30T00:00:00Z"}),
            json!({"type": 3, "monthly_week": 1}),
        ] {
            let Value::Object(map) = bad.clone() else {
                unreachable!()
            };
            assert!(
                read(&Fields::new(&map), tuesday().date_naive()).is_err(),
                "{bad}"
            );
        }
    }
}
