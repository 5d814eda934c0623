ALTER TABLE zoom.sync_runs
    DROP COLUMN estimated_finish_at,
    DROP COLUMN progress_at,
    DROP COLUMN parents_total,
    DROP COLUMN parents_done;
