//! The roles of sql/roles.sql under names of a test's own: roles belong to the whole server,
//! not to a test's database, so tests running at once must not share them, and each test drops
//! the ones it made.

use diesel_async::SimpleAsyncConnection;

use super::TestApp;

pub struct Roles {
    pub reader: String,
    pub writer: String,
    suffix: String,
    others: Vec<String>,
}

impl Roles {
    /// Runs sql/roles.sql with its `zoom_reader` and `zoom_writer` renamed to this test's own.
    pub async fn install(app: &TestApp) -> Roles {
        let suffix = format!(
            "{}_{}",
            std::process::id(),
            chrono::Utc::now().timestamp_subsec_nanos()
        );
        let (reader, writer) = (
            format!("zoom_reader_{suffix}"),
            format!("zoom_writer_{suffix}"),
        );
        let script = include_str!("../../../sql/roles.sql")
            .replace("zoom_reader", &reader)
            .replace("zoom_writer", &writer);
        app.conn()
            .await
            .batch_execute(&script)
            .await
            .expect("sql/roles.sql runs");
        Roles {
            reader,
            writer,
            suffix,
            others: Vec::new(),
        }
    }

    /// `name` made this test's own, for a role the test creates; dropped with the others.
    pub fn own(&mut self, name: &str) -> String {
        let role = format!("{name}_{}", self.suffix);
        self.others.push(role.clone());
        role
    }

    /// Drops every role, the test's own first; the test closes its connections as them before.
    pub async fn drop(self, app: &TestApp) {
        let mut conn = app.conn().await;
        let all = self.others.iter().rev().chain([&self.writer, &self.reader]);
        for role in all {
            conn.batch_execute(&format!("DROP OWNED BY {role}; DROP ROLE {role}"))
                .await
                .unwrap();
        }
    }
}
