//! What Zoom checks and how it answers, apart from any one endpoint: tokens and scopes, rate
//! and daily limits, page tokens, injected faults, body and path reading, and the shapes of
//! its answers and refusals.

pub(crate) mod body;
pub(crate) mod faults;
pub(crate) mod grants;
pub(crate) mod limits;
pub(crate) mod pages;
pub(crate) mod path;
pub(crate) mod queries;
pub(crate) mod recurrence;
pub(crate) mod refusals;
pub(crate) mod respond;
pub(crate) mod session_body;
pub(crate) mod tokens;
pub(crate) mod user_body;
pub(crate) mod user_limits;
