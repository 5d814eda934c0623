//! Listings as a stream of pages over `next_page_token`, at the endpoint's largest page size.
//! Where Zoom still pages by number (List webinars documents no `next_page_token` parameter),
//! a listing whose first answer has no token but more than one page is followed by number
//! instead. The first answer decides, and a listing never switches mode.
//!
//! A page token lives 15 minutes. When one expires (HTTP 400, code 300) the listing starts again
//! from the first page rather than failing or passing a partial list off as complete, so the
//! stream ends only after a complete listing. Pages may then repeat: consumers must be idempotent.

use chrono::{DateTime, Utc};
use futures::Stream;
use serde_json::Value;

use super::client::ZoomClient;
use super::error::{ZoomError, snippet};
use zoom_api::endpoint::Endpoint;

/// Restarts allowed before the listing is declared impossible to finish.
const MAX_RESTARTS: u32 = 3;

#[derive(Debug)]
pub struct Page {
    pub items: Vec<Value>,
    /// Zoom's `total_records`: a cross-check, not a guarantee.
    pub total_records: Option<u64>,
    /// This page begins the listing: it is the first, or the first after a restart.
    pub begins_listing: bool,
    /// The rest of the answer (`from`, `to`, `page_size` …), the items taken out.
    pub meta: Value,
    /// The client's clock just before the page was asked for: Zoom's data on it is at least
    /// this new, so it is the rows' source time (never later than Zoom served them).
    pub asked_at: DateTime<Utc>,
}

impl Page {
    /// The page read into the mirror's objects by `read`, which gives `None` for an object the
    /// mirror cannot key.
    pub fn read<T>(self, read: impl FnMut(Value) -> Option<T>) -> ListedPage<T> {
        let listed = self.items.len();
        let items: Vec<T> = self.items.into_iter().filter_map(read).collect();
        ListedPage {
            unreadable: listed - items.len(),
            items,
            announced: self.begins_listing.then_some(self.total_records).flatten(),
            asked_at: self.asked_at,
        }
    }
}

/// One page of a listing, read into typed objects.
#[derive(Debug)]
pub struct ListedPage<T> {
    pub items: Vec<T>,
    /// Objects the mirror cannot key (no id, no email …): they are skipped.
    pub unreadable: usize,
    /// On the page that begins a listing (the first, or the first after a restart), the
    /// `total_records` Zoom announced for the whole listing; `None` on the others.
    pub announced: Option<u64>,
    /// When the page was asked for: the source time of the rows it writes.
    pub asked_at: DateTime<Utc>,
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
    Next { next: Next, restarts: u32 },
    Done,
}

/// How the following page is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Next {
    Token(String),
    Number(u64),
}

