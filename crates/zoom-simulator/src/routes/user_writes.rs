//! `POST /v2/users`, `PATCH` and `DELETE /v2/users/{userId}`, and `PUT /v2/users/{userId}/status`
//! (<https://developers.zoom.us/docs/api/users/>). `{userId}` is an id or an email.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::routes::gate::serve;
use crate::rules::body::{self, Fields, flag, is_email};
use crate::model::entities::Transfer;
use crate::model::ids;
use crate::rules::refusals::no_such_user;
use crate::rules::path::user_param;
use crate::rules::respond::{self, Refusal};
use crate::state::SimState;
use crate::model::user::{SimUser, UserStatus};
use crate::rules::user_limits::Counter;
use zoom_api::endpoint::Endpoint;

/// The `action`s of `POST /users`: `create` invites (the user is pending until they accept);
/// the others make an active user at once.
const CREATE_ACTIONS: [&str; 4] = ["create", "autoCreate", "custCreate", "ssoCreate"];

pub(crate) async fn create_user(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(&state, Endpoint::CreateUser, &headers, || {
        create(&state, &body, Utc::now())
    })
    .await
}

/// The `login_type` query parameter is accepted and has no effect: the simulated users have
/// one login each.
pub(crate) async fn update_user(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    serve(&state, Endpoint::UpdateUser, &headers, || {
        update(&state, &user_param(&uri, 3), &body)
    })
    .await
}

pub(crate) async fn delete_user(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    RawQuery(query): RawQuery,
) -> Response {
    serve(&state, Endpoint::DeleteUser, &headers, || {
        delete(&state, &user_param(&uri, 3), query.as_deref().unwrap_or(""))
    })
    .await
}

pub(crate) async fn update_user_status(
    State(state): State<Arc<SimState>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    serve(&state, Endpoint::UpdateUserStatus, &headers, || {
        set_status(&state, &user_param(&uri, 3), &body)
    })
    .await
}

fn create(state: &SimState, body: &Bytes, now: DateTime<Utc>) -> Result<Response, Refusal> {
    let body = body::object(body)?;
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
    inner.users.push(user);
    Ok(respond::created(created))
}

/// Zoom's display name when none is given: the first and last names.
fn derived_display_name(first: &str, last: &str) -> String {
    format!("{first} {last}").trim().to_owned()
}

/// The profile fields a simulated user holds; the rest of Zoom's body is accepted and dropped.
#[derive(Debug, Default)]
struct UserPatch {
    first_name: Option<String>,
    last_name: Option<String>,
    display_name: Option<String>,
    user_type: Option<u8>,
    pmi: Option<u64>,
    use_pmi: Option<bool>,
    /// `Some(None)` clears the field (an empty string).
    dept: Option<Option<String>>,
    job_title: Option<Option<String>>,
    company: Option<Option<String>>,
    location: Option<Option<String>>,
    language: Option<Option<String>>,
    timezone: Option<Option<String>>,
    phone_country: Option<Option<String>>,
    phone_number: Option<Option<String>>,
}

impl UserPatch {
    fn read(f: &Fields<'_>) -> Result<UserPatch, Refusal> {
        let name = |key: &str, max: usize| -> Result<Option<String>, Refusal> {
            Ok(f.text(key, max)?.map(str::to_owned))
        };
        let optional = |key: &str| -> Result<Option<Option<String>>, Refusal> {
            Ok(f.string(key)?
                .map(|v| Some(v.to_owned()).filter(|v| !v.is_empty())))
        };
        Ok(UserPatch {
            first_name: name("first_name", 64)?,
            last_name: name("last_name", 64)?,
            display_name: name("display_name", 128)?,
            user_type: f
                .integer("type")?
                .map(|t| {
                    u8::try_from(t)
                        .ok()
                        .filter(|t| matches!(t, 1 | 2 | 4))
                        .ok_or_else(|| f.invalid("type"))
                })
                .transpose()?,
            pmi: f
                .integer_in("pmi", 1_000_000_000..=9_999_999_999)?
                .map(|p| p as u64),
            use_pmi: f.boolean("use_pmi")?,
            dept: optional("dept")?,
            job_title: optional("job_title")?,
            company: optional("company")?,
            location: optional("location")?,
            language: optional("language")?,
            timezone: optional("timezone")?,
            phone_country: optional("phone_country")?,
            phone_number: optional("phone_number")?,
        })
    }

