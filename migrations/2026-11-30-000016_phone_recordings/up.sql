-- Zoom Phone call recordings, one row per recording, from GET /phone/users/{userId}/recordings
-- in windows of at most a month within the last six months (all Zoom serves), and from the
-- phone.recording_completed / phone.recording_deleted events.
CREATE TABLE zoom.phone_recordings (
    id                      text PRIMARY KEY,
    user_id                 text NOT NULL,
    call_id                 text,
    call_log_id             text,
    call_history_id         text,
    caller_name             text,
    caller_number           text,
    caller_number_type      integer,
    callee_name             text,
    callee_number           text,
    callee_number_type      integer,
    direction               text,
    date_time               timestamptz,
    duration                integer,
    download_url            text,
    transcript_download_url text,
    meeting_uuid            text,
    outgoing_by             jsonb,
    accepted_by             jsonb,
    raw                     jsonb NOT NULL,
    first_seen_at           timestamptz NOT NULL DEFAULT now(),
    synced_at               timestamptz NOT NULL DEFAULT now(),
    deleted_at              timestamptz,
    source_time             timestamptz
);
CREATE INDEX phone_recordings_user_time_idx ON zoom.phone_recordings (user_id, date_time);
CREATE INDEX phone_recordings_call_idx ON zoom.phone_recordings (call_id);

COMMENT ON TABLE zoom.phone_recordings IS 'Zoom Phone call recordings, one row per recording, from GET /phone/users/{userId}/recordings per mirrored user in windows of at most a month, and the phone.recording_completed and phone.recording_deleted events.';
COMMENT ON COLUMN zoom.phone_recordings.user_id IS 'The user whose recordings listed it (join zoom.users on id); for a row from an event, the recording''s user_id or its owner''s id.';
COMMENT ON COLUMN zoom.phone_recordings.caller_number_type IS '1 internal, 2 external.';
COMMENT ON COLUMN zoom.phone_recordings.callee_number_type IS '1 internal, 2 external, 3 customized emergency number.';
COMMENT ON COLUMN zoom.phone_recordings.direction IS 'inbound or outbound.';
COMMENT ON COLUMN zoom.phone_recordings.date_time IS 'When the call (and the recording) began.';
COMMENT ON COLUMN zoom.phone_recordings.duration IS 'Seconds.';
COMMENT ON COLUMN zoom.phone_recordings.download_url IS 'Needs an Authorization: Bearer header with an access token of the app.';
COMMENT ON COLUMN zoom.phone_recordings.meeting_uuid IS 'Set when the call was elevated to a meeting.';
COMMENT ON COLUMN zoom.phone_recordings.outgoing_by IS 'Who placed the call for a shared line: {name, extension_number}.';
COMMENT ON COLUMN zoom.phone_recordings.accepted_by IS 'Who answered the call for a shared line: {name, extension_number}.';
COMMENT ON COLUMN zoom.phone_recordings.deleted_at IS 'Set when a complete listing of its user and day no longer had it, or a phone.recording_deleted event named it.';
COMMENT ON COLUMN zoom.phone_recordings.source_time IS 'When Zoom''s data in this row was current: the time the listing page that wrote it was requested, or the event_ts of the webhook event that changed it. A write carrying older information is ignored.';

-- Zoom Phone's endpoints are counted in a rate-limit table of their own.
ALTER TABLE zoom.rate_budget DROP CONSTRAINT rate_budget_label_check;
ALTER TABLE zoom.rate_budget ADD CONSTRAINT rate_budget_label_check
    CHECK (label IN ('light', 'medium', 'heavy', 'resource_intensive', 'phone_medium'));
