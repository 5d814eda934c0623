//! What every API call goes through before its handler, in Zoom's order as far as it can be
//! observed: injected faults (the wire), the bearer token (401/124), the scope (400/4711), then
//! the account's rate limits (429). The call is counted on arrival, whatever its answer. A
//! refusal here comes before the handler, so a write refused here changes nothing.
//!
//! Every endpoint is an [`Api`]: its [`Endpoint`] and the function that answers a [`Call`], so
//! that no endpoint writes the gate, the extraction or the rate-limit headers again.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::handler::Handler;
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use tokio::time::Instant;

use crate::rules::faults::FaultKind;
use crate::rules::limits::{Limited, Quota, next_utc_midnight};
use crate::rules::respond::{self, Refusal};
use crate::rules::tokens::{TokenError, missing_scope};
use crate::state::SimState;
use zoom_api::codes::{INVALID_ACCESS_TOKEN, MISSING_SCOPE};
use zoom_api::endpoint::Endpoint;

/// What an endpoint's answer gets of its request, read once the gate let it through.
pub(crate) struct Call {
    pub endpoint: Endpoint,
    pub uri: Uri,
    /// The raw query string; empty when there is none.
    pub query: String,
    /// Empty for a `GET`, whose body is never read.
    pub body: Bytes,
    /// When the gate let the call through, on the wall clock and on tokio's.
    pub now: DateTime<Utc>,
    pub instant: Instant,
}

/// An endpoint as axum serves it: its request through [`gate`], then `answer`, a function of
/// the [`Call`] whose success or refusal gets the gate's report added.
#[derive(Clone, Copy)]
pub(crate) struct Api<F> {
    endpoint: Endpoint,
    answer: F,
}

impl<F> Api<F>
where
    F: Fn(&SimState, &Call) -> Result<Response, Refusal>,
{
    pub fn new(endpoint: Endpoint, answer: F) -> Self {
        Api { endpoint, answer }
    }
}

impl<F> Handler<(), Arc<SimState>> for Api<F>
where
    F: Fn(&SimState, &Call) -> Result<Response, Refusal> + Clone + Send + Sync + 'static,
{
    type Future = Pin<Box<dyn Future<Output = Response> + Send>>;

    fn call(self, request: Request, state: Arc<SimState>) -> Self::Future {
        Box::pin(async move {
            let uri = request.uri().clone();
            let headers = request.headers().clone();
            let body = if request.method() == Method::GET {
                Bytes::new()
            } else {
                // Within axum's body limit, as the `Bytes` extractor reads it.
                match Bytes::from_request(request, &state).await {
                    Ok(body) => body,
                    Err(rejection) => return rejection.into_response(),
                }
            };
            serve(&state, self.endpoint, &headers, || {
                let call = Call {
                    endpoint: self.endpoint,
                    query: uri.query().unwrap_or_default().to_owned(),
                    uri,
                    body,
                    now: Utc::now(),
                    instant: Instant::now(),
                };
                (self.answer)(&state, &call)
            })
            .await
        })
    }
}

