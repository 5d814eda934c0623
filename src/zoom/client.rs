//! One call to Zoom: pace it, authenticate it, send it, classify the answer, retry what is worth
//! retrying. Every endpoint goes through [`ZoomClient::call`]. Nothing Zoom sends is trusted to
//! be small: waits are capped, bodies are read up to [`MAX_BODY_BYTES`].

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Once};
use std::time::Duration;

use reqwest::Method;
use secrecy::ExposeSecret;
use serde_json::Value;

use super::auth::{Authorization, TokenSource};
use super::body::{BodyError, read_body};
use super::budget::{Budget, SharedBudget};
use super::calls::{CallLabel, CallObserver, Observer};
use super::classify::{ErrorBody, Verdict, classify};
use super::error::{ZoomError, snippet};
use super::json::replace_nul;
use super::limiter::RateLimits;
use super::oauth::OAuthEndpoints;
use super::progress::Progress;
use super::retry::{AttemptError, RetryPolicy, bounded_retry_after, retry};
use crate::backoff::{Backoff, Jitter};
use crate::clock::Clock;
use url::Url;
use zoom_api::endpoint::Endpoint;
use zoom_api::plan::{Label, Plan};

/// The most of one answer the client reads: far above any page Zoom sends, far below what
/// would strain the daemon's memory.
pub const MAX_BODY_BYTES: usize = 64 << 20;

/// A cheap-to-clone handle on one shared set of connections, token and rate limiters.
#[derive(Clone)]
pub struct ZoomClient {
    shared: Arc<Shared>,
    /// Calls sent through this handle, by rate-limit label (see [`slot`]).
    calls: Arc<[AtomicU64; Label::ALL.len()]>,
    /// Strings in answers whose U+0000 was replaced (see [`replace_nul`]).
    repaired: Arc<AtomicU64>,
}

struct Shared {
    http: reqwest::Client,
    api_base: String,
    auth: TokenSource,
    limits: RateLimits,
    /// The account's budget shared with the other processes, when there are any to share with.
    budget: Option<Budget>,
    retry: RetryPolicy,
    progress: Arc<Progress>,
    observer: Observer,
    /// Dates Zoom's daily limits; the sync and the write-back read the time here too.
    clock: Clock,
}

/// How the client talks to Zoom: where, how fast, and how patiently.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    pub api_base_url: Url,
    pub oauth_base_url: Url,
    pub plan: Plan,
    /// Fraction of the plan's limits this client may use, in (0, 1].
    pub rate_limit_share: f64,
    /// Per-label rates in requests per second, replacing plan × share for that label.
    pub rate_limit_overrides: Vec<(Label, f64)>,
    pub request_timeout: Duration,
    /// Attempts per call for retryable failures, the first included.
    pub max_attempts: u32,
    /// Upper bound on the time one call may spend waiting between retries.
    pub max_retry_time: Duration,
}

/// One request, before pacing and authentication.
#[derive(Clone)]
pub struct Call<'a> {
    pub method: Method,
    pub endpoint: Endpoint,
    /// Relative to the API base, segments already percent-encoded (see [`path_segment`]).
    pub path: &'a str,
    pub query: &'a [(&'a str, &'a str)],
    pub body: Option<&'a Value>,
}

/// The rate limiter's leave to send one call: only [`ZoomClient::acquire`] makes one, and
/// sending spends it, so no call reaches Zoom without its turn.
///
/// ```no_run
/// # use zoom_mirror::zoom::{Call, ZoomClient, ZoomError};
/// # async fn paced(client: &ZoomClient, call: Call<'_>) -> Result<(), ZoomError> {
/// let permit = client.acquire(call).await?;
/// let _answer = client.send_once(permit).await;
/// # Ok(())
/// # }
/// ```
///
/// A call that has not waited for its turn does not compile:
///
/// ```compile_fail,E0308
/// # use zoom_mirror::zoom::{Call, ZoomClient, ZoomError};
/// # async fn unpaced(client: &ZoomClient, call: Call<'_>) -> Result<(), ZoomError> {
/// let _answer = client.send_once(call).await;
/// # Ok(())
/// # }
/// ```
///
/// ```compile_fail,E0451
/// # use zoom_mirror::zoom::{Call, Permit, ZoomClient, ZoomError};
/// # async fn forged(client: &ZoomClient, call: Call<'_>) -> Result<(), ZoomError> {
/// let _answer = client.send_once(Permit { call }).await;
/// # Ok(())
/// # }
/// ```
#[must_use = "a permit is spent by sending its call"]
pub struct Permit<'a> {
    call: Call<'a>,
}

