//! What an attempt means for its row. Pure: the error, the request and the attempt number
//! in; the row's next state out.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::kinds::ErrorKind;
use super::request::ZoomRequest;
use crate::backoff::{Backoff, Jitter};
use crate::zoom::ZoomError;
use crate::zoom::retry::AttemptError;

/// How an attempt ends for its row.
#[derive(Debug, Clone, PartialEq)]
pub enum Next {
    /// Back to `pending`, to run after `after`; `in_doubt` when Zoom may have acted.
    Retry {
        after: Duration,
        in_doubt: bool,
        kind: ErrorKind,
        error: String,
    },
    /// A daily limit: back to `pending` until `until`, without spending an attempt.
    Snooze {
        until: DateTime<Utc>,
        reason: String,
    },
    /// Retrying cannot help.
    Fail { kind: ErrorKind, error: String },
    /// A delete whose earlier attempt may have gone through finds the object gone.
    AlreadyGone,
    /// An earlier, interrupted attempt took effect: the row succeeds with what it made.
    Adopt(Value),
    /// The daemon's stop ended a wait before any call of this attempt reached Zoom: back to
    /// `pending` at once, the attempt given back.
    Release { reason: String },
}

impl Next {
    /// A daily limit is reached, by our count (`zoom.daily_quota`) or by Zoom's 429: `limit`
    /// names it, and the row waits for `until`.
    pub fn daily_limit(limit: &str, until: DateTime<Utc>) -> Next {
        Next::Snooze {
            until,
            reason: format!(
                "Zoom's daily limit for {limit} is reached; the row runs again at {}",
                until.format("%Y-%m-%d %H:%M:%SZ")
            ),
        }
    }

    pub fn released(stopped: &ZoomError) -> Next {
        Next::Release {
            reason: format!("{stopped}; the row runs again"),
        }
    }
}

/// The backoff of a row's retries: `first` (`write_back.retry_base_secs`) doubled per attempt
/// up to `max` (`retry_max_secs`), ±20 % so that rows failed together do not come back
/// together.
pub const fn row_backoff(first: Duration, max: Duration) -> Backoff {
    Backoff {
        first,
        max,
        factor: 2,
        jitter: Jitter::TWENTY_PERCENT,
    }
}

/// The wait after attempt `attempt` failed, by the row's `backoff`.
pub fn backoff(attempt: i32, backoff: &Backoff) -> Duration {
    backoff.delay(u32::try_from(attempt).unwrap_or(0), &mut rand::rng())
}

/// What a failed call means for its row; `in_doubt`: the row was in doubt when claimed.
pub fn after_failure(
    failure: AttemptError,
    request: &ZoomRequest,
    attempt: i32,
    in_doubt: bool,
    policy: &Backoff,
) -> Next {
    // Zoom's Retry-After is a floor; the backoff still grows, so a storm of 429s does not spend
    // every attempt within seconds.
    let retry = |after: Option<Duration>, error: ZoomError| Next::Retry {
        after: after.map_or_else(
            || backoff(attempt, policy),
            |after| after.max(backoff(attempt, policy)),
        ),
        in_doubt: error.may_have_taken_effect(),
        kind: passing(&error),
        error: error.to_string(),
    };
    match failure {
        AttemptError::Retry { after, error } => retry(after, error),
        // Only the wait before a retry after a refused token stops: Zoom did nothing.
        AttemptError::Fatal(error) if error.is_stopped() => Next::released(&error),
        AttemptError::Fatal(ZoomError::DailyLimit { resumes_at, .. }) => {
            Next::daily_limit(request.endpoint.operation(), resumes_at)
        }
        AttemptError::Fatal(error)
            if in_doubt
                && request.method == reqwest::Method::DELETE
                && (error.is_session_missing() || error.is_user_missing()) =>
        {
            Next::AlreadyGone
        }
        // The token endpoint or the network failing is the daemon's trouble, not the row's.
        AttemptError::Fatal(
            error @ (ZoomError::Credentials { .. }
            | ZoomError::TokenEndpoint { .. }
            | ZoomError::TokenAnswer { .. }
            | ZoomError::Transport { .. }
            | ZoomError::Exhausted { .. }
            | ZoomError::Decode { .. }),
        ) => retry(None, error),
        AttemptError::Fatal(error) => Next::Fail {
            kind: final_kind(&error),
            error: error.to_string(),
        },
    }
}

