//! SQL functions the query builder does not declare itself.

use diesel::expression::functions::declare_sql_function;
use diesel::sql_types::{Integer, Jsonb, Nullable, SingleValue, Text, Timestamptz};

#[declare_sql_function]
extern "SQL" {
    /// The first argument that is not NULL.
    fn coalesce<ST: SingleValue>(value: Nullable<ST>, fallback: Nullable<ST>) -> Nullable<ST>;

    fn greatest(a: Integer, b: Integer) -> Integer;

    /// The later of two times.
    #[sql_name = "greatest"]
    fn latest(a: Timestamptz, b: Timestamptz) -> Timestamptz;

    fn lower(text: Text) -> Text;

    fn jsonb_build_array(element: Jsonb) -> Jsonb;

    /// `{key: value}`.
    #[sql_name = "jsonb_build_object"]
    fn jsonb_pair(key: Text, value: Text) -> Jsonb;

    /// One entry of a write-back row's history but its kind: `{attempt, at, error}` or
    /// `{attempt, at, note}`.
    #[sql_name = "jsonb_build_object"]
    fn history_entry(
        attempt_key: Text,
        attempt: Integer,
        at_key: Text,
        at: Timestamptz,
        what_key: Text,
        what: Text,
    ) -> Jsonb;
}

/// `now() + d` (or `now() - d`, `ago`) by the server's clock, which every lease and delay is
/// measured by. A fragment: Diesel types `now` as `timestamp`, and declares
/// `timestamptz + interval` for columns only.
pub type ServerTime = diesel::expression::UncheckedBind<
    diesel::expression::SqlLiteral<Timestamptz>,
    diesel::dsl::AsExprOf<diesel::data_types::PgInterval, diesel::sql_types::Interval>,
>;

pub fn from_now(d: std::time::Duration) -> ServerTime {
    shifted("now() + ", d)
}

pub fn ago(d: std::time::Duration) -> ServerTime {
    shifted("now() - ", d)
}

fn shifted(sql: &'static str, d: std::time::Duration) -> ServerTime {
    diesel::dsl::sql::<Timestamptz>(sql).bind::<diesel::sql_types::Interval, _>(interval(d))
}

pub fn interval(d: std::time::Duration) -> diesel::data_types::PgInterval {
    let micros = i64::try_from(d.as_micros()).unwrap_or(i64::MAX);
    diesel::data_types::PgInterval::from_microseconds(micros)
}
