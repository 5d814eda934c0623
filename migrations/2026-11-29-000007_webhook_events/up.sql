-- Zoom's webhook deliveries, each kept before it is answered 200: once stored, Zoom may stop
-- delivering it, so nothing answered 200 can be lost. A redelivery (the same event, time and
-- object) is the same row.
CREATE TABLE zoom.webhook_events (
    id          bigserial PRIMARY KEY,
    event       text        NOT NULL,
    event_ts    timestamptz NOT NULL,
    object_key  text        NOT NULL,
    payload     jsonb       NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    applied_at  timestamptz,
    error       text,
    attempts    integer     NOT NULL DEFAULT 0,
    CONSTRAINT webhook_events_once UNIQUE (event, event_ts, object_key)
);

CREATE INDEX webhook_events_unapplied ON zoom.webhook_events (id) WHERE applied_at IS NULL;

COMMENT ON TABLE zoom.webhook_events IS 'Zoom webhook deliveries that passed the signature check, one row per event however often Zoom delivered it. See docs/tables.md.';
COMMENT ON COLUMN zoom.webhook_events.event IS 'Zoom''s event name, e.g. user.updated or meeting.registration_created.';
COMMENT ON COLUMN zoom.webhook_events.event_ts IS 'When the event happened, by Zoom (its event_ts, in milliseconds).';
COMMENT ON COLUMN zoom.webhook_events.object_key IS 'SHA-256 of the payload''s object as JSON: with event and event_ts, what makes a redelivery the same row.';
COMMENT ON COLUMN zoom.webhook_events.payload IS 'The whole delivery as Zoom sent it: event, event_ts and payload.';
COMMENT ON COLUMN zoom.webhook_events.received_at IS 'When the first delivery of it arrived.';
COMMENT ON COLUMN zoom.webhook_events.applied_at IS 'When it was applied to the mirror; NULL while it waits (or keeps failing).';
COMMENT ON COLUMN zoom.webhook_events.error IS 'Why the last attempt to apply it failed.';
COMMENT ON COLUMN zoom.webhook_events.attempts IS 'Attempts to apply it so far.';
