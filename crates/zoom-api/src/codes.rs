//! The codes of Zoom's `{"code", "message"}` error answers that zoom-mirror acts on
//! (<https://developers.zoom.us/docs/api/errors/> and each operation's list of errors). Some
//! codes mean several things, and the message then decides; each constant says so.

/// The access token is invalid or expired (401, sometimes 400): fetch a new one.
pub const INVALID_ACCESS_TOKEN: i64 = 124;
/// The access token lacks a scope the endpoint needs (400 or 401).
pub const MISSING_SCOPE: i64 = 4711;
/// The app lacks a scope (the older form of [`MISSING_SCOPE`]).
pub const INVALID_SCOPE: i64 = 4700;
/// 400: an invalid parameter. Also "the next page token is invalid or expired", "meeting … is
/// not found or has expired" (registrant listings) and "has not set registration as required":
/// the message tells them apart.
pub const INVALID_PARAMETER: i64 = 300;
/// 200: not allowed on this account or plan, e.g. "Webinar plan subscription is missing" or an
/// account recordings listing without a master-account plan.
pub const NOT_ALLOWED: i64 = 200;
/// 404: the user does not exist.
pub const USER_NOT_FOUND: i64 = 1001;
/// 404: the meeting or webinar does not exist, was deleted, or expired.
pub const MEETING_NOT_FOUND: i64 = 3001;
/// 400: "Meeting hosting and scheduling capabilities are not allowed for your user account":
/// the meeting's host may not host (no Meetings licence).
pub const HOSTING_NOT_ALLOWED: i64 = 3161;
/// 404 as a code: "Registration has not been enabled for this meeting".
pub const REGISTRATION_NOT_ENABLED: i64 = 404;
/// A past meeting held more than a year ago: its instance is no longer served.
pub const PAST_MEETING_OVER_A_YEAR: i64 = 12702;
/// 403 "Zoom Phone has not been enabled for this account." (the Phone API's answer when the
/// account has no Phone). The Phone reference gives the message but no code; Zoom's developer
/// forum names 2031 for it. Some clients report 124, which Zoom documents as an invalid access
/// token and the client answers by fetching a new one, so 124 cannot mean "no Phone" here.
pub const PHONE_NOT_ENABLED: i64 = 2031;
/// 404: "Channel does not exist" (Team Chat: a channel gone, or one the user is not in).
pub const CHANNEL_NOT_FOUND: i64 = 4130;
