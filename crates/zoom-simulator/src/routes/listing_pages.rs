//! Counts each listing's pages by their place in the listing ([`SimStats::listing_pages`]), from
//! outside the handlers: the query says how a page was asked for, and the answer's
//! `next_page_token` where the listing goes next.
//!
//! [`SimStats::listing_pages`]: crate::SimStats::listing_pages

use std::sync::Arc;

use axum::body::{Body, HttpBody, to_bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use serde::Deserialize;
use tokio::time::Instant;

use crate::state::SimState;
use crate::stats::PageAsked;
use zoom_api::endpoint::Endpoint;

/// `route` (a listing's GET), with its pages counted under `endpoint`.
pub(crate) fn counted(
    state: &Arc<SimState>,
    endpoint: Endpoint,
    route: MethodRouter<Arc<SimState>>,
) -> MethodRouter<Arc<SimState>> {
    route.layer(from_fn_with_state(
        Arc::clone(state),
        move |State(state): State<Arc<SimState>>, request: Request, next: Next| {
            count(state, endpoint, request, next)
        },
    ))
}

async fn count(state: Arc<SimState>, endpoint: Endpoint, request: Request, next: Next) -> Response {
    let asked = asked(request.uri().query().unwrap_or(""));
    let response = next.run(request).await;
    // A streamed answer (an injected oversized one) is not a page: passed on as it is.
    if !response.status().is_success() || response.body().size_hint().exact().is_none() {
        return response;
    }
    let (parts, body) = response.into_parts();
    // A listing page is one JSON document already in memory.
    let bytes = match to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(e) => {
            let message = format!("the simulator could not read its own answer: {e}");
            return (StatusCode::INTERNAL_SERVER_ERROR, message).into_response();
        }
    };
    let next_token = serde_json::from_slice::<NextToken>(&bytes)
        .ok()
        .and_then(|answer| answer.next_page_token)
        .filter(|token| !token.is_empty());
    state
        .lock()
        .stats
        .page(endpoint, &asked, next_token.as_deref(), Instant::now());
    Response::from_parts(parts, Body::from(bytes))
}

#[derive(Deserialize)]
struct NextToken {
    next_page_token: Option<String>,
}

/// As the handlers read it: a token wins over a page number, and empty values count as absent.
fn asked(query: &str) -> PageAsked {
    let mut number = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
        match &*key {
            "next_page_token" if !value.is_empty() => return PageAsked::Token(value.into_owned()),
            "page_number" => number = value.parse::<u32>().ok().filter(|n| *n > 1),
            _ => {}
        }
    }
    number.map_or(PageAsked::First, PageAsked::Number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_is_asked_for_by_token_by_number_or_first() {
        assert_eq!(asked(""), PageAsked::First);
        assert_eq!(
            asked("status=active&page_size=300&next_page_token="),
            PageAsked::First
        );
        assert_eq!(asked("page_number=1"), PageAsked::First);
        assert_eq!(asked("page_size=300&page_number=3"), PageAsked::Number(3));
        assert_eq!(
            asked("page_number=2&next_page_token=abc"),
            PageAsked::Token("abc".into())
        );
    }
}
