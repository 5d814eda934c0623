//! SQL functions the query builder does not declare itself.

use diesel::expression::functions::declare_sql_function;
use diesel::sql_types::{Integer, Nullable, SingleValue, Text};

#[declare_sql_function]
extern "SQL" {
    /// The first argument that is not NULL.
    fn coalesce<ST: SingleValue>(value: Nullable<ST>, fallback: Nullable<ST>) -> Nullable<ST>;

    fn greatest(a: Integer, b: Integer) -> Integer;

    fn lower(text: Text) -> Text;
}
