//! A fresh database per test, copied from a migrated template: tests run in parallel (threads or
//! processes) and leave nothing behind.
//!
//! The server is `TEST_DATABASE_URL` (a role that may CREATE DATABASE), else a PostgreSQL
//! container started by testcontainers.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU32, Ordering};

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use secrecy::SecretString;
use tokio::sync::OnceCell;
use url::Url;
use zoom_mirror::db::{DbTarget, DbTimeouts};

pub struct TestDb {
    name: String,
    server: Url,
    url: SecretString,
    /// Whether a sync pass or queue row may still be `running` when the test ends.
    may_leave_running: bool,
}

impl TestDb {
    pub async fn new() -> TestDb {
        let server = server().await;
        let template = template(server).await;
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "zm_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = connect(server).await;
        execute(
            &mut admin,
            &format!("CREATE DATABASE {name} TEMPLATE {template}"),
        )
        .await;
        TestDb {
            url: SecretString::from(database_url(server, &name).to_string()),
            server: server.clone(),
            name,
            may_leave_running: false,
        }
    }

    /// For a test that claims rows itself to check the claim: its `running` rows are the point,
    /// not work left behind.
    pub fn may_leave_running(&mut self) {
        self.may_leave_running = true;
    }

    pub fn url(&self) -> &SecretString {
        &self.url
    }

    /// The database as the daemon connects to it, with short timeouts.
    pub fn target(&self) -> DbTarget {
        target(&self.url)
    }

    pub async fn connect(&self) -> AsyncPgConnection {
        connect(&database_url(&self.server, &self.name)).await
    }

    /// Logs in as `role` with `password`.
    pub async fn connect_as(&self, role: &str, password: &str) -> AsyncPgConnection {
        let mut url = database_url(&self.server, &self.name);
        url.set_username(role).expect("a URL with a user");
        url.set_password(Some(password))
            .expect("a URL with a password");
        connect(&url).await
    }
}

/// Every test ends with nothing `running`: a pass or queue row left so would mean a task still
/// at work after the test, or an end that was never recorded.
impl Drop for TestDb {
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        let check = !std::thread::panicking() && !self.may_leave_running;
        let url = database_url(&self.server, &self.name);
        // Drop runs inside a test's runtime, which cannot block on itself: use a thread.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime to drop the test database");
            runtime.block_on(async {
                let left = if check {
                    left_running(&mut connect(&url).await).await
                } else {
                    Vec::new()
                };
                let mut admin = connect(&server).await;
                execute(
                    &mut admin,
                    &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                )
                .await;
                left
            })
        })
        .join();
        match dropped {
            Ok(left) => assert!(
                left.is_empty(),
                "the test ended with work still running: {}",
                left.join(", ")
            ),
            Err(_) if !std::thread::panicking() => {
                panic!("could not drop test database {}", self.name)
            }
            Err(_) => {}
        }
    }
}

/// The sync passes and queue rows still `running`, named.
async fn left_running(conn: &mut AsyncPgConnection) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Left {
        #[diesel(sql_type = Text)]
        what: String,
    }
    diesel::sql_query(
        "SELECT format('zoom.sync_runs %s (%s)', id, entity) AS what \
           FROM zoom.sync_runs WHERE status = 'running' \
         UNION ALL \
         SELECT format('zoom.write_queue %s (%s)', id, action) \
           FROM zoom.write_queue WHERE status = 'running'",
    )
    .load::<Left>(conn)
    .await
    .expect("reading what is still running")
    .into_iter()
    .map(|left| left.what)
    .collect()
}

/// The server's admin URL (database `postgres`).
async fn server() -> &'static Url {
    static SERVER: OnceCell<Url> = OnceCell::const_new();
    SERVER
        .get_or_init(|| async {
            match std::env::var("TEST_DATABASE_URL") {
                Ok(url) => Url::parse(&url)
                    .unwrap_or_else(|e| panic!("TEST_DATABASE_URL is not a URL: {e}")),
                Err(_) => container().await,
            }
        })
        .await
}

async fn container() -> Url {
    use testcontainers::ImageExt;
    use testcontainers::runners::AsyncRunner;
    use testcontainers_modules::postgres::Postgres;
    static CONTAINER: OnceCell<testcontainers::ContainerAsync<Postgres>> = OnceCell::const_new();
    let container = CONTAINER
        .get_or_try_init(|| Postgres::default().with_tag("15-alpine").start())
        .await
        .unwrap_or_else(|e| {
            panic!(
                "no PostgreSQL for the tests: set TEST_DATABASE_URL (e.g. \
                 postgres://postgres@127.0.0.1:5432/postgres, a role that may CREATE DATABASE), \
                 or make Docker available for testcontainers ({e})"
            )
        });
    let port = container
        .get_host_port_ipv4(5432)
        .await
        .expect("the container's PostgreSQL port");
    Url::parse(&format!(
        "postgres://postgres:postgres@127.0.0.1:{port}/postgres"
    ))
    .expect("a URL")
}

