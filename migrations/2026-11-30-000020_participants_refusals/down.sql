UPDATE zoom.meeting_instances SET settled_at = NULL, settled_reason = NULL
    WHERE settled_reason IN ('plan_missing', 'not_found');
UPDATE zoom.webinar_instances SET settled_at = NULL, settled_reason = NULL
    WHERE settled_reason IN ('plan_missing', 'not_found');
ALTER TABLE zoom.meeting_instances DROP CONSTRAINT meeting_instances_settled_reason_check,
    ADD CONSTRAINT meeting_instances_settled_reason_check
        CHECK (settled_reason IN ('read', 'over_a_year'));
ALTER TABLE zoom.webinar_instances DROP CONSTRAINT webinar_instances_settled_reason_check,
    ADD CONSTRAINT meeting_instances_settled_reason_check
        CHECK (settled_reason IN ('read', 'over_a_year'));

COMMENT ON COLUMN zoom.meeting_instances.found_by IS 'instances (GET /past_meetings/{id}/instances), recording (zoom.recordings), event (meeting.ended).';
COMMENT ON COLUMN zoom.meeting_instances.participants_read_at IS 'When the last complete read of its participants began.';
COMMENT ON COLUMN zoom.meeting_instances.settled_at IS 'Set once its participants were read whole at least settle_hours after it ended, or Zoom answered that it keeps nothing of it (over a year old): never read again.';
