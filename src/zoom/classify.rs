//! Classifies one Zoom answer into what the client should do next. Pure: status, headers, body
//! and the current time in; a verdict out. The retry policy lives elsewhere (`retry.rs`).

use std::time::Duration;

use chrono::{DateTime, Days, NaiveTime, Utc};
use reqwest::header::HeaderMap;
use serde::Deserialize;
use zoom_api::codes::{INVALID_ACCESS_TOKEN, INVALID_SCOPE, MISSING_SCOPE};

/// Zoom's error body, `{"code": …, "message": …}`, read leniently: some endpoints send other
/// shapes, and a proxy in front of Zoom sends HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: Option<i64>,
    pub message: String,
}

impl ErrorBody {
    pub fn parse(status: u16, body: &[u8]) -> ErrorBody {
        #[derive(Deserialize)]
        struct Raw {
            code: Option<serde_json::Value>,
            message: Option<String>,
            reason: Option<String>,
            error: Option<String>,
        }
        match serde_json::from_slice::<Raw>(body) {
            Ok(raw) => ErrorBody {
                code: raw.code.as_ref().and_then(json_i64),
                message: raw
                    .message
                    .or(raw.reason)
                    .or(raw.error)
                    .unwrap_or_else(|| format!("HTTP {status} with no message")),
            },
            Err(_) => ErrorBody {
                code: None,
                message: format!(
                    "HTTP {status} with a non-JSON body: {:?}",
                    super::error::snippet(body)
                ),
            },
        }
    }
}

fn json_i64(v: &serde_json::Value) -> Option<i64> {
    v.as_i64().or_else(|| v.as_str()?.parse().ok())
}

/// What to do with one answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Success,
    /// The access token expired or was revoked (401, Zoom code 124): get a new one, retry once.
    RefreshToken,
    /// Per-second limit: slow this label down and retry, after `after` if Zoom said when.
    Throttled {
        after: Option<Duration>,
    },
    /// A daily limit: retrying before `resumes_at` is pointless.
    DailyLimit {
        resumes_at: DateTime<Utc>,
    },
    /// 5xx or similar: retry with backoff, after `after` if Zoom said when.
    Transient {
        after: Option<Duration>,
    },
    /// The app lacks a scope (HTTP 400, code 4700/4711): only the operator can fix it.
    MissingScope,
    /// Any other error: report it, never retry.
    Fail,
}

pub fn classify(status: u16, headers: &HeaderMap, body: &ErrorBody, now: DateTime<Utc>) -> Verdict {
    match status {
        200..=299 => Verdict::Success,
        429 => classify_429(headers, body, now),
        401 if body.code.is_none_or(|c| c == INVALID_ACCESS_TOKEN) => Verdict::RefreshToken,
        400 if body.code == Some(INVALID_ACCESS_TOKEN) => Verdict::RefreshToken,
        400 | 401 if matches!(body.code, Some(INVALID_SCOPE | MISSING_SCOPE)) => {
            Verdict::MissingScope
        }
        408 | 500..=599 => Verdict::Transient {
            after: retry_after(headers, now),
        },
        _ => Verdict::Fail,
    }
}

fn classify_429(headers: &HeaderMap, body: &ErrorBody, now: DateTime<Utc>) -> Verdict {
    let kind = header(headers, "x-ratelimit-type").map(str::to_ascii_lowercase);
    let daily = match kind.as_deref() {
        Some(k) if k.contains("daily") => true,
        Some(_) => false,
        None => body.message.to_ascii_lowercase().contains("daily"),
    };
    if daily {
        // A daily limit lasts until the next reset at the latest, whatever the header says.
        let reset = next_utc_midnight(now);
        let resumes_at = header(headers, "retry-after")
            .and_then(|v| parse_retry_after(v, now))
            .and_then(|wait| now.checked_add_signed(chrono::TimeDelta::from_std(wait).ok()?))
            .map_or(reset, |at| at.min(reset));
        Verdict::DailyLimit { resumes_at }
    } else {
        Verdict::Throttled {
            after: retry_after(headers, now),
        }
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    parse_retry_after(header(headers, "retry-after")?, now)
}

/// `Retry-After` as Zoom and proxies send it: delay seconds, an HTTP date, or an ISO-8601
/// date-time (Zoom's daily 429s). A date in the past means "now". The wait may be anything up
/// to `u64::MAX` seconds: the client caps it before acting on it.
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at: DateTime<Utc> = DateTime::parse_from_rfc3339(value)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            httpdate::parse_http_date(value)
                .ok()
                .map(DateTime::<Utc>::from)
        })?;
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

