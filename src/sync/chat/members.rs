//! How many members each live channel has. The channel listing says nothing of its members,
//! so after the users' listings each channel's own member listing is read whole, once a pass,
//! on behalf of a mirrored member (its first that Zoom lets list them). A channel whose members
//! Zoom refuses to list for every mirrored member keeps the count it had, and is counted among
//! the refused; one deleted since the users' listings is left to the next pass's listings.

use futures::Stream;

use crate::db::chat::ChannelMembers;
use crate::db::sync_runs::RowCounts;
use crate::db::{self, DbPool};
use crate::sync::error::SyncError;
use crate::sync::listing::Sink;
use crate::sync::refused::Refused;
use crate::sync::walk::{BATCH, Walk, for_each, in_batches};
use crate::zoom::ZoomClient;

pub(super) async fn count_members(
    client: &ZoomClient,
    sink: &Sink<'_>,
    concurrency: usize,
) -> Result<(), SyncError> {
    let refused = &Refused::default();
    for_each(
        channels(sink.pool).await?,
        concurrency,
        sink,
        |channel| async move {
            let count = match count(client, &channel).await? {
                Counted::Members(count) => count,
                Counted::Refused => {
                    refused.add();
                    return Ok(());
                }
                Counted::Gone => return Ok(()),
            };
            let mut conn = db::connection(sink.pool).await?;
            let now = sink.clock.now();
            let count = i32::try_from(count).unwrap_or(i32::MAX);
            let changed = db::chat::record_member_count(&mut conn, &channel.id, count, now).await?;
            sink.counts.add(RowCounts {
                updated: i64::from(changed),
                unchanged: i64::from(!changed),
                ..RowCounts::default()
            });
            Ok(())
        },
    )
    .await?;
    refused.log(
        "chat",
        "permission to list channel members for any mirrored member (code 200)",
        "channels",
    );
    Ok(())
}

enum Counted {
    Members(i64),
    /// Zoom lets no mirrored member list them.
    Refused,
    /// The channel is gone since the users' listings.
    Gone,
}

/// The channel's members as Zoom lists them to the first mirrored member it lets ask.
async fn count(client: &ZoomClient, channel: &ChannelMembers) -> Result<Counted, SyncError> {
    for user in &channel.member_user_ids {
        match client.count_channel_members(user, &channel.id).await {
            Ok(count) => return Ok(Counted::Members(count)),
            // Not on this member's behalf (or the member is gone): perhaps on another's.
            Err(e) if e.is_plan_missing() || e.is_user_missing() => {}
            Err(e) if e.is_channel_missing() => return Ok(Counted::Gone),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Counted::Refused)
}

/// Every live channel with a mirrored member, in batches.
async fn channels(
    pool: &DbPool,
) -> Result<Walk<impl Stream<Item = Result<ChannelMembers, SyncError>> + '_>, SyncError> {
    let total = db::chat::count_channels_with_members(&mut *db::connection(pool).await?).await?;
    let rows = in_batches(
        |channel: &ChannelMembers| channel.id.clone(),
        move |after: Option<String>| async move {
            let mut conn = db::connection(pool).await?;
            let after = after.as_deref();
            Ok(db::chat::channels_with_members_after(&mut conn, after, BATCH).await?)
        },
    );
    Ok(Walk { total, rows })
}
