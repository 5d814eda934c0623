-- Meetings and webinars. Both tables have one shape, so one upsert serves either.
CREATE TABLE zoom.meetings (
    id                bigint PRIMARY KEY,
    uuid              text,
    host_id           text NOT NULL,
    topic             text,
    type              integer,
    start_time        timestamptz,
    duration          integer,
    timezone          text,
    agenda            text,
    created_at        timestamptz,
    join_url          text,
    raw               jsonb NOT NULL,
    details           jsonb,
    details_synced_at timestamptz,
    has_registration  boolean,
    first_seen_at     timestamptz NOT NULL DEFAULT now(),
    synced_at         timestamptz NOT NULL DEFAULT now(),
    deleted_at        timestamptz,
    deleted_reason    text CHECK (deleted_reason IN ('deleted', 'expired', 'host_deleted')),
    CHECK ((deleted_at IS NULL) = (deleted_reason IS NULL))
);
CREATE INDEX meetings_host_idx ON zoom.meetings (host_id);
CREATE INDEX meetings_start_time_idx ON zoom.meetings (start_time);

CREATE TABLE zoom.webinars (LIKE zoom.meetings INCLUDING ALL);

COMMENT ON TABLE zoom.meetings IS 'Scheduled meetings of every user, from GET /users/{userId}/meetings (type=scheduled: upcoming, live, recurring and past meetings that Zoom has not expired).';
COMMENT ON TABLE zoom.webinars IS 'Webinars of every user with a webinar plan, from GET /users/{userId}/webinars.';
COMMENT ON COLUMN zoom.meetings.id IS 'The meeting number; a recurring meeting keeps it across occurrences.';
COMMENT ON COLUMN zoom.meetings.uuid IS 'The current instance; every occurrence gets a new one.';
COMMENT ON COLUMN zoom.meetings.type IS '1 instant, 2 scheduled, 3 recurring with no fixed time, 4 personal meeting ID, 8 recurring with a fixed time.';
COMMENT ON COLUMN zoom.meetings.agenda IS 'The listing cuts it to 250 characters; whole when details are fetched.';
COMMENT ON COLUMN zoom.meetings.raw IS 'The meeting as the listing shows it (no settings).';
COMMENT ON COLUMN zoom.meetings.details IS 'GET /meetings/{id} (settings, occurrences, recurrence) when sync.meetings.details is on; fetched again when the listed meeting changes.';
COMMENT ON COLUMN zoom.meetings.has_registration IS 'Whether registration is on, as last learnt from the details or the registrants listing; NULL until known.';
COMMENT ON COLUMN zoom.meetings.deleted_at IS 'Set when a complete listing of the host no longer had the meeting; cleared if it returns.';
COMMENT ON COLUMN zoom.meetings.deleted_reason IS 'deleted (by a person), expired (Zoom dropped it after its lifetime: history, not a deletion), host_deleted (its host is gone).';
COMMENT ON COLUMN zoom.webinars.type IS '5 webinar, 6 recurring with no fixed time, 9 recurring with a fixed time.';
COMMENT ON COLUMN zoom.webinars.details IS 'GET /webinars/{id} (settings, occurrences) when sync.webinars.details is on; fetched again when the listed webinar changes.';
COMMENT ON COLUMN zoom.webinars.deleted_reason IS 'deleted, expired (Zoom drops webinars 90 days after they end: history, not a deletion), host_deleted.';

-- Registrants of every status, keyed within their meeting or webinar.
CREATE TABLE zoom.meeting_registrants (
    meeting_id    bigint NOT NULL,
    id            text NOT NULL,
    email         text NOT NULL,
    first_name    text,
    last_name     text,
    status        text,
    create_time   timestamptz,
    join_url      text,
    raw           jsonb NOT NULL,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    synced_at     timestamptz NOT NULL DEFAULT now(),
    deleted_at    timestamptz,
    PRIMARY KEY (meeting_id, id)
);
CREATE INDEX meeting_registrants_email_idx ON zoom.meeting_registrants (lower(email));

CREATE TABLE zoom.webinar_registrants (LIKE zoom.meeting_registrants INCLUDING ALL);
ALTER TABLE zoom.webinar_registrants RENAME COLUMN meeting_id TO webinar_id;

COMMENT ON TABLE zoom.meeting_registrants IS 'Registrants (approved, pending, denied) of meetings with registration on.';
COMMENT ON TABLE zoom.webinar_registrants IS 'Registrants (approved, pending, denied) of webinars with registration on.';
COMMENT ON COLUMN zoom.meeting_registrants.status IS 'approved, pending or denied.';
COMMENT ON COLUMN zoom.meeting_registrants.deleted_at IS 'Set when a complete listing of the meeting no longer had the registrant, or the meeting was deleted. Registrants of expired meetings are kept as they were.';

-- Cloud recordings: one row per meeting instance, and its files.
CREATE TABLE zoom.recordings (
    uuid            text PRIMARY KEY,
    meeting_id      bigint,
    host_id         text NOT NULL,
    topic           text,
    type            integer,
    start_time      timestamptz,
    duration        integer,
    total_size      bigint,
    recording_count integer,
    raw             jsonb NOT NULL,
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    synced_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz
);
CREATE INDEX recordings_host_start_idx ON zoom.recordings (host_id, start_time);
CREATE INDEX recordings_meeting_idx ON zoom.recordings (meeting_id);

CREATE TABLE zoom.recording_files (
    id              text PRIMARY KEY,
    recording_uuid  text NOT NULL REFERENCES zoom.recordings (uuid),
    file_type       text,
    file_extension  text,
    file_size       bigint,
    recording_type  text,
    status          text,
    recording_start timestamptz,
    recording_end   timestamptz,
    raw             jsonb NOT NULL,
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    synced_at       timestamptz NOT NULL DEFAULT now(),
    deleted_at      timestamptz
);
CREATE INDEX recording_files_recording_idx ON zoom.recording_files (recording_uuid);

COMMENT ON TABLE zoom.recordings IS 'Cloud recordings, one row per meeting instance, from GET /users/{userId}/recordings (or the account listing) in windows of at most a month.';
COMMENT ON COLUMN zoom.recordings.uuid IS 'The meeting instance recorded.';
COMMENT ON COLUMN zoom.recordings.meeting_id IS 'The meeting number; join zoom.meetings on it.';
COMMENT ON COLUMN zoom.recordings.type IS 'The meeting type (Zoom sends it as a string here).';
COMMENT ON COLUMN zoom.recordings.total_size IS 'Bytes, all files.';
COMMENT ON COLUMN zoom.recordings.deleted_at IS 'Set when a complete listing of its host and day no longer had it (trashed or deleted).';
COMMENT ON TABLE zoom.recording_files IS 'The files of each recording (video, audio, chat, transcript …).';
COMMENT ON COLUMN zoom.recording_files.file_size IS 'Bytes; 0 while the recording is still processing.';
COMMENT ON COLUMN zoom.recording_files.deleted_at IS 'Set when its recording was listed without it, or the recording was deleted.';
