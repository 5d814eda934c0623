//! Team Chat (<https://developers.zoom.us/docs/api/team-chat/>): `GET
//! /v2/chat/users/{userId}/channels`, `…/channels/{channelId}/members`, `…/sessions` and
//! `…/messages`, paged by `next_page_token`.
//!
//! Messages are one conversation per call (`to_channel` or `to_contact`: an email, user id or
//! member id), within `date` or `from`–`to` (today by default), newest first, and never older
//! than six months (400/300). Edited and deleted messages carry their `status` only when
//! `include_deleted_and_edited_message=true`; without it deleted ones are left out. On the Free
//! plan, sessions and messages are refused with code 200 (messages 400, sessions 403, as each
//! documents); the channels listing is served on every plan.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Months, NaiveDate, NaiveTime, Utc};
use serde_json::{Value, json};

use crate::model::chat::{Conversation, MessageStatus, member_id};
use crate::model::user::{SimUser, timestamp};
use crate::routes::gate::Call;
use crate::rules::pages::parse_page_size;
use crate::rules::path::user_param;
use crate::rules::queries::{ChannelQuery, ChatQuery, invalid, query_params};
use crate::rules::refusals::no_such_user;
use crate::rules::respond::{self, Refusal};
use crate::state::{Inner, SimState};
use zoom_api::codes::{CHANNEL_NOT_FOUND, INVALID_PARAMETER, NOT_ALLOWED};
use zoom_api::endpoint::Endpoint;
use zoom_api::plan::Plan;

/// Zoom's `page_size` default on the channels, sessions and messages listings.
const DEFAULT_PAGE_SIZE: u32 = 10;
/// And on the members listing.
const MEMBERS_PAGE_SIZE: u32 = 30;

/// The channels the user is a member of.
pub(crate) fn channels(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let user = user_param(&call.uri, 4);
    let mut asked = Asked::default();
    for (name, value) in query_params(&call.query) {
        asked.read(&name, &value, call.endpoint)?;
    }
    let (page_size, token) = (asked.page_size, asked.token);
    let mut guard = state.lock();
    let inner = &mut *guard;
    let user_id = user_id(inner, &user)?;
    let first = ChannelQuery { user_id, page_size };
    let cursor = inner
        .channel_pages
        .start(token.as_deref(), first, call.instant)?;
    let listed: Vec<Value> = (inner.chat.channels_of(&cursor.query.user_id))
        .map(|c| c.listing_json())
        .collect();
    let page_size = cursor.query.page_size;
    let (page, next) = (inner.channel_pages).serve(&cursor, page_size, listed.len(), call.instant);
    Ok(Json(json!({
        "channels": listed[page.start..page.end],
        "next_page_token": next,
        "page_size": page_size,
        "total_records": listed.len(),
    }))
    .into_response())
}

/// The user's chat sessions with a message within `from`–`to`, the latest first.
pub(crate) fn sessions(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let user = user_param(&call.uri, 4);
    let mut asked = Asked::default();
    let mut kind = None;
    for (name, value) in query_params(&call.query) {
        match &*name {
            "type" => match &*value {
                "1:1" | "groupchat" => kind = Some(value.into_owned()),
                _ => return Err(invalid("type")),
            },
            _ => asked.read(&name, &value, call.endpoint)?,
        }
    }
    chat_page(state, call, asked.token.clone(), "sessions", || {
        if state.plan == Plan::Free {
            return Err(no_permission(StatusCode::FORBIDDEN, "sessions"));
        }
        let today = call.now.date_naive();
        let from = asked.from.unwrap_or_else(|| start_of(today));
        let to = asked
            .to
            .unwrap_or_else(|| start_of(today + Duration::days(1)));
        let inner = state.lock();
        let user_id = user_id(&inner, &user)?;
        let mut latest = sessions_of(&inner, &user_id, from, to);
        latest.sort_by_key(|s| std::cmp::Reverse(s.0));
        let items = (latest.into_iter())
            .filter(|(_, s)| kind.as_ref().is_none_or(|k| s["type"] == **k))
            .map(|(at, mut s)| {
                s["last_message_sent_time"] = json!(timestamp(at));
                s
            })
            .collect();
        Ok(ChatQuery {
            items,
            page_size: asked.page_size,
            echo: json!({"from": timestamp(from), "to": timestamp(to)}),
        })
    })
}

