//! Every HTTP request the client sends, told to whoever counts them (the daemon's metrics): each
//! attempt, retries and token requests included, since each one counts against Zoom's limits.
//! The client works the same without an observer, as in tests and benches.

use std::sync::Arc;

use zoom_api::plan::Label;

/// What a request counts against: the rate-limit label the client's limiters key it by, or the
/// token endpoint, which Zoom gives no rate-limit label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallLabel {
    Api(Label),
    Token,
}

impl CallLabel {
    /// The label's name: the rate-limit label's (`light`, `medium`, `heavy`,
    /// `resource_intensive`), or `oauth_token`.
    pub fn as_str(self) -> &'static str {
        match self {
            CallLabel::Api(label) => label.as_str(),
            CallLabel::Token => "oauth_token",
        }
    }
}

/// How a request ended on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Answer {
    /// Zoom (or a proxy in front of it) answered with this HTTP status.
    Status(u16),
    /// No status came back: the connection failed or the request timed out first.
    NoStatus,
}

/// Hears of each request the client sent, once its status came back or the request failed.
pub trait CallObserver: Send + Sync {
    fn sent(&self, label: CallLabel, answer: Answer);
}

/// The client's observer, if it was given one.
#[derive(Clone)]
pub(super) struct Observer(Option<Arc<dyn CallObserver>>);

impl Observer {
    pub(super) fn new(observer: Option<Arc<dyn CallObserver>>) -> Self {
        Observer(observer)
    }

    /// Tells the observer how `response`, a request under `label`, ended.
    pub(super) fn sent(
        &self,
        label: CallLabel,
        response: &Result<reqwest::Response, reqwest::Error>,
    ) {
        if let Some(observer) = &self.0 {
            let answer = match response {
                Ok(response) => Answer::Status(response.status().as_u16()),
                Err(_) => Answer::NoStatus,
            };
            observer.sent(label, answer);
        }
    }
}
