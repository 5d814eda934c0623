//! The real binary: `run` syncs on its schedule and stops cleanly on SIGTERM; `demo` and `sync`
//! work from the environment alone.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use secrecy::ExposeSecret;
use zoom_mirror::db::sync_runs;
use zoom_mirror::sync::Entity;
use zoom_mirror::write_back::ErrorKind;
use zoom_mirror::zoom::Endpoint;

use crate::support::app::sync_jobs_off_but;
use crate::support::queue::scheduled_meeting;
use crate::support::{Process, TestApp};

const BIN: &str = env!("CARGO_BIN_EXE_zoom-mirror");

/// A local address no one listens on now: bound by the OS, then let go for the daemon.
pub(crate) fn free_local_address() -> String {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().to_string()
}

/// An example's executable. `cargo test` builds the examples before it runs the tests and puts
/// them beside the test binary's folder: `target/<profile>/examples/`.
fn example(name: &str) -> std::path::PathBuf {
    let test_binary = std::env::current_exe().expect("the test binary's path");
    let profile_dir = test_binary
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binaries live in target/<profile>/deps");
    let path = profile_dir.join("examples").join(name);
    assert!(
        path.exists(),
        "{} is missing: run the tests with `cargo test`, which builds the examples first",
        path.display()
    );
    path
}

/// The binary with an environment pointing at `app`'s database and simulator, and nothing else.
pub(crate) fn command(app: &TestApp, args: &[&str]) -> Command {
    let c = app.sim.credentials();
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", app.db.url().expose_secret())
        .env("ZOOM_API_BASE_URL", app.sim.api_base_url().as_str())
        .env("ZOOM_OAUTH_BASE_URL", app.sim.oauth_base_url().as_str())
        .env("ZOOM_ACCOUNT_ID", &c.account_id)
        .env("ZOOM_CLIENT_ID", &c.client_id)
        .env("ZOOM_CLIENT_SECRET", &c.client_secret)
        .env("RUST_LOG", "info")
        // Tests run side by side: each daemon listens on a port of its own.
        .env("ZOOM_MIRROR_LISTEN", "127.0.0.1:0");
    command
}

