-- Hardening the write-back queue against its writers: limits checked at INSERT, rows owned by
-- the login that inserted them, claims shared fairly between writers, and no password kept
-- once a user.create row has finished.

-- The limits the insert trigger enforces. One row, written by each daemon at start from its
-- `[write_back]` settings (`max_payload_bytes`, `max_delay_secs`). A table rather than a
-- function the daemon re-creates: an UPDATE is transactional and needs no ownership, whereas
-- two replicas running CREATE OR REPLACE FUNCTION at once can fail ("tuple concurrently
-- updated"). Replicas should share these settings; if they differ, the last daemon to start
-- wins, and it logs the values it replaced.
CREATE TABLE zoom.write_queue_limits (
    singleton         boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    max_payload_bytes integer     NOT NULL CHECK (max_payload_bytes > 0),
    max_delay         interval    NOT NULL CHECK (max_delay > interval '0'),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
INSERT INTO zoom.write_queue_limits (max_payload_bytes, max_delay)
VALUES (262144, interval '7 days');
COMMENT ON TABLE zoom.write_queue_limits IS 'What an INSERT into zoom.write_queue may ask for: the payload''s size as JSON text, and how far ahead run_after may be. Set by the daemon at start from write_back.max_payload_bytes and write_back.max_delay_secs.';

-- The login that inserted the row. Writers cannot set it (their INSERT grant leaves it out), so
-- row-level security can show each writer its own rows.
ALTER TABLE zoom.write_queue ADD COLUMN created_by text NOT NULL DEFAULT current_user;
COMMENT ON COLUMN zoom.write_queue.created_by IS 'The role that inserted the row; a writer sees only its own rows.';

-- An idempotency key is the writer's own: another writer's key neither collides nor shows.
ALTER TABLE zoom.write_queue DROP CONSTRAINT write_queue_idempotency_key_key;
ALTER TABLE zoom.write_queue
    ADD CONSTRAINT write_queue_idempotency_key_key UNIQUE (created_by, idempotency_key);
COMMENT ON COLUMN zoom.write_queue.idempotency_key IS 'Optional; a second INSERT by the same role with the same key is refused (unique violation).';

-- Claims take turns between writers, each writer's rows in order.
DROP INDEX zoom.write_queue_claim_idx;
CREATE INDEX write_queue_claim_idx ON zoom.write_queue (created_by, run_after, id)
    WHERE status = 'pending';

-- Writers that ever inserted a row, and when a row of theirs was last claimed: the claim serves
-- the writer waiting longest, so one writer's backlog cannot hold up another's rows.
CREATE TABLE zoom.write_queue_writers (
    name            text PRIMARY KEY,
    last_claimed_at timestamptz
);
INSERT INTO zoom.write_queue_writers (name) SELECT DISTINCT created_by FROM zoom.write_queue;
COMMENT ON TABLE zoom.write_queue_writers IS 'Roles that inserted write-back rows, and when the daemon last claimed one of theirs (claims take turns between them).';

-- SECURITY DEFINER: a writer needs nothing but its INSERT grant. The search path is pinned so
-- that an inserting role cannot slip its own objects in.
CREATE FUNCTION zoom.write_queue_check_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    limits zoom.write_queue_limits;
    bytes  bigint;
BEGIN
    SELECT * INTO limits FROM zoom.write_queue_limits;
    -- The text the daemon reads, so the limit bounds what it holds in memory.
    bytes := octet_length(NEW.payload::text);
    IF bytes > limits.max_payload_bytes THEN
        RAISE EXCEPTION 'zoom.write_queue: the payload is % bytes as JSON text, over the limit of % bytes', bytes, limits.max_payload_bytes
            USING ERRCODE = 'check_violation',
                  HINT = 'Split the change into several rows; the limit is write_back.max_payload_bytes in the daemon''s configuration.';
    END IF;
    -- Zoom's own ids and emails are short; these bound what else a row makes the worker hold.
    IF octet_length(NEW.action) > 64 OR octet_length(NEW.target) > 256
       OR octet_length(NEW.idempotency_key) > 256 THEN
        RAISE EXCEPTION 'zoom.write_queue: action (% bytes), target (% bytes) or idempotency_key (% bytes) is over its limit (64, 256, 256 bytes)',
                octet_length(NEW.action), coalesce(octet_length(NEW.target), 0),
                coalesce(octet_length(NEW.idempotency_key), 0)
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.max_attempts > 100 THEN
        RAISE EXCEPTION 'zoom.write_queue: max_attempts is %, over the limit of 100', NEW.max_attempts
            USING ERRCODE = 'check_violation',
                  HINT = 'Leave max_attempts out for the default (8).';
    END IF;
    IF NEW.run_after > now() + limits.max_delay THEN
        RAISE EXCEPTION 'zoom.write_queue: run_after % is more than % ahead', NEW.run_after, limits.max_delay
            USING ERRCODE = 'check_violation',
                  HINT = 'A later row on the same target waits for this one; insert it nearer the time, or raise write_back.max_delay_secs in the daemon''s configuration.';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER write_queue_check_insert BEFORE INSERT ON zoom.write_queue
    FOR EACH ROW EXECUTE FUNCTION zoom.write_queue_check_insert();

CREATE FUNCTION zoom.write_queue_add_writers() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO zoom.write_queue_writers (name)
    SELECT DISTINCT created_by FROM added
    ON CONFLICT (name) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER write_queue_add_writers AFTER INSERT ON zoom.write_queue
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION zoom.write_queue_add_writers();

-- A finished user.create keeps no password: nothing needs it any more, and the row is read by
-- its writer and the operators for as long as it is kept.
CREATE FUNCTION zoom.write_queue_forget_password() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF jsonb_typeof(NEW.payload -> 'user_info') = 'object' AND NEW.payload -> 'user_info' ? 'password' THEN
        NEW.payload := jsonb_set(NEW.payload, '{user_info,password}', '"***"');
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER write_queue_forget_password BEFORE UPDATE OF status ON zoom.write_queue
    FOR EACH ROW
    WHEN (NEW.action = 'user.create' AND NEW.status IN ('succeeded', 'failed', 'cancelled'))
    EXECUTE FUNCTION zoom.write_queue_forget_password();
UPDATE zoom.write_queue
SET payload = jsonb_set(payload, '{user_info,password}', '"***"')
WHERE action = 'user.create' AND status IN ('succeeded', 'failed', 'cancelled')
  AND jsonb_typeof(payload -> 'user_info') = 'object' AND payload -> 'user_info' ? 'password';

-- Each writer sees (and inserts) only its own rows. The daemon sees all: as the tables' owner
-- (it runs the migrations) it is not subject to these policies, and a daemon role that is not
-- the owner passes by holding what only the daemon is granted, UPDATE on status.
ALTER TABLE zoom.write_queue ENABLE ROW LEVEL SECURITY;
CREATE POLICY write_queue_own_rows ON zoom.write_queue
    USING (created_by = current_user
           OR (SELECT has_column_privilege('zoom.write_queue', 'status', 'UPDATE')))
    WITH CHECK (created_by = current_user
                OR (SELECT has_column_privilege('zoom.write_queue', 'status', 'UPDATE')));

-- The queue as readers may see it: no payload, result or history, and no raw rows (they may
-- name anything), which only their writer sees. security_barrier: a reader's own function in a
-- WHERE clause cannot see rows the view filters out.
CREATE VIEW zoom.write_queue_status WITH (security_barrier) AS
SELECT id, created_by, action, target, status, attempts, max_attempts, run_after, in_doubt,
       last_error, created_at, updated_at, finished_at
FROM zoom.write_queue
WHERE action <> 'raw';
COMMENT ON VIEW zoom.write_queue_status IS 'zoom.write_queue without payloads, results and raw rows: what zoom_reader may read.';

COMMENT ON TABLE zoom.write_queue IS 'Changes to make in Zoom. INSERT (action, target, payload); the daemon sets everything else. See docs/write-back.md in the zoom-mirror repository.';
