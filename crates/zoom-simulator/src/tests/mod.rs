//! The simulator over real HTTP, as the client meets it. The write endpoints are in `writes`,
//! the check of every answer against Zoom's published schemas in `schemas`, the webhooks it
//! delivers in `webhooks`.

mod hostile;
mod schemas;
mod webhooks;
mod writes;

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use super::*;
use crate::model::user;
use crate::rules::tokens;
use zoom_api::endpoint::Endpoint;
use zoom_api::plan::Label;
use zoom_api::plan::Plan;

struct Fixture {
    sim: RunningSimulator,
    http: reqwest::Client,
}

impl Fixture {
    async fn start(config: SimulatorConfig) -> Fixture {
        let sim = Simulator::start(config).await.expect("simulator starts");
        // reqwest is built without a TLS provider of its own; plain http still asks for one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client builds");
        Fixture { sim, http }
    }

    async fn default() -> Fixture {
        Fixture::start(SimulatorConfig::default()).await
    }

    fn token_url(&self) -> url::Url {
        self.sim.oauth_base_url().join("oauth/token").unwrap()
    }

    fn api(&self, path: &str) -> String {
        format!("{}{path}", self.sim.api_base_url())
    }

    /// The token request a Zoom client sends, with the simulator's credentials.
    async fn token_response(&self) -> reqwest::Response {
        let creds = self.sim.credentials();
        self.http
            .post(self.token_url())
            .basic_auth(&creds.client_id, Some(&creds.client_secret))
            .form(&[
                ("grant_type", "account_credentials"),
                ("account_id", &creds.account_id),
            ])
            .send()
            .await
            .unwrap()
    }

