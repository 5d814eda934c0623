//! The users pass: every status, each page upserted as it arrives, deletions decided only after
//! all three listings completed.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use futures::Stream;

use super::error::SyncError;
use super::listing::{Decision, Empty, Listable, Sink, deletions, list};
use crate::db::sync_runs::RowCounts;
use crate::db::{self, DbError, users::UserRow};
use crate::zoom::{ListedPage, User, UserStatus, ZoomClient, ZoomError};

pub async fn sync_users(client: &ZoomClient, sink: &Sink<'_>) -> Result<(), SyncError> {
    let listings = list(&Users { client }, UserStatus::ALL, sink).await;
    let (keep, fence) = match deletions(listings, Empty::Refused("users"))? {
        Decision::Mark { keep, fence } => (keep, fence),
        Decision::Wait(doubt) => {
            doubt.report(sink.counts, &"the account's users");
            return Ok(());
        }
        Decision::Skip => return Ok(()),
    };
    let (ids, pending_emails): (Vec<UserKey>, Vec<UserKey>) = keep
        .into_iter()
        .partition(|key| matches!(key, UserKey::Id(_)));
    let ids: Vec<String> = ids.into_iter().map(UserKey::into_inner).collect();
    let pending_emails: Vec<String> = pending_emails
        .into_iter()
        .map(UserKey::into_inner)
        .collect();
    let mut conn = db::connection(sink.pool).await?;
    sink.counts.deleted(
        db::users::mark_unlisted_deleted(&mut conn, &ids, &pending_emails, fence, sink.clock.now())
            .await?,
    );
    Ok(())
}

/// The account's users: one listing per status.
struct Users<'a> {
    client: &'a ZoomClient,
}

impl Listable for Users<'_> {
    type Item = User;
    type Key = UserKey;
    type Listing = UserStatus;

    fn pages(
        &self,
        status: UserStatus,
    ) -> impl Stream<Item = Result<ListedPage<User>, ZoomError>> + '_ {
        self.client.list_users(status)
    }

    fn key(user: &User) -> UserKey {
        UserKey::of(user)
    }

    async fn write(
        &self,
        conn: &mut AsyncPgConnection,
        users: &[User],
        now: DateTime<Utc>,
        source_time: DateTime<Utc>,
    ) -> Result<RowCounts, DbError> {
        let rows: Vec<UserRow<'_>> = users.iter().map(|u| row(u, now)).collect();
        db::users::upsert(conn, &rows, source_time).await
    }
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
