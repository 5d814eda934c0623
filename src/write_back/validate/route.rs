//! Where each action goes in Zoom: the endpoint, method and path, what the target must be, and
//! what the request acts on.

use reqwest::Method;
use serde_json::{Map, Value};

use super::query::split;
use super::{Invalid, rules, schema};
use crate::write_back::{Action, Subject, ZoomRequest};
use crate::zoom::{Endpoint, SessionKind, path_segment};

/// What a row's `target` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TargetKind {
    /// `user.create`: nothing yet; the email is in the payload.
    Nothing,
    /// A user id or email: the user acted on.
    User,
    /// A user id or email: the host of a new meeting or webinar.
    Host(SessionKind),
    /// A meeting or webinar id.
    Session(SessionKind),
}

#[derive(Debug, Clone)]
pub(super) struct Route {
    pub endpoint: Endpoint,
    pub method: Method,
    pub target: TargetKind,
    /// The path after the target's segment, e.g. `/registrants/status`.
    pub suffix: &'static str,
}

/// `None` for `raw`, which names its own call.
pub(super) fn route(action: Action) -> Option<Route> {
    use SessionKind::{Meeting, Webinar};
    use TargetKind::{Host, Nothing, Session, User};
    let (endpoint, method, target, suffix) = match action {
        Action::UserCreate => (Endpoint::CreateUser, Method::POST, Nothing, ""),
        Action::UserUpdate => (Endpoint::UpdateUser, Method::PATCH, User, ""),
        Action::UserDelete => (Endpoint::DeleteUser, Method::DELETE, User, ""),
        Action::UserStatus => (Endpoint::UpdateUserStatus, Method::PUT, User, "/status"),
        Action::MeetingCreate => (Endpoint::CreateMeeting, Method::POST, Host(Meeting), ""),
        Action::MeetingUpdate => (Endpoint::UpdateMeeting, Method::PATCH, Session(Meeting), ""),
        Action::MeetingDelete => (
            Endpoint::DeleteMeeting,
            Method::DELETE,
            Session(Meeting),
            "",
        ),
        Action::MeetingRegistrantCreate => (
            Endpoint::CreateMeetingRegistrant,
            Method::POST,
            Session(Meeting),
            "/registrants",
        ),
        Action::MeetingRegistrantStatus => (
            Endpoint::UpdateMeetingRegistrantStatus,
            Method::PUT,
            Session(Meeting),
            "/registrants/status",
        ),
        Action::WebinarCreate => (Endpoint::CreateWebinar, Method::POST, Host(Webinar), ""),
        Action::WebinarUpdate => (Endpoint::UpdateWebinar, Method::PATCH, Session(Webinar), ""),
        Action::WebinarDelete => (
            Endpoint::DeleteWebinar,
            Method::DELETE,
            Session(Webinar),
            "",
        ),
        Action::WebinarRegistrantCreate => (
            Endpoint::CreateWebinarRegistrant,
            Method::POST,
            Session(Webinar),
            "/registrants",
        ),
        Action::WebinarRegistrantStatus => (
            Endpoint::UpdateWebinarRegistrantStatus,
            Method::PUT,
            Session(Webinar),
            "/registrants/status",
        ),
        Action::Raw => return None,
    };
    Some(Route {
        endpoint,
        method,
        target,
        suffix,
    })
}

/// A target that passed its check.
enum Target {
    Nothing,
    User(String),
    Host(SessionKind, String),
    Session(SessionKind, i64),
}

