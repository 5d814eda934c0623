//! From the merged file to the effective [`Config`]: every value checked, every problem kept so
//! that one `check-config` run reports them all.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use croner::parser::{CronParser, Seconds};
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::env::Origins;
use super::error::{ConfigError, ConfigErrors};
use super::file::{DEFAULT_SCHEDULES, DatabaseFile, FileConfig, SyncFile, WriteBackFile, ZoomFile};
use super::model::{
    Config, DatabaseConfig, HttpConfig, JobConfig, LogConfig, LogFormat, RecordingsSource,
    ServiceConfig, SyncConfig, WebhooksConfig, WriteBackConfig, ZoomConfig,
};
use zoom_api::plan::{Label, Plan};

/// Builds the effective configuration, or returns `errors` plus every problem found here.
pub(super) fn validate(
    file: FileConfig,
    path: Option<PathBuf>,
    origins: &Origins,
    mut errors: Vec<ConfigError>,
) -> Result<Config, ConfigErrors> {
    let mut check = Check {
        origins,
        errors: &mut errors,
    };
    let database = database(&mut check, file.database);
    let zoom = zoom(&mut check, file.zoom);
    let listen = check.value("http.listen", listen_addr(&file.http.listen));
    let sync = sync(&mut check, file.sync);
    let write_back = write_back(&mut check, file.write_back);
    let shutdown_timeout = check.value(
        "service.shutdown_timeout_secs",
        within(
            file.service.shutdown_timeout_secs,
            1..=3600,
            "1 second to an hour",
        ),
    );
    let format = check.value("log.format", log_format(&file.log.format));
    match (
        database,
        zoom,
        listen,
        sync,
        write_back,
        shutdown_timeout,
        format,
    ) {
        (
            Some(database),
            Some(zoom),
            Some(listen),
            Some(sync),
            Some(write_back),
            Some(shutdown),
            Some(format),
        ) if errors.is_empty() => Ok(Config {
            file: path,
            database,
            zoom,
            webhooks: WebhooksConfig {
                secret_token: file.webhooks.secret_token,
            },
            http: HttpConfig { listen },
            sync,
            write_back,
            service: ServiceConfig {
                shutdown_timeout: Duration::from_secs(shutdown),
            },
            log: LogConfig { format },
        }),
        _ => Err(ConfigErrors(errors)),
    }
}

fn write_back(check: &mut Check, file: WriteBackFile) -> Option<WriteBackConfig> {
    let concurrency = check.value(
        "write_back.concurrency",
        within(file.concurrency, CONCURRENCY, CONCURRENCY_WORDS),
    );
    let mut secs = |key, n, range, words| {
        check
            .value(key, within(n, range, words))
            .map(Duration::from_secs)
    };
    let lease = secs(
        "write_back.lease_secs",
        file.lease_secs,
        1..=DAY,
        "1 second to a day",
    );
    let poll_interval = secs(
        "write_back.poll_interval_secs",
        file.poll_interval_secs,
        1..=3600,
        "1 second to an hour",
    );
    let retry_base = secs(
        "write_back.retry_base_secs",
        file.retry_base_secs,
        1..=DAY,
        "1 second to a day",
    );
    let retry_max = secs(
        "write_back.retry_max_secs",
        file.retry_max_secs,
        1..=7 * DAY,
        "1 second to a week",
    );
    let max_payload_bytes = check.value(
        "write_back.max_payload_bytes",
        // At most 16 MiB: it fits any usize.
        within(file.max_payload_bytes, MAX_PAYLOAD_BYTES, "1 KiB to 16 MiB").map(|n| n as usize),
    );
    let max_delay = check.value(
        "write_back.max_delay_secs",
        within(file.max_delay_secs, MAX_DELAY_SECS, "1 second to 366 days"),
    );
    Some(WriteBackConfig {
        enabled: file.enabled,
        concurrency: concurrency?,
        allow_raw: file.allow_raw,
        lease: lease?,
        poll_interval: poll_interval?,
        retry_base: retry_base?,
        retry_max: retry_max?,
        max_payload_bytes: max_payload_bytes?,
        max_delay: Duration::from_secs(max_delay?),
    })
}