/// Each session of `user_id` with a message within `from`–`to`, with its last message's time.
fn sessions_of(
    inner: &Inner,
    user_id: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, Value)> {
    let mut latest: Vec<(DateTime<Utc>, Value)> = Vec::new();
    for m in (inner.chat.messages.iter()).filter(|m| from <= m.date_time && m.date_time <= to) {
        let session = match &m.conversation {
            Conversation::Channel(id) => match inner.chat.channel(id) {
                Some(c) if c.members.iter().any(|u| u == user_id) => {
                    json!({"channel_id": c.id, "name": c.name, "type": "groupchat"})
                }
                _ => continue,
            },
            direct => match direct.peer_of(user_id).and_then(|p| inner.host(p)) {
                Some(peer) => json!({
                    "name": peer.email,
                    "type": "1:1",
                    "peer_contact_email": peer.email,
                    "peer_contact_user_id": peer.id,
                    "peer_contact_member_id": member_id(&peer.id),
                }),
                None => continue,
            },
        };
        match latest.iter_mut().find(|(_, s)| *s == session) {
            Some(seen) => seen.0 = seen.0.max(m.date_time),
            None => latest.push((m.date_time, session)),
        }
    }
    latest
}

/// The user's messages with one contact or in one channel.
pub(crate) fn messages(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let user = user_param(&call.uri, 4);
    let mut asked = Asked::default();
    let (mut contact, mut channel, mut date, mut with_status) = (None, None, None, false);
    for (name, value) in query_params(&call.query) {
        match &*name {
            "to_contact" => contact = Some(value.into_owned()),
            "to_channel" => channel = Some(value.into_owned()),
            "date" => {
                let day = NaiveDate::parse_from_str(&value, "%Y-%m-%d");
                date = Some(day.map_err(|_| invalid("date"))?);
            }
            "include_deleted_and_edited_message" => {
                with_status = value.parse().map_err(|_| invalid(&name))?;
            }
            _ => asked.read(&name, &value, call.endpoint)?,
        }
    }
    chat_page(state, call, asked.token.clone(), "messages", || {
        if state.plan == Plan::Free {
            return Err(no_permission(StatusCode::BAD_REQUEST, "messages"));
        }
        // `date` wins over `from`; with neither, today.
        let (from, to, echo) = match (date, asked.from) {
            (None, Some(from)) => {
                let to = asked.to.unwrap_or(call.now);
                (
                    from,
                    to,
                    json!({"from": timestamp(from), "to": timestamp(to)}),
                )
            }
            (day, _) => {
                let day = day.unwrap_or_else(|| call.now.date_naive());
                let (from, to) = (start_of(day), start_of(day + Duration::days(1)));
                // The envelope every listing answer carries: the day's bounds beside it.
                let echo = json!({
                    "date": day.format("%Y-%m-%d").to_string(),
                    "from": timestamp(from),
                    "to": timestamp(to),
                });
                (from, to, echo)
            }
        };
        let limit = call.now.checked_sub_months(Months::new(6));
        if limit.is_some_and(|limit| from < limit) {
            return Err(refuse_300("Only provide past chat messages in recent 6 months.").into());
        }
        let inner = state.lock();
        let user_id = user_id(&inner, &user)?;
        let conversation = match (channel, contact) {
            (Some(id), _) => {
                let chat = &inner.chat;
                if !chat
                    .channel(&id)
                    .is_some_and(|c| c.members.contains(&user_id))
                {
                    return Err(no_such_channel(&id));
                }
                Conversation::Channel(id)
            }
            (None, Some(contact)) => {
                let peer = (inner.users.iter())
                    .find(|u| u.is_named_by(&contact) || member_id(&u.id) == contact)
                    .ok_or_else(|| no_such_user(&contact))?;
                Conversation::Direct(user_id.clone(), peer.id.clone())
            }
            (None, None) => {
                return Err(refuse_300("Must provide either contact or channel parameter.").into());
            }
        };
        let same = |c: &Conversation| match (c, &conversation) {
            (Conversation::Channel(a), Conversation::Channel(b)) => a == b,
            (direct, Conversation::Direct(_, peer)) => direct.peer_of(&user_id) == Some(peer),
            _ => false,
        };
        let items = (inner.chat.messages.iter().rev())
            .filter(|m| same(&m.conversation) && from <= m.date_time && m.date_time <= to)
            .filter(|m| with_status || m.status != MessageStatus::Deleted)
            .map(|m| m.listing_json(inner.host(&m.sender), with_status))
            .collect();
        Ok(ChatQuery {
            items,
            page_size: asked.page_size,
            echo,
        })
    })
}

