//! Faults injected on the wire, for testing what the client does when Zoom misbehaves. They
//! apply to API calls only, never to the token endpoint, and are checked before anything else,
//! as a proxy or an overloaded Zoom would answer before looking at the request: a call a fault
//! answers changes nothing. The one exception is [`FaultKind::StallResponse`], which lets the
//! call do its work and only holds back the answer.

use std::time::Duration;

use crate::zoom::endpoint::Endpoint;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// An HTML error page from the proxy in front of Zoom (nginx-style, `text/html`).
    Html5xx { status: u16 },
    /// Delay the call, then answer it normally. Latency faults add up, and the call still meets
    /// the faults listed after them.
    Latency(Duration),
    /// A per-second 429 exactly like a real one, as if other apps had used the account's
    /// budget; `retry_after` seconds go in `Retry-After` when given.
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
    /// The fault that answers the call instead of Zoom, if any.
    pub answer: Option<FaultKind>,
}

struct Armed {
    fault: Fault,
    seen: u32,
    fired: u32,
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
            if armed.fault.endpoint.is_some_and(|e| e != endpoint) {
                continue;
            }
            armed.seen += 1;
            let Some(nth) = armed.seen.checked_sub(armed.fault.skip) else {
                continue;
            };
            let due = nth > 0 && nth % armed.fault.every.max(1) == 0;
            let spent = armed.fault.times.is_some_and(|t| armed.fired >= t);
            if !due || spent {
                continue;
            }
            armed.fired += 1;
            match &armed.fault.kind {
                FaultKind::Latency(d) => triggered.latency += *d,
                FaultKind::StallResponse(d) => triggered.stall += *d,
                kind => {
                    triggered.answer = Some(kind.clone());
                    break;
                }
            }
        }
        self.armed
            .retain(|a| a.fault.times.is_none_or(|t| a.fired < t));
        triggered
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
}