    fn apply(self, user: &mut SimUser) {
        let set = |field: &mut Option<String>, value: Option<Option<String>>| {
            if let Some(value) = value {
                *field = value;
            }
        };
        if let Some(first) = self.first_name {
            user.first_name = first;
        }
        if let Some(last) = self.last_name {
            user.last_name = last;
        }
        match self.display_name {
            Some(shown) if shown.is_empty() => {
                user.display_name = derived_display_name(&user.first_name, &user.last_name);
            }
            Some(shown) => user.display_name = shown,
            None => {}
        }
        if let Some(user_type) = self.user_type {
            user.user_type = user_type;
        }
        if let Some(pmi) = self.pmi {
            user.pmi = Some(pmi);
        }
        if let Some(use_pmi) = self.use_pmi {
            user.use_pmi = use_pmi;
        }
        set(&mut user.dept, self.dept);
        set(&mut user.job_title, self.job_title);
        set(&mut user.company, self.company);
        set(&mut user.location, self.location);
        set(&mut user.language, self.language);
        set(&mut user.timezone, self.timezone);
        set(&mut user.phone_country, self.phone_country);
        set(&mut user.phone_number, self.phone_number);
    }
}

fn update(state: &SimState, user_id: &str, body: &Bytes) -> Result<Response, Refusal> {
    let body = body::object(body)?;
    let patch = UserPatch::read(&Fields::new(&body))?;
    let mut inner = state.lock();
    let index = inner
        .user_index(user_id)
        .ok_or_else(|| no_such_user(user_id))?;
    patch.apply(&mut inner.users[index]);
    Ok(respond::no_content())
}

/// Removes the user, or the invitation of a pending one. What they hosted goes with them, as
/// Zoom deletes a deleted user's meetings, unless `transfer_meeting`, `transfer_webinar` or
/// `transfer_recording` hands it to the user `transfer_email` names. `action` (disassociate,
/// the default, or delete) makes no difference here: either way the account loses the user.
fn delete(state: &SimState, user_id: &str, query: &str) -> Result<Response, Refusal> {
    let mut transfer = Transfer::default();
    let mut transfer_email = None;
    for (key, value) in url::form_urlencoded::parse(query.as_bytes()).filter(|(_, v)| !v.is_empty())
    {
        let wanted = match &*key {
            "action" if matches!(&*value, "disassociate" | "delete") => continue,
            "transfer_email" => {
                transfer_email = Some(value.into_owned());
                continue;
            }
            "transfer_meeting" => &mut transfer.meetings,
            "transfer_webinar" => &mut transfer.webinars,
            "transfer_recording" => &mut transfer.recordings,
            "action" => return Err(respond::validation_failed("action").into()),
            _ => continue,
        };
        *wanted = flag(&value).ok_or_else(|| respond::validation_failed(&key))?;
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
        let email = transfer_email.ok_or_else(|| respond::validation_failed("transfer_email"))?;
        if inner.users[index].is_named_by(&email) {
            return Err(respond::zoom_error(
                StatusCode::BAD_REQUEST,
                300,
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
    Ok(respond::no_content())
}

fn set_status(state: &SimState, user_id: &str, body: &Bytes) -> Result<Response, Refusal> {
    let body = body::object(body)?;
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
            200,
            "Zoom Room and Admin users' status cannot be activated or deactivated.",
        )
        .into());
    }
    if let Some(status) = status {
        user.status = status;
    }
    Ok(respond::ok_without_body())
}
