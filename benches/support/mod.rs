//! What the benchmarks share: a database of their own, temporary files, the daemon's command.

use std::io::Write as _;
use std::process::{Command, ExitCode};

use anyhow::Context;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use url::Url;
use zoom_simulator::RunningSimulator;

/// The PostgreSQL server to create the benchmark's database on.
pub fn server_url() -> anyhow::Result<String> {
    ["BENCH_DATABASE_URL", "TEST_DATABASE_URL", "DATABASE_URL"]
        .iter()
        .find_map(|name| std::env::var(name).ok())
        .context("set BENCH_DATABASE_URL (or TEST_DATABASE_URL) to a PostgreSQL server URL")
}

/// Parses the benchmark's arguments `A`, then runs `bench` with them against a database of its
/// own, dropped afterwards whatever the outcome.
pub async fn run_on_own_database<A: clap::Parser>(
    bench: impl AsyncFnOnce(&A, &str) -> anyhow::Result<ExitCode>,
) -> anyhow::Result<ExitCode> {
    let args = A::parse();
    let database = BenchDatabase::create(&server_url()?).await?;
    let result = bench(&args, &database.url).await;
    database.drop().await?;
    result
}

/// `zoom-mirror --config CONFIG COMMAND` against `database_url` and `simulator`, logging
/// warnings only.
pub fn zoom_mirror(
    command: &str,
    config: &TempFile,
    database_url: &str,
    simulator: &RunningSimulator,
) -> Command {
    let credentials = simulator.credentials();
    let mut zoom_mirror = Command::new(env!("CARGO_BIN_EXE_zoom-mirror"));
    zoom_mirror
        .args(["--config", config.path_str(), command])
        .env("DATABASE_URL", database_url)
        .env("ZOOM_ACCOUNT_ID", &credentials.account_id)
        .env("ZOOM_CLIENT_ID", &credentials.client_id)
        .env("ZOOM_CLIENT_SECRET", &credentials.client_secret)
        .env("ZOOM_API_BASE_URL", simulator.api_base_url().as_str())
        .env("ZOOM_OAUTH_BASE_URL", simulator.oauth_base_url().as_str())
        .env("RUST_LOG", "warn");
    zoom_mirror
}

/// A database of its own on the server, dropped at the end.
pub struct BenchDatabase {
    server: String,
    name: String,
    pub url: String,
}

impl BenchDatabase {
    pub async fn create(server: &str) -> anyhow::Result<Self> {
        let name = format!("zm_bench_{}", std::process::id());
        let mut conn = AsyncPgConnection::establish(server)
            .await
            .context("connecting to the benchmark's PostgreSQL server")?;
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await?;
        let mut url = Url::parse(server)?;
        url.set_path(&name);
        Ok(BenchDatabase {
            server: server.to_owned(),
            name,
            url: url.to_string(),
        })
    }

    pub async fn drop(self) -> anyhow::Result<()> {
        let mut conn = AsyncPgConnection::establish(&self.server).await?;
        diesel::sql_query(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut conn)
        .await?;
        Ok(())
    }
}

/// A file under the temp directory, removed by [`TempFile::remove`].
pub struct TempFile(std::path::PathBuf);

impl TempFile {
    pub fn path_str(&self) -> &str {
        self.0.to_str().unwrap_or_default()
    }

    pub fn remove(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

pub fn tempfile(name: &str, contents: &str) -> anyhow::Result<TempFile> {
    let path = std::env::temp_dir().join(format!("{}-{name}", std::process::id()));
    std::fs::File::create(&path)?.write_all(contents.as_bytes())?;
    Ok(TempFile(path))
}
