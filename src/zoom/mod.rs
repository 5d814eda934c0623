//! The Zoom API client: OAuth, rate limits, retries, pagination. It knows HTTP and Zoom, and
//! nothing of the database.

mod auth;
mod body;
pub mod budget;
pub mod calls;
mod chat;
pub mod classify;
mod client;
mod error;
mod invitations;
pub(crate) mod json;
pub mod lifetime;
pub mod limiter;
pub mod oauth;
pub mod paginate;
mod participants;
mod phone_recordings;
pub mod progress;
mod recordings;
mod registrants;
pub mod retry;
mod sessions;
mod token_answer;
pub mod token_store;
mod users;

pub use auth::{Authorization, ZoomCredentials};
pub use chat::{ChatChannel, ChatMessage, ChatPeer};
pub use client::{Call, ClientSettings, MAX_BODY_BYTES, Permit, ZoomClient, http_client};
pub use error::ZoomError;
pub use invitations::Invitation;
pub use paginate::ListedPage;
pub use participants::{EndedInstance, Participant};
pub use phone_recordings::PhoneRecording;
pub use recordings::{DayRange, Recording, RecordingFile, RecordingSource};
pub use registrants::{Registrant, RegistrantStatus};
pub use sessions::{PastInstance, Session, SessionKind, registration_on};
pub use token_answer::Grant;
pub use users::{User, UserStatus};
pub use zoom_api::{Endpoint, Label, Plan, meeting_path_segment, path_segment};
