DROP TABLE zoom.webinar_participants;
DROP TABLE zoom.meeting_participants;
DROP TABLE zoom.webinar_instances;
DROP TABLE zoom.meeting_instances;
