//! The API's endpoints, one file per area. Each is an [`gate::Api`]: its request goes through
//! the gate (faults, token, scope, rate limits), then the area's answer for it.

pub(crate) mod chat;
pub(crate) mod gate;
pub(crate) mod invitation;
pub(crate) mod listing_pages;
pub(crate) mod oauth;
pub(crate) mod past;
pub(crate) mod phone;
pub(crate) mod recordings;
pub(crate) mod registrants;
pub(crate) mod sessions;
pub(crate) mod users;
