//! What a stored event asks of the mirror, read from its payload alone (no I/O): merge some
//! fields into an object, read an object from Zoom because the payload is too thin, mark an
//! object gone, or nothing. The shapes are Zoom's
//! (<https://developers.zoom.us/docs/api/rest/reference/user/events/>,
//! <https://developers.zoom.us/docs/api/rest/reference/zoom-api/events/>): `payload.object` is
//! the object; an `*.updated` event's object holds only `id` and the fields that changed.
//! Team Chat events are read in `chat`.

mod chat;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use zoom_api::kinds::{RegistrantStatus, SessionKind};

pub use chat::{ChannelNews, Chat, ChatPlace, ChatPost};

/// The mirrored object an event is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    User {
        id: String,
    },
    Session {
        kind: SessionKind,
        id: i64,
    },
    Registrant {
        kind: SessionKind,
        session_id: i64,
        id: String,
    },
    Recording {
        uuid: String,
    },
    PhoneRecording {
        id: String,
    },
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::User { id } => write!(f, "user {id}"),
            Target::Session { kind, id } => write!(f, "{} {id}", kind.as_str()),
            Target::Registrant {
                kind,
                session_id,
                id,
            } => write!(f, "registrant {id} of {} {session_id}", kind.as_str()),
            Target::Recording { uuid } => write!(f, "recording {uuid}"),
            Target::PhoneRecording { id } => write!(f, "phone recording {id}"),
        }
    }
}

/// What applying an event does.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// Merge `fields` into the object's row and `raw`. An object the mirror does not hold is
    /// inserted when the fields are `whole` (the event carries the object, not a change to
    /// it), else read from Zoom.
    Merge {
        target: Target,
        fields: Map<String, Value>,
        whole: bool,
    },
    /// The payload is too thin to build the row: read the object from Zoom.
    Fetch { target: Target },
    /// The object is gone at Zoom.
    Gone { target: Target },
    /// An instance of a meeting or webinar ended: its participants are to be read (by the
    /// next participants pass, if that entity is enabled).
    Ended {
        kind: SessionKind,
        id: i64,
        uuid: String,
        start_time: Option<DateTime<Utc>>,
        end_time: Option<DateTime<Utc>>,
    },
    /// A participant joined or left a running instance: the row of that join session is
    /// written at once, so attendance shows while the meeting runs, and the instance is added
    /// for the participants pass; its listing, read once it ended, rewrites the row whole.
    Attended {
        kind: SessionKind,
        id: i64,
        uuid: String,
        start_time: Option<DateTime<Utc>>,
        attendance: Attendance,
    },
    /// A Team Chat message or channel, written from the event.
    Chat(Chat),
    /// One change per object of an event that names several (the phone recording events).
    Each(Vec<Change>),
    /// An event the mirror keeps nothing of, or one this version does not apply.
    Ignore,
}

/// One participant's join or leave, from `payload.object.participant`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attendance {
    /// The participant's ID within the meeting, as the participants listing's `user_id`.
    pub user_id: String,
    pub step: AttendanceStep,
    /// The event's participant object, kept as the row's `raw` when it makes the row.
    pub participant: Map<String, Value>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttendanceStep {
    Joined(DateTime<Utc>),
    /// Zoom's `participant_left` carries no join time: the leave closes the participant's
    /// latest join before it.
    Left(DateTime<Utc>),
}

/// Why a payload cannot be applied: retrying will not change it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{event}: {why}")]
pub struct Unreadable {
    pub event: String,
    pub why: String,
}

/// The fields a meeting or webinar listing carries: what `raw` holds of a session. Other fields
/// an event names (settings, password …) belong to the details, which a changed row fetches
/// again.
const SESSION_FIELDS: [&str; 12] = [
    "uuid",
    "id",
    "host_id",
    "topic",
    "type",
    "start_time",
    "duration",
    "timezone",
    "agenda",
    "created_at",
    "join_url",
    "pmi",
];

