-- When Zoom's data in each mirrored row was current, so that a webhook event and a sync pass
-- never undo each other: the later information wins. NULL for rows written before, which count
-- as the oldest.
ALTER TABLE zoom.users ADD COLUMN source_time timestamptz;
ALTER TABLE zoom.meetings ADD COLUMN source_time timestamptz;
ALTER TABLE zoom.webinars ADD COLUMN source_time timestamptz;
ALTER TABLE zoom.meeting_registrants ADD COLUMN source_time timestamptz;
ALTER TABLE zoom.webinar_registrants ADD COLUMN source_time timestamptz;
ALTER TABLE zoom.recordings ADD COLUMN source_time timestamptz;
ALTER TABLE zoom.recording_files ADD COLUMN source_time timestamptz;

COMMENT ON COLUMN zoom.users.source_time IS 'When Zoom''s data in this row was current: the time the listing page or read that wrote it was requested, or the event_ts of the webhook event that changed it. A write carrying older information is ignored.';
COMMENT ON COLUMN zoom.meetings.source_time IS 'When Zoom''s data in this row was current: the time the listing page or read that wrote it was requested, or the event_ts of the webhook event that changed it. A write carrying older information is ignored.';
COMMENT ON COLUMN zoom.webinars.source_time IS 'When Zoom''s data in this row was current: the time the listing page or read that wrote it was requested, or the event_ts of the webhook event that changed it. A write carrying older information is ignored.';
COMMENT ON COLUMN zoom.meeting_registrants.source_time IS 'When Zoom''s data in this row was current: the time the listing page or read that wrote it was requested, or the event_ts of the webhook event that changed it. A write carrying older information is ignored.';
COMMENT ON COLUMN zoom.webinar_registrants.source_time IS 'When Zoom''s data in this row was current: the time the listing page or read that wrote it was requested, or the event_ts of the webhook event that changed it. A write carrying older information is ignored.';
COMMENT ON COLUMN zoom.recordings.source_time IS 'When Zoom''s data in this row was current: the time the listing page or read that wrote it was requested, or the event_ts of the webhook event that changed it. A write carrying older information is ignored.';
COMMENT ON COLUMN zoom.recording_files.source_time IS 'When Zoom''s data in this row was current: the time the listing page or read that wrote it was requested, or the event_ts of the webhook event that changed it. A write carrying older information is ignored.';
