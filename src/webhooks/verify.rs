//! Whether a delivery comes from Zoom, before any of it is parsed: its `x-zm-signature` must be
//! the signature of its raw body (`zoom_api::webhook`) under one of the configured secret
//! tokens, and its `x-zm-request-timestamp` within [`Verifier::TOLERANCE`] of now. Zoom documents
//! no replay window; five minutes is the one it suggests, and refuses an old delivery replayed.

use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use zoom_api::webhook::{encrypted_token, signature_matches};

/// Why a delivery was refused. Each is answered 401 and nothing of the delivery is kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the request has no x-zm-signature header")]
    NoSignature,
    #[error("the request has no x-zm-request-timestamp header")]
    NoTimestamp,
    #[error("x-zm-signature matches none of the configured webhook secret tokens")]
    BadSignature,
    #[error("x-zm-request-timestamp {0:?} is not a Unix time in seconds")]
    BadTimestamp(String),
    #[error(
        "x-zm-request-timestamp is {skew_secs} s from this host's clock, more than the {} s \
         allowed: a replayed delivery, or a clock that needs NTP",
        Verifier::TOLERANCE.as_secs()
    )]
    Stale { skew_secs: u64 },
}

/// The secret tokens a delivery may be signed with: the app's current one first, then any being
/// rotated out, so that deliveries signed before a rotation still pass.
pub struct Verifier {
    secrets: Vec<SecretString>,
}

impl Verifier {
    pub const TOLERANCE: Duration = Duration::from_secs(5 * 60);

    /// `None` without a secret: webhooks are off.
    pub fn new(secrets: Vec<SecretString>) -> Option<Verifier> {
        (!secrets.is_empty()).then_some(Verifier { secrets })
    }

    /// Checks a delivery's headers against its raw `body`, at `now`.
    pub fn verify(
        &self,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(), Refusal> {
        let signature = signature.ok_or(Refusal::NoSignature)?;
        let timestamp = timestamp.ok_or(Refusal::NoTimestamp)?;
        let signed_by_one = self.secrets.iter().any(|secret| {
            signature_matches(
                secret.expose_secret().as_bytes(),
                timestamp,
                body,
                signature,
            )
        });
        if !signed_by_one {
            return Err(Refusal::BadSignature);
        }
        let sent: i64 = timestamp
            .parse()
            .map_err(|_| Refusal::BadTimestamp(timestamp.to_owned()))?;
        let skew_secs = now.timestamp().abs_diff(sent);
        if skew_secs > Self::TOLERANCE.as_secs() {
            return Err(Refusal::Stale { skew_secs });
        }
        Ok(())
    }

    /// The answer to `endpoint.url_validation`: the plain token and its HMAC under the current
    /// (first) secret token, which is the one Zoom validates the endpoint with.
    pub fn url_validation(&self, plain_token: &str) -> Value {
        let current = self.secrets[0].expose_secret().as_bytes();
        json!({
            "plainToken": plain_token,
            "encryptedToken": encrypted_token(current, plain_token),
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use zoom_api::webhook::signature;

    use super::*;

    const BODY: &[u8] = br#"{"event":"user.deactivated","event_ts":1739923528123,"payload":{}}"#;
    const SENT: i64 = 1_739_923_528;

    fn verifier(secrets: &[&str]) -> Verifier {
        Verifier::new(secrets.iter().map(|s| SecretString::from(*s)).collect()).unwrap()
    }

    /// What a case is called, its timestamp and signature headers, the time it arrives, and the
    /// verdict.
    type Case = (
        &'static str,
        Option<String>,
        Option<String>,
        i64,
        Result<(), Refusal>,
    );

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, 0).unwrap()
    }

    #[test]
    fn deliveries_pass_or_are_refused_for_the_reason_named() {
        let signed = |secret: &str, ts: &str| signature(secret.as_bytes(), ts, BODY);
        let sent = SENT.to_string();
        let v = verifier(&["new-token", "old-token"]);
        let cases: Vec<Case> = vec![
            (
                "current secret",
                Some(sent.clone()),
                Some(signed("new-token", &sent)),
                SENT,
                Ok(()),
            ),
            (
                "secret being rotated out",
                Some(sent.clone()),
                Some(signed("old-token", &sent)),
                SENT + 30,
                Ok(()),
            ),
            (
                "4 min 59 s late",
                Some(sent.clone()),
                Some(signed("new-token", &sent)),
                SENT + 299,
                Ok(()),
            ),
            (
                "5 min early (a clock ahead)",
                Some(sent.clone()),
                Some(signed("new-token", &sent)),
                SENT - 300,
                Ok(()),
            ),
            (
                "no signature",
                Some(sent.clone()),
                None,
                SENT,
                Err(Refusal::NoSignature),
            ),
            (
                "no timestamp",
                None,
                Some(signed("new-token", &sent)),
                SENT,
                Err(Refusal::NoTimestamp),
            ),
            (
                "unknown secret",
                Some(sent.clone()),
                Some(signed("guess", &sent)),
                SENT,
                Err(Refusal::BadSignature),
            ),
            (
                "signed for another time",
                Some(sent.clone()),
                Some(signed("new-token", "1739923529")),
                SENT,
                Err(Refusal::BadSignature),
            ),
            (
                "replayed 5 min 1 s later",
                Some(sent.clone()),
                Some(signed("new-token", &sent)),
                SENT + 301,
                Err(Refusal::Stale { skew_secs: 301 }),
            ),
            (
                "a timestamp in milliseconds",
                Some(format!("{SENT}000")),
                Some(signed("new-token", &format!("{SENT}000"))),
                SENT,
                Err(Refusal::Stale {
                    skew_secs: (SENT * 1000 - SENT) as u64,
                }),
            ),
            (
                "a signed non-number",
                Some("soon".into()),
                Some(signed("new-token", "soon")),
                SENT,
                Err(Refusal::BadTimestamp("soon".into())),
            ),
        ];
        for (case, timestamp, sig, now, expected) in cases {
            assert_eq!(
                v.verify(timestamp.as_deref(), sig.as_deref(), BODY, at(now)),
                expected,
                "{case}"
            );
        }
    }

    #[test]
    fn a_changed_body_is_refused() {
        let sent = SENT.to_string();
        let sig = signature(b"new-token", &sent, BODY);
        let changed = br#"{"event":"user.deactivated","event_ts":1739923528123,"payload":{} }"#;
        assert_eq!(
            verifier(&["new-token"]).verify(Some(&sent), Some(&sig), changed, at(SENT)),
            Err(Refusal::BadSignature)
        );
    }

    #[test]
    fn url_validation_answers_under_the_current_secret() {
        let answer = verifier(&["secret", "old"]).url_validation("qgg8vlvZRS6UYooatFL8Aw");
        assert_eq!(
            answer,
            json!({
                "plainToken": "qgg8vlvZRS6UYooatFL8Aw",
                // printf qgg8vlvZRS6UYooatFL8Aw | openssl dgst -sha256 -hmac secret
                "encryptedToken": "72cef096bfd47c0b8664df30d07721641e4abd7e885ba432204260db477a9a3e",
            })
        );
    }

    #[test]
    fn without_a_secret_webhooks_are_off() {
        assert!(Verifier::new(Vec::new()).is_none());
    }
}
