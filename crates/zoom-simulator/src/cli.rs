//! The `zoom-simulator` command line: serve the simulator on a fixed address, for demos and
//! manual runs.

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use tokio::net::TcpListener;

use crate::config::{SimCredentials, SimulatorConfig, SimulatorError};
use crate::generate::spec::AccountSpec;
use crate::handle::SimHandle;
use crate::rules::faults::{Fault, FaultKind, TokenAnswer};
use crate::server::{Simulator, base_url};
use crate::webhooks::WebhookSubscription;
use zoom_api::plan::Plan;

#[derive(Debug, clap::Parser)]
#[command(
    name = "zoom-simulator",
    version,
    about = "Serve a fake Zoom API (OAuth, listings, writes, rate limits, faults) with a generated account"
)]
pub struct SimulateArgs {
    /// Address to listen on.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9090")]
    pub listen: SocketAddr,
    /// Users in the generated account.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub users: usize,
    /// Seed of the generated account: the same seed gives the same account.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Meetings each active user hosts.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub meetings_per_user: usize,
    /// Registrants of each meeting or webinar with registration on.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub registrants_per_meeting: usize,
    /// Webinars each user with a webinar plan hosts.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub webinars_per_user: usize,
    /// Percentage of active users with a webinar plan.
    #[arg(long, value_name = "PCT", default_value_t = 25, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub webinar_host_percent: u8,
    /// Cloud recordings each active user has.
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub recordings_per_user: usize,
    /// Pin the day (YYYY-MM-DD, UTC) meeting and recording dates hang off; default today.
    #[arg(long, value_name = "DATE")]
    pub today: Option<chrono::NaiveDate>,
    /// Answer GET /accounts/{accountId}/recordings as an account without the master-account
    /// plan does (400, code 200).
    #[arg(long)]
    pub no_account_recordings: bool,
    /// Plan whose rate limits are enforced: free, pro or business_plus.
    #[arg(long, value_name = "PLAN", default_value = "pro")]
    pub plan: Plan,
    /// Lifetime of access tokens, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    pub token_ttl_secs: u64,
    /// Lifetime of next_page_tokens, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 900)]
    pub page_token_ttl_secs: u64,
    /// Delay every API call by this many milliseconds.
    #[arg(long, value_name = "MS")]
    pub latency_ms: Option<u64>,
    /// Answer every Nth API call with an HTML 502 page, as a failing proxy would.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub fail_every: Option<u32>,
    /// Answer every Nth API call with a per-second 429, as when other apps spend the account's
    /// limits (1: a burst on every call).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub throttle_every: Option<u32>,
    /// End the --throttle-every burst after this many 429s.
    #[arg(long, value_name = "COUNT", requires = "throttle_every")]
    pub throttle_count: Option<u32>,
    /// The Retry-After of the --throttle-every 429s, in seconds: any number up to
    /// 18446744073709551615. Without it they carry none, as Zoom's own do.
    #[arg(long, value_name = "SECS", requires = "throttle_every")]
    pub retry_after: Option<u64>,
    /// After N API calls, answer every call with a daily-limit 429 (Retry-After: the next
    /// 00:00 UTC).
    #[arg(long, value_name = "N")]
    pub daily_limit_after: Option<u32>,
    /// Revoke every access token on every Nth API call, which then gets 401 (code 124).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub revoke_tokens_every: Option<u32>,
    /// Revoke every access token every SECS seconds.
    #[arg(long, value_name = "SECS", value_parser = clap::value_parser!(u64).range(1..))]
    pub revoke_tokens_every_secs: Option<u64>,
    /// Answer every token request oddly, each answer with a live token in it: expires-in-text
    /// ("3600"), expires-in-max (u64::MAX), expires-in-missing, expires-in-garbage ("soon"),
    /// access-token-misnamed, access-token-not-text, truncated (cut-off JSON), or
    /// error-with-token (a 400 whose body holds the token; error-with-token:503 for another
    /// status).
    #[arg(long, value_name = "KIND")]
    pub token_answer: Option<TokenAnswer>,
    /// Put U+0000 into the names and free text (first_name, last_name, topic, …) of every Nth
    /// API answer.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub nul_in_text_every: Option<u32>,
    /// Send signed webhooks for the changes made through the API (users, meetings, webinars,
    /// registrations) to
    /// this URL, e.g. http://127.0.0.1:8080/webhooks/zoom, retried as Zoom does.
    #[arg(long, value_name = "URL", requires = "webhook_secret")]
    pub webhook_url: Option<String>,
    /// The secret token that signs the webhooks (zoom-mirror's webhooks.secret_token).
    #[arg(long, value_name = "TOKEN", requires = "webhook_url")]
    pub webhook_secret: Option<String>,
}

