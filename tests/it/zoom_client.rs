//! The client against the simulator's faults: what it retries, what it does not, and that it
//! never goes over a rate limit.

use std::time::{Duration, Instant};

use futures::future::join_all;

use zoom_mirror::clock::Clock;
use zoom_mirror::db::sync_runs::RunStatus;
use zoom_mirror::sync::PassReport;
use zoom_mirror::zoom::{Endpoint, Label, ZoomError};
use zoom_simulator::{Fault, FaultKind, SimulatorConfig};

use crate::support::TestApp;
use crate::support::app::account;

/// A users pass, which must succeed, through `times` per-second 429s with `retry_after`, and
/// how long it took.
async fn users_pass_through_429s(
    app: &TestApp,
    retry_after: Option<u64>,
    times: u32,
) -> (PassReport, Duration) {
    app.handle().inject(
        Fault::new(FaultKind::RateLimitBurst { retry_after })
            .on(Endpoint::ListUsers)
            .times(times),
    );
    let started = Instant::now();
    let report = app.sync_users().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    (report, started.elapsed())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_per_second_429_with_retry_after_waits_that_long_then_succeeds() {
    let app = TestApp::new(30).await;
    let (report, took) = users_pass_through_429s(&app, Some(2), 1).await;
    assert!(took >= Duration::from_secs(2), "Retry-After: 2 honoured");
    let stats = app.handle().stats();
    assert_eq!(stats.per_label[&Label::Medium].injected_429, 1);
    assert_eq!(report.api_calls, 4, "three listings and one retry");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_per_second_429_without_retry_after_backs_off_about_a_second() {
    let app = TestApp::new(30).await;
    let (_, took) = users_pass_through_429s(&app, None, 2).await;
    assert!(
        took >= Duration::from_secs(2),
        "about a second per 429: {took:?}"
    );
    assert_eq!(
        app.handle().stats().per_label[&Label::Medium].injected_429,
        2
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_daily_limit_fails_the_pass_at_once_naming_the_reset() {
    let app = TestApp::new(30).await;
    app.handle()
        .inject(Fault::new(FaultKind::DailyLimit).on(Endpoint::ListUsers));
    let report = app.sync_users().await;
    assert_eq!(report.status, RunStatus::Failed);
    let error = report.error.unwrap().to_string();
    assert!(
        error.contains("daily limit") && error.contains("resume"),
        "{error}"
    );
    assert_eq!(report.api_calls, 1, "a daily limit is never retried");
}

#[tokio::test(flavor = "multi_thread")]
async fn html_502s_are_retried_and_a_persistent_one_fails_cleanly() {
    let app = TestApp::new(30).await;
    app.handle().inject(
        Fault::new(FaultKind::Html5xx { status: 502 })
            .on(Endpoint::ListUsers)
            .times(2),
    );
    let report = app.sync_users().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.api_calls, 5);

    app.handle()
        .inject(Fault::new(FaultKind::Html5xx { status: 502 }).on(Endpoint::ListUsers));
    let report = app.sync_users().await;
    assert_eq!(report.status, RunStatus::Failed);
    let error = report.error.unwrap().to_string();
    assert!(
        error.contains("502") && error.contains("non-JSON") && error.contains("4 attempts"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_revoked_mid_listing_is_replaced_once_and_the_pass_completes() {
    let app = TestApp::new(30).await;
    app.handle().inject(
        Fault::new(FaultKind::RevokeTokens)
            .on(Endpoint::ListUsers)
            .after(1)
            .times(1),
    );
    let report = app.sync_users().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(
        app.handle().stats().token_requests,
        2,
        "one fresh token after the revocation"
    );
    app.assert_every_user_mirrored().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_calls_share_one_token_request() {
    let app = TestApp::new(20).await;
    let ids = app.active_user_ids();
    let users = join_all(ids[..10].iter().map(|id| app.client().get_user(id))).await;
    assert!(users.iter().all(|u| matches!(u, Ok(Some(_)))), "{users:?}");
    assert_eq!(app.handle().stats().token_requests, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_page_token_restarts_the_listing_instead_of_failing() {
    // Over 2,000 active users: the active listing takes two pages.
    let app = TestApp::new(2_600).await;
    app.handle().inject(
        Fault::new(FaultKind::ZoomError {
            status: 400,
            code: 300,
            message: "The next page token is invalid or expired.".into(),
        })
        .on(Endpoint::ListUsers)
        .after(1)
        .times(1),
    );
    let report = app.sync_users().await;
    assert!(report.error.is_none(), "{:?}", report.error);
    app.assert_every_user_mirrored().await;
    assert_eq!(report.counts.deleted, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn page_tokens_that_always_expire_fail_the_pass_without_deleting() {
    let app = TestApp::with(
        SimulatorConfig {
            page_token_ttl: Duration::ZERO,
            ..account(2_600)
        },
        |_| {},
    )
    .await;
    let report = app.sync_users().await;
    assert_eq!(report.status, RunStatus::Failed);
    assert!(
        matches!(
            report.error,
            Some(zoom_mirror::sync::SyncError::Zoom(
                ZoomError::ListingNeverCompleted { .. }
            ))
        ),
        "{:?}",
        report.error
    );
    assert_eq!(report.counts.deleted, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_scope_is_reported_as_such_and_not_retried() {
    let app = TestApp::with(
        SimulatorConfig {
            scopes: vec!["user:read:user:admin".into()],
            ..account(10)
        },
        |_| {},
    )
    .await;
    let report = app.sync_users().await;
    let error = report.error.unwrap().to_string();
    assert!(
        error.contains("lacks scope user:read:list_users:admin"),
        "{error}"
    );
    assert_eq!(report.api_calls, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_credentials_say_which_settings_to_check() {
    let app = TestApp::new(5).await;
    let mut zoom = crate::support::app::client_settings(&app.sim);
    zoom.max_attempts = 1;
    let mut credentials = crate::support::app::credentials(&app.sim);
    credentials.client_id = "not-the-client".into();
    let client =
        zoom_mirror::zoom::ZoomClient::new(&zoom, credentials, Clock::System, None, None).unwrap();
    let error = client
        .get_user("nobody@example.com")
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("ZOOM_CLIENT_ID") && error.contains("refused"),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_user_is_none_and_a_user_is_found_by_email() {
    let app = TestApp::new(10).await;
    assert!(
        app.client()
            .get_user("nobody@example.com")
            .await
            .unwrap()
            .is_none()
    );
    let listed = &app.handle().listed_users("active")[0];
    let user = app
        .client()
        .get_user(listed["email"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.id.as_deref(), listed["id"].as_str());
}

#[tokio::test(flavor = "multi_thread")]
async fn the_client_never_exceeds_a_limit_even_when_pushed() {
    let app = TestApp::new(10).await;
    let id = app.active_user_id(0);
    // 90 concurrent Light calls on Pro (30/s, paced at 24/s): the simulator answers 429 to any
    // call over its window, and counts the busiest window.
    let results = join_all((0..90).map(|_| app.client().get_user(&id))).await;
    assert!(results.iter().all(Result::is_ok));
    let light = app.handle().stats().per_label[&Label::Light].clone();
    assert_eq!(light.calls, 90);
    assert_eq!(light.over_limit, 0);
    assert!(
        light.max_in_window <= 30,
        "busiest second: {} (Pro's Light limit is 30)",
        light.max_in_window
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_simulator_does_enforce_the_limit_the_client_respects() {
    // Without the client's pacing the same burst goes over: the test above could fail.
    let app = TestApp::new(5).await;
    let http = zoom_mirror::zoom::http_client(Duration::from_secs(10)).unwrap();
    let token = app.client().get_user("nobody@example.com").await; // fetches a token
    assert!(token.is_ok());
    let c = crate::support::app::credentials(&app.sim);
    let token: serde_json::Value = http
        .post(format!(
            "{}/oauth/token",
            app.sim.oauth_base_url().as_str().trim_end_matches('/')
        ))
        .basic_auth(
            &c.client_id,
            Some(secrecy::ExposeSecret::expose_secret(&c.client_secret)),
        )
        .form(&[
            ("grant_type", "account_credentials"),
            ("account_id", c.account_id.as_str()),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bearer = token["access_token"].as_str().unwrap().to_owned();
    let url = crate::support::app::api_url(&app.sim, "users/nobody@example.com");
    let statuses =
        join_all((0..60).map(|_| http.get(url.clone()).bearer_auth(&bearer).send())).await;
    let throttled = statuses
        .iter()
        .filter(|r| r.as_ref().is_ok_and(|r| r.status() == 429))
        .count();
    assert!(throttled > 0);
    assert!(app.handle().stats().per_label[&Label::Light].over_limit > 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn meetings_whose_uuid_zoom_decodes_twice_are_found_by_uuid() {
    let app = TestApp::with(crate::meetings_sync::account(20), |_| {}).await;
    let handle = app.handle();
    let awkward: Vec<String> = crate::meetings_sync::host_ids(&app)
        .iter()
        .flat_map(|host| handle.listed_meetings(host, "scheduled"))
        .filter_map(|m| m["uuid"].as_str().map(str::to_owned))
        .filter(|u| u.starts_with('/') || u.contains("//"))
        .collect();
    assert!(awkward.len() >= 2, "{awkward:?}");
    for uuid in awkward {
        let meeting = app
            .client()
            .get_session(zoom_mirror::zoom::SessionKind::Meeting, &uuid)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{uuid} not found"));
        assert_eq!(meeting["uuid"], uuid.as_str());
    }
}