impl ZoomClient {
    /// `observer` hears of every request sent (see [`CallObserver`]); the daemon's metrics.
    /// `authorization` is a Server-to-Server app's [`ZoomCredentials`](super::ZoomCredentials)
    /// or a user-authorized app and its token store.
    /// `budget` is the account's rate budget shared with every other process calling Zoom for
    /// the account (see [`SharedBudget`]); without it the client paces itself alone.
    pub fn new(
        config: &ClientSettings,
        authorization: impl Into<Authorization>,
        clock: Clock,
        observer: Option<Arc<dyn CallObserver>>,
        budget: Option<Arc<dyn SharedBudget>>,
    ) -> Result<Self, ZoomError> {
        let http = http_client(config.request_timeout)?;
        let retry = RetryPolicy::new(config.max_attempts, config.max_retry_time);
        let progress = Arc::new(Progress::new(config.request_timeout));
        let observer = Observer::new(observer);
        let auth = TokenSource::new(
            |app| {
                OAuthEndpoints::new(
                    http.clone(),
                    &config.oauth_base_url,
                    app,
                    retry.clone(),
                    progress.clone(),
                    observer.clone(),
                )
            },
            authorization.into(),
            clock.clone(),
        )?;
        let limits = RateLimits::new(
            config.plan,
            config.rate_limit_share,
            &config.rate_limit_overrides,
        );
        Ok(ZoomClient {
            shared: Arc::new(Shared {
                http,
                api_base: config
                    .api_base_url
                    .as_str()
                    .trim_end_matches('/')
                    .to_string(),
                auth,
                limits,
                budget: budget.map(|shared| Budget::new(shared, config.max_retry_time)),
                retry,
                progress,
                observer,
                clock,
            }),
            calls: Arc::default(),
            repaired: Arc::default(),
        })
    }

    /// The same client with a call counter of its own, so one sync pass can report its calls.
    pub fn counted(&self) -> ZoomClient {
        ZoomClient {
            shared: self.shared.clone(),
            calls: Arc::default(),
            repaired: Arc::default(),
        }
    }

    /// API calls sent through this handle (retries included: each counts against the limits).
    pub fn calls(&self) -> u64 {
        self.calls.iter().map(|n| n.load(Ordering::Relaxed)).sum()
    }

    /// The calls of [`ZoomClient::calls`] paced under `label`: what a pass's estimate of its
    /// time left weighs against that label's pace.
    pub fn calls_under(&self, label: Label) -> u64 {
        self.calls[slot(label)].load(Ordering::Relaxed)
    }

    /// Strings in Zoom's answers through this handle that held U+0000, stored with U+FFFD.
    pub fn repaired(&self) -> u64 {
        self.repaired.load(Ordering::Relaxed)
    }

    /// The daemon's wall time.
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// The scopes the app was granted, as of its current token.
    pub async fn granted_scopes(&self) -> Result<Vec<String>, ZoomError> {
        self.shared.auth.granted_scopes().await
    }

    pub fn limits(&self) -> &RateLimits {
        &self.shared.limits
    }

