//! What can go wrong talking to Zoom, each variant saying what failed and what to do. Each
//! message carries its cause and links no source, so that a caller printing the chain names
//! it once.

use chrono::{DateTime, Utc};

use zoom_api::codes::{
    CHANNEL_NOT_FOUND, HOSTING_NOT_ALLOWED, INVALID_PARAMETER, MEETING_NOT_FOUND, NOT_ALLOWED,
    PAST_MEETING_OVER_A_YEAR, PHONE_NOT_ENABLED, REGISTRATION_NOT_ENABLED, USER_NOT_FOUND,
};
use zoom_api::endpoint::Endpoint;
use zoom_api::plan::Label;

#[derive(Debug, thiserror::Error)]
pub enum ZoomError {
    /// Zoom answered with an error that retrying will not fix.
    #[error("Zoom {endpoint} answered HTTP {status}{}: {message}{}", code_suffix(*.code), tracking_suffix(.tracking_id))]
    Api {
        endpoint: Endpoint,
        status: u16,
        code: Option<i64>,
        message: String,
        tracking_id: Option<String>,
    },

    #[error(
        "the Zoom app lacks scope {scopes} (needed by {endpoint}): add it to the app in the Zoom \
         App Marketplace, then reactivate a Server-to-Server app, or run `zoom-mirror auth login` \
         again for an OAuth app (its authorization holds the scopes granted then)"
    )]
    MissingScope { endpoint: Endpoint, scopes: String },

    #[error(
        "Zoom's daily limit for {label} calls is reached ({endpoint}); calls resume at {resumes_at}"
    )]
    DailyLimit {
        endpoint: Endpoint,
        label: Label,
        resumes_at: DateTime<Utc>,
    },

    #[error(
        "Zoom refused the OAuth credentials (HTTP {status}): {reason}; check {settings}, and that \
         the app is activated"
    )]
    Credentials {
        status: u16,
        reason: String,
        /// The settings that name the app, which differ between its kinds.
        settings: &'static str,
    },

    /// Zoom no longer honours the user authorization (a code or refresh token used, expired or
    /// revoked, the app removed): only a new one helps.
    #[error(
        "Zoom refused the OAuth authorization (HTTP {status}): {reason}; the app may have been \
         removed or its authorization revoked: run `zoom-mirror auth login` again"
    )]
    Reauthorize { status: u16, reason: String },

    #[error(
        "no Zoom authorization is stored (zoom.auth = \"oauth\"): run `zoom-mirror auth login`"
    )]
    NotAuthorized,

    /// The tokens' store failed; `reason` is the store's own, without a token.
    #[error("the stored OAuth tokens: {reason}")]
    TokenStore { reason: String },

    #[error("Zoom's OAuth token endpoint failed (HTTP {status}): {message}")]
    TokenEndpoint { status: u16, message: String },

    /// A 2xx from the token endpoint without a usable token. `reason` never quotes a token.
    #[error(
        "Zoom's OAuth token endpoint answered HTTP {status} without a usable token: {reason}; \
         check that zoom.oauth_base_url points at Zoom (https://zoom.us) and that no proxy \
         rewrites its answers"
    )]
    TokenAnswer { status: u16, reason: String },

    #[error("stopped waiting for {what}: zoom-mirror is shutting down, and nothing more was sent")]
    Stopped { what: String },

    #[error(
        "{key} cannot be used to build Zoom's token URL ({reason}); set it to e.g. https://zoom.us"
    )]
    InvalidBaseUrl { key: &'static str, reason: String },

    #[error(
        "no {label} call to Zoom was sent: the account's rate budget, which every zoom-mirror \
         process draws on in PostgreSQL, could not be drawn on ({cause}); check that PostgreSQL \
         answers and that `zoom-mirror migrate` has run"
    )]
    RateBudget { label: Label, cause: String },

    #[error("could not reach Zoom for {what}: {}", with_causes(.error))]
    Transport { what: String, error: reqwest::Error },

    #[error(
        "Zoom {what} answered with a body that is not the JSON expected ({reason}); it starts: {snippet:?}"
    )]
    Decode {
        what: String,
        reason: String,
        snippet: String,
    },

    #[error("gave up on Zoom after {attempts} attempts: {last}")]
    Exhausted { attempts: u32, last: Box<ZoomError> },

    #[error(
        "Zoom {endpoint} answered for {from}..{to} when asked for {asked_from}..{asked_to}; \
         nothing was marked deleted (Zoom cuts ranges over a month: is the clock right?)"
    )]
    RangeCut {
        endpoint: Endpoint,
        asked_from: chrono::NaiveDate,
        asked_to: chrono::NaiveDate,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
    },

    #[error(
        "Zoom's next_page_token for {endpoint} expired {restarts} times during one listing; it \
         could not finish within a token's 15-minute life (is the database or the network slow?)"
    )]
    ListingNeverCompleted { endpoint: Endpoint, restarts: u32 },
}

impl ZoomError {
    pub(crate) fn stopped(what: impl Into<String>) -> Self {
        ZoomError::Stopped { what: what.into() }
    }

    /// The daemon's stop cut a wait short: nothing of this call reached Zoom after it.
    pub fn is_stopped(&self) -> bool {
        matches!(self, ZoomError::Stopped { .. })
    }

    /// Zoom's `code` when the error came from an API answer.
    pub fn zoom_code(&self) -> Option<i64> {
        match self {
            ZoomError::Api { code, .. } => *code,
            ZoomError::Exhausted { last, .. } => last.zoom_code(),
            _ => None,
        }
    }

