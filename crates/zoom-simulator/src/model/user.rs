//! One simulated Zoom user and the two shapes Zoom gives it: the `GET /users` list item and the
//! `GET /users/{userId}` object (<https://developers.zoom.us/docs/api/users/>).

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

pub use zoom_api::UserStatus;

/// A user of the simulated account. `None` fields are left out of the JSON, as Zoom leaves out
/// what a user never set.
#[derive(Debug, Clone, PartialEq)]
pub struct SimUser {
    /// 22-character id. Pending users have one too, but listings never show it.
    pub id: String,
    /// Unique in the account, lower-case.
    pub email: String,
    /// Up to 64 characters; may be empty for a pending user invited by email only.
    pub first_name: String,
    pub last_name: String,
    /// Up to 128 characters.
    pub display_name: String,
    /// 1 Basic, 2 Licensed, 4 Unassigned without Meetings Basic, 99 None.
    pub user_type: u8,
    pub status: UserStatus,
    /// Personal meeting ID, 10 digits.
    pub pmi: Option<u64>,
    pub use_pmi: bool,
    /// IANA zone name.
    pub timezone: Option<String>,
    pub dept: Option<String>,
    /// "0" owner, "1" admin, "2" member.
    pub role_id: String,
    /// "Owner", "Admin" or "Member"; shown by `GET /users/{userId}` only.
    pub role_name: String,
    pub verified: bool,
    pub group_ids: Vec<String>,
    pub user_created_at: DateTime<Utc>,
    /// Zoom's deprecated "latest login type was created"; at or after `user_created_at`.
    pub created_at: DateTime<Utc>,
    pub last_login_time: Option<DateTime<Utc>>,
    pub last_client_version: Option<String>,
    /// The rest appear in `GET /users/{userId}` only.
    pub language: Option<String>,
    pub phone_country: Option<String>,
    pub phone_number: Option<String>,
    pub job_title: Option<String>,
    pub location: Option<String>,
    pub company: Option<String>,
    pub pic_url: Option<String>,
}

/// Account facts that `GET /users/{userId}` repeats in every user.
#[derive(Debug, Clone)]
pub(crate) struct AccountInfo {
    pub account_id: String,
    pub account_number: u64,
}

impl SimUser {
    /// Whether `id_or_email` names this user, as the `{userId}` path parameter does: the exact
    /// id, or the email in any case.
    pub fn is_named_by(&self, id_or_email: &str) -> bool {
        self.id == id_or_email || self.email.eq_ignore_ascii_case(id_or_email)
    }

    /// Whether the user may host meetings: an unassigned user without Meetings Basic (type 4)
    /// and one of type None (99) may not, which Zoom answers with code 3161.
    pub fn can_host(&self) -> bool {
        !matches!(self.user_type, 4 | 99)
    }

    /// The item `GET /users` lists for this user.
    pub fn listing_json(&self) -> Value {
        Value::Object(self.listing_fields())
    }

    fn listing_fields(&self) -> Map<String, Value> {
        let mut o = Map::new();
        if self.status == UserStatus::Pending {
            // Zoom shows an invitation, not an account: no id, pmi or login data.
            self.put_names_if_set(&mut o);
            o.insert("email".into(), json!(self.email));
            o.insert("type".into(), json!(self.user_type));
            o.insert("status".into(), json!(self.status.as_str()));
            o.insert("role_id".into(), json!(self.role_id));
            o.insert("verified".into(), json!(0));
            o.insert("created_at".into(), json!(timestamp(self.created_at)));
            o.insert(
                "user_created_at".into(),
                json!(timestamp(self.user_created_at)),
            );
            return o;
        }
        o.insert("id".into(), json!(self.id));
        o.insert("first_name".into(), json!(self.first_name));
        o.insert("last_name".into(), json!(self.last_name));
        o.insert("display_name".into(), json!(self.display_name));
        o.insert("email".into(), json!(self.email));
        o.insert("type".into(), json!(self.user_type));
        put_opt(&mut o, "pmi", self.pmi.map(|p| json!(p)));
        put_opt(&mut o, "timezone", self.timezone.as_ref().map(|t| json!(t)));
        o.insert("verified".into(), json!(u8::from(self.verified)));
        put_opt(&mut o, "dept", self.dept.as_ref().map(|d| json!(d)));
        o.insert("created_at".into(), json!(timestamp(self.created_at)));
        o.insert(
            "user_created_at".into(),
            json!(timestamp(self.user_created_at)),
        );
        put_opt(
            &mut o,
            "last_login_time",
            self.last_login_time.map(|t| json!(timestamp(t))),
        );
        put_opt(
            &mut o,
            "last_client_version",
            self.last_client_version.as_ref().map(|v| json!(v)),
        );
        if !self.group_ids.is_empty() {
            o.insert("group_ids".into(), json!(self.group_ids));
        }
        o.insert("role_id".into(), json!(self.role_id));
        o.insert("status".into(), json!(self.status.as_str()));
        o
    }

