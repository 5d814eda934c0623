COMMENT ON COLUMN zoom.write_queue.errors IS 'Every failed attempt: [{attempt, at, error}].';
