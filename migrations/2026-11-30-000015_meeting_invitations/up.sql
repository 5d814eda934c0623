-- Meeting invitations (sync.meeting_invitations): the note GET /meetings/{meetingId}/invitation
-- returns, fetched once for each new meeting and again only when its listing changes.
ALTER TABLE zoom.meetings
    ADD COLUMN invitation           text,
    ADD COLUMN invitation_synced_at timestamptz,
    ADD COLUMN invitation_for       text;

COMMENT ON COLUMN zoom.meetings.invitation IS 'GET /meetings/{id}/invitation when sync.meeting_invitations is on: the invitation note as Zoom words it. NULL until fetched, or when Zoom serves none for the meeting (its host may not host meetings, code 3161).';
COMMENT ON COLUMN zoom.meetings.invitation_synced_at IS 'When the invitation was last fetched (or Zoom last refused it).';
COMMENT ON COLUMN zoom.meetings.invitation_for IS 'md5 of the listed meeting (raw) the invitation was fetched for: the pass fetches again only the live meetings whose raw no longer hashes to it.';