    /// The object `GET /users/{userId}` returns. `now` matters for pending users, whose
    /// `created_at` Zoom reports as the time of the call.
    pub(crate) fn detail_json(&self, account: &AccountInfo, now: DateTime<Utc>) -> Value {
        let mut o = self.listing_fields();
        o.insert("id".into(), json!(self.id));
        o.insert("role_name".into(), json!(self.role_name));
        o.insert("account_id".into(), json!(account.account_id));
        o.insert("account_number".into(), json!(account.account_number));
        put_opt(&mut o, "language", self.language.as_ref().map(|l| json!(l)));
        if self.status == UserStatus::Pending {
            o.insert("created_at".into(), json!(timestamp(now)));
            return Value::Object(o);
        }
        o.insert("use_pmi".into(), json!(self.use_pmi));
        put_opt(
            &mut o,
            "personal_meeting_url",
            self.pmi
                .map(|pmi| json!(format!("https://us05web.zoom.us/j/{pmi}"))),
        );
        put_opt(&mut o, "pic_url", self.pic_url.as_ref().map(|p| json!(p)));
        put_opt(
            &mut o,
            "job_title",
            self.job_title.as_ref().map(|j| json!(j)),
        );
        put_opt(&mut o, "location", self.location.as_ref().map(|l| json!(l)));
        put_opt(&mut o, "company", self.company.as_ref().map(|c| json!(c)));
        if let (Some(country), Some(number)) = (&self.phone_country, &self.phone_number) {
            o.insert("phone_country".into(), json!(country));
            o.insert("phone_number".into(), json!(number));
        }
        o.insert(
            "jid".into(),
            json!(format!("{}@xmpp.zoom.us", self.id.to_ascii_lowercase())),
        );
        o.insert("login_types".into(), json!([100]));
        o.insert("cluster".into(), json!("us05"));
        Value::Object(o)
    }

    fn put_names_if_set(&self, o: &mut Map<String, Value>) {
        if !self.first_name.is_empty() {
            o.insert("first_name".into(), json!(self.first_name));
        }
        if !self.last_name.is_empty() {
            o.insert("last_name".into(), json!(self.last_name));
        }
    }
}

fn put_opt(o: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    if let Some(v) = value {
        o.insert(key.to_owned(), v);
    }
}

/// Zoom's UTC form, `yyyy-MM-ddTHH:mm:ssZ`
/// (<https://developers.zoom.us/docs/api/using-zoom-apis/>).
pub(crate) fn timestamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn user(status: UserStatus) -> SimUser {
        let t = Utc.with_ymd_and_hms(2020, 1, 2, 3, 4, 5).unwrap();
        SimUser {
            id: "KDcuGIm1QgePTO8WbOqwIQ".into(),
            email: "jill.chill@example.com".into(),
            first_name: "Jill".into(),
            last_name: "Chill".into(),
            display_name: "Jill Chill".into(),
            user_type: 2,
            status,
            pmi: Some(6_589_310_093),
            use_pmi: false,
            timezone: None,
            dept: Some("R&D".into()),
            role_id: "2".into(),
            role_name: "Member".into(),
            verified: true,
            group_ids: vec![],
            user_created_at: t,
            created_at: t,
            last_login_time: None,
            last_client_version: None,
            language: Some("en-US".into()),
            phone_country: None,
            phone_number: None,
            job_title: Some("API Developer".into()),
            location: None,
            company: None,
            pic_url: None,
        }
    }

    #[test]
    fn pending_listing_hides_the_id_and_account_data() {
        let item = user(UserStatus::Pending).listing_json();
        assert!(item.get("id").is_none());
        assert!(item.get("pmi").is_none());
        assert_eq!(item["status"], "pending");
        assert_eq!(item["email"], "jill.chill@example.com");
    }

    #[test]
    fn listing_leaves_out_unset_fields_and_detail_adds_more() {
        let u = user(UserStatus::Active);
        let item = u.listing_json();
        assert_eq!(item["id"], "KDcuGIm1QgePTO8WbOqwIQ");
        assert_eq!(item["pmi"], 6_589_310_093u64);
        assert_eq!(item["created_at"], "2020-01-02T03:04:05Z");
        assert!(item.get("timezone").is_none());
        assert!(item.get("last_login_time").is_none());
        assert!(item.get("job_title").is_none());

        let account = AccountInfo {
            account_id: "acct".into(),
            account_number: 7,
        };
        let detail = u.detail_json(&account, Utc::now());
        assert_eq!(detail["job_title"], "API Developer");
        assert_eq!(detail["account_id"], "acct");
        assert_eq!(detail["role_name"], "Member");
        assert_eq!(detail["use_pmi"], false);
    }

    #[test]
    fn users_are_named_by_id_or_email_in_any_case() {
        let u = user(UserStatus::Active);
        assert!(u.is_named_by("KDcuGIm1QgePTO8WbOqwIQ"));
        assert!(u.is_named_by("Jill.Chill@EXAMPLE.com"));
        assert!(!u.is_named_by("kdcugim1qgepto8wboqwiq"));
    }
}
