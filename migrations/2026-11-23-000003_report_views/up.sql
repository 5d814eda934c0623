-- Views for the questions people ask of the mirror. They read only rows Zoom still has or
-- that expired (history); rows someone deleted, or whose host left, are left out.

CREATE VIEW zoom.meeting_registrant_counts AS
SELECT m.id AS meeting_id,
       m.topic,
       m.host_id,
       m.start_time,
       count(r.id) FILTER (WHERE r.status = 'approved') AS approved,
       count(r.id) FILTER (WHERE r.status = 'pending')  AS pending,
       count(r.id) FILTER (WHERE r.status = 'denied')   AS denied,
       count(r.id)                                      AS total
FROM zoom.meetings AS m
LEFT JOIN zoom.meeting_registrants AS r ON r.meeting_id = m.id AND r.deleted_at IS NULL
WHERE m.deleted_reason IS NULL OR m.deleted_reason = 'expired'
GROUP BY m.id;
COMMENT ON VIEW zoom.meeting_registrant_counts IS 'Registrants per meeting by status (meetings without registration show zeros).';

CREATE VIEW zoom.webinar_registrant_counts AS
SELECT w.id AS webinar_id,
       w.topic,
       w.host_id,
       w.start_time,
       count(r.id) FILTER (WHERE r.status = 'approved') AS approved,
       count(r.id) FILTER (WHERE r.status = 'pending')  AS pending,
       count(r.id) FILTER (WHERE r.status = 'denied')   AS denied,
       count(r.id)                                      AS total
FROM zoom.webinars AS w
LEFT JOIN zoom.webinar_registrants AS r ON r.webinar_id = w.id AND r.deleted_at IS NULL
WHERE w.deleted_reason IS NULL OR w.deleted_reason = 'expired'
GROUP BY w.id;
COMMENT ON VIEW zoom.webinar_registrant_counts IS 'Registrants per webinar by status.';

CREATE VIEW zoom.recording_storage_per_user AS
SELECT rec.host_id,
       u.email,
       count(DISTINCT rec.uuid)           AS recordings,
       count(f.id)                        AS files,
       coalesce(sum(f.file_size), 0)      AS bytes,
       pg_size_pretty(coalesce(sum(f.file_size), 0)) AS size,
       max(rec.start_time)                AS latest_recording
FROM zoom.recordings AS rec
LEFT JOIN zoom.recording_files AS f ON f.recording_uuid = rec.uuid AND f.deleted_at IS NULL
LEFT JOIN zoom.users AS u ON u.id = rec.host_id
WHERE rec.deleted_at IS NULL
GROUP BY rec.host_id, u.email;
COMMENT ON VIEW zoom.recording_storage_per_user IS 'Cloud recording storage per host, from the files Zoom still lists.';

CREATE VIEW zoom.meetings_per_user_month AS
SELECT m.host_id,
       u.email,
       date_trunc('month', m.start_time AT TIME ZONE 'UTC')::date AS month,
       count(*)                         AS meetings,
       coalesce(sum(m.duration), 0)     AS scheduled_minutes
FROM zoom.meetings AS m
LEFT JOIN zoom.users AS u ON u.id = m.host_id
WHERE (m.deleted_reason IS NULL OR m.deleted_reason = 'expired') AND m.start_time IS NOT NULL
GROUP BY m.host_id, u.email, 3;
COMMENT ON VIEW zoom.meetings_per_user_month IS 'Meetings per host per month (UTC) of their start time, expired ones included; recurring meetings count once, at their listed start.';
