//! `src/db/schema.rs` is written by hand (diesel's CLI needs libpq), so this test holds it to
//! the migrated database: every table of schema `zoom`, and every column's name, SQL type and
//! nullability, on both sides.
//!
//! Diesel declares a table's columns only as the tuple type `Table::AllColumns`. [`Columns`] walks
//! that tuple at the type level, reading each column's `Column::NAME` and, through [`PgType`],
//! the PostgreSQL name of its SQL type. So the columns compared are exactly those of schema.rs,
//! listed nowhere else; a column of a type [`PgType`] does not know fails to compile here.

use std::collections::{BTreeMap, BTreeSet};

use diesel::QueryableByName;
use diesel::sql_types::{
    Array, BigInt, Binary, Bool, Date, Double, Integer, Interval, Jsonb, Nullable, SingleValue,
    Text, Timestamptz,
};
use diesel::{Column, Expression, Table};
use diesel_async::RunQueryDsl;
use zoom_mirror::db::schema;

use crate::support::TestDb;

/// PostgreSQL's name of a SQL type, as `format_type` prints it.
trait PgType {
    fn name() -> String;
    fn nullable() -> bool {
        false
    }
}

macro_rules! pg_type {
    ($($diesel:ty => $pg:literal),* $(,)?) => {
        $(impl PgType for $diesel {
            fn name() -> String {
                $pg.to_owned()
            }
        })*
    };
}

pg_type! {
    BigInt => "bigint",
    Binary => "bytea",
    Integer => "integer",
    Text => "text",
    Bool => "boolean",
    Date => "date",
    Double => "double precision",
    Interval => "interval",
    Jsonb => "jsonb",
    Timestamptz => "timestamp with time zone",
}

impl<T: PgType + SingleValue> PgType for Array<T> {
    fn name() -> String {
        format!("{}[]", T::name())
    }
}

impl<T: PgType + SingleValue> PgType for Nullable<T> {
    fn name() -> String {
        T::name()
    }
    fn nullable() -> bool {
        true
    }
}

/// A column as both sides describe it.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
struct Described {
    #[diesel(sql_type = Text)]
    sql_type: String,
    #[diesel(sql_type = Bool)]
    nullable: bool,
}

/// The columns of a `Table::AllColumns` tuple, by name.
trait Columns {
    fn describe(into: &mut BTreeMap<String, Described>);
}

macro_rules! columns_for_tuples {
    ($($c:ident),+) => {
        impl<$($c),+> Columns for ($($c,)+)
        where
            $($c: Column + Expression, <$c as Expression>::SqlType: PgType,)+
        {
            fn describe(into: &mut BTreeMap<String, Described>) {
                $(into.insert(
                    $c::NAME.to_owned(),
                    Described {
                        sql_type: <<$c as Expression>::SqlType as PgType>::name(),
                        nullable: <<$c as Expression>::SqlType as PgType>::nullable(),
                    },
                );)+
            }
        }
        columns_for_tuples!(@shorter $($c),+);
    };
    (@shorter $first:ident) => {};
    (@shorter $first:ident, $($rest:ident),+) => {
        columns_for_tuples!($($rest),+);
    };
}

columns_for_tuples!(
    C1, C2, C3, C4, C5, C6, C7, C8, C9, C10, C11, C12, C13, C14, C15, C16, C17, C18, C19, C20, C21,
    C22, C23, C24, C25, C26, C27, C28, C29, C30, C31, C32
);

fn columns_of<T: Table>() -> BTreeMap<String, Described>
where
    T::AllColumns: Columns,
{
    let mut columns = BTreeMap::new();
    T::AllColumns::describe(&mut columns);
    columns
}

/// Every table schema.rs declares (its `zoom_tables!`), by its SQL name: the module `table!`
/// makes is named after it.
fn declared() -> BTreeMap<String, BTreeMap<String, Described>> {
    macro_rules! described {
        ($($t:ident),*) => {
            BTreeMap::from([$((stringify!($t).to_owned(), columns_of::<schema::$t::table>())),*])
        };
    }
    zoom_mirror::zoom_tables!(described)
}

