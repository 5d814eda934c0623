ALTER TABLE zoom.sync_runs DROP COLUMN listings_incomplete, DROP COLUMN rows_skipped, DROP COLUMN rows_repaired;
