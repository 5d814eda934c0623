//! What the simulator saw, so tests can assert on the client's behaviour on the wire: how many
//! calls (per label and per endpoint), how many 429s and why, the most calls ever seen in one
//! limit window, and how many pages each listing ran to.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use tokio::time::Instant;

use crate::rules::limits::SlidingWindow;
use zoom_api::endpoint::Endpoint;
use zoom_api::plan::{Label, Plan, window_limit};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimStats {
    /// Requests to `POST /oauth/token`, successful or not.
    pub token_requests: u64,
    /// Every label has an entry, zero when unused.
    pub per_label: BTreeMap<Label, LabelStats>,
    /// API calls received per endpoint, counted on arrival whatever their answer; an endpoint
    /// never called has no entry.
    pub per_endpoint: HashMap<Endpoint, u64>,
    /// Pages each listing endpoint answered with success, by their place in their listing (1
    /// for a first page): how many listings ran, and how far. A page asked for by a token the
    /// simulator did not see issued (an expired one, one from before a reset) counts as a
    /// second page.
    pub listing_pages: HashMap<Endpoint, BTreeMap<u32, u64>>,
}

impl SimStats {
    /// Calls of `endpoint` received so far: a test polls this to know a request arrived.
    pub fn calls(&self, endpoint: Endpoint) -> u64 {
        self.per_endpoint.get(&endpoint).copied().unwrap_or(0)
    }

    /// Listings of `endpoint` started: first pages answered.
    pub fn listings(&self, endpoint: Endpoint) -> u64 {
        self.listing_pages
            .get(&endpoint)
            .and_then(|places| places.get(&1))
            .copied()
            .unwrap_or(0)
    }

    /// Pages of `endpoint` answered, first or not.
    pub fn pages(&self, endpoint: Endpoint) -> u64 {
        self.listing_pages
            .get(&endpoint)
            .map_or(0, |places| places.values().sum())
    }

    /// The furthest page of `endpoint` answered: the pages of its longest listing.
    pub fn longest_listing(&self, endpoint: Endpoint) -> u32 {
        self.listing_pages
            .get(&endpoint)
            .and_then(|places| places.keys().next_back())
            .copied()
            .unwrap_or(0)
    }
}

/// How a listing call asked for its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PageAsked {
    First,
    Number(u32),
    Token(String),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelStats {
    /// API calls received, whatever their answer.
    pub calls: u64,
    /// Calls refused 429 because the label's window limit was full (not injected faults).
    pub over_limit: u64,
    /// Calls refused 429 because the label's daily pool was spent (not injected faults).
    pub over_daily_limit: u64,
    /// 429s answered by injected faults.
    pub injected_429: u64,
    /// The most calls received within any one window of the label's limit (e.g. any 1 s),
    /// refused ones included: a client that paces itself keeps this at or under the limit.
    pub max_in_window: u32,
}

pub(crate) struct StatsRecorder {
    stats: SimStats,
    arrivals: BTreeMap<Label, SlidingWindow>,
    /// The place of the page each `next_page_token` handed out leads to, and when it was
    /// handed out; kept as long as such a token lives.
    token_places: HashMap<String, (u32, Instant)>,
    page_token_ttl: Duration,
}

impl StatsRecorder {
    pub fn new(plan: Plan, page_token_ttl: Duration) -> Self {
        StatsRecorder {
            stats: SimStats {
                token_requests: 0,
                per_label: Label::ALL
                    .into_iter()
                    .map(|l| (l, LabelStats::default()))
                    .collect(),
                per_endpoint: HashMap::new(),
                listing_pages: HashMap::new(),
            },
            arrivals: Label::ALL
                .into_iter()
                .map(|l| (l, SlidingWindow::new(window_limit(plan, l).per)))
                .collect(),
            token_places: HashMap::new(),
            page_token_ttl,
        }
    }

    /// A listing page answered with success: how it was asked for, and the token it handed
    /// out for the next page, if any.
    pub fn page(
        &mut self,
        endpoint: Endpoint,
        asked: &PageAsked,
        next: Option<&str>,
        now: Instant,
    ) {
        let place = match asked {
            PageAsked::First => 1,
            PageAsked::Number(n) => *n,
            PageAsked::Token(token) => self.token_places.get(token).map_or(2, |(place, _)| *place),
        };
        *self
            .stats
            .listing_pages
            .entry(endpoint)
            .or_default()
            .entry(place)
            .or_default() += 1;
        if let Some(token) = next {
            let ttl = self.page_token_ttl;
            self.token_places
                .retain(|_, (_, issued)| now.duration_since(*issued) < ttl);
            self.token_places
                .insert(token.to_owned(), (place.saturating_add(1), now));
        }
    }

