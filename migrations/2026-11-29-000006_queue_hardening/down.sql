DROP VIEW zoom.write_queue_status;
DROP POLICY write_queue_own_rows ON zoom.write_queue;
ALTER TABLE zoom.write_queue DISABLE ROW LEVEL SECURITY;
DROP TRIGGER write_queue_forget_password ON zoom.write_queue;
DROP FUNCTION zoom.write_queue_forget_password();
DROP TRIGGER write_queue_add_writers ON zoom.write_queue;
DROP FUNCTION zoom.write_queue_add_writers();
DROP TRIGGER write_queue_check_insert ON zoom.write_queue;
DROP FUNCTION zoom.write_queue_check_insert();
DROP TABLE zoom.write_queue_writers;
DROP INDEX zoom.write_queue_claim_idx;
CREATE INDEX write_queue_claim_idx ON zoom.write_queue (run_after, id) WHERE status = 'pending';
-- Fails if two writers used one key: keys were unique per writer, and must be made unique first.
ALTER TABLE zoom.write_queue DROP CONSTRAINT write_queue_idempotency_key_key;
ALTER TABLE zoom.write_queue ADD CONSTRAINT write_queue_idempotency_key_key UNIQUE (idempotency_key);
COMMENT ON COLUMN zoom.write_queue.idempotency_key IS 'Optional; a second INSERT with the same key is refused (unique violation).';
ALTER TABLE zoom.write_queue DROP COLUMN created_by;
DROP TABLE zoom.write_queue_limits;

COMMENT ON TABLE zoom.write_queue IS 'Changes to make in Zoom. INSERT (action, target, payload); the daemon sets everything else. See the README, "Changing Zoom".';
