//! The users pass: every status, each page upserted as it arrives, deletions decided only after
//! all three listings completed.

use std::pin::pin;

use chrono::Utc;
use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::counts::PassCounts;
use super::error::SyncError;
use super::listing::Tally;
use super::store::store;
use crate::db::{self, DbPool, users::UserRow};
use crate::zoom::{User, UserStatus, ZoomClient};

pub async fn sync_users(
    pool: &DbPool,
    client: &ZoomClient,
    cancel: &CancellationToken,
    counts: &PassCounts,
) -> Result<(), SyncError> {
    let mut listed: Tally<UserKey> = Tally::default();
    let listing_started = Utc::now();
    for status in UserStatus::ALL {
        let mut pages = pin!(client.list_users(status));
        let mut listing = listed.listing();
        loop {
            let page = tokio::select! {
                biased;
                () = cancel.cancelled() => return Err(SyncError::Cancelled),
                page = pages.next() => page,
            };
            let Some(page) = page else { break };
            let page = page?;
            let now = Utc::now();
            let rows: Vec<UserRow<'_>> = page.items.iter().map(|u| row(u, now)).collect();
            let skipped = store(rows.len(), counts, |at| {
                let rows = &rows[at];
                async move {
                    let mut conn = db::connection(pool).await?;
                    db::users::upsert(&mut conn, rows).await
                }
            })
            .await?;
            listing.page(&page, UserKey::of);
            listing.unstored(skipped);
        }
        listing.end();
    }
    if listed.keys().is_empty() {
        return Err(SyncError::EmptyListing("users"));
    }
    if !listed.decides_deletions(counts, &"the account's users") {
        return Ok(());
    }
    let (ids, pending_emails): (Vec<UserKey>, Vec<UserKey>) = listed
        .into_keys()
        .into_iter()
        .partition(|key| matches!(key, UserKey::Id(_)));
    let ids: Vec<String> = ids.into_iter().map(UserKey::into_inner).collect();
    let pending_emails: Vec<String> = pending_emails
        .into_iter()
        .map(UserKey::into_inner)
        .collect();
    let mut conn = db::connection(pool).await?;
    counts.deleted(
        db::users::mark_unlisted_deleted(
            &mut conn,
            &ids,
            &pending_emails,
            listing_started,
            Utc::now(),
        )
        .await?,
    );
    Ok(())
}

/// How a listed user is known: by id, or by email while pending (Zoom lists those without one).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum UserKey {
    Id(String),
    PendingEmail(String),
}

impl UserKey {
    fn of(user: &User) -> UserKey {
        match &user.id {
            Some(id) => UserKey::Id(id.clone()),
            None => UserKey::PendingEmail(user.email.clone()),
        }
    }

    fn into_inner(self) -> String {
        match self {
            UserKey::Id(s) | UserKey::PendingEmail(s) => s,
        }
    }
}

pub(crate) fn row(user: &User, now: chrono::DateTime<Utc>) -> UserRow<'_> {
    UserRow {
        id: user.id.as_deref(),
        email: &user.email,
        first_name: user.first_name.as_deref(),
        last_name: user.last_name.as_deref(),
        display_name: user.display_name.as_deref(),
        user_type: user.user_type,
        status: user.status.as_deref(),
        pmi: user.pmi,
        timezone: user.timezone.as_deref(),
        dept: user.dept.as_deref(),
        role_id: user.role_id.as_deref(),
        language: user.language.as_deref(),
        phone_number: user.phone_number.as_deref(),
        verified: user.verified,
        group_ids: &user.group_ids,
        created_at: user.created_at,
        last_login_time: user.last_login_time,
        last_client_version: user.last_client_version.as_deref(),
        raw: &user.raw,
        synced_at: now,
    }
}
