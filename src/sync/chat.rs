//! The Team Chat pass (`sync.chat`): for every mirrored user, their channels, then their
//! messages in each channel and with each direct-message partner (from their 1:1 chat
//! sessions), deleted and edited messages included.
//!
//! Channels are listed whole and judged like any listing: a user whose complete listing no
//! longer has a channel leaves its members, and a channel without members is marked deleted.
//! Messages are read by time: a conversation never read goes back `backfill_days`, one read
//! before from where the last complete read ended (less a small overlap) or `window_days`
//! ago, whichever is earlier, so that recent edits and deletions are seen again. Zoom lists a
//! deleted message with status `Deleted`, which marks its row, rather than leaving it out.
//! A plan or user without Team Chat (Zoom's code 200) is none for that user, counted and
//! logged once per pass. Last, each live channel's members are counted ([`members`]).

mod members;

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Duration, Utc};
use diesel_async::AsyncPgConnection;
use futures::Stream;

use super::SyncContext;
use super::error::SyncError;
use super::listing::{Answer, Decision, Empty, Listable, Sink, deletions, list};
use super::refused::Refused;
use super::sessions::hosts;
use super::walk::for_each;
use crate::db::chat::{ChannelRow, Conversation, MessageRow};
use crate::db::sync_runs::RowCounts;
use crate::db::{self, DbError};
use crate::zoom::{ChatChannel, ChatMessage, ChatPeer, ListedPage, ZoomClient, ZoomError};

/// How far before the end of the last complete read the next one begins: a message may be
/// stamped a little before it reaches Zoom's listing.
const OVERLAP: Duration = Duration::minutes(10);
/// The oldest messages Zoom serves are six months old (older is refused, 400/300): a read never
/// begins before this many days ago.
const MAX_BACKFILL_DAYS: u32 = 180;

pub async fn sync_chat(
    ctx: &SyncContext,
    client: &ZoomClient,
    sink: &Sink<'_>,
) -> Result<(), SyncError> {
    let refused = &Refused::default();
    let days = Days {
        window: Duration::days(i64::from(ctx.settings.chat_window_days)),
        backfill: Duration::days(i64::from(ctx.settings.chat_backfill_days)),
    };
    for_each(
        hosts(sink.pool).await?,
        ctx.settings.concurrency,
        sink,
        |user| async move {
            let user = User {
                client,
                sink,
                id: &user.id,
                days,
                refused: AtomicBool::new(false),
            };
            let done = user.sync().await;
            if user.refused.load(Ordering::Relaxed) {
                refused.add();
            }
            done
        },
    )
    .await?;
    refused.log("chat", "Team Chat (code 200)", "users");
    members::count_members(client, sink, ctx.settings.concurrency).await
}

#[derive(Debug, Clone, Copy)]
struct Days {
    window: Duration,
    backfill: Duration,
}

impl Days {
    /// Where a read ending `now` begins: `read_to` (less the overlap) or the window's start,
    /// whichever is earlier; the backfill without `read_to`; never past Zoom's six months.
    fn from(self, read_to: Option<DateTime<Utc>>, now: DateTime<Utc>) -> DateTime<Utc> {
        let from = match read_to {
            Some(read_to) => (read_to - OVERLAP).min(now - self.window),
            None => now - self.backfill,
        };
        from.max(now - Duration::days(i64::from(MAX_BACKFILL_DAYS)))
    }
}

/// One user's chats.
struct User<'a> {
    client: &'a ZoomClient,
    sink: &'a Sink<'a>,
    id: &'a str,
    days: Days,
    /// Zoom answered that the plan or user lacks Team Chat.
    refused: AtomicBool,
}