const DAY: u64 = 24 * 3600;
/// Tasks at once: beyond a few hundred they only wait on the rate limiter and the pool.
const CONCURRENCY: std::ops::RangeInclusive<usize> = 1..=256;
const CONCURRENCY_WORDS: &str = "1 to 256 at once";

/// A Zoom request body is a few KiB (a registrant status change naming 30 people is the
/// largest); past 16 MiB a row is a mistake or an attack, and each worker holds one payload.
const MAX_PAYLOAD_BYTES: std::ops::RangeInclusive<u64> = 1024..=16 * 1024 * 1024;
/// A row waiting longer than a year, holding up its target all the while, is a mistake.
const MAX_DELAY_SECS: std::ops::RangeInclusive<u64> = 1..=366 * 24 * 3600;

fn within<T: PartialOrd + std::fmt::Display>(
    n: T,
    range: std::ops::RangeInclusive<T>,
    words: &str,
) -> Result<T, String> {
    if range.contains(&n) {
        Ok(n)
    } else {
        Err(format!(
            "must be {}..={} ({words}), got {n}",
            range.start(),
            range.end()
        ))
    }
}

fn sync(check: &mut Check, file: SyncFile) -> Option<SyncConfig> {
    let mut job = |entity: &str, key: &'static str, enabled: bool, schedule: Option<String>| {
        let schedule = schedule.unwrap_or_else(|| default_schedule(entity).to_owned());
        let schedule = check.value(key, cron(&schedule))?;
        Some(JobConfig { enabled, schedule })
    };
    let users = job(
        "users",
        "sync.users.schedule",
        file.users.enabled,
        file.users.schedule,
    );
    let meetings = job(
        "meetings",
        "sync.meetings.schedule",
        file.meetings.enabled,
        file.meetings.schedule,
    );
    let webinars = job(
        "webinars",
        "sync.webinars.schedule",
        file.webinars.enabled,
        file.webinars.schedule,
    );
    let meeting_registrants = job(
        "meeting_registrants",
        "sync.meeting_registrants.schedule",
        file.meeting_registrants.enabled,
        file.meeting_registrants.schedule,
    );
    let webinar_registrants = job(
        "webinar_registrants",
        "sync.webinar_registrants.schedule",
        file.webinar_registrants.enabled,
        file.webinar_registrants.schedule,
    );
    let recordings = job(
        "recordings",
        "sync.recordings.schedule",
        file.recordings.enabled,
        file.recordings.schedule,
    );
    let concurrency = check.value(
        "sync.concurrency",
        within(file.concurrency, CONCURRENCY, CONCURRENCY_WORDS),
    );
    let backfill_days = check.value(
        "sync.recordings.backfill_days",
        within(
            file.recordings.backfill_days,
            1..=3660,
            "1 day to ten years",
        ),
    );
    let source = check.value(
        "sync.recordings.source",
        recordings_source(&file.recordings.source),
    );
    Some(SyncConfig {
        concurrency: concurrency?,
        users: users?,
        meetings: meetings?,
        webinars: webinars?,
        meeting_registrants: meeting_registrants?,
        webinar_registrants: webinar_registrants?,
        recordings: recordings?,
        meeting_details: file.meetings.details,
        webinar_details: file.webinars.details,
        recordings_backfill_days: backfill_days?,
        recordings_source: source?,
    })
}

fn default_schedule(entity: &str) -> &'static str {
    DEFAULT_SCHEDULES
        .iter()
        .find(|(name, _)| *name == entity)
        .map_or("0 0 * * * *", |(_, schedule)| schedule)
}

fn recordings_source(value: &str) -> Result<RecordingsSource, String> {
    match value {
        "auto" => Ok(RecordingsSource::Auto),
        "users" => Ok(RecordingsSource::Users),
        "account" => Ok(RecordingsSource::Account),
        other => Err(format!(
            "{other:?} is not a recordings source; use \"auto\", \"users\" or \"account\""
        )),
    }
}

fn database(check: &mut Check, file: DatabaseFile) -> Option<DatabaseConfig> {
    let url = check.optional("database.url", file.url, postgres_url);
    let max_connections = check.value(
        "database.max_connections",
        within(file.max_connections, 1..=1000, "1 to 1000"),
    );
    let connect_timeout = check.value(
        "database.connect_timeout_secs",
        within(
            file.connect_timeout_secs,
            CONNECT_TIMEOUT_SECS,
            "1 second to 5 minutes",
        ),
    );
    let pool_timeout = check.value(
        "database.pool_timeout_secs",
        within(
            file.pool_timeout_secs,
            POOL_TIMEOUT_SECS,
            "1 second to 10 minutes",
        ),
    );
    Some(DatabaseConfig {
        url: url?,
        max_connections: max_connections?,
        connect_timeout: Duration::from_secs(connect_timeout?),
        pool_timeout: Duration::from_secs(pool_timeout?),
    })
}

