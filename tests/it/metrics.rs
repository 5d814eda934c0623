//! The Zoom client's requests in the metrics: every attempt by rate-limit label and status, and
//! every 429 by label, as the simulator saw them; and the real daemon serving them at `/metrics`.

use std::time::Duration;

use zoom_mirror::zoom::{Endpoint, Label};
use zoom_simulator::{Fault, FaultKind};

use crate::daemon::run_users_every_second;
use crate::support::TestApp;
use crate::support::app::users_only;

/// The value of the sample `series` (a name and its labels), 0 when the text has none.
fn sample(text: &str, series: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0)
}

fn api_calls(text: &str, label: &str, status: &str) -> u64 {
    sample(
        text,
        &format!("zoom_mirror_api_calls_total{{label=\"{label}\",status=\"{status}\"}}"),
    )
}

fn rate_limited(text: &str, label: &str) -> u64 {
    sample(
        text,
        &format!("zoom_mirror_rate_limited_total{{label=\"{label}\"}}"),
    )
}

/// Every `api_calls_total` sample of `label`, whatever the status.
fn api_calls_of_label(text: &str, label: &str) -> u64 {
    let prefix = format!("zoom_mirror_api_calls_total{{label=\"{label}\",");
    text.lines()
        .filter(|line| line.starts_with(&prefix))
        .filter_map(|line| line.rsplit_once(' ')?.1.parse::<u64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread")]
async fn metrics_count_each_zoom_request_by_label_and_status_as_the_simulator_saw_it() {
    let app = TestApp::with(users_only(30), |zoom| {
        zoom.request_timeout = Duration::from_secs(2)
    })
    .await;
    let handle = app.handle();
    // The first listing call is throttled; the next one gets no answer before the timeout.
    handle.inject(
        Fault::new(FaultKind::RateLimitBurst { retry_after: None })
            .on(Endpoint::ListUsers)
            .times(1),
    );
    handle.inject(
        Fault::new(FaultKind::StallResponse(Duration::from_secs(5)))
            .on(Endpoint::ListUsers)
            .times(1),
    );
    let report = app.sync_users().await;
    assert!(report.error.is_none(), "{:?}", report.error);

    let text = app.metrics.encode();
    let stats = handle.stats();
    let medium = &stats.per_label[&Label::Medium];
    assert_eq!(rate_limited(&text, "medium"), 1, "{text}");
    assert_eq!(api_calls(&text, "medium", "429"), 1, "{text}");
    assert_eq!(api_calls(&text, "medium", "error"), 1, "{text}");
    assert_eq!(medium.injected_429, 1);
    assert_eq!(
        api_calls(&text, "medium", "200"),
        medium.calls - 2,
        "every other call answered 200: {text}"
    );
    assert_eq!(api_calls_of_label(&text, "medium"), medium.calls, "{text}");
    assert_eq!(
        report.api_calls, medium.calls,
        "the pass's own count agrees"
    );
    assert!(stats.token_requests >= 1);
    assert_eq!(
        api_calls(&text, "oauth_token", "200"),
        stats.token_requests,
        "{text}"
    );
    for label in ["light", "heavy", "resource_intensive"] {
        assert_eq!(api_calls_of_label(&text, label), 0, "{label}: {text}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_daemon_serves_its_zoom_request_counts_at_metrics() {
    let app = TestApp::new(25).await;
    app.handle().inject(
        Fault::new(FaultKind::RateLimitBurst { retry_after: None })
            .on(Endpoint::ListUsers)
            .times(1),
    );
    let config = std::env::temp_dir().join(format!("zm-metrics-{}.toml", std::process::id()));
    let (child, listen) = run_users_every_second(&app, &config).await;
    let http = zoom_mirror::zoom::http_client(Duration::from_secs(5)).unwrap();
    let text = http
        .get(format!("http://{listen}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    child.sigterm();
    let exited = child.exit_within(Duration::from_secs(30)).await;
    std::fs::remove_file(&config).ok();
    assert!(
        exited.status.success(),
        "{}",
        String::from_utf8_lossy(&exited.stderr)
    );

    // A users pass lists three statuses, one page each, all under the Medium label.
    assert!(api_calls(&text, "medium", "200") >= 3, "{text}");
    assert_eq!(api_calls(&text, "medium", "429"), 1, "{text}");
    assert_eq!(rate_limited(&text, "medium"), 1, "{text}");
    assert!(api_calls(&text, "oauth_token", "200") >= 1, "{text}");
    assert!(
        api_calls_of_label(&text, "medium") <= app.handle().stats().per_label[&Label::Medium].calls,
        "the daemon counts no call the simulator did not receive: {text}"
    );
}