/// `Ok` with what the success response reports about the rate limit, or the refusal to send.
async fn gate(
    state: &SimState,
    endpoint: Endpoint,
    headers: &HeaderMap,
) -> Result<Quota, Response> {
    let label = endpoint.label();
    let triggered = {
        let mut inner = state.lock();
        inner.stats.call(endpoint, Instant::now());
        inner.faults.on_call(endpoint)
    };
    if !triggered.latency.is_zero() {
        tokio::time::sleep(triggered.latency).await;
    }
    if let Some(refusal) = triggered
        .answer
        .and_then(|kind| fault_answer(state, endpoint, kind))
    {
        tracing::debug!(%endpoint, status = %refusal.status(), "injected fault answered");
        return Err(refusal);
    }

    let now = Instant::now();
    let mut inner = state.lock();
    bearer(headers)
        .ok_or(TokenError::Invalid)
        .and_then(|token| inner.tokens.check(token, now))
        .map_err(token_refusal)?;
    if let Some(scope) = missing_scope(endpoint, &state.scopes) {
        return Err(respond::zoom_error(
            StatusCode::BAD_REQUEST,
            MISSING_SCOPE,
            format!("Invalid access token, does not contain scopes:[{scope}]"),
        ));
    }
    match inner.limiter.admit(label, now, Utc::now()) {
        Ok(quota) => Ok(Quota {
            stall: triggered.stall,
            nul_in_text: triggered.nul_in_text,
            ..quota
        }),
        Err(limited) => {
            let limited = match limited {
                Limited::Window { .. } => {
                    inner.stats.over_limit(label);
                    without_retry_after(limited, state.qps_retry_after)
                }
                Limited::Daily { .. } => {
                    inner.stats.over_daily_limit(label);
                    limited
                }
            };
            tracing::debug!(%endpoint, ?limited, "rate limited");
            Err(respond::limited(&limited))
        }
    }
}

/// A call through the gate, then `handle`: its answer, a success or a refusal, carries what
/// the gate reports (rate-limit headers, a stall).
async fn serve(
    state: &SimState,
    endpoint: Endpoint,
    headers: &HeaderMap,
    handle: impl FnOnce() -> Result<Response, Refusal>,
) -> Response {
    match gate(state, endpoint, headers).await {
        Ok(quota) => {
            let answer = handle().unwrap_or_else(IntoResponse::into_response);
            respond::with_quota(answer, &quota)
        }
        Err(refusal) => refusal,
    }
}

/// The response an injected fault gives instead of Zoom's; `None` lets the call go on (to a
/// 401, after [`FaultKind::RevokeTokens`]).
fn fault_answer(state: &SimState, endpoint: Endpoint, kind: FaultKind) -> Option<Response> {
    let label = endpoint.label();
    let mut inner = state.lock();
    match kind {
        FaultKind::Html5xx { status } => Some(respond::html_error(status)),
        FaultKind::ZoomError {
            status,
            code,
            message,
        } => Some(respond::zoom_error(respond::status(status), code, message)),
        FaultKind::RateLimitBurst { retry_after } => {
            inner.stats.injected_429(label);
            Some(respond::limited(&Limited::Window {
                label,
                limit: inner.limiter.window_requests(label),
                retry_after: retry_after.map(Duration::from_secs),
            }))
        }
        FaultKind::DailyLimit => {
            inner.stats.injected_429(label);
            Some(respond::limited(&Limited::Daily {
                label,
                limit: inner.limiter.daily_cap(label),
                resets_at: next_utc_midnight(Utc::now()),
            }))
        }
        FaultKind::RevokeTokens => {
            inner.tokens.revoke_all();
            None
        }
        FaultKind::OversizedAnswer { bytes } => Some(respond::oversized(bytes)),
        FaultKind::Latency(_)
        | FaultKind::StallResponse(_)
        | FaultKind::NulInText
        | FaultKind::TokenAnswer(_) => None,
    }
}

/// Zoom documents no `Retry-After` on per-second 429s; the simulator sends one only on request.
fn without_retry_after(limited: Limited, keep: bool) -> Limited {
    match limited {
        Limited::Window {
            label,
            limit,
            retry_after,
        } => Limited::Window {
            label,
            limit,
            retry_after: retry_after.filter(|_| keep),
        },
        daily => daily,
    }
}

fn token_refusal(error: TokenError) -> Response {
    respond::zoom_error(
        StatusCode::UNAUTHORIZED,
        INVALID_ACCESS_TOKEN,
        error.message(),
    )
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn only_a_bearer_token_counts() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        assert_eq!(bearer(&headers), Some("abc"));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("bearer  abc "));
        assert_eq!(bearer(&headers), Some("abc"));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&headers), None);
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer(&headers), None);
    }
}
