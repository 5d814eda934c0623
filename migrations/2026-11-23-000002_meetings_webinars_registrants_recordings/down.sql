DROP TABLE zoom.recording_files;
DROP TABLE zoom.recordings;
DROP TABLE zoom.webinar_registrants;
DROP TABLE zoom.meeting_registrants;
DROP TABLE zoom.webinars;
DROP TABLE zoom.meetings;
