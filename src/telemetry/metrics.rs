//! The daemon's Prometheus metrics (`GET /metrics`), named `zoom_mirror_*`. One registry per
//! process; the parts that count hold a clone of [`Metrics`], which shares its counters.

use std::sync::Arc;

use std::fmt::Write as _;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;

/// What became of a webhook delivery.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub enum WebhookOutcome {
    /// Stored for the first time.
    Stored,
    /// Zoom delivered it again; stored before.
    Duplicate,
    /// Not Zoom's, or not readable: answered 4xx, nothing kept.
    Refused,
    /// Could not be stored: answered 503, so that Zoom delivers it again.
    Failed,
}

impl WebhookOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookOutcome::Stored => "stored",
            WebhookOutcome::Duplicate => "duplicate",
            WebhookOutcome::Refused => "refused",
            WebhookOutcome::Failed => "failed",
        }
    }
}

impl EncodeLabelValue for WebhookOutcome {
    fn encode(&self, encoder: &mut LabelValueEncoder) -> Result<(), std::fmt::Error> {
        encoder.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WebhookLabels {
    /// Zoom's event name; `unknown` for a delivery refused before it could be trusted or read.
    event: String,
    outcome: WebhookOutcome,
}

#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    webhook_events: Family<WebhookLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("zoom_mirror");
        let webhook_events = Family::<WebhookLabels, Counter>::default();
        registry.register(
            "webhook_events",
            "Zoom webhook deliveries, by event and what became of them",
            webhook_events.clone(),
        );
        Metrics {
            registry: Arc::new(registry),
            webhook_events,
        }
    }
}

impl Metrics {
    pub fn webhook_event(&self, event: &str, outcome: WebhookOutcome) {
        self.webhook_events
            .get_or_create(&WebhookLabels {
                event: event.to_owned(),
                outcome,
            })
            .inc();
    }

    /// Every metric in Prometheus' text format.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}
