//! The daemon's Prometheus metrics (`GET /metrics`), named `zoom_mirror_*`. One registry per
//! process; the parts that count hold a clone of [`Metrics`], which shares its counters (the Zoom
//! client holds its own counters alone, [`Metrics::zoom_calls`]). What
//! the database knows better (the queue's rows, the passes) is read from it at each scrape
//! ([`Metrics::refresh`]), so that every replica reports the same and a restart loses nothing.

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{
    DescriptorEncoder, EncodeLabelSet, EncodeLabelValue, EncodeMetric, LabelValueEncoder,
};
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

use super::zoom_calls::ZoomCalls;
use crate::db::gauges::{EntityPasses, QueueRows};
use crate::db::{self, DbError, DbPool};
use crate::zoom::calls::CallObserver;

/// What became of a webhook delivery.
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub enum WebhookOutcome {
    /// Stored for the first time.
    Stored,
    /// Zoom delivered it again; stored before.
    Duplicate,
    /// Not Zoom's, or not readable: answered 4xx, nothing kept.
    Refused,
    /// Applied to the mirror (whether or not the mirror changed: see the event's `outcome`).
    Applied,
    /// Could not be stored (answered 503, so that Zoom delivers it again), or an attempt to
    /// apply it failed, or it cannot be applied.
    Failed,
}

impl WebhookOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookOutcome::Stored => "stored",
            WebhookOutcome::Duplicate => "duplicate",
            WebhookOutcome::Refused => "refused",
            WebhookOutcome::Applied => "applied",
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
    zoom_calls: ZoomCalls,
    from_db: Arc<FromDatabase>,
}

/// The figures last read from the database, encoded at each scrape.
#[derive(Debug, Default)]
struct FromDatabase {
    read: Mutex<(Vec<QueueRows>, Vec<EntityPasses>)>,
}

impl Collector for FromDatabase {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let read = self
            .read
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (queue, passes) = &*read;

        let gauge = ConstGauge::new(0i64);
        let mut family = encoder.encode_descriptor(
            "write_queue_rows",
            "Rows of zoom.write_queue, by status",
            None,
            gauge.metric_type(),
        )?;
        for row in queue {
            let label = [("status", row.status.as_str())];
            ConstGauge::new(row.rows).encode(family.encode_family(&label)?)?;
        }

        let mut family = encoder.encode_descriptor(
            "pass_last_success_timestamp_seconds",
            "When each entity's latest successful sync pass ended, in Unix seconds",
            None,
            gauge.metric_type(),
        )?;
        for pass in passes {
            if let Some(at) = pass.last_success {
                let seconds = at.timestamp_millis() as f64 / 1000.0;
                let label = [("entity", pass.entity.as_str())];
                ConstGauge::new(seconds).encode(family.encode_family(&label)?)?;
            }
        }

        let mut family = encoder.encode_descriptor(
            "pass_duration_seconds",
            "How long each entity's latest finished sync pass took",
            None,
            gauge.metric_type(),
        )?;
        for pass in passes {
            if let Some(seconds) = pass.last_duration_secs {
                let label = [("entity", pass.entity.as_str())];
                ConstGauge::new(seconds).encode(family.encode_family(&label)?)?;
            }
        }

        let counter = ConstCounter::new(0u64);
        let mut family = encoder.encode_descriptor(
            "rows_written",
            "Mirror rows written by sync passes, by entity and kind (inserted, updated, deleted)",
            None,
            counter.metric_type(),
        )?;
        for pass in passes {
            for (kind, rows) in [
                ("inserted", pass.inserted),
                ("updated", pass.updated),
                ("deleted", pass.deleted),
            ] {
                let label = [("entity", pass.entity.as_str()), ("kind", kind)];
                let rows = u64::try_from(rows).unwrap_or(0);
                ConstCounter::new(rows).encode(family.encode_family(&label)?)?;
            }
        }
        Ok(())
    }
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
        let zoom_calls = ZoomCalls::default();
        zoom_calls.register(&mut registry);
        let from_db = Arc::new(FromDatabase::default());
        registry.register_collector(Box::new(from_db.clone()));
        Metrics {
            registry: Arc::new(registry),
            webhook_events,
            zoom_calls,
            from_db,
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

    /// The counters of the Zoom client's requests, for [`crate::zoom::ZoomClient::new`].
    pub fn zoom_calls(&self) -> Arc<dyn CallObserver> {
        Arc::new(self.zoom_calls.clone())
    }

    /// Reads what the database knows for the next [`Metrics::encode`]. On failure the last
    /// figures stay, and the caller says why.
    pub async fn refresh(&self, pool: &DbPool) -> Result<(), DbError> {
        let mut conn = db::connection(pool).await?;
        let queue = db::gauges::queue_rows(&mut conn).await?;
        let passes = db::gauges::entity_passes(&mut conn).await?;
        *self
            .from_db
            .read
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = (queue, passes);
        Ok(())
    }

    /// Every metric in OpenMetrics' text format.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}