    pub fn token_request(&mut self) {
        self.stats.token_requests += 1;
    }

    pub fn call(&mut self, endpoint: Endpoint, now: Instant) {
        *self.stats.per_endpoint.entry(endpoint).or_default() += 1;
        let label = endpoint.label();
        let in_window = self.arrivals.get_mut(&label).map_or(0, |w| {
            w.push(now);
            w.count(now)
        });
        let s = self.label(label);
        s.calls += 1;
        s.max_in_window = s
            .max_in_window
            .max(u32::try_from(in_window).unwrap_or(u32::MAX));
    }

    pub fn over_limit(&mut self, label: Label) {
        self.label(label).over_limit += 1;
    }

    pub fn over_daily_limit(&mut self, label: Label) {
        self.label(label).over_daily_limit += 1;
    }

    pub fn injected_429(&mut self, label: Label) {
        self.label(label).injected_429 += 1;
    }

    pub fn snapshot(&self) -> SimStats {
        self.stats.clone()
    }

    /// Starts counting afresh, windows included, so `max_in_window` covers only what follows.
    pub fn reset(&mut self) {
        for s in self.stats.per_label.values_mut() {
            *s = LabelStats::default();
        }
        self.stats.token_requests = 0;
        self.stats.per_endpoint.clear();
        self.stats.listing_pages.clear();
        self.token_places.clear();
        for w in self.arrivals.values_mut() {
            w.clear();
        }
    }

    fn label(&mut self, label: Label) -> &mut LabelStats {
        self.stats.per_label.entry(label).or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_in_window_is_the_busiest_second() {
        let t0 = Instant::now();
        let mut rec = StatsRecorder::new(Plan::Pro, Duration::from_secs(900));
        for i in 0..5 {
            let endpoint = if i == 0 {
                Endpoint::ListMeetings
            } else {
                Endpoint::ListUsers
            };
            rec.call(endpoint, t0 + Duration::from_millis(i * 300));
        }
        // Calls at 0, 300, 600, 900 ms share a second; 1200 ms drops the first.
        let s = rec.snapshot();
        assert_eq!(s.per_label[&Label::Medium].calls, 5);
        assert_eq!(
            (
                s.calls(Endpoint::ListUsers),
                s.calls(Endpoint::ListMeetings)
            ),
            (4, 1)
        );
        assert_eq!(s.calls(Endpoint::GetUser), 0);
        assert_eq!(s.per_label[&Label::Medium].max_in_window, 4);
        assert_eq!(s.per_label[&Label::Light], LabelStats::default());

        rec.reset();
        rec.call(Endpoint::ListUsers, t0 + Duration::from_millis(1300));
        assert_eq!(rec.snapshot().per_label[&Label::Medium].max_in_window, 1);
        assert_eq!(rec.snapshot().calls(Endpoint::ListUsers), 1);
    }

    #[test]
    fn pages_are_placed_in_their_listing_by_number_or_by_the_token_that_led_there() {
        let t0 = Instant::now();
        let mut rec = StatsRecorder::new(Plan::Pro, Duration::from_secs(900));
        let users = Endpoint::ListUsers;
        rec.page(users, &PageAsked::First, Some("a"), t0);
        rec.page(users, &PageAsked::Token("a".into()), Some("b"), t0);
        // A retry of the second page is the second page again.
        rec.page(users, &PageAsked::Token("a".into()), Some("b"), t0);
        rec.page(users, &PageAsked::Token("b".into()), None, t0);
        rec.page(Endpoint::ListWebinars, &PageAsked::First, None, t0);
        rec.page(Endpoint::ListWebinars, &PageAsked::Number(4), None, t0);
        let s = rec.snapshot();
        assert_eq!(
            s.listing_pages[&users],
            BTreeMap::from([(1, 1), (2, 2), (3, 1)])
        );
        assert_eq!((s.listings(users), s.pages(users)), (1, 4));
        assert_eq!(s.longest_listing(users), 3);
        assert_eq!(s.longest_listing(Endpoint::ListWebinars), 4);
        assert_eq!(s.listings(Endpoint::ListMeetings), 0);

        // A token handed out longer ago than tokens live is forgotten: a second page, at least.
        let later = t0 + Duration::from_secs(901);
        rec.page(users, &PageAsked::First, Some("c"), later);
        rec.page(users, &PageAsked::Token("b".into()), None, later);
        assert_eq!(rec.snapshot().listing_pages[&users][&2], 3);
        rec.reset();
        assert_eq!(rec.snapshot().pages(users), 0);
    }
}