impl SimulateArgs {
    fn config(&self) -> SimulatorConfig {
        SimulatorConfig {
            account: AccountSpec {
                users: self.users,
                seed: self.seed,
                meetings_per_user: self.meetings_per_user,
                registrants_per_meeting: self.registrants_per_meeting,
                webinars_per_user: self.webinars_per_user,
                webinar_host_percent: self.webinar_host_percent,
                recordings_per_user: self.recordings_per_user,
                today: self.today,
                ..AccountSpec::default()
            },
            account_recordings: !self.no_account_recordings,
            plan: self.plan,
            token_ttl: Duration::from_secs(self.token_ttl_secs),
            page_token_ttl: Duration::from_secs(self.page_token_ttl_secs),
            webhooks: self
                .webhook_url
                .clone()
                .zip(self.webhook_secret.clone())
                .map(|(url, secret)| WebhookSubscription::new(url, secret)),
            ..SimulatorConfig::default()
        }
    }

    /// The faults of the options, latency first, as it adds to whatever answers the call.
    fn faults(&self) -> Vec<Fault> {
        let latency = self
            .latency_ms
            .map(|ms| Fault::new(FaultKind::Latency(Duration::from_millis(ms))));
        let nul = self
            .nul_in_text_every
            .map(|n| Fault::new(FaultKind::NulInText).every(n));
        let revoke = self
            .revoke_tokens_every
            .map(|n| Fault::new(FaultKind::RevokeTokens).every(n));
        let daily = self
            .daily_limit_after
            .map(|n| Fault::new(FaultKind::DailyLimit).after(n));
        let throttle = self.throttle_every.map(|n| {
            let burst = Fault::new(FaultKind::RateLimitBurst {
                retry_after: self.retry_after,
            })
            .every(n);
            match self.throttle_count {
                Some(count) => burst.times(count),
                None => burst,
            }
        });
        let failures = self
            .fail_every
            .map(|n| Fault::new(FaultKind::Html5xx { status: 502 }).every(n));
        let token = self
            .token_answer
            .map(|answer| Fault::new(FaultKind::TokenAnswer(answer)));
        [latency, nul, revoke, daily, throttle, failures, token]
            .into_iter()
            .flatten()
            .collect()
    }
}

/// Revokes every token every `every`, until the process ends.
fn revoke_tokens_periodically(handle: SimHandle, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.tick().await;
        loop {
            tick.tick().await;
            handle.revoke_tokens();
            tracing::info!("revoked every access token");
        }
    });
}

/// Serves until Ctrl-C or SIGTERM.
pub async fn run(args: SimulateArgs) -> Result<(), SimulatorError> {
    let simulator = Simulator::new(args.config());
    let handle = simulator.handle();
    for fault in args.faults() {
        handle.inject(fault);
    }
    if let Some(secs) = args.revoke_tokens_every_secs {
        revoke_tokens_periodically(handle.clone(), Duration::from_secs(secs));
    }
    let bind_error = |error| SimulatorError::Bind {
        addr: args.listen.to_string(),
        error,
    };
    let listener = TcpListener::bind(args.listen).await.map_err(bind_error)?;
    let addr = listener.local_addr().map_err(bind_error)?;
    let shutdown = shutdown_signal()?;
    println!("{}", banner(addr, &args, simulator.credentials()));
    simulator.serve(listener, shutdown).await?;
    println!("Zoom simulator stopped.");
    Ok(())
}

/// What to tell the person who started it: where it is, and how to point zoom-mirror at it.
fn banner(addr: SocketAddr, args: &SimulateArgs, credentials: &SimCredentials) -> String {
    let addr = reachable(addr);
    let api = base_url(addr, "/v2");
    let oauth = base_url(addr, "");
    let oauth = oauth.as_str().trim_end_matches('/');
    format!(
        "Zoom simulator: {users} users (seed {seed}), {plan} plan limits, listening on {addr}\n\
         \n\
         The credentials are fake. Point zoom-mirror at the simulator with:\n\
         \n\
         export ZOOM_API_BASE_URL={api}\n\
         export ZOOM_OAUTH_BASE_URL={oauth}\n\
         export ZOOM_ACCOUNT_ID={account}\n\
         export ZOOM_CLIENT_ID={client}\n\
         export ZOOM_CLIENT_SECRET={secret}\n\
         export ZOOM_PLAN={plan}\n\
         \n\
         Stop with Ctrl-C.",
        users = args.users,
        seed = args.seed,
        plan = args.plan,
        account = credentials.account_id,
        client = credentials.client_id,
        secret = credentials.client_secret,
    )
}

/// A wildcard listen address is not one a client can dial; name loopback instead.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::from((Ipv4Addr::LOCALHOST, addr.port()))
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::from((Ipv6Addr::LOCALHOST, addr.port()))
        }
        _ => addr,
    }
}

