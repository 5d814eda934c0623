//! The daemon's HTTP listener (`http.listen`): Zoom's webhooks, liveness, readiness and
//! metrics. It starts before PostgreSQL is reached, so that `/healthz` answers while the daemon
//! waits, and `/readyz` says what it waits for.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use zoom_api::webhook::{SIGNATURE_HEADER, TIMESTAMP_HEADER};

use crate::clock::Clock;
use crate::db::{self, DbPool};
use crate::telemetry::metrics::Metrics;
use crate::webhooks::{Inbox, Received};

/// What the routes share.
#[derive(Clone)]
pub struct Endpoints {
    pub inbox: Inbox,
    pub metrics: Metrics,
    pub pool: DbPool,
    /// Set once PostgreSQL was reached and the migrations applied.
    pub migrated: Arc<AtomicBool>,
    pub max_body_bytes: usize,
    /// Judges the age of a webhook's timestamp.
    pub clock: Clock,
}

/// Serves until `cancel`: requests in flight finish, new connections are refused.
pub async fn serve(
    listener: TcpListener,
    endpoints: Endpoints,
    cancel: CancellationToken,
) -> Result<(), std::io::Error> {
    axum::serve(listener, router(endpoints))
        .with_graceful_shutdown(cancel.cancelled_owned())
        .await
}

pub fn router(endpoints: Endpoints) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        // The body limit is the inbox's to enforce, so that a refusal is counted.
        .route(
            "/webhooks/zoom",
            post(webhook).layer(DefaultBodyLimit::disable()),
        )
        .with_state(endpoints)
}

async fn readyz(State(endpoints): State<Endpoints>) -> Response {
    if !endpoints.migrated.load(Ordering::Acquire) {
        let why = "not ready: waiting for PostgreSQL and the migrations\n";
        return (StatusCode::SERVICE_UNAVAILABLE, why).into_response();
    }
    match db::ping(&endpoints.pool).await {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(error) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {error}\n"),
        )
            .into_response(),
    }
}

async fn metrics(State(endpoints): State<Endpoints>) -> Response {
    if let Err(error) = endpoints.metrics.refresh(&endpoints.pool).await {
        tracing::warn!(%error, "/metrics serves the queue and pass figures last read");
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        endpoints.metrics.encode(),
    )
        .into_response()
}

async fn webhook(State(endpoints): State<Endpoints>, headers: HeaderMap, body: Body) -> Response {
    let inbox = &endpoints.inbox;
    if !inbox.is_on() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let Ok(body) = axum::body::to_bytes(body, endpoints.max_body_bytes).await else {
        inbox.count_refused();
        let why = format!(
            "the body is over webhooks.max_body_bytes ({} bytes)\n",
            endpoints.max_body_bytes
        );
        return (StatusCode::PAYLOAD_TOO_LARGE, why).into_response();
    };
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let received = inbox
        .receive(
            header(TIMESTAMP_HEADER),
            header(SIGNATURE_HEADER),
            &body,
            endpoints.clock.now(),
        )
        .await;
    match received {
        Ok(Received::Validation(answer)) => Json(answer).into_response(),
        Ok(Received::Stored { .. }) => StatusCode::OK.into_response(),
        Err(rejected) => {
            let status = StatusCode::from_u16(rejected.status())
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, format!("{rejected}\n")).into_response()
        }
    }
}
