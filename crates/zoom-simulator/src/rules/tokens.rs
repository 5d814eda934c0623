//! Access tokens and the scopes an API call needs (`docs/zoom-behaviour.md`). Several tokens may
//! be valid at once, as Zoom now allows; expired ones are remembered so the 401 can say
//! "expired" rather than "invalid", which is what clients key their refresh on.

use std::collections::HashMap;
use std::time::Duration;

use rand::RngExt;
use rand::distr::Alphanumeric;
use tokio::time::Instant;

use zoom_api::endpoint::Endpoint;

/// The granular scopes of every endpoint the simulator serves: the default grant.
pub(crate) fn all_scopes() -> Vec<String> {
    Endpoint::ALL
        .iter()
        .filter_map(|e| e.scope())
        .map(str::to_owned)
        .collect()
}

/// Why a bearer token was refused; both are 401 with code 124.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenError {
    Invalid,
    Expired,
}

impl TokenError {
    pub fn message(self) -> &'static str {
        match self {
            TokenError::Invalid => "Invalid access token.",
            TokenError::Expired => "Access token is expired.",
        }
    }
}

pub(crate) struct TokenStore {
    ttl: Duration,
    expiry: HashMap<String, Instant>,
}

impl TokenStore {
    pub fn new(ttl: Duration) -> Self {
        TokenStore {
            ttl,
            expiry: HashMap::new(),
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(&mut self, now: Instant) -> String {
        // Real tokens are JWTs; a client must treat them as opaque, so these are not.
        let token: String = rand::rng()
            .sample_iter(Alphanumeric)
            .take(48)
            .map(char::from)
            .collect();
        // A lifetime past what an instant holds (`--token-ttl-secs` is anything) never ends.
        let expires = now
            .checked_add(self.ttl)
            .unwrap_or_else(|| now + Duration::from_secs(86_400 * 365 * 30));
        self.expiry.insert(token.clone(), expires);
        token
    }

    /// Every token issued and not revoked, expired ones included.
    pub fn issued(&self) -> Vec<String> {
        self.expiry.keys().cloned().collect()
    }

    pub fn check(&self, token: &str, now: Instant) -> Result<(), TokenError> {
        match self.expiry.get(token) {
            None => Err(TokenError::Invalid),
            Some(&expires) if expires <= now => Err(TokenError::Expired),
            Some(_) => Ok(()),
        }
    }

    /// Forgets `token`: it becomes invalid.
    pub fn revoke(&mut self, token: &str) {
        self.expiry.remove(token);
    }

    /// Forgets every token, as deactivating the app does: they become invalid, not expired.
    pub fn revoke_all(&mut self) {
        self.expiry.clear();
    }
}

/// The scope to name in the 400/4711 error when none of the scopes that open `endpoint` were
/// granted. Classic admin scopes open it too, as on Zoom (each operation's `x-macro-scopes` in
/// its OpenAPI description): the read or write scope of the endpoint's family. A raw call needs
/// whatever its path needs, which the simulator does not model.
pub(crate) fn missing_scope(endpoint: Endpoint, granted: &[String]) -> Option<&'static str> {
    let granular = endpoint.scope()?;
    (!granted.iter().any(|s| endpoint.opened_by(s))).then_some(granular)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_valid_until_their_ttl_then_expired() {
        let t0 = Instant::now();
        let mut store = TokenStore::new(Duration::from_secs(3600));
        let a = store.issue(t0);
        let b = store.issue(t0);
        assert_ne!(a, b);
        assert_eq!(store.check(&a, t0), Ok(()));
        assert_eq!(store.check(&b, t0 + Duration::from_secs(3599)), Ok(()));
        assert_eq!(
            store.check(&a, t0 + Duration::from_secs(3600)),
            Err(TokenError::Expired)
        );
        assert_eq!(store.check("nonsense", t0), Err(TokenError::Invalid));
    }

    #[test]
    fn a_lifetime_past_what_an_instant_holds_never_ends() {
        let t0 = Instant::now();
        let mut store = TokenStore::new(Duration::from_secs(u64::MAX));
        let a = store.issue(t0);
        assert_eq!(
            store.check(&a, t0 + Duration::from_secs(86_400 * 365)),
            Ok(())
        );
        assert_eq!(store.issued(), [a]);
    }

    #[test]
    fn revoked_tokens_are_invalid() {
        let t0 = Instant::now();
        let mut store = TokenStore::new(Duration::from_secs(3600));
        let a = store.issue(t0);
        store.revoke_all();
        assert_eq!(store.check(&a, t0), Err(TokenError::Invalid));
    }

    #[test]
    fn each_endpoint_needs_its_granular_or_a_classic_admin_scope() {
        let granted = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let all = all_scopes();
        assert_eq!(missing_scope(Endpoint::ListUsers, &all), None);
        assert_eq!(missing_scope(Endpoint::GetUser, &all), None);
        let only_get = granted(&["user:read:user:admin"]);
        assert_eq!(
            missing_scope(Endpoint::ListUsers, &only_get),
            Some("user:read:list_users:admin")
        );
        assert_eq!(
            missing_scope(Endpoint::ListUsers, &granted(&["user:read:admin"])),
            None
        );
        assert_eq!(
            missing_scope(Endpoint::UpdateUser, &granted(&["user:read:admin"])),
            Some("user:update:user:admin")
        );
        assert_eq!(
            missing_scope(Endpoint::CreateMeeting, &granted(&["meeting:write:admin"])),
            None
        );
    }
}
