//! `next_page_token`s: opaque strings that remember the query and where the next page starts,
//! valid for a fixed time (Zoom: 15 minutes, ZOOM-API.md §4). A token may be presented again
//! while it lives, because a client retrying a failed page must get the same page.

use std::collections::HashMap;
use std::time::Duration;

use rand::RngExt;
use rand::distr::Alphanumeric;
use tokio::time::Instant;

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
}

#[cfg(test)]
mod tests {
    use super::*;

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
