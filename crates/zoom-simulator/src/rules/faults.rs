//! Faults injected on the wire, for testing what the client does when Zoom misbehaves. They
//! apply to API calls, except [`FaultKind::TokenAnswer`], which applies to the token endpoint
//! alone. They are checked before anything else, as a proxy or an overloaded Zoom would answer
//! before looking at the request: a call a fault answers changes nothing. The exceptions are
//! [`FaultKind::StallResponse`] and [`FaultKind::NulInText`], which let the call do its work
//! and then hold back or alter the answer.

use std::str::FromStr;
use std::time::Duration;

use zoom_api::endpoint::Endpoint;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// An HTML error page from the proxy in front of Zoom (nginx-style, `text/html`).
    Html5xx { status: u16 },
    /// Delay the call, then answer it normally. Latency faults add up, and the call still meets
    /// the faults listed after them.
    Latency(Duration),
    /// A per-second 429 exactly like a real one, as if other apps had used the account's
    /// budget; `retry_after` seconds go in `Retry-After` when given, however many (a hostile
    /// proxy may ask for a century, or `u64::MAX`).
    RateLimitBurst { retry_after: Option<u64> },
    /// A daily-limit 429 with `Retry-After` at the next 00:00 UTC.
    DailyLimit,
    /// Any Zoom JSON error, e.g. `{ status: 500, code: 500, message: "..." }`.
    ZoomError {
        status: u16,
        code: i64,
        message: String,
    },
    /// Revoke every token when it fires; the call then gets 401/124 like any revoked token.
    RevokeTokens,
    /// Let the call make its change, then hold the answer back this long, as a Zoom that
    /// committed but answers slowly: a client that gives up or dies while waiting leaves the
    /// change made. Stalls add up like latency, and the call still meets the faults after them.
    StallResponse(Duration),
    /// Let the call through, then put U+0000 into every name and free-text field of its JSON
    /// answer (`first_name`, `last_name`, `topic`, …), which PostgreSQL cannot store as text.
    NulInText,
    /// A 200 whose body is this many bytes of blanks, streamed: more than a client should read.
    OversizedAnswer { bytes: u64 },
    /// Answer a request to the token endpoint oddly (see [`TokenAnswer`]). Counts and fires on
    /// token requests only, so it takes no endpoint.
    TokenAnswer(TokenAnswer),
}

/// An odd answer from `POST /oauth/token`. Every one carries a token that is live (the API
/// takes it), so a client that reads the answer anyway works, and one that quotes the answer
/// in an error leaks a working credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenAnswer {
    /// `"expires_in": "3600"`: the lifetime as text.
    ExpiresInText,
    /// `"expires_in": 18446744073709551615`.
    ExpiresInMax,
    /// No `expires_in` at all.
    ExpiresInMissing,
    /// `"expires_in": "soon"`.
    ExpiresInGarbage,
    /// The token under `"token"`, and no `access_token`.
    AccessTokenMisnamed,
    /// `"access_token": {"value": "…"}`.
    AccessTokenNotText,
    /// The JSON cut off right after the token.
    Truncated,
    /// An error with this status whose JSON body carries the token anyway, in a field and in
    /// its message.
    ErrorWithToken { status: u16 },
}

impl TokenAnswer {
    pub const NAMES: &str = "expires-in-text, expires-in-max, expires-in-missing, \
        expires-in-garbage, access-token-misnamed, access-token-not-text, truncated, \
        error-with-token[:STATUS]";
}

impl FromStr for TokenAnswer {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, String> {
        Ok(match name.split_once(':') {
            None if name == "expires-in-text" => TokenAnswer::ExpiresInText,
            None if name == "expires-in-max" => TokenAnswer::ExpiresInMax,
            None if name == "expires-in-missing" => TokenAnswer::ExpiresInMissing,
            None if name == "expires-in-garbage" => TokenAnswer::ExpiresInGarbage,
            None if name == "access-token-misnamed" => TokenAnswer::AccessTokenMisnamed,
            None if name == "access-token-not-text" => TokenAnswer::AccessTokenNotText,
            None if name == "truncated" => TokenAnswer::Truncated,
            None if name == "error-with-token" => TokenAnswer::ErrorWithToken { status: 400 },
            Some(("error-with-token", status)) => TokenAnswer::ErrorWithToken {
                status: status
                    .parse()
                    .ok()
                    .filter(|s| (400..600).contains(s))
                    .ok_or_else(|| format!("{status:?} is not an HTTP error status"))?,
            },
            _ => return Err(format!("no such token answer; one of {}", Self::NAMES)),
        })
    }
}

