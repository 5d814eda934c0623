DROP TABLE zoom.oauth_tokens;