    /// Waits until `call` may be sent; [`ZoomError::Stopped`] when
    /// [`ZoomClient::stop_waiting`] ends the wait.
    pub async fn acquire<'a>(&self, call: Call<'a>) -> Result<Permit<'a>, ZoomError> {
        let label = call.endpoint.label();
        let _in_flight = self.shared.progress.call();
        let (limits, progress) = (&self.shared.limits, &*self.shared.progress);
        let stopped = |_| ZoomError::stopped(format!("Zoom's rate limit for {label} calls"));
        if let Some(budget) = &self.shared.budget {
            // A token fetched after the slot was taken would hold back every call waiting on
            // it, and then let them go together, over the next process's slots.
            self.shared.auth.token().await?;
            // A slice reserved during a 429's pause would expire unspent.
            limits.paused(label, progress).await.map_err(stopped)?;
            budget
                .draw(label, limits.per_second(label), progress)
                .await?;
        }
        limits.acquire(label, progress).await.map_err(stopped)?;
        Ok(Permit { call })
    }

    /// The daemon is stopping: every wait on a rate limit or a retry, in every handle on this
    /// client, ends now with [`ZoomError::Stopped`], and no new one begins.
    pub fn stop_waiting(&self) {
        self.shared.progress.stop();
    }

    /// How long calls have been in flight without the progress their bounds promise (see
    /// [`Progress`]); `None` while idle or progressing. The watchdog keys on it.
    pub fn stalled(&self) -> Option<Duration> {
        self.shared.progress.stalled()
    }

    pub async fn get(
        &self,
        endpoint: Endpoint,
        path: &str,
        query: &[(&str, &str)],
    ) -> Result<Value, ZoomError> {
        self.call(Call {
            method: Method::GET,
            endpoint,
            path,
            query,
            body: None,
        })
        .await
    }

    /// Sends `call` with retries; `Value::Null` for an empty (204) answer.
    pub async fn call(&self, call: Call<'_>) -> Result<Value, ZoomError> {
        let _in_flight = self.shared.progress.call();
        let refreshed = AtomicBool::new(false);
        let shared = &self.shared;
        retry(
            &shared.retry,
            call.endpoint.operation(),
            &shared.progress,
            || async {
                let permit = self
                    .acquire(call.clone())
                    .await
                    .map_err(AttemptError::Fatal)?;
                self.attempt(permit, &refreshed).await
            },
        )
        .await
    }

    /// Sends the permitted call once, for a change that must not be repeated blindly: the
    /// caller took the permit (see [`ZoomClient::acquire`]) and recorded that the call is
    /// starting. Only a refused token is retried here, since Zoom did nothing with the
    /// request; every other failure goes back to the caller, saying whether it is worth
    /// retrying, and [`ZoomError::may_have_taken_effect`] says whether Zoom may have done it.
    pub async fn send_once(&self, permit: Permit<'_>) -> Result<Value, AttemptError> {
        let _in_flight = self.shared.progress.call();
        let refreshed = AtomicBool::new(false);
        let call = permit.call.clone();
        match self.attempt(permit, &refreshed).await {
            Err(AttemptError::Retry { .. }) if refreshed.load(Ordering::Relaxed) => {
                let permit = self.acquire(call).await.map_err(AttemptError::Fatal)?;
                self.attempt(permit, &refreshed).await
            }
            outcome => outcome,
        }
    }

    /// One attempt: the permit is its turn at the rate limiter.
    async fn attempt(
        &self,
        Permit { call }: Permit<'_>,
        refreshed: &AtomicBool,
    ) -> Result<Value, AttemptError> {
        let label = call.endpoint.label();
        let token = self
            .shared
            .auth
            .token()
            .await
            .map_err(AttemptError::Fatal)?;
        self.calls[slot(label)].fetch_add(1, Ordering::Relaxed);

        let url = format!(
            "{}/{}",
            self.shared.api_base,
            call.path.trim_start_matches('/')
        );
        let mut request = self
            .shared
            .http
            .request(call.method.clone(), url)
            .bearer_auth(token.secret.expose_secret())
            .query(call.query);
        if let Some(body) = call.body {
            request = request.json(body);
        }
        let transport = |error| AttemptError::Retry {
            after: None,
            error: ZoomError::Transport {
                what: call.endpoint.to_string(),
                error,
            },
        };
        let progress = &self.shared.progress;
        progress.sending();
        let response = request.send().await;
        self.shared.observer.sent(CallLabel::Api(label), &response);
        let response = response.map_err(transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = read_body(response, MAX_BODY_BYTES).await;
        progress.answered();
        let bytes = match body {
            Ok(bytes) => bytes,
            Err(BodyError::Transport(source)) => return Err(transport(source)),
            Err(BodyError::TooLarge { start }) => {
                return Err(AttemptError::Fatal(ZoomError::Decode {
                    what: call.endpoint.to_string(),
                    reason: format!(
                        "HTTP {status} with a body over the {} MiB zoom-mirror reads; it stopped \
                         reading there",
                        MAX_BODY_BYTES >> 20
                    ),
                    snippet: snippet(&start),
                }));
            }
        };

        if (200..300).contains(&status) {
            let mut body = parse_success(call.endpoint, &bytes).map_err(AttemptError::Fatal)?;
            let repaired = replace_nul(&mut body);
            if repaired > 0 {
                tracing::warn!(
                    endpoint = %call.endpoint,
                    path = call.path,
                    strings = repaired,
                    "Zoom sent text with U+0000, which PostgreSQL cannot store; stored with U+FFFD"
                );
                self.repaired.fetch_add(repaired as u64, Ordering::Relaxed);
            }
            return Ok(body);
        }

        let body = ErrorBody::parse(status, &bytes);
        let tracking_id = headers
            .get("x-zm-trackingid")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let verdict = classify(status, &headers, &body, self.shared.clock.now());
        // A definite answer (no registration, no webinar plan, not found …) is often expected,
        // and the caller that is not expecting it fails with the tracking id in the error; the
        // rest are trouble worth a warning with the tracking id Zoom support asks for.
        macro_rules! failed_call {
            ($level:ident) => {
                tracing::$level!(
                    endpoint = %call.endpoint,
                    path = call.path,
                    status,
                    code = body.code,
                    tracking_id = tracking_id.as_deref().unwrap_or("-"),
                    message = %body.message,
                    "Zoom call failed"
                )
            };
        }
        match verdict {
            Verdict::Fail => failed_call!(debug),
            _ => failed_call!(warn),
        }
        let error = ZoomError::Api {
            endpoint: call.endpoint,
            status,
            code: body.code,
            message: body.message,
            tracking_id,
        };
        Err(match verdict {
            Verdict::Success => unreachable!("2xx handled above"),
            // The first refusal is a token that expired or was revoked: retry at once with a
            // fresh one. A fresh token refused too (revoked again, or Zoom's token service
            // lagging) is trouble that may pass: back off as for a 5xx.
            Verdict::RefreshToken => {
                self.shared.auth.invalidate(&token).await;
                let again = refreshed.swap(true, Ordering::Relaxed);
                AttemptError::Retry {
                    after: (!again).then_some(Duration::ZERO),
                    error,
                }
            }
            Verdict::Throttled { after } => {
                let wait = bounded_retry_after(
                    after.unwrap_or_else(|| PER_SECOND_WAIT.delay(1, &mut rand::rng())),
                    &call.endpoint,
                );
                self.shared.limits.pause(label, wait);
                if let Some(budget) = &self.shared.budget {
                    budget.hold(label, wait).await;
                }
                AttemptError::Retry {
                    after: Some(wait),
                    error,
                }
            }
            Verdict::DailyLimit { resumes_at } => AttemptError::Fatal(ZoomError::DailyLimit {
                endpoint: call.endpoint,
                label,
                resumes_at,
            }),
            Verdict::Transient { after } => AttemptError::Retry {
                after: after.map(|after| bounded_retry_after(after, &call.endpoint)),
                error,
            },
            Verdict::MissingScope => AttemptError::Fatal(ZoomError::MissingScope {
                endpoint: call.endpoint,
                scopes: missing_scopes(&error),
            }),
            Verdict::Fail => AttemptError::Fatal(error),
        })
    }
}

