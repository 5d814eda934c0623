-- Past instances of meetings and webinars, and who joined them. An instance is found once it
-- has ended (the past instances listing, a cloud recording, or the meeting.ended /
-- webinar.ended event), read, and read again on each pass until it is settled: read whole at
-- least sync.*_participants.settle_hours after it ended. A settled instance is never read again.
CREATE TABLE zoom.meeting_instances (
    uuid                 text PRIMARY KEY,
    meeting_id           bigint NOT NULL,
    start_time           timestamptz,
    end_time             timestamptz,
    found_by             text NOT NULL CHECK (found_by IN ('instances', 'recording', 'event')),
    participants_read_at timestamptz,
    settled_at           timestamptz,
    settled_reason       text CHECK (settled_reason IN ('read', 'over_a_year')),
    first_seen_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((settled_at IS NULL) = (settled_reason IS NULL))
);
CREATE INDEX meeting_instances_meeting_idx ON zoom.meeting_instances (meeting_id);
CREATE INDEX meeting_instances_unsettled_idx ON zoom.meeting_instances (uuid)
    WHERE settled_at IS NULL;

CREATE TABLE zoom.webinar_instances (LIKE zoom.meeting_instances INCLUDING ALL);
ALTER TABLE zoom.webinar_instances RENAME COLUMN meeting_id TO webinar_id;

COMMENT ON TABLE zoom.meeting_instances IS 'Ended instances of meetings (one per time a meeting was held), and how far their participants were read.';
COMMENT ON TABLE zoom.webinar_instances IS 'Ended instances of webinars, and how far their participants were read.';
COMMENT ON COLUMN zoom.meeting_instances.uuid IS 'The instance: every time a meeting is held it gets a new UUID.';
COMMENT ON COLUMN zoom.meeting_instances.end_time IS 'When it ended, as the meeting.ended event said, or the last leave_time of its participants; NULL until known.';
COMMENT ON COLUMN zoom.meeting_instances.found_by IS 'instances (GET /past_meetings/{id}/instances), recording (zoom.recordings), event (meeting.ended).';
COMMENT ON COLUMN zoom.meeting_instances.participants_read_at IS 'When the last complete read of its participants began.';
COMMENT ON COLUMN zoom.meeting_instances.settled_at IS 'Set once its participants were read whole at least settle_hours after it ended, or Zoom answered that it keeps nothing of it (over a year old): never read again.';

CREATE TABLE zoom.meeting_participants (
    meeting_uuid        text NOT NULL,
    user_id             text NOT NULL,
    join_time           timestamptz NOT NULL,
    meeting_id          bigint NOT NULL,
    participant_user_id text,
    name                text,
    user_email          text,
    registrant_id       text,
    leave_time          timestamptz,
    duration            integer,
    status              text,
    internal_user       boolean,
    failover            boolean,
    raw                 jsonb NOT NULL,
    first_seen_at       timestamptz NOT NULL DEFAULT now(),
    synced_at           timestamptz NOT NULL DEFAULT now(),
    deleted_at          timestamptz,
    source_time         timestamptz,
    PRIMARY KEY (meeting_uuid, user_id, join_time)
);
CREATE INDEX meeting_participants_meeting_idx ON zoom.meeting_participants (meeting_id);
CREATE INDEX meeting_participants_registrant_idx ON zoom.meeting_participants (registrant_id)
    WHERE registrant_id IS NOT NULL;
CREATE INDEX meeting_participants_email_idx ON zoom.meeting_participants (lower(user_email));

CREATE TABLE zoom.webinar_participants (LIKE zoom.meeting_participants INCLUDING ALL);
ALTER TABLE zoom.webinar_participants RENAME COLUMN meeting_uuid TO webinar_uuid;
ALTER TABLE zoom.webinar_participants RENAME COLUMN meeting_id TO webinar_id;

COMMENT ON TABLE zoom.meeting_participants IS 'Who joined each ended meeting instance, one row per join session as GET /past_meetings/{uuid}/participants lists it: a participant who left and rejoined has a row per join.';
COMMENT ON TABLE zoom.webinar_participants IS 'Who joined each ended webinar instance, one row per join session, from GET /past_webinars/{uuid}/participants.';
COMMENT ON COLUMN zoom.meeting_participants.user_id IS 'Zoom''s participant ID, valid within this meeting only (set for guests too); with meeting_uuid and join_time the key.';
COMMENT ON COLUMN zoom.meeting_participants.participant_user_id IS 'Zoom''s id: the Zoom user ID when the participant signed in, NULL for guests (Zoom leaves it blank).';
COMMENT ON COLUMN zoom.meeting_participants.registrant_id IS 'Set when the participant registered: join zoom.meeting_registrants on (meeting_id, registrant_id = id).';
COMMENT ON COLUMN zoom.meeting_participants.duration IS 'Seconds in the meeting in this join session.';
COMMENT ON COLUMN zoom.meeting_participants.status IS 'in_meeting or in_waiting_room.';
COMMENT ON COLUMN zoom.meeting_participants.internal_user IS 'Whether the participant belongs to this account.';
COMMENT ON COLUMN zoom.meeting_participants.deleted_at IS 'Set when a complete read of its instance no longer listed it.';
COMMENT ON COLUMN zoom.meeting_participants.source_time IS 'When Zoom''s data in this row was current: the time the listing page that wrote it was requested. A write carrying older information is ignored.';
