//! The TOML file as written. Every key is optional and has its default here; unknown keys are
//! refused so that a typo fails `check-config` instead of silently keeping a default.

use std::fs;
use std::path::Path;

use secrecy::SecretString;
use serde::Deserialize;

use super::error::{ConfigError, ConfigErrors};
use super::secrets;

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct FileConfig {
    /// `[database]`: the PostgreSQL database holding the mirror.
    pub database: DatabaseFile,
    /// `[zoom]`: the Zoom account, its app credentials and how hard to call its API.
    pub zoom: ZoomFile,
    /// `[webhooks]`: verification of Zoom's event notifications.
    pub webhooks: WebhooksFile,
    /// `[http]`: the listener for webhooks, health and metrics.
    pub http: HttpFile,
    /// `[sync]`: one table per entity, each with its schedule.
    pub sync: SyncFile,
    /// `[write_back]`: the worker that carries out rows of `zoom.write_queue`.
    pub write_back: WriteBackFile,
    /// `[service]`: how the daemon behaves under its service manager.
    pub service: ServiceFile,
    /// `[log]`: log output.
    pub log: LogFile,
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct DatabaseFile {
    /// Postgres connection URL, a secret (it holds the password). `DATABASE_URL` overrides it.
    pub url: Option<SecretString>,
    /// Size of the connection pool.
    pub max_connections: usize,
    /// Longest wait to open one connection, in seconds.
    pub connect_timeout_secs: u64,
    /// Longest wait for a pooled connection to come free, in seconds.
    pub pool_timeout_secs: u64,
}

impl Default for DatabaseFile {
    fn default() -> Self {
        DatabaseFile {
            url: None,
            max_connections: 10,
            connect_timeout_secs: 10,
            pool_timeout_secs: 30,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct ZoomFile {
    /// The Server-to-Server OAuth app's account ID. `ZOOM_ACCOUNT_ID` overrides it.
    pub account_id: Option<String>,
    /// The app's client ID. `ZOOM_CLIENT_ID` overrides it.
    pub client_id: Option<String>,
    /// The app's client secret. `ZOOM_CLIENT_SECRET` overrides it.
    pub client_secret: Option<SecretString>,
    /// Base of every API call. `ZOOM_API_BASE_URL` overrides it.
    pub api_base_url: String,
    /// Base of the OAuth token URL, `{base}/oauth/token`. `ZOOM_OAUTH_BASE_URL` overrides it.
    pub oauth_base_url: String,
    /// The account's plan, which sets Zoom's rate limits. `ZOOM_PLAN` overrides it.
    pub plan: String,
    /// Fraction of the plan's limits this daemon may use. `ZOOM_RATE_LIMIT_SHARE` overrides it.
    pub rate_limit_share: f64,
    /// Timeout of one HTTP request, in seconds.
    pub request_timeout_secs: u64,
    /// Attempts per call for retryable failures, the first included.
    pub max_attempts: u32,
    /// Upper bound on the time one call may wait between retries, in seconds.
    pub max_retry_secs: u64,
    /// `[zoom.rate_limits]`: per-label overrides of plan × share.
    pub rate_limits: RateLimitsFile,
}

impl Default for ZoomFile {
    fn default() -> Self {
        ZoomFile {
            account_id: None,
            client_id: None,
            client_secret: None,
            api_base_url: "https://api.zoom.us/v2".into(),
            oauth_base_url: "https://zoom.us".into(),
            plan: "pro".into(),
            rate_limit_share: 0.8,
            request_timeout_secs: 30,
            max_attempts: 5,
            max_retry_secs: 120,
            rate_limits: RateLimitsFile::default(),
        }
    }
}

/// Requests per second per Zoom rate-limit label, replacing plan × share for that label.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RateLimitsFile {
    /// Requests per second for Light calls.
    pub light: Option<f64>,
    /// Requests per second for Medium calls.
    pub medium: Option<f64>,
    /// Requests per second for Heavy calls.
    pub heavy: Option<f64>,
    /// Requests per second for Resource-intensive calls.
    pub resource_intensive: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct WebhooksFile {
    /// The webhook secret token of the Zoom app. `ZOOM_WEBHOOK_SECRET_TOKEN` overrides it.
    pub secret_token: Option<SecretString>,
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct HttpFile {
    /// IP address and port of the listener. `ZOOM_MIRROR_LISTEN` overrides it.
    pub listen: String,
}

impl Default for HttpFile {
    fn default() -> Self {
        HttpFile {
            listen: "127.0.0.1:8080".into(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct SyncFile {
    /// Zoom calls a pass keeps in flight; the rate limiters pace them.
    pub concurrency: usize,
    /// `[sync.users]` … one table per entity.
    pub users: JobFile,
    pub meetings: SessionsJobFile,
    pub webinars: SessionsJobFile,
    pub meeting_registrants: JobFile,
    pub webinar_registrants: JobFile,
    pub recordings: RecordingsJobFile,
}

impl Default for SyncFile {
    fn default() -> Self {
        SyncFile {
            concurrency: 16,
            users: JobFile::default(),
            meetings: SessionsJobFile::default(),
            webinars: SessionsJobFile::default(),
            meeting_registrants: JobFile::default(),
            webinar_registrants: JobFile::default(),
            recordings: RecordingsJobFile::default(),
        }
    }
}

/// Each entity's default schedule: hourly, spread over the hour so that passes rarely compete
/// for the same rate limit, registrants after meetings and webinars.
pub(super) const DEFAULT_SCHEDULES: [(&str, &str); 6] = [
    ("users", "0 0 * * * *"),
    ("meetings", "0 10 * * * *"),
    ("webinars", "0 15 * * * *"),
    ("meeting_registrants", "0 20 * * * *"),
    ("webinar_registrants", "0 25 * * * *"),
    ("recordings", "0 40 * * * *"),
];

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct JobFile {
    /// Whether `run` schedules this sync and `sync` without arguments includes it.
    pub enabled: bool,
    /// Six-field cron expression, seconds first, evaluated in UTC; `None`: the entity's default.
    pub schedule: Option<String>,
}

impl Default for JobFile {
    fn default() -> Self {
        JobFile {
            enabled: true,
            schedule: None,
        }
    }
}

/// `[sync.meetings]` and `[sync.webinars]`.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct SessionsJobFile {
    pub enabled: bool,
    pub schedule: Option<String>,
    /// Fetch each new or changed meeting's details (settings, whole agenda): a Light call each.
    pub details: bool,
}

impl Default for SessionsJobFile {
    fn default() -> Self {
        SessionsJobFile {
            enabled: true,
            schedule: None,
            details: false,
        }
    }
}

/// `[sync.recordings]`.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct RecordingsJobFile {
    pub enabled: bool,
    pub schedule: Option<String>,
    /// Days read back on the first pass, and for a user the mirror has just met.
    pub backfill_days: u32,
    /// `users` (one listing per user, every plan) or `account` (one for all, where allowed).
    pub source: String,
}

impl Default for RecordingsJobFile {
    fn default() -> Self {
        RecordingsJobFile {
            enabled: true,
            schedule: None,
            backfill_days: 180,
            source: "auto".into(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct WriteBackFile {
    /// Whether `run` carries out queued writes.
    pub enabled: bool,
    /// Rows carried out at once by this daemon; the rate limiters pace their calls.
    pub concurrency: usize,
    /// Whether `raw` rows (any method and path) are allowed.
    pub allow_raw: bool,
    /// Seconds a claimed row stays this daemon's without a heartbeat; a row whose daemon died
    /// is carried out again after it.
    pub lease_secs: u64,
    /// Seconds between looks at the queue when no notification came (missed NOTIFY, retries
    /// coming due).
    pub poll_interval_secs: u64,
    /// Waits before retrying a row: the first, doubled after each attempt, up to the cap.
    pub retry_base_secs: u64,
    pub retry_max_secs: u64,
    /// The largest payload a row may carry, in bytes of JSON text; checked at INSERT.
    pub max_payload_bytes: u64,
    /// How far ahead `run_after` may be, checked at INSERT: a later row on the same target
    /// waits for it. Whole seconds, like every other duration in the file, which has no
    /// duration syntax.
    pub max_delay_secs: u64,
}

impl Default for WriteBackFile {
    fn default() -> Self {
        WriteBackFile {
            enabled: true,
            concurrency: 4,
            allow_raw: false,
            lease_secs: 30,
            poll_interval_secs: 5,
            retry_base_secs: 5,
            retry_max_secs: 3600,
            max_payload_bytes: 256 * 1024,
            max_delay_secs: 7 * 24 * 3600,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct ServiceFile {
    /// Seconds `run` waits for running passes after SIGTERM; keep it below the unit's
    /// TimeoutStopSec so that systemd never has to kill the daemon.
    pub shutdown_timeout_secs: u64,
}

impl Default for ServiceFile {
    fn default() -> Self {
        ServiceFile {
            shutdown_timeout_secs: 50,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(super) struct LogFile {
    /// `text` or `json`. `ZOOM_MIRROR_LOG_FORMAT` overrides it.
    pub format: String,
}

impl Default for LogFile {
    fn default() -> Self {
        LogFile {
            format: "text".into(),
        }
    }
}

impl FileConfig {
    /// Reads and parses `path`; `what` says who named it, for the error.
    pub fn read(path: &Path, what: &str) -> Result<FileConfig, ConfigErrors> {
        let text = fs::read_to_string(path).map_err(|source| ConfigError::Read {
            what: what.to_owned(),
            path: path.to_owned(),
            source,
        })?;
        FileConfig::parse(&text, path)
    }

    /// Every unknown key is named, not only the first: serde stops at the first, so each one
    /// it names is taken out of the document and the rest read again.
    fn parse(text: &str, path: &Path) -> Result<FileConfig, ConfigErrors> {
        let mut document: toml::Table = text.parse().map_err(|error: toml::de::Error| {
            let (line, column) = position(text, error.span().map_or(0, |span| span.start));
            // Only the message: toml's Display quotes the offending line, which may hold a secret.
            ConfigError::Syntax {
                file: path.to_owned(),
                line,
                column,
                reason: error.message().to_owned(),
            }
        })?;
        let mut errors = Vec::new();
        loop {
            let error = match serde_path_to_error::deserialize(toml::Value::Table(document.clone()))
            {
                Ok(file) if errors.is_empty() => return Ok(file),
                Ok(_) => return Err(ConfigErrors(errors)),
                Err(error) => error,
            };
            let key = error.path().to_string();
            let reason = error.into_inner().message().to_owned();
            // serde words every refused key this way (`de::Error::unknown_field`).
            if let Some(expected) = reason.strip_prefix("unknown field ")
                && remove(&mut document, &key)
            {
                let expected = expected.split_once(", ").map_or("", |(_, rest)| rest);
                errors.push(ConfigError::Unknown {
                    key,
                    file: path.to_owned(),
                    expected: expected.to_owned(),
                });
                continue;
            }
            // serde quotes the offending value, and a mistyped secret is still a secret.
            let reason = if secrets::is_secret_key(&key) {
                "must be a string".to_owned()
            } else {
                reason
            };
            errors.push(ConfigError::Malformed {
                key,
                file: path.to_owned(),
                reason,
            });
            return Err(ConfigErrors(errors));
        }
    }
}

/// Takes the dotted `key` out of `document`; whether it was there.
fn remove(document: &mut toml::Table, key: &str) -> bool {
    let mut table = document;
    let mut parts = key.split('.').peekable();
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            return table.remove(part).is_some();
        }
        match table.get_mut(part) {
            Some(toml::Value::Table(inner)) => table = inner,
            _ => return false,
        }
    }
    false
}

/// 1-based line and column of byte `offset` in `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use secrecy::ExposeSecret;

    use super::FileConfig;
    use crate::config::ConfigError;

    /// The file, or its one error.
    fn parse(text: &str) -> Result<FileConfig, ConfigError> {
        FileConfig::parse(text, Path::new("test.toml")).map_err(|mut errors| {
            assert_eq!(errors.0.len(), 1, "{errors}");
            errors.0.remove(0)
        })
    }

    #[test]
    fn an_empty_file_is_all_defaults() {
        let file = parse("").unwrap();
        assert_eq!(file.zoom.plan, "pro");
        assert_eq!(file.database.max_connections, 10);
        assert_eq!(file.sync.users.schedule, None);
        assert!(file.sync.users.enabled);
    }

    #[test]
    fn an_unknown_key_is_named_with_its_dotted_path_and_the_file() {
        let error = parse("[sync.users]\nschedul = \"0 0 * * * *\"\n").unwrap_err();
        let ConfigError::Unknown { key, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(key, "sync.users.schedul");
        let message = error.to_string();
        assert!(
            message.starts_with("test.toml: unknown key `sync.users.schedul`"),
            "{message}"
        );
        assert!(message.contains("`schedule`"), "{message}");
    }

    #[test]
    fn every_unknown_key_is_named() {
        let text = "[databse]\nurl = \"x\"\n[sync.users]\nschedul = \"0 0 * * * *\"\n\
                    [write_back]\nlease = 5\nconcurrency = 2\n";
        let errors = FileConfig::parse(text, Path::new("test.toml")).unwrap_err();
        let keys: Vec<&str> = errors
            .0
            .iter()
            .map(|e| match e {
                ConfigError::Unknown { key, .. } => key.as_str(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(keys, ["databse", "sync.users.schedul", "write_back.lease"]);
        assert!(
            errors
                .to_string()
                .starts_with("the configuration has 3 problems:")
        );
    }

    #[test]
    fn unknown_keys_and_a_mistyped_value_are_all_named() {
        let text = "[database]\nmax_conections = 3\nmax_connections = \"ten\"\n";
        let errors = FileConfig::parse(text, Path::new("test.toml")).unwrap_err();
        assert_eq!(errors.0.len(), 2, "{errors}");
        assert!(
            matches!(&errors.0[1], ConfigError::Malformed { key, .. } if key == "database.max_connections")
        );
    }

    #[test]
    fn an_unknown_section_is_named() {
        let error = parse("[databse]\nurl = \"x\"\n").unwrap_err();
        assert!(
            matches!(&error, ConfigError::Unknown { key, .. } if key == "databse"),
            "{error:?}"
        );
    }

    #[test]
    fn a_mistyped_value_is_named() {
        let error = parse("[database]\nmax_connections = \"ten\"\n").unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("test.toml: database.max_connections: invalid type"),
            "{message}"
        );
    }

    #[test]
    fn a_mistyped_secret_is_not_echoed() {
        let error = parse("[zoom]\nclient_secret = 981273645\n").unwrap_err();
        let message = error.to_string();
        assert_eq!(message, "test.toml: zoom.client_secret: must be a string");
    }

    #[test]
    fn a_syntax_error_gives_the_position_but_not_the_line() {
        let error = parse("[zoom]\nclient_secret = hunter2\n").unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("test.toml:2:17: "), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn integers_are_accepted_where_fractions_are_expected() {
        let file = parse("[zoom]\nrate_limit_share = 1\n[zoom.rate_limits]\nheavy = 5\n").unwrap();
        assert_eq!(file.zoom.rate_limit_share, 1.0);
        assert_eq!(file.zoom.rate_limits.heavy, Some(5.0));
    }

    #[test]
    fn secrets_parse_into_secret_strings() {
        let file = parse("[webhooks]\nsecret_token = \"tok\"\n").unwrap();
        let token = file.webhooks.secret_token.unwrap();
        assert_eq!(token.expose_secret(), "tok");
    }
}
