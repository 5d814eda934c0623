//! `next_page_token`s: opaque strings that remember the query and where the next page starts,
//! valid for a fixed time (Zoom: 15 minutes). A token may be presented again while it lives,
//! because a client retrying a failed page must get the same page.

use std::collections::HashMap;
use std::time::Duration;

use rand::RngExt;
use rand::distr::Alphanumeric;
use tokio::time::Instant;

use crate::rules::respond::{self, Refusal};
use zoom_api::endpoint::Endpoint;

/// One page of `total` records: `start..end`, its 1-based number, and how many pages there are.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Page {
    pub start: usize,
    pub end: usize,
    pub number: usize,
    pub count: usize,
}

impl Page {
    pub fn at(total: usize, page_size: u32, offset: usize) -> Page {
        let size = (page_size as usize).max(1);
        let start = offset.min(total);
        Page {
            start,
            end: start.saturating_add(size).min(total),
            number: offset / size + 1,
            count: total.div_ceil(size),
        }
    }
}

/// Where a listing continues.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Cursor<Q> {
    pub query: Q,
    pub offset: usize,
}

pub(crate) struct PageTokens<Q> {
    ttl: Duration,
    live: HashMap<String, (Cursor<Q>, Instant)>,
}

impl<Q: Clone> PageTokens<Q> {
    pub fn new(ttl: Duration) -> Self {
        PageTokens {
            ttl,
            live: HashMap::new(),
        }
    }

    pub fn issue(&mut self, cursor: Cursor<Q>, now: Instant) -> String {
        self.live.retain(|_, (_, expires)| *expires > now);
        // Zoom's tokens are 35 alphanumerics; clients must not read anything into them.
        let token: String = rand::rng()
            .sample_iter(Alphanumeric)
            .take(35)
            .map(char::from)
            .collect();
        self.live.insert(token.clone(), (cursor, now + self.ttl));
        token
    }

    /// The cursor behind `token`, or `None` when it is unknown or expired: Zoom answers both
    /// the same way.
    pub fn resolve(&self, token: &str, now: Instant) -> Option<Cursor<Q>> {
        self.live
            .get(token)
            .filter(|(_, expires)| *expires > now)
            .map(|(cursor, _)| cursor.clone())
    }

    pub fn expire_all(&mut self) {
        self.live.clear();
    }

    /// The cursor `token` stands for, or without one the first page of `first`; an unknown or
    /// expired token gets Zoom's 300.
    pub fn start(&self, token: Option<&str>, first: Q, now: Instant) -> Result<Cursor<Q>, Refusal> {
        match token {
            Some(token) => self
                .resolve(token, now)
                .ok_or_else(|| respond::page_token_invalid().into()),
            None => Ok(Cursor {
                query: first,
                offset: 0,
            }),
        }
    }

    /// Where the page starting at `cursor` ends among `total` records, and the token for the
    /// next page (empty on the last).
    pub fn serve(
        &mut self,
        cursor: &Cursor<Q>,
        page_size: u32,
        total: usize,
        now: Instant,
    ) -> (Page, String) {
        let page = Page::at(total, page_size, cursor.offset);
        let next = if page.end < total {
            self.issue(
                Cursor {
                    query: cursor.query.clone(),
                    offset: page.end,
                },
                now,
            )
        } else {
            String::new()
        };
        (page, next)
    }
}

/// A `page_size` the listing accepts: 1 up to the endpoint's documented maximum.
pub(crate) fn parse_page_size(value: &str, endpoint: Endpoint) -> Option<u32> {
    let max = endpoint.max_page_size().unwrap_or(30);
    value.parse().ok().filter(|n| (1..=max).contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_the_records_once() {
        assert_eq!(
            Page::at(65, 30, 0),
            Page {
                start: 0,
                end: 30,
                number: 1,
                count: 3
            }
        );
        assert_eq!(
            Page::at(65, 30, 60),
            Page {
                start: 60,
                end: 65,
                number: 3,
                count: 3
            }
        );
        // Past the end (a high page_number) is an empty page, not an error.
        let beyond = Page::at(65, 30, 300);
        assert_eq!((beyond.start, beyond.end, beyond.number), (65, 65, 11));
        assert_eq!(Page::at(0, 30, 0).count, 0);
    }

    fn cursor(offset: usize) -> Cursor<&'static str> {
        Cursor {
            query: "active/30",
            offset,
        }
    }

    #[test]
    fn a_token_resolves_to_its_cursor_until_it_expires() {
        let t0 = Instant::now();
        let mut tokens = PageTokens::new(Duration::from_secs(900));
        let token = tokens.issue(cursor(30), t0);
        assert_eq!(token.len(), 35);
        assert_eq!(tokens.resolve(&token, t0), Some(cursor(30)));
        // Presenting it again (a retry) still works.
        let later = t0 + Duration::from_secs(899);
        assert_eq!(tokens.resolve(&token, later), Some(cursor(30)));
        assert_eq!(tokens.resolve(&token, t0 + Duration::from_secs(900)), None);
    }

    #[test]
    fn unknown_and_expired_tokens_do_not_resolve() {
        let t0 = Instant::now();
        let mut tokens = PageTokens::new(Duration::from_secs(900));
        let token = tokens.issue(cursor(60), t0);
        assert_eq!(
            tokens.resolve("IAfJX3jsOLW7w3dokmFl84zOa0MAVGyMEB2", t0),
            None
        );
        tokens.expire_all();
        assert_eq!(tokens.resolve(&token, t0), None);
    }

    #[test]
    fn issuing_drops_dead_tokens() {
        let t0 = Instant::now();
        let mut tokens = PageTokens::new(Duration::from_secs(1));
        tokens.issue(cursor(1), t0);
        tokens.issue(cursor(2), t0 + Duration::from_secs(5));
        assert_eq!(tokens.live.len(), 1);
    }
}
