//! Replicas share the account's rate limits: two `zoom-mirror run` and a `zoom-mirror sync` on
//! one account, each busy with passes of its own, stay under Zoom's limits together with no
//! 429, and together call at about the rate one process doing the same work alone does.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use zoom_mirror::db::sync_runs;
use zoom_mirror::sync::Entity;
use zoom_mirror::zoom::Label;

use crate::daemon::command;
use crate::support::app::sync_jobs_off_but;
use crate::support::{Process, TestApp};

/// `run` with only `entity`'s job, every second.
fn run_only(app: &TestApp, config: &std::path::Path, entity: Entity) -> Command {
    let others = sync_jobs_off_but(Some(entity));
    std::fs::write(
        config,
        format!("[sync.{entity}]\nschedule = \"*/1 * * * * *\"\n{others}"),
    )
    .unwrap();
    let mut run = command(app, &["--config", config.to_str().unwrap(), "run"]);
    run.stdout(Stdio::null()).stderr(Stdio::piped());
    run
}

/// Whether a pass of `entity` that started after `since` succeeded.
async fn succeeded_since(
    app: &TestApp,
    entity: Entity,
    since: chrono::DateTime<chrono::Utc>,
) -> bool {
    sync_runs::latest_per_entity(&mut app.conn().await)
        .await
        .unwrap()
        .iter()
        .any(|r| r.entity == entity.as_str() && r.status == "succeeded" && r.started_at >= since)
}

#[tokio::test(flavor = "multi_thread")]
async fn two_runs_and_a_sync_share_one_rate_limit() {
    // Meetings, webinars and recordings list per user, all under the medium label (20 a
    // second on Pro, 16 at the default share): a few hundred calls, rate-bound for seconds.
    let app = TestApp::new(50).await;
    app.sync_users().await;
    let work = ["meetings", "webinars", "recordings"];

    app.handle().reset_stats();
    let began = Instant::now();
    let alone = command(&app, &[&["sync"][..], &work[..]].concat())
        .output()
        .unwrap();
    let alone_took = began.elapsed();
    assert!(
        alone.status.success(),
        "{}",
        String::from_utf8_lossy(&alone.stderr)
    );
    let medium_calls = app.handle().stats().per_label[&Label::Medium].calls;
    assert!(
        alone_took >= Duration::from_secs(4),
        "the pass should be rate-bound for seconds: {medium_calls} medium calls in {alone_took:?}"
    );

    app.handle().reset_stats();
    let scratch = std::env::temp_dir().join(format!("zm-replicas-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let since = app.ctx.clock().now() - chrono::TimeDelta::milliseconds(500);
    let began = Instant::now();
    let mut runs = vec![
        (
            Entity::Meetings,
            Process::spawn(&mut run_only(
                &app,
                &scratch.join("meetings.toml"),
                Entity::Meetings,
            )),
        ),
        (
            Entity::Webinars,
            Process::spawn(&mut run_only(
                &app,
                &scratch.join("webinars.toml"),
                Entity::Webinars,
            )),
        ),
    ];
    let sync = Process::spawn(
        command(&app, &["sync", "recordings"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped()),
    );
    let synced = sync.exit_within(Duration::from_secs(60));
    // Each `run` is told to stop as soon as its first pass succeeded, all at once, so that a
    // second pass on the every-second schedule adds as little work as it can.
    let stopping = async {
        let mut stopping = Vec::new();
        while !runs.is_empty() {
            assert!(
                began.elapsed() < Duration::from_secs(60),
                "the runs' passes never succeeded"
            );
            let mut i = 0;
            while i < runs.len() {
                if succeeded_since(&app, runs[i].0, since).await {
                    let (_, run) = runs.remove(i);
                    run.sigterm();
                    stopping.push(run);
                } else {
                    i += 1;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let mut stopped = Vec::new();
        for run in stopping {
            stopped.push(run.stop_within(Duration::from_secs(30)).await);
        }
        stopped
    };
    let (synced, stopped) = tokio::join!(synced, stopping);
    let together_took = began.elapsed();
    std::fs::remove_dir_all(&scratch).ok();
    assert!(
        synced.status.success(),
        "{}",
        String::from_utf8_lossy(&synced.stderr)
    );
    for stderr in &stopped {
        assert!(!stderr.contains("rate budget"), "{stderr}");
    }

    let stats = app.handle().stats();
    for (label, seen) in &stats.per_label {
        assert_eq!(
            seen.over_limit + seen.injected_429,
            0,
            "429s under {label}: {seen:?}"
        );
    }
    let medium = &stats.per_label[&Label::Medium];
    assert!(
        medium.max_in_window <= 20,
        "over Pro's 20 a second: {medium:?}"
    );
    // The same passes, on a mirror they already filled: within a few calls of the same work.
    assert!(
        medium.calls * 10 >= medium_calls * 9,
        "the three did the work of the one: {} medium calls, alone {medium_calls}",
        medium.calls
    );
    eprintln!(
        "alone: {medium_calls} medium calls in {alone_took:?}; together: {} in {together_took:?}, \
         at most {} in a second",
        medium.calls, medium.max_in_window
    );
    // Alone, one process is paced at the account's budget; three share it, so together they
    // call at about the same rate, not three times it. Rates, not durations: a `run` that
    // began a second pass before its stop adds calls, and the time they took.
    let alone_rate = medium_calls as f64 / alone_took.as_secs_f64();
    let together_rate = medium.calls as f64 / together_took.as_secs_f64();
    assert!(
        together_rate <= 1.25 * alone_rate,
        "together {together_rate:.1} calls a second, alone {alone_rate:.1}: did they share \
         the account's budget?"
    );
    assert!(
        together_rate >= 0.6 * alone_rate,
        "together {together_rate:.1} calls a second, alone {alone_rate:.1}: sharing the \
         budget should not slow the account down"
    );
}