/// Reads `event` with its `payload` (the envelope's `payload` member).
pub fn change(event: &str, payload: &Value) -> Result<Change, Unreadable> {
    let unreadable = |why: &str| Unreadable {
        event: event.to_owned(),
        why: why.to_owned(),
    };
    let object = || {
        payload
            .get("object")
            .and_then(Value::as_object)
            .ok_or_else(|| unreadable("no payload.object"))
    };
    let (family, action) = event.split_once('.').unwrap_or((event, ""));
    let change = match family {
        "user" => user(action, object()?),
        "meeting" | "webinar" => {
            let kind = if family == "meeting" {
                SessionKind::Meeting
            } else {
                SessionKind::Webinar
            };
            match action.strip_prefix("registration_") {
                Some(action) => registration(kind, action, object()?),
                None => session(kind, action, payload, object()?),
            }
        }
        "recording" => recording(action, object()?),
        "phone" => phone(action, object()?),
        "chat_message" => chat::chat_message(action, payload, object()?),
        "team_chat" => chat::team_chat(action, payload, object()?),
        "chat_channel" => chat::channel(action, object()?),
        _ => Ok(Change::Ignore),
    };
    change.map_err(unreadable)
}

fn user(action: &str, object: &Map<String, Value>) -> Result<Change, &'static str> {
    let status = match action {
        "activated" => Some("active"),
        "deactivated" => Some("inactive"),
        "created" | "updated" | "deleted" | "disassociated" => None,
        _ => return Ok(Change::Ignore),
    };
    let id = text(object, "id").ok_or("no user id in payload.object")?;
    let target = Target::User { id };
    Ok(match action {
        // The object has names, email and type only: no status, no creation time.
        "created" => Change::Fetch { target },
        "deleted" | "disassociated" => Change::Gone { target },
        _ => {
            let mut fields = object.clone();
            if let Some(status) = status {
                fields.insert("status".into(), Value::from(status));
            }
            Change::Merge {
                target,
                fields,
                whole: false,
            }
        }
    })
}

fn session(
    kind: SessionKind,
    action: &str,
    payload: &Value,
    object: &Map<String, Value>,
) -> Result<Change, &'static str> {
    match action {
        "ended" => return ended(kind, object),
        "participant_joined" | "participant_left" => return attended(kind, action, object),
        _ => {}
    }
    if !matches!(action, "created" | "updated" | "deleted" | "recovered") {
        return Ok(Change::Ignore);
    }
    let id = number(object, "id").ok_or("no numeric id in payload.object")?;
    let target = Target::Session { kind, id };
    // An event about some occurrences leaves the meeting itself in place, changed in ways
    // its object does not say: read it.
    let occurrences = object.contains_key("occurrences")
        || payload
            .get("scope")
            .and_then(Value::as_str)
            .is_some_and(|scope| scope != "all");
    Ok(match action {
        _ if occurrences => Change::Fetch { target },
        "deleted" => Change::Gone { target },
        // Zoom's object for a recovered meeting is the identity of the one deleted, not its
        // state now.
        "recovered" => Change::Fetch { target },
        _ => Change::Merge {
            target,
            fields: SESSION_FIELDS
                .iter()
                .filter_map(|&key| Some((key.to_owned(), object.get(key)?.clone())))
                .collect(),
            whole: action == "created",
        },
    })
}

/// `meeting.ended` / `webinar.ended`: the object names the instance (`uuid`) and its times.
fn ended(kind: SessionKind, object: &Map<String, Value>) -> Result<Change, &'static str> {
    Ok(Change::Ended {
        kind,
        id: number(object, "id").ok_or("no numeric id in payload.object")?,
        uuid: text(object, "uuid").ok_or("no instance uuid in payload.object")?,
        start_time: time(object, "start_time"),
        end_time: time(object, "end_time"),
    })
}

