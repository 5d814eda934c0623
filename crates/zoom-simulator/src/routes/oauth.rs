//! Zoom's OAuth endpoints. `POST /oauth/token` with Basic client authentication and its grant in
//! the form body or the query string: `account_credentials` and `account_id` for a
//! Server-to-Server app (<https://developers.zoom.us/docs/rooms/s2s-oauth/>), and for an app a
//! user authorizes (<https://developers.zoom.us/docs/integrations/oauth/>) `authorization_code`
//! (with `code`, `redirect_uri` and the PKCE `code_verifier`) and `refresh_token`, whose answers
//! carry a refresh token. `GET /oauth/authorize` consents at once, as the account's owner, and
//! redirects (302) with `code` and `state`; `POST /oauth/revoke?token=…` ends an authorization.
//! Errors use the token endpoint's own shape, `{"reason","error"}`, not the API's
//! `{"code","message"}`. A [`TokenAnswer`] fault makes the answer odd, with a live token in it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::{AUTHORIZATION, HOST, LOCATION};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use tokio::time::Instant;

use crate::config::SimCredentials;
use crate::rules::faults::TokenAnswer;
use crate::rules::grants::GrantRefusal;
use crate::rules::respond;
use crate::state::SimState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenRequestError {
    NoClient,
    BadClient,
    NoGrantType,
    UnsupportedGrantType,
    BadAccount,
    /// A parameter the grant needs is missing.
    Missing(&'static str),
    Grant(GrantRefusal),
}

impl IntoResponse for TokenRequestError {
    fn into_response(self) -> Response {
        let (status, error, reason) = match self {
            TokenRequestError::NoClient => (
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client ID or client secret is missing.",
            ),
            TokenRequestError::BadClient => (
                StatusCode::BAD_REQUEST,
                "invalid_client",
                "Invalid client_id or client_secret",
            ),
            TokenRequestError::NoGrantType => (
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Missing grant type",
            ),
            TokenRequestError::UnsupportedGrantType => (
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "unsupported grant type",
            ),
            TokenRequestError::BadAccount => (
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Invalid account_id",
            ),
            TokenRequestError::Missing(name) => {
                let reason = format!("Missing {name}");
                let body = json!({ "reason": reason, "error": "invalid_request" });
                return (StatusCode::BAD_REQUEST, Json(body)).into_response();
            }
            TokenRequestError::Grant(refusal) => match refusal {
                GrantRefusal::CodeExpired => {
                    (StatusCode::BAD_REQUEST, "invalid_grant", "Code is expired")
                }
                GrantRefusal::InvalidCode => (
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Invalid authorization code",
                ),
                GrantRefusal::RedirectMismatch => (
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "Redirect URI mismatch.",
                ),
                GrantRefusal::VerifierMismatch => (
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "Invalid code verifier",
                ),
                GrantRefusal::InvalidToken => {
                    (StatusCode::BAD_REQUEST, "invalid_grant", "Invalid Token!")
                }
            },
        };
        (status, Json(json!({ "reason": reason, "error": error }))).into_response()
    }
}

pub(crate) async fn token(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let now = Instant::now();
    // Body values win over the query string; Zoom's docs show both forms.
    let params: HashMap<String, String> =
        url::form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes())
            .chain(url::form_urlencoded::parse(&body))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let authorization = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    let mut inner = state.lock();
    inner.stats.token_request();
    let verdict = check(&state.credentials, authorization, &params).and_then(|grant| {
        let param = |name| params.get(name).map(String::as_str);
        match grant {
            Grant::Account => Ok(None),
            Grant::Code => {
                let code = param("code").ok_or(TokenRequestError::Missing("code"))?;
                inner
                    .grants
                    .redeem(code, param("redirect_uri"), param("code_verifier"), now)
                    .map(Some)
                    .map_err(TokenRequestError::Grant)
            }
            Grant::Refresh => {
                let token =
                    param("refresh_token").ok_or(TokenRequestError::Missing("refresh_token"))?;
                inner
                    .grants
                    .refresh(token)
                    .map(Some)
                    .map_err(TokenRequestError::Grant)
            }
        }
    });
    let refresh_token = match verdict {
        Ok(refresh_token) => refresh_token,
        Err(refusal) => {
            tracing::debug!(?refusal, "token request refused");
            return refusal.into_response();
        }
    };
    let access_token = inner.tokens.issue(now);
    if refresh_token.is_some() {
        inner.grants.gave(access_token.clone());
    }
    let expires_in = inner.tokens.ttl().as_secs();
    let odd = inner.faults.on_token_request();
    drop(inner);
    // Zoom names the API host for the region; here it is wherever the client reached us.
    let api_url = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .map_or_else(|| "http://127.0.0.1".to_owned(), |h| format!("http://{h}"));
    let mut answer = json!({
        "access_token": access_token,
        "token_type": "bearer",
        "expires_in": expires_in,
        "scope": state.scopes.join(" "),
        "api_url": api_url,
    });
    if let Some(refresh_token) = refresh_token {
        answer["refresh_token"] = refresh_token.into();
    }
    match odd {
        None => Json(answer).into_response(),
        Some(odd) => {
            tracing::debug!(?odd, "injected fault answered a token request");
            odd_answer(odd, &access_token, &mut answer)
        }
    }
}

