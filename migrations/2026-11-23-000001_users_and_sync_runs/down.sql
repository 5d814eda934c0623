DROP TABLE zoom.sync_runs;
DROP TABLE zoom.users;
DROP SCHEMA zoom;
