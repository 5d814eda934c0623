//! The API's endpoints, one file per area, each call going through [`gate`] first.

pub(crate) mod gate;
pub(crate) mod listing_pages;
pub(crate) mod meetings;
pub(crate) mod oauth;
pub(crate) mod recordings;
pub(crate) mod registrant_writes;
pub(crate) mod registrants;
pub(crate) mod session;
pub(crate) mod session_patch;
pub(crate) mod session_writes;
pub(crate) mod user_writes;
pub(crate) mod users;
pub(crate) mod webinars;
