//! What the worker does with a valid row before any call: whether an interrupted attempt's
//! effect settles it, and whether Zoom may be called. Pure: the row's attempts and what the
//! lookup found in; the step out.

use super::kinds::ErrorKind;
use super::outcome::{Next, backoff};
use super::reconcile::Lookup;
use crate::backoff::Backoff;
use crate::db::write_queue::Claimed;
use crate::zoom::ZoomError;

/// Where a claimed row stands in its attempts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tries {
    /// This attempt's number, counting it.
    pub attempt: i32,
    pub max_attempts: i32,
}

impl Tries {
    pub fn of(row: &Claimed) -> Tries {
        Tries {
            attempt: row.attempts,
            max_attempts: row.max_attempts,
        }
    }

    /// Past `max_attempts`: the database fails a row at its last failed attempt unless that
    /// call may have taken effect, so this is the one extra, lookup-only attempt a row in
    /// doubt gets. It may settle the row, never call Zoom.
    fn exhausted(self) -> bool {
        self.attempt > self.max_attempts
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Call Zoom. `clear_doubt`: the lookup found no effect of the interrupted attempt, so the
    /// row is in doubt no more.
    Call { clear_doubt: bool },
    /// End the attempt without calling Zoom; `clear_doubt` as for `Call`.
    Record { next: Next, clear_doubt: bool },
}

impl Step {
    pub fn clears_doubt(&self) -> bool {
        match self {
            Step::Call { clear_doubt } | Step::Record { clear_doubt, .. } => *clear_doubt,
        }
    }
}

/// The step for a row at `tries`. `looked` is what looking for an interrupted attempt's effect
/// found, `None` when the row is not in doubt (nothing to look for). `policy` spaces the retry
/// when the lookup itself failed.
pub fn next_step(
    tries: Tries,
    looked: Option<Result<Lookup, ZoomError>>,
    policy: &Backoff,
) -> Step {
    let record = |next| Step::Record {
        next,
        clear_doubt: false,
    };
    let Some(looked) = looked else {
        return Step::Call { clear_doubt: false };
    };
    let exhausted = tries.exhausted();
    match looked {
        Err(error) if error.is_stopped() => record(Next::released(&error)),
        Err(error) if exhausted => record(Next::Fail {
            kind: ErrorKind::InDoubt,
            error: format!(
                "in doubt: an earlier attempt may have reached Zoom, and looking for its effect \
                 failed ({error}); check Zoom, then `zoom-mirror queue retry` the row if the \
                 change did not happen"
            ),
        }),
        Err(error) => record(Next::Retry {
            after: backoff(tries.attempt, policy),
            in_doubt: true,
            kind: ErrorKind::LookupFailed,
            error: format!("looking for an interrupted attempt's effect: {error}"),
        }),
        Ok(Lookup::Found(made)) => record(Next::Adopt(made)),
        Ok(Lookup::Gone) => record(Next::AlreadyGone),
        Ok(Lookup::Ambiguous(reason)) => record(Next::Fail {
            kind: ErrorKind::InDoubt,
            error: reason,
        }),
        Ok(Lookup::NotFound) if exhausted => Step::Record {
            next: Next::Fail {
                kind: ErrorKind::Interrupted,
                error: format!(
                    "attempts exhausted ({}); the last was interrupted after its Zoom call \
                     started, and no effect of it was found",
                    tries.max_attempts
                ),
            },
            clear_doubt: true,
        },
        Ok(Lookup::NotFound) => Step::Call { clear_doubt: true },
        Ok(Lookup::NotNeeded) if exhausted => record(Next::Fail {
            kind: ErrorKind::InDoubt,
            error: format!(
                "attempts exhausted ({}); the last was interrupted after its Zoom call started \
                 and may have taken effect: check Zoom",
                tries.max_attempts
            ),
        }),
        // Repeating an update or a status change gives the same state.
        Ok(Lookup::NotNeeded) => Step::Call { clear_doubt: false },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::zoom::Endpoint;

    use std::time::Duration;

    use crate::write_back::outcome::row_backoff;

    const POLICY: Backoff = row_backoff(Duration::from_secs(5), Duration::from_secs(3600));

    /// One line per step, so that a table row can say what it expects.
    fn summary(step: Step) -> String {
        let (what, clear_doubt) = match step {
            Step::Call { clear_doubt } => ("call".to_string(), clear_doubt),
            Step::Record { next, clear_doubt } => {
                let what = match next {
                    Next::Retry {
                        in_doubt,
                        kind,
                        error,
                        ..
                    } => format!("retry {kind} (in doubt {in_doubt}): {error}"),
                    Next::Snooze { reason, .. } => format!("snooze: {reason}"),
                    Next::Fail { kind, error } => format!("fail {kind}: {error}"),
                    Next::AlreadyGone => "already gone".into(),
                    Next::Adopt(made) => format!("adopt {made}"),
                    Next::Release { reason } => format!("release: {reason}"),
                };
                (what, clear_doubt)
            }
        };
        if clear_doubt {
            format!("clear doubt, {what}")
        } else {
            what
        }
    }

    fn server_error() -> ZoomError {
        ZoomError::Api {
            endpoint: Endpoint::ListMeetings,
            status: 502,
            code: None,
            message: "bad gateway".into(),
            tracking_id: None,
        }
    }

    /// Every lookup result at attempt 1, 8 and 9 of 8: before the last attempt, at it, and at
    /// the extra, lookup-only one a row in doubt gets.
    #[test]
    fn in_doubt_by_attempts_by_lookup() {
        type Looked = fn() -> Option<Result<Lookup, ZoomError>>;
        let fail_looking = "fail in_doubt: in doubt: an earlier attempt may have reached Zoom, and \
                            looking for its effect failed (Zoom meetings answered HTTP 502";
        let retry_looking = "retry lookup_failed (in doubt true): looking for an interrupted attempt's effect: Zoom \
             meetings answered HTTP 502";
        let release = "release: stopped waiting for a page of meetings: zoom-mirror is \
                       shutting down, and nothing more was sent; the row runs again";
        let cases: [(&str, Looked, [&str; 3]); 8] = [
            ("not in doubt", || None, ["call", "call", "call"]),
            (
                "found",
                || Some(Ok(Lookup::Found(json!({"id": 7})))),
                [r#"adopt {"id":7}"#; 3],
            ),
            ("gone", || Some(Ok(Lookup::Gone)), ["already gone"; 3]),
            (
                "ambiguous",
                || Some(Ok(Lookup::Ambiguous("in doubt: two alike".into()))),
                ["fail in_doubt: in doubt: two alike"; 3],
            ),
            (
                "not found",
                || Some(Ok(Lookup::NotFound)),
                [
                    "clear doubt, call",
                    "clear doubt, call",
                    "clear doubt, fail interrupted: attempts exhausted (8); the last was \
                     interrupted after its Zoom call started, and no effect of it was found",
                ],
            ),
            (
                "not needed",
                || Some(Ok(Lookup::NotNeeded)),
                [
                    "call",
                    "call",
                    "fail in_doubt: attempts exhausted (8); the last was interrupted after its \
                     Zoom call started and may have taken effect: check Zoom",
                ],
            ),
            // At the last attempt a failed lookup is retried like a failed call in doubt: the
            // row still gets its lookup-only attempt.
            (
                "lookup failed",
                || Some(Err(server_error())),
                [retry_looking, retry_looking, fail_looking],
            ),
            (
                "daemon stopping",
                || Some(Err(ZoomError::stopped("a page of meetings"))),
                [release; 3],
            ),
        ];
        for (lookup, looked, expected) in cases {
            for (attempt, expected) in [1, 8, 9].into_iter().zip(expected) {
                let tries = Tries {
                    attempt,
                    max_attempts: 8,
                };
                let step = summary(next_step(tries, looked(), &POLICY));
                assert!(
                    step.starts_with(expected),
                    "{lookup} at attempt {attempt} of 8: {step}"
                );
            }
        }
    }

    #[test]
    fn a_failed_lookup_backs_off_by_the_attempt() {
        let tries = Tries {
            attempt: 3,
            max_attempts: 8,
        };
        match next_step(tries, Some(Err(server_error())), &POLICY) {
            Step::Record {
                next: Next::Retry { after, .. },
                ..
            } => assert!(
                (16.0..=24.0).contains(&after.as_secs_f64()),
                "20 s ± 20 %: {after:?}"
            ),
            other => panic!("{other:?}"),
        }
    }
}
