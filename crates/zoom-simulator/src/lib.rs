//! The Zoom simulator: an HTTP server that behaves like Zoom for everything the client uses
//! (`docs/zoom-behaviour.md` lists those behaviours and where each is reproduced), for tests,
//! benchmarks and the demo. It is its own crate so that the daemon cannot call it: zoom-mirror
//! takes it only as a dev-dependency.
//!
//! Folders by role, and imports that flow one way, from `routes/` to `rules/` to `model/`:
//! - `model/`: what the account holds (users, one [`SimSession`] for meetings and webinars,
//!   registrants, recordings, the indexed `Entities`) and Zoom's JSON shapes for it;
//! - `rules/`: what Zoom checks and how it answers, apart from any endpoint (tokens and scopes,
//!   rate and daily limits, page tokens, faults, bodies and paths, errors);
//! - `routes/`: the endpoints, one file per API area (users, sessions, registrants,
//!   recordings, OAuth); each is a `gate::Api`, which runs the gate (faults, token, scope, rate
//!   limits) and then the area's answer;
//! - `generate/`: the seeded account, the same for the same [`AccountSpec`].
//!
//! `config` is what a simulator starts with; `state::SimState` holds everything behind one lock;
//! tests drive and inspect it through a [`SimHandle`]; `server` routes the requests and `cli` is
//! the binary's command line. Nothing below imports the crate root or a module above it.

pub mod cli;
mod config;
mod generate;
mod handle;
mod model;
mod routes;
mod rules;
mod server;
mod state;
mod stats;
mod webhooks;

#[cfg(test)]
mod tests;

pub use config::{SimCredentials, SimulatorConfig, SimulatorError};
pub use generate::spec::{AccountSpec, BusyHosts};
pub use handle::SimHandle;
pub use model::chat::{Chat, Conversation, MessageStatus, SimChannel, SimMessage, member_id};
pub use model::entities::{AccountSummary, RegistrantCounts};
pub use model::participants::SimJoin;
pub use model::recording::{SimRecording, SimRecordingFile};
pub use model::registrant::{RegistrantStatus, SimRegistrant};
pub use model::session::{MeetingListType, SimInstance, SimMeeting, SimSession, SimWebinar};
pub use model::user::{SimUser, UserStatus};
pub use rules::faults::{Fault, FaultKind, TokenAnswer};
pub use server::{RunningSimulator, Simulator};
pub use stats::{LabelStats, SimStats};
pub use webhooks::WebhookSubscription;
pub use zoom_api::SessionKind;