impl User<'_> {
    async fn sync(&self) -> Result<(), SyncError> {
        let Some(channels) = self.channels().await? else {
            return Ok(());
        };
        for channel in &channels {
            self.read(Conversation::Channel(channel)).await?;
            // Refused once, refused for every conversation: no call more for this user.
            if self.refused.load(Ordering::Relaxed) {
                return Ok(());
            }
        }
        let now = self.sink.clock.now();
        let earliest = {
            let mut conn = db::connection(self.sink.pool).await?;
            db::chat::earliest_contact_read_to(&mut conn, self.id).await?
        };
        let partners =
            self.client
                .direct_message_partners(self.id, self.days.from(earliest, now), now);
        let partners = match partners.await {
            Ok(partners) => partners,
            Err(e) if e.is_plan_missing() => {
                self.refused.store(true, Ordering::Relaxed);
                return Ok(());
            }
            // Gone since the users pass, which decides.
            Err(e) if e.is_user_missing() => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        for partner in &partners {
            self.read(Conversation::Contact(partner)).await?;
        }
        Ok(())
    }

    /// Lists the user's channels, marking the ones they left; the ids listed, or `None` when
    /// Zoom served none of them.
    async fn channels(&self) -> Result<Option<Vec<String>>, SyncError> {
        let channels = UserChannels {
            user: self,
            listed: Mutex::new(Vec::new()),
        };
        let listings = list(&channels, [()], self.sink).await;
        match deletions(listings, Empty::Allowed)? {
            Decision::Mark { keep, fence } => {
                let mut conn = db::connection(self.sink.pool).await?;
                let now = self.sink.clock.now();
                let marked =
                    db::chat::mark_unlisted_channels(&mut conn, self.id, &keep, fence, now).await?;
                self.sink.counts.deleted(marked);
            }
            Decision::Wait(doubt) => {
                doubt.report(
                    self.sink.counts,
                    &format!("user {}'s chat channels", self.id),
                );
            }
            Decision::Skip => return Ok(None),
        }
        Ok(Some(
            channels
                .listed
                .into_inner()
                .unwrap_or_else(|e| e.into_inner()),
        ))
    }

    /// Reads the user's messages in `conversation` from where the last complete read ended,
    /// and records how far this one got if it was complete.
    async fn read(&self, conversation: Conversation<'_>) -> Result<(), SyncError> {
        let now = self.sink.clock.now();
        let read_to = {
            let mut conn = db::connection(self.sink.pool).await?;
            db::chat::read_to(&mut conn, self.id, conversation).await?
        };
        let messages = Messages {
            user: self,
            conversation,
            from: self.days.from(read_to, now),
            to: now,
        };
        let listings = list(&messages, [()], self.sink).await;
        // Deletions come as each message's status, so only whether the read was whole counts.
        match deletions(listings, Empty::Allowed)? {
            Decision::Mark { .. } => {
                let mut conn = db::connection(self.sink.pool).await?;
                db::chat::record_read(&mut conn, self.id, conversation, now).await?;
            }
            Decision::Wait(doubt) => doubt.report(
                self.sink.counts,
                &format!("user {}'s chat messages with {conversation:?}", self.id),
            ),
            Decision::Skip => {}
        }
        Ok(())
    }

    /// What an error answer of a chat listing means for this user, where it is no failure.
    fn answer(&self, error: &ZoomError) -> Option<Answer> {
        if error.is_plan_missing() {
            self.refused.store(true, Ordering::Relaxed);
            return Some(Answer::Skip);
        }
        // Gone since the users pass (or the channel since the channel listing): the next pass
        // sees it.
        (error.is_user_missing() || error.is_channel_missing()).then_some(Answer::Skip)
    }
}

struct UserChannels<'a> {
    user: &'a User<'a>,
    /// Every channel id the listing wrote, for the messages that follow.
    listed: Mutex<Vec<String>>,
}

