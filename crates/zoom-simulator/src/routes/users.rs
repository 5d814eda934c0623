//! Users (<https://developers.zoom.us/docs/api/users/>): `GET /v2/users` and
//! `GET /v2/users/{userId}`, `POST /v2/users`, `PATCH` and `DELETE /v2/users/{userId}`, and
//! `PUT /v2/users/{userId}/status`. `{userId}` is an id or an email.
//!
//! Pages are cut by offset at the time each page is asked for, so a user added or removed in
//! the middle of a listing shifts the rest, as with any offset pager: a client must only trust
//! a listing it finished, and should expect that a user can be seen twice or missed.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::model::entities::Transfer;
use crate::model::ids;
use crate::model::user::{SimUser, UserStatus};
use crate::routes::gate::Call;
use crate::rules::body::{self, Fields, flag, is_email};
use crate::rules::pages::Cursor;
use crate::rules::path::user_param;
use crate::rules::queries::{DEFAULT_PAGE_SIZE, UserQuery, invalid, query_params};
use crate::rules::refusals::no_such_user;
use crate::rules::respond::{self, Refusal};
use crate::rules::user_body::{UserPatch, derived_display_name};
use crate::rules::user_limits::Counter;
use crate::state::SimState;
use zoom_api::codes::{INVALID_PARAMETER, NOT_ALLOWED};
use zoom_api::endpoint::Endpoint;

pub(crate) fn get(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let user_id = user_param(&call.uri, 3);
    let inner = state.lock();
    // `me`: the token's user, the account's owner either way (a Server-to-Server token is the
    // owner's, and the owner is who authorizes a user-authorized app here).
    let user = if user_id == "me" {
        inner.operator()
    } else {
        inner.user(&user_id)
    };
    let user = user.ok_or_else(|| no_such_user(&user_id))?;
    Ok(Json(user.detail_json(&state.account, call.now)).into_response())
}

struct ListParams {
    query: UserQuery,
    page_number: Option<u32>,
    next_page_token: Option<String>,
}

/// The parameters, or the name of the first invalid one.
fn parse_list_params(raw: &str) -> Result<ListParams, &'static str> {
    let mut params = ListParams {
        query: UserQuery {
            status: UserStatus::Active,
            page_size: DEFAULT_PAGE_SIZE,
        },
        page_number: None,
        next_page_token: None,
    };
    let max = Endpoint::ListUsers
        .max_page_size()
        .unwrap_or(DEFAULT_PAGE_SIZE);
    for (key, value) in query_params(raw) {
        match &*key {
            "status" => {
                params.query.status = UserStatus::parse(&value).ok_or("status")?;
            }
            "page_size" => {
                params.query.page_size = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or("page_size")?;
            }
            "page_number" => {
                let n: u32 = value.parse().map_err(|_| "page_number")?;
                params.page_number = Some(n.max(1));
            }
            "next_page_token" => params.next_page_token = Some(value.into_owned()),
            _ => {}
        }
    }
    Ok(params)
}

pub(crate) fn list(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let params = parse_list_params(&call.query).map_err(invalid)?;
    let mut guard = state.lock();
    let inner = &mut *guard;
    // A token carries its own query; the parameters sent with it are not consulted again.
    let cursor = match &params.next_page_token {
        Some(token) => inner
            .pages
            .resolve(token, call.instant)
            .ok_or_else(respond::page_token_invalid)?,
        None => Cursor {
            query: params.query,
            offset: params.page_number.map_or(0, |n| {
                (n as usize - 1).saturating_mul(params.query.page_size as usize)
            }),
        },
    };
    let matching: Vec<&SimUser> = inner
        .users
        .iter()
        .filter(|u| u.status == cursor.query.status)
        .collect();
    let (page, next_page_token) = inner.pages.serve(
        &cursor,
        cursor.query.page_size,
        matching.len(),
        call.instant,
    );
    let users: Vec<Value> = matching[page.start..page.end]
        .iter()
        .map(|u| u.listing_json())
        .collect();
    Ok(Json(json!({
        "next_page_token": next_page_token,
        "page_count": page.count,
        "page_number": page.number,
        "page_size": cursor.query.page_size,
        "total_records": matching.len(),
        "users": users,
    }))
    .into_response())
}

/// The `action`s of `POST /users`: `create` invites (the user is pending until they accept);
/// the others make an active user at once.
const CREATE_ACTIONS: [&str; 4] = ["create", "autoCreate", "custCreate", "ssoCreate"];

