//! One registrant of a meeting or webinar and the item `GET …/registrants` lists for it
//! (<https://developers.zoom.us/docs/api/meetings/>). Zoom answers unset text fields with empty
//! strings, so they are plain `String`s here, not options.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::model::user::timestamp;

pub use zoom_api::RegistrantStatus;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimRegistrant {
    /// 22 characters, like user ids.
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub address: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    /// Two-letter country code.
    pub country: String,
    pub phone: String,
    pub industry: String,
    pub org: String,
    pub job_title: String,
    pub purchasing_time_frame: String,
    pub role_in_purchase_process: String,
    pub no_of_employees: String,
    pub comments: String,
    /// `(title, value)`; values up to 128 characters.
    pub custom_questions: Vec<(String, String)>,
    pub status: RegistrantStatus,
    pub create_time: DateTime<Utc>,
    pub join_url: String,
}

impl SimRegistrant {
    pub fn listing_json(&self) -> Value {
        let questions: Vec<Value> = self
            .custom_questions
            .iter()
            .map(|(title, value)| json!({ "title": title, "value": value }))
            .collect();
        json!({
            "id": self.id,
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "address": self.address,
            "city": self.city,
            "state": self.state,
            "zip": self.zip,
            "country": self.country,
            "phone": self.phone,
            "industry": self.industry,
            "org": self.org,
            "job_title": self.job_title,
            "purchasing_time_frame": self.purchasing_time_frame,
            "role_in_purchase_process": self.role_in_purchase_process,
            "no_of_employees": self.no_of_employees,
            "comments": self.comments,
            "custom_questions": questions,
            "status": self.status.as_str(),
            "create_time": timestamp(self.create_time),
            "join_url": self.join_url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_parse_only_as_zoom_spells_them() {
        for s in RegistrantStatus::ALL {
            assert_eq!(RegistrantStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(RegistrantStatus::parse("Approved"), None);
        assert_eq!(RegistrantStatus::parse("cancelled"), None);
    }
}
