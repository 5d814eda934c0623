-- Team Chat channels: how many members each has, all of them, counted from the channel's
-- member listing (the channel listing says nothing of its members).
ALTER TABLE zoom.chat_channels ADD COLUMN member_count integer;

COMMENT ON COLUMN zoom.chat_channels.member_count IS 'How many members the channel has, external ones included, as GET /chat/users/{userId}/channels/{channelId}/members listed them at the last chat pass (asked on behalf of a mirrored member); NULL until first counted, or while Zoom refuses to list them on every mirrored member''s behalf.';
COMMENT ON COLUMN zoom.chat_channels.member_user_ids IS 'The mirrored users whose channel listing has it: its members within the account. member_count counts all of them.';
