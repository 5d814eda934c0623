//! The `recurrence` object of a meeting or webinar with fixed times (types 8 and 9), and the
//! occurrences it schedules (`rules::recurrence` reads one from a body). Times of day are kept in UTC: the simulator has no zone database,
//! so a series does not follow daylight-saving changes as Zoom's do.

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, TimeDelta, Utc, Weekday};
use serde_json::{Value, json};

use crate::model::user::timestamp;

/// Zoom's cap on occurrences of one series.
pub(crate) const MAX_OCCURRENCES: usize = 60;

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
