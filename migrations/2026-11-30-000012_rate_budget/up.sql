-- Zoom's rate limits belong to the account, not to a process: every replica (`run`, `sync`, the
-- write-back worker) draws its calls from one schedule per label, kept here.
CREATE TABLE zoom.rate_budget (
    label      text             PRIMARY KEY
        CHECK (label IN ('light', 'medium', 'heavy', 'resource_intensive')),
    next_free  timestamptz      NOT NULL,
    per_second double precision NOT NULL CHECK (per_second > 0)
);
COMMENT ON TABLE zoom.rate_budget IS 'The account-wide schedule of Zoom calls per rate-limit label, shared by every zoom-mirror process: each reserves a slice of calls by moving next_free forward.';
COMMENT ON COLUMN zoom.rate_budget.next_free IS 'When the account''s next call under this label may go (by the server''s clock): a slice of k calls reserved now starts at greatest(next_free, now()) and moves next_free k / per_second later. A per-second 429 moves it past Zoom''s wait.';
COMMENT ON COLUMN zoom.rate_budget.per_second IS 'The account-wide pace of the last reservation, in calls per second: the plan''s limit times zoom.rate_limit_share, or zoom.rate_limits.<label>.';
