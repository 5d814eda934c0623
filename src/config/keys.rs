//! Every configuration key, once: its dotted name, the variable that overrides it, its default,
//! whether it is a secret, the check its value must pass and one line for the docs. The keys the
//! file accepts, the environment overlay, the secret sources, the checks, `check-config`'s print
//! and the docs test all walk this table: adding a key is an entry here plus the line of
//! `validate.rs` that puts it into the model.

use Check::*;
use DefaultValue::*;

pub(super) struct Key {
    /// `section.name`, as written in the file and in errors.
    pub name: &'static str,
    /// The variable that overrides the file; for a secret, also the systemd credential's name
    /// and, with `_FILE`, the variable naming a file that holds it.
    pub env: Option<&'static str>,
    pub default: DefaultValue,
    /// Never quoted in a message nor printed by `check-config`.
    pub secret: bool,
    pub check: Check,
    /// What the key is, for the docs' table of keys (the test that checks that table is its
    /// only reader).
    #[cfg_attr(not(test), expect(dead_code))]
    pub doc: &'static str,
}

#[derive(Clone, Copy)]
pub(super) enum DefaultValue {
    Unset,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(&'static str),
}

/// What a value must satisfy beyond its type; each failure is worded in `checks.rs`.
#[derive(Clone, Copy)]
pub(super) enum Check {
    Any,
    /// A whole number in `min..=max`; `words` says the range in words.
    Range {
        min: i64,
        max: i64,
        words: &'static str,
    },
    /// A fraction in (0, 1].
    Fraction,
    /// Requests per second, above 0 and at most 1000.
    PerSecond,
    /// An ID without surrounding spaces.
    Identifier,
    /// An absolute http(s) URL.
    HttpUrl,
    /// An IP address and port.
    Listen,
    /// A six-field cron expression that fires.
    Cron,
    /// A postgres:// URL, never quoted.
    PostgresUrl,
    /// 32 bytes in base64, never quoted.
    TokenKey,
}

impl Key {
    const fn new(name: &'static str, default: DefaultValue, doc: &'static str) -> Key {
        Key {
            name,
            env: None,
            default,
            secret: false,
            check: Any,
            doc,
        }
    }

    const fn env(self, var: &'static str) -> Key {
        Key {
            env: Some(var),
            ..self
        }
    }

    const fn secret(self, var: &'static str) -> Key {
        Key {
            env: Some(var),
            secret: true,
            ..self
        }
    }

    const fn check(self, check: Check) -> Key {
        Key { check, ..self }
    }

    const fn range(self, min: i64, max: i64, words: &'static str) -> Key {
        self.check(Range { min, max, words })
    }

    /// The table, `zoom.rate_limits` for `zoom.rate_limits.heavy`.
    pub fn section(&self) -> &'static str {
        self.name
            .rsplit_once('.')
            .map_or("", |(section, _)| section)
    }

    /// The name within the table, `heavy` for `zoom.rate_limits.heavy`.
    pub fn leaf(&self) -> &'static str {
        self.name
            .rsplit_once('.')
            .map_or(self.name, |(_, leaf)| leaf)
    }
}

impl DefaultValue {
    pub fn toml(self) -> Option<toml::Value> {
        match self {
            Unset => None,
            Bool(b) => Some(toml::Value::Boolean(b)),
            Int(n) => Some(toml::Value::Integer(n)),
            Float(x) => Some(toml::Value::Float(x)),
            Text(s) => Some(toml::Value::String(s.to_owned())),
        }
    }
}

/// The key named `name`. Every name the model reads is in the table (a test reads them all), so
/// a miss is a typo in `validate.rs`.
pub(super) fn find(name: &str) -> &'static Key {
    KEYS.iter()
        .find(|key| key.name == name)
        .unwrap_or_else(|| panic!("`{name}` is not in config::keys::KEYS"))
}

const DAY: i64 = 24 * 3600;
/// Tasks at once: beyond a few hundred they only wait on the rate limiter and the pool.
const CONCURRENCY: Check = Range {
    min: 1,
    max: 256,
    words: "1 to 256 at once",
};

