-- The write-back queue: other systems INSERT (action, target, payload); the daemon claims each
-- row, validates it, calls Zoom and records the outcome on the row. The design: short claim
-- transactions, a lease renewed by heartbeat, fenced outcomes.
CREATE TABLE zoom.write_queue (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- No CHECK on action or payload: a bad row must be accepted and then failed with a reason.
    action          text        NOT NULL,
    target          text,
    payload         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    idempotency_key text        UNIQUE,
    status          text        NOT NULL DEFAULT 'pending',
    attempts        integer     NOT NULL DEFAULT 0,
    max_attempts    integer     NOT NULL DEFAULT 8,
    run_after       timestamptz NOT NULL DEFAULT now(),
    locked_by       text,
    locked_until    timestamptz,
    call_started_at timestamptz,
    in_doubt        boolean     NOT NULL DEFAULT false,
    last_error      text,
    errors          jsonb       NOT NULL DEFAULT '[]'::jsonb,
    result          jsonb,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    CONSTRAINT write_queue_status_check
        CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
    CONSTRAINT write_queue_attempts_check
        CHECK (attempts >= 0 AND max_attempts >= 1),
    CONSTRAINT write_queue_lease_check
        CHECK ((status = 'running') = (locked_by IS NOT NULL AND locked_until IS NOT NULL)),
    CONSTRAINT write_queue_finished_check
        CHECK ((status IN ('succeeded', 'failed', 'cancelled')) = (finished_at IS NOT NULL))
);
CREATE INDEX write_queue_claim_idx ON zoom.write_queue (run_after, id) WHERE status = 'pending';
CREATE INDEX write_queue_lease_idx ON zoom.write_queue (locked_until) WHERE status = 'running';
CREATE INDEX write_queue_target_idx ON zoom.write_queue (target, id)
    WHERE status IN ('pending', 'running');

COMMENT ON TABLE zoom.write_queue IS 'Changes to make in Zoom. INSERT (action, target, payload); the daemon sets everything else. See the README, "Changing Zoom".';
COMMENT ON COLUMN zoom.write_queue.action IS 'user.create, user.update, user.delete, user.status, meeting.create, meeting.update, meeting.delete, meeting_registrant.create, meeting_registrant.status, webinar.*, webinar_registrant.*, raw.';
COMMENT ON COLUMN zoom.write_queue.target IS 'The object acted on (user id or email, meeting or webinar id); for creates, the parent; NULL for user.create. Rows with the same target run in insertion order, except creates, which run side by side.';
COMMENT ON COLUMN zoom.write_queue.payload IS 'Zoom''s own request body for the call, plus its documented query options as keys.';
COMMENT ON COLUMN zoom.write_queue.idempotency_key IS 'Optional; a second INSERT with the same key is refused (unique violation).';
COMMENT ON COLUMN zoom.write_queue.status IS 'pending → running → succeeded or failed; cancelled by an operator while pending.';
COMMENT ON COLUMN zoom.write_queue.attempts IS 'Attempts started; a daily-limit snooze does not count.';
COMMENT ON COLUMN zoom.write_queue.run_after IS 'The row is not claimed before this time (retry backoff, daily-limit reset).';
COMMENT ON COLUMN zoom.write_queue.locked_by IS 'The daemon running the row (host:pid:random), while running.';
COMMENT ON COLUMN zoom.write_queue.locked_until IS 'The lease: renewed while the daemon works; a row past it is returned to pending.';
COMMENT ON COLUMN zoom.write_queue.call_started_at IS 'Set just before the Zoom call, so an interrupted attempt is known to be in doubt.';
COMMENT ON COLUMN zoom.write_queue.in_doubt IS 'An earlier attempt may have reached Zoom: the next one first looks for its effect.';
COMMENT ON COLUMN zoom.write_queue.last_error IS 'The last failure in words, with Zoom''s HTTP status, code and message.';
COMMENT ON COLUMN zoom.write_queue.errors IS 'Every failed attempt: [{attempt, at, error}].';
COMMENT ON COLUMN zoom.write_queue.result IS 'Zoom''s answer on success (the object read back where Zoom answers 204).';
COMMENT ON COLUMN zoom.write_queue.finished_at IS 'Set exactly when the row is succeeded, failed or cancelled.';

-- Inserters are other systems writing plain SQL, so the wake-up comes from a trigger. One
-- NOTIFY per statement, delivered at commit.
CREATE FUNCTION zoom.write_queue_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('zoom_write_queue', '');
    RETURN NULL;
END $$;
CREATE TRIGGER write_queue_notify AFTER INSERT ON zoom.write_queue
    FOR EACH STATEMENT EXECUTE FUNCTION zoom.write_queue_notify();

-- Zoom's per-user daily limits, counted here so that replicas share them and restarts keep
-- them. One row per scope and UTC day.
CREATE TABLE zoom.daily_quota (
    scope text    NOT NULL,
    day   date    NOT NULL,
    used  integer NOT NULL DEFAULT 0,
    cap   integer NOT NULL,
    PRIMARY KEY (scope, day)
);
COMMENT ON TABLE zoom.daily_quota IS 'Zoom per-user daily limits spent by the write-back worker (UTC days), e.g. meeting_writes:<host id>.';
