//! An OAuth 2.0 app a user authorizes (`zoom.auth = "oauth"`): `zoom-mirror auth login` through
//! the simulator's authorize page, the tokens encrypted in `zoom.oauth_tokens`, passes on them
//! through rotations of the refresh token, replicas sharing one refresh, and the ways an
//! authorization ends.

use std::io::Write;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use diesel::prelude::*;
use diesel_async::{RunQueryDsl, SimpleAsyncConnection};
use futures::future::join;
use serde_json::Value;

use zoom_mirror::db::schema::oauth_tokens;
use zoom_mirror::db::sync_runs::RunStatus;
use zoom_mirror::sync::SyncContext;
use zoom_simulator::SimulatorConfig;

use crate::daemon::{command, free_local_address};
use crate::support::TestApp;
use crate::support::app::{TOKEN_KEY, active_user, client_settings, oauth_settings, users_only};
use crate::support::roles::Roles;

/// The binary as an operator runs it with an OAuth app: no account ID, the token key set.
fn oauth_command(app: &TestApp, args: &[&str]) -> Command {
    let mut command = command(app, args);
    command
        .env_remove("ZOOM_ACCOUNT_ID")
        .env("ZOOM_AUTH", "oauth")
        .env("ZOOM_MIRROR_TOKEN_KEY", TOKEN_KEY);
    command
}

/// A client that shows a redirect rather than following it.
fn browser(follow: bool) -> reqwest::Client {
    zoom_mirror::zoom::http_client(Duration::from_secs(10)).unwrap();
    let policy = if follow {
        reqwest::redirect::Policy::limited(2)
    } else {
        reqwest::redirect::Policy::none()
    };
    reqwest::Client::builder().redirect(policy).build().unwrap()
}

/// `auth login` running, its stdout going to a file the test reads as it grows (a pipe the
/// test stopped reading would break the child's next line).
struct Login {
    child: Child,
    stdout: std::path::PathBuf,
}

impl Login {
    fn spawn(command: &mut Command) -> Login {
        let stdout = std::env::temp_dir().join(format!(
            "zoom-mirror-login-{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap()
        ));
        let file = std::fs::File::create(&stdout).unwrap();
        let child = command
            .stdout(Stdio::from(file))
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Login { child, stdout }
    }

