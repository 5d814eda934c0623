//! Before repeating a create whose earlier attempt may have reached Zoom, look for what that
//! attempt made (QUEUE-DESIGN.md §B3). Zoom takes no idempotency key, so this is the only
//! guard against duplicates after a crash, a timeout or a 5xx.

use std::pin::pin;

use chrono::{DateTime, TimeDelta, Utc};
use futures::StreamExt;
use serde_json::Value;

use super::request::{Subject, ZoomRequest};
use crate::zoom::{RegistrantStatus, SessionKind, ZoomClient, ZoomError};

#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// The earlier attempt took effect: this is what it made.
    Found(Value),
    /// It did not: the call can be made.
    NotFound,
    /// It cannot be told safely; the row fails with this reason rather than risk a duplicate.
    Ambiguous(String),
    /// Repeating the call is harmless (updates, status changes), or a repeated delete finds
    /// the object gone: no lookup needed.
    NotNeeded,
}

/// Zoom's clock and ours may differ by this much.
const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

/// Looks for the effect of an earlier attempt of `request`, a row inserted at `inserted`.
pub async fn look(
    client: &ZoomClient,
    request: &ZoomRequest,
    inserted: DateTime<Utc>,
) -> Result<Lookup, ZoomError> {
    match &request.subject {
        Subject::NewUser { email, .. } => Ok(match client.get_user(email).await? {
            Some(user) => Lookup::Found(user.raw),
            None => Lookup::NotFound,
        }),
        Subject::NewRegistrant {
            kind,
            session_id,
            email,
        } => find_registrant(client, *kind, *session_id, email).await,
        Subject::NewSession {
            kind, host, topic, ..
        } => find_session(client, *kind, host, topic.as_deref(), inserted).await,
        Subject::Raw if request.method == reqwest::Method::POST => Ok(Lookup::Ambiguous(
            "in doubt: an earlier attempt of this raw POST may have reached Zoom, and there is \
             no way to look for its effect; check Zoom, then `zoom-mirror queue retry` the row \
             if it did not happen"
                .into(),
        )),
        _ => Ok(Lookup::NotNeeded),
    }
}

async fn find_registrant(
    client: &ZoomClient,
    kind: SessionKind,
    session_id: i64,
    email: &str,
) -> Result<Lookup, ZoomError> {
    for status in RegistrantStatus::ALL {
        let mut pages = pin!(client.list_registrants(kind, session_id, status));
        while let Some(page) = pages.next().await {
            let page = match page {
                Ok(page) => page,
                // Nothing to find: the create will get the same answer and fail with it.
                Err(e) if e.is_registration_off() || e.is_session_missing() => {
                    return Ok(Lookup::NotFound);
                }
                Err(e) => return Err(e),
            };
            if let Some(found) = page
                .registrants
                .into_iter()
                .find(|r| r.email.eq_ignore_ascii_case(email))
            {
                return Ok(Lookup::Found(found.raw));
            }
        }
    }
    Ok(Lookup::NotFound)
}

/// A meeting or webinar has no natural key: one with the same topic, created since the row
/// was inserted, is taken as the earlier attempt's; two or more cannot be told apart.
async fn find_session(
    client: &ZoomClient,
    kind: SessionKind,
    host: &str,
    topic: Option<&str>,
    inserted: DateTime<Utc>,
) -> Result<Lookup, ZoomError> {
    let mut matches = Vec::new();
    let mut pages = pin!(client.list_sessions(kind, host));
    while let Some(page) = pages.next().await {
        let page = match page {
            Ok(page) => page,
            Err(e) if e.is_user_missing() || e.is_webinar_plan_missing() => {
                return Ok(Lookup::NotFound);
            }
            Err(e) => return Err(e),
        };
        matches.extend(page.sessions.into_iter().filter(|s| {
            s.topic.as_deref() == topic
                && s.created_at.is_some_and(|at| at >= inserted - CLOCK_SKEW)
        }));
    }
    Ok(match matches.len() {
        0 => Lookup::NotFound,
        1 => Lookup::Found(matches.remove(0).raw),
        n => Lookup::Ambiguous(format!(
            "in doubt: an earlier attempt may have created this {} and {n} of host {host}'s {} \
             with this topic were created since the row was inserted; not creating another. \
             Check them in Zoom, delete any duplicate, then cancel this row",
            kind.as_str(),
            kind.plural()
        )),
    })
}
