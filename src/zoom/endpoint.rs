//! Every Zoom endpoint the mirror calls, tagged with its documented rate-limit label and page
//! size (ZOOM-API.md §3.1). Adding an endpoint here is what makes it callable.

use std::fmt;

use super::plan::Label;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `GET /users`
    ListUsers,
    /// `GET /users/{userId}` (id or email)
    GetUser,
}

impl Endpoint {
    pub fn label(self) -> Label {
        match self {
            Endpoint::ListUsers => Label::Medium,
            Endpoint::GetUser => Label::Light,
        }
    }

    /// The largest page size Zoom documents for a listing; `None` for single objects.
    /// `GET /users` allows 2000 since 2026 (U26), up from 300.
    pub fn max_page_size(self) -> Option<u32> {
        match self {
            Endpoint::ListUsers => Some(2000),
            Endpoint::GetUser => None,
        }
    }

    /// The operationId in Zoom's OpenAPI files, used in logs and errors.
    pub fn operation(self) -> &'static str {
        match self {
            Endpoint::ListUsers => "users",
            Endpoint::GetUser => "user",
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.operation())
    }
}
