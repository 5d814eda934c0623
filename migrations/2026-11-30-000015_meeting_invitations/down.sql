ALTER TABLE zoom.meetings
    DROP COLUMN invitation_for,
    DROP COLUMN invitation_synced_at,
    DROP COLUMN invitation;
