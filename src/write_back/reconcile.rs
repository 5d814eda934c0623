//! Before repeating a create whose earlier attempt may have reached Zoom, look for what that
//! attempt made. Zoom takes no idempotency key, so this is the only guard against duplicates
//! after a crash, a timeout or a 5xx.

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
    /// The object to delete is gone: the earlier attempt (or someone) deleted it.
    Gone,
    /// It did not: the call can be made.
    NotFound,
    /// It cannot be told safely; the row fails with this reason rather than risk a duplicate.
    Ambiguous(String),
    /// Repeating the call gives the same state (updates, status changes): no lookup needed.
    NotNeeded,
}

/// Zoom's clock and ours may differ by this much.
const CLOCK_SKEW: TimeDelta = TimeDelta::minutes(5);

/// Looks for the effect of an earlier attempt of `request`, a row inserted at `inserted`.
/// `taken` are the ids of meetings or webinars other rows already created for the same host,
/// which cannot be this row's.
pub async fn look(
    client: &ZoomClient,
    request: &ZoomRequest,
    inserted: DateTime<Utc>,
    taken: &[i64],
) -> Result<Lookup, ZoomError> {
    let deleting = request.method == reqwest::Method::DELETE;
    match &request.subject {
        Subject::User { id_or_email } if deleting => {
            Ok(gone_or_not(client.get_user(id_or_email).await?.is_none()))
        }
        Subject::Session { kind, id } if deleting => Ok(gone_or_not(
            client.get_session(*kind, &id.to_string()).await?.is_none(),
        )),
        Subject::NewUser { email, .. } => Ok(match client.get_user(email).await? {
            Some(user) => Lookup::Found(user.raw),
            None => Lookup::NotFound,
        }),
        Subject::NewRegistrant {
            kind,
            session_id,
            email,
        } => find_registrant(client, *kind, *session_id, email).await,
        // Zoom lists scheduled meetings only: an instant one cannot be looked for.
        Subject::NewSession {
            kind: SessionKind::Meeting,
            host,
            session_type: Some(1),
            ..
        } => Ok(Lookup::Ambiguous(format!(
            "in doubt: an earlier attempt may have created this instant meeting, and Zoom does \
             not list instant meetings to look for it; not creating another. Check host \
             {host}'s meetings in Zoom; if it is not there, `zoom-mirror queue retry` the row"
        ))),
        Subject::NewSession {
            kind,
            host,
            topic,
            start_time,
            ..
        } => {
            let wanted = Wanted {
                topic: topic.as_deref().unwrap_or(match kind {
                    // What Zoom names a meeting created without a topic.
                    SessionKind::Meeting => "Zoom Meeting",
                    SessionKind::Webinar => "Zoom Webinar",
                }),
                start_time: start_time.as_deref().and_then(utc),
                created_since: inserted - CLOCK_SKEW,
                taken,
            };
            find_session(client, *kind, host, &wanted).await
        }
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
                .items
                .into_iter()
                .find(|r| r.email.eq_ignore_ascii_case(email))
            {
                return Ok(Lookup::Found(found.raw));
            }
        }
    }
    Ok(Lookup::NotFound)
}

fn gone_or_not(gone: bool) -> Lookup {
    if gone { Lookup::Gone } else { Lookup::NotFound }
}

/// A `start_time` given in UTC; a local one (with `timezone`) is not compared, since telling
/// its instant needs the zone database.
fn utc(start_time: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(start_time)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// What the earlier attempt's meeting would look like.
struct Wanted<'a> {
    topic: &'a str,
    start_time: Option<DateTime<Utc>>,
    created_since: DateTime<Utc>,
    taken: &'a [i64],
}

impl Wanted<'_> {
    fn matches(&self, session: &crate::zoom::Session) -> bool {
        session.topic.as_deref() == Some(self.topic)
            && self
                .start_time
                .is_none_or(|t| session.start_time == Some(t))
            && session
                .created_at
                .is_some_and(|at| at >= self.created_since)
            && !self.taken.contains(&session.id)
    }
}

/// A meeting or webinar has no natural key: one with the same topic (and start time, when
/// given in UTC), created since the row was inserted and not another row's, is taken as the
/// earlier attempt's; two or more cannot be told apart.
async fn find_session(
    client: &ZoomClient,
    kind: SessionKind,
    host: &str,
    wanted: &Wanted<'_>,
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
        matches.extend(page.items.into_iter().filter(|s| wanted.matches(s)));
    }
    Ok(match matches.len() {
        0 => Lookup::NotFound,
        1 => Lookup::Found(matches.remove(0).raw),
        n => Lookup::Ambiguous(format!(
            "in doubt: an earlier attempt may have created this {} and {n} of host {host}'s {} \
             like it were created since the row was inserted; not creating another. Check them \
             in Zoom; if none of them is this row's, `zoom-mirror queue retry` it",
            kind.as_str(),
            kind.plural()
        )),
    })
}