/// One fault rule. Build with [`Fault::new`] and the chained setters:
/// `Fault::new(kind).on(Endpoint::ListUsers).after(2).times(1)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    /// The endpoint whose calls it hits; `None` for every API call.
    pub endpoint: Option<Endpoint>,
    /// Matching calls let through before the fault starts firing.
    pub skip: u32,
    /// How many times it fires; `None` until cleared.
    pub times: Option<u32>,
    /// After `skip`, fire on every `every`-th matching call (1 = each one).
    pub every: u32,
}

impl Fault {
    /// Fires on every API call until cleared.
    pub fn new(kind: FaultKind) -> Self {
        Fault {
            kind,
            endpoint: None,
            skip: 0,
            times: None,
            every: 1,
        }
    }

    pub fn on(mut self, endpoint: Endpoint) -> Self {
        self.endpoint = Some(endpoint);
        self
    }

    pub fn after(mut self, skip: u32) -> Self {
        self.skip = skip;
        self
    }

    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    pub fn every(mut self, every: u32) -> Self {
        self.every = every;
        self
    }
}

/// What the injected faults do to one call.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Triggered {
    pub latency: Duration,
    /// How long to hold back the answer once the call is done.
    pub stall: Duration,
    /// Whether to put U+0000 into the answer's text.
    pub nul_in_text: bool,
    /// The fault that answers the call instead of Zoom, if any.
    pub answer: Option<FaultKind>,
}

struct Armed {
    fault: Fault,
    seen: u32,
    fired: u32,
}

impl Armed {
    /// Counts a call the fault sees; `true` when the fault fires on it.
    fn fires(&mut self) -> bool {
        self.seen += 1;
        let Some(nth) = self.seen.checked_sub(self.fault.skip) else {
            return false;
        };
        let due = nth > 0 && nth % self.fault.every.max(1) == 0;
        let spent = self.fault.times.is_some_and(|t| self.fired >= t);
        if !due || spent {
            return false;
        }
        self.fired += 1;
        true
    }

    fn for_token_requests(&self) -> bool {
        matches!(self.fault.kind, FaultKind::TokenAnswer(_))
    }
}

#[derive(Default)]
pub(crate) struct Faults {
    armed: Vec<Armed>,
}

impl Faults {
    pub fn inject(&mut self, fault: Fault) {
        self.armed.push(Armed {
            fault,
            seen: 0,
            fired: 0,
        });
    }

    pub fn clear(&mut self) {
        self.armed.clear();
    }

    /// Faults are tried in the order injected. A fault that answers the call ends the round:
    /// faults after it do not see the call at all.
    pub fn on_call(&mut self, endpoint: Endpoint) -> Triggered {
        let mut triggered = Triggered::default();
        for armed in &mut self.armed {
            if armed.for_token_requests() || armed.fault.endpoint.is_some_and(|e| e != endpoint) {
                continue;
            }
            if !armed.fires() {
                continue;
            }
            match &armed.fault.kind {
                FaultKind::Latency(d) => triggered.latency = triggered.latency.saturating_add(*d),
                FaultKind::StallResponse(d) => triggered.stall = triggered.stall.saturating_add(*d),
                FaultKind::NulInText => triggered.nul_in_text = true,
                kind => {
                    triggered.answer = Some(kind.clone());
                    break;
                }
            }
        }
        self.retain_unspent();
        triggered
    }

    /// The odd answer the next token request gets, if a fault gives one.
    pub fn on_token_request(&mut self) -> Option<TokenAnswer> {
        let answer = self.armed.iter_mut().find_map(|armed| {
            let FaultKind::TokenAnswer(answer) = armed.fault.kind else {
                return None;
            };
            armed.fires().then_some(answer)
        });
        self.retain_unspent();
        answer
    }

