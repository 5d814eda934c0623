//! The client's access token, however the app is connected: a Server-to-Server app's
//! `account_credentials` grant, or a user's authorization whose tokens a [`TokenStore`] keeps
//! and which is refreshed with its rotating refresh token. Either way a token is cached until
//! shortly before it expires, and one fetch at a time serves however many requests wait for it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::error::ZoomError;
use super::oauth::{OAuthApp, OAuthEndpoints};
use super::progress::later;
use super::token_answer::{Grant, LIFETIME_SECS};
use super::token_store::{HeldTokens, StoreError, StoredTokens, TokenStore};
use crate::clock::Clock;

/// A stored token with less left than this is refreshed rather than shared: it would be due
/// again within seconds.
const SHARED_AT_LEAST: Duration = Duration::from_secs(30);

/// The three values of a Server-to-Server OAuth app, all present.
#[derive(Debug, Clone)]
pub struct ZoomCredentials {
    pub account_id: String,
    pub client_id: String,
    pub client_secret: SecretString,
}

/// How the client gets its tokens: the two ways a Zoom app connects.
#[derive(Clone)]
pub enum Authorization {
    /// A Server-to-Server OAuth app: a token for the account, asked for whenever needed.
    ServerToServer(ZoomCredentials),
    /// An OAuth app a user authorized (`zoom-mirror auth login`): its tokens are in `store`.
    User {
        app: OAuthApp,
        store: Arc<dyn TokenStore>,
    },
}

impl From<ZoomCredentials> for Authorization {
    fn from(credentials: ZoomCredentials) -> Self {
        Authorization::ServerToServer(credentials)
    }
}

impl Authorization {
    fn app(&self) -> OAuthApp {
        match self {
            Authorization::ServerToServer(c) => OAuthApp {
                client_id: c.client_id.clone(),
                client_secret: c.client_secret.clone(),
            },
            Authorization::User { app, .. } => app.clone(),
        }
    }
}

pub struct TokenSource {
    endpoints: OAuthEndpoints,
    authorization: Authorization,
    clock: Clock,
    cached: Mutex<Cached>,
    generation: AtomicU64,
    scopes_logged: AtomicBool,
    /// The scopes of the latest token, space-separated as Zoom sends them.
    granted: std::sync::Mutex<String>,
}

#[derive(Default)]
struct Cached {
    token: Option<Arc<AccessToken>>,
    /// The token Zoom last refused, so that a store still holding it is not believed.
    refused: Option<SecretString>,
}

/// One access token. `generation` tells a stale token from its replacement, so a 401 on an old
/// token does not throw away a fresh one.
pub struct AccessToken {
    pub secret: SecretString,
    refresh_at: Instant,
    generation: u64,
}

impl TokenSource {
    pub(crate) fn new(
        endpoints: impl FnOnce(OAuthApp) -> Result<OAuthEndpoints, ZoomError>,
        authorization: Authorization,
        clock: Clock,
    ) -> Result<Self, ZoomError> {
        Ok(TokenSource {
            endpoints: endpoints(authorization.app())?,
            authorization,
            clock,
            cached: Mutex::default(),
            generation: AtomicU64::new(0),
            scopes_logged: AtomicBool::new(false),
            granted: std::sync::Mutex::default(),
        })
    }

