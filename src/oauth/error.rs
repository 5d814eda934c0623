//! What can go wrong with a user's authorization, each saying what to do. None quotes a token,
//! a code or the key.

use std::time::Duration;

use crate::db::DbError;
use crate::zoom::ZoomError;

#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    #[error(
        "the stored {column} was encrypted with another ZOOM_MIRROR_TOKEN_KEY (or altered); set \
         the key it was stored with, or run `zoom-mirror auth login` again"
    )]
    WrongKey { column: &'static str },

    #[error(
        "the authorization was removed (`zoom-mirror auth logout`) while its tokens were being \
         refreshed; run `zoom-mirror auth login`"
    )]
    Removed,

    #[error("{0}")]
    Db(#[from] DbError),

    #[error("{0}")]
    Zoom(#[from] ZoomError),

    #[error(
        "the redirect URI {uri} cannot be listened on ({reason}); give an http URI on this \
         machine, e.g. http://127.0.0.1:8765/oauth/callback, or use --no-listen"
    )]
    RedirectUri { uri: String, reason: String },

    #[error(
        "cannot listen on {addr} for the redirect: {reason}; free the port or pick another --redirect-uri"
    )]
    Listen { addr: String, reason: String },

    #[error(
        "no redirect came within {} minutes; run `zoom-mirror auth login` again and open the URL \
         it prints (or use --no-listen and paste the URL the browser was sent to)",
        .waited.as_secs() / 60
    )]
    Timeout { waited: Duration },

    #[error(
        "the redirect's state does not match the one this login sent: it belongs to another \
         login (or was forged); run `zoom-mirror auth login` again and use the URL it prints"
    )]
    StateMismatch,

    #[error("Zoom did not authorize the app: {error}; run `zoom-mirror auth login` again")]
    Denied { error: String },

    #[error(
        "the redirect URL has no `code`; paste the whole URL the browser was sent to after \
         authorizing, starting with the redirect URI"
    )]
    NoCode,
}
