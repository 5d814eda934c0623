//! The kinds of a row's history entries (`zoom.write_queue.errors`), which inserting systems
//! read to decide what to do: the names are a contract, listed in docs/write-back.md.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What one entry of a row's `errors` records: how an attempt ended badly, or how an
/// interrupted attempt was settled. Stored as its snake_case name; a name never changes once
/// released, since other systems match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Validation refused the row; Zoom was not called.
    Invalid,
    /// Zoom refused the call with an answer retrying cannot change (a 4xx).
    ZoomRejected,
    /// Zoom says the meeting, webinar or user the row acts on does not exist.
    NotFound,
    /// The Zoom app lacks a scope the call needs.
    MissingScope,
    /// Zoom's per-second limit (a 429).
    RateLimited,
    /// Zoom, or the way to it, failed: a 5xx, a timeout, the network, an unreadable answer, the
    /// OAuth token endpoint failing.
    ZoomUnavailable,
    /// Zoom refused zoom-mirror's OAuth credentials, or a fresh access token.
    AuthRefused,
    /// Looking for an interrupted attempt's effect failed.
    LookupFailed,
    /// Whether an earlier attempt reached Zoom cannot be told: a person has to check.
    InDoubt,
    /// The attempt was cut off (its daemon died or lost the lease), or, at the lookup-only
    /// attempt, the cut-off call turned out to have had no effect.
    Interrupted,
    /// A note on success: an interrupted create had taken effect, and the row took what it made.
    Adopted,
    /// A note on success: an interrupted delete had taken effect.
    AlreadyGone,
}

/// The stored name, as serde writes it.
impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.serialize(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [ErrorKind; 12] = [
        ErrorKind::Invalid,
        ErrorKind::ZoomRejected,
        ErrorKind::NotFound,
        ErrorKind::MissingScope,
        ErrorKind::RateLimited,
        ErrorKind::ZoomUnavailable,
        ErrorKind::AuthRefused,
        ErrorKind::LookupFailed,
        ErrorKind::InDoubt,
        ErrorKind::Interrupted,
        ErrorKind::Adopted,
        ErrorKind::AlreadyGone,
    ];

    #[test]
    fn names_are_snake_case_and_read_back() {
        assert_eq!(ErrorKind::ZoomUnavailable.to_string(), "zoom_unavailable");
        for kind in ALL {
            let stored = serde_json::Value::String(kind.to_string());
            assert_eq!(serde_json::from_value::<ErrorKind>(stored).unwrap(), kind);
        }
    }

    /// The documentation is the contract other systems code against.
    #[test]
    fn every_kind_is_documented() {
        let docs = include_str!("../../docs/write-back.md");
        for kind in ALL {
            assert!(
                docs.contains(&format!("| `{kind}` |")),
                "docs/write-back.md has no row for `{kind}`"
            );
        }
    }
}
