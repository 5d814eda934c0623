//! A `PATCH /users/{userId}` body (<https://developers.zoom.us/docs/api/users/>) read and
//! checked in full before it is applied, so a body refused halfway changes nothing.

use crate::model::user::SimUser;
use crate::rules::body::Fields;
use crate::rules::respond::Refusal;

/// Zoom's display name when none is given: the first and last names.
pub(crate) fn derived_display_name(first: &str, last: &str) -> String {
    format!("{first} {last}").trim().to_owned()
}

/// The profile fields a simulated user holds; the rest of Zoom's body is accepted and dropped.
#[derive(Debug, Default)]
pub(crate) struct UserPatch {
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
    pub fn read(f: &Fields<'_>) -> Result<UserPatch, Refusal> {
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

    pub fn apply(self, user: &mut SimUser) {
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