/// The members of a channel, the owner first, as the user's account sees them. Any member may
/// be asked on behalf of; a user outside the channel is refused (400, code 200) as Zoom documents
/// for a caller without permission to view them.
pub(crate) fn members(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let (user, channel) = (user_param(&call.uri, 4), user_param(&call.uri, 6));
    let mut asked = Asked {
        page_size: MEMBERS_PAGE_SIZE,
        ..Asked::default()
    };
    for (name, value) in query_params(&call.query) {
        asked.read(&name, &value, call.endpoint)?;
    }
    chat_page(state, call, asked.token.clone(), "members", || {
        let inner = state.lock();
        let user_id = user_id(&inner, &user)?;
        let channel = (inner.chat.channel(&channel)).ok_or_else(|| no_such_channel(&channel))?;
        if !channel.members.contains(&user_id) {
            let message = "Unauthorized request. You do not have permission to view channel \
                           members on this user's behalf.";
            return Err(respond::zoom_error(StatusCode::BAD_REQUEST, NOT_ALLOWED, message).into());
        }
        let items: Vec<Value> = (channel.members.iter().enumerate())
            .filter_map(|(i, id)| Some(member_json(inner.host(id)?, i == 0)))
            .collect();
        Ok(ChatQuery {
            echo: json!({"total_records": items.len()}),
            items,
            page_size: asked.page_size,
        })
    })
}

fn member_json(user: &SimUser, owner: bool) -> Value {
    json!({
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "id": user.id,
        "member_id": member_id(&user.id),
        "name": user.display_name,
        "role": if owner { "owner" } else { "member" },
        "is_external": false,
    })
}

/// The id of the user `user` (an id or email) names, or Zoom's 404 for no such user.
fn user_id(inner: &Inner, user: &str) -> Result<String, Refusal> {
    match inner.user(user) {
        Some(found) => Ok(found.id.clone()),
        None => Err(no_such_user(user).into()),
    }
}

fn no_such_channel(id: &str) -> Refusal {
    let message = format!("Channel does not exist: {id}.");
    respond::zoom_error(StatusCode::NOT_FOUND, CHANNEL_NOT_FOUND, message).into()
}

/// A page of a sessions, messages or members listing (its items under `key`): the one `token` names,
/// or without a token the first of the listing `first` makes.
fn chat_page(
    state: &SimState,
    call: &Call,
    token: Option<String>,
    key: &str,
    first: impl FnOnce() -> Result<ChatQuery, Refusal>,
) -> Result<Response, Refusal> {
    let first = match token {
        Some(_) => ChatQuery {
            items: Vec::new(),
            page_size: DEFAULT_PAGE_SIZE,
            echo: json!({}),
        },
        None => first()?,
    };
    let mut guard = state.lock();
    let inner = &mut *guard;
    let cursor = inner
        .chat_pages
        .start(token.as_deref(), first, call.instant)?;
    let query = &cursor.query;
    let (page, next) =
        (inner.chat_pages).serve(&cursor, query.page_size, query.items.len(), call.instant);
    let mut answer = query.echo.clone();
    answer[key] = json!(query.items[page.start..page.end]);
    answer["next_page_token"] = json!(next);
    answer["page_size"] = json!(query.page_size);
    Ok(Json(answer).into_response())
}

/// What the sessions, messages and members listings read of the query.
struct Asked {
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
    page_size: u32,
    token: Option<String>,
}

impl Default for Asked {
    fn default() -> Self {
        Asked {
            from: None,
            to: None,
            page_size: DEFAULT_PAGE_SIZE,
            token: None,
        }
    }
}

impl Asked {
    fn read(&mut self, name: &str, value: &str, endpoint: Endpoint) -> Result<(), Refusal> {
        match name {
            "from" => self.from = Some(date_time(value).ok_or_else(|| invalid("from"))?),
            "to" => self.to = Some(date_time(value).ok_or_else(|| invalid("to"))?),
            "page_size" => {
                self.page_size =
                    parse_page_size(value, endpoint).ok_or_else(|| invalid("page_size"))?;
            }
            "next_page_token" => self.token = Some(value.to_owned()),
            _ => {}
        }
        Ok(())
    }
}

/// Code 200, as each listing documents it for a caller without permission (`what`: `sessions`
/// or `messages`).
fn no_permission(status: StatusCode, what: &str) -> Refusal {
    let message = format!(
        "Unauthorized request. You do not have permission to access this user's chat {what}."
    );
    respond::zoom_error(status, NOT_ALLOWED, message).into()
}

fn refuse_300(message: &str) -> Response {
    respond::zoom_error(StatusCode::BAD_REQUEST, INVALID_PARAMETER, message)
}

/// Zoom's `yyyy-MM-dd'T'HH:mm:ss'Z'`, or any RFC 3339 time.
fn date_time(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}