    async fn token(&self) -> String {
        let response = self.token_response().await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(self.api(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

async fn zoom_error(response: reqwest::Response) -> (StatusCode, i64, String) {
    let status = response.status();
    assert!(header(&response, "x-zm-trackingid").is_some());
    let body: Value = response.json().await.unwrap();
    (
        status,
        body["code"].as_i64().unwrap(),
        body["message"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn the_token_endpoint_accepts_form_or_query_and_refuses_strangers() {
    let f = Fixture::default().await;
    let creds = f.sim.credentials().clone();

    let response = f.token_response().await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "x-zm-trackingid").is_some());
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], 3600);
    assert_eq!(body["scope"], tokens::all_scopes().join(" "));
    assert_eq!(
        body["api_url"],
        f.sim.oauth_base_url().as_str().trim_end_matches('/')
    );

    let in_query = f
        .http
        .post(f.token_url())
        .basic_auth(&creds.client_id, Some(&creds.client_secret))
        .query(&[
            ("grant_type", "account_credentials"),
            ("account_id", &creds.account_id),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(in_query.status(), StatusCode::OK);

    let wrong_secret = f
        .http
        .post(f.token_url())
        .basic_auth(&creds.client_id, Some("guess"))
        .form(&[
            ("grant_type", "account_credentials"),
            ("account_id", &creds.account_id),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_secret.status(), StatusCode::BAD_REQUEST);
    let body: Value = wrong_secret.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");

    assert_eq!(f.sim.handle().stats().token_requests, 3);
}

#[tokio::test]
async fn paging_through_each_status_yields_exactly_the_handles_listing() {
    let f = Fixture::start(SimulatorConfig {
        account: AccountSpec {
            users: 95,
            seed: 3,
            ..AccountSpec::default()
        },
        ..SimulatorConfig::default()
    })
    .await;
    let token = f.token().await;
    let handle = f.sim.handle();
    for status in ["active", "inactive", "pending"] {
        let mut seen = Vec::new();
        let mut query = format!("/users?status={status}&page_size=30");
        let mut pages = 0;
        loop {
            let response = f.get(&query, &token).await;
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(header(&response, "x-ratelimit-category"), Some("Medium"));
            assert!(header(&response, "x-zm-trackingid").is_some());
            let page: Value = response.json().await.unwrap();
            pages += 1;
            assert_eq!(page["page_number"], pages);
            assert_eq!(page["page_size"], 30);
            seen.extend(page["users"].as_array().unwrap().iter().cloned());
            let next = page["next_page_token"].as_str().unwrap();
            if next.is_empty() {
                assert_eq!(page["total_records"], seen.len());
                assert_eq!(page["page_count"], pages);
                break;
            }
            // Zoom wants the same query back with the token.
            query = format!("/users?status={status}&page_size=30&next_page_token={next}");
        }
        assert_eq!(seen, handle.listed_users(status), "{status}");
        if status == "pending" {
            assert!(seen.iter().all(|u| u.get("id").is_none()));
        }
    }
    assert_eq!(handle.all_listed_users().len(), 95);
    // 80 active users take three pages of 30; the inactive and the pending fit in one each.
    let stats = handle.stats();
    assert_eq!(handle.listed_users("active").len(), 80);
    assert_eq!(
        stats.listing_pages[&Endpoint::ListUsers],
        std::collections::BTreeMap::from([(1, 3), (2, 1), (3, 1)])
    );
    assert_eq!(
        stats.pages(Endpoint::ListUsers),
        stats.calls(Endpoint::ListUsers)
    );
}

#[tokio::test]
async fn page_numbers_are_still_honoured() {
    let f = Fixture::default().await;
    let token = f.token().await;
    let page: Value = f
        .get("/users?page_size=10&page_number=3", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["page_number"], 3);
    let expected: Vec<Value> = f.sim.handle().listed_users("active")[20..30].to_vec();
    assert_eq!(page["users"].as_array().unwrap(), &expected);
    let stats = f.sim.handle().stats();
    assert_eq!(stats.longest_listing(Endpoint::ListUsers), 3);
    assert_eq!(
        stats.listings(Endpoint::ListUsers),
        0,
        "no first page was asked for"
    );
}

#[tokio::test]
async fn bad_listing_queries_and_dead_page_tokens_get_code_300() {
    let f = Fixture::default().await;
    let token = f.token().await;
    let first: Value = f
        .get("/users?page_size=10", &token)
        .await
        .json()
        .await
        .unwrap();
    let next = first["next_page_token"].as_str().unwrap().to_owned();
    assert_eq!(next.len(), 35);

    // A token may be used again, as a retry would.
    for _ in 0..2 {
        let again = f
            .get(&format!("/users?next_page_token={next}"), &token)
            .await;
        assert_eq!(again.status(), StatusCode::OK);
    }
    f.sim.handle().expire_page_tokens();
    let expired = f
        .get(&format!("/users?next_page_token={next}"), &token)
        .await;
    assert_eq!(
        zoom_error(expired).await,
        (
            StatusCode::BAD_REQUEST,
            300,
            "The next page token is invalid or expired.".to_owned()
        )
    );
    for bad in [
        "/users?status=deleted",
        "/users?page_size=2001",
        "/users?page_size=%FF",
    ] {
        let (status, code, _) = zoom_error(f.get(bad, &token).await).await;
        assert_eq!((status, code), (StatusCode::BAD_REQUEST, 300), "{bad}");
    }
    let biggest = f.get("/users?page_size=2000", &token).await;
    assert_eq!(biggest.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_user_is_found_by_id_or_by_email_in_any_case() {
    let f = Fixture::default().await;
    let token = f.token().await;
    let listed = f.sim.handle().listed_users("active");
    let id = listed[1]["id"].as_str().unwrap();
    let email = listed[1]["email"].as_str().unwrap().to_uppercase();

    let by_id = f.get(&format!("/users/{id}"), &token).await;
    assert_eq!(by_id.status(), StatusCode::OK);
    assert_eq!(header(&by_id, "x-ratelimit-category"), Some("Light"));
    let detail: Value = by_id.json().await.unwrap();
    assert_eq!(detail["id"], id);
    assert_eq!(detail["account_id"], f.sim.credentials().account_id);
    assert!(detail.get("role_name").is_some());

    let by_email: Value = f
        .get(&format!("/users/{email}"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(by_email, detail);

    let pending = &f.sim.handle().listed_users("pending")[0];
    let pending_email = pending["email"].as_str().unwrap();
    let found = f.get(&format!("/users/{pending_email}"), &token).await;
    assert_eq!(found.status(), StatusCode::OK);

    let missing = f.get("/users/nobody%40example.com", &token).await;
    assert_eq!(
        zoom_error(missing).await,
        (
            StatusCode::NOT_FOUND,
            1001,
            "User does not exist: nobody@example.com.".to_owned()
        )
    );
}

#[tokio::test]
async fn tokens_are_refused_when_missing_unknown_revoked_or_expired() {
    let f = Fixture::start(SimulatorConfig {
        token_ttl: Duration::from_millis(300),
        ..SimulatorConfig::default()
    })
    .await;
    let invalid = (
        StatusCode::UNAUTHORIZED,
        124,
        "Invalid access token.".to_owned(),
    );

    let anonymous = f.http.get(f.api("/users")).send().await.unwrap();
    assert_eq!(zoom_error(anonymous).await, invalid);
    assert_eq!(zoom_error(f.get("/users", "made-up").await).await, invalid);

    let token = f.token().await;
    assert_eq!(f.get("/users", &token).await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        zoom_error(f.get("/users", &token).await).await,
        (
            StatusCode::UNAUTHORIZED,
            124,
            "Access token is expired.".to_owned()
        )
    );

    let token = f.token().await;
    f.sim.handle().revoke_tokens();
    assert_eq!(zoom_error(f.get("/users", &token).await).await, invalid);
}

#[tokio::test]
async fn a_missing_scope_is_a_400_naming_it() {
    let f = Fixture::start(SimulatorConfig {
        scopes: vec!["user:read:user:admin".to_owned()],
        ..SimulatorConfig::default()
    })
    .await;
    let token = f.token().await;
    assert_eq!(
        zoom_error(f.get("/users", &token).await).await,
        (
            StatusCode::BAD_REQUEST,
            4711,
            "Invalid access token, does not contain scopes:[user:read:list_users:admin]".to_owned()
        )
    );
}

#[tokio::test]
async fn calls_beyond_the_window_limit_get_a_qps_429() {
    // Free plan: Medium is 2 calls per second.
    let f = Fixture::start(SimulatorConfig {
        plan: Plan::Free,
        ..SimulatorConfig::default()
    })
    .await;
    let token = f.token().await;
    let burst = futures::future::join_all((0..5).map(|_| f.get("/users", &token))).await;
    let ok = burst
        .iter()
        .filter(|r| r.status() == StatusCode::OK)
        .count();
    assert_eq!(ok, 2);
    let refused = burst
        .into_iter()
        .find(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .unwrap();
    assert_eq!(header(&refused, "x-ratelimit-category"), Some("Medium"));
    assert_eq!(header(&refused, "x-ratelimit-type"), Some("QPS"));
    assert_eq!(header(&refused, "x-ratelimit-limit"), Some("2"));
    assert_eq!(header(&refused, "retry-after"), None);
    let (_, code, message) = zoom_error(refused).await;
    assert_eq!(code, 429);
    assert!(message.contains("per-second"));

    let stats = f.sim.handle().stats();
    let medium = &stats.per_label[&Label::Medium];
    assert_eq!(
        (medium.calls, medium.over_limit, medium.max_in_window),
        (5, 3, 5)
    );
    assert_eq!(medium.injected_429, 0);

    // Free plans also count Light calls per day, and say so on every success.
    let id = f.sim.handle().listed_users("active")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let light = f.get(&format!("/users/{id}"), &token).await;
    assert_eq!(header(&light, "x-ratelimit-limit"), Some("6000"));
    assert_eq!(header(&light, "x-ratelimit-remaining"), Some("5999"));

    // After a second the window has room again.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(f.get("/users", &token).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn qps_retry_after_can_be_switched_on() {
    let f = Fixture::start(SimulatorConfig {
        plan: Plan::Free,
        qps_retry_after: true,
        ..SimulatorConfig::default()
    })
    .await;
    let token = f.token().await;
    let burst = futures::future::join_all((0..3).map(|_| f.get("/users", &token))).await;
    let refused = burst
        .iter()
        .find(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .unwrap();
    assert_eq!(header(refused, "retry-after"), Some("1"));
}

#[tokio::test]
async fn injected_faults_fire_where_and_when_asked() {
    let f = Fixture::default().await;
    let token = f.token().await;
    let handle = f.sim.handle();

    handle.inject(
        Fault::new(FaultKind::Html5xx { status: 502 })
            .on(Endpoint::ListUsers)
            .after(1)
            .times(1),
    );
    assert_eq!(f.get("/users", &token).await.status(), StatusCode::OK);
    let bad_gateway = f.get("/users", &token).await;
    assert_eq!(bad_gateway.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(header(&bad_gateway, "content-type"), Some("text/html"));
    assert!(
        bad_gateway
            .text()
            .await
            .unwrap()
            .contains("502 Bad Gateway")
    );
    assert_eq!(f.get("/users", &token).await.status(), StatusCode::OK);

    handle.inject(
        Fault::new(FaultKind::RateLimitBurst {
            retry_after: Some(3),
        })
        .times(1),
    );
    let burst = f.get("/users", &token).await;
    assert_eq!(burst.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&burst, "retry-after"), Some("3"));
    assert_eq!(header(&burst, "x-ratelimit-type"), Some("QPS"));

    handle.inject(Fault::new(FaultKind::DailyLimit).times(1));
    let daily = f.get("/users", &token).await;
    assert_eq!(header(&daily, "x-ratelimit-type"), Some("Daily-limit"));
    let retry = header(&daily, "retry-after").unwrap();
    let at = chrono::DateTime::parse_from_rfc3339(retry).unwrap();
    assert_eq!(at.time(), chrono::NaiveTime::MIN);
    assert!(message_of(daily).await.contains("daily"));

    handle.inject(
        Fault::new(FaultKind::ZoomError {
            status: 500,
            code: 500,
            message: "Internal Error".to_owned(),
        })
        .times(1),
    );
    assert_eq!(
        zoom_error(f.get("/users", &token).await).await,
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            500,
            "Internal Error".to_owned()
        )
    );

    let medium = &handle.stats().per_label[&Label::Medium];
    assert_eq!((medium.injected_429, medium.over_limit), (2, 0));

    handle.inject(Fault::new(FaultKind::Latency(Duration::from_millis(200))).times(1));
    let started = Instant::now();
    assert_eq!(f.get("/users", &token).await.status(), StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(200));

    handle.inject(Fault::new(FaultKind::RevokeTokens).times(1));
    let revoked = f.get("/users", &token).await;
    assert_eq!(zoom_error(revoked).await.1, 124);
    // The revocation outlives the fault.
    assert_eq!(
        f.get("/users", &token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let fresh = f.token().await;
    assert_eq!(f.get("/users", &fresh).await.status(), StatusCode::OK);

    handle.inject(Fault::new(FaultKind::Html5xx { status: 503 }));
    handle.clear_faults();
    assert_eq!(f.get("/users", &fresh).await.status(), StatusCode::OK);
}

async fn message_of(response: reqwest::Response) -> String {
    zoom_error(response).await.2
}

#[tokio::test]
async fn unknown_endpoints_are_not_recognized() {
    let f = Fixture::default().await;
    let token = f.token().await;
    for path in ["/groups/123", "/users/a/b", "/meetings/123/livestream"] {
        assert_eq!(
            zoom_error(f.get(path, &token).await).await,
            (
                StatusCode::NOT_FOUND,
                2300,
                "This API endpoint is not recognized.".to_owned()
            ),
            "{path}"
        );
    }
    let put = f
        .http
        .put(f.api("/users"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(zoom_error(put).await.1, 2300);
}

#[tokio::test]
async fn changes_through_the_handle_show_on_the_wire() {
    let f = Fixture::default().await;
    let token = f.token().await;
    let handle = f.sim.handle();
    let total = |page: Value| page["total_records"].as_u64().unwrap();
    let before = total(f.get("/users", &token).await.json().await.unwrap());

    let email = handle.listed_users("active")[3]["email"]
        .as_str()
        .unwrap()
        .to_owned();
    let removed = handle.remove_user(&email).unwrap();
    assert_eq!(
        total(f.get("/users", &token).await.json().await.unwrap()),
        before - 1
    );
    assert_eq!(
        f.get(&format!("/users/{email}"), &token).await.status(),
        StatusCode::NOT_FOUND
    );

    handle.insert_user(removed.clone());
    assert_eq!(
        total(f.get("/users", &token).await.json().await.unwrap()),
        before
    );
    assert!(handle.update_user(&removed.id, |u| u.status = UserStatus::Inactive));
    assert!(!handle.update_user("nobody@example.com", |_| {}));
    let inactive = handle.listed_users("inactive");
    assert!(inactive.iter().any(|u| u["id"] == removed.id.as_str()));
}

#[tokio::test]
async fn the_same_seed_serves_the_same_listing() {
    let spec = AccountSpec {
        users: 40,
        seed: 9,
        ..AccountSpec::default()
    };
    let mut bodies = Vec::new();
    for _ in 0..2 {
        let f = Fixture::start(SimulatorConfig {
            account: spec,
            ..SimulatorConfig::default()
        })
        .await;
        let token = f.token().await;
        let page: Value = f
            .get("/users?page_size=100", &token)
            .await
            .json()
            .await
            .unwrap();
        bodies.push(serde_json::to_vec(&page["users"]).unwrap());
        f.sim.shutdown().await;
    }
    assert_eq!(bodies[0], bodies[1]);
}

#[tokio::test]
async fn after_shutdown_nothing_answers() {
    let f = Fixture::default().await;
    let url = f.api("/users");
    f.sim.shutdown().await;
    assert!(f.http.get(url).send().await.is_err());
}

/// A default account, with meeting dates pinned to today so listings are stable.
async fn entity_fixture() -> (Fixture, String) {
    let f = Fixture::default().await;
    let token = f.token().await;
    (f, token)
}

async fn json_of(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn meetings_page_by_token_and_match_the_handle() {
    let (f, token) = entity_fixture().await;
    let handle = f.sim.handle();
    let user = handle.listed_users("active")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for i in 0..5 {
        let mut m = handle
            .meeting(
                handle.listed_meetings(&user, "scheduled")[0]["uuid"]
                    .as_str()
                    .unwrap(),
            )
            .unwrap();
        m.id = 10_000_000_000 + i;
        m.uuid = format!("extra{i}AAAAAAAAAAAAAAAA==");
        m.instances.clear();
        m.deleted = false;
        handle.insert_meeting(m);
    }
    let expected = handle.listed_meetings(&user, "scheduled");
    assert!(expected.len() >= 5);
    let mut seen = Vec::new();
    let mut query = format!("/users/{user}/meetings?page_size=2");
    let mut pages = 0;
    loop {
        let response = f.get(&query, &token).await;
        assert_eq!(header(&response, "x-ratelimit-category"), Some("Medium"));
        let page = json_of(response).await;
        pages += 1;
        assert_eq!(page["page_number"], pages);
        assert_eq!(page["page_count"], expected.len().div_ceil(2));
        assert_eq!(page["total_records"], expected.len());
        seen.extend(page["meetings"].as_array().unwrap().iter().cloned());
        let next = page["next_page_token"].as_str().unwrap();
        if next.is_empty() {
            break;
        }
        query = format!("/users/{user}/meetings?page_size=2&next_page_token={next}");
    }
    assert_eq!(seen, expected);
    assert_eq!(
        zoom_error(f.get("/users/nobody%40example.com/meetings", &token).await)
            .await
            .1,
        1001
    );
}

#[tokio::test]
async fn slash_uuids_need_double_encoding_and_expiry_hides_meetings() {
    let (f, token) = entity_fixture().await;
    let handle = f.sim.handle();
    let users = handle.listed_users("active");
    let slashed = users
        .iter()
        .flat_map(|u| handle.listed_meetings(u["id"].as_str().unwrap(), "scheduled"))
        .find(|m| m["uuid"].as_str().unwrap().starts_with('/'))
        .expect("a UUID beginning with /");
    let uuid = slashed["uuid"].as_str().unwrap();
    let double = zoom_api::meeting_path_segment(uuid);
    let found = json_of(f.get(&format!("/meetings/{double}"), &token).await).await;
    assert_eq!(found["uuid"], uuid);
    assert!(found["settings"]["approval_type"].is_number());
    let single = zoom_api::path_segment(uuid);
    assert_eq!(
        zoom_error(f.get(&format!("/meetings/{single}"), &token).await).await,
        (
            StatusCode::NOT_FOUND,
            3001,
            format!("Meeting does not exist: {}.", &uuid[1..])
        )
    );

    let id = slashed["id"].as_u64().unwrap().to_string();
    assert!(handle.expire_meeting(&id));
    assert_eq!(
        zoom_error(f.get(&format!("/meetings/{id}"), &token).await).await,
        (
            StatusCode::NOT_FOUND,
            3001,
            format!("Meeting {id} is not found or has expired.")
        )
    );
    let host = slashed["host_id"].as_str().unwrap();
    assert!(
        handle
            .listed_meetings(host, "scheduled")
            .iter()
            .all(|m| m["id"] != slashed["id"])
    );
}

#[tokio::test]
async fn registrants_page_by_status_and_closed_registration_is_a_literal_300() {
    let (f, token) = entity_fixture().await;
    let handle = f.sim.handle();
    let meetings: Vec<SimMeeting> = handle
        .listed_users("active")
        .iter()
        .flat_map(|u| handle.listed_meetings(u["id"].as_str().unwrap(), "scheduled"))
        .filter_map(|m| handle.meeting(&m["id"].to_string()))
        .collect();
    let open = meetings.iter().find(|m| m.has_registration()).unwrap();
    let closed = meetings.iter().find(|m| !m.has_registration()).unwrap();
    for status in ["approved", "pending", "denied"] {
        let page = json_of(
            f.get(
                &format!(
                    "/meetings/{}/registrants?status={status}&page_size=300",
                    open.id
                ),
                &token,
            )
            .await,
        )
        .await;
        let listed = handle.listed_registrants(SessionKind::Meeting, &open.id.to_string(), status);
        assert_eq!(page["registrants"].as_array().unwrap(), &listed);
        assert_eq!(page["page_number"], 1);
        assert_eq!(page["page_count"], listed.len().div_ceil(300));
    }
    let refused = f
        .get(&format!("/meetings/{}/registrants", closed.id), &token)
        .await;
    assert_eq!(refused.status().as_u16(), 300);
    assert_eq!(
        zoom_error(refused).await.2,
        format!(
            "This meeting has not set registration as required: {}.",
            closed.id
        )
    );
}

#[tokio::test]
async fn webinars_need_a_plan_and_page_by_number() {
    let (f, token) = entity_fixture().await;
    let handle = f.sim.handle();
    let users = handle.listed_users("active");
    let id = |u: &Value| u["id"].as_str().unwrap().to_owned();
    let without = users
        .iter()
        .map(id)
        .find(|u| handle.listed_webinars(u).is_empty())
        .unwrap();
    assert!(handle.set_webinar_plan(&without, false));
    assert_eq!(
        zoom_error(f.get(&format!("/users/{without}/webinars"), &token).await).await,
        (
            StatusCode::BAD_REQUEST,
            200,
            format!(
                "Webinar plan subscription is missing. Enable webinar for this user once the subscription is added:{without}."
            )
        )
    );
    let with = users
        .iter()
        .map(id)
        .find(|u| !handle.listed_webinars(u).is_empty())
        .unwrap();
    let w = handle
        .webinar(handle.listed_webinars(&with)[0]["uuid"].as_str().unwrap())
        .unwrap();
    handle.insert_webinar(SimWebinar {
        id: 10_000_000_001,
        uuid: "second+webinar/uuid00000==".into(),
        ..w
    });
    let expected = handle.listed_webinars(&with);
    assert_eq!(expected.len(), 2);
    let second = json_of(
        f.get(
            &format!("/users/{with}/webinars?page_size=1&page_number=2&next_page_token=x"),
            &token,
        )
        .await,
    )
    .await;
    assert_eq!(
        (
            second["page_count"].as_u64(),
            second["page_number"].as_u64()
        ),
        (Some(2), Some(2))
    );
    assert_eq!(second["next_page_token"], "");
    assert_eq!(second["webinars"][0], expected[1]);
    let detail = json_of(f.get("/webinars/10000000001", &token).await).await;
    assert!(detail["settings"]["approval_type"].is_number());
}

#[tokio::test]
async fn past_meetings_outlive_their_meeting_but_not_a_year() {
    let (f, token) = entity_fixture().await;
    let handle = f.sim.handle();
    let host = handle.listed_users("active")[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut m = handle
        .meeting(
            handle.listed_meetings(&host, "scheduled")[0]["uuid"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
    let start = chrono::Utc::now() - chrono::TimeDelta::days(3);
    m.id = 10_000_000_002;
    m.uuid = "past//meeting0000000000==".into();
    m.session_type = 2;
    m.start_time = Some(start);
    m.instances = vec![SimInstance {
        uuid: m.uuid.clone(),
        start_time: start,
        end_time: Some(start + chrono::TimeDelta::minutes(30)),
        participants_count: 4,
        joins: Vec::new(),
    }];
    handle.insert_meeting(m.clone());
    handle.remove_meeting("10000000002").unwrap();
    assert_eq!(
        zoom_error(f.get("/meetings/10000000002", &token).await)
            .await
            .1,
        3001
    );
    let past = json_of(f.get("/past_meetings/10000000002", &token).await).await;
    assert_eq!(past["uuid"], m.uuid);
    assert_eq!(past["total_minutes"], 120);
    let by_uuid = zoom_api::meeting_path_segment(&m.uuid);
    assert_eq!(
        json_of(f.get(&format!("/past_meetings/{by_uuid}"), &token).await).await,
        past
    );
    handle.update_meeting("10000000002", |m| {
        for i in &mut m.instances {
            i.start_time -= chrono::TimeDelta::days(400);
            i.end_time = i.end_time.map(|t| t - chrono::TimeDelta::days(400));
        }
    });
    assert_eq!(
        zoom_error(f.get("/past_meetings/10000000002", &token).await).await,
        (
            StatusCode::BAD_REQUEST,
            12702,
            "Can not access a meeting a year ago.".to_owned()
        )
    );
    assert_eq!(
        zoom_error(f.get("/past_meetings/12345678901", &token).await)
            .await
            .2,
        "The meeting ID is invalid or the meeting has not ended."
    );
}

#[tokio::test]
async fn recordings_are_cut_to_a_month_and_go_with_their_user() {
    let f = Fixture::start(SimulatorConfig {
        account: AccountSpec {
            recordings_per_user: 3,
            ..AccountSpec::default()
        },
        ..SimulatorConfig::default()
    })
    .await;
    let token = f.token().await;
    let handle = f.sim.handle();
    let today = chrono::Utc::now().date_naive();
    let to = today;
    let from = today - chrono::TimeDelta::days(150);
    let cut_from = to.checked_sub_months(chrono::Months::new(1)).unwrap();
    let user = handle.listed_users("active")[0]["email"]
        .as_str()
        .unwrap()
        .to_owned();
    let listed = json_of(
        f.get(
            &format!(
                "/users/{user}/recordings?from={from}&to={to}&page_size=300&mc=false&trash=false"
            ),
            &token,
        )
        .await,
    )
    .await;
    assert_eq!(listed["from"], cut_from.to_string());
    assert_eq!(listed["to"], to.to_string());
    assert_eq!(
        listed["meetings"].as_array().unwrap(),
        &handle.recordings_in(Some(&user), Some(from), Some(to))
    );
    let account = json_of(
        f.get(
            &format!("/accounts/me/recordings?from={from}&to={to}&page_size=1"),
            &token,
        )
        .await,
    )
    .await;
    assert_eq!(
        account["total_records"].as_u64().unwrap() as usize,
        handle.recordings_in(None, Some(from), Some(to)).len()
    );
    assert_eq!(
        zoom_error(
            f.get(&format!("/users/{user}/recordings?from=2026-1-1"), &token)
                .await
        )
        .await
        .1,
        300
    );

    handle.remove_user(&user).unwrap();
    for listing in ["meetings", "recordings", "webinars"] {
        assert_eq!(
            zoom_error(f.get(&format!("/users/{user}/{listing}"), &token).await)
                .await
                .1,
            1001,
            "{listing}"
        );
    }
}
