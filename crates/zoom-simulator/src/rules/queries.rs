//! What a listing's `next_page_token` remembers of the request that started it: a page asked
//! for by token is cut from the same query, whatever parameters come with the token.

use std::borrow::Cow;

use crate::rules::pages::parse_page_size;
use crate::rules::respond::{self, Refusal};

use crate::model::recording::DateRange;
use crate::model::registrant::RegistrantStatus;
use crate::model::session::MeetingListType;
use crate::model::user::UserStatus;
use zoom_api::SessionKind;
use zoom_api::endpoint::Endpoint;

/// Zoom's page size when a listing's request names none.
pub(crate) const DEFAULT_PAGE_SIZE: u32 = 30;

/// The part of a listing request a `next_page_token` remembers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UserQuery {
    pub status: UserStatus,
    pub page_size: u32,
}

/// The part of a meetings listing a `next_page_token` remembers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MeetingQuery {
    pub user_id: String,
    pub list_type: MeetingListType,
    pub page_size: u32,
}

/// The part of a registrants listing a `next_page_token` remembers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RegistrantQuery {
    pub kind: SessionKind,
    pub id: u64,
    pub status: RegistrantStatus,
    pub page_size: u32,
}

/// The part of a participants listing a `next_page_token` remembers: the instance, so that an
/// id (the latest instance) keeps naming the one the listing began with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParticipantQuery {
    pub kind: SessionKind,
    pub uuid: String,
    pub page_size: u32,
}

/// The part of a recordings listing a `next_page_token` remembers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RecordingQuery {
    /// `None` for the whole account.
    pub host_id: Option<String>,
    pub range: DateRange,
    pub page_size: u32,
    /// `trash=true`: the recordings in the trash instead of the others.
    pub in_trash: bool,
}

/// The part of a phone recordings listing a `next_page_token` remembers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PhoneRecordingQuery {
    pub user_id: String,
    pub range: DateRange,
    pub page_size: u32,
}

/// The part of a user's channel listing a `next_page_token` remembers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChannelQuery {
    pub user_id: String,
    pub page_size: u32,
}

/// The part of a chat sessions or messages listing a `next_page_token` remembers: the items
/// the first page was cut from, so that later pages continue the same list (as Zoom's
/// snapshot does).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ChatQuery {
    pub items: Vec<serde_json::Value>,
    pub page_size: u32,
    /// What every page of the answer repeats of the query (`from` and `to`, or `date`).
    pub echo: serde_json::Value,
}

/// The query string's parameters. Empty values count as absent: clients often send
/// `next_page_token=` on the first page.
pub(crate) fn query_params(raw: &str) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
    url::form_urlencoded::parse(raw.as_bytes()).filter(|(_, value)| !value.is_empty())
}

/// Zoom's refusal of a query parameter's value.
pub(crate) fn invalid(field: &str) -> Refusal {
    respond::validation_failed(field).into()
}

/// A token-paged listing's `page_size` and `next_page_token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PageParams {
    pub page_size: u32,
    pub token: Option<String>,
}

/// Reads a token-paged listing's query: `page_size` within `endpoint`'s limit (else Zoom's
/// default) and `next_page_token`; every other parameter goes to `other`, which refuses what it
/// cannot read and passes over what the listing ignores.
pub(crate) fn page_params(
    query: &str,
    endpoint: Endpoint,
    mut other: impl FnMut(&str, &str) -> Result<(), Refusal>,
) -> Result<PageParams, Refusal> {
    let mut params = PageParams {
        page_size: DEFAULT_PAGE_SIZE,
        token: None,
    };
    for (name, value) in query_params(query) {
        match &*name {
            "page_size" => {
                params.page_size =
                    parse_page_size(&value, endpoint).ok_or_else(|| invalid("page_size"))?;
            }
            "next_page_token" => params.token = Some(value.into_owned()),
            _ => other(&name, &value)?,
        }
    }
    Ok(params)
}