    fn retain_unspent(&mut self) {
        self.armed
            .retain(|a| a.fault.times.is_none_or(|t| a.fired < t));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad_gateway() -> FaultKind {
        FaultKind::Html5xx { status: 502 }
    }

    fn answers(faults: &mut Faults, endpoint: Endpoint, calls: usize) -> Vec<bool> {
        (0..calls)
            .map(|_| faults.on_call(endpoint).answer.is_some())
            .collect()
    }

    #[test]
    fn skip_then_fire_a_number_of_times() {
        let mut faults = Faults::default();
        faults.inject(Fault::new(bad_gateway()).after(2).times(2));
        assert_eq!(
            answers(&mut faults, Endpoint::ListUsers, 6),
            [false, false, true, true, false, false]
        );
        assert!(faults.armed.is_empty());
    }

    #[test]
    fn only_the_named_endpoint_is_hit_and_counted() {
        let mut faults = Faults::default();
        faults.inject(
            Fault::new(bad_gateway())
                .on(Endpoint::GetUser)
                .after(1)
                .times(1),
        );
        assert_eq!(answers(&mut faults, Endpoint::ListUsers, 3), [false; 3]);
        assert_eq!(
            answers(&mut faults, Endpoint::GetUser, 3),
            [false, true, false]
        );
    }

    #[test]
    fn every_nth_call() {
        let mut faults = Faults::default();
        faults.inject(Fault::new(bad_gateway()).every(3));
        assert_eq!(
            answers(&mut faults, Endpoint::ListUsers, 7),
            [false, false, true, false, false, true, false]
        );
    }

    #[test]
    fn latency_adds_up_and_lets_later_faults_answer() {
        let mut faults = Faults::default();
        let ms = Duration::from_millis;
        faults.inject(Fault::new(FaultKind::Latency(ms(10))));
        faults.inject(Fault::new(FaultKind::Latency(ms(5))).times(1));
        faults.inject(Fault::new(FaultKind::StallResponse(ms(7))).times(1));
        faults.inject(Fault::new(FaultKind::DailyLimit).times(1));
        faults.inject(Fault::new(FaultKind::RevokeTokens));
        let first = faults.on_call(Endpoint::ListUsers);
        assert_eq!(first.latency, ms(15));
        assert_eq!(first.stall, ms(7));
        assert_eq!(first.answer, Some(FaultKind::DailyLimit));
        let second = faults.on_call(Endpoint::ListUsers);
        assert_eq!(second.latency, ms(10));
        assert_eq!(second.stall, Duration::ZERO);
        assert_eq!(second.answer, Some(FaultKind::RevokeTokens));
        faults.clear();
        assert_eq!(faults.on_call(Endpoint::ListUsers), Triggered::default());
    }

    #[test]
    fn token_answers_count_token_requests_only() {
        let mut faults = Faults::default();
        faults.inject(
            Fault::new(FaultKind::TokenAnswer(TokenAnswer::ExpiresInText))
                .after(1)
                .times(1),
        );
        faults.inject(Fault::new(FaultKind::NulInText).times(1));
        let call = faults.on_call(Endpoint::ListUsers);
        assert!(call.nul_in_text && call.answer.is_none());
        assert_eq!(faults.on_token_request(), None);
        assert_eq!(faults.on_call(Endpoint::ListUsers), Triggered::default());
        assert_eq!(faults.on_token_request(), Some(TokenAnswer::ExpiresInText));
        assert_eq!(faults.on_token_request(), None);
        assert!(faults.armed.is_empty());
    }

    #[test]
    fn token_answers_by_name() {
        assert_eq!("expires-in-max".parse(), Ok(TokenAnswer::ExpiresInMax));
        assert_eq!(
            "error-with-token".parse(),
            Ok(TokenAnswer::ErrorWithToken { status: 400 })
        );
        assert_eq!(
            "error-with-token:503".parse(),
            Ok(TokenAnswer::ErrorWithToken { status: 503 })
        );
        assert!("error-with-token:200".parse::<TokenAnswer>().is_err());
        assert!("expires-in".parse::<TokenAnswer>().is_err());
    }
}