/// `usual` (the usual answer, carrying `token`) made into the odd answer `odd`.
fn odd_answer(odd: TokenAnswer, token: &str, usual: &mut serde_json::Value) -> Response {
    let fields = usual
        .as_object_mut()
        .expect("the usual answer is a JSON object");
    match odd {
        TokenAnswer::ExpiresInText => {
            let text = fields["expires_in"].to_string();
            fields.insert("expires_in".into(), text.into());
        }
        TokenAnswer::ExpiresInMax => {
            fields.insert("expires_in".into(), u64::MAX.into());
        }
        TokenAnswer::ExpiresInMissing => {
            fields.remove("expires_in");
        }
        TokenAnswer::ExpiresInGarbage => {
            fields.insert("expires_in".into(), "soon".into());
        }
        TokenAnswer::AccessTokenMisnamed => {
            fields.remove("access_token");
            fields.insert("token".into(), token.into());
        }
        TokenAnswer::AccessTokenNotText => {
            fields.insert("access_token".into(), json!({ "value": token }));
        }
        TokenAnswer::Truncated => {
            let cut = format!(r#"{{"access_token":"{token}","token_type":"bearer","expires_in":"#);
            return (StatusCode::OK, cut).into_response();
        }
        TokenAnswer::ErrorWithToken { status } => {
            let body = json!({
                "reason": format!("Token {token} cannot be handed out now"),
                "error": "invalid_request",
                "access_token": token,
            });
            return (respond::status(status), Json(body)).into_response();
        }
    }
    Json(usual.take()).into_response()
}

/// The grant a token request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grant {
    Account,
    Code,
    Refresh,
}

/// The app and the grant type, and for a Server-to-Server grant its account.
fn check(
    expected: &SimCredentials,
    authorization: Option<&str>,
    params: &HashMap<String, String>,
) -> Result<Grant, TokenRequestError> {
    let (client_id, client_secret) = authorization
        .and_then(basic_credentials)
        .ok_or(TokenRequestError::NoClient)?;
    if client_id != expected.client_id || client_secret != expected.client_secret {
        return Err(TokenRequestError::BadClient);
    }
    match params.get("grant_type").map(String::as_str) {
        None | Some("") => Err(TokenRequestError::NoGrantType),
        Some("account_credentials") if params.get("account_id") == Some(&expected.account_id) => {
            Ok(Grant::Account)
        }
        Some("account_credentials") => Err(TokenRequestError::BadAccount),
        Some("authorization_code") => Ok(Grant::Code),
        Some("refresh_token") => Ok(Grant::Refresh),
        Some(_) => Err(TokenRequestError::UnsupportedGrantType),
    }
}

