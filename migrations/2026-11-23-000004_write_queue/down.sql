DROP TABLE zoom.daily_quota;
DROP TRIGGER write_queue_notify ON zoom.write_queue;
DROP FUNCTION zoom.write_queue_notify();
DROP TABLE zoom.write_queue;