/// The migrated template for the current migrations, created once per server under an advisory
/// lock, so parallel test processes agree on it.
async fn template(server: &Url) -> &'static str {
    static TEMPLATE: OnceCell<String> = OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            let name = format!("zm_tmpl_{:016x}", migrations_hash());
            let mut admin = connect(server).await;
            execute(&mut admin, "SELECT pg_advisory_lock(7426017)").await;
            sweep(&mut admin, &name).await;
            if !database_exists(&mut admin, &name).await {
                execute(&mut admin, &format!("CREATE DATABASE {name}")).await;
                // When it was made: the sweep of another checkout keeps it for a day.
                execute(
                    &mut admin,
                    &format!(
                        "COMMENT ON DATABASE {name} IS '{}'",
                        chrono::Utc::now().timestamp()
                    ),
                )
                .await;
                let url = SecretString::from(database_url(server, &name).to_string());
                zoom_mirror::db::run_migrations(&target(&url))
                    .await
                    .expect("migrating the template database");
            }
            execute(&mut admin, "SELECT pg_advisory_unlock(7426017)").await;
            name
        })
        .await
}

/// Drops databases left by test processes that died, and templates of other migrations made
/// more than a day ago. Another checkout (a branch with other migrations) may be testing against
/// the same server right now: its template is younger than that. A template that does not say
/// when it was made is left alone, since its age is unknown.
async fn sweep(admin: &mut AsyncPgConnection, current_template: &str) {
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = Text)]
        datname: String,
        #[diesel(sql_type = diesel::sql_types::Nullable<Text>)]
        made: Option<String>,
    }
    let names: Vec<Name> = diesel::sql_query(
        "SELECT datname, shobj_description(oid, 'pg_database') AS made FROM pg_database \
         WHERE datname LIKE 'zm\\_test\\_%' OR datname LIKE 'zm\\_tmpl\\_%'",
    )
    .load(admin)
    .await
    .expect("listing test databases");
    let a_day_ago = chrono::Utc::now().timestamp() - 24 * 3600;
    for Name { datname, made } in names {
        let stale = match datname.strip_prefix("zm_test_") {
            Some(rest) => rest
                .split('_')
                .next()
                .is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists()),
            None => {
                datname != current_template
                    && made
                        .and_then(|t| t.parse::<i64>().ok())
                        .is_some_and(|t| t < a_day_ago)
            }
        };
        if stale {
            execute(
                admin,
                &format!("DROP DATABASE IF EXISTS {datname} WITH (FORCE)"),
            )
            .await;
        }
    }
}

fn migrations_hash() -> u64 {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
    let mut files: Vec<_> = walk(std::path::Path::new(dir));
    files.sort();
    let mut hasher = DefaultHasher::new();
    for path in files {
        path.hash(&mut hasher);
        std::fs::read(&path)
            .expect("reading a migration")
            .hash(&mut hasher);
    }
    hasher.finish()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .expect("reading migrations/")
        .flatten()
        .flat_map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                walk(&path)
            } else {
                vec![path]
            }
        })
        .collect()
}

async fn database_exists(admin: &mut AsyncPgConnection, name: &str) -> bool {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let count: Count =
        diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
            .bind::<Text, _>(name)
            .get_result(admin)
            .await
            .expect("looking up a database");
    count.n > 0
}

pub fn target(url: &SecretString) -> DbTarget {
    let timeouts = DbTimeouts {
        connect: std::time::Duration::from_secs(10),
        pool_wait: std::time::Duration::from_secs(30),
    };
    DbTarget::new(url, timeouts).expect("a usable database URL")
}

fn database_url(server: &Url, name: &str) -> Url {
    let mut url = server.clone();
    url.set_path(name);
    url
}

async fn connect(url: &Url) -> AsyncPgConnection {
    AsyncPgConnection::establish(url.as_str())
        .await
        .unwrap_or_else(|e| panic!("connecting to {}: {e}", redact(url)))
}

async fn execute(conn: &mut AsyncPgConnection, sql: &str) {
    diesel::sql_query(sql)
        .execute(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

fn redact(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_password(None);
    url.to_string()
}
