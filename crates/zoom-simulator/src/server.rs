//! The HTTP server: routes, serving until a shutdown signal, and [`Simulator::start`] for tests,
//! which serves on a free local port in the background.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::middleware::map_response;
use axum::routing::{get, post, put};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::{CancellationToken, DropGuard};
use url::Url;

use crate::handle::SimHandle;
use crate::routes::listing_pages::counted;
use crate::state::SimState;
use crate::routes::{
    meetings, oauth, recordings, registrant_writes, registrants, session_writes, user_writes,
    users, webinars,
};
use crate::rules::respond;
use crate::{SimCredentials, SimulatorConfig, SimulatorError};
use zoom_api::endpoint::Endpoint;

/// A simulator that is set up but not yet serving; [`Simulator::start`] does both at once.
pub struct Simulator {
    state: Arc<SimState>,
}

impl Simulator {
    pub fn new(config: SimulatorConfig) -> Self {
        Simulator {
            state: Arc::new(SimState::new(config)),
        }
    }

    pub fn handle(&self) -> SimHandle {
        SimHandle {
            state: Arc::clone(&self.state),
        }
    }

    pub fn credentials(&self) -> &SimCredentials {
        &self.state.credentials
    }

    /// Binds 127.0.0.1 on a free port and serves in a background task until the returned
    /// [`RunningSimulator`] is shut down or dropped.
    pub async fn start(config: SimulatorConfig) -> Result<RunningSimulator, SimulatorError> {
        let simulator = Simulator::new(config);
        let bind = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let bind_error = |error| SimulatorError::Bind {
            addr: bind.to_string(),
            error,
        };
        let listener = TcpListener::bind(bind).await.map_err(bind_error)?;
        let addr = listener.local_addr().map_err(bind_error)?;
        let handle = simulator.handle();
        let credentials = simulator.credentials().clone();
        let stop = CancellationToken::new();
        let task = tokio::spawn(simulator.serve(listener, stop.clone().cancelled_owned()));
        Ok(RunningSimulator {
            addr,
            credentials,
            handle,
            stop: stop.drop_guard(),
            task,
        })
    }

    /// Serves on `listener` until `shutdown` completes, then lets requests in flight finish.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), SimulatorError> {
        axum::serve(listener, router(self.state))
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(SimulatorError::Serve)
    }
}

fn router(state: Arc<SimState>) -> Router {
    Router::new()
        .route("/oauth/token", post(oauth::token))
        .route(
            "/v2/users",
            counted(&state, Endpoint::ListUsers, get(users::list_users))
                .post(user_writes::create_user),
        )
        .route(
            "/v2/users/{user_id}",
            get(users::get_user)
                .patch(user_writes::update_user)
                .delete(user_writes::delete_user),
        )
        .route(
            "/v2/users/{user_id}/status",
            put(user_writes::update_user_status),
        )
        .route(
            "/v2/users/{user_id}/meetings",
            counted(&state, Endpoint::ListMeetings, get(meetings::list_meetings))
                .post(session_writes::create_meeting),
        )
        .route(
            "/v2/users/{user_id}/webinars",
            counted(&state, Endpoint::ListWebinars, get(webinars::list_webinars))
                .post(session_writes::create_webinar),
        )
        .route(
            "/v2/users/{user_id}/recordings",
            counted(
                &state,
                Endpoint::ListUserRecordings,
                get(recordings::list_user_recordings),
            ),
        )
        .route(
            "/v2/meetings/{meeting_id}",
            get(meetings::get_meeting)
                .patch(session_writes::update_meeting)
                .delete(session_writes::delete_meeting),
        )
        .route(
            "/v2/meetings/{meeting_id}/registrants",
            counted(
                &state,
                Endpoint::ListMeetingRegistrants,
                get(registrants::list_meeting_registrants),
            )
            .post(registrant_writes::add_meeting_registrant),
        )
        .route(
            "/v2/meetings/{meeting_id}/registrants/status",
            put(registrant_writes::update_meeting_registrant_status),
        )
        .route(
            "/v2/meetings/{meeting_id}/registrants/{registrant_id}",
            get(registrants::get_meeting_registrant),
        )
        .route(
            "/v2/past_meetings/{meeting_id}",
            get(meetings::get_past_meeting),
        )
        .route(
            "/v2/webinars/{webinar_id}",
            get(webinars::get_webinar)
                .patch(session_writes::update_webinar)
                .delete(session_writes::delete_webinar),
        )
        .route(
            "/v2/webinars/{webinar_id}/registrants",
            counted(
                &state,
                Endpoint::ListWebinarRegistrants,
                get(registrants::list_webinar_registrants),
            )
            .post(registrant_writes::add_webinar_registrant),
        )
        .route(
            "/v2/webinars/{webinar_id}/registrants/status",
            put(registrant_writes::update_webinar_registrant_status),
        )
        .route(
            "/v2/webinars/{webinar_id}/registrants/{registrant_id}",
            get(registrants::get_webinar_registrant),
        )
        .route(
            "/v2/accounts/{account_id}/recordings",
            counted(
                &state,
                Endpoint::ListAccountRecordings,
                get(recordings::list_account_recordings),
            ),
        )
        .fallback(respond::not_recognized)
        .method_not_allowed_fallback(respond::not_recognized)
        .layer(map_response(respond::put_nul_in_text))
        // Runs on the finished answer: a stalled write has made its change before the wait.
        .layer(map_response(respond::hold_back))
        .layer(map_response(respond::tag_tracking_id))
        .with_state(state)
}

/// A simulator serving in the background. Dropping it stops the server too, without waiting.
pub struct RunningSimulator {
    addr: SocketAddr,
    credentials: SimCredentials,
    handle: SimHandle,
    stop: DropGuard,
    task: JoinHandle<Result<(), SimulatorError>>,
}

impl RunningSimulator {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/v2`, the equivalent of `https://api.zoom.us/v2`.
    pub fn api_base_url(&self) -> Url {
        base_url(self.addr, "/v2")
    }

    /// `http://127.0.0.1:PORT`; the token URL is `{base}/oauth/token`, as on `https://zoom.us`.
    pub fn oauth_base_url(&self) -> Url {
        base_url(self.addr, "")
    }

    pub fn credentials(&self) -> &SimCredentials {
        &self.credentials
    }

    pub fn handle(&self) -> SimHandle {
        self.handle.clone()
    }

    /// Stops accepting connections and waits for requests in flight to finish.
    pub async fn shutdown(self) {
        let RunningSimulator { stop, task, .. } = self;
        drop(stop);
        match task.await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => tracing::warn!(%error, "simulator stopped with an error"),
            Err(error) => tracing::warn!(%error, "simulator task failed"),
        }
    }
}

pub(crate) fn base_url(addr: SocketAddr, path: &str) -> Url {
    Url::parse(&format!("http://{addr}{path}")).expect("a socket address makes a valid URL")
}

impl std::fmt::Debug for RunningSimulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunningSimulator")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}
