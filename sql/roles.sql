-- Roles for the people and systems around the mirror. Run as a superuser (or a role with
-- CREATEROLE that owns the zoom schema) after `zoom-mirror migrate`, and again after upgrades
-- that add tables:
--
--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f sql/roles.sql
--
-- zoom_reader: analysts. Reads every mirror table and view, and the queue's progress through
--   zoom.write_queue_status (no payloads, results or raw rows); changes nothing.
-- zoom_writer: other systems (HR, CRM, LMS). Reads the mirror, INSERTs into zoom.write_queue
--   (only the columns a caller sets) and reads back the rows it inserted, and no one else's
--   (row-level security on created_by). It cannot change a mirror table, nor a row's status or
--   result.
-- The daemon's own role needs none of this: it owns the tables (it runs the migrations).
-- Both are NOLOGIN groups: grant them to login roles, one per system, so that each system sees
-- only its own rows, e.g.
--   CREATE ROLE crm LOGIN PASSWORD '…' IN ROLE zoom_writer;
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'zoom_reader') THEN
        CREATE ROLE zoom_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'zoom_writer') THEN
        CREATE ROLE zoom_writer NOLOGIN;
    END IF;
END $$;

GRANT USAGE ON SCHEMA zoom TO zoom_reader, zoom_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA zoom TO zoom_reader, zoom_writer;
-- The queue's payloads hold what writers send (a new user's password among them): a reader
-- gets the status view instead, and a writer its own rows of the table.
REVOKE ALL ON zoom.write_queue, zoom.write_queue_writers FROM zoom_reader, zoom_writer;
REVOKE ALL ON zoom.write_queue_status FROM zoom_writer;
-- The OAuth tokens (encrypted, but still the keys to the Zoom account) are the daemon's alone.
REVOKE ALL ON zoom.oauth_tokens FROM zoom_reader, zoom_writer;
GRANT SELECT ON zoom.write_queue TO zoom_writer;
GRANT INSERT (action, target, payload, idempotency_key, max_attempts, run_after)
    ON zoom.write_queue TO zoom_writer;
