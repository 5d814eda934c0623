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
    assert_eq!(config.zoom.client.plan, Plan::Pro);
    assert_eq!(config.zoom.client.rate_limit_share, 0.8);
    assert_eq!(
        config.zoom.client.api_base_url.as_str(),
        "https://api.zoom.us/v2"
    );
    assert_eq!(config.zoom.client.request_timeout, Duration::from_secs(30));
    assert_eq!(config.zoom.client.max_retry_time, Duration::from_secs(120));
    assert_eq!(config.http.listen.to_string(), "127.0.0.1:8080");
    assert_eq!(config.service.shutdown_timeout, Duration::from_secs(50));
    assert_eq!(config.log.format, LogFormat::Text);
    assert!(config.zoom.client.rate_limit_overrides.is_empty());
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
            .client
            .rate_limit_share,
        1.0
    );
}

#[test]
fn rate_limit_overrides_must_be_positive() {
    let config = load("[zoom.rate_limits]\nheavy = 2.5\nlight = 12\n", &[]).unwrap();
    assert_eq!(
        config.zoom.client.rate_limit_overrides,
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
    assert!(found[1].starts_with("zoom.oauth_base_url: \"ftp://zoom.us\" is not an http(s) URL"));
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
    assert_eq!(sync.settings.concurrency, 16);
    assert!(!sync.settings.meeting_details && !sync.settings.webinar_details);
    assert_eq!(sync.settings.recordings_backfill_days, 180);
    assert_eq!(sync.settings.recordings_source, RecordingsSource::Auto);

    let toml = "[sync.meetings]\ndetails = true\n[sync.recordings]\nsource = \"account\"\nbackfill_days = 30\nenabled = false\n";
    let sync = load(toml, &[]).unwrap().sync;
    assert!(sync.settings.meeting_details);
    assert_eq!(
        sync.meetings.schedule, "0 10 * * * *",
        "a section keeps the defaults it does not set"
    );
    assert_eq!(sync.settings.recordings_source, RecordingsSource::Account);
    assert_eq!(sync.settings.recordings_backfill_days, 30);
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
    assert!(found[0].starts_with("ZOOM_MIRROR_LISTEN: \"localhost:8080\" is not an IP address"));
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
            "zoom.request_timeout_secs",
            "zoom.max_attempts",
            "zoom.max_retry_secs",
            "zoom.rate_limits.light",
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
