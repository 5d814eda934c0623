-- An instance Zoom still refuses settle_hours after its end is settled too, so that it costs no
-- call again: code 200 (the plan lacks past participants) or 3001 (no such ended instance).
-- An instance is now read once as soon as it is found, and again only once a read settles it;
-- a participant's join or leave event finds its instance too. (Both tables got their CHECK
-- under meeting_instances' names, LIKE ... INCLUDING ALL keeping them.)
ALTER TABLE zoom.meeting_instances DROP CONSTRAINT meeting_instances_settled_reason_check,
    ADD CONSTRAINT meeting_instances_settled_reason_check
        CHECK (settled_reason IN ('read', 'over_a_year', 'plan_missing', 'not_found'));
ALTER TABLE zoom.webinar_instances DROP CONSTRAINT meeting_instances_settled_reason_check,
    ADD CONSTRAINT webinar_instances_settled_reason_check
        CHECK (settled_reason IN ('read', 'over_a_year', 'plan_missing', 'not_found'));

COMMENT ON COLUMN zoom.meeting_instances.found_by IS 'instances (GET /past_meetings/{id}/instances), recording (zoom.recordings), event (meeting.ended, or a participant''s join or leave).';
COMMENT ON COLUMN zoom.meeting_instances.participants_read_at IS 'When the last complete read of its participants began. An unsettled instance is read while this is NULL, and again once a read settles it.';
COMMENT ON COLUMN zoom.meeting_instances.settled_at IS 'Set once its participants were read whole at least settle_hours after it ended (its start, or first_seen_at, when no end is known), or Zoom answered that it keeps nothing of it (over a year old), or still refused it then (plan_missing: code 200; not_found: code 3001): never read again.';