/// Past these a dead network holds a pass, a write-back attempt or the start-up for minutes
/// on end before anything is logged.
const CONNECT_TIMEOUT_SECS: std::ops::RangeInclusive<u64> = 1..=300;
const POOL_TIMEOUT_SECS: std::ops::RangeInclusive<u64> = 1..=600;

fn zoom(check: &mut Check, file: ZoomFile) -> Option<ZoomConfig> {
    let account_id = check.optional("zoom.account_id", file.account_id, |id| identifier(id));
    let client_id = check.optional("zoom.client_id", file.client_id, |id| identifier(id));
    let api_base_url = check.value(
        "zoom.api_base_url",
        http_url(&file.api_base_url, "https://api.zoom.us/v2"),
    );
    let oauth_base_url = check.value(
        "zoom.oauth_base_url",
        http_url(&file.oauth_base_url, "https://zoom.us"),
    );
    let plan = check.value("zoom.plan", file.plan.parse::<Plan>());
    let share = check.value("zoom.rate_limit_share", fraction(file.rate_limit_share));
    let limits = file.rate_limits;
    let overrides = [
        ("zoom.rate_limits.light", Label::Light, limits.light),
        ("zoom.rate_limits.medium", Label::Medium, limits.medium),
        ("zoom.rate_limits.heavy", Label::Heavy, limits.heavy),
        (
            "zoom.rate_limits.resource_intensive",
            Label::ResourceIntensive,
            limits.resource_intensive,
        ),
    ]
    .into_iter()
    .filter_map(|(key, label, rate)| Some((key, label, rate?)))
    .map(|(key, label, rate)| Some((label, check.value(key, per_second(rate))?)))
    // Collect every override before `?`, so that each bad one is reported.
    .collect::<Vec<_>>();
    let request_timeout = check.value(
        "zoom.request_timeout_secs",
        within(file.request_timeout_secs, 1..=600, "1 second to 10 minutes"),
    );
    let max_attempts = check.value(
        "zoom.max_attempts",
        within(file.max_attempts, 1..=100, "1 to 100"),
    );
    let max_retry = check.value(
        "zoom.max_retry_secs",
        within(file.max_retry_secs, 0..=DAY, "0 to a day"),
    );
    Some(ZoomConfig {
        account_id: account_id?,
        client_id: client_id?,
        client_secret: file.client_secret,
        api_base_url: api_base_url?,
        oauth_base_url: oauth_base_url?,
        plan: plan?,
        rate_limit_share: share?,
        rate_limit_overrides: overrides.into_iter().collect::<Option<_>>()?,
        request_timeout: Duration::from_secs(request_timeout?),
        max_attempts: max_attempts?,
        max_retry_time: Duration::from_secs(max_retry?),
    })
}

/// Records each failed check as an error naming the value's source.
struct Check<'a> {
    origins: &'a Origins,
    errors: &'a mut Vec<ConfigError>,
}

impl Check<'_> {
    fn value<T>(&mut self, key: &'static str, checked: Result<T, String>) -> Option<T> {
        checked
            .map_err(|reason| {
                self.errors.push(ConfigError::Invalid {
                    key: self.origins.name(key),
                    reason,
                });
            })
            .ok()
    }

    /// Checks `value` if it is set; `Some(None)` means validly unset.
    fn optional<T>(
        &mut self,
        key: &'static str,
        value: Option<T>,
        rule: impl FnOnce(&T) -> Result<(), String>,
    ) -> Option<Option<T>> {
        let Some(value) = value else {
            return Some(None);
        };
        let checked = rule(&value).map(|()| Some(value));
        self.value(key, checked)
    }
}

