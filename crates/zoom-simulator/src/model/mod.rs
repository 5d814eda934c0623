//! What the simulated account holds: users, meetings and webinars, registrants, recordings,
//! and the indexes over them. Plain data and Zoom's shapes for it; nothing here knows HTTP,
//! tokens or limits.

pub(crate) mod chat;
pub(crate) mod entities;
pub(crate) mod ids;
pub(crate) mod invitation;
pub(crate) mod participants;
pub(crate) mod phone;
pub(crate) mod recording;
pub(crate) mod recurrence;
pub(crate) mod registrant;
pub(crate) mod session;
pub(crate) mod session_json;
pub(crate) mod user;
