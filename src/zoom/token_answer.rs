//! Reads the OAuth token endpoint's answer. Pure: status and body in, a token or an error out.
//!
//! Nothing of a token reaches an error: an answer is quoted only after every value under a
//! field whose name contains "token" has been taken out of the text, and a body that is not
//! JSON is not quoted at all (there is no telling where a token sits in it).

use std::ops::RangeInclusive;
use std::time::Duration;

use secrecy::SecretString;
use serde_json::{Map, Value};

use super::error::ZoomError;
use super::json::json_type;
use super::retry::AttemptError;

/// Zoom's tokens live an hour; an answer that does not say how long is taken to mean that.
const USUAL_LIFETIME_SECS: u64 = 3600;

/// The lifetimes the client believes, in seconds. A shorter one would cost a token request per
/// call; a longer one is no lifetime Zoom grants. Either way a token Zoom refuses early is
/// replaced on its 401, so clamping is safe.
pub const LIFETIME_SECS: RangeInclusive<u64> = 60..=86_400;

/// The longest quotation of a field's value or a message in an error, in bytes.
const QUOTE_BYTES: usize = 300;

const REDACTED: &str = "[redacted]";

#[derive(Debug)]
pub struct Grant {
    pub access_token: SecretString,
    /// What the answer said, in seconds; `None` when it did not say.
    pub expires_in: Option<u64>,
    /// What the client goes by: `expires_in` (or an hour) clamped to [`LIFETIME_SECS`].
    pub lifetime: Duration,
    pub scope: String,
    /// The refresh token of a user's authorization; Server-to-Server grants have none.
    pub refresh_token: Option<SecretString>,
}

/// Which grant was asked for: a refusal means different things to each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// `account_credentials`: a refusal is a wrong account, client ID or secret.
    Account,
    /// `authorization_code` or `refresh_token`: a refusal other than of the client itself is a
    /// code or refresh token Zoom no longer honours (used, expired, revoked, app removed: 4733,
    /// 4734, 4735, 4737, 4741, "Invalid Token!"), which only a new authorization cures.
    User,
}

/// The answer to `POST /oauth/token`: a grant, a refusal worth retrying (408, 429, 5xx), or one
/// that is not (other statuses, and a 2xx without a usable token).
pub fn read(status: u16, body: &[u8], flow: Flow) -> Result<Grant, AttemptError> {
    let answer = Answer::parse(body);
    match status {
        200..=299 => answer
            .grant()
            .map_err(|reason| AttemptError::Fatal(ZoomError::TokenAnswer { status, reason })),
        _ => Err(answer.refused(status, flow)),
    }
}

/// The answer to `POST /oauth/revoke`: done on a 2xx, and also on a refusal of the token,
/// which means it was revoked already.
pub fn revoked(status: u16, body: &[u8]) -> Result<(), AttemptError> {
    match Answer::parse(body).refused(status, Flow::User) {
        _ if (200..=299).contains(&status) => Ok(()),
        AttemptError::Fatal(ZoomError::Reauthorize { .. }) => Ok(()),
        refused => Err(refused),
    }
}

/// A body as JSON (when it is), with the values that must never be shown.
struct Answer {
    json: Option<Value>,
    len: usize,
    secrets: Vec<String>,
}

