//! The HTTP server: routes, serving until a shutdown signal, and [`Simulator::start`] for tests,
//! which serves on a free local port in the background.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::middleware::map_response;
use axum::response::Response;
use axum::routing::{MethodRouter, delete, get, post, put};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::{CancellationToken, DropGuard};
use url::Url;

use crate::config::{SimCredentials, SimulatorConfig, SimulatorError};
use crate::handle::SimHandle;
use crate::routes::gate::{Api, Call};
use crate::routes::listing_pages::counted;
use crate::routes::{
    chat, invitation, oauth, past, phone, recordings, registrants, sessions, users,
};
use crate::rules::respond::{self, Refusal};
use crate::state::SimState;
use zoom_api::SessionKind;
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
    let routes = Router::new()
        .route("/oauth/token", post(oauth::token))
        .route("/oauth/authorize", get(oauth::authorize))
        .route("/oauth/revoke", post(oauth::revoke))
        .route(
            "/v2/users",
            listing(&state, Endpoint::ListUsers, users::list)
                .post(Api::new(Endpoint::CreateUser, users::create)),
        )
        .route(
            "/v2/users/{user_id}",
            get(Api::new(Endpoint::GetUser, users::get))
                .patch(Api::new(Endpoint::UpdateUser, users::update))
                .delete(Api::new(Endpoint::DeleteUser, users::delete)),
        )
        .route(
            "/v2/users/{user_id}/status",
            put(Api::new(Endpoint::UpdateUserStatus, users::set_status)),
        )
        .route(
            "/v2/users/{user_id}/recordings",
            listing(
                &state,
                Endpoint::ListUserRecordings,
                recordings::list_for_user,
            ),
        )
        .route(
            "/v2/past_meetings/{meeting_id}",
            get(Api::new(
                Endpoint::GetPastMeeting,
                sessions::get_past_meeting,
            )),
        )
        .route(
            "/v2/meetings/{id}/invitation",
            get(Api::new(Endpoint::GetMeetingInvitation, invitation::get)),
        )
        .route(
            // A webinar's recordings are under `/meetings` too, as on Zoom.
            "/v2/meetings/{id}/recordings",
            delete(Api::new(
                Endpoint::DeleteMeetingRecordings,
                recordings::delete,
            )),
        )
        .route(
            "/v2/meetings/{id}/recordings/status",
            put(Api::new(
                Endpoint::RecoverMeetingRecordings,
                recordings::recover,
            )),
        )
        .route(
            "/v2/phone/users/{user_id}/recordings",
            listing(
                &state,
                Endpoint::ListPhoneUserRecordings,
                phone::list_recordings,
            ),
        )
        .route(
            "/v2/accounts/{account_id}/recordings",
            listing(
                &state,
                Endpoint::ListAccountRecordings,
                recordings::list_for_account,
            ),
        )
        .route(
            "/v2/chat/users/{user_id}/channels",
            listing(&state, Endpoint::ListUserChannels, chat::channels),
        )
        .route(
            "/v2/chat/users/{user_id}/channels/{channel_id}/members",
            listing(&state, Endpoint::ListChannelMembers, chat::members),
        )
        .route(
            "/v2/chat/users/{user_id}/sessions",
            listing(&state, Endpoint::ListChatSessions, chat::sessions),
        )
        .route(
            "/v2/chat/users/{user_id}/messages",
            listing(&state, Endpoint::ListChatMessages, chat::messages),
        );
    [SessionKind::Meeting, SessionKind::Webinar]
        .into_iter()
        .fold(routes, |routes, kind| session_routes(routes, &state, kind))
        .fallback(respond::not_recognized)
        .method_not_allowed_fallback(respond::not_recognized)
        .layer(map_response(respond::put_nul_in_text))
        // Runs on the finished answer: a stalled write has made its change before the wait.
        .layer(map_response(respond::hold_back))
        .layer(map_response(respond::tag_tracking_id))
        .with_state(state)
}

/// The routes meetings and webinars have alike: the host's listing and create, the session,
/// and its registrants.
fn session_routes(
    routes: Router<Arc<SimState>>,
    state: &Arc<SimState>,
    kind: SessionKind,
) -> Router<Arc<SimState>> {
    let e = SessionEndpoints::of(kind);
    let session = format!("/v2/{}/{{id}}", kind.plural());
    routes
        .route(
            &format!("/v2/users/{{user_id}}/{}", kind.plural()),
            listing(state, e.list, move |s, c| sessions::list(s, c, kind))
                .post(Api::new(e.create, move |s, c| sessions::create(s, c, kind))),
        )
        .route(
            &session,
            get(Api::new(e.get, move |s, c| sessions::get(s, c, kind)))
                .patch(Api::new(e.update, move |s, c| sessions::update(s, c, kind)))
                .delete(Api::new(e.delete, move |s, c| sessions::delete(s, c, kind))),
        )
        .route(
            &format!("{session}/registrants"),
            listing(state, e.list_registrants, move |s, c| {
                registrants::list(s, c, kind)
            })
            .post(Api::new(e.add_registrant, move |s, c| {
                registrants::add(s, c, kind)
            })),
        )
        .route(
            &format!("{session}/registrants/status"),
            put(Api::new(e.registrant_status, move |s, c| {
                registrants::set_status(s, c, kind)
            })),
        )
        .route(
            &format!("{session}/registrants/{{registrant_id}}"),
            get(Api::new(e.get_registrant, move |s, c| {
                registrants::get(s, c, kind)
            })),
        )
        .route(
            &format!("/v2/{}/{{id}}/instances", kind.past()),
            get(Api::new(kind.past_instances_endpoint(), move |s, c| {
                past::instances(s, c, kind)
            })),
        )
        .route(
            &format!("/v2/{}/{{id}}/participants", kind.past()),
            listing(state, kind.past_participants_endpoint(), move |s, c| {
                past::participants(s, c, kind)
            }),
        )
}

/// A listing's GET, with its pages counted under its endpoint.
fn listing<F>(state: &Arc<SimState>, endpoint: Endpoint, answer: F) -> MethodRouter<Arc<SimState>>
where
    F: Fn(&SimState, &Call) -> Result<Response, Refusal> + Clone + Send + Sync + 'static,
{
    counted(state, endpoint, get(Api::new(endpoint, answer)))
}

/// The endpoints of one kind's routes in [`session_routes`].
struct SessionEndpoints {
    list: Endpoint,
    create: Endpoint,
    get: Endpoint,
    update: Endpoint,
    delete: Endpoint,
    list_registrants: Endpoint,
    add_registrant: Endpoint,
    registrant_status: Endpoint,
    get_registrant: Endpoint,
}

impl SessionEndpoints {
    fn of(kind: SessionKind) -> Self {
        use Endpoint::*;
        match kind {
            SessionKind::Meeting => SessionEndpoints {
                list: ListMeetings,
                create: CreateMeeting,
                get: GetMeeting,
                update: UpdateMeeting,
                delete: DeleteMeeting,
                list_registrants: ListMeetingRegistrants,
                add_registrant: CreateMeetingRegistrant,
                registrant_status: UpdateMeetingRegistrantStatus,
                get_registrant: GetMeetingRegistrant,
            },
            SessionKind::Webinar => SessionEndpoints {
                list: ListWebinars,
                create: CreateWebinar,
                get: GetWebinar,
                update: UpdateWebinar,
                delete: DeleteWebinar,
                list_registrants: ListWebinarRegistrants,
                add_registrant: CreateWebinarRegistrant,
                registrant_status: UpdateWebinarRegistrantStatus,
                get_registrant: GetWebinarRegistrant,
            },
        }
    }
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
