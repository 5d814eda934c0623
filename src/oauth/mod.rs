//! The daemon's side of an OAuth app a user authorizes (`zoom.auth = "oauth"`): the tokens
//! encrypted under `ZOOM_MIRROR_TOKEN_KEY` ([`key`]), kept in `zoom.oauth_tokens` as the
//! client's [`TokenStore`](crate::zoom::token_store::TokenStore) ([`store`]), and the redirect
//! that brings `auth login` its code ([`redirect`]). Zoom's endpoints themselves are in
//! [`crate::zoom::oauth`].

mod error;
pub mod key;
pub mod redirect;
pub mod store;

pub use error::OAuthError;
pub use key::TokenKey;
pub use store::DbTokenStore;
