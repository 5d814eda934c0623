-- What a pass could not take as Zoom sent it: text it repaired, objects it skipped, and
-- listings that held fewer objects than Zoom announced (their parents' deletions wait).
ALTER TABLE zoom.sync_runs
    ADD COLUMN rows_repaired       bigint NOT NULL DEFAULT 0,
    ADD COLUMN rows_skipped        bigint NOT NULL DEFAULT 0,
    ADD COLUMN listings_incomplete bigint NOT NULL DEFAULT 0;

COMMENT ON COLUMN zoom.sync_runs.rows_repaired IS 'Strings Zoom sent with U+0000 (which PostgreSQL cannot store), stored with U+FFFD instead.';
COMMENT ON COLUMN zoom.sync_runs.rows_skipped IS 'Objects Zoom listed that the mirror could not store (no id or email, or refused by PostgreSQL); their parents decide no deletions.';
COMMENT ON COLUMN zoom.sync_runs.listings_incomplete IS 'Listings that held fewer distinct objects than the total_records Zoom announced; their parents decide no deletions this pass.';