/// Zoom's daily limits reset at 00:00 UTC
/// (<https://developers.zoom.us/docs/api/rate-limits/#daily-rate-limits>).
pub fn next_utc_midnight(now: DateTime<Utc>) -> DateTime<Utc> {
    now.date_naive()
        .checked_add_days(Days::new(1))
        .map_or(DateTime::<Utc>::MAX_UTC, |tomorrow| {
            tomorrow.and_time(NaiveTime::MIN).and_utc()
        })
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use reqwest::header::{HeaderName, HeaderValue};

    use super::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 15, 30, 0).unwrap()
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(k, v)| {
                (
                    HeaderName::from_bytes(k.as_bytes()).unwrap(),
                    HeaderValue::from_str(v).unwrap(),
                )
            })
            .collect()
    }

    fn body(code: Option<i64>, message: &str) -> ErrorBody {
        ErrorBody {
            code,
            message: message.into(),
        }
    }

    const QPS_MSG: &str =
        "You have reached the maximum per-second rate limit for this API. Try again later.";
    const DAILY_MSG: &str = "You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request.";

    #[test]
    fn verdicts_table() {
        let midnight = Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap();
        let cases: Vec<(u16, HeaderMap, ErrorBody, Verdict)> = vec![
            (200, headers(&[]), body(None, ""), Verdict::Success),
            (204, headers(&[]), body(None, ""), Verdict::Success),
            (
                401,
                headers(&[]),
                body(Some(124), "Access token is expired."),
                Verdict::RefreshToken,
            ),
            (
                401,
                headers(&[]),
                body(Some(124), "Invalid access token."),
                Verdict::RefreshToken,
            ),
            (
                400,
                headers(&[]),
                body(
                    Some(4711),
                    "Invalid access token, does not contain scopes:[user:read:list_users:admin]",
                ),
                Verdict::MissingScope,
            ),
            (
                429,
                headers(&[("X-RateLimit-Type", "QPS"), ("Retry-After", "3")]),
                body(Some(429), QPS_MSG),
                Verdict::Throttled {
                    after: Some(Duration::from_secs(3)),
                },
            ),
            (
                429,
                headers(&[]),
                body(Some(429), QPS_MSG),
                Verdict::Throttled { after: None },
            ),
            (
                429,
                headers(&[
                    ("X-RateLimit-Type", "Daily-limit"),
                    ("Retry-After", "2026-11-24T00:00:00Z"),
                ]),
                body(Some(429), DAILY_MSG),
                Verdict::DailyLimit {
                    resumes_at: midnight,
                },
            ),
            // No type header: the message decides, and the reset defaults to 00:00 UTC.
            (
                429,
                headers(&[]),
                body(
                    Some(429),
                    "You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.",
                ),
                Verdict::DailyLimit {
                    resumes_at: midnight,
                },
            ),
            (
                502,
                headers(&[]),
                ErrorBody::parse(502, b"<html><body>Bad Gateway</body></html>"),
                Verdict::Transient { after: None },
            ),
            (
                503,
                headers(&[("Retry-After", "Mon, 23 Nov 2026 15:30:10 GMT")]),
                body(None, ""),
                Verdict::Transient {
                    after: Some(Duration::from_secs(10)),
                },
            ),
            (
                404,
                headers(&[]),
                body(Some(1001), "User does not exist: x."),
                Verdict::Fail,
            ),
            (
                400,
                headers(&[]),
                body(Some(300), "The next page token is invalid or expired."),
                Verdict::Fail,
            ),
            (
                300,
                headers(&[]),
                body(Some(300), "literal HTTP 300"),
                Verdict::Fail,
            ),
        ];
        for (status, headers, body, expected) in cases {
            assert_eq!(
                classify(status, &headers, &body, now()),
                expected,
                "HTTP {status} {body:?}"
            );
        }
    }

    #[test]
    fn error_bodies_are_read_leniently() {
        assert_eq!(
            ErrorBody::parse(404, br#"{"code":1001,"message":"User does not exist: a."}"#),
            body(Some(1001), "User does not exist: a.")
        );
        assert_eq!(
            ErrorBody::parse(
                401,
                br#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#
            ),
            body(None, "Invalid client_id or client_secret")
        );
        assert_eq!(ErrorBody::parse(400, br#"{"code":"300"}"#).code, Some(300));
        let html = ErrorBody::parse(502, b"<html>502 Bad Gateway</html>");
        assert_eq!(html.code, None);
        assert!(html.message.contains("non-JSON"), "{}", html.message);
    }

    #[test]
    fn a_daily_limit_never_lasts_past_the_next_reset() {
        let midnight = Utc.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap();
        for far in ["3153600000", "18446744073709551615", "2126-01-01T00:00:00Z"] {
            let verdict = classify(
                429,
                &headers(&[("X-RateLimit-Type", "Daily-limit"), ("Retry-After", far)]),
                &body(Some(429), DAILY_MSG),
                now(),
            );
            assert_eq!(
                verdict,
                Verdict::DailyLimit {
                    resumes_at: midnight
                },
                "{far}"
            );
        }
        assert_eq!(
            next_utc_midnight(DateTime::<Utc>::MAX_UTC),
            DateTime::<Utc>::MAX_UTC
        );
    }

    #[test]
    fn retry_after_formats() {
        assert_eq!(parse_retry_after("7", now()), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("2026-11-23T15:31:00Z", now()),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("2020-01-01T00:00:00Z", now()),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now()), None);
    }

    mod arbitrary {
        use proptest::prelude::*;

        use super::*;

        fn header_value() -> impl Strategy<Value = String> {
            prop_oneof![
                any::<u64>().prop_map(|n| n.to_string()),
                "[0-9]{1,30}",
                "-?[0-9]{1,5}(\\.[0-9]{1,3})?",
                "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})",
                "(Mon|Fri), [0-9]{2} (Jan|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT",
                "[ -~]{0,40}",
            ]
        }

        fn body() -> impl Strategy<Value = Vec<u8>> {
            prop_oneof![
                prop::collection::vec(any::<u8>(), 0..128),
                (
                    prop::option::of(prop_oneof![
                        any::<i64>().prop_map(|n| serde_json::json!(n)),
                        any::<f64>().prop_map(|n| serde_json::json!(n)),
                        "[ -~]{0,12}".prop_map(|s| serde_json::json!(s)),
                    ]),
                    prop::option::of("[ -~]{0,60}"),
                    prop::option::of("[ -~]{0,20}"),
                )
                    .prop_map(|(code, message, reason)| {
                        serde_json::json!({"code": code, "message": message, "reason": reason})
                            .to_string()
                            .into_bytes()
                    }),
            ]
        }

        proptest! {
            #[test]
            fn any_answer_gets_a_verdict_without_a_panic(
                status in prop_oneof![Just(429u16), Just(401u16), Just(400u16), Just(503u16), any::<u16>()],
                retry_after in prop::option::of(header_value()),
                kind in prop::option::of(prop_oneof![
                    Just("QPS".to_owned()), Just("Daily-limit".to_owned()), "[ -~]{0,16}"
                ]),
                limit in prop::option::of(header_value()),
                remaining in prop::option::of(header_value()),
                category in prop::option::of("[ -~]{0,24}"),
                body in body(),
                now_secs in -62_000_000_000i64..250_000_000_000,
            ) {
                let now = DateTime::from_timestamp(now_secs, 0).unwrap();
                let mut pairs = Vec::new();
                for (name, value) in [
                    ("Retry-After", &retry_after),
                    ("X-RateLimit-Type", &kind),
                    ("X-RateLimit-Limit", &limit),
                    ("X-RateLimit-Remaining", &remaining),
                    ("X-RateLimit-Category", &category),
                ] {
                    if let Some(value) = value {
                        pairs.push((name, value.as_str()));
                    }
                }
                let headers = headers(&pairs);
                let parsed = ErrorBody::parse(status, &body);
                match classify(status, &headers, &parsed, now) {
                    Verdict::DailyLimit { resumes_at } => {
                        prop_assert!(resumes_at >= now);
                        prop_assert!(resumes_at <= next_utc_midnight(now));
                    }
                    Verdict::Success => prop_assert!((200..300).contains(&status)),
                    _ => {}
                }
            }
        }
    }
}
