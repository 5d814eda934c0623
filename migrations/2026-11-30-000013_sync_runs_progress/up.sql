-- A running pass's progress, written every few seconds while it runs and once more when it ends,
-- so that `zoom-mirror status` (and an analyst) can see how far a long pass has come.
ALTER TABLE zoom.sync_runs
    ADD COLUMN parents_done        bigint,
    ADD COLUMN parents_total       bigint,
    ADD COLUMN progress_at         timestamptz,
    ADD COLUMN estimated_finish_at timestamptz;

COMMENT ON COLUMN zoom.sync_runs.parents_done IS 'Parents (hosts for meetings, webinars and recordings; meetings or webinars for registrants; the account for an account-wide recordings listing) whose listings the pass has finished; NULL for users, which have no parents.';
COMMENT ON COLUMN zoom.sync_runs.parents_total IS 'Parents the pass walks, counted in the mirror when its walk began; NULL where there are none (users).';
COMMENT ON COLUMN zoom.sync_runs.progress_at IS 'When the progress figures (parents, api_calls, rows_*) were last written: every few seconds while the pass runs, and at its end. A running pass whose progress_at stops moving has stalled or its process died.';
COMMENT ON COLUMN zoom.sync_runs.estimated_finish_at IS 'While the pass runs: when it should end, estimated at progress_at from the parents left, the calls per parent so far and the client''s rate limits. An estimate; NULL when unknown and once the pass ended.';
