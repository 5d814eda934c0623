//! `POST /oauth/token` for Server-to-Server OAuth
//! (<https://developers.zoom.us/docs/rooms/s2s-oauth/>): Basic client authentication,
//! `grant_type=account_credentials` and `account_id` in the form body or the query string. Errors
//! use the token endpoint's own shape, `{"reason","error"}`, not the API's `{"code","message"}`. A
//! [`TokenAnswer`] fault makes the answer odd, with a live token in it.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::{AUTHORIZATION, HOST};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use tokio::time::Instant;

use crate::config::SimCredentials;
use crate::rules::faults::TokenAnswer;
use crate::rules::respond;
use crate::state::SimState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenRequestError {
    NoClient,
    BadClient,
    NoGrantType,
    UnsupportedGrantType,
    BadAccount,
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
    let verdict = check(&state.credentials, authorization, &params);
    let mut inner = state.lock();
    inner.stats.token_request();
    if let Err(refusal) = verdict {
        tracing::debug!(?refusal, "token request refused");
        return refusal.into_response();
    }
    let access_token = inner.tokens.issue(now);
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

fn check(
    expected: &SimCredentials,
    authorization: Option<&str>,
    params: &HashMap<String, String>,
) -> Result<(), TokenRequestError> {
    let (client_id, client_secret) = authorization
        .and_then(basic_credentials)
        .ok_or(TokenRequestError::NoClient)?;
    if client_id != expected.client_id || client_secret != expected.client_secret {
        return Err(TokenRequestError::BadClient);
    }
    match params.get("grant_type").map(String::as_str) {
        None | Some("") => return Err(TokenRequestError::NoGrantType),
        Some("account_credentials") => {}
        Some(_) => return Err(TokenRequestError::UnsupportedGrantType),
    }
    if params.get("account_id") != Some(&expected.account_id) {
        return Err(TokenRequestError::BadAccount);
    }
    Ok(())
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
        assert_eq!(check(&creds, Some(&auth), &good), Ok(()));
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
