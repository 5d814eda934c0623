-- Team Chat's webhook events write messages and channels too: the comments say so.
COMMENT ON COLUMN zoom.chat_messages.user_id IS 'The mirrored user whose messages it was first read from (for a direct message, one of its two sides); for a row a webhook event made, the event''s operator (who posted or edited it).';
COMMENT ON COLUMN zoom.chat_messages.deleted_at IS 'Set when Zoom listed it with status Deleted, or a deletion event arrived.';
COMMENT ON COLUMN zoom.chat_messages.source_time IS 'When Zoom''s data in this row was current: the time the listing page that wrote it was requested, or the event''s time. A write carrying older information is ignored.';
COMMENT ON COLUMN zoom.chat_channels.deleted_at IS 'Set once no mirrored user''s complete channel listing has it any more, or a deletion event arrived.';
COMMENT ON COLUMN zoom.chat_channels.source_time IS 'When Zoom''s data in this row was current: the time the listing page that wrote it was requested, or the event''s time. A write carrying older information is ignored.';
