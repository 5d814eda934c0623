-- Team Chat: the channels the account's users are members of, their messages in channels and
-- with direct-message contacts, and how far each user's conversations were read.
CREATE TABLE zoom.chat_channels (
    id              text PRIMARY KEY,
    jid             text,
    name            text,
    type            integer,
    channel_url     text,
    settings        jsonb,
    member_user_ids text[] NOT NULL DEFAULT '{}',
    raw             jsonb NOT NULL,
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    synced_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz,
    source_time     timestamptz
);
CREATE INDEX chat_channels_members_idx ON zoom.chat_channels USING gin (member_user_ids);

COMMENT ON TABLE zoom.chat_channels IS 'Team Chat channels, as GET /chat/users/{userId}/channels lists them for each of the account''s users who is a member: one row per channel.';
COMMENT ON COLUMN zoom.chat_channels.type IS '0 unknown, 1 private, 2 private within the account, 3 public, 4 instant (a group chat), 5 public across accounts.';
COMMENT ON COLUMN zoom.chat_channels.settings IS 'Zoom''s channel_settings: who may add members, post, mention all, add external users.';
COMMENT ON COLUMN zoom.chat_channels.member_user_ids IS 'The mirrored users whose channel listing has it: its members within the account (cardinality() counts them; external members are not among them).';
COMMENT ON COLUMN zoom.chat_channels.deleted_at IS 'Set once no mirrored user''s complete channel listing has it any more.';
COMMENT ON COLUMN zoom.chat_channels.source_time IS 'When Zoom''s data in this row was current: the time the listing page that wrote it was requested. A write carrying older information is ignored.';

CREATE TABLE zoom.chat_messages (
    id                    text PRIMARY KEY,
    user_id               text NOT NULL,
    channel_id            text,
    to_contact            text,
    sender                text,
    send_member_id        text,
    sender_display_name   text,
    date_time             timestamptz,
    timestamp_ms          bigint,
    message_type          text,
    message               text,
    status                text,
    reply_main_message_id text,
    raw                   jsonb NOT NULL,
    first_seen_at         timestamptz NOT NULL DEFAULT now(),
    synced_at             timestamptz NOT NULL DEFAULT now(),
    deleted_at            timestamptz,
    source_time           timestamptz,
    CHECK ((channel_id IS NULL) <> (to_contact IS NULL))
);
CREATE INDEX chat_messages_channel_idx ON zoom.chat_messages (channel_id, date_time)
    WHERE channel_id IS NOT NULL;
CREATE INDEX chat_messages_contact_idx ON zoom.chat_messages (user_id, to_contact, date_time)
    WHERE to_contact IS NOT NULL;

COMMENT ON TABLE zoom.chat_messages IS 'Team Chat messages in channels and between two people, from GET /chat/users/{userId}/messages with deleted and edited messages included: one row per message, however many mirrored users see it.';
COMMENT ON COLUMN zoom.chat_messages.user_id IS 'The mirrored user whose messages it was first read from (for a direct message, one of its two sides).';
COMMENT ON COLUMN zoom.chat_messages.channel_id IS 'The channel it was posted in; NULL for a direct message.';
COMMENT ON COLUMN zoom.chat_messages.to_contact IS 'For a direct message, the other side as user_id''s chat sessions name it (a member ID, else a user ID or email); NULL in a channel.';
COMMENT ON COLUMN zoom.chat_messages.sender IS 'The sender''s email; NULL for a sender outside the account who is not a contact.';
COMMENT ON COLUMN zoom.chat_messages.timestamp_ms IS 'Zoom''s timestamp: milliseconds since the epoch.';
COMMENT ON COLUMN zoom.chat_messages.status IS 'Normal, Edited or Deleted, as Zoom last listed it.';
COMMENT ON COLUMN zoom.chat_messages.message IS 'The text as Zoom last listed it: an edit replaces it; a deletion keeps the last text known when Zoom lists none.';
COMMENT ON COLUMN zoom.chat_messages.deleted_at IS 'Set when Zoom listed it with status Deleted.';
COMMENT ON COLUMN zoom.chat_messages.source_time IS 'When Zoom''s data in this row was current: the time the listing page that wrote it was requested. A write carrying older information is ignored.';

CREATE TABLE zoom.chat_reads (
    user_id text NOT NULL,
    kind    text NOT NULL CHECK (kind IN ('channel', 'contact')),
    peer    text NOT NULL,
    read_to timestamptz NOT NULL,
    PRIMARY KEY (user_id, kind, peer)
);
COMMENT ON TABLE zoom.chat_reads IS 'How far each user''s messages in each conversation (a channel, or a direct-message contact) were read whole: the next pass reads from there, or from sync.chat.window_days ago if that is earlier.';
