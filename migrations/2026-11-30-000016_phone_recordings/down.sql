DELETE FROM zoom.rate_budget WHERE label = 'phone_medium';
ALTER TABLE zoom.rate_budget DROP CONSTRAINT rate_budget_label_check;
ALTER TABLE zoom.rate_budget ADD CONSTRAINT rate_budget_label_check
    CHECK (label IN ('light', 'medium', 'heavy', 'resource_intensive'));
DROP TABLE zoom.phone_recordings;