/// Checks the URL's shape but never quotes it: it holds the database password.
fn postgres_url(url: &SecretString) -> Result<(), String> {
    const EXAMPLE: &str = "postgres://USER:PASSWORD@HOST:5432/DATABASE";
    let url = Url::parse(url.expose_secret())
        .map_err(|error| format!("is not a URL ({error}); use {EXAMPLE}"))?;
    // The scheme is not quoted either: without one, the user name parses as the scheme.
    match url.scheme() {
        "postgres" | "postgresql" => Ok(()),
        _ => Err(format!(
            "does not start with postgres:// or postgresql://; use {EXAMPLE}"
        )),
    }
}

fn identifier(id: &str) -> Result<(), String> {
    if id.trim().is_empty() {
        return Err("is empty; set it, or remove the key to leave it unset".into());
    }
    if id.trim() != id {
        return Err(format!("{id:?} has spaces around it; remove them"));
    }
    Ok(())
}

fn http_url(value: &str, example: &str) -> Result<Url, String> {
    let hint = format!("use an absolute http(s) URL such as {example:?}");
    let url =
        Url::parse(value).map_err(|error| format!("{value:?} is not a URL ({error}); {hint}"))?;
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        return Err(format!("{value:?} is not an http(s) URL; {hint}"));
    }
    Ok(url)
}

fn fraction(share: f64) -> Result<f64, String> {
    if share > 0.0 && share <= 1.0 {
        Ok(share)
    } else {
        Err(format!(
            "must be > 0 and <= 1, got {share}; it is the fraction of the plan's rate limits \
             this daemon may use, e.g. 0.8"
        ))
    }
}

fn per_second(rate: f64) -> Result<f64, String> {
    // Zoom's highest documented limit is 80/s; a thousand is a typo.
    if rate > 0.0 && rate <= 1000.0 {
        Ok(rate)
    } else {
        Err(format!(
            "must be > 0 and at most 1000 requests per second, got {rate}; remove the key to use \
             the plan's limit"
        ))
    }
}

fn listen_addr(value: &str) -> Result<SocketAddr, String> {
    value.parse().map_err(|_| {
        format!(
            "{value:?} is not an IP address and port; use e.g. \"127.0.0.1:8080\" or \"[::1]:8080\""
        )
    })
}

/// Checks `value` with the parser and settings tokio-cron-scheduler's `Job::new` uses, so that
/// what passes here also schedules.
fn cron(value: &str) -> Result<String, String> {
    const EXAMPLE: &str = "e.g. \"0 0 * * * *\"";
    if value.split_whitespace().count() == 5 {
        return Err(format!(
            "{value:?} has five fields; zoom-mirror uses six (seconds first), {EXAMPLE}"
        ));
    }
    let schedule = CronParser::builder()
        .seconds(Seconds::Required)
        .dom_and_dow(true)
        .build()
        .parse(value)
        .map_err(|error| {
            format!(
                "{value:?} is not a cron expression ({error}); use six fields, seconds first, \
                 evaluated in UTC, {EXAMPLE}"
            )
        })?;
    // A date that does not exist (31 February) parses, and the job would never run.
    schedule
        .find_next_occurrence(&chrono::Utc::now(), false)
        .map(|_| value.to_owned())
        .map_err(|error| format!("{value:?} never fires ({error}); {EXAMPLE}"))
}