/// `*.participant_joined` / `*.participant_left`: the object names the instance, and its
/// `participant` the join session (<https://developers.zoom.us/docs/api/meetings/events/>).
fn attended(
    kind: SessionKind,
    action: &str,
    object: &Map<String, Value>,
) -> Result<Change, &'static str> {
    let participant = object
        .get("participant")
        .and_then(Value::as_object)
        .ok_or("no payload.object.participant")?;
    let step = if action == "participant_joined" {
        AttendanceStep::Joined(time(participant, "join_time").ok_or("no participant join_time")?)
    } else {
        AttendanceStep::Left(time(participant, "leave_time").ok_or("no participant leave_time")?)
    };
    Ok(Change::Attended {
        kind,
        id: number(object, "id").ok_or("no numeric id in payload.object")?,
        uuid: text(object, "uuid").ok_or("no instance uuid in payload.object")?,
        start_time: time(object, "start_time"),
        attendance: Attendance {
            user_id: text(participant, "user_id").ok_or("no participant user_id")?,
            step,
            participant: participant.clone(),
        },
    })
}

fn registration(
    kind: SessionKind,
    action: &str,
    object: &Map<String, Value>,
) -> Result<Change, &'static str> {
    let status = match action {
        "created" => None,
        "approved" => Some(RegistrantStatus::Approved),
        "denied" => Some(RegistrantStatus::Denied),
        "cancelled" => None,
        _ => return Ok(Change::Ignore),
    };
    let session_id = number(object, "id").ok_or("no numeric session id in payload.object")?;
    let registrant = object
        .get("registrant")
        .and_then(Value::as_object)
        .ok_or("no payload.object.registrant")?;
    let id = text(registrant, "id").ok_or("no registrant id")?;
    let target = Target::Registrant {
        kind,
        session_id,
        id,
    };
    // A cancelled registration leaves the registrants listing, as a deleted one does.
    if action == "cancelled" {
        return Ok(Change::Gone { target });
    }
    let mut fields = registrant.clone();
    if let Some(status) = status {
        fields.insert("status".into(), Value::from(status.as_str()));
    }
    // Each registration event names the registrant whole: id, names, email.
    Ok(Change::Merge {
        target,
        fields,
        whole: true,
    })
}

fn recording(action: &str, object: &Map<String, Value>) -> Result<Change, &'static str> {
    if !matches!(action, "completed" | "recovered" | "trashed" | "deleted") {
        return Ok(Change::Ignore);
    }
    let uuid = text(object, "uuid").ok_or("no recording uuid in payload.object")?;
    let target = Target::Recording { uuid };
    Ok(match action {
        // Trashed recordings leave the listings the mirror reads, as deleted ones do.
        "trashed" | "deleted" => Change::Gone { target },
        // The whole recording with its files, as the listing shows it.
        _ => Change::Merge {
            target,
            fields: object.clone(),
            whole: true,
        },
    })
}

/// `phone.recording_completed` carries each new recording whole (with its `user_id` or
/// `owner`); `phone.recording_deleted` names each gone one by `id`
/// (<https://developers.zoom.us/docs/api/phone/events/>).
fn phone(action: &str, object: &Map<String, Value>) -> Result<Change, &'static str> {
    if !matches!(action, "recording_completed" | "recording_deleted") {
        return Ok(Change::Ignore);
    }
    let recordings = object
        .get("recordings")
        .and_then(Value::as_array)
        .ok_or("no payload.object.recordings")?;
    let changes = recordings
        .iter()
        .map(|recording| {
            let recording = recording.as_object().ok_or("a recording is no object")?;
            let id = text(recording, "id").ok_or("a recording without an id")?;
            let target = Target::PhoneRecording { id };
            Ok(match action {
                "recording_deleted" => Change::Gone { target },
                _ => Change::Merge {
                    target,
                    fields: recording.clone(),
                    whole: true,
                },
            })
        })
        .collect::<Result<Vec<Change>, &'static str>>()?;
    Ok(Change::Each(changes))
}

fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    object
        .get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn time(object: &Map<String, Value>, key: &str) -> Option<DateTime<Utc>> {
    let text = object.get(key)?.as_str()?;
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// Meeting ids are numbers in meeting events but strings in some others: either is read.
fn number(object: &Map<String, Value>, key: &str) -> Option<i64> {
    match object.get(key)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
