//! Listings as a stream of pages over `next_page_token`, at the endpoint's largest page size.
//!
//! A page token lives 15 minutes. When one expires (HTTP 400, code 300) the listing starts again
//! from the first page rather than failing or passing a partial list off as complete, so the
//! stream ends only after a complete listing. Pages may then repeat: consumers must be idempotent.

use futures::Stream;
use serde_json::Value;

use super::client::ZoomClient;
use super::endpoint::Endpoint;
use super::error::{ZoomError, snippet};

/// Restarts allowed before the listing is declared impossible to finish.
const MAX_RESTARTS: u32 = 3;

#[derive(Debug)]
pub struct Page {
    pub items: Vec<Value>,
    /// Zoom's `total_records`: a cross-check, not a guarantee.
    pub total_records: Option<u64>,
    /// This page is the first of a listing started again after an expired page token.
    pub restarted: bool,
}

/// A listing: endpoint, path and fixed query parameters (`page_size` is added).
pub struct Listing {
    pub endpoint: Endpoint,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    /// The array in the answer that holds the items (`users`, `meetings` …).
    pub key: &'static str,
}

enum Cursor {
    First { restarts: u32 },
    Next { token: String, restarts: u32 },
    Done,
}

pub fn pages(
    client: &ZoomClient,
    listing: Listing,
) -> impl Stream<Item = Result<Page, ZoomError>> + '_ {
    futures::stream::try_unfold(
        (Cursor::First { restarts: 0 }, listing),
        move |(mut cursor, listing)| async move {
            loop {
                let (token, restarts) = match &cursor {
                    Cursor::Done => return Ok(None),
                    Cursor::First { restarts } => (None, *restarts),
                    Cursor::Next { token, restarts } => (Some(token.as_str()), *restarts),
                };
                match fetch(client, &listing, token).await {
                    Ok((items, total_records, next)) => {
                        let page = Page {
                            items,
                            total_records,
                            restarted: token.is_none() && restarts > 0,
                        };
                        let next = match next {
                            Some(token) => Cursor::Next { token, restarts },
                            None => Cursor::Done,
                        };
                        return Ok(Some((page, (next, listing))));
                    }
                    Err(e) if token.is_some() && e.is_page_token_expired() => {
                        if restarts >= MAX_RESTARTS {
                            return Err(ZoomError::ListingNeverCompleted {
                                endpoint: listing.endpoint,
                                restarts,
                            });
                        }
                        tracing::warn!(endpoint = %listing.endpoint, path = listing.path, "page token expired; listing again from the first page");
                        cursor = Cursor::First {
                            restarts: restarts + 1,
                        };
                    }
                    Err(e) => return Err(e),
                }
            }
        },
    )
}

type Fetched = (Vec<Value>, Option<u64>, Option<String>);

async fn fetch(
    client: &ZoomClient,
    listing: &Listing,
    token: Option<&str>,
) -> Result<Fetched, ZoomError> {
    let page_size = listing.endpoint.max_page_size().unwrap_or(30).to_string();
    let mut query: Vec<(&str, &str)> = listing
        .query
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    query.push(("page_size", &page_size));
    if let Some(token) = token {
        query.push(("next_page_token", token));
    }
    let mut body = client.get(listing.endpoint, &listing.path, &query).await?;
    let Some(Value::Array(items)) = body.get_mut(listing.key).map(Value::take) else {
        // Never treat a malformed answer as an empty page: that would read as deletions.
        return Err(ZoomError::Decode {
            what: listing.endpoint.to_string(),
            reason: format!("no `{}` array in the listing", listing.key),
            snippet: snippet(body.to_string().as_bytes()),
        });
    };
    let total_records = body.get("total_records").and_then(Value::as_u64);
    let next = body
        .get("next_page_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    Ok((items, total_records, next))
}
