DROP INDEX zoom.webhook_events_applied;
DROP INDEX zoom.webhook_events_due;
CREATE INDEX webhook_events_unapplied ON zoom.webhook_events (id) WHERE applied_at IS NULL;
ALTER TABLE zoom.webhook_events
    DROP CONSTRAINT webhook_events_outcome_once,
    DROP COLUMN outcome,
    DROP COLUMN next_attempt_at;
COMMENT ON COLUMN zoom.webhook_events.applied_at IS 'When it was applied to the mirror; NULL while it waits (or keeps failing).';