/// `GET /oauth/authorize`: the owner consents at once, and the browser is sent back to
/// `redirect_uri` with a code and the `state` it came with.
pub(crate) async fn authorize(
    State(state): State<Arc<SimState>>,
    RawQuery(query): RawQuery,
) -> Response {
    let params: HashMap<String, String> =
        url::form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    let refuse = |reason: &str| {
        let body = json!({ "reason": reason, "error": "invalid_request" });
        (StatusCode::BAD_REQUEST, Json(body)).into_response()
    };
    if params.get("client_id") != Some(&state.credentials.client_id) {
        return refuse("Invalid client_id");
    }
    if params.get("response_type").map(String::as_str) != Some("code") {
        return refuse("Unsupported response_type");
    }
    let Some(redirect) = params
        .get("redirect_uri")
        .and_then(|uri| url::Url::parse(uri).ok())
    else {
        return refuse("Invalid redirect_uri");
    };
    let challenge = match params.get("code_challenge_method").map(String::as_str) {
        None => None,
        Some("S256") => params.get("code_challenge").cloned(),
        Some(_) => return refuse("Unsupported code_challenge_method"),
    };
    let code = state
        .lock()
        .grants
        .authorize(redirect.as_str(), challenge, Instant::now());
    let mut back = redirect;
    back.query_pairs_mut().append_pair("code", &code);
    if let Some(sent) = params.get("state") {
        back.query_pairs_mut().append_pair("state", sent);
    }
    (StatusCode::FOUND, [(LOCATION, back.to_string())]).into_response()
}

/// `POST /oauth/revoke?token=…`: the authorization the token belongs to ends, its access
/// tokens with it. A token of no live authorization is answered the same: it is revoked.
pub(crate) async fn revoke(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let authorization = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    match authorization.and_then(basic_credentials) {
        Some((id, secret))
            if id == state.credentials.client_id && secret == state.credentials.client_secret => {}
        Some(_) => return TokenRequestError::BadClient.into_response(),
        None => return TokenRequestError::NoClient.into_response(),
    }
    let token = url::form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes())
        .find(|(name, _)| name == "token")
        .map(|(_, value)| value.into_owned());
    let Some(token) = token else {
        return TokenRequestError::Missing("token").into_response();
    };
    let mut inner = state.lock();
    for access in inner.grants.revoke(&token) {
        inner.tokens.revoke(&access);
    }
    Json(json!({ "status": "success" })).into_response()
}

/// `Basic base64(client_id:client_secret)`; `None` when it is not that.
fn basic_credentials(authorization: &str) -> Option<(String, String)> {
    let (scheme, encoded) = authorization.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(id: &str, secret: &str) -> String {
        format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
    }

    fn params(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_right_app_and_account_get_a_token() {
        let creds = SimCredentials::default();
        let auth = basic(&creds.client_id, &creds.client_secret);
        let good = params(&[
            ("grant_type", "account_credentials"),
            ("account_id", &creds.account_id),
        ]);
        assert_eq!(check(&creds, Some(&auth), &good), Ok(Grant::Account));
    }

    #[test]
    fn each_mistake_gets_its_own_refusal() {
        let creds = SimCredentials::default();
        let auth = basic(&creds.client_id, &creds.client_secret);
        let with =
            |grant: &str, account: &str| params(&[("grant_type", grant), ("account_id", account)]);
        let good = with("account_credentials", &creds.account_id);
        let cases = [
            (None, good.clone(), TokenRequestError::NoClient),
            (
                Some("Basic !!!".to_owned()),
                good.clone(),
                TokenRequestError::NoClient,
            ),
            (
                Some(basic(&creds.client_id, "wrong")),
                good.clone(),
                TokenRequestError::BadClient,
            ),
            (
                Some(auth.clone()),
                params(&[]),
                TokenRequestError::NoGrantType,
            ),
            (
                Some(auth.clone()),
                with("client_credentials", &creds.account_id),
                TokenRequestError::UnsupportedGrantType,
            ),
            (
                Some(basic(&creds.client_id, "wrong")),
                params(&[("grant_type", "refresh_token"), ("refresh_token", "x")]),
                TokenRequestError::BadClient,
            ),
            (
                Some(auth.clone()),
                with("account_credentials", "someone-else"),
                TokenRequestError::BadAccount,
            ),
        ];
        for (authorization, params, expected) in cases {
            assert_eq!(
                check(&creds, authorization.as_deref(), &params),
                Err(expected)
            );
        }
    }
}
