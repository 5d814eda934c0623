//! What a hostile Zoom (or a proxy posing as it) sends: waits of a century, numbers past what a
//! clock holds, token answers of the wrong shape with a live token inside, tokens revoked
//! twice, answers too big to read. None may stall, crash, leak a token or poison the daemon.

use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::net::UnixDatagram;

use zoom_mirror::db::sync_runs::{self, RunStatus};
use zoom_mirror::sync::{Entity, PassReport};
use zoom_mirror::zoom::retry::MAX_RETRY_AFTER;
use zoom_mirror::zoom::{Endpoint, Label};
use zoom_simulator::{Fault, FaultKind, TokenAnswer};

use crate::daemon::command;
use crate::support::app::{account, sync_jobs_off_but};
use crate::support::queue::scheduled_meeting;
use crate::support::{Process, TestApp};

/// A hundred years, in seconds: what one 429 asked for.
const CENTURY: u64 = 3_153_600_000;

fn burst(retry_after: u64) -> Fault {
    Fault::new(FaultKind::RateLimitBurst {
        retry_after: Some(retry_after),
    })
    .on(Endpoint::ListUsers)
    .times(1)
}

fn token_answer(answer: TokenAnswer) -> Fault {
    Fault::new(FaultKind::TokenAnswer(answer))
}