/// Every action but `raw`.
pub(super) fn request(
    action: Action,
    target: Option<&str>,
    payload: &Map<String, Value>,
) -> Result<ZoomRequest, Invalid> {
    let route = route(action).expect("raw is validated by raw.rs");
    let target = check_target(action, route.target, target)?;
    let id = route.endpoint.operation();
    let op = schema::operation(id);
    let split = split(id, op, payload)?;
    let body = match &op.body {
        Some(schema) => {
            let body = Value::Object(split.body);
            schema::check(schema, &body, super::PAYLOAD, id)?;
            Some(body)
        }
        None => None,
    };
    // Zoom answers an empty PATCH with 204 and changes nothing: surely not what was meant.
    if route.method == Method::PATCH
        && body
            .as_ref()
            .and_then(Value::as_object)
            .is_some_and(Map::is_empty)
    {
        return Err(Invalid::new(
            super::PAYLOAD,
            format!("nothing to change; give at least one field of Zoom's {id} body"),
        ));
    }
    rules::check(action, payload)?;
    let path = match &target {
        Target::Nothing => "/users".to_owned(),
        Target::User(user) => format!("/users/{}{}", path_segment(user), route.suffix),
        Target::Host(kind, host) => format!("/users/{}/{}", path_segment(host), kind.plural()),
        Target::Session(kind, session) => format!("/{}/{session}{}", kind.plural(), route.suffix),
    };
    Ok(ZoomRequest {
        action,
        endpoint: route.endpoint,
        method: route.method,
        path,
        query: split.query,
        subject: subject(action, target, payload),
        body,
    })
}

fn check_target(action: Action, kind: TargetKind, target: Option<&str>) -> Result<Target, Invalid> {
    let fail = |reason: String| Err(Invalid::new("target", reason));
    match (kind, target) {
        (TargetKind::Nothing, None) => Ok(Target::Nothing),
        (TargetKind::Nothing, Some(_)) => fail(format!(
            "must be NULL for {action}; the new user's email goes in payload.user_info.email"
        )),
        (TargetKind::User | TargetKind::Host(_), None) => {
            fail(format!("missing; {action} needs a user id or email"))
        }
        (TargetKind::User | TargetKind::Host(_), Some(user)) => {
            // `.` and `..` would survive percent-encoding and climb the path.
            if user.is_empty()
                || user == "."
                || user == ".."
                || user.chars().any(|c| c.is_whitespace() || c.is_control())
            {
                return fail(format!("must be a user id or email (got {user:?})"));
            }
            Ok(match kind {
                TargetKind::Host(session) => Target::Host(session, user.to_owned()),
                _ => Target::User(user.to_owned()),
            })
        }
        (TargetKind::Session(session), None) => fail(format!(
            "missing; {action} needs the {} id",
            session.as_str()
        )),
        (TargetKind::Session(session), Some(id)) => {
            let what = session.as_str();
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
                return fail(format!("must be the {what} id, digits only (got {id:?})"));
            }
            match id.parse::<i64>() {
                Ok(n) if n > 0 => Ok(Target::Session(session, n)),
                _ => fail(format!(
                    "must be a {what} id from 1 to {} (got {id})",
                    i64::MAX
                )),
            }
        }
    }
}

/// What the request acts on; the payload has passed validation, so the keys read here exist
/// wherever Zoom requires them.
fn subject(action: Action, target: Target, payload: &Map<String, Value>) -> Subject {
    let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    match target {
        Target::Nothing => Subject::NewUser {
            email: text(payload.get("user_info").and_then(|info| info.get("email")))
                .unwrap_or_default(),
            create_action: text(payload.get("action")).unwrap_or_default(),
        },
        Target::User(id_or_email) => Subject::User { id_or_email },
        Target::Host(kind, host) => Subject::NewSession {
            kind,
            host,
            topic: text(payload.get("topic")),
            start_time: text(payload.get("start_time")),
            session_type: payload.get("type").and_then(serde_json::Value::as_i64),
        },
        Target::Session(kind, session_id) => match action {
            Action::MeetingRegistrantCreate | Action::WebinarRegistrantCreate => {
                Subject::NewRegistrant {
                    kind,
                    session_id,
                    email: text(payload.get("email")).unwrap_or_default(),
                }
            }
            Action::MeetingRegistrantStatus | Action::WebinarRegistrantStatus => {
                let registrants = payload.get("registrants").and_then(Value::as_array);
                Subject::RegistrantStatus {
                    kind,
                    session_id,
                    registrants: registrants
                        .into_iter()
                        .flatten()
                        .filter_map(|r| text(r.get("id")).or_else(|| text(r.get("email"))))
                        .collect(),
                }
            }
            _ => Subject::Session {
                kind,
                id: session_id,
            },
        },
    }
}
