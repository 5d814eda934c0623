//! PostgreSQL outages, staged with a proxy in front of the test server: `run` waits for the
//! database before it reports ready, a pass cut by an outage ends `failed` with the outage as its
//! error, a pass that loses its lock stops, and connection errors name the server and the cause.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel_async::RunQueryDsl;
use tokio::net::UnixDatagram;
use zoom_mirror::db::sync_runs::{self, RunStatus, SyncRun};
use zoom_mirror::db::{self, DbTarget, DbTimeouts};
use zoom_mirror::sync::{Entity, SyncError};
use zoom_mirror::zoom::Endpoint;
use zoom_simulator::{Fault, FaultKind};

use crate::daemon::command;
use crate::support::app::sync_jobs_off_but;
use crate::support::db_proxy::DbProxy;
use crate::support::{Process, TestApp};

/// A directory of its own per test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("zm-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self, file: &str) -> PathBuf {
        self.0.join(file)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

/// A config syncing users every second and nothing else.
fn users_every_second(scratch: &Scratch) -> PathBuf {
    let others = sync_jobs_off_but(Some(Entity::Users));
    let path = scratch.path("config.toml");
    std::fs::write(
        &path,
        format!(
            "[sync.users]\nschedule = \"*/1 * * * * *\"\n[write_back]\nenabled = false\n{others}"
        ),
    )
    .unwrap();
    path
}

/// `zoom-mirror run` on `proxy`, logging to `log`.
fn daemon(app: &TestApp, proxy: &DbProxy, config: &Path, log: &Path) -> Command {
    let mut run = command(app, &["--config", config.to_str().unwrap(), "run"]);
    run.env("DATABASE_URL", proxy.url())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap());
    run
}

/// What `run` logs each time it finds PostgreSQL away at start-up.
const RETRYING: &str = "PostgreSQL is unavailable; trying again";

