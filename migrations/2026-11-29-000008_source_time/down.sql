ALTER TABLE zoom.users DROP COLUMN source_time;
ALTER TABLE zoom.meetings DROP COLUMN source_time;
ALTER TABLE zoom.webinars DROP COLUMN source_time;
ALTER TABLE zoom.meeting_registrants DROP COLUMN source_time;
ALTER TABLE zoom.webinar_registrants DROP COLUMN source_time;
ALTER TABLE zoom.recordings DROP COLUMN source_time;
ALTER TABLE zoom.recording_files DROP COLUMN source_time;