    /// A valid token, from the cache or freshly issued. Callers queue on the lock while one
    /// fetch is in flight, then all use its result.
    pub async fn token(&self) -> Result<Arc<AccessToken>, ZoomError> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = (cached.token.as_ref()).filter(|t| t.refresh_at > Instant::now()) {
            return Ok(token.clone());
        }
        let token = Arc::new(self.fetch(cached.refused.as_ref()).await?);
        cached.token = Some(token.clone());
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
        if (cached.token.as_ref()).is_some_and(|t| t.generation == stale.generation) {
            cached.token = None;
            cached.refused = Some(stale.secret.clone());
        }
    }

    async fn fetch(&self, refused: Option<&SecretString>) -> Result<AccessToken, ZoomError> {
        match &self.authorization {
            Authorization::ServerToServer(credentials) => {
                let grant = self
                    .endpoints
                    .account_grant(&credentials.account_id)
                    .await?;
                self.warn_if_lifetime_unsaid(&grant);
                Ok(self.accept(grant.access_token, grant.lifetime, &grant.scope))
            }
            Authorization::User { store, .. } => {
                let mut held = store.hold().await.map_err(store_error)?;
                let token = self.stored_or_refreshed(held.as_mut(), refused).await;
                held.release().await;
                token
            }
        }
    }

    /// With the store held: its access token if it still works (another replica may just
    /// have refreshed it), else a refresh whose tokens are saved before they are used.
    async fn stored_or_refreshed(
        &self,
        held: &mut dyn HeldTokens,
        refused: Option<&SecretString>,
    ) -> Result<AccessToken, ZoomError> {
        let stored = held
            .load()
            .await
            .map_err(store_error)?
            .ok_or(ZoomError::NotAuthorized)?;
        let left = (stored.expires_at - self.clock.now())
            .to_std()
            .unwrap_or_default();
        let was_refused =
            refused.is_some_and(|r| r.expose_secret() == stored.access_token.expose_secret());
        if left >= SHARED_AT_LEAST && !was_refused {
            return Ok(self.accept(stored.access_token, left, &stored.scope));
        }
        let grant = self.endpoints.refresh(&stored.refresh_token).await?;
        let Some(refresh_token) = grant.refresh_token.clone() else {
            return Err(ZoomError::TokenAnswer {
                status: 200,
                reason: "no refresh_token in the answer to a refresh".into(),
            });
        };
        let tokens = StoredTokens {
            access_token: grant.access_token.clone(),
            expires_at: self.clock.now() + grant.lifetime,
            refresh_token,
            scope: grant.scope.clone(),
        };
        held.save(&tokens).await.map_err(store_error)?;
        tracing::info!(
            expires_in = grant.lifetime.as_secs(),
            "refreshed Zoom's OAuth access token; the new refresh token is stored"
        );
        self.warn_if_lifetime_unsaid(&grant);
        Ok(self.accept(grant.access_token, grant.lifetime, &grant.scope))
    }

    fn warn_if_lifetime_unsaid(&self, grant: &Grant) {
        if grant.expires_in != Some(grant.lifetime.as_secs()) {
            tracing::warn!(
                expires_in = grant.expires_in,
                believed_secs = grant.lifetime.as_secs(),
                "Zoom's token answer gave no expires_in, or one outside {}..={} seconds; going by \
                 {} seconds (a token refused earlier is replaced on its 401)",
                LIFETIME_SECS.start(),
                LIFETIME_SECS.end(),
                grant.lifetime.as_secs()
            );
        }
    }

    /// A token good for `lifetime`, cached until shortly before it ends.
    fn accept(&self, secret: SecretString, lifetime: Duration, scope: &str) -> AccessToken {
        // Refresh a minute early, as Zoom's SDK does; short-lived tokens keep most of their life.
        let margin = Duration::from_secs(60).min(lifetime / 4);
        if !self.scopes_logged.swap(true, Ordering::Relaxed) {
            tracing::info!(scopes = %scope, expires_in = lifetime.as_secs(), "Zoom granted an access token");
        }
        scope.clone_into(&mut self.granted.lock().unwrap_or_else(|e| e.into_inner()));
        AccessToken {
            secret,
            refresh_at: later(Instant::now(), lifetime - margin),
            generation: self.generation.fetch_add(1, Ordering::Relaxed) + 1,
        }
    }
}

fn store_error(error: StoreError) -> ZoomError {
    ZoomError::TokenStore {
        reason: error.to_string(),
    }
}