/// Waits until the daemon's log at `path` holds `line` `times` times.
async fn wait_for_log(path: &Path, line: &str, times: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.matches(line).count() >= times {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{line:?} not logged {times} times within 20 s: {text}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Polls the pass rows of users, read past the proxy, until one satisfies `found`.
async fn wait_for_run(app: &TestApp, limit: Duration, found: impl Fn(&SyncRun) -> bool) -> SyncRun {
    use diesel::{ExpressionMethods, QueryDsl, SelectableHelper};
    use zoom_mirror::db::schema::sync_runs::dsl;
    let deadline = Instant::now() + limit;
    let mut conn = app.conn().await;
    loop {
        let runs: Vec<SyncRun> = dsl::sync_runs
            .filter(dsl::entity.eq("users"))
            .order(dsl::id)
            .select(SyncRun::as_select())
            .load(&mut conn)
            .await
            .unwrap();
        if let Some(run) = runs.into_iter().find(|r| found(r)) {
            return run;
        }
        assert!(Instant::now() < deadline, "no such pass within {limit:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Holds the first users listing for `by`, so that a pass stays `running` that long.
fn delay_the_first_user_listing(app: &TestApp, by: Duration) {
    app.handle().inject(
        Fault::new(FaultKind::Latency(by))
            .on(Endpoint::ListUsers)
            .times(1),
    );
}

/// Waits for a pass of users to run, then takes PostgreSQL away behind `proxy` for longer than
/// the pass waits on Zoom, so that it meets the outage; returns the pass as it was cut.
async fn cut_a_running_pass(app: &TestApp, proxy: &DbProxy) -> SyncRun {
    let run = wait_for_run(app, Duration::from_secs(15), |r| r.status == "running").await;
    proxy.cut();
    tokio::time::sleep(Duration::from_secs(4)).await;
    proxy.restore();
    run
}

/// Asserts that a failed pass's recorded `error` is the outage, and returns it.
fn the_outage_is_the_error(error: Option<String>) -> String {
    let error = error.unwrap_or_default();
    assert!(
        error.contains("PostgreSQL"),
        "the outage is the error: {error}"
    );
    error
}

/// The notifications the daemon sent to systemd (`NOTIFY_SOCKET`) so far.
fn notifications(socket: &UnixDatagram) -> Vec<String> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    while let Ok(n) = socket.try_recv(&mut buffer) {
        received.push(String::from_utf8_lossy(&buffer[..n]).into_owned());
    }
    received
}

#[tokio::test(flavor = "multi_thread")]
async fn run_waits_for_postgresql_then_reports_ready_and_syncs() {
    let app = TestApp::new(5).await;
    let proxy = DbProxy::start(&app.db, false).await;
    let scratch = Scratch::new("wait-for-db");
    let (config, log) = (users_every_second(&scratch), scratch.path("stderr.log"));
    let notify = UnixDatagram::bind(scratch.path("notify.sock")).unwrap();
    let mut child = Process::spawn(
        daemon(&app, &proxy, &config, &log).env("NOTIFY_SOCKET", scratch.path("notify.sock")),
    );

    // Two failed attempts: it waits and tries again rather than giving up.
    wait_for_log(&log, RETRYING, 2).await;
    let log_text = || std::fs::read_to_string(&log).unwrap();
    assert!(
        child.is_running(),
        "`run` gave up while PostgreSQL was down: {}",
        log_text()
    );
    let waiting = notifications(&notify);
    assert!(
        !waiting.iter().any(|n| n.contains("READY=1")),
        "ready before PostgreSQL answered: {waiting:?}"
    );
    assert!(
        waiting
            .iter()
            .any(|n| n.starts_with("STATUS=waiting for PostgreSQL: cannot connect")),
        "{waiting:?}"
    );
    let refused = format!(
        "cannot connect to PostgreSQL at 127.0.0.1:{}: ",
        proxy.port()
    );
    let stderr = log_text();
    assert!(
        stderr.contains(RETRYING) && stderr.contains(&refused),
        "each attempt is logged with its cause: {stderr}"
    );

    proxy.restore();
    let deadline = Instant::now() + Duration::from_secs(20);
    while !notifications(&notify).iter().any(|n| n.contains("READY=1")) {
        assert!(
            Instant::now() < deadline,
            "not ready 20 s after PostgreSQL came back: {}",
            log_text()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_for_run(&app, Duration::from_secs(10), |r| r.status == "succeeded").await;

    child.sigterm();
    let exited = child.exit_within(Duration::from_secs(15)).await;
    assert!(
        exited.status.success(),
        "{:?}: {}",
        exited.status,
        log_text()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn run_stops_at_once_on_sigterm_while_waiting_for_postgresql() {
    let app = TestApp::new(1).await;
    let proxy = DbProxy::start(&app.db, false).await;
    let scratch = Scratch::new("stop-while-waiting");
    let (config, log) = (users_every_second(&scratch), scratch.path("stderr.log"));
    let mut child = Process::spawn(&mut daemon(&app, &proxy, &config, &log));
    wait_for_log(&log, RETRYING, 1).await;
    let stderr = || std::fs::read_to_string(&log).unwrap();
    assert!(child.is_running(), "{}", stderr());

    child.sigterm();
    let exited = child.exit_within(Duration::from_secs(5)).await;
    assert!(exited.status.success(), "{:?}: {}", exited.status, stderr());
    assert!(
        stderr().contains("stopping during start-up"),
        "{}",
        stderr()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sync_cut_by_an_outage_records_its_pass_failed_once_postgresql_is_back() {
    let app = TestApp::new(5).await;
    // The pass waits on Zoom while PostgreSQL goes away, and would write when it is still away.
    delay_the_first_user_listing(&app, Duration::from_secs(2));
    let proxy = DbProxy::start(&app.db, true).await;
    let child = Process::spawn(
        command(&app, &["sync", "users"])
            .env("DATABASE_URL", proxy.url())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );

    let run = cut_a_running_pass(&app, &proxy).await;
    let exited = child.exit_within(Duration::from_secs(20)).await;
    let stderr = String::from_utf8_lossy(&exited.stderr);

    let row = sync_runs::get(&mut app.conn().await, run.id).await.unwrap();
    assert_eq!(row.status, "failed", "{row:?}\n{stderr}");
    assert!(row.finished_at.is_some(), "{row:?}");
    let error = the_outage_is_the_error(row.error);
    assert!(!exited.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("users: {error}")),
        "the command says why: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn run_records_a_pass_cut_by_an_outage_as_failed_not_abandoned() {
    let app = TestApp::new(5).await;
    delay_the_first_user_listing(&app, Duration::from_secs(2));
    let proxy = DbProxy::start(&app.db, true).await;
    let scratch = Scratch::new("outage-mid-pass");
    let (config, log) = (users_every_second(&scratch), scratch.path("stderr.log"));
    let child = Process::spawn(&mut daemon(&app, &proxy, &config, &log));

    let cut = cut_a_running_pass(&app, &proxy).await;
    let ended = wait_for_run(&app, Duration::from_secs(15), |r| {
        r.id == cut.id && r.status != "running"
    })
    .await;
    // The daemon carries on: a later pass succeeds.
    wait_for_run(&app, Duration::from_secs(15), |r| {
        r.id > cut.id && r.status == "succeeded"
    })
    .await;
    child.sigterm();
    let exited = child.exit_within(Duration::from_secs(15)).await;
    let stderr = std::fs::read_to_string(&log).unwrap();

    assert_eq!(ended.status, "failed", "{ended:?}\n{stderr}");
    the_outage_is_the_error(ended.error);
    assert!(exited.status.success(), "{stderr}");
}

#[tokio::test(flavor = "multi_thread")]
async fn losing_the_lock_session_stops_the_pass() {
    let app = TestApp::new(5).await;
    delay_the_first_user_listing(&app, Duration::from_secs(20));
    let started = Instant::now();
    let kill_the_lock_session = async {
        wait_for_run(&app, Duration::from_secs(10), |r| r.status == "running").await;
        let killed = diesel::sql_query(
            "SELECT pg_terminate_backend(pid) FROM pg_locks \
             WHERE locktype = 'advisory' AND granted \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        )
        .execute(&mut app.conn().await)
        .await
        .unwrap();
        assert_eq!(killed, 1, "one session holds the pass's lock");
    };
    let (report, ()) = tokio::join!(app.sync_users(), kill_the_lock_session);

    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the pass ran on for {:?} without its lock",
        started.elapsed()
    );
    assert_eq!(report.status, RunStatus::Failed, "{report:?}");
    assert!(
        matches!(report.error, Some(SyncError::LockLost(_))),
        "{report:?}"
    );
    let row = sync_runs::get(&mut app.conn().await, report.run_id)
        .await
        .unwrap();
    assert_eq!(row.status, "failed");
    assert!(
        row.error
            .unwrap_or_default()
            .starts_with("lost the PostgreSQL session holding this pass's cluster-wide lock")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_pool_whose_connections_stay_busy_fails_after_the_pool_timeout() {
    let db = crate::support::TestDb::new().await;
    let timeouts = DbTimeouts {
        connect: Duration::from_secs(5),
        pool_wait: Duration::from_secs(1),
    };
    let pool = db::pool(&DbTarget::new(db.url(), timeouts).unwrap(), 1).unwrap();
    let _held = db::connection(&pool).await.unwrap();
    let started = Instant::now();
    let waited = tokio::time::timeout(Duration::from_secs(10), db::connection(&pool))
        .await
        .expect("the wait for a pooled connection is bounded");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        waited.err().unwrap().to_string(),
        "waited 1 s (database.pool_timeout_secs) for one of a pool's 1 PostgreSQL connections to \
         come free: are queries slow, or the server overloaded?"
    );
}

#[test]
fn a_bad_host_is_named_with_its_cause_once_and_no_password() {
    let out = Command::new(env!("CARGO_BIN_EXE_zoom-mirror"))
        .arg("migrate")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env(
            "DATABASE_URL",
            "postgres://zoom:hunter2@no-such-host.invalid:5432/zoom",
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    // The resolver's own words vary ("Name or service not known", "Temporary failure in name
    // resolution"); what surrounds them does not.
    let cause = "failed to lookup address information: ";
    assert!(
        stderr.starts_with(&format!(
            "Error: cannot connect to PostgreSQL at no-such-host.invalid:5432: {cause}"
        )),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("; check DATABASE_URL and that the server is up\n"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(stderr.matches(cause).count(), 1, "{stderr}");
    assert!(!stderr.contains("error connecting to server"), "{stderr}");
    assert!(!stderr.contains("hunter2"), "{stderr}");
}
