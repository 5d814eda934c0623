-- What a pass could not trust: objects it skipped, and listings that held fewer objects than
-- Zoom announced (their parents' deletions wait for a later pass).
ALTER TABLE zoom.sync_runs
    ADD COLUMN rows_skipped        bigint NOT NULL DEFAULT 0,
    ADD COLUMN listings_incomplete bigint NOT NULL DEFAULT 0;

COMMENT ON COLUMN zoom.sync_runs.rows_skipped IS 'Objects Zoom listed that the mirror could not store (no id or email); their parents decide no deletions.';
COMMENT ON COLUMN zoom.sync_runs.listings_incomplete IS 'Listings that held fewer distinct objects than the total_records Zoom announced; their parents decide no deletions this pass.';
