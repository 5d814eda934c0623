//! SQL functions the query builder does not declare itself.

use diesel::expression::functions::declare_sql_function;
use diesel::sql_types::{Integer, Jsonb, Nullable, SingleValue, Text, Timestamptz};

#[declare_sql_function]
extern "SQL" {
    /// The first argument that is not NULL.
    fn coalesce<ST: SingleValue>(value: Nullable<ST>, fallback: Nullable<ST>) -> Nullable<ST>;

    fn greatest(a: Integer, b: Integer) -> Integer;

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
