//! The authorization-code grant of an OAuth app a user authorizes
//! (<https://developers.zoom.us/docs/integrations/oauth/>), for the account's owner, who
//! consents at once. A code is good once, for five minutes, with the redirect URI it was issued
//! for and the PKCE verifier of its challenge. Each refresh rotates the refresh token, and the
//! previous one is refused from then on; a new authorization replaces the previous one, whose
//! tokens are refused too, as Zoom keeps only the last.

use std::collections::HashMap;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngExt;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};
use tokio::time::Instant;

/// Zoom: "The authorization code is valid for five minutes."
pub(crate) const CODE_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// Why a grant was refused, each with Zoom's OAuth error code where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GrantRefusal {
    /// 4733: "Code is expired".
    CodeExpired,
    /// 4734: the code is unknown or was used.
    InvalidCode,
    /// 4709: the redirect URI is not the one the code was issued for.
    RedirectMismatch,
    /// The verifier does not hash to the code's challenge (RFC 7636 `invalid_grant`).
    VerifierMismatch,
    /// A refresh token that is not the current one (used, replaced or revoked): "Invalid Token!".
    InvalidToken,
}

struct PendingCode {
    redirect_uri: String,
    challenge: Option<String>,
    issued: Instant,
}

#[derive(Default)]
pub(crate) struct UserGrants {
    codes: HashMap<String, PendingCode>,
    /// The refresh token of the one live authorization.
    current: Option<String>,
    /// The access tokens that authorization was given, revoked with it.
    access_tokens: Vec<String>,
    refreshes: u64,
}

impl UserGrants {
    /// The code of a consent, to redeem at `redirect_uri`.
    pub fn authorize(
        &mut self,
        redirect_uri: &str,
        challenge: Option<String>,
        now: Instant,
    ) -> String {
        let code = random(32);
        self.codes.insert(
            code.clone(),
            PendingCode {
                redirect_uri: redirect_uri.to_owned(),
                challenge,
                issued: now,
            },
        );
        code
    }

    /// Redeems `code` (once, whatever the outcome); the new authorization's refresh token.
    pub fn redeem(
        &mut self,
        code: &str,
        redirect_uri: Option<&str>,
        verifier: Option<&str>,
        now: Instant,
    ) -> Result<String, GrantRefusal> {
        let pending = self.codes.remove(code).ok_or(GrantRefusal::InvalidCode)?;
        if now.duration_since(pending.issued) >= CODE_LIFETIME {
            return Err(GrantRefusal::CodeExpired);
        }
        if redirect_uri != Some(pending.redirect_uri.as_str()) {
            return Err(GrantRefusal::RedirectMismatch);
        }
        if let Some(challenge) = pending.challenge {
            let hashed = verifier.map(|v| URL_SAFE_NO_PAD.encode(Sha256::digest(v.as_bytes())));
            if hashed.as_deref() != Some(challenge.as_str()) {
                return Err(GrantRefusal::VerifierMismatch);
            }
        }
        Ok(self.start())
    }

    /// The next refresh token in place of `token`, which must be the current one.
    pub fn refresh(&mut self, token: &str) -> Result<String, GrantRefusal> {
        if self.current.as_deref() != Some(token) {
            return Err(GrantRefusal::InvalidToken);
        }
        self.refreshes += 1;
        let next = random(48);
        self.current = Some(next.clone());
        Ok(next)
    }

    /// Notes an access token given to the live authorization.
    pub fn gave(&mut self, access_token: String) {
        self.access_tokens.push(access_token);
    }

    /// Ends the authorization `token` (its refresh token or one of its access tokens) belongs
    /// to; the access tokens to revoke. Nothing when it belongs to none.
    pub fn revoke(&mut self, token: &str) -> Vec<String> {
        let ours =
            self.current.as_deref() == Some(token) || self.access_tokens.iter().any(|t| t == token);
        if ours { self.revoke_all() } else { Vec::new() }
    }

    /// Ends the live authorization, as removing the app does; its access tokens.
    pub fn revoke_all(&mut self) -> Vec<String> {
        self.current = None;
        std::mem::take(&mut self.access_tokens)
    }

    /// The live authorization's refresh token.
    pub fn current(&self) -> Option<String> {
        self.current.clone()
    }

    /// Refresh grants honoured so far.
    pub fn refreshes(&self) -> u64 {
        self.refreshes
    }

    /// A new authorization, in place of any other: the previous one's tokens end.
    fn start(&mut self) -> String {
        self.revoke_all();
        let token = random(48);
        self.current = Some(token.clone());
        token
    }
}

fn random(len: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const URI: &str = "http://127.0.0.1:8765/oauth/callback";

    fn challenge(verifier: &str) -> Option<String> {
        Some(URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())))
    }

    #[test]
    fn a_code_is_good_once_for_its_uri_and_verifier_within_five_minutes() {
        let t0 = Instant::now();
        let mut grants = UserGrants::default();
        let code = grants.authorize(URI, challenge("v"), t0);
        assert!(grants.redeem(&code, Some(URI), Some("v"), t0).is_ok());
        assert_eq!(
            grants.redeem(&code, Some(URI), Some("v"), t0),
            Err(GrantRefusal::InvalidCode)
        );
        let late = grants.authorize(URI, challenge("v"), t0);
        assert_eq!(
            grants.redeem(&late, Some(URI), Some("v"), t0 + CODE_LIFETIME),
            Err(GrantRefusal::CodeExpired)
        );
        let elsewhere = grants.authorize(URI, challenge("v"), t0);
        assert_eq!(
            grants.redeem(&elsewhere, Some("http://other/cb"), Some("v"), t0),
            Err(GrantRefusal::RedirectMismatch)
        );
        let forged = grants.authorize(URI, challenge("v"), t0);
        assert_eq!(
            grants.redeem(&forged, Some(URI), Some("w"), t0),
            Err(GrantRefusal::VerifierMismatch)
        );
    }

    #[test]
    fn each_refresh_rotates_and_only_the_latest_token_works() {
        let t0 = Instant::now();
        let mut grants = UserGrants::default();
        let code = grants.authorize(URI, None, t0);
        let first = grants.redeem(&code, Some(URI), None, t0).unwrap();
        let second = grants.refresh(&first).unwrap();
        assert_eq!(grants.refresh(&first), Err(GrantRefusal::InvalidToken));
        let third = grants.refresh(&second).unwrap();
        grants.gave("access".into());
        assert_eq!(grants.revoke("access"), ["access"]);
        assert_eq!(grants.refresh(&third), Err(GrantRefusal::InvalidToken));
        assert_eq!(grants.refreshes(), 2);
    }
}
