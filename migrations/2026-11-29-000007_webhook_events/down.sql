DROP TABLE zoom.webhook_events;
