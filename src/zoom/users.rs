//! Users: `GET /users` by status and `GET /users/{userId}`, and the typed view of a user object.

use chrono::{DateTime, Utc};
use futures::{Stream, TryStreamExt};
use serde_json::Value;

use super::client::ZoomClient;
use super::error::ZoomError;
use super::json::{integer, text, timestamp};
use super::paginate::{ListedPage, Listing, Page, pages};
pub use zoom_api::UserStatus;
use zoom_api::endpoint::Endpoint;
use zoom_api::path_segment;

/// The fields of a Zoom user that the mirror keeps in typed columns, with the whole object in
/// `raw`. Every field but `email` is optional: Zoom omits many (pending users carry few, and no
/// `id`), and a field of an unexpected type is left out rather than failing the page; `raw`
/// still has it.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: Option<String>,
    pub email: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub display_name: Option<String>,
    pub user_type: Option<i32>,
    pub status: Option<String>,
    pub pmi: Option<i64>,
    pub timezone: Option<String>,
    pub dept: Option<String>,
    pub role_id: Option<String>,
    pub language: Option<String>,
    pub phone_number: Option<String>,
    pub verified: Option<bool>,
    pub group_ids: Vec<String>,
    pub created_at: Option<DateTime<Utc>>,
    pub last_login_time: Option<DateTime<Utc>>,
    pub last_client_version: Option<String>,
    pub raw: Value,
}

impl User {
    /// Reads a user object; `None` when it has no email, the one field the mirror cannot do
    /// without. `status` fills in the status when the object omits it (it was listed by status).
    pub fn from_json(raw: Value, status: Option<UserStatus>) -> Option<User> {
        let email = text(&raw, "email")?;
        Some(User {
            id: text(&raw, "id"),
            email,
            first_name: text(&raw, "first_name"),
            last_name: text(&raw, "last_name"),
            display_name: text(&raw, "display_name"),
            user_type: integer(&raw, "type").and_then(|t| i32::try_from(t).ok()),
            status: text(&raw, "status").or_else(|| status.map(|s| s.as_str().to_owned())),
            pmi: integer(&raw, "pmi"),
            timezone: text(&raw, "timezone"),
            dept: text(&raw, "dept"),
            role_id: text(&raw, "role_id"),
            language: text(&raw, "language"),
            phone_number: text(&raw, "phone_number"),
            verified: integer(&raw, "verified")
                .map(|v| v != 0)
                .or_else(|| raw.get("verified").and_then(Value::as_bool)),
            group_ids: raw
                .get("group_ids")
                .and_then(Value::as_array)
                .map(|ids| {
                    ids.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            // `created_at` is deprecated (it is the latest login type's creation); prefer the new field.
            created_at: timestamp(&raw, "user_created_at")
                .or_else(|| timestamp(&raw, "created_at")),
            last_login_time: timestamp(&raw, "last_login_time"),
            last_client_version: text(&raw, "last_client_version"),
            raw,
        })
    }
}

impl ZoomClient {
    /// Every user with `status`, page by page; users without an email are unreadable.
    pub fn list_users(
        &self,
        status: UserStatus,
    ) -> impl Stream<Item = Result<ListedPage<User>, ZoomError>> + '_ {
        let listing = Listing {
            endpoint: Endpoint::ListUsers,
            path: "users".into(),
            query: vec![("status", status.as_str().into())],
            key: "users",
        };
        pages(self, listing)
            .map_ok(move |page: Page| page.read(|raw| User::from_json(raw, Some(status))))
    }

    /// One user by id or email; `None` when Zoom says it does not exist (HTTP 404, code 1001).
    pub async fn get_user(&self, id_or_email: &str) -> Result<Option<User>, ZoomError> {
        let path = format!("users/{}", path_segment(id_or_email));
        match self.get(Endpoint::GetUser, &path, &[]).await {
            Ok(raw) => Ok(User::from_json(raw, None)),
            Err(e) if e.is_user_missing() => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_a_full_user_leniently() {
        let raw = json!({
            "id": "z8yCx2p3QbW", "email": "li.wei@example.com", "first_name": "伟", "last_name": "李",
            "type": 2, "status": "active", "pmi": "3542471135", "verified": 1,
            "group_ids": ["g1"], "user_created_at": "2024-05-01T10:00:00Z",
            "created_at": "2025-01-01T00:00:00Z", "last_login_time": "not a date"
        });
        let user = User::from_json(raw.clone(), Some(UserStatus::Active)).unwrap();
        assert_eq!(user.pmi, Some(3_542_471_135));
        assert_eq!(user.verified, Some(true));
        assert_eq!(user.first_name.as_deref(), Some("伟"));
        assert_eq!(
            user.created_at.unwrap().to_rfc3339(),
            "2024-05-01T10:00:00+00:00"
        );
        assert_eq!(user.last_login_time, None);
        assert_eq!(user.raw, raw);
    }

    #[test]
    fn a_pending_user_has_no_id_and_takes_the_listed_status() {
        let user = User::from_json(
            json!({"email": "new@example.com", "type": 1}),
            Some(UserStatus::Pending),
        )
        .unwrap();
        assert_eq!(user.id, None);
        assert_eq!(user.status.as_deref(), Some("pending"));
        assert!(User::from_json(json!({"id": "x"}), None).is_none());
    }
}
