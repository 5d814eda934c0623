//! Zoom's published facts that the zoom-mirror client and its Zoom simulator share: the
//! endpoints with their rate-limit labels, page sizes and scopes, the plans' limits, how ids go
//! into a path, the small vocabularies (meeting or webinar, user and registrant status), the error codes
//! acted on, and how webhooks are signed. No I/O: a fact changes here once, and both sides follow.

pub mod codes;
pub mod endpoint;
pub mod kinds;
pub mod path;
pub mod plan;
pub mod webhook;

pub use endpoint::Endpoint;
pub use kinds::{RegistrantStatus, SessionKind, UserStatus};
pub use path::{meeting_path_segment, path_segment};
pub use plan::{Label, Plan};
