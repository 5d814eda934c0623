-- Applying stored webhook events: each is claimed for a while (so a replica that dies holding one
-- gives it back), and one that fails waits before it is tried again.
ALTER TABLE zoom.webhook_events
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN outcome text
        CHECK (outcome IN ('written', 'unchanged', 'stale', 'ignored', 'unreadable')),
    ADD CONSTRAINT webhook_events_outcome_once CHECK ((applied_at IS NULL) = (outcome IS NULL));

DROP INDEX zoom.webhook_events_unapplied;
CREATE INDEX webhook_events_due ON zoom.webhook_events (next_attempt_at) WHERE applied_at IS NULL;
CREATE INDEX webhook_events_applied ON zoom.webhook_events (applied_at) WHERE applied_at IS NOT NULL;

COMMENT ON COLUMN zoom.webhook_events.next_attempt_at IS 'When it may next be tried: after a failure, the backoff; while a daemon applies it, the end of that daemon''s claim.';
COMMENT ON COLUMN zoom.webhook_events.outcome IS 'What applying it did: written (the mirror changed), unchanged (the mirror held it already), stale (the mirror''s row holds newer information, by event_ts against the row''s source_time), ignored (an event the mirror keeps nothing of), unreadable (its payload lacks what applying needs; see error). NULL until applied.';
COMMENT ON COLUMN zoom.webhook_events.applied_at IS 'When it was applied to the mirror; NULL while it waits (or keeps failing). Applied rows older than webhooks.keep_days are deleted.';
