ALTER TABLE zoom.chat_channels DROP COLUMN member_count;

COMMENT ON COLUMN zoom.chat_channels.member_user_ids IS 'The mirrored users whose channel listing has it: its members within the account (cardinality() counts them; external members are not among them).';
