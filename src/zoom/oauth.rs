//! Zoom's OAuth endpoints (<https://developers.zoom.us/docs/integrations/oauth/>): the token
//! endpoint's grants (`account_credentials` for a Server-to-Server app, `authorization_code` and
//! `refresh_token` for an app a user authorizes), the authorize URL with PKCE (S256), and
//! revocation. Every request carries the app's client ID and secret as Basic auth.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngExt;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use url::Url;

use super::body::{BodyError, read_body};
use super::calls::{CallLabel, Observer};
use super::client::{ClientSettings, http_client};
use super::error::ZoomError;
use super::progress::Progress;
use super::retry::{AttemptError, RetryPolicy, retry};
use super::token_answer::{self, Flow, Grant};

/// A token answer is a few hundred bytes; anything much longer is not one.
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// An OAuth app's client ID and secret.
#[derive(Debug, Clone)]
pub struct OAuthApp {
    pub client_id: String,
    pub client_secret: SecretString,
}

/// `POST {oauth_base}/oauth/token` and `/oauth/revoke` for one app.
pub struct OAuthEndpoints {
    http: reqwest::Client,
    base: String,
    app: OAuthApp,
    retry: RetryPolicy,
    progress: Arc<Progress>,
    observer: Observer,
}

impl OAuthEndpoints {
    pub(super) fn new(
        http: reqwest::Client,
        oauth_base_url: &Url,
        app: OAuthApp,
        retry: RetryPolicy,
        progress: Arc<Progress>,
        observer: Observer,
    ) -> Result<Self, ZoomError> {
        let base = oauth_base_url.as_str().trim_end_matches('/').to_owned();
        Url::parse(&format!("{base}/oauth/token")).map_err(|e| ZoomError::InvalidBaseUrl {
            key: "zoom.oauth_base_url",
            reason: e.to_string(),
        })?;
        Ok(OAuthEndpoints {
            http,
            base,
            app,
            retry,
            progress,
            observer,
        })
    }

    /// The endpoints on their own, for `auth login` and `auth logout`, which make no API calls
    /// through a client.
    pub fn standalone(settings: &ClientSettings, app: OAuthApp) -> Result<Self, ZoomError> {
        let retry = RetryPolicy::new(settings.max_attempts, settings.max_retry_time);
        OAuthEndpoints::new(
            http_client(settings.request_timeout)?,
            &settings.oauth_base_url,
            app,
            retry,
            Arc::new(Progress::new(settings.request_timeout)),
            Observer::new(None),
        )
    }

    pub fn client_id(&self) -> &str {
        &self.app.client_id
    }

    /// Where the user is sent to authorize the app. `state` comes back with the redirect and
    /// `challenge` is the S256 of the verifier that redeems the code.
    pub fn authorize_url(&self, redirect_uri: &str, state: &str, pkce: &Pkce) -> String {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.app.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("state", state)
            .append_pair("code_challenge", &pkce.challenge)
            .append_pair("code_challenge_method", "S256")
            .finish();
        format!("{}/oauth/authorize?{query}", self.base)
    }

    /// The Server-to-Server grant: the account's token.
    pub(crate) async fn account_grant(&self, account_id: &str) -> Result<Grant, ZoomError> {
        self.grant(
            &[
                ("grant_type", "account_credentials"),
                ("account_id", account_id),
            ],
            Flow::Account,
        )
        .await
    }

    /// Redeems the code the redirect brought. Zoom's answer carries a refresh token.
    pub async fn exchange_code(
        &self,
        code: &str,
        redirect_uri: &str,
        pkce: &Pkce,
    ) -> Result<Grant, ZoomError> {
        self.grant(
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("code_verifier", pkce.verifier.expose_secret()),
            ],
            Flow::User,
        )
        .await
    }

    /// A new access token and a new refresh token; Zoom refuses `refresh_token` from then on.
    /// A retry after an answer lost on the way may find it already refused: Zoom's rotation
    /// leaves no way around that but authorizing again.
    pub(crate) async fn refresh(&self, refresh_token: &SecretString) -> Result<Grant, ZoomError> {
        self.grant(
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose_secret()),
            ],
            Flow::User,
        )
        .await
    }

    /// Revokes the authorization `token` belongs to (its access and refresh tokens).
    pub async fn revoke(&self, token: &SecretString) -> Result<(), ZoomError> {
        let url = format!("{}/oauth/revoke", self.base);
        retry(&self.retry, "OAuth revoke", &self.progress, || async {
            let (status, body) = self
                .post(&url, &[("token", token.expose_secret())], true)
                .await?;
            token_answer::revoked(status, &body)
        })
        .await
    }

    async fn grant(&self, form: &[(&str, &str)], flow: Flow) -> Result<Grant, ZoomError> {
        let url = format!("{}/oauth/token", self.base);
        retry(&self.retry, "OAuth token", &self.progress, || async {
            let (status, body) = self.post(&url, form, false).await?;
            token_answer::read(status, &body, flow)
        })
        .await
    }

    /// One POST with Basic auth: the form in the body, or (for revoke, as Zoom documents it) in
    /// the query string.
    async fn post(
        &self,
        url: &str,
        form: &[(&str, &str)],
        in_query: bool,
    ) -> Result<(u16, Vec<u8>), AttemptError> {
        let what = "the OAuth token endpoint".to_string();
        let transport = |error| AttemptError::Retry {
            after: None,
            error: ZoomError::Transport {
                what: what.clone(),
                error,
            },
        };
        self.progress.sending();
        let request = self.http.post(url).basic_auth(
            &self.app.client_id,
            Some(self.app.client_secret.expose_secret()),
        );
        let request = if in_query {
            request.query(form)
        } else {
            request.form(form)
        };
        let response = request.send().await;
        self.observer.sent(CallLabel::Token, &response);
        let response = response.map_err(transport)?;
        let status = response.status().as_u16();
        let body = read_body(response, MAX_ANSWER_BYTES).await;
        self.progress.answered();
        match body {
            Ok(body) => Ok((status, body)),
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

/// A PKCE pair (RFC 7636): the verifier stays here, its S256 challenge goes in the URL.
pub struct Pkce {
    verifier: SecretString,
    challenge: String,
}

impl Pkce {
    pub fn new() -> Pkce {
        // 32 random bytes, 43 characters: the shortest verifier RFC 7636 allows, and all the
        // entropy it asks for.
        let verifier = random_text(32);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier: SecretString::from(verifier),
            challenge,
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Pkce::new()
    }
}

/// `bytes` random bytes as URL-safe base64 without padding: fit for a verifier or a `state`.
pub fn random_text(bytes: usize) -> String {
    let mut raw = vec![0_u8; bytes];
    rand::rng().fill(&mut raw[..]);
    URL_SAFE_NO_PAD.encode(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_the_s256_of_the_verifier() {
        // RFC 7636, appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert_eq!(
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        let pkce = Pkce::new();
        assert_eq!(pkce.verifier.expose_secret().len(), 43);
        assert_eq!(
            pkce.challenge,
            URL_SAFE_NO_PAD.encode(Sha256::digest(pkce.verifier.expose_secret().as_bytes()))
        );
        assert_ne!(random_text(16), random_text(16));
    }
}
