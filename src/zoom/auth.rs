//! Server-to-Server OAuth: the `account_credentials` grant, a token cached until shortly before
//! it expires, and one refresh at a time however many requests wait for it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use super::body::{BodyError, read_body};
use super::calls::{CallLabel, Observer};
use super::error::ZoomError;
use super::progress::{Progress, later};
use super::retry::{AttemptError, RetryPolicy, retry};
use super::token_answer::{self, Grant, LIFETIME_SECS};

/// A token answer is a few hundred bytes; anything much longer is not one.
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// The three values of a Server-to-Server OAuth app, all present.
#[derive(Debug, Clone)]
pub struct ZoomCredentials {
    pub account_id: String,
    pub client_id: String,
    pub client_secret: SecretString,
}

pub struct TokenSource {
    http: reqwest::Client,
    token_url: Url,
    credentials: ZoomCredentials,
    retry: RetryPolicy,
    progress: Arc<Progress>,
    observer: Observer,
    cached: Mutex<Option<Arc<AccessToken>>>,
    generation: AtomicU64,
    scopes_logged: AtomicBool,
    /// The scopes of the latest token, space-separated as Zoom sends them.
    granted: std::sync::Mutex<String>,
}

/// One access token. `generation` tells a stale token from its replacement, so a 401 on an old
/// token does not throw away a fresh one.
pub struct AccessToken {
    pub secret: SecretString,
    refresh_at: Instant,
    generation: u64,
}

impl TokenSource {
    pub fn new(
        http: reqwest::Client,
        oauth_base_url: &Url,
        credentials: ZoomCredentials,
        retry: RetryPolicy,
        progress: Arc<Progress>,
        observer: Observer,
    ) -> Result<Self, url::ParseError> {
        let token_url = Url::parse(&format!(
            "{}/oauth/token",
            oauth_base_url.as_str().trim_end_matches('/')
        ))?;
        Ok(TokenSource {
            http,
            token_url,
            credentials,
            retry,
            progress,
            observer,
            cached: Mutex::new(None),
            generation: AtomicU64::new(0),
            scopes_logged: AtomicBool::new(false),
            granted: std::sync::Mutex::default(),
        })
    }

    /// A valid token, from the cache or freshly issued. Callers queue on the lock while one
    /// refresh is in flight, then all use its result.
    pub async fn token(&self) -> Result<Arc<AccessToken>, ZoomError> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.as_ref().filter(|t| t.refresh_at > Instant::now()) {
            return Ok(token.clone());
        }
        let token = Arc::new(self.fetch().await?);
        *cached = Some(token.clone());
        Ok(token)
    }

    /// The scopes Zoom granted with the current token (fetching one if there is none).
    pub async fn granted_scopes(&self) -> Result<Vec<String>, ZoomError> {
        self.token().await?;
        let granted = self.granted.lock().unwrap_or_else(|e| e.into_inner());
        Ok(granted.split_whitespace().map(str::to_owned).collect())
    }

    /// Zoom rejected `stale`: drop it unless it was already replaced.
    pub async fn invalidate(&self, stale: &AccessToken) {
        let mut cached = self.cached.lock().await;
        if cached
            .as_ref()
            .is_some_and(|t| t.generation == stale.generation)
        {
            *cached = None;
        }
    }

    async fn fetch(&self) -> Result<AccessToken, ZoomError> {
        let grant: Grant = retry(&self.retry, "OAuth token", &self.progress, || {
            self.request()
        })
        .await?;
        let lifetime = grant.lifetime;
        if grant.expires_in != Some(lifetime.as_secs()) {
            tracing::warn!(
                expires_in = grant.expires_in,
                believed_secs = lifetime.as_secs(),
                "Zoom's token answer gave no expires_in, or one outside {}..={} seconds; going by \
                 {} seconds (a token refused earlier is replaced on its 401)",
                LIFETIME_SECS.start(),
                LIFETIME_SECS.end(),
                lifetime.as_secs()
            );
        }
        // Refresh a minute early, as Zoom's SDK does; short-lived tokens keep most of their life.
        let margin = Duration::from_secs(60).min(lifetime / 4);
        if !self.scopes_logged.swap(true, Ordering::Relaxed) {
            tracing::info!(scopes = %grant.scope, expires_in = lifetime.as_secs(), "Zoom granted an access token");
        }
        grant
            .scope
            .clone_into(&mut self.granted.lock().unwrap_or_else(|e| e.into_inner()));
        Ok(AccessToken {
            secret: grant.access_token,
            refresh_at: later(Instant::now(), lifetime - margin),
            generation: self.generation.fetch_add(1, Ordering::Relaxed) + 1,
        })
    }

    async fn request(&self) -> Result<Grant, AttemptError> {
        let what = "the OAuth token endpoint".to_string();
        let transport = |error| AttemptError::Retry {
            after: None,
            error: ZoomError::Transport {
                what: what.clone(),
                error,
            },
        };
        self.progress.sending();
        let response = self
            .http
            .post(self.token_url.clone())
            .basic_auth(
                &self.credentials.client_id,
                Some(self.credentials.client_secret.expose_secret()),
            )
            .form(&[
                ("grant_type", "account_credentials"),
                ("account_id", self.credentials.account_id.as_str()),
            ])
            .send()
            .await;
        self.observer.sent(CallLabel::Token, &response);
        let response = response.map_err(transport)?;
        let status = response.status().as_u16();
        let body = read_body(response, MAX_ANSWER_BYTES).await;
        self.progress.answered();
        match body {
            Ok(body) => token_answer::read(status, &body),
            Err(BodyError::Transport(source)) => Err(transport(source)),
            Err(BodyError::TooLarge { .. }) => Err(AttemptError::Fatal(ZoomError::TokenAnswer {
                status,
                reason: format!(
                    "a body over {} KiB, which no token answer is (not shown)",
                    MAX_ANSWER_BYTES >> 10
                ),
            })),
        }
    }
}