/// In the file's order: `check-config` prints them so, and each section's keys stay together.
pub(super) const KEYS: &[Key] = &[
    Key::new(
        "database.url",
        Unset,
        "PostgreSQL connection URL (it holds the password)",
    )
    .secret("DATABASE_URL")
    .check(PostgresUrl),
    Key::new(
        "database.max_connections",
        Int(10),
        "connections in the pool",
    )
    .range(1, 1000, "1 to 1000"),
    // Past these two a dead network holds a pass, a write-back attempt or the start-up for
    // minutes on end before anything is logged.
    Key::new(
        "database.connect_timeout_secs",
        Int(10),
        "longest wait to open one connection, in seconds",
    )
    .range(1, 300, "1 second to 5 minutes"),
    Key::new(
        "database.pool_timeout_secs",
        Int(30),
        "longest wait for a pooled connection to come free, in seconds",
    )
    .range(1, 600, "1 second to 10 minutes"),
    Key::new(
        "zoom.auth",
        Text("s2s"),
        "`s2s` (a Server-to-Server OAuth app) or `oauth` (an OAuth app a user authorizes with \
         `zoom-mirror auth login`)",
    )
    .env("ZOOM_AUTH"),
    Key::new(
        "zoom.account_id",
        Unset,
        "the Server-to-Server OAuth app's account ID (not with `oauth`)",
    )
    .env("ZOOM_ACCOUNT_ID")
    .check(Identifier),
    Key::new("zoom.client_id", Unset, "the app's client ID")
        .env("ZOOM_CLIENT_ID")
        .check(Identifier),
    Key::new("zoom.client_secret", Unset, "the app's client secret").secret("ZOOM_CLIENT_SECRET"),
    Key::new(
        "zoom.token_key",
        Unset,
        "with `oauth`: 32 bytes, base64 (`openssl rand -base64 32`), encrypting the stored tokens",
    )
    .secret("ZOOM_MIRROR_TOKEN_KEY")
    .check(TokenKey),
    Key::new(
        "zoom.api_base_url",
        Text("https://api.zoom.us/v2"),
        "base of every API call",
    )
    .env("ZOOM_API_BASE_URL")
    .check(HttpUrl),
    Key::new(
        "zoom.oauth_base_url",
        Text("https://zoom.us"),
        "base of the OAuth URLs, `{base}/oauth/token` and (with `oauth`) `/oauth/authorize`",
    )
    .env("ZOOM_OAUTH_BASE_URL")
    .check(HttpUrl),
    Key::new(
        "zoom.plan",
        Text("pro"),
        "`free`, `pro` or `business_plus`: sets Zoom's rate limits",
    )
    .env("ZOOM_PLAN"),
    Key::new(
        "zoom.rate_limit_share",
        Float(0.8),
        "fraction of the plan's limits zoom-mirror may use, all its processes together, in (0, 1]",
    )
    .env("ZOOM_RATE_LIMIT_SHARE")
    .check(Fraction),
    Key::new(
        "zoom.request_timeout_secs",
        Int(30),
        "timeout of one HTTP request to Zoom, in seconds",
    )
    .range(1, 600, "1 second to 10 minutes"),
    Key::new(
        "zoom.max_attempts",
        Int(5),
        "attempts per call for retryable failures, the first included",
    )
    .range(1, 100, "1 to 100"),
    Key::new(
        "zoom.max_retry_secs",
        Int(120),
        "longest time one call may spend waiting between retries, in seconds",
    )
    .range(0, DAY, "0 to a day"),
    Key::new(
        "zoom.rate_limits.light",
        Unset,
        "requests per second for Light calls",
    )
    .check(PerSecond),
    Key::new(
        "zoom.rate_limits.medium",
        Unset,
        "requests per second for Medium calls",
    )
    .check(PerSecond),
    Key::new(
        "zoom.rate_limits.heavy",
        Unset,
        "requests per second for Heavy calls",
    )
    .check(PerSecond),
    Key::new(
        "zoom.rate_limits.resource_intensive",
        Unset,
        "requests per second for Resource-intensive calls",
    )
    .check(PerSecond),
    Key::new(
        "zoom.rate_limits.phone_medium",
        Unset,
        "requests per second for Zoom Phone's Medium calls (a table of their own)",
    )
    .check(PerSecond),
    Key::new(
        "webhooks.secret_token",
        Unset,
        "the Zoom app's webhook secret token; without it POST /webhooks/zoom answers 404",
    )
    .secret("ZOOM_WEBHOOK_SECRET_TOKEN"),
    Key::new(
        "webhooks.previous_secret_token",
        Unset,
        "a secret token being rotated out: deliveries signed with it still pass",
    )
    .secret("ZOOM_WEBHOOK_PREVIOUS_SECRET_TOKEN"),
    // Zoom's event bodies are a few KiB; a recording with many files stays far below 1 MiB.
    Key::new(
        "webhooks.max_body_bytes",
        Int(1024 * 1024),
        "largest webhook body accepted, in bytes; a larger one is answered 413",
    )
    .range(1024, 16 * 1024 * 1024, "1 KiB to 16 MiB"),
    Key::new(
        "webhooks.keep_days",
        Int(30),
        "days an applied event stays in zoom.webhook_events before it is deleted",
    )
    .range(1, 3650, "1 to 3650"),
    Key::new(
        "http.listen",
        Text("127.0.0.1:8080"),
        "IP address and port of the listener for webhooks, /healthz, /readyz and /metrics",
    )
    .env("ZOOM_MIRROR_LISTEN")
    .check(Listen),
    Key::new(
        "sync.concurrency",
        Int(16),
        "Zoom calls a pass keeps in flight",
    )
    .check(CONCURRENCY),
    // Each entity's default schedule is hourly, spread over the hour so that passes rarely
    // compete for the same rate limit, registrants after meetings and webinars.
    Key::new("sync.users.enabled", Bool(true), "sync users"),
    Key::new(
        "sync.users.schedule",
        Text("0 0 * * * *"),
        "when, six-field cron in UTC",
    )
    .check(Cron),
    Key::new("sync.meetings.enabled", Bool(true), "sync meetings"),
    Key::new("sync.meetings.schedule", Text("0 10 * * * *"), "when").check(Cron),
    Key::new(
        "sync.meetings.details",
        Bool(false),
        "fetch each new or changed meeting's details",
    ),
    Key::new("sync.webinars.enabled", Bool(true), "sync webinars"),
    Key::new("sync.webinars.schedule", Text("0 15 * * * *"), "when").check(Cron),
    Key::new(
        "sync.webinars.details",
        Bool(false),
        "fetch each new or changed webinar's details",
    ),
    Key::new(
        "sync.meeting_registrants.enabled",
        Bool(true),
        "sync meeting registrants",
    ),
    Key::new(
        "sync.meeting_registrants.schedule",
        Text("0 20 * * * *"),
        "when",
    )
    .check(Cron),
    Key::new(
        "sync.webinar_registrants.enabled",
        Bool(true),
        "sync webinar registrants",
    ),
    Key::new(
        "sync.webinar_registrants.schedule",
        Text("0 25 * * * *"),
        "when",
    )
    .check(Cron),
    Key::new("sync.recordings.enabled", Bool(true), "sync recordings"),
    Key::new("sync.recordings.schedule", Text("0 40 * * * *"), "when").check(Cron),
    Key::new(
        "sync.recordings.backfill_days",
        Int(180),
        "days read back on the first pass and for a new user",
    )
    .range(1, 3660, "1 day to ten years"),
    Key::new(
        "sync.recordings.source",
        Text("auto"),
        "`auto`, `users` or `account`: which listing the pass reads",
    ),
    // Off by default: each needs its own scopes and a paid plan (webinars: the add-on).
    Key::new(
        "sync.meeting_participants.enabled",
        Bool(false),
        "sync who joined each ended meeting instance",
    ),
    Key::new(
        "sync.meeting_participants.schedule",
        Text("0 50 * * * *"),
        "when",
    )
    .check(Cron),
    Key::new(
        "sync.meeting_participants.settle_hours",
        Int(24),
        "hours after an instance ended from which one complete read settles it",
    )
    .range(0, 8760, "0 to 8760, a year"),
    Key::new(
        "sync.webinar_participants.enabled",
        Bool(false),
        "sync who joined each ended webinar instance",
    ),
    Key::new(
        "sync.webinar_participants.schedule",
        Text("0 55 * * * *"),
        "when",
    )
    .check(Cron),
    Key::new(
        "sync.webinar_participants.settle_hours",
        Int(24),
        "hours after an instance ended from which one complete read settles it",
    )
    .range(0, 8760, "0 to 8760, a year"),
    // Off by default: one call per new or changed meeting, for a text few systems need.
    Key::new(
        "sync.meeting_invitations.enabled",
        Bool(false),
        "sync each meeting's invitation note",
    ),
    Key::new(
        "sync.meeting_invitations.schedule",
        Text("0 35 * * * *"),
        "when",
    )
    .check(Cron),
    // Off by default: needs Zoom Phone, a phone scope and a Business or Enterprise plan.
    Key::new(
        "sync.phone_recordings.enabled",
        Bool(false),
        "sync each user's Zoom Phone call recordings",
    ),
    Key::new(
        "sync.phone_recordings.schedule",
        Text("0 45 * * * *"),
        "when",
    )
    .check(Cron),
    Key::new(
        "sync.phone_recordings.backfill_days",
        Int(180),
        "days read back on the first pass and for a new user",
    )
    .range(1, 184, "1 to 184 days: Zoom serves six months at most"),
    // Off by default: Team Chat needs its own scopes, and messages a paid plan.
    Key::new(
        "sync.chat.enabled",
        Bool(false),
        "sync Team Chat channels and messages",
    ),
    Key::new("sync.chat.schedule", Text("0 5 * * * *"), "when").check(Cron),
    Key::new(
        "sync.chat.window_days",
        Int(7),
        "days of messages every pass reads again, for edits and deletions",
    )
    .range(1, 180, "1 to 180"),
    // Zoom serves no message older than six months (400/300).
    Key::new(
        "sync.chat.backfill_days",
        Int(30),
        "days read back the first time a conversation is read",
    )
    .range(1, 180, "1 to 180: Zoom keeps six months"),
    Key::new(
        "write_back.enabled",
        Bool(true),
        "carry out the rows of `zoom.write_queue`",
    ),
    Key::new(
        "write_back.concurrency",
        Int(4),
        "rows carried out at once by this daemon",
    )
    .check(CONCURRENCY),
    Key::new(
        "write_back.allow_raw",
        Bool(false),
        "allow `raw` rows (any method and path)",
    ),
    Key::new(
        "write_back.lease_secs",
        Int(30),
        "seconds a row stays claimed without a heartbeat",
    )
    .range(1, DAY, "1 second to a day"),
    Key::new(
        "write_back.poll_interval_secs",
        Int(5),
        "seconds between looks at the queue without a notification",
    )
    .range(1, 3600, "1 second to an hour"),
    Key::new(
        "write_back.retry_base_secs",
        Int(5),
        "first wait before retrying a row, doubled each attempt",
    )
    .range(1, DAY, "1 second to a day"),
    Key::new(
        "write_back.retry_max_secs",
        Int(3600),
        "longest wait before retrying a row",
    )
    .range(1, 7 * DAY, "1 second to a week"),
    // A Zoom request body is a few KiB (a registrant status change naming 30 people is the
    // largest); past 16 MiB a row is a mistake or an attack, and each worker holds one payload.
    Key::new(
        "write_back.max_payload_bytes",
        Int(256 * 1024),
        "largest payload a row may carry, in bytes of JSON text",
    )
    .range(1024, 16 * 1024 * 1024, "1 KiB to 16 MiB"),
    // A row waiting longer than a year, holding up its target all the while, is a mistake.
    Key::new(
        "write_back.max_delay_secs",
        Int(7 * DAY),
        "how far ahead a row's `run_after` may be, in seconds",
    )
    .range(1, 366 * DAY, "1 second to 366 days"),
    Key::new(
        "service.shutdown_timeout_secs",
        Int(50),
        "seconds `run` waits for running passes after SIGTERM",
    )
    .range(1, 3600, "1 second to an hour"),
    Key::new("log.format", Text("text"), "`text` or `json`").env("ZOOM_MIRROR_LOG_FORMAT"),
];

#[cfg(test)]
mod tests;