impl Answer {
    fn parse(body: &[u8]) -> Answer {
        let json: Option<Value> = serde_json::from_slice(body).ok();
        let mut found = Vec::new();
        if let Some(json) = &json {
            collect_secrets(json, false, &mut found);
        }
        // Each as it is and as it looks inside a JSON rendering; only a quotation's length of
        // each is looked for, which masks whatever part of it a quotation could show.
        let mut secrets: Vec<String> = found
            .iter()
            .flat_map(|s| [s.clone(), json_escaped(s)])
            .map(|s| s[..s.floor_char_boundary(QUOTE_BYTES + 4)].to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        secrets.sort_unstable();
        secrets.dedup();
        Answer {
            json,
            len: body.len(),
            secrets,
        }
    }

    /// A refusal worth retrying (408, 429, 5xx), or one that is not.
    fn refused(&self, status: u16, flow: Flow) -> AttemptError {
        let reason = self.refusal(status);
        match status {
            408 | 429 | 500..=599 => AttemptError::Retry {
                after: None,
                error: ZoomError::TokenEndpoint {
                    status,
                    message: reason,
                },
            },
            _ if flow == Flow::User && self.error() != Some("invalid_client") => {
                AttemptError::Fatal(ZoomError::Reauthorize { status, reason })
            }
            _ => AttemptError::Fatal(ZoomError::Credentials {
                status,
                reason,
                settings: match flow {
                    Flow::Account => "ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET",
                    Flow::User => "ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (the OAuth app's)",
                },
            }),
        }
    }

    /// The OAuth `error` field (`invalid_client`, `invalid_grant` …).
    fn error(&self) -> Option<&str> {
        self.json.as_ref()?.get("error")?.as_str()
    }

    fn not_json(&self) -> String {
        format!(
            "a body of {} bytes that is not JSON (not shown: it may hold a token)",
            self.len
        )
    }

    fn grant(&self) -> Result<Grant, String> {
        let Some(json) = &self.json else {
            return Err(self.not_json());
        };
        let Value::Object(fields) = json else {
            return Err(format!("JSON {}, not an object", json_type(json)));
        };
        let access_token = match fields.get("access_token") {
            Some(Value::String(token)) if !token.trim().is_empty() => {
                SecretString::from(token.clone())
            }
            Some(Value::String(_)) => return Err("an empty access_token".into()),
            Some(other) => {
                return Err(format!(
                    "access_token as {}, not a string",
                    json_type(other)
                ));
            }
            None => {
                return Err(format!(
                    "no access_token among its fields ({})",
                    self.shown(&field_names(fields))
                ));
            }
        };
        let expires_in = match fields.get("expires_in") {
            None | Some(Value::Null) => None,
            Some(value) => Some(seconds(value).ok_or_else(|| {
                format!(
                    "expires_in is {}, not a number of seconds",
                    self.shown(&value.to_string())
                )
            })?),
        };
        let secs = expires_in.unwrap_or(USUAL_LIFETIME_SECS);
        let lifetime = secs.clamp(*LIFETIME_SECS.start(), *LIFETIME_SECS.end());
        // Whole, for the client to read (often longer than a quote), but with no word that
        // carries a secret.
        let scope = match fields.get("scope") {
            Some(Value::String(scope)) => scope
                .split_whitespace()
                .filter(|word| !self.secrets.iter().any(|s| word.contains(s.as_str())))
                .collect::<Vec<_>>()
                .join(" "),
            _ => String::new(),
        };
        let refresh_token = match fields.get("refresh_token") {
            Some(Value::String(token)) if !token.trim().is_empty() => {
                Some(SecretString::from(token.clone()))
            }
            _ => None,
        };
        Ok(Grant {
            access_token,
            expires_in,
            lifetime: Duration::from_secs(lifetime),
            scope,
            refresh_token,
        })
    }

    /// What a refusal says, as the token endpoint words it (`reason`, `error`) or as the API
    /// does (`message`).
    fn refusal(&self, status: u16) -> String {
        let Some(json) = &self.json else {
            return format!("HTTP {status} with {}", self.not_json());
        };
        let said = ["reason", "error_description", "message", "error"]
            .iter()
            .find_map(|key| json.get(key)?.as_str());
        match said {
            Some(text) => self.shown(text),
            None => format!("HTTP {status} with no message"),
        }
    }

    /// The start of `text`, fit for a log line, with every secret of the answer masked. One
    /// pass over a bounded window: a hostile answer full of secrets costs little.
    fn shown(&self, text: &str) -> String {
        let cut = text.floor_char_boundary(QUOTE_BYTES);
        // A secret that starts before the cut ends within the window (patterns are cut too).
        let window = &text[..text.floor_char_boundary(2 * QUOTE_BYTES + 8)];
        let mut masked = vec![false; window.len()];
        for pattern in &self.secrets {
            for (at, _) in window.match_indices(pattern.as_str()) {
                masked[at..at + pattern.len()].fill(true);
            }
        }
        let mut shown = String::new();
        let mut masking = false;
        for (at, c) in text[..cut].char_indices() {
            if !masked[at] {
                shown.push(c);
            } else if !masking {
                shown.push_str(REDACTED);
            }
            masking = masked[at];
        }
        if cut < text.len() {
            shown.push('…');
        }
        shown
    }
}

/// Every value under a field whose name contains "token", in any case and at any depth.
fn collect_secrets(value: &Value, secret: bool, out: &mut Vec<String>) {
    match value {
        Value::String(s) if secret && !s.is_empty() => out.push(s.clone()),
        Value::Number(n) if secret => out.push(n.to_string()),
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_secrets(item, secret, out)),
        Value::Object(fields) => {
            for (name, value) in fields {
                let named = name.to_ascii_lowercase().contains("token");
                collect_secrets(value, secret || named, out);
            }
        }
        _ => {}
    }
}

