DROP VIEW zoom.meetings_per_user_month;
DROP VIEW zoom.recording_storage_per_user;
DROP VIEW zoom.webinar_registrant_counts;
DROP VIEW zoom.meeting_registrant_counts;
