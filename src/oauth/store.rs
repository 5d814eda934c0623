//! `zoom.oauth_tokens` as the client's token store: the row read and written under its advisory
//! lock, the tokens sealed with the [`TokenKey`] on the way in and opened on the way out.

use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;
use secrecy::SecretString;

use super::error::OAuthError;
use super::key::TokenKey;
use crate::db::DbTarget;
use crate::db::oauth_tokens::{HeldRow, TokenRow, Tokens};
use crate::zoom::token_store::{HeldTokens, StoreError, StoredTokens, TokenStore};

const ACCESS: &str = "access_token";
const REFRESH: &str = "refresh_token";

/// The daemon's token store. Each hold opens a connection of its own for the lock.
#[derive(Clone)]
pub struct DbTokenStore {
    db: DbTarget,
    key: TokenKey,
    client_id: String,
}

impl DbTokenStore {
    pub fn new(db: DbTarget, key: TokenKey, client_id: String) -> DbTokenStore {
        DbTokenStore { db, key, client_id }
    }

    /// The store held, for `auth login` and `auth logout`, which change the row outright.
    pub async fn hold_row(&self) -> Result<HeldStore, OAuthError> {
        Ok(HeldStore {
            row: HeldRow::acquire(&self.db).await?,
            key: self.key.clone(),
            client_id: self.client_id.clone(),
        })
    }
}

impl TokenStore for DbTokenStore {
    fn hold(&self) -> BoxFuture<'_, Result<Box<dyn HeldTokens>, StoreError>> {
        async move {
            let held = self.hold_row().await?;
            Ok(Box::new(held) as Box<dyn HeldTokens>)
        }
        .boxed()
    }
}

pub struct HeldStore {
    row: HeldRow,
    key: TokenKey,
    client_id: String,
}

/// The row's tokens opened, and what it says of the authorization.
pub struct Authorization {
    pub tokens: StoredTokens,
    pub client_id: String,
    pub user_id: Option<String>,
    pub user_email: Option<String>,
    pub authorized_at: DateTime<Utc>,
    pub refreshed_at: DateTime<Utc>,
}

impl HeldStore {
    pub async fn read(&mut self) -> Result<Option<Authorization>, OAuthError> {
        self.row
            .read()
            .await?
            .map(|row| open(&self.key, row))
            .transpose()
    }

    /// A new authorization's tokens, in place of any other.
    pub async fn replace(&mut self, tokens: &StoredTokens) -> Result<(), OAuthError> {
        Ok(self.row.replace(&self.sealed(tokens)).await?)
    }

    pub async fn set_user(&mut self, id: &str, email: &str) -> Result<(), OAuthError> {
        Ok(self.row.set_user(id, email).await?)
    }

    /// Whether there was an authorization to delete.
    pub async fn delete(&mut self) -> Result<bool, OAuthError> {
        Ok(self.row.delete().await?)
    }

    pub async fn release(self) {
        self.row.release().await;
    }

    fn sealed(&self, tokens: &StoredTokens) -> Tokens {
        Tokens {
            client_id: self.client_id.clone(),
            scope: tokens.scope.clone(),
            access_token: self.key.seal(&tokens.access_token, ACCESS),
            access_expires_at: tokens.expires_at,
            refresh_token: self.key.seal(&tokens.refresh_token, REFRESH),
        }
    }
}

/// The row with its tokens opened.
pub fn open(key: &TokenKey, row: TokenRow) -> Result<Authorization, OAuthError> {
    let opened =
        |sealed: &[u8], column| -> Result<SecretString, OAuthError> { key.open(sealed, column) };
    Ok(Authorization {
        tokens: StoredTokens {
            access_token: opened(&row.access_token, ACCESS)?,
            expires_at: row.access_expires_at,
            refresh_token: opened(&row.refresh_token, REFRESH)?,
            scope: row.scope,
        },
        client_id: row.client_id,
        user_id: row.user_id,
        user_email: row.user_email,
        authorized_at: row.authorized_at,
        refreshed_at: row.refreshed_at,
    })
}

impl HeldTokens for HeldStore {
    fn load(&mut self) -> BoxFuture<'_, Result<Option<StoredTokens>, StoreError>> {
        async move { Ok(self.read().await?.map(|a| a.tokens)) }.boxed()
    }

    fn save<'a>(&'a mut self, tokens: &'a StoredTokens) -> BoxFuture<'a, Result<(), StoreError>> {
        async move {
            let sealed = self.sealed(tokens);
            if self
                .row
                .refreshed(&sealed)
                .await
                .map_err(OAuthError::from)?
            {
                Ok(())
            } else {
                Err(OAuthError::Removed.into())
            }
        }
        .boxed()
    }

    fn release(self: Box<Self>) -> BoxFuture<'static, ()> {
        HeldStore::release(*self).boxed()
    }
}