/// `run` with the users job every second (its config file at `config`), listening on a free
/// port, once a scheduled pass has succeeded: the daemon, and where it listens.
pub(crate) async fn run_users_every_second(
    app: &TestApp,
    config: &std::path::Path,
) -> (Process, String) {
    std::fs::write(config, "[sync.users]\nschedule = \"*/1 * * * * *\"\n").unwrap();
    let listen = free_local_address();
    let child = Process::spawn(
        command(app, &["--config", config.to_str().unwrap(), "run"])
            .env("ZOOM_MIRROR_LISTEN", &listen)
            .stdout(Stdio::null())
            .stderr(Stdio::piped()),
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut conn = app.conn().await;
    while !sync_runs::latest_per_entity(&mut conn)
        .await
        .unwrap()
        .iter()
        .any(|r| r.status == "succeeded" && r.triggered_by == "schedule")
    {
        assert!(
            Instant::now() < deadline,
            "no scheduled pass succeeded within 30 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    (child, listen)
}

#[tokio::test(flavor = "multi_thread")]
async fn run_syncs_on_schedule_and_stops_cleanly_on_sigterm() {
    let app = TestApp::new(25).await;
    let config = std::env::temp_dir().join(format!("zm-run-{}.toml", std::process::id()));
    let (child, listen) = run_users_every_second(&app, &config).await;
    // Migrated and syncing: live and ready.
    let http = zoom_mirror::zoom::http_client(Duration::from_secs(5)).unwrap();
    for path in ["healthz", "readyz"] {
        let answer = http
            .get(format!("http://{listen}/{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), reqwest::StatusCode::OK, "/{path}");
    }

    let stderr = child.stop_within(Duration::from_secs(30)).await;
    std::fs::remove_file(&config).ok();
    assert!(
        stderr.contains("sync pass succeeded"),
        "one line per pass: {stderr}"
    );
    assert!(stderr.contains("SIGTERM"), "{stderr}");
    app.assert_every_user_mirrored().await;
    let runs = sync_runs::latest_per_entity(&mut app.conn().await)
        .await
        .unwrap();
    assert!(
        runs.iter().all(|r| r.status != "running"),
        "nothing left running: {runs:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_command_exits_zero_only_when_every_pass_succeeded() {
    let app = TestApp::new(15).await;
    let ok = command(&app, &["sync", "users"]).output().unwrap();
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("users: succeeded"));

    app.handle().inject(zoom_simulator::Fault::new(
        zoom_simulator::FaultKind::DailyLimit,
    ));
    let failed = command(&app, &["sync"]).output().unwrap();
    assert!(!failed.status.success());
    assert!(String::from_utf8_lossy(&failed.stderr).contains("daily limit"));
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_mirrors_a_simulated_account_into_database_url() {
    let db = crate::support::TestDb::new().await;
    let out = Command::new(example("demo"))
        .args(["--users", "30"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", db.url().expose_secret())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("users: succeeded") && stdout.contains("30 inserted"),
        "{stdout}"
    );
    assert_every_pass_succeeded(&stdout, &Entity::ALL);
    assert!(
        stdout.contains("A change made in Zoom reached the mirror by webhook"),
        "{stdout}"
    );

    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    use diesel_async::RunQueryDsl;
    let count: Count = diesel::sql_query("SELECT count(*) AS n FROM zoom.users")
        .get_result(&mut db.connect().await)
        .await
        .unwrap();
    assert_eq!(count.n, 30);
}

#[tokio::test(flavor = "multi_thread")]
async fn migrate_is_idempotent_and_status_reports_the_mirror() {
    let app = TestApp::new(12).await;
    let migrate = command(&app, &["migrate"]).output().unwrap();
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    assert!(
        String::from_utf8_lossy(&migrate.stdout).contains("up to date"),
        "the template is already migrated"
    );

    app.sync_users().await;
    let status = command(&app, &["status"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(
        stdout.contains("users") && stdout.contains("succeeded"),
        "{stdout}"
    );
    assert!(stdout.contains("active"), "{stdout}");
    assert!(
        stdout.contains("meeting invitations (zoom.meetings.invitation): 0 held"),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_command_mirrors_every_entity_of_the_account() {
    let app = TestApp::new(40).await;
    let out = command(&app, &["sync"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let handle = app.handle();
    let zoom = handle.account_summary();
    let today = chrono::Utc::now().date_naive();
    let backfill = zoom_mirror::zoom::DayRange {
        from: today - chrono::Duration::days(180),
        to: today,
    };
    let recordings: std::collections::BTreeSet<String> = backfill
        .windows()
        .into_iter()
        .flat_map(|w| handle.recordings_in(None, Some(w.from), Some(w.to)))
        .map(|r| r["uuid"].as_str().unwrap().to_owned())
        .collect();
    let registrants = |c: zoom_simulator::RegistrantCounts| c.approved + c.pending + c.denied;

    let mut conn = app.conn().await;
    let live: std::collections::BTreeMap<String, i64> =
        zoom_mirror::db::overview::table_counts(&mut conn)
            .await
            .unwrap()
            .into_iter()
            .map(|t| (t.name, t.live))
            .collect();
    let expected = [
        ("users", handle.all_listed_users().len()),
        ("meetings", zoom.meetings),
        ("webinars", zoom.webinars),
        ("meeting_registrants", registrants(zoom.meeting_registrants)),
        ("webinar_registrants", registrants(zoom.webinar_registrants)),
        ("recordings", recordings.len()),
    ];
    for (table, count) in expected {
        assert!(count > 0, "the account has {table}");
        assert_eq!(live[table], count as i64, "zoom.{table}");
    }
    // Participants, invitations, phone recordings and Team Chat are off by default: not
    // synced, and not one call made for them.
    let (off, on): (Vec<Entity>, Vec<Entity>) = Entity::ALL.into_iter().partition(|e| {
        matches!(
            e,
            Entity::MeetingParticipants
                | Entity::WebinarParticipants
                | Entity::MeetingInvitations
                | Entity::PhoneRecordings
                | Entity::Chat
        )
    });
    assert_every_pass_succeeded(&stdout, &on);
    for entity in off {
        assert!(!stdout.contains(&format!("{entity}:")), "{stdout}");
    }
    let stats = handle.stats();
    for endpoint in [
        Endpoint::ListPastMeetingInstances,
        Endpoint::ListPastMeetingParticipants,
        Endpoint::ListPastWebinarInstances,
        Endpoint::ListPastWebinarParticipants,
        Endpoint::GetMeetingInvitation,
        Endpoint::ListPhoneUserRecordings,
        Endpoint::ListUserChannels,
        Endpoint::ListChannelMembers,
        Endpoint::ListChatSessions,
        Endpoint::ListChatMessages,
    ] {
        assert_eq!(stats.calls(endpoint), 0, "{endpoint}");
    }
    assert_eq!(live["meeting_participants"], 0);
    assert_eq!(live["phone_recordings"], 0);
    assert_eq!(live["chat_messages"], 0);
}

/// The command printed a succeeded pass for each of `entities`.
fn assert_every_pass_succeeded(stdout: &str, entities: &[Entity]) {
    for entity in entities {
        assert!(stdout.contains(&format!("{entity}: succeeded")), "{stdout}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn queue_commands_cancel_and_retry_rows_and_status_shows_the_queue() {
    let app = TestApp::new(3).await;
    let id = app
        .enqueue(
            "user.status",
            Some("nobody"),
            serde_json::json!({"action": "activate"}),
        )
        .await;
    let id = id.to_string();
    let run = |args: &[&str]| {
        let out = command(&app, args).output().unwrap();
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };

    let (ok, out) = run(&["status"]);
    assert!(ok, "{out}");
    assert!(out.contains("write-back queue"), "{out}");
    assert!(
        out.lines().any(|l| l
            .trim_start()
            .starts_with("pending    1; oldest due row waits")),
        "{out}"
    );

    let (ok, out) = run(&["queue", "cancel", &id]);
    assert!(ok && out.contains("is cancelled"), "{out}");
    assert_eq!(app.queue_row(id.parse().unwrap()).await.status, "cancelled");
    let (ok, out) = run(&["queue", "cancel", &id]);
    assert!(!ok && out.contains("only a pending row"), "{out}");

    {
        use diesel_async::RunQueryDsl;
        diesel::sql_query("UPDATE zoom.write_queue SET in_doubt = true WHERE id = $1")
            .bind::<diesel::sql_types::BigInt, _>(id.parse::<i64>().unwrap())
            .execute(&mut app.conn().await)
            .await
            .unwrap();
    }
    let (ok, out) = run(&["queue", "retry", &id]);
    assert!(ok && out.contains("pending again"), "{out}");
    assert!(out.contains("was in doubt"), "{out}");
    let row = app.queue_row(id.parse().unwrap()).await;
    assert_eq!((row.status.as_str(), row.in_doubt), ("pending", false));
    let (ok, out) = run(&["queue", "retry", "999999"]);
    assert!(!ok && out.contains("no row 999999"), "{out}");
}

/// A `run` daemon with only the write-back worker and a 2-second lease, using 0.4 of the plan's
/// limits, so that two of them stay within the account's (as docs/operating.md advises for replicas).
fn write_back_daemon(app: &TestApp, config: &std::path::Path) -> Process {
    let disabled = sync_jobs_off_but(None);
    std::fs::write(
        config,
        format!(
            "[zoom]\nrate_limit_share = 0.4\n[write_back]\nlease_secs = 2\npoll_interval_secs = 1\n\
             retry_base_secs = 1\n{disabled}"
        ),
    )
    .unwrap();
    Process::spawn(
        command(app, &["--config", config.to_str().unwrap(), "run"])
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn a_daemon_killed_mid_create_leaves_no_row_stuck_and_no_duplicate() {
    use zoom_mirror::zoom::{Endpoint, SessionKind};
    use zoom_simulator::{Fault, FaultKind};
    let app = TestApp::new(3).await;
    let handle = app.handle();
    let host = app.active_user_id(0);
    let before = handle.hosted_count(SessionKind::Meeting, &host);
    // Zoom creates the meeting, but the answer never reaches the daemon before it dies.
    handle.inject(
        Fault::new(FaultKind::StallResponse(Duration::from_secs(60)))
            .on(Endpoint::CreateMeeting)
            .times(1),
    );
    let config = std::env::temp_dir().join(format!("zm-crash-{}.toml", std::process::id()));
    let mut first = write_back_daemon(&app, &config);
    let id = app
        .enqueue(
            "meeting.create",
            Some(&host),
            scheduled_meeting("Survives a crash"),
        )
        .await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while handle.hosted_count(SessionKind::Meeting, &host) == before {
        assert!(
            Instant::now() < deadline,
            "the create never reached the simulator"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    first.kill();
    let row = app.queue_row(id).await;
    assert_eq!(row.status, "running", "killed mid-call: {row:?}");

    let mut second = write_back_daemon(&app, &config);
    let row = app
        .wait_row(id, Duration::from_secs(30), |r| r.finished())
        .await;
    second.kill();
    std::fs::remove_file(&config).ok();
    assert_eq!(row.status, "succeeded", "{row:?}");
    assert_eq!(row.attempts, 2, "{row:?}");
    assert_eq!(
        row.kinds(),
        [ErrorKind::Interrupted, ErrorKind::Adopted],
        "{row:?}"
    );
    assert_eq!(
        handle.hosted_count(SessionKind::Meeting, &host),
        before + 1,
        "the new daemon found the meeting instead of creating a second one"
    );
    assert_eq!(handle.stats().calls(Endpoint::CreateMeeting), 1);
    assert_eq!(row.result()["topic"], "Survives a crash");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_daemons_on_one_database_carry_out_each_row_once() {
    use zoom_mirror::zoom::Endpoint;
    let app = TestApp::new(12).await;
    let handle = app.handle();
    let users = app.active_user_ids();
    let rows = 60;
    let mut ids = Vec::new();
    for n in 0..rows {
        let user = &users[n % users.len()];
        let payload = serde_json::json!({"dept": format!("dept-{n}")});
        ids.push(app.enqueue("user.update", Some(user), payload).await);
    }
    let configs: Vec<_> = ["a", "b"]
        .iter()
        .map(|n| std::env::temp_dir().join(format!("zm-replica-{n}-{}.toml", std::process::id())))
        .collect();
    let mut daemons: Vec<_> = configs.iter().map(|c| write_back_daemon(&app, c)).collect();
    let mut finished = Vec::new();
    for &id in &ids {
        finished.push(
            app.wait_row(id, Duration::from_secs(60), |r| r.finished())
                .await,
        );
    }
    for daemon in &mut daemons {
        daemon.kill();
    }
    for config in configs {
        std::fs::remove_file(config).ok();
    }
    assert!(
        finished.iter().all(|r| r.status == "succeeded"),
        "{finished:?}"
    );
    let attempts: i32 = finished.iter().map(|r| r.attempts).sum();
    assert_eq!(
        handle.stats().calls(Endpoint::UpdateUser),
        attempts as u64,
        "one PATCH per attempt: no row ran on both daemons"
    );
    assert_eq!(
        attempts, rows as i32,
        "within the limits, every row ran at its first attempt"
    );
}