impl Listable for UserChannels<'_> {
    type Item = ChatChannel;
    type Key = String;
    type Listing = ();

    fn pages(&self, (): ()) -> impl Stream<Item = Result<ListedPage<ChatChannel>, ZoomError>> + '_ {
        self.user.client.list_user_channels(self.user.id)
    }

    fn key(channel: &ChatChannel) -> String {
        channel.id.clone()
    }

    async fn write(
        &self,
        conn: &mut AsyncPgConnection,
        channels: &[ChatChannel],
        now: DateTime<Utc>,
        source_time: DateTime<Utc>,
    ) -> Result<RowCounts, DbError> {
        let rows: Vec<ChannelRow<'_>> = channels.iter().map(channel_row).collect();
        let written = db::chat::upsert_channels(conn, self.user.id, &rows, now, source_time).await;
        let mut listed = self.listed.lock().unwrap_or_else(|e| e.into_inner());
        listed.extend(channels.iter().map(|c| c.id.clone()));
        listed.sort();
        listed.dedup();
        written
    }

    fn answer(&self, error: &ZoomError) -> Option<Answer> {
        self.user.answer(error)
    }
}

fn channel_row(c: &ChatChannel) -> ChannelRow<'_> {
    ChannelRow {
        id: &c.id,
        jid: c.jid.as_deref(),
        name: c.name.as_deref(),
        channel_type: c.channel_type,
        channel_url: c.channel_url.as_deref(),
        settings: c.settings.as_ref(),
        raw: &c.raw,
    }
}

/// One conversation's messages over one window.
struct Messages<'a> {
    user: &'a User<'a>,
    conversation: Conversation<'a>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

impl Listable for Messages<'_> {
    type Item = ChatMessage;
    type Key = String;
    type Listing = ();

    fn pages(&self, (): ()) -> impl Stream<Item = Result<ListedPage<ChatMessage>, ZoomError>> + '_ {
        let peer = match self.conversation {
            Conversation::Channel(id) => ChatPeer::Channel(id),
            Conversation::Contact(id) => ChatPeer::Contact(id),
        };
        (self.user.client).list_chat_messages(self.user.id, peer, self.from, self.to)
    }

    fn key(message: &ChatMessage) -> String {
        message.id.clone()
    }

    async fn write(
        &self,
        conn: &mut AsyncPgConnection,
        messages: &[ChatMessage],
        now: DateTime<Utc>,
        source_time: DateTime<Utc>,
    ) -> Result<RowCounts, DbError> {
        let rows: Vec<MessageRow<'_>> = messages.iter().map(message_row).collect();
        let (user, conversation) = (self.user.id, self.conversation);
        db::chat::upsert_messages(conn, user, conversation, &rows, now, source_time).await
    }

    fn answer(&self, error: &ZoomError) -> Option<Answer> {
        self.user.answer(error)
    }
}

fn message_row(m: &ChatMessage) -> MessageRow<'_> {
    MessageRow {
        id: &m.id,
        sender: m.sender.as_deref(),
        send_member_id: m.send_member_id.as_deref(),
        sender_display_name: m.sender_display_name.as_deref(),
        date_time: m.date_time,
        timestamp_ms: m.timestamp,
        message_type: m.message_type.as_deref(),
        message: m.message.as_deref(),
        status: m.status.as_deref(),
        reply_main_message_id: m.reply_main_message_id.as_deref(),
        raw: &m.raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_begins_at_the_backfill_the_last_read_or_the_window() {
        let now = DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z")
            .unwrap()
            .to_utc();
        let days = Days {
            window: Duration::days(7),
            backfill: Duration::days(30),
        };
        assert_eq!(days.from(None, now), now - Duration::days(30));
        assert_eq!(
            days.from(Some(now - Duration::hours(1)), now),
            now - Duration::days(7)
        );
        let long_ago = now - Duration::days(20);
        assert_eq!(days.from(Some(long_ago), now), long_ago - OVERLAP);
        assert_eq!(
            days.from(Some(now - Duration::days(400)), now),
            now - Duration::days(180)
        );
    }
}