fn parse_success(endpoint: Endpoint, bytes: &[u8]) -> Result<Value, ZoomError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    serde_json::from_slice(bytes).map_err(|e| ZoomError::Decode {
        what: endpoint.to_string(),
        reason: e.to_string(),
        snippet: snippet(bytes),
    })
}

/// Zoom names the scopes inside its message: "… does not contain scopes:[a, b]".
fn missing_scopes(error: &ZoomError) -> String {
    let ZoomError::Api { message, .. } = error else {
        return String::new();
    };
    match (message.find('['), message.rfind(']')) {
        (Some(open), Some(close)) if open < close => message[open + 1..close].to_string(),
        _ => message.clone(),
    }
}

/// A per-second 429 without Retry-After: wait about a second (1 to 1.5 s), jittered so that
/// concurrent requests do not come back in lockstep. The same at every retry: the limit frees
/// up each second.
const PER_SECOND_WAIT: Backoff = Backoff {
    first: Duration::from_secs(1),
    max: Duration::from_secs(1),
    factor: 1,
    jitter: Jitter::UP_TO_HALF_MORE,
};

/// `label`'s counter in [`ZoomClient`]'s `calls`.
fn slot(label: Label) -> usize {
    match label {
        Label::Light => 0,
        Label::Medium => 1,
        Label::Heavy => 2,
        Label::ResourceIntensive => 3,
        Label::PhoneMedium => 4,
    }
}

/// The one HTTP client: rustls with the ring provider, timeouts, gzip.
pub fn http_client(timeout: Duration) -> Result<reqwest::Client, ZoomError> {
    static PROVIDER: Once = Once::new();
    PROVIDER.call_once(|| {
        // Fails only when another provider is already installed, which serves as well.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
        .user_agent(concat!("zoom-mirror/", env!("CARGO_PKG_VERSION")))
        .timeout(timeout)
        .connect_timeout(Duration::from_secs(10).min(timeout))
        .gzip(true)
        .build()
        .map_err(|error| ZoomError::Transport {
            what: "building the HTTP client".into(),
            error,
        })
}
