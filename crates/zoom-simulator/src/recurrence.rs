//! The `recurrence` object of a meeting or webinar with fixed times (types 8 and 9), and the
//! occurrences it schedules. Times of day are kept in UTC: the simulator has no zone database,
//! so a series does not follow daylight-saving changes as Zoom's do.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, TimeDelta, Utc, Weekday};
use serde_json::{Value, json};

use super::body::Fields;
use super::respond::Refusal;
use super::user::timestamp;

/// Zoom's cap on occurrences of one series.
const MAX_OCCURRENCES: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recurrence {
    pub every: Every,
    /// Days, weeks or months between repeats.
    pub interval: u32,
    pub end: End,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Every {
    Day,
    /// On these weekdays (Zoom's `weekly_days`, 1 = Sunday … 7 = Saturday).
    Week(Vec<Weekday>),
    /// On this day of the month (`monthly_day`).
    MonthDay(u32),
    /// On the `week`th (1–4, or -1 for the last) `weekday` of the month.
    MonthWeek {
        week: i32,
        weekday: Weekday,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// `end_times` (default 1).
    Times(usize),
    /// `end_date_time`: no occurrence after it.
    By(DateTime<Utc>),
}

impl Recurrence {
    /// Reads and checks a `recurrence` object. `starts` is the series' first day, whose weekday
    /// or day of month fills in what the object leaves out.
    pub fn read(f: &Fields<'_>, starts: NaiveDate) -> Result<Recurrence, Refusal> {
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

    /// What `recurrence_json` shows for a generated series, so that moving one re-plans it the
    /// way it is described: weekly on the first occurrence's weekday, as many times as it has.
    pub fn weekly(first: DateTime<Utc>, times: usize) -> Recurrence {
        Recurrence {
            every: Every::Week(vec![first.weekday()]),
            interval: 1,
            end: End::Times(times.clamp(1, MAX_OCCURRENCES)),
        }
    }

    /// The starts of the occurrences on or after `start`, at its time of day.
    pub fn occurrences(&self, start: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let (cap, by) = match self.end {
            End::Times(n) => (n.min(MAX_OCCURRENCES), None),
            End::By(by) => (MAX_OCCURRENCES, Some(by)),
        };
        let first_day = start.date_naive();
        let at = |day: NaiveDate| day.and_time(start.time()).and_utc();
        // Candidate days in order, period by period; bounded so an empty rule cannot spin.
        let days =
            (0..MAX_OCCURRENCES as u32 * 31).flat_map(|period| self.days_of(first_day, period));
        days.filter(|&day| day >= first_day)
            .map(at)
            .take_while(|&t| by.is_none_or(|by| t <= by))
            .take(cap)
            .collect()
    }

    /// The days the rule picks in its `period`th period after the one holding `first`.
    fn days_of(&self, first: NaiveDate, period: u32) -> Vec<NaiveDate> {
        let step = period * self.interval;
        match &self.every {
            Every::Day => first
                .checked_add_days(Days::new(u64::from(step)))
                .into_iter()
                .collect(),
            Every::Week(weekdays) => {
                let sunday =
                    first - TimeDelta::days(i64::from(first.weekday().num_days_from_sunday()));
                let week = sunday + TimeDelta::weeks(i64::from(step));
                (0..7)
                    .map(|d| week + TimeDelta::days(d))
                    .filter(|day| weekdays.contains(&day.weekday()))
                    .collect()
            }
            Every::MonthDay(n) => month_start(first, step)
                .and_then(|m| m.with_day(*n))
                .into_iter()
                .collect(),
            Every::MonthWeek { week, weekday } => month_start(first, step)
                .and_then(|m| nth_weekday(m, *week, *weekday))
                .into_iter()
                .collect(),
        }
    }
}

impl Recurrence {
    /// The `recurrence` object for these rules, as Zoom shows it.
    pub fn to_json(&self) -> Value {
        let r = self;
        let mut o = json!({ "repeat_interval": r.interval });
        match &r.every {
            Every::Day => o["type"] = json!(1),
            Every::Week(days) => {
                o["type"] = json!(2);
                let days: Vec<String> = days
                    .iter()
                    .map(|d| d.number_from_sunday().to_string())
                    .collect();
                // A comma-separated list, as the field's description allows; its enum in Zoom's
                // schema lists single days only.
                o["weekly_days"] = json!(days.join(","));
            }
            Every::MonthDay(n) => {
                o["type"] = json!(3);
                o["monthly_day"] = json!(n);
            }
            Every::MonthWeek { week, weekday } => {
                o["type"] = json!(3);
                o["monthly_week"] = json!(week);
                o["monthly_week_day"] = json!(weekday.number_from_sunday());
            }
        }
        match r.end {
            End::Times(n) => o["end_times"] = json!(n),
            End::By(by) => o["end_date_time"] = json!(timestamp(by)),
        }
        o
    }
}

/// Zoom's weekday numbers: 1 = Sunday … 7 = Saturday.
fn weekday(n: i64) -> Option<Weekday> {
    if !(1..=7).contains(&n) {
        return None;
    }
    Weekday::try_from(((n + 5) % 7) as u8).ok()
}

fn month_start(first: NaiveDate, months: u32) -> Option<NaiveDate> {
    first.with_day(1)?.checked_add_months(Months::new(months))
}

/// The `week`th `weekday` of the month starting `month`; `-1` for the last.
fn nth_weekday(month: NaiveDate, week: i32, weekday: Weekday) -> Option<NaiveDate> {
    if week < 0 {
        let next = month.checked_add_months(Months::new(1))?;
        let last = next.pred_opt()?;
        let back = (7 + last.weekday().num_days_from_sunday() - weekday.num_days_from_sunday()) % 7;
        return Some(last - TimeDelta::days(i64::from(back)));
    }
    let ahead = (7 + weekday.num_days_from_sunday() - month.weekday().num_days_from_sunday()) % 7;
    let day = month + TimeDelta::days(i64::from(ahead) + 7 * i64::from(week - 1));
    (day.month() == month.month()).then_some(day)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn read(value: Value, starts: DateTime<Utc>) -> Recurrence {
        let Value::Object(map) = value else {
            unreachable!()
        };
        Recurrence::read(&Fields::new(&map), starts.date_naive())
            .unwrap_or_else(|_| panic!("refused"))
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
        let daily = read(
            json!({"type": 1, "repeat_interval": 2, "end_times": 3}),
            tuesday(),
        );
        let ts = daily.occurrences(tuesday());
        assert_eq!(days(&ts), ["03-10", "03-12", "03-14"]);
        assert!(ts.iter().all(|t| t.time() == tuesday().time()));

        // Mondays and Wednesdays: the Monday before the start is not one.
        let weekly = read(
            json!({"type": 2, "weekly_days": "2,4", "end_times": 4}),
            tuesday(),
        );
        assert_eq!(
            days(&weekly.occurrences(tuesday())),
            ["03-11", "03-16", "03-18", "03-23"]
        );
        let same_day = read(json!({"type": 2, "end_times": 2}), tuesday());
        assert_eq!(same_day, Recurrence::weekly(tuesday(), 2));
        assert_eq!(days(&same_day.occurrences(tuesday())), ["03-10", "03-17"]);
    }

    #[test]
    fn monthly_series_and_end_dates() {
        let by = Utc.with_ymd_and_hms(2026, 6, 30, 0, 0, 0).unwrap();
        let on_31st = read(
            json!({"type": 3, "monthly_day": 31, "end_date_time": "2026-06-30T00:00:00Z"}),
            tuesday(),
        );
        assert_eq!(on_31st.end, End::By(by));
        // April and June have no 31st.
        assert_eq!(days(&on_31st.occurrences(tuesday())), ["03-31", "05-31"]);
        let last_friday = read(
            json!({"type": 3, "monthly_week": -1, "monthly_week_day": 6, "end_times": 2}),
            tuesday(),
        );
        assert_eq!(
            days(&last_friday.occurrences(tuesday())),
            ["03-27", "04-24"]
        );
        let second_monday = read(
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
                Recurrence::read(&Fields::new(&map), tuesday().date_naive()).is_err(),
                "{bad}"
            );
        }
    }
}