    /// HTTP 400 code 300 with Zoom's page-token text. Code 300 alone also means "invalid
    /// parameter" and "registration not enabled", so the message decides.
    pub fn is_page_token_expired(&self) -> bool {
        matches!(self, ZoomError::Api { code: Some(INVALID_PARAMETER), message, .. }
            if message.to_ascii_lowercase().contains("next page token"))
    }

    /// The meeting or webinar does not exist, was deleted, or expired: code 3001, or code 300
    /// "Meeting {id} is not found or has expired" (registrant listings).
    pub fn is_session_missing(&self) -> bool {
        match self.zoom_code() {
            Some(MEETING_NOT_FOUND) => true,
            Some(INVALID_PARAMETER) => {
                self.message_mentions("not found") || self.message_mentions("has expired")
            }
            _ => false,
        }
    }

    /// 404 with code 1001: the user does not exist (any more).
    pub fn is_user_missing(&self) -> bool {
        self.zoom_code() == Some(USER_NOT_FOUND)
    }

    /// 404 with code 4130: the Team Chat channel does not exist (any more).
    pub fn is_channel_missing(&self) -> bool {
        self.zoom_code() == Some(CHANNEL_NOT_FOUND)
    }

    /// 403 "Zoom Phone has not been enabled for this account.": code 2031, or the message under
    /// any code (see [`PHONE_NOT_ENABLED`]: some clients saw 124).
    pub fn is_phone_not_enabled(&self) -> bool {
        self.zoom_code() == Some(PHONE_NOT_ENABLED)
            || matches!(self, ZoomError::Api { status: 403, .. })
                && self.message_mentions("zoom phone has not been enabled")
    }

    /// Code 200 "Webinar plan subscription is missing": the user has no webinars.
    pub fn is_webinar_plan_missing(&self) -> bool {
        self.zoom_code() == Some(NOT_ALLOWED) && self.message_mentions("webinar")
    }

    /// Code 200: the account's (or the host's) plan lacks what was asked ("Only available for
    /// paid account", "No permission"): there is nothing to read, which is no failure.
    pub fn is_plan_missing(&self) -> bool {
        self.zoom_code() == Some(NOT_ALLOWED)
    }

    /// 400 code 3161: the user may not host or schedule meetings (no Meetings licence).
    pub fn is_hosting_not_allowed(&self) -> bool {
        self.zoom_code() == Some(HOSTING_NOT_ALLOWED)
    }

    /// 400 code 12702: the instance ended more than a year ago and Zoom keeps nothing of it.
    pub fn is_over_a_year_ago(&self) -> bool {
        self.zoom_code() == Some(PAST_MEETING_OVER_A_YEAR)
    }

    /// The meeting or webinar takes no registrations: code 300 "has not set registration as
    /// required" (not to be confused with code 300 for an expired page token), or code 404
    /// "Registration has not been enabled".
    pub fn is_registration_off(&self) -> bool {
        matches!(
            self.zoom_code(),
            Some(INVALID_PARAMETER | REGISTRATION_NOT_ENABLED)
        ) && self.message_mentions("registration")
    }

    /// Whether a failed call may still have been carried out by Zoom: a 5xx or a timeout after
    /// the request was sent may hide a success; a 429, a refused token or a connection that was
    /// never made cannot.
    pub fn may_have_taken_effect(&self) -> bool {
        match self {
            ZoomError::Api { status, .. } => *status >= 500 || *status == 408,
            ZoomError::Transport { error, .. } => !error.is_connect(),
            ZoomError::Decode { .. } => true,
            ZoomError::Exhausted { last, .. } => last.may_have_taken_effect(),
            _ => false,
        }
    }

    fn message_mentions(&self, word: &str) -> bool {
        match self {
            ZoomError::Api { message, .. } => message.to_ascii_lowercase().contains(word),
            ZoomError::Exhausted { last, .. } => last.message_mentions(word),
            _ => false,
        }
    }
}

/// reqwest names the URL and keeps what went wrong (a refused connection, a timeout) in its
/// sources: each of them once.
fn with_causes(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut next = std::error::Error::source(error);
    while let Some(cause) = next {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text = format!("{text}: {cause_text}");
        }
        next = cause.source();
    }
    text
}

fn code_suffix(code: Option<i64>) -> String {
    code.map(|c| format!(" (Zoom code {c})"))
        .unwrap_or_default()
}

fn tracking_suffix(tracking_id: &Option<String>) -> String {
    tracking_id
        .as_deref()
        .map(|t| format!(" [x-zm-trackingid {t}]"))
        .unwrap_or_default()
}

/// The first characters of a body, for error messages about bodies we could not read.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(160).collect();
    if text.chars().count() > 160 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_transport_error_names_its_cause_once_however_it_is_printed() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let client = super::super::client::http_client(Duration::from_secs(5)).unwrap();
        let error = client
            .get(format!("http://127.0.0.1:{port}/v2/users"))
            .send()
            .await
            .unwrap_err();
        let transport = ZoomError::Transport {
            what: "GET /users".into(),
            error,
        };
        let message = transport.to_string();
        assert!(
            message.starts_with("could not reach Zoom for GET /users: error sending request"),
            "{message}"
        );
        assert_eq!(
            message.matches("Connection refused").count(),
            1,
            "{message}"
        );

        let exhausted = ZoomError::Exhausted {
            attempts: 2,
            last: Box::new(transport),
        };
        let chain = format!("{:#}", anyhow::Error::new(exhausted));
        assert!(
            chain.starts_with("gave up on Zoom after 2 attempts: could not reach"),
            "{chain}"
        );
        assert_eq!(chain.matches("Connection refused").count(), 1, "{chain}");
    }
}