/// Seconds as a JSON number or a numeric string (fractions dropped); `None` for anything else,
/// negative numbers included. Too many seconds to count saturate, and are clamped later.
fn seconds(value: &Value) -> Option<u64> {
    let whole = |f: f64| (f.is_finite() && f >= 0.0).then_some(f as u64);
    match value {
        Value::Number(n) => n.as_u64().or_else(|| whole(n.as_f64()?)),
        Value::String(s) => {
            let s = s.trim();
            s.parse::<u64>()
                .ok()
                .or_else(|| whole(s.parse::<f64>().ok()?))
        }
        _ => None,
    }
}

fn json_escaped(text: &str) -> String {
    let quoted = Value::from(text).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

fn field_names(fields: &Map<String, Value>) -> String {
    fields
        .keys()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use secrecy::ExposeSecret;
    use serde_json::json;

    use super::*;

    const LIVE: &str = "eyJsdmUiOiJ0b2tlbiJ9Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op";

    fn granted(body: Value) -> Grant {
        read(200, body.to_string().as_bytes(), Flow::Account).unwrap()
    }

    fn error_text(status: u16, body: &[u8]) -> String {
        let error = match read(status, body, Flow::Account) {
            Ok(grant) => panic!("granted {:?}", grant.lifetime),
            Err(AttemptError::Retry { error, .. } | AttemptError::Fatal(error)) => error,
        };
        format!("{error} / {error:?}")
    }

    #[test]
    fn lifetimes_as_numbers_or_numeric_text_are_clamped_to_a_day() {
        let cases = [
            (json!(3599), Some(3599), 3599),
            (json!("3600"), Some(3600), 3600),
            (json!(" 3600 "), Some(3600), 3600),
            (json!(3600.9), Some(3600), 3600),
            (json!(5), Some(5), 60),
            (json!(u64::MAX), Some(u64::MAX), 86_400),
            (json!("99999999999999999999999"), Some(u64::MAX), 86_400),
            (json!(1e300), Some(u64::MAX), 86_400),
            (Value::Null, None, 3600),
        ];
        for (expires_in, said, secs) in cases {
            let grant = granted(json!({"access_token": LIVE, "expires_in": expires_in}));
            assert_eq!(grant.expires_in, said, "{expires_in}");
            assert_eq!(grant.lifetime, Duration::from_secs(secs), "{expires_in}");
            assert_eq!(grant.access_token.expose_secret(), LIVE);
        }
        let without = granted(json!({"access_token": LIVE, "scope": "user:read:admin"}));
        assert_eq!(without.lifetime, Duration::from_secs(3600));
        assert_eq!(without.scope, "user:read:admin");
        // Every granted scope is kept, however long the list; a word carrying the token is not.
        let many: Vec<String> = (0..60)
            .map(|i| format!("meeting:read:scope_{i}:admin"))
            .collect();
        let scope = format!("{} leak:{LIVE}", many.join(" "));
        let long = granted(json!({"access_token": LIVE, "scope": scope}));
        assert_eq!(long.scope, many.join(" "));
    }

    #[test]
    fn no_error_quotes_a_token() {
        let other = "rt_0123456789abcdefghijklmnopqrstuvwxyzABCDEF";
        let cases: Vec<(u16, Vec<u8>, &str)> = vec![
            (200, format!(r#"{{"access_token":"{LIVE}","expires_in":"#).into_bytes(), "not JSON"),
            (200, format!("access_token={LIVE}&expires_in=3600").into_bytes(), "not JSON"),
            (200, json!([LIVE]).to_string().into_bytes(), "not an object"),
            (200, json!({"token": LIVE, "expires_in": 3600}).to_string().into_bytes(), "no access_token"),
            (200, json!({"access_token": {"value": LIVE}}).to_string().into_bytes(), "not a string"),
            (200, json!({"access_token": "", "refresh_token": LIVE}).to_string().into_bytes(), "empty"),
            (200, json!({"access_token": LIVE, "expires_in": "soon"}).to_string().into_bytes(), "\"soon\""),
            (200, json!({"access_token": LIVE, "expires_in": LIVE}).to_string().into_bytes(), "[redacted]"),
            (200, json!({"access_token": LIVE, "expires_in": {"t": LIVE}}).to_string().into_bytes(), "[redacted]"),
            (200, json!({"access_token": LIVE, "expires_in": -1}).to_string().into_bytes(), "-1"),
            (400, json!({"access_token": LIVE, "reason": format!("token {LIVE} refused"), "error": "invalid_request"}).to_string().into_bytes(), "token [redacted] refused"),
            (401, json!({"refresh_token": other, "error": format!("{other} expired")}).to_string().into_bytes(), "[redacted] expired"),
            (503, json!({"access_token": LIVE, "message": LIVE}).to_string().into_bytes(), "[redacted]"),
            (502, format!("<html>{LIVE}</html>").into_bytes(), "not JSON"),
        ];
        for (status, body, expected) in cases {
            let text = error_text(status, &body);
            assert!(!text.contains(LIVE) && !text.contains(other), "{text}");
            assert!(text.contains(expected), "{expected:?} in {text}");
        }
    }

    #[test]
    fn refusals_are_retried_only_when_zoom_may_recover() {
        let body = br#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#;
        assert!(matches!(
            read(400, body, Flow::Account),
            Err(AttemptError::Fatal(ZoomError::Credentials { status: 400, ref reason, settings }))
                if reason == "Invalid client_id or client_secret" && settings.contains("ZOOM_ACCOUNT_ID")
        ));
        for status in [408, 429, 500, 503] {
            assert!(
                matches!(
                    read(status, body, Flow::Account),
                    Err(AttemptError::Retry { .. })
                ),
                "{status}"
            );
        }
    }

    #[test]
    fn a_refused_user_grant_asks_for_a_new_authorization_unless_the_client_is_wrong() {
        let used = br#"{"reason":"Invalid Token!","error":"invalid_grant"}"#;
        assert!(matches!(
            read(400, used, Flow::User),
            Err(AttemptError::Fatal(ZoomError::Reauthorize { status: 400, ref reason }))
                if reason == "Invalid Token!"
        ));
        let client = br#"{"reason":"Invalid client_id or client_secret","error":"invalid_client"}"#;
        assert!(matches!(
            read(400, client, Flow::User),
            Err(AttemptError::Fatal(ZoomError::Credentials { settings, .. }))
                if !settings.contains("ZOOM_ACCOUNT_ID")
        ));
        assert!(matches!(
            read(503, used, Flow::User),
            Err(AttemptError::Retry { .. })
        ));
        let grant =
            granted(json!({"access_token": LIVE, "refresh_token": "rt", "expires_in": 3600}));
        assert_eq!(grant.refresh_token.unwrap().expose_secret(), "rt");
        assert!(revoked(200, br#"{"status":"success"}"#).is_ok());
        assert!(revoked(400, used).is_ok(), "already revoked");
        assert!(revoked(401, client).is_err());
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(|f| json!(f)),
            ".{0,12}".prop_map(Value::from),
            "[0-9 .eE+-]{0,24}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
                prop::collection::btree_map(
                    prop_oneof![
                        Just("access_token".to_owned()),
                        Just("expires_in".to_owned()),
                        Just("reason".to_owned()),
                        Just("message".to_owned()),
                        ".{0,8}".prop_map(String::from),
                    ],
                    inner,
                    0..5
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn any_bytes_are_read_without_a_panic(status in any::<u16>(), body in prop::collection::vec(any::<u8>(), 0..256)) {
            let _ = read(status, &body, Flow::User);
        }

        #[test]
        fn any_answer_is_read_without_a_panic_or_a_leak(
            status in prop_oneof![Just(200u16), Just(400u16), Just(503u16), any::<u16>()],
            fields in prop::collection::btree_map(".{0,10}", any_json(), 0..6),
            expires_in in any_json(),
            token in "[A-Za-z0-9_.-]{16,64}",
            token_field in "[a-z_]{0,6}(token|Token|TOKEN)[a-z_]{0,6}",
            echo_in in prop_oneof![Just("reason"), Just("message"), Just("expires_in"), Just("scope")],
        ) {
            let mut body: Map<String, Value> = fields.into_iter().collect();
            body.insert("expires_in".into(), expires_in);
            body.insert(token_field, Value::from(token.clone()));
            body.insert(echo_in.into(), Value::from(format!("about {token}.")));
            match read(status, Value::Object(body).to_string().as_bytes(), Flow::Account) {
                Ok(grant) => {
                    prop_assert!(LIFETIME_SECS.contains(&grant.lifetime.as_secs()));
                    prop_assert!(!grant.scope.contains(&token));
                }
                Err(AttemptError::Retry { error, .. } | AttemptError::Fatal(error)) => {
                    let text = format!("{error} {error:?}");
                    prop_assert!(!text.contains(&token), "{}", text);
                }
            }
        }
    }
}