/// The kind of a failure the row is retried after.
fn passing(error: &ZoomError) -> ErrorKind {
    match error {
        ZoomError::Api { status: 429, .. } => ErrorKind::RateLimited,
        // 401, or 400 with code 124: a fresh token refused again (`ZoomClient::send_once`).
        ZoomError::Api {
            status: 400 | 401, ..
        }
        | ZoomError::Credentials { .. } => ErrorKind::AuthRefused,
        ZoomError::Exhausted { last, .. } => passing(last),
        // A 5xx or 408, the network, an unreadable answer, the token endpoint failing.
        _ => ErrorKind::ZoomUnavailable,
    }
}

/// The kind of a failure that ends the row.
fn final_kind(error: &ZoomError) -> ErrorKind {
    match error {
        ZoomError::MissingScope { .. } => ErrorKind::MissingScope,
        error if error.is_session_missing() || error.is_user_missing() => ErrorKind::NotFound,
        _ => ErrorKind::ZoomRejected,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use reqwest::Method;

    use super::*;
    use crate::write_back::{Action, Subject};
    use crate::zoom::{Endpoint, Label};

    fn request(method: Method) -> ZoomRequest {
        ZoomRequest {
            action: Action::MeetingDelete,
            endpoint: Endpoint::DeleteMeeting,
            method,
            path: "/meetings/1".into(),
            query: Vec::new(),
            body: None,
            subject: Subject::Raw,
        }
    }

    fn api(status: u16, code: Option<i64>, message: &str) -> ZoomError {
        ZoomError::Api {
            endpoint: Endpoint::DeleteMeeting,
            status,
            code,
            message: message.into(),
            tracking_id: None,
        }
    }

    const POLICY: Backoff = row_backoff(Duration::from_secs(5), Duration::from_secs(3600));

    #[test]
    fn a_daily_limit_waits_for_its_reset() {
        let midnight = Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap();
        assert_eq!(
            Next::daily_limit("session_writes:host1", midnight),
            Next::Snooze {
                until: midnight,
                reason: "Zoom's daily limit for session_writes:host1 is reached; the row runs \
                         again at 2026-11-24 00:00:00Z"
                    .into()
            }
        );
    }

    #[test]
    fn each_failure_leads_to_its_state() {
        let delete = request(Method::DELETE);
        let server_error = AttemptError::Retry {
            after: None,
            error: api(502, None, "bad gateway"),
        };
        match after_failure(server_error, &delete, 1, false, &POLICY) {
            Next::Retry {
                in_doubt: true,
                kind: ErrorKind::ZoomUnavailable,
                error,
                ..
            } => assert!(error.contains("HTTP 502"), "{error}"),
            other => panic!("{other:?}"),
        }
        let throttled = |after: u64| AttemptError::Retry {
            after: Some(Duration::from_secs(after)),
            error: api(429, Some(429), "per-second"),
        };
        match after_failure(throttled(2), &delete, 3, false, &POLICY) {
            Next::Retry {
                after,
                in_doubt: false,
                ..
            } => assert!(
                (16.0..=24.0).contains(&after.as_secs_f64()),
                "the backoff: {after:?}"
            ),
            other => panic!("{other:?}"),
        }
        match after_failure(throttled(90), &delete, 1, false, &POLICY) {
            Next::Retry { after, .. } => assert_eq!(after, Duration::from_secs(90), "Retry-After"),
            other => panic!("{other:?}"),
        }
        let until = Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap();
        let daily = AttemptError::Fatal(ZoomError::DailyLimit {
            endpoint: Endpoint::DeleteMeeting,
            label: Label::Light,
            resumes_at: until,
        });
        assert_eq!(
            after_failure(daily, &delete, 1, false, &POLICY),
            Next::daily_limit("meetingDelete", until)
        );
        let stopped = AttemptError::Fatal(ZoomError::stopped("a fresh token"));
        match after_failure(stopped, &delete, 1, true, &POLICY) {
            Next::Release { reason } => assert!(reason.contains("shutting down"), "{reason}"),
            other => panic!("{other:?}"),
        }
        let missing = || AttemptError::Fatal(api(404, Some(3001), "Meeting 1 is not found"));
        assert_eq!(
            after_failure(missing(), &delete, 2, true, &POLICY),
            Next::AlreadyGone
        );
        match after_failure(missing(), &delete, 1, false, &POLICY) {
            Next::Fail {
                kind: ErrorKind::NotFound,
                error,
            } => {
                assert!(
                    error.contains("HTTP 404") && error.contains("3001"),
                    "{error}"
                )
            }
            other => panic!("{other:?}"),
        }
        let patch = request(Method::PATCH);
        assert!(matches!(
            after_failure(missing(), &patch, 2, true, &POLICY),
            Next::Fail {
                kind: ErrorKind::NotFound,
                ..
            }
        ));
    }

    /// Each failure a call can end with, by the decision and the kind its history entry gets.
    #[test]
    fn each_failure_has_its_kind() {
        let retry = |error| AttemptError::Retry { after: None, error };
        let fatal = AttemptError::Fatal;
        let token_endpoint = || ZoomError::TokenEndpoint {
            status: 503,
            message: "unavailable".into(),
        };
        let cases: [(&str, AttemptError, &str); 11] = [
            (
                "5xx",
                retry(api(503, None, "down")),
                "retry zoom_unavailable",
            ),
            (
                "408",
                retry(api(408, None, "timeout")),
                "retry zoom_unavailable",
            ),
            (
                "per-second 429",
                retry(api(429, Some(429), "slow")),
                "retry rate_limited",
            ),
            (
                "fresh token refused",
                retry(api(401, Some(124), "Invalid access token")),
                "retry auth_refused",
            ),
            (
                "credentials refused",
                fatal(ZoomError::Credentials {
                    status: 400,
                    reason: "invalid_client".into(),
                    settings: "ZOOM_CLIENT_ID",
                }),
                "retry auth_refused",
            ),
            (
                "token endpoint down",
                fatal(ZoomError::Exhausted {
                    attempts: 3,
                    last: Box::new(token_endpoint()),
                }),
                "retry zoom_unavailable",
            ),
            (
                "unreadable answer",
                fatal(ZoomError::Decode {
                    what: "meetingDelete".into(),
                    reason: "not JSON".into(),
                    snippet: "<html>".into(),
                }),
                "retry zoom_unavailable",
            ),
            (
                "meeting missing",
                fatal(api(404, Some(3001), "Meeting 1 is not found")),
                "fail not_found",
            ),
            (
                "user missing",
                fatal(api(404, Some(1001), "User does not exist")),
                "fail not_found",
            ),
            (
                "refused",
                fatal(api(400, Some(300), "Invalid field")),
                "fail zoom_rejected",
            ),
            (
                "scope",
                fatal(ZoomError::MissingScope {
                    endpoint: Endpoint::DeleteMeeting,
                    scopes: "meeting:delete:meeting:admin".into(),
                }),
                "fail missing_scope",
            ),
        ];
        let delete = request(Method::DELETE);
        for (what, failure, expected) in cases {
            let found = match after_failure(failure, &delete, 1, false, &POLICY) {
                Next::Retry { kind, .. } => format!("retry {kind}"),
                Next::Fail { kind, .. } => format!("fail {kind}"),
                other => format!("{other:?}"),
            };
            assert_eq!(found, expected, "{what}");
        }
    }
}
