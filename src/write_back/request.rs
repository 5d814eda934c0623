//! A row that passed validation: the exact Zoom call to make, and what it acts on.

use reqwest::Method;
use serde_json::Value;

use super::action::Action;
use crate::zoom::{Endpoint, SessionKind};

#[derive(Debug, Clone, PartialEq)]
pub struct ZoomRequest {
    pub action: Action,
    pub endpoint: Endpoint,
    pub method: Method,
    /// Relative to the API base, each segment already percent-encoded.
    pub path: String,
    /// The payload keys Zoom takes as query parameters, rendered as Zoom expects them.
    pub query: Vec<(String, String)>,
    /// The payload without its query keys; `None` for calls that take no body.
    pub body: Option<Value>,
    pub subject: Subject,
}

/// What a request acts on: this decides the daily quota it spends, how an interrupted attempt
/// is reconciled, and what is read back into the mirror afterwards.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    /// `user.create`: `payload.user_info.email`, and the body's `action` (`create`, `autoCreate`,
    /// `custCreate`, `ssoCreate`); only `create` spends the account's daily invite quota.
    NewUser {
        email: String,
        create_action: String,
    },
    /// `user.update`, `user.delete`, `user.status`: the target, a user id or email.
    User { id_or_email: String },
    /// `meeting.create`, `webinar.create`: the host (target, id or email) and what a lookup
    /// after an interrupted attempt matches on.
    NewSession {
        kind: SessionKind,
        host: String,
        topic: Option<String>,
        start_time: Option<String>,
        /// `payload.type`; Zoom's default (2 or 5) when absent.
        session_type: Option<i64>,
    },
    /// `meeting.update`/`.delete`, `webinar.update`/`.delete`.
    Session { kind: SessionKind, id: i64 },
    /// `*_registrant.create`.
    NewRegistrant {
        kind: SessionKind,
        session_id: i64,
        email: String,
    },
    /// `*_registrant.status`: the registrants named, each by `id` or else `email`.
    RegistrantStatus {
        kind: SessionKind,
        session_id: i64,
        registrants: Vec<String>,
    },
    /// `raw`: nothing the worker knows how to reconcile or read back.
    Raw,
}