pub fn pages(
    client: &ZoomClient,
    listing: Listing,
) -> impl Stream<Item = Result<Page, ZoomError>> + '_ {
    futures::stream::try_unfold(
        (Cursor::First { restarts: 0 }, listing),
        move |(mut cursor, listing)| async move {
            loop {
                let (next, restarts) = match &cursor {
                    Cursor::Done => return Ok(None),
                    Cursor::First { restarts } => (None, *restarts),
                    Cursor::Next { next, restarts } => (Some(next), *restarts),
                };
                match fetch(client, &listing, next).await {
                    Ok(Fetched {
                        items,
                        meta,
                        asked_at,
                    }) => {
                        let cursor = match following(&meta, next) {
                            Some(next) => Cursor::Next { next, restarts },
                            None => Cursor::Done,
                        };
                        let page = Page {
                            items,
                            total_records: meta.get("total_records").and_then(Value::as_u64),
                            begins_listing: next.is_none(),
                            meta,
                            asked_at,
                        };
                        return Ok(Some((page, (cursor, listing))));
                    }
                    Err(e) if matches!(next, Some(Next::Token(_))) && e.is_page_token_expired() => {
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

/// One answer: its items, the rest of it, and when it was asked for.
struct Fetched {
    items: Vec<Value>,
    meta: Value,
    asked_at: DateTime<Utc>,
}

async fn fetch(
    client: &ZoomClient,
    listing: &Listing,
    next: Option<&Next>,
) -> Result<Fetched, ZoomError> {
    let page_size = listing.endpoint.max_page_size().unwrap_or(30).to_string();
    let mut query: Vec<(&str, &str)> = listing
        .query
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    query.push(("page_size", &page_size));
    let number;
    match next {
        Some(Next::Token(token)) => query.push(("next_page_token", token)),
        Some(Next::Number(n)) => {
            number = n.to_string();
            query.push(("page_number", &number));
        }
        None => {}
    }
    // Before the first attempt: the client's retries only make Zoom's answer newer than this.
    let asked_at = client.clock().now();
    let mut body = client.get(listing.endpoint, &listing.path, &query).await?;
    let Some(Value::Array(items)) = body.get_mut(listing.key).map(Value::take) else {
        // Never treat a malformed answer as an empty page: that would read as deletions.
        return Err(ZoomError::Decode {
            what: listing.endpoint.to_string(),
            reason: format!("no `{}` array in the listing", listing.key),
            snippet: snippet(body.to_string().as_bytes()),
        });
    };
    Ok(Fetched {
        items,
        meta: body,
        asked_at,
    })
}

/// The page after this answer, which was asked for as `asked`. The first answer decides how
/// the listing goes on: by token when it gives one, else by number while there are more pages.
/// A listing never changes mode: Zoom's token listings also carry `page_number` and
/// `page_count`, and reading those after the last token page would start the listing over. By
/// number, the number counts the pages asked for, not what the answer echoes, so an answer
/// stuck on one `page_number` cannot keep the listing going.
fn following(body: &Value, asked: Option<&Next>) -> Option<Next> {
    let token = body
        .get("next_page_token")
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty());
    let by_number = |number: u64| {
        let count = body.get("page_count").and_then(Value::as_u64)?;
        (number < count).then_some(Next::Number(number + 1))
    };
    match asked {
        Some(Next::Token(_)) => token.map(|t| Next::Token(t.to_owned())),
        Some(Next::Number(n)) => by_number(*n),
        None => match token {
            Some(t) => Some(Next::Token(t.to_owned())),
            None => by_number(1),
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_first_answer_decides_between_tokens_and_page_numbers() {
        let token = json!({"next_page_token": "abc", "page_number": 1, "page_count": 3});
        assert_eq!(following(&token, None), Some(Next::Token("abc".into())));
        let first = json!({"next_page_token": "", "page_number": 1, "page_count": 3});
        assert_eq!(following(&first, None), Some(Next::Number(2)));
        let numbered = json!({"next_page_token": "", "page_number": 2, "page_count": 3});
        assert_eq!(
            following(&numbered, Some(&Next::Number(2))),
            Some(Next::Number(3))
        );
        let last = json!({"next_page_token": "", "page_number": 3, "page_count": 3});
        assert_eq!(following(&last, Some(&Next::Number(3))), None);
        assert_eq!(following(&json!({"page_size": 300}), None), None);
        // An answer that ignores page_number still ends at page_count.
        let stuck = json!({"next_page_token": "", "page_number": 1, "page_count": 3});
        assert_eq!(following(&stuck, Some(&Next::Number(3))), None);
    }

    #[test]
    fn a_token_listing_ends_with_its_last_token_page() {
        // Zoom's last token page still says page 1 of 3: reading on by number would read page 2
        // again and follow its token round for ever.
        let last = json!({"next_page_token": "", "page_number": 1, "page_count": 3});
        let asked = Next::Token("abc".into());
        assert_eq!(following(&last, Some(&asked)), None);
        let absent = json!({"page_number": 3, "page_count": 3});
        assert_eq!(following(&absent, Some(&asked)), None);
        // A page asked by number never turns into a token listing.
        let mixed = json!({"next_page_token": "xyz", "page_number": 3, "page_count": 3});
        assert_eq!(following(&mixed, Some(&Next::Number(3))), None);
    }
}
