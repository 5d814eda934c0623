//! A running pass's progress: its `zoom.sync_runs` row moves while it runs, `zoom-mirror status`
//! shows it, a log line reports it, and the row ends with the final figures.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel_async::RunQueryDsl;
use tracing_subscriber::fmt::MakeWriter;
use zoom_mirror::db::sync_runs::{self, SyncRun};
use zoom_mirror::sync::{Entity, ProgressIntervals};
use zoom_mirror::zoom::Label;

use crate::daemon::command;
use crate::support::TestApp;
use crate::support::app::account;

/// The Medium pace of the test's client: every listing call of the meetings pass is Medium,
/// so with one call a host the pass lasts (hosts ÷ this) seconds.
const MEDIUM_PER_SECOND: f64 = 8.0;

#[tokio::test(flavor = "multi_thread")]
async fn a_running_pass_records_logs_and_shows_its_progress() {
    let mut app = TestApp::with(account(30), |zoom| {
        zoom.rate_limit_overrides = vec![(Label::Medium, MEDIUM_PER_SECOND)];
    })
    .await;
    app.ctx.progress = ProgressIntervals {
        record: Duration::from_millis(100),
        log: Duration::from_millis(400),
    };
    app.sync_users().await;
    let hosts = (app.handle().all_listed_users().iter())
        .filter(|u| u["id"].is_string())
        .count() as i64;
    assert!(hosts >= 20, "enough hosts for a pass of seconds: {hosts}");

    let logs = Logs::default();
    let _capture = tracing::subscriber::set_default(
        tracing_subscriber::fmt()
            .with_writer(logs.clone())
            .with_ansi(false)
            .finish(),
    );
    let watch = async {
        let mut conn = app.conn().await;
        let mut seen = Vec::new();
        let mut status = None;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            assert!(Instant::now() < deadline, "the pass ran for a minute");
            let Some(run) = meetings_run(&mut conn).await else {
                // Not started yet.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            };
            if run.status != "running" {
                return (seen, status);
            }
            if let (Some(done), Some(total)) = (run.parents_done, run.parents_total) {
                assert_eq!(total, hosts, "parents_total counts the hosts walked");
                if seen.last() != Some(&done) {
                    seen.push(done);
                }
                if status.is_none() && done > 0 && done < total {
                    let out = tokio::process::Command::from(command(&app, &["status"]))
                        .output()
                        .await
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    status = Some((run, String::from_utf8_lossy(&out.stdout).into_owned()));
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let (report, (seen, status)) = tokio::join!(app.sync(Entity::Meetings), watch);
    assert_eq!(report.status.as_str(), "succeeded", "{:?}", report.error);

    assert!(
        seen.len() >= 3 && seen.windows(2).all(|w| w[0] < w[1]),
        "parents_done rose while the pass ran: {seen:?}"
    );
    let (running, stdout) = status.expect("status ran while the pass was running");
    let line = (stdout.lines())
        .skip_while(|l| !l.trim_start().starts_with("meetings"))
        .take(2)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(line.contains("running"), "{stdout}");
    let done_then = running.parents_done.unwrap();
    let shown =
        (done_then..=hosts).any(|done| line.contains(&format!("{done} of {hosts} parents done")));
    assert!(shown, "at least the row's figures then: {stdout}");
    assert!(line.contains("s left (an estimate"), "{stdout}");
    assert!(line.contains("s ago"), "{stdout}");
    assert!(!line.contains("possibly stalled"), "{stdout}");
    assert!(
        running.estimated_finish_at.is_some() && running.progress_at.is_some(),
        "{running:?}"
    );

    let finished = meetings_run(&mut app.conn().await).await.unwrap();
    assert_eq!(
        (finished.parents_done, finished.parents_total),
        (Some(hosts), Some(hosts)),
        "the final figures"
    );
    assert_eq!(finished.api_calls, report.api_calls as i64);
    assert_eq!(finished.counts(), report.counts);
    assert_eq!(finished.estimated_finish_at, None, "no estimate once ended");
    assert_eq!(finished.progress_at, finished.finished_at);

    let logs = logs.text();
    let line = (logs.lines())
        .find(|l| l.contains("sync pass progress"))
        .unwrap_or_else(|| panic!("a progress line: {logs}"));
    for field in [
        "entity=meetings",
        &format!("parents_total={hosts}"),
        "parents_done=",
        "api_calls=",
        "rows=",
        "elapsed_s=",
        "estimated_left_s=",
    ] {
        assert!(line.contains(field), "{field} in {line}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn status_flags_a_running_pass_that_stopped_recording_progress() {
    let mut app = TestApp::new(2).await;
    // The row of a process that died is the point.
    app.db.may_leave_running();
    diesel::sql_query(
        "INSERT INTO zoom.sync_runs \
             (entity, triggered_by, host, started_at, parents_done, parents_total, progress_at) \
         VALUES ('recordings', 'schedule', 'gone-host:1', now() - interval '10 minutes', \
                 3, 9, now() - interval '5 minutes')",
    )
    .execute(&mut app.conn().await)
    .await
    .unwrap();

    let out = command(&app, &["status"]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("3 of 9 parents done"), "{stdout}");
    assert!(stdout.contains("time left unknown"), "{stdout}");
    assert!(
        stdout.contains("possibly stalled: nothing recorded for 30"),
        "five minutes without progress: {stdout}"
    );
}

/// The meetings pass's row, once it started.
async fn meetings_run(conn: &mut diesel_async::AsyncPgConnection) -> Option<SyncRun> {
    let runs = sync_runs::latest_per_entity(conn).await.unwrap();
    runs.into_iter().find(|r| r.entity == "meetings")
}

/// What the pass logged, formatted as the daemon prints it.
#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Logs {
    type Writer = Logs;

    fn make_writer(&'a self) -> Logs {
        self.clone()
    }
}
