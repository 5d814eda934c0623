//! Server-to-Server OAuth: the `account_credentials` grant, a token cached until shortly before
//! it expires, and one refresh at a time however many requests wait for it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use tokio::sync::Mutex;
use tokio::time::Instant;
use url::Url;

use super::classify::ErrorBody;
use super::error::{ZoomError, snippet};
use super::retry::{AttemptError, RetryPolicy, retry};
use crate::config::ZoomCredentials;

pub struct TokenSource {
    http: reqwest::Client,
    token_url: Url,
    credentials: ZoomCredentials,
    retry: RetryPolicy,
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

#[derive(Deserialize)]
struct TokenResponse {
    access_token: SecretString,
    expires_in: u64,
    #[serde(default)]
    scope: String,
}

impl TokenSource {
    pub fn new(
        http: reqwest::Client,
        oauth_base_url: &Url,
        credentials: ZoomCredentials,
        retry: RetryPolicy,
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
        let response: TokenResponse = retry(&self.retry, "OAuth token", || self.request()).await?;
        let lifetime = Duration::from_secs(response.expires_in);
        // Refresh a minute early, as Zoom's SDK does; short-lived tokens keep most of their life.
        let margin = Duration::from_secs(60).min(lifetime / 4);
        if !self.scopes_logged.swap(true, Ordering::Relaxed) {
            tracing::info!(scopes = %response.scope, expires_in = response.expires_in, "Zoom granted an access token");
        }
        response
            .scope
            .clone_into(&mut self.granted.lock().unwrap_or_else(|e| e.into_inner()));
        Ok(AccessToken {
            secret: response.access_token,
            refresh_at: Instant::now() + lifetime - margin,
            generation: self.generation.fetch_add(1, Ordering::Relaxed) + 1,
        })
    }

    async fn request(&self) -> Result<TokenResponse, AttemptError> {
        let what = "the OAuth token endpoint".to_string();
        let transport = |source| AttemptError::Retry {
            after: None,
            error: ZoomError::Transport {
                what: what.clone(),
                source,
            },
        };
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
            .await
            .map_err(transport)?;
        let status = response.status().as_u16();
        let body = response.bytes().await.map_err(transport)?;
        match status {
            200..=299 => serde_json::from_slice(&body).map_err(|e| {
                AttemptError::Fatal(ZoomError::Decode {
                    what,
                    reason: e.to_string(),
                    snippet: snippet(&body),
                })
            }),
            408 | 429 | 500..=599 => Err(AttemptError::Retry {
                after: None,
                error: ZoomError::TokenEndpoint {
                    status,
                    message: ErrorBody::parse(status, &body).message,
                },
            }),
            _ => Err(AttemptError::Fatal(ZoomError::Credentials {
                status,
                reason: ErrorBody::parse(status, &body).message,
            })),
        }
    }
}