pub(crate) fn create(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let now = call.now;
    let body = body::object(&call.body)?;
    let f = Fields::new(&body);
    let action = f
        .string("action")?
        .filter(|a| CREATE_ACTIONS.contains(a))
        .ok_or_else(|| f.invalid("action"))?;
    let info = f
        .object("user_info")?
        .ok_or_else(|| f.invalid("user_info"))?;
    let email = info
        .string("email")?
        .filter(|e| is_email(e))
        .ok_or_else(|| info.invalid("email"))?;
    // Type 99 (None) is for SSO-provisioned users only.
    let user_type = info
        .integer("type")?
        .and_then(|t| u8::try_from(t).ok())
        .filter(|t| matches!(t, 1 | 2 | 4) || (*t == 99 && action == "ssoCreate"))
        .ok_or_else(|| info.invalid("type"))?;
    let first_name = info.text("first_name", 64)?.unwrap_or_default();
    let last_name = info.text("last_name", 64)?.unwrap_or_default();
    let display_name = info.text("display_name", 128)?.unwrap_or_default();
    if action == "autoCreate"
        && info
            .string("password")?
            .is_some_and(|p| !(8..=32).contains(&p.chars().count()))
    {
        return Err(info.invalid("password"));
    }

    let mut inner = state.lock();
    // The limit is on invite requests, so one refused as a duplicate below counts too.
    if action == "create" {
        inner
            .user_limits
            .take(&[Counter::Invites], Endpoint::CreateUser.label(), now)?;
    }
    if inner.user_index(email).is_some() {
        return Err(respond::zoom_error(
            StatusCode::CONFLICT,
            1005,
            format!("Email {email} has already been used."),
        )
        .into());
    }
    let mut rng = rand::rng();
    let id = std::iter::repeat_with(|| ids::id22(&mut rng))
        .find(|id| inner.user_index(id).is_none())
        .unwrap_or_default();
    let invited = action == "create";
    let user = SimUser {
        id,
        email: email.to_lowercase(),
        first_name: first_name.to_owned(),
        last_name: last_name.to_owned(),
        display_name: if display_name.is_empty() {
            derived_display_name(first_name, last_name)
        } else {
            display_name.to_owned()
        },
        user_type,
        status: if invited {
            UserStatus::Pending
        } else {
            UserStatus::Active
        },
        // An invitation has no meeting room yet; an account gets its personal meeting ID.
        pmi: (!invited).then(|| ids::pmi(&mut rng)),
        use_pmi: false,
        timezone: None,
        dept: None,
        role_id: "2".to_owned(),
        role_name: "Member".to_owned(),
        verified: !invited,
        group_ids: Vec::new(),
        user_created_at: now,
        created_at: now,
        last_login_time: None,
        last_client_version: None,
        language: None,
        phone_country: None,
        phone_number: None,
        job_title: None,
        location: None,
        company: None,
        pic_url: None,
    };
    let created = json!({
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "type": user.user_type,
    });
    if let Some(operator) = inner.operator() {
        state
            .outbox
            .user_event("user.created", &user, Some(action), operator, now);
    }
    inner.users.push(user);
    Ok(respond::created(created))
}

/// The `login_type` query parameter is accepted and has no effect: the simulated users have
/// one login each.
pub(crate) fn update(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let user_id = &user_param(&call.uri, 3);
    let body = body::object(&call.body)?;
    let patch = UserPatch::read(&Fields::new(&body))?;
    let mut inner = state.lock();
    let index = inner
        .user_index(user_id)
        .ok_or_else(|| no_such_user(user_id))?;
    let before = inner.users[index].listing_json();
    patch.apply(&mut inner.users[index]);
    let after = inner.users[index].listing_json();
    if let Some(operator) = inner.operator() {
        state
            .outbox
            .updated("user.updated", &before, &after, operator, call.now);
    }
    Ok(respond::no_content())
}