/// The label's hold after the 429, a minute at most (and not much less: it was just set).
fn assert_held_a_minute_at_most(app: &TestApp) {
    let held = app.client().limits().paused_for(Label::Medium);
    assert!(
        held.is_some_and(|h| h <= MAX_RETRY_AFTER && h > MAX_RETRY_AFTER - Duration::from_secs(15)),
        "{held:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_century_long_retry_after_holds_the_label_back_a_minute_at_most() {
    // The product's retry budget: a minute's wait is within it, so the pass waits it out.
    let app = TestApp::with(account(20), |zoom| {
        zoom.max_retry_time = Duration::from_secs(120)
    })
    .await;
    app.handle().inject(burst(CENTURY));
    let started = Instant::now();
    // Stopped once the client has paused the label for the 429.
    let report = app
        .sync_stopped_when(Entity::Users, || {
            app.client().limits().paused_for(Label::Medium).is_some()
        })
        .await;
    assert_eq!(report.status, RunStatus::Cancelled, "{:?}", report.error);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_held_a_minute_at_most(&app);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_retry_after_past_what_a_clock_holds_is_capped_without_a_panic() {
    let app = TestApp::new(20).await;
    app.handle().inject(burst(u64::MAX));
    let report = app.sync_users().await;
    // The capped minute is past this test client's 20-second retry budget: it gives up.
    assert_eq!(report.status, RunStatus::Failed);
    let error = report.error.unwrap().to_string();
    assert!(error.contains("429"), "{error}");
    assert_held_a_minute_at_most(&app);
    assert_no_pass_left_running(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_lifetime_past_what_a_clock_holds_is_clamped_to_a_day() {
    let app = TestApp::new(20).await;
    app.handle()
        .inject(token_answer(TokenAnswer::ExpiresInMax).times(1));
    let report = app.sync_users().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    // One token serves the whole pass: a day's lifetime, not an instant overflowing.
    assert_eq!(app.handle().stats().token_requests, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_survives_a_token_lifetime_of_u64_max_and_leaves_no_pass_running() {
    let app = TestApp::new(10).await;
    app.handle().inject(token_answer(TokenAnswer::ExpiresInMax));
    let out = command(&app, &["sync", "users"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(
        stderr.contains("expires_in"),
        "the clamp is logged: {stderr}"
    );
    assert_no_pass_left_running(&app).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_lifetime_sent_as_text_is_read() {
    let app = TestApp::new(20).await;
    app.handle()
        .inject(token_answer(TokenAnswer::ExpiresInText));
    let report = app.sync_users().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    app.assert_every_user_mirrored().await;
}

/// The pass failed, and neither its error nor `zoom.sync_runs.error` shows any token issued.
async fn assert_failed_without_a_token(app: &TestApp, report: &PassReport, what: &str) -> String {
    assert_eq!(report.status, RunStatus::Failed, "{what}");
    let error = report.error.as_ref().expect("a failed pass has an error");
    let recorded = sync_runs::get(&mut app.conn().await, report.run_id)
        .await
        .unwrap()
        .error
        .unwrap_or_default();
    let texts = format!("{error}\n{error:?}\n{recorded}");
    let issued = app.handle().issued_tokens();
    assert!(!issued.is_empty(), "{what}: the odd answers carried tokens");
    for token in issued {
        assert!(!texts.contains(&token), "{what} leaks {token}: {texts}");
    }
    recorded
}

#[tokio::test(flavor = "multi_thread")]
async fn no_failed_token_answer_shows_its_token() {
    let app = TestApp::new(5).await;
    let cases = [
        (TokenAnswer::ExpiresInGarbage, "expires_in is \"soon\""),
        (TokenAnswer::AccessTokenMisnamed, "no access_token"),
        (TokenAnswer::AccessTokenNotText, "access_token as an object"),
        (TokenAnswer::Truncated, "not JSON"),
        (
            TokenAnswer::ErrorWithToken { status: 400 },
            "refused the OAuth credentials (HTTP 400)",
        ),
        (
            TokenAnswer::ErrorWithToken { status: 503 },
            "token endpoint failed (HTTP 503)",
        ),
    ];
    for (answer, says) in cases {
        app.handle().inject(token_answer(answer));
        let report = app.sync_users().await;
        let recorded = assert_failed_without_a_token(&app, &report, &format!("{answer:?}")).await;
        assert!(recorded.contains(says), "{answer:?}: {recorded}");
        app.handle().clear_faults();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_logs_no_token_from_a_refusal_that_carries_one() {
    let app = TestApp::new(5).await;
    app.handle()
        .inject(token_answer(TokenAnswer::ErrorWithToken { status: 400 }));
    let out = command(&app, &["sync", "users"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("[redacted]"), "{stderr}");
    let issued = app.handle().issued_tokens();
    assert!(!issued.is_empty());
    for token in issued {
        assert!(!stderr.contains(&token), "the log shows {token}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_revoked_twice_in_a_row_backs_off_and_the_pass_completes() {
    let app = TestApp::new(30).await;
    // The second revocation meets the retry with the fresh token.
    app.handle().inject(
        Fault::new(FaultKind::RevokeTokens)
            .on(Endpoint::ListUsers)
            .after(1)
            .times(2),
    );
    let report = app.sync_users().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(app.handle().stats().token_requests, 3);
    app.assert_every_user_mirrored().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_answer_over_64_mib_fails_the_call_naming_it() {
    let app = TestApp::new(5).await;
    app.handle().inject(
        Fault::new(FaultKind::OversizedAnswer {
            bytes: (64 << 20) + 1,
        })
        .on(Endpoint::ListUsers)
        .times(1),
    );
    let report = app.sync_users().await;
    assert_eq!(report.status, RunStatus::Failed);
    let error = report.error.unwrap().to_string();
    assert!(
        error.contains("Zoom users") && error.contains("64 MiB"),
        "{error}"
    );
}

async fn assert_no_pass_left_running(app: &TestApp) {
    let runs = sync_runs::latest_per_entity(&mut app.conn().await)
        .await
        .unwrap();
    assert!(!runs.is_empty());
    assert!(
        runs.iter().all(|r| r.status != "running"),
        "nothing left running: {runs:?}"
    );
}

/// systemd's notification socket, as a test sees it: every message the daemon sends.
struct NotifySocket {
    path: std::path::PathBuf,
    socket: UnixDatagram,
}

impl NotifySocket {
    fn bind(name: &str) -> NotifySocket {
        let path = std::env::temp_dir().join(format!("zm-{name}-{}.sock", std::process::id()));
        std::fs::remove_file(&path).ok();
        let socket = UnixDatagram::bind(&path).unwrap();
        NotifySocket { path, socket }
    }

    /// The messages received within `within`.
    async fn received(&self, within: Duration) -> Vec<String> {
        let deadline = tokio::time::Instant::now() + within;
        let mut messages = Vec::new();
        let mut buffer = [0u8; 4096];
        while let Ok(Ok(n)) = tokio::time::timeout_at(deadline, self.socket.recv(&mut buffer)).await
        {
            messages.push(String::from_utf8_lossy(&buffer[..n]).into_owned());
        }
        messages
    }
}

impl Drop for NotifySocket {
    fn drop(&mut self) {
        std::fs::remove_file(&self.path).ok();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_ends_a_wait_on_a_century_long_retry_after_at_once() {
    let app = TestApp::new(5).await;
    let handle = app.handle();
    let host = app.active_user_id(0);
    handle.inject(burst(CENTURY));
    let others = sync_jobs_off_but(Some(Entity::Users));
    let config = std::env::temp_dir().join(format!("zm-century-{}.toml", std::process::id()));
    std::fs::write(
        &config,
        format!(
            "[sync.users]\nschedule = \"*/1 * * * * *\"\n{others}[service]\n\
             shutdown_timeout_secs = 20\n[write_back]\npoll_interval_secs = 1\n"
        ),
    )
    .unwrap();
    let notify = NotifySocket::bind("century");
    let child = Process::spawn(
        command(&app, &["--config", config.to_str().unwrap(), "run"])
            .env("NOTIFY_SOCKET", &notify.path)
            .env("WATCHDOG_USEC", "1000000")
            .stdout(Stdio::null())
            .stderr(Stdio::piped()),
    );

    let deadline = Instant::now() + Duration::from_secs(30);
    while handle.stats().per_label[&Label::Medium].injected_429 == 0 {
        assert!(Instant::now() < deadline, "no pass met the 429");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A create under the held label: claimed, then waiting on the limiter.
    let id = app
        .enqueue("meeting.create", Some(&host), scheduled_meeting("Waits"))
        .await;
    app.wait_row(id, Duration::from_secs(15), |r| r.status == "running")
        .await;
    // Waiting on a capped Retry-After is progress: the watchdog is still fed.
    let pings = notify
        .received(Duration::from_secs(2))
        .await
        .iter()
        .filter(|m| m.contains("WATCHDOG=1"))
        .count();
    assert!(pings >= 2, "{pings} watchdog pings in 2 s of waiting");

    let stopping = Instant::now();
    let stderr = child.stop_within(Duration::from_secs(30)).await;
    let took = stopping.elapsed();
    std::fs::remove_file(&config).ok();
    assert!(
        took < Duration::from_secs(8),
        "SIGTERM took {took:?}: {stderr}"
    );
    assert!(
        stderr.contains("Retry-After is longer than zoom-mirror ever waits"),
        "the cap is logged: {stderr}"
    );
    assert!(
        notify
            .received(Duration::ZERO)
            .await
            .iter()
            .any(|m| m.contains("STOPPING=1"))
    );
    assert_no_pass_left_running(&app).await;
    let row = app.queue_row(id).await;
    assert_eq!(
        (row.status.as_str(), row.attempts),
        ("pending", 0),
        "released, its attempt given back: {row:?}"
    );
    assert!(row.error().contains("shutting down"), "{row:?}");
    assert_eq!(handle.stats().calls(Endpoint::CreateMeeting), 0);
}