async fn migrated(db: &TestDb) -> BTreeMap<String, BTreeMap<String, Described>> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        table_name: String,
        #[diesel(sql_type = Text)]
        column_name: String,
        #[diesel(embed)]
        described: Described,
    }
    let rows: Vec<Row> = diesel::sql_query(
        "SELECT c.relname::text AS table_name, a.attname::text AS column_name, \
                format_type(a.atttypid, a.atttypmod) AS sql_type, NOT a.attnotnull AS nullable \
         FROM pg_attribute a \
         JOIN pg_class c ON c.oid = a.attrelid \
         JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'zoom' AND c.relkind IN ('r', 'p') AND a.attnum > 0 \
           AND NOT a.attisdropped",
    )
    .load(&mut db.connect().await)
    .await
    .expect("reading the migrated tables' columns");
    let mut tables: BTreeMap<String, BTreeMap<String, Described>> = BTreeMap::new();
    for row in rows {
        tables
            .entry(row.table_name)
            .or_default()
            .insert(row.column_name, row.described);
    }
    tables
}

/// One line per difference, each saying which side has what.
fn differences(
    declared: &BTreeMap<String, BTreeMap<String, Described>>,
    migrated: &BTreeMap<String, BTreeMap<String, Described>>,
) -> Vec<String> {
    let show = |d: &Described| {
        format!(
            "{}{}",
            d.sql_type,
            if d.nullable { " NULL" } else { " NOT NULL" }
        )
    };
    let mut lines = Vec::new();
    for table in union(declared, migrated) {
        let (ours, theirs) = match (declared.get(table), migrated.get(table)) {
            (Some(ours), Some(theirs)) => (ours, theirs),
            (Some(_), None) => {
                lines.push(format!("zoom.{table}: in schema.rs, not in the database"));
                continue;
            }
            (None, _) => {
                lines.push(format!(
                    "zoom.{table}: in the database, not in schema.rs (or not in its zoom_tables!)"
                ));
                continue;
            }
        };
        for column in union(ours, theirs) {
            match (ours.get(column), theirs.get(column)) {
                (Some(o), Some(t)) if o != t => lines.push(format!(
                    "zoom.{table}.{column}: schema.rs says {}, the database {}",
                    show(o),
                    show(t)
                )),
                (Some(_), None) => lines.push(format!(
                    "zoom.{table}.{column}: in schema.rs, not in the database"
                )),
                (None, Some(_)) => lines.push(format!(
                    "zoom.{table}.{column}: in the database, not in schema.rs"
                )),
                _ => {}
            }
        }
    }
    lines
}

fn union<'a, V>(a: &'a BTreeMap<String, V>, b: &'a BTreeMap<String, V>) -> BTreeSet<&'a String> {
    a.keys().chain(b.keys()).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn schema_rs_matches_the_migrated_database() {
    let db = TestDb::new().await;
    let differences = differences(&declared(), &migrated(&db).await);
    assert!(
        differences.is_empty(),
        "src/db/schema.rs differs from migrations/:\n{}",
        differences.join("\n")
    );
}

#[test]
fn a_difference_is_named_with_both_sides() {
    let column = |sql_type: &str, nullable| Described {
        sql_type: sql_type.to_owned(),
        nullable,
    };
    let declared = BTreeMap::from([
        (
            "t".to_owned(),
            BTreeMap::from([
                ("a".to_owned(), column("text", true)),
                ("b".to_owned(), column("bigint", false)),
            ]),
        ),
        ("gone".to_owned(), BTreeMap::new()),
    ]);
    let migrated = BTreeMap::from([
        (
            "t".to_owned(),
            BTreeMap::from([
                ("a".to_owned(), column("text", false)),
                ("c".to_owned(), column("jsonb", false)),
            ]),
        ),
        ("new".to_owned(), BTreeMap::new()),
    ]);
    assert_eq!(
        differences(&declared, &migrated),
        [
            "zoom.gone: in schema.rs, not in the database",
            "zoom.new: in the database, not in schema.rs (or not in its zoom_tables!)",
            "zoom.t.a: schema.rs says text NULL, the database text NOT NULL",
            "zoom.t.b: in schema.rs, not in the database",
            "zoom.t.c: in the database, not in schema.rs",
        ]
    );
}