    /// The authorize URL, once printed.
    async fn authorize_url(&self) -> String {
        for _ in 0..600 {
            let printed = std::fs::read_to_string(&self.stdout).unwrap();
            if let Some(line) = printed.lines().find(|l| l.contains("/oauth/authorize?")) {
                return line.trim().to_owned();
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("auth login printed no authorize URL within 30 s")
    }

    /// Its exit status, stdout and stderr.
    async fn finished(self) -> (Output, String) {
        let Login { child, stdout } = self;
        let output = tokio::time::timeout(
            Duration::from_secs(60),
            tokio::task::spawn_blocking(move || child.wait_with_output()),
        )
        .await
        .expect("auth login ended within a minute")
        .unwrap()
        .unwrap();
        let printed = std::fs::read_to_string(&stdout).unwrap();
        std::fs::remove_file(&stdout).unwrap();
        (output, printed)
    }
}

/// Zoom's redirect for `url`: where the simulator sends the browser after consenting.
async fn redirect_of(url: &str) -> String {
    let answer = browser(false).get(url).send().await.unwrap();
    assert_eq!(answer.status(), 302, "{:?}", answer.text().await);
    answer.headers()["location"].to_str().unwrap().to_owned()
}

/// `auth login --no-listen` with the redirect pasted, as edited by `paste`.
async fn login_pasting(app: &TestApp, paste: impl FnOnce(String) -> String) -> (Output, String) {
    let mut login =
        Login::spawn(oauth_command(app, &["auth", "login", "--no-listen"]).stdin(Stdio::piped()));
    let url = login.authorize_url().await;
    let pasted = paste(redirect_of(&url).await);
    let mut stdin = login.child.stdin.take().unwrap();
    writeln!(stdin, "{pasted}").unwrap();
    drop(stdin);
    login.finished().await
}

/// A stored authorization, through the binary.
async fn logged_in(app: &TestApp) {
    let (output, _) = login_pasting(app, |url| url).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The stored row's sealed tokens.
async fn sealed_tokens(app: &TestApp) -> (Vec<u8>, Vec<u8>) {
    oauth_tokens::table
        .select((oauth_tokens::access_token, oauth_tokens::refresh_token))
        .first(&mut app.conn().await)
        .await
        .expect("a stored authorization")
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn short_lived_tokens() -> SimulatorConfig {
    SimulatorConfig {
        token_ttl: Duration::from_secs(1),
        ..users_only(30)
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn login_takes_the_browser_s_redirect_and_passes_run_on_the_tokens_through_rotations() {
    let app = TestApp::oauth(short_lived_tokens()).await;
    let listen = free_local_address();
    let redirect_uri = format!("http://{listen}/oauth/callback");
    let login = Login::spawn(&mut oauth_command(
        &app,
        &["auth", "login", "--redirect-uri", &redirect_uri],
    ));
    let url = login.authorize_url().await;
    assert!(
        url.starts_with(&format!("{}oauth/authorize?", app.sim.oauth_base_url())),
        "{url}"
    );
    for part in [
        "response_type=code",
        "code_challenge_method=S256",
        "code_challenge=",
        "state=",
    ] {
        assert!(url.contains(part), "{part} in {url}");
    }
    // The browser: the simulator consents and redirects it to the CLI's listener.
    let page = browser(true).get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("is authorized"));
    let (output, stdout) = login.finished().await;
    let stderr = text(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let (owner_id, owner_email) = active_user(&app.handle(), 0);
    assert!(
        stdout.contains(&format!("authorized by {owner_email} ({owner_id})")),
        "{stdout}"
    );
    assert!(
        stdout.contains("scopes: ") && stdout.contains("user:read"),
        "{stdout}"
    );

    // Neither token is in the table in clear, nor in what the login printed.
    let (access, refresh) = sealed_tokens(&app).await;
    let current = app.handle().current_refresh_token().unwrap();
    assert!(!contains(&refresh, &current) && !contains(&access, &current));
    for token in app.handle().issued_tokens() {
        assert!(!contains(&access, &token) && !contains(&refresh, &token));
        assert!(!stdout.contains(&token) && !stderr.contains(&token));
    }
    assert!(!stdout.contains(&current) && !stderr.contains(&current));

    // Each token lives a second: every pass after a pause finds it expired and rotates.
    let before = app.handle().refreshes();
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let report = app.sync_users().await;
        assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
    }
    app.assert_every_user_mirrored().await;
    assert!(
        app.handle().refreshes() >= before + 3,
        "a rotation per pass: {} then {}",
        before,
        app.handle().refreshes()
    );
    let (_, rotated) = sealed_tokens(&app).await;
    assert_ne!(rotated, refresh, "the latest refresh token is stored");
}

#[tokio::test(flavor = "multi_thread")]
async fn login_without_a_listener_takes_the_pasted_url_and_refuses_another_state() {
    let app = TestApp::oauth(users_only(3)).await;
    let (output, _) = login_pasting(&app, |url| url.replace("state=", "state=forged")).await;
    assert!(!output.status.success());
    let stderr = text(&output.stderr);
    assert!(stderr.contains("state does not match"), "{stderr}");
    assert!(
        zoom_mirror::db::oauth_tokens::read(&mut app.conn().await)
            .await
            .unwrap()
            .is_none()
    );

    // A redirect with the wrong state at the listener: refused too.
    let listen = free_local_address();
    let redirect_uri = format!("http://{listen}/oauth/callback");
    let login = Login::spawn(&mut oauth_command(
        &app,
        &["auth", "login", "--redirect-uri", &redirect_uri],
    ));
    login.authorize_url().await;
    let page = browser(false)
        .get(format!("{redirect_uri}?code=abc&state=forged"))
        .send()
        .await
        .unwrap();
    assert!(page.text().await.unwrap().contains("not authorized"));
    let (output, _) = login.finished().await;
    assert!(!output.status.success());
    assert!(text(&output.stderr).contains("state does not match"));

    let (output, stdout) = login_pasting(&app, |url| url).await;
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(stdout.contains("authorized by"), "{stdout}");
    let report = app.sync_users().await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_simulator_honours_a_code_once_and_only_the_latest_refresh_token() {
    let app = TestApp::new(1).await;
    let base = app.sim.oauth_base_url();
    let c = app.sim.credentials();
    let redirect_uri = "http://127.0.0.1:9/cb";
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let authorize = format!(
        "{base}oauth/authorize?response_type=code&client_id={}&redirect_uri={redirect_uri}\
         &state=s&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
         &code_challenge_method=S256",
        c.client_id
    );
    let location = url::Url::parse(&redirect_of(&authorize).await).unwrap();
    let code = location
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    let http = browser(false);
    let token = |form: Vec<(&'static str, String)>| {
        let http = http.clone();
        let url = format!("{base}oauth/token");
        let (id, secret) = (c.client_id.clone(), c.client_secret.clone());
        async move {
            let answer = http
                .post(url)
                .basic_auth(id, Some(secret))
                .form(&form)
                .send()
                .await
                .unwrap();
            (
                answer.status().as_u16(),
                answer.json::<Value>().await.unwrap(),
            )
        }
    };
    let exchange = |verifier: &str| {
        vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.clone()),
            ("redirect_uri", redirect_uri.to_owned()),
            ("code_verifier", verifier.to_owned()),
        ]
    };
    let (status, granted) = token(exchange(verifier)).await;
    assert_eq!(status, 200, "{granted}");
    for field in [
        "access_token",
        "refresh_token",
        "expires_in",
        "scope",
        "api_url",
    ] {
        assert!(granted.get(field).is_some(), "{field} in {granted}");
    }
    assert_eq!(granted["token_type"], "bearer");
    let (status, again) = token(exchange(verifier)).await;
    assert_eq!(
        (status, again["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    let refresh = |token: &Value| {
        vec![
            ("grant_type", "refresh_token".to_owned()),
            ("refresh_token", token.as_str().unwrap().to_owned()),
        ]
    };
    let (status, rotated) = token(refresh(&granted["refresh_token"])).await;
    assert_eq!(status, 200, "{rotated}");
    assert_ne!(rotated["refresh_token"], granted["refresh_token"]);
    let (status, refused) = token(refresh(&granted["refresh_token"])).await;
    assert_eq!(status, 400);
    assert_eq!(refused["reason"], "Invalid Token!");
    assert_eq!(refused["error"], "invalid_grant");
    let (status, _) = token(refresh(&rotated["refresh_token"])).await;
    assert_eq!(status, 200, "the latest still works");

    // The access token works on the API as the owner.
    let me: Value = http
        .get(format!("{}/users/me", app.sim.api_base_url()))
        .bearer_auth(rotated["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"].as_str(), Some(app.active_user_id(0).as_str()));
}

#[tokio::test(flavor = "multi_thread")]
async fn replicas_needing_a_token_at_once_share_one_refresh_and_neither_is_invalidated() {
    let app = TestApp::oauth(users_only(3)).await;
    logged_in(&app).await;
    let replica = || {
        SyncContext::new(
            &app.db.target(),
            2,
            &client_settings(&app.sim),
            zoom_mirror::config::ZoomAuth::OAuth(oauth_settings(&app.sim)),
            app.ctx.settings,
            zoom_mirror::clock::Clock::System,
            None,
        )
        .unwrap()
    };
    let (a, b) = (replica(), replica());
    let me = app.active_user_id(0);
    for round in 0..3 {
        // Both find the stored token expired (as by the clock) or refused (as by Zoom), and
        // ask for one at the same moment.
        if round % 2 == 0 {
            app.conn()
                .await
                .batch_execute(
                    "UPDATE zoom.oauth_tokens SET access_expires_at = now() - interval '1 second'",
                )
                .await
                .unwrap();
        } else {
            app.handle().revoke_tokens();
        }
        let before = app.handle().refreshes();
        let (got_a, got_b) = join(a.client.get_user(&me), b.client.get_user(&me)).await;
        assert!(
            got_a.unwrap().is_some() && got_b.unwrap().is_some(),
            "round {round}"
        );
        assert!(
            app.handle().refreshes() - before <= 1,
            "round {round}: one replica refreshed, the other took its token"
        );
    }
    // Neither lost the authorization: a third process's pass still refreshes and runs.
    app.handle().revoke_tokens();
    let report = app.sync_users().await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);
}

#[tokio::test(flavor = "multi_thread")]
async fn status_shows_the_authorization_and_logout_revokes_it() {
    let app = TestApp::oauth(users_only(3)).await;
    let status = oauth_command(&app, &["auth", "status"]).output().unwrap();
    assert!(!status.status.success());
    assert!(text(&status.stderr).contains("run `zoom-mirror auth login`"));

    logged_in(&app).await;
    let status = oauth_command(&app, &["auth", "status"]).output().unwrap();
    let stdout = text(&status.stdout);
    assert!(status.status.success(), "{}", text(&status.stderr));
    let (_, owner_email) = active_user(&app.handle(), 0);
    for part in [
        format!("authorized by: {owner_email}"),
        "scopes: ".to_owned(),
        "access token expires: ".to_owned(),
    ] {
        assert!(stdout.contains(&part), "{part} in {stdout}");
    }

    // Another key cannot open the tokens, and says so.
    let other = oauth_command(&app, &["auth", "status"])
        .env(
            "ZOOM_MIRROR_TOKEN_KEY",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        )
        .output()
        .unwrap();
    assert!(!other.status.success());
    assert!(
        text(&other.stderr).contains("another ZOOM_MIRROR_TOKEN_KEY"),
        "{}",
        text(&other.stderr)
    );

    // Only the daemon's role reads the table.
    let roles = Roles::install(&app).await;
    let mut conn = app.conn().await;
    for role in [&roles.reader, &roles.writer] {
        let refused = conn
            .batch_execute(&format!(
                "SET ROLE {role}; SELECT refresh_token FROM zoom.oauth_tokens"
            ))
            .await
            .unwrap_err();
        assert!(
            refused.to_string().contains("permission denied"),
            "{refused}"
        );
        conn.batch_execute("RESET ROLE").await.unwrap();
    }
    drop(conn);
    roles.drop(&app).await;

    let logout = oauth_command(&app, &["auth", "logout"]).output().unwrap();
    assert!(logout.status.success(), "{}", text(&logout.stderr));
    assert!(text(&logout.stdout).contains(&format!("revoked the authorization of {owner_email}")));
    assert!(
        app.handle().current_refresh_token().is_none(),
        "revoked at Zoom"
    );
    assert!(
        zoom_mirror::db::oauth_tokens::read(&mut app.conn().await)
            .await
            .unwrap()
            .is_none()
    );
    let report = app.sync_users().await;
    assert_eq!(report.status, RunStatus::Failed);
    let error = report.error.unwrap().to_string();
    assert!(error.contains("run `zoom-mirror auth login`"), "{error}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_authorization_fails_the_pass_asking_for_a_new_login() {
    let app = TestApp::oauth(users_only(3)).await;
    logged_in(&app).await;
    let report = app.sync_users().await;
    assert_eq!(report.status, RunStatus::Succeeded, "{:?}", report.error);

    app.handle().revoke_user_authorization();
    let report = app.sync_users().await;
    assert_eq!(report.status, RunStatus::Failed);
    let error = report.error.unwrap().to_string();
    assert!(
        error.contains("Invalid Token!") && error.contains("run `zoom-mirror auth login` again"),
        "{error}"
    );

    // The `sync` command says the same and exits non-zero.
    let sync = oauth_command(&app, &["sync", "users"]).output().unwrap();
    assert!(!sync.status.success());
    assert!(
        text(&sync.stderr).contains("auth login` again"),
        "{}",
        text(&sync.stderr)
    );
}