/// Installed before serving, so a failure to install shows up at start, not at stop.
fn shutdown_signal() -> Result<impl Future<Output = ()> + Send + 'static, SimulatorError> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(SimulatorError::Signal)?;
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[test]
    fn defaults_match_the_documented_ones() {
        let args = SimulateArgs::parse_from(["zoom-simulator"]);
        assert_eq!(args.listen, "127.0.0.1:9090".parse().unwrap());
        let config = args.config();
        assert_eq!(config.account, AccountSpec::default());
        assert!(config.account_recordings);
        assert_eq!(config.plan, Plan::Pro);
        assert_eq!(config.token_ttl, Duration::from_secs(3600));
        assert_eq!(config.page_token_ttl, Duration::from_secs(900));
        assert!(args.faults().is_empty());
    }

    #[test]
    fn fault_options_become_faults_on_every_call() {
        let args = SimulateArgs::parse_from([
            "zoom-simulator",
            "--plan",
            "business_plus",
            "--latency-ms",
            "25",
            "--fail-every",
            "4",
        ]);
        assert_eq!(args.config().plan, Plan::BusinessPlus);
        assert_eq!(
            args.faults(),
            [
                Fault::new(FaultKind::Latency(Duration::from_millis(25))),
                Fault::new(FaultKind::Html5xx { status: 502 }).every(4),
            ]
        );
        assert!(SimulateArgs::try_parse_from(["zoom-simulator", "--fail-every", "0"]).is_err());
        assert!(SimulateArgs::try_parse_from(["zoom-simulator", "--retry-after", "5"]).is_err());
        assert!(SimulateArgs::try_parse_from(["zoom-simulator", "--token-answer", "odd"]).is_err());
        assert!(
            SimulateArgs::try_parse_from(["zoom-simulator", "--webinar-host-percent", "101"])
                .is_err()
        );
        assert!(SimulateArgs::try_parse_from(["zoom-simulator", "--plan", "enterprise"]).is_err());
    }

    #[test]
    fn hostile_options_become_their_faults() {
        let args = SimulateArgs::parse_from([
            "zoom-simulator",
            "--throttle-every",
            "3",
            "--throttle-count",
            "10",
            "--retry-after",
            "18446744073709551615",
            "--daily-limit-after",
            "100",
            "--revoke-tokens-every",
            "7",
            "--revoke-tokens-every-secs",
            "30",
            "--token-answer",
            "error-with-token:503",
            "--nul-in-text-every",
            "2",
        ]);
        assert_eq!(
            args.faults(),
            [
                Fault::new(FaultKind::NulInText).every(2),
                Fault::new(FaultKind::RevokeTokens).every(7),
                Fault::new(FaultKind::DailyLimit).after(100),
                Fault::new(FaultKind::RateLimitBurst {
                    retry_after: Some(u64::MAX)
                })
                .every(3)
                .times(10),
                Fault::new(FaultKind::TokenAnswer(TokenAnswer::ErrorWithToken {
                    status: 503
                })),
            ]
        );
        assert_eq!(args.revoke_tokens_every_secs, Some(30));
        let absent = SimulateArgs::parse_from(["zoom-simulator", "--throttle-every", "1"]);
        assert_eq!(
            absent.faults(),
            [Fault::new(FaultKind::RateLimitBurst { retry_after: None })]
        );
    }

    #[test]
    fn account_options_shape_the_generated_account() {
        let args = SimulateArgs::parse_from([
            "zoom-simulator",
            "--meetings-per-user",
            "5",
            "--registrants-per-meeting",
            "10",
            "--webinars-per-user",
            "2",
            "--webinar-host-percent",
            "50",
            "--recordings-per-user",
            "3",
            "--today",
            "2026-03-01",
            "--no-account-recordings",
        ]);
        let config = args.config();
        assert_eq!(config.account.meetings_per_user, 5);
        assert_eq!(config.account.registrants_per_meeting, 10);
        assert_eq!(config.account.webinars_per_user, 2);
        assert_eq!(config.account.webinar_host_percent, 50);
        assert_eq!(config.account.recordings_per_user, 3);
        assert_eq!(
            config.account.today,
            chrono::NaiveDate::from_ymd_opt(2026, 3, 1)
        );
        assert!(!config.account_recordings);
    }

    #[test]
    fn the_banner_names_a_dialable_address_and_every_variable() {
        let args = SimulateArgs::parse_from(["zoom-simulator", "--listen", "0.0.0.0:9191"]);
        let text = banner(args.listen, &args, &SimCredentials::default());
        assert!(text.contains("export ZOOM_API_BASE_URL=http://127.0.0.1:9191/v2\n"));
        assert!(text.contains("export ZOOM_OAUTH_BASE_URL=http://127.0.0.1:9191\n"));
        for var in ["ZOOM_ACCOUNT_ID=", "ZOOM_CLIENT_ID=", "ZOOM_CLIENT_SECRET="] {
            assert!(text.contains(var), "{var}");
        }
    }

    #[test]
    fn webhook_options_make_a_subscription_with_zoom_s_retries() {
        let args = SimulateArgs::parse_from([
            "zoom-simulator",
            "--webhook-url",
            "http://127.0.0.1:8080/webhooks/zoom",
            "--webhook-secret",
            "t0ken",
        ]);
        let subscription = args.config().webhooks.expect("a subscription");
        assert_eq!(subscription.url, "http://127.0.0.1:8080/webhooks/zoom");
        assert_eq!(subscription.secret_token, "t0ken");
        assert_eq!(subscription.retry_delays.len(), 3);
        assert!(
            SimulateArgs::try_parse_from(["zoom-simulator", "--webhook-url", "http://x"]).is_err()
        );
    }
}
