//! The users pass: every status, each page upserted as it arrives, deletions decided only after
//! all three listings completed.

use std::collections::HashSet;
use std::pin::pin;

use chrono::Utc;
use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use super::error::SyncError;
use crate::db::{self, DbPool, sync_runs::RowCounts, users::UserRow};
use crate::zoom::{User, UserStatus, ZoomClient};

pub async fn sync_users(
    pool: &DbPool,
    client: &ZoomClient,
    cancel: &CancellationToken,
    counts: &mut RowCounts,
) -> Result<(), SyncError> {
    // The keys listed: ids, and the emails of pending users (listed without an id).
    let mut ids: HashSet<String> = HashSet::new();
    let mut pending_emails: HashSet<String> = HashSet::new();
    let listing_started = Utc::now();
    for status in UserStatus::ALL {
        let mut pages = pin!(client.list_users(status));
        loop {
            let page = tokio::select! {
                biased;
                () = cancel.cancelled() => return Err(SyncError::Cancelled),
                page = pages.next() => page,
            };
            let Some(page) = page else { break };
            let page = page?;
            if page.unreadable > 0 {
                tracing::warn!(
                    status = status.as_str(),
                    skipped = page.unreadable,
                    "Zoom listed users without an email; they cannot be mirrored"
                );
            }
            let now = Utc::now();
            let rows: Vec<UserRow<'_>> = page.users.iter().map(|u| row(u, now)).collect();
            let mut conn = db::connection(pool).await?;
            *counts += db::users::upsert(&mut conn, &rows).await?;
            for user in page.users {
                match user.id {
                    Some(id) => ids.insert(id),
                    None => pending_emails.insert(user.email),
                };
            }
        }
    }
    if ids.is_empty() && pending_emails.is_empty() {
        return Err(SyncError::EmptyListing("users"));
    }
    let ids: Vec<String> = ids.into_iter().collect();
    let pending_emails: Vec<String> = pending_emails.into_iter().collect();
    let mut conn = db::connection(pool).await?;
    counts.deleted = db::users::mark_unlisted_deleted(
        &mut conn,
        &ids,
        &pending_emails,
        listing_started,
        Utc::now(),
    )
    .await?;
    Ok(())
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