/// Removes the user, or the invitation of a pending one. What they hosted goes with them, as
/// Zoom deletes a deleted user's meetings, unless `transfer_meeting`, `transfer_webinar` or
/// `transfer_recording` hands it to the user `transfer_email` names. `action` (disassociate,
/// the default, or delete) makes no difference here: either way the account loses the user.
pub(crate) fn delete(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let user_id = &user_param(&call.uri, 3);
    let mut transfer = Transfer::default();
    let mut transfer_email = None;
    let mut event = "user.disassociated";
    for (key, value) in query_params(&call.query) {
        let wanted = match &*key {
            "action" if matches!(&*value, "disassociate" | "delete") => {
                if value == "delete" {
                    event = "user.deleted";
                }
                continue;
            }
            "transfer_email" => {
                transfer_email = Some(value.into_owned());
                continue;
            }
            "transfer_meeting" => &mut transfer.meetings,
            "transfer_webinar" => &mut transfer.webinars,
            "transfer_recording" => &mut transfer.recordings,
            "action" => return Err(invalid("action")),
            _ => continue,
        };
        *wanted = flag(&value).ok_or_else(|| invalid(&key))?;
    }
    let mut inner = state.lock();
    let index = inner
        .user_index(user_id)
        .ok_or_else(|| no_such_user(user_id))?;
    let target = if transfer == Transfer::default() {
        None
    } else {
        // Zoom documents no answer for a transfer without a target; refusing it is safer than
        // deleting what the caller asked to keep.
        let email = transfer_email.ok_or_else(|| invalid("transfer_email"))?;
        if inner.users[index].is_named_by(&email) {
            return Err(respond::zoom_error(
                StatusCode::BAD_REQUEST,
                INVALID_PARAMETER,
                "The transfer-to email address cannot be the same as the unlinked or deleted user's email address.",
            ).into());
        }
        Some(
            inner
                .user(&email)
                .ok_or_else(|| no_such_user(&email))?
                .id
                .clone(),
        )
    };
    let user = inner.users.remove(index);
    if let Some(target) = target {
        inner.entities.transfer(&user.id, &target, transfer);
    }
    inner.entities.remove_host(&user.id);
    if let Some(operator) = inner.operator() {
        state
            .outbox
            .user_event(event, &user, None, operator, call.now);
    }
    Ok(respond::no_content())
}

pub(crate) fn set_status(state: &SimState, call: &Call) -> Result<Response, Refusal> {
    let user_id = &user_param(&call.uri, 3);
    let body = body::object(&call.body)?;
    let f = Fields::new(&body);
    let status = match f.string("action")? {
        Some("activate") => Some(UserStatus::Active),
        Some("deactivate") => Some(UserStatus::Inactive),
        // Workforce Management clock events: accepted, and nothing the simulator keeps.
        Some("clock_in" | "clock_out") => None,
        _ => return Err(f.invalid("action")),
    };
    let mut inner = state.lock();
    let index = inner
        .user_index(user_id)
        .ok_or_else(|| no_such_user(user_id))?;
    let user = &mut inner.users[index];
    if user.status == UserStatus::Pending {
        // A pending user is an invitation, not an account. Zoom documents no answer for
        // (de)activating one; 1120 is the code its user endpoints give for a user whose
        // invitation stands in for the account (`GET /users/{userId}`).
        return Err(respond::zoom_error(
            StatusCode::BAD_REQUEST,
            1120,
            "A valid invitation to join the Zoom account was not found for this user.",
        )
        .into());
    }
    if matches!(user.role_id.as_str(), "0" | "1") {
        // Zoom's `userStatus`: the owner and admins cannot be (de)activated.
        return Err(respond::zoom_error(
            StatusCode::BAD_REQUEST,
            NOT_ALLOWED,
            "Zoom Room and Admin users' status cannot be activated or deactivated.",
        )
        .into());
    }
    if let Some(status) = status
        && user.status != status
    {
        user.status = status;
        let event = match status {
            UserStatus::Active => "user.activated",
            _ => "user.deactivated",
        };
        let user = user.clone();
        if let Some(operator) = inner.operator() {
            state
                .outbox
                .user_event(event, &user, None, operator, call.now);
        }
    }
    Ok(respond::ok_without_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_parameters_default_and_validate() {
        let Ok(p) = parse_list_params("") else {
            panic!("empty query is valid")
        };
        assert_eq!(
            p.query,
            UserQuery {
                status: UserStatus::Active,
                page_size: 30
            }
        );
        let Ok(p) =
            parse_list_params("status=pending&page_size=2000&next_page_token=&page_number=0")
        else {
            panic!("valid query refused")
        };
        assert_eq!(p.query.status, UserStatus::Pending);
        assert_eq!(p.query.page_size, 2000);
        assert_eq!(p.next_page_token, None);
        assert_eq!(p.page_number, Some(1));
        for bad in [
            "status=deleted",
            "status=Active",
            "page_size=2001",
            "page_size=0",
            "page_size=ten",
            "page_number=-1",
        ] {
            let Err(field) = parse_list_params(bad) else {
                panic!("{bad} accepted")
            };
            assert!(bad.starts_with(field), "{bad} blamed {field}");
        }
    }
}