fn log_format(value: &str) -> Result<LogFormat, String> {
    match value {
        "text" => Ok(LogFormat::Text),
        "json" => Ok(LogFormat::Json),
        _ => Err(format!("unknown format {value:?}: expected text or json")),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::config::testing::{load, messages};
    use crate::config::{LogFormat, RecordingsSource};
    use zoom_api::plan::{Label, Plan};

    fn errors(toml: &str, vars: &[(&str, &str)]) -> Vec<String> {
        messages(load(toml, vars).unwrap_err())
    }

    #[test]
    fn defaults_are_valid() {
        let config = load("", &[]).unwrap();
        assert_eq!(config.zoom.plan, Plan::Pro);
        assert_eq!(config.zoom.rate_limit_share, 0.8);
        assert_eq!(config.zoom.api_base_url.as_str(), "https://api.zoom.us/v2");
        assert_eq!(config.zoom.request_timeout, Duration::from_secs(30));
        assert_eq!(config.zoom.max_retry_time, Duration::from_secs(120));
        assert_eq!(config.http.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(config.service.shutdown_timeout, Duration::from_secs(50));
        assert_eq!(config.log.format, LogFormat::Text);
        assert!(config.zoom.rate_limit_overrides.is_empty());
    }

    #[test]
    fn a_bad_plan_is_named() {
        assert_eq!(
            errors("[zoom]\nplan = \"gold\"\n", &[]),
            ["zoom.plan: unknown plan \"gold\": expected one of free, pro, business_plus"]
        );
    }

    #[test]
    fn a_bad_value_from_the_environment_names_the_variable() {
        assert_eq!(
            errors("", &[("ZOOM_PLAN", "gold")]),
            ["ZOOM_PLAN: unknown plan \"gold\": expected one of free, pro, business_plus"]
        );
    }

    #[test]
    fn the_share_must_be_a_fraction() {
        for share in ["0", "1.5", "-0.1", "NaN"] {
            let found = errors(
                &format!("[zoom]\nrate_limit_share = {}\n", share.to_lowercase()),
                &[],
            );
            assert!(
                found[0].starts_with("zoom.rate_limit_share: must be > 0 and <= 1"),
                "{found:?}"
            );
        }
        assert_eq!(
            load("[zoom]\nrate_limit_share = 1\n", &[])
                .unwrap()
                .zoom
                .rate_limit_share,
            1.0
        );
    }

    #[test]
    fn rate_limit_overrides_must_be_positive() {
        let config = load("[zoom.rate_limits]\nheavy = 2.5\nlight = 12\n", &[]).unwrap();
        assert_eq!(
            config.zoom.rate_limit_overrides,
            [(Label::Light, 12.0), (Label::Heavy, 2.5)]
        );
        let found = errors(
            "[zoom.rate_limits]\nmedium = 0\nresource_intensive = -1\n",
            &[],
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0].starts_with("zoom.rate_limits.medium: must be > 0"),
            "{found:?}"
        );
        assert!(found[1].starts_with("zoom.rate_limits.resource_intensive: must be > 0"));
    }

    #[test]
    fn malformed_urls_are_named() {
        let found = errors(
            "[zoom]\napi_base_url = \"api.zoom.us/v2\"\noauth_base_url = \"ftp://zoom.us\"\n",
            &[],
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("zoom.api_base_url: \"api.zoom.us/v2\" is not a URL"));
        assert!(
            found[1].starts_with("zoom.oauth_base_url: \"ftp://zoom.us\" is not an http(s) URL")
        );
    }

    #[test]
    fn a_malformed_database_url_is_named_but_never_quoted() {
        let found = errors("", &[("DATABASE_URL", "me:hunter2@db/zoom")]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("DATABASE_URL: does not start with postgres://"),
            "{found:?}"
        );
        assert!(!found[0].contains("hunter2"));
        let found = errors("[database]\nurl = \"hunter2 at db\"\n", &[]);
        assert!(
            found[0].starts_with("database.url: is not a URL"),
            "{found:?}"
        );
        assert!(!found[0].contains("hunter2"));
    }

    #[test]
    fn every_entity_has_a_default_schedule_spread_over_the_hour() {
        let sync = load("", &[]).unwrap().sync;
        let schedules: Vec<&str> = [
            &sync.users,
            &sync.meetings,
            &sync.webinars,
            &sync.meeting_registrants,
            &sync.webinar_registrants,
            &sync.recordings,
        ]
        .iter()
        .map(|job| job.schedule.as_str())
        .collect();
        assert_eq!(
            schedules,
            [
                "0 0 * * * *",
                "0 10 * * * *",
                "0 15 * * * *",
                "0 20 * * * *",
                "0 25 * * * *",
                "0 40 * * * *"
            ]
        );
        assert_eq!(sync.concurrency, 16);
        assert!(!sync.meeting_details && !sync.webinar_details);
        assert_eq!(sync.recordings_backfill_days, 180);
        assert_eq!(sync.recordings_source, RecordingsSource::Auto);

        let toml = "[sync.meetings]\ndetails = true\n[sync.recordings]\nsource = \"account\"\nbackfill_days = 30\nenabled = false\n";
        let sync = load(toml, &[]).unwrap().sync;
        assert!(sync.meeting_details);
        assert_eq!(
            sync.meetings.schedule, "0 10 * * * *",
            "a section keeps the defaults it does not set"
        );
        assert_eq!(sync.recordings_source, RecordingsSource::Account);
        assert_eq!(sync.recordings_backfill_days, 30);
        assert!(!sync.recordings.enabled);
    }

    #[test]
    fn bad_sync_settings_are_each_named() {
        let toml = "[sync]\nconcurrency = 0\n[sync.webinars]\nschedule = \"0 * * * *\"\n\
                    [sync.recordings]\nsource = \"all\"\nbackfill_days = 0\n";
        let found = errors(toml, &[]);
        for key in [
            "sync.concurrency:",
            "sync.webinars.schedule:",
            "sync.recordings.source: \"all\" is not a recordings source",
            "sync.recordings.backfill_days:",
        ] {
            assert!(
                found.iter().any(|e| e.starts_with(key)),
                "{key} in {found:?}"
            );
        }
        assert_eq!(found.len(), 4, "{found:?}");
    }

    #[test]
    fn the_queue_limits_default_to_256_kib_and_7_days_and_are_bounded() {
        let write_back = load("", &[]).unwrap().write_back;
        assert_eq!(write_back.max_payload_bytes, 262_144);
        assert_eq!(write_back.max_delay, Duration::from_secs(604_800));
        let write_back = load(
            "[write_back]\nmax_payload_bytes = 1024\nmax_delay_secs = 60\n",
            &[],
        )
        .unwrap()
        .write_back;
        assert_eq!(
            (write_back.max_payload_bytes, write_back.max_delay),
            (1024, Duration::from_secs(60))
        );
        for (toml, error) in [
            (
                "max_payload_bytes = 1023",
                "write_back.max_payload_bytes: must be 1024..=16777216 (1 KiB to 16 MiB), got 1023",
            ),
            (
                "max_payload_bytes = 16777217",
                "write_back.max_payload_bytes: must be 1024..=16777216 (1 KiB to 16 MiB), got 16777217",
            ),
            (
                "max_delay_secs = 0",
                "write_back.max_delay_secs: must be 1..=31622400 (1 second to 366 days), got 0",
            ),
            (
                "max_delay_secs = 31622401",
                "write_back.max_delay_secs: must be 1..=31622400 (1 second to 366 days), got 31622401",
            ),
        ] {
            assert_eq!(errors(&format!("[write_back]\n{toml}\n"), &[]), [error]);
        }
    }

    #[test]
    fn the_database_timeouts_default_to_10_and_30_seconds_and_are_bounded() {
        let database = load("", &[]).unwrap().database;
        assert_eq!(
            (database.connect_timeout, database.pool_timeout),
            (Duration::from_secs(10), Duration::from_secs(30))
        );
        for (toml, error) in [
            (
                "connect_timeout_secs = 0",
                "database.connect_timeout_secs: must be 1..=300 (1 second to 5 minutes), got 0",
            ),
            (
                "connect_timeout_secs = 301",
                "database.connect_timeout_secs: must be 1..=300 (1 second to 5 minutes), got 301",
            ),
            (
                "pool_timeout_secs = 0",
                "database.pool_timeout_secs: must be 1..=600 (1 second to 10 minutes), got 0",
            ),
            (
                "pool_timeout_secs = 601",
                "database.pool_timeout_secs: must be 1..=600 (1 second to 10 minutes), got 601",
            ),
        ] {
            assert_eq!(errors(&format!("[database]\n{toml}\n"), &[]), [error]);
        }
    }

    #[test]
    fn a_bad_listen_address_is_named() {
        let found = errors("", &[("ZOOM_MIRROR_LISTEN", "localhost:8080")]);
        assert!(
            found[0].starts_with("ZOOM_MIRROR_LISTEN: \"localhost:8080\" is not an IP address")
        );
    }

    #[test]
    fn a_five_field_cron_gets_the_six_field_hint() {
        assert_eq!(
            errors("[sync.users]\nschedule = \"0 * * * *\"\n", &[]),
            [
                "sync.users.schedule: \"0 * * * *\" has five fields; zoom-mirror uses six \
                 (seconds first), e.g. \"0 0 * * * *\""
            ]
        );
    }

    #[test]
    fn an_invalid_cron_is_named() {
        let found = errors("[sync.users]\nschedule = \"0 0 25 * * *\"\n", &[]);
        assert!(found[0].starts_with("sync.users.schedule: \"0 0 25 * * *\" is not a cron"));
        let config = load("[sync.users]\nschedule = \"*/30 15 3 * * MON-FRI\"\n", &[]).unwrap();
        assert_eq!(config.sync.users.schedule, "*/30 15 3 * * MON-FRI");
    }

    #[test]
    fn counts_must_be_at_least_one() {
        let found = errors(
            "[database]\nmax_connections = 0\n[zoom]\nmax_attempts = 0\nrequest_timeout_secs = 0\n",
            &[],
        );
        assert_eq!(
            found,
            [
                "database.max_connections: must be 1..=1000 (1 to 1000), got 0",
                "zoom.request_timeout_secs: must be 1..=600 (1 second to 10 minutes), got 0",
                "zoom.max_attempts: must be 1..=100 (1 to 100), got 0",
            ]
        );
    }

    #[test]
    fn every_number_has_an_upper_bound() {
        let toml = format!(
            "[database]\nmax_connections = 1000000\n\
             [zoom]\nmax_attempts = 1000000\nrequest_timeout_secs = {i}\nmax_retry_secs = {i}\n\
             [zoom.rate_limits]\nlight = 1e300\n\
             [sync]\nconcurrency = 100000\n[sync.recordings]\nbackfill_days = 4000000\n\
             [write_back]\nconcurrency = 100000\nlease_secs = {i}\npoll_interval_secs = {i}\n\
             retry_base_secs = {i}\nretry_max_secs = {i}\n\
             [service]\nshutdown_timeout_secs = {i}\n",
            // TOML integers are i64: the largest a file can hold.
            i = i64::MAX,
        );
        let found = errors(&toml, &[]);
        let keys: Vec<&str> = found.iter().map(|e| e.split(':').next().unwrap()).collect();
        assert_eq!(
            keys,
            [
                "database.max_connections",
                "zoom.rate_limits.light",
                "zoom.request_timeout_secs",
                "zoom.max_attempts",
                "zoom.max_retry_secs",
                "sync.concurrency",
                "sync.recordings.backfill_days",
                "write_back.concurrency",
                "write_back.lease_secs",
                "write_back.poll_interval_secs",
                "write_back.retry_base_secs",
                "write_back.retry_max_secs",
                "service.shutdown_timeout_secs",
            ],
            "{found:#?}"
        );
    }

    #[test]
    fn a_schedule_that_never_fires_is_refused() {
        let found = errors("[sync.recordings]\nschedule = \"0 0 0 31 2 *\"\n", &[]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].starts_with("sync.recordings.schedule: \"0 0 0 31 2 *\" never fires"),
            "{found:?}"
        );
        // Leap days come round.
        assert!(load("[sync.recordings]\nschedule = \"0 0 0 29 2 *\"\n", &[]).is_ok());
    }

    #[test]
    fn ids_must_not_be_blank_or_padded() {
        let found = errors("[zoom]\naccount_id = \"\"\nclient_id = \" abc\"\n", &[]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("zoom.account_id: is empty"));
        assert!(found[1].starts_with("zoom.client_id: \" abc\" has spaces around it"));
    }

    #[test]
    fn the_log_format_is_text_or_json() {
        let config = load("", &[("ZOOM_MIRROR_LOG_FORMAT", "json")]).unwrap();
        assert_eq!(config.log.format, LogFormat::Json);
        assert_eq!(
            errors("[log]\nformat = \"xml\"\n", &[]),
            ["log.format: unknown format \"xml\": expected text or json"]
        );
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let error = load(
            "[zoom]\nplan = \"gold\"\n[http]\nlisten = \"nowhere\"\n",
            &[
                ("ZOOM_RATE_LIMIT_SHARE", "lots"),
                ("ZOOM_CLIENT_SECRET_FILE", "/nonexistent/s"),
            ],
        )
        .unwrap_err();
        let text = error.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "the configuration has 4 problems:", "{text}");
        assert_eq!(lines.len(), 5, "{text}");
        assert!(text.contains("\n  ZOOM_RATE_LIMIT_SHARE: \"lots\" is not a number"));
        assert!(text.contains(
            "\n  ZOOM_CLIENT_SECRET_FILE: cannot read /nonexistent/s: No such file or directory"
        ));
        assert!(text.contains("\n  zoom.plan: unknown plan"));
        assert!(text.contains("\n  http.listen: \"nowhere\""));
    }
}
