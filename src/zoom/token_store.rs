//! Where a user-authorized app's tokens live between runs and between replicas. The client only
//! asks a [`TokenStore`] to be held, read and written; the daemon keeps them in PostgreSQL,
//! encrypted, and this module knows nothing of that.
//!
//! Zoom rotates the refresh token on every refresh and refuses the old one from then on, so two
//! processes refreshing with the same token would leave one of them unauthorized. Every refresh
//! therefore happens while the store is held, and its result is saved before it is used.

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use secrecy::SecretString;

/// What a store failed at, worded by the store (never with a token in it).
pub type StoreError = Box<dyn std::error::Error + Send + Sync>;

/// The tokens of one authorization.
#[derive(Clone)]
pub struct StoredTokens {
    pub access_token: SecretString,
    /// When the access token stops working, as far as the client believes Zoom.
    pub expires_at: DateTime<Utc>,
    pub refresh_token: SecretString,
    /// The scopes granted, space-separated as Zoom sends them.
    pub scope: String,
}

impl std::fmt::Debug for StoredTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredTokens")
            .field("expires_at", &self.expires_at)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

pub trait TokenStore: Send + Sync {
    /// Waits until no other process holds the store, then holds it until the returned
    /// [`HeldTokens`] is released or dropped.
    fn hold(&self) -> BoxFuture<'_, Result<Box<dyn HeldTokens>, StoreError>>;
}

/// The store, held against every other process.
pub trait HeldTokens: Send {
    /// The current tokens; `None` when no one has authorized the app (or the authorization was
    /// removed).
    fn load(&mut self) -> BoxFuture<'_, Result<Option<StoredTokens>, StoreError>>;

    /// Replaces the tokens, durably, before it returns. Fails when there is no authorization
    /// to replace (it was removed meanwhile).
    fn save<'a>(&'a mut self, tokens: &'a StoredTokens) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Lets the next process in at once; dropping does too, only less promptly.
    fn release(self: Box<Self>) -> BoxFuture<'static, ()>;
}
