-- The tokens of an OAuth app a user authorized (zoom.auth = "oauth", `zoom-mirror auth login`).
-- One row: the mirror has one authorization. Both tokens are encrypted with AES-256-GCM under
-- ZOOM_MIRROR_TOKEN_KEY, so a dump of the database does not hand out access to the Zoom account;
-- and sql/roles.sql grants the reader and writer roles nothing on this table.
CREATE TABLE zoom.oauth_tokens (
    id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    client_id text NOT NULL,
    user_id text,
    user_email text,
    scope text NOT NULL,
    access_token bytea NOT NULL,
    access_expires_at timestamptz NOT NULL,
    refresh_token bytea NOT NULL,
    authorized_at timestamptz NOT NULL DEFAULT now(),
    refreshed_at timestamptz NOT NULL DEFAULT now()
);

REVOKE ALL ON zoom.oauth_tokens FROM PUBLIC;

COMMENT ON TABLE zoom.oauth_tokens IS 'The OAuth authorization zoom-mirror calls Zoom with when zoom.auth = "oauth": written by `zoom-mirror auth login`, refreshed by the daemon, deleted by `auth logout`. Readable only by the daemon''s role.';
COMMENT ON COLUMN zoom.oauth_tokens.client_id IS 'The OAuth app the authorization was given to.';
COMMENT ON COLUMN zoom.oauth_tokens.user_id IS 'The Zoom user who authorized the app (GET /users/me at login).';
COMMENT ON COLUMN zoom.oauth_tokens.user_email IS 'That user''s email.';
COMMENT ON COLUMN zoom.oauth_tokens.scope IS 'The scopes granted, space-separated as Zoom sends them.';
COMMENT ON COLUMN zoom.oauth_tokens.access_token IS 'The current access token: 12-byte nonce, then AES-256-GCM ciphertext and tag, under ZOOM_MIRROR_TOKEN_KEY.';
COMMENT ON COLUMN zoom.oauth_tokens.access_expires_at IS 'When the access token stops working; replicas share it until shortly before.';
COMMENT ON COLUMN zoom.oauth_tokens.refresh_token IS 'The current refresh token, encrypted like access_token. Zoom rotates it on every refresh and refuses the previous one.';
COMMENT ON COLUMN zoom.oauth_tokens.authorized_at IS 'When `auth login` stored the authorization.';
COMMENT ON COLUMN zoom.oauth_tokens.refreshed_at IS 'When the tokens were last replaced.';
