-- The mirror lives in its own schema, so analysts and roles can be granted it as a whole.
CREATE SCHEMA IF NOT EXISTS zoom;
COMMENT ON SCHEMA zoom IS 'Mirror of a Zoom account, kept by zoom-mirror. Rows are never hard-deleted by a sync: deleted_at marks what Zoom no longer lists.';

CREATE TABLE zoom.users (
    -- Zoom lists pending users without an id, so the row needs a key of its own.
    row_id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                  text UNIQUE,
    email               text NOT NULL,
    first_name          text,
    last_name           text,
    display_name        text,
    type                integer,
    status              text,
    pmi                 bigint,
    timezone            text,
    dept                text,
    role_id             text,
    language            text,
    phone_number        text,
    verified            boolean,
    group_ids           text[] NOT NULL DEFAULT '{}',
    created_at          timestamptz,
    last_login_time     timestamptz,
    last_client_version text,
    raw                 jsonb NOT NULL,
    first_seen_at       timestamptz NOT NULL DEFAULT now(),
    synced_at           timestamptz NOT NULL DEFAULT now(),
    deleted_at          timestamptz
);
-- Pending users are found by email until Zoom gives them an id.
CREATE UNIQUE INDEX users_pending_email_key ON zoom.users (email) WHERE id IS NULL;
CREATE INDEX users_email_idx ON zoom.users (lower(email));

COMMENT ON TABLE zoom.users IS 'Zoom users of every status (active, inactive, pending), from GET /users.';
COMMENT ON COLUMN zoom.users.row_id IS 'Mirror-internal key; join on id.';
COMMENT ON COLUMN zoom.users.id IS 'Zoom user id; NULL for pending users, which Zoom lists without one.';
COMMENT ON COLUMN zoom.users.type IS '1 Basic, 2 Licensed, 4 Unassigned without Meetings Basic, 99 None.';
COMMENT ON COLUMN zoom.users.status IS 'active, inactive or pending.';
COMMENT ON COLUMN zoom.users.pmi IS 'Personal meeting ID.';
COMMENT ON COLUMN zoom.users.created_at IS 'When the user was created (Zoom''s user_created_at, else its deprecated created_at).';
COMMENT ON COLUMN zoom.users.last_login_time IS 'Zoom keeps a three-day buffer: not precise.';
COMMENT ON COLUMN zoom.users.raw IS 'The whole user object as Zoom listed it.';
COMMENT ON COLUMN zoom.users.first_seen_at IS 'When the mirror first saw this user.';
COMMENT ON COLUMN zoom.users.synced_at IS 'When the row last changed because Zoom''s data changed.';
COMMENT ON COLUMN zoom.users.deleted_at IS 'Set when a complete listing no longer had the user; cleared if it returns.';

CREATE TABLE zoom.sync_runs (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity         text NOT NULL,
    triggered_by   text NOT NULL CHECK (triggered_by IN ('schedule', 'command', 'demo')),
    host           text NOT NULL,
    started_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz,
    status         text NOT NULL DEFAULT 'running'
                   CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled', 'abandoned')),
    api_calls      bigint NOT NULL DEFAULT 0,
    rows_inserted  bigint NOT NULL DEFAULT 0,
    rows_updated   bigint NOT NULL DEFAULT 0,
    rows_unchanged bigint NOT NULL DEFAULT 0,
    rows_deleted   bigint NOT NULL DEFAULT 0,
    error          text
);
CREATE INDEX sync_runs_entity_started_idx ON zoom.sync_runs (entity, started_at DESC);

COMMENT ON TABLE zoom.sync_runs IS 'One row per sync pass of one entity.';
COMMENT ON COLUMN zoom.sync_runs.status IS 'running, succeeded, failed, cancelled (shutdown mid-pass), abandoned (its process died).';
COMMENT ON COLUMN zoom.sync_runs.api_calls IS 'Zoom API calls the pass sent, retries included.';
COMMENT ON COLUMN zoom.sync_runs.rows_unchanged IS 'Rows Zoom listed that were already up to date (not rewritten).';
COMMENT ON COLUMN zoom.sync_runs.rows_deleted IS 'Rows newly marked deleted_at after a complete listing.';
