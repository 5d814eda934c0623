//! The Zoom client's requests, counted as the client tells of them ([`CallObserver`]):
//! `api_calls_total{label,status}` and `rate_limited_total{label}`.

use std::fmt::Write as _;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;
use reqwest::StatusCode;

use crate::zoom::calls::{Answer, CallLabel, CallObserver};

/// The status as text, `error` when none came back.
impl EncodeLabelValue for Answer {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        match self {
            Answer::Status(status) => write!(encoder, "{status}"),
            Answer::NoStatus => encoder.write_str("error"),
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    label: &'static str,
    status: Answer,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RateLimitLabels {
    label: &'static str,
}

/// The two counters; clones share them.
#[derive(Clone, Default)]
pub struct ZoomCalls {
    calls: Family<CallLabels, Counter>,
    rate_limited: Family<RateLimitLabels, Counter>,
}

impl ZoomCalls {
    pub(super) fn register(&self, registry: &mut Registry) {
        registry.register(
            "api_calls",
            "HTTP requests the Zoom client sent, every attempt and token request included, by \
             rate-limit label (oauth_token for token requests) and answer status (error when no \
             status came back)",
            self.calls.clone(),
        );
        registry.register(
            "rate_limited",
            "429 answers from Zoom, by rate-limit label",
            self.rate_limited.clone(),
        );
    }
}

impl CallObserver for ZoomCalls {
    fn sent(&self, label: CallLabel, answer: Answer) {
        let label = label.as_str();
        self.calls
            .get_or_create(&CallLabels {
                label,
                status: answer,
            })
            .inc();
        if answer == Answer::Status(StatusCode::TOO_MANY_REQUESTS.as_u16()) {
            self.rate_limited
                .get_or_create(&RateLimitLabels { label })
                .inc();
        }
    }
}

#[cfg(test)]
mod tests {
    use zoom_api::plan::Label;

    use super::*;
    use crate::telemetry::metrics::Metrics;

    #[test]
    fn the_text_names_each_request_by_label_and_status_and_each_429_by_label() {
        let metrics = Metrics::default();
        let observer = metrics.zoom_calls();
        let medium = CallLabel::Api(Label::Medium);
        observer.sent(medium, Answer::Status(200));
        observer.sent(medium, Answer::Status(200));
        observer.sent(medium, Answer::Status(429));
        observer.sent(
            CallLabel::Api(Label::ResourceIntensive),
            Answer::Status(429),
        );
        observer.sent(CallLabel::Token, Answer::NoStatus);

        let text = metrics.encode();
        for line in [
            "# TYPE zoom_mirror_api_calls counter",
            r#"zoom_mirror_api_calls_total{label="medium",status="200"} 2"#,
            r#"zoom_mirror_api_calls_total{label="medium",status="429"} 1"#,
            r#"zoom_mirror_api_calls_total{label="resource_intensive",status="429"} 1"#,
            r#"zoom_mirror_api_calls_total{label="oauth_token",status="error"} 1"#,
            "# TYPE zoom_mirror_rate_limited counter",
            r#"zoom_mirror_rate_limited_total{label="medium"} 1"#,
            r#"zoom_mirror_rate_limited_total{label="resource_intensive"} 1"#,
        ] {
            assert!(text.lines().any(|l| l == line), "no {line:?} in:\n{text}");
        }
        assert!(
            !text.contains(r#"rate_limited_total{label="oauth_token"}"#),
            "{text}"
        );
    }
}
