//! The effective configuration as text for `check-config`: TOML in the file's layout, so that an
//! operator can compare it with the file, with secrets replaced and unset values marked.

use std::fmt::Write as _;

use secrecy::SecretString;

use super::model::{Config, JobConfig, LogFormat};
use zoom_api::plan::Label;

const UNSET: &str = "<unset>";

impl Config {
    /// Every key with its effective value; a set secret shows as `"[redacted]"` (the whole
    /// database URL, since it holds the password), anything unset as `<unset>`.
    pub fn redacted(&self) -> String {
        let mut out = match &self.file {
            Some(path) => format!(
                "# zoom-mirror configuration: {} and the environment\n",
                path.display()
            ),
            None => "# zoom-mirror configuration: no file, the environment and defaults\n".into(),
        };
        let database = &self.database;
        section(
            &mut out,
            "database",
            [
                ("url", secret(&database.url)),
                ("max_connections", database.max_connections.to_string()),
                (
                    "connect_timeout_secs",
                    database.connect_timeout.as_secs().to_string(),
                ),
                (
                    "pool_timeout_secs",
                    database.pool_timeout.as_secs().to_string(),
                ),
            ],
        );
        let zoom = &self.zoom;
        section(
            &mut out,
            "zoom",
            [
                ("account_id", optional(zoom.account_id.as_deref())),
                ("client_id", optional(zoom.client_id.as_deref())),
                ("client_secret", secret(&zoom.client_secret)),
                ("api_base_url", string(zoom.api_base_url.as_str())),
                ("oauth_base_url", string(zoom.oauth_base_url.as_str())),
                ("plan", string(zoom.plan.as_str())),
                ("rate_limit_share", float(zoom.rate_limit_share)),
                (
                    "request_timeout_secs",
                    zoom.request_timeout.as_secs().to_string(),
                ),
                ("max_attempts", zoom.max_attempts.to_string()),
                ("max_retry_secs", zoom.max_retry_time.as_secs().to_string()),
            ],
        );
        let rate = |label| {
            let rate = zoom.rate_limit_overrides.iter().find(|(l, _)| *l == label);
            rate.map_or_else(|| UNSET.to_owned(), |(_, rate)| float(*rate))
        };
        section(
            &mut out,
            "zoom.rate_limits",
            Label::ALL.map(|label| (label.as_str(), rate(label))),
        );
        section(
            &mut out,
            "webhooks",
            [("secret_token", secret(&self.webhooks.secret_token))],
        );
        section(
            &mut out,
            "http",
            [("listen", string(&self.http.listen.to_string()))],
        );
        let sync = &self.sync;
        section(
            &mut out,
            "sync",
            [("concurrency", sync.concurrency.to_string())],
        );
        let job = |job: &JobConfig| {
            [
                ("enabled", job.enabled.to_string()),
                ("schedule", string(&job.schedule)),
            ]
        };
        section(&mut out, "sync.users", job(&sync.users));
        let [enabled, schedule] = job(&sync.meetings);
        let details = ("details", sync.meeting_details.to_string());
        section(&mut out, "sync.meetings", [enabled, schedule, details]);
        let [enabled, schedule] = job(&sync.webinars);
        let details = ("details", sync.webinar_details.to_string());
        section(&mut out, "sync.webinars", [enabled, schedule, details]);
        section(
            &mut out,
            "sync.meeting_registrants",
            job(&sync.meeting_registrants),
        );
        section(
            &mut out,
            "sync.webinar_registrants",
            job(&sync.webinar_registrants),
        );
        let [enabled, schedule] = job(&sync.recordings);
        section(
            &mut out,
            "sync.recordings",
            [
                enabled,
                schedule,
                ("backfill_days", sync.recordings_backfill_days.to_string()),
                ("source", string(sync.recordings_source.as_str())),
            ],
        );
        let wb = &self.write_back;
        let secs = |d: std::time::Duration| d.as_secs().to_string();
        section(
            &mut out,
            "write_back",
            [
                ("enabled", wb.enabled.to_string()),
                ("concurrency", wb.concurrency.to_string()),
                ("allow_raw", wb.allow_raw.to_string()),
                ("lease_secs", secs(wb.lease)),
                ("poll_interval_secs", secs(wb.poll_interval)),
                ("retry_base_secs", secs(wb.retry_base)),
                ("retry_max_secs", secs(wb.retry_max)),
                ("max_payload_bytes", wb.max_payload_bytes.to_string()),
                ("max_delay_secs", secs(wb.max_delay)),
            ],
        );
        let shutdown = self.service.shutdown_timeout.as_secs().to_string();
        section(&mut out, "service", [("shutdown_timeout_secs", shutdown)]);
        let format = match self.log.format {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        };
        section(&mut out, "log", [("format", string(format))]);
        out
    }
}

fn section<const N: usize>(out: &mut String, name: &str, entries: [(&str, String); N]) {
    // Writing to a String cannot fail.
    let _ = writeln!(out, "\n[{name}]");
    for (key, value) in entries {
        let _ = writeln!(out, "{key} = {value}");
    }
}

fn secret(value: &Option<SecretString>) -> String {
    match value {
        Some(_) => string("[redacted]"),
        None => UNSET.to_owned(),
    }
}

fn optional(value: Option<&str>) -> String {
    value.map_or_else(|| UNSET.to_owned(), string)
}

fn string(value: &str) -> String {
    toml::Value::String(value.to_owned()).to_string()
}

fn float(value: f64) -> String {
    toml::Value::Float(value).to_string()
}

#[cfg(test)]
mod tests {
    use crate::config::testing::{TempDir, load};

    const SECRETS: [&str; 4] = ["hunter2", "client-s3cret", "hook-t0ken", "pgpass"];

    fn assert_hidden(text: &str) {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{secret} leaked into:\n{text}");
        }
    }

    #[test]
    fn secrets_from_every_source_never_print() {
        let dir = TempDir::new("redact");
        let token = dir.write("token", "hook-t0ken\n");
        let config = load(
            "[database]\nurl = \"postgres://zoom:hunter2@db/zoom\"\n\
             [zoom]\naccount_id = \"a\"\nclient_id = \"c\"\nclient_secret = \"client-s3cret\"\n",
            &[("ZOOM_WEBHOOK_SECRET_TOKEN_FILE", &token)],
        )
        .unwrap();
        let redacted = config.redacted();
        assert_hidden(&redacted);
        assert_hidden(&format!("{config:?}"));
        assert!(
            redacted.contains("\n[database]\nurl = \"[redacted]\"\n"),
            "{redacted}"
        );
        assert!(
            redacted.contains("\nclient_secret = \"[redacted]\"\n"),
            "{redacted}"
        );
        assert!(
            redacted.contains("\nsecret_token = \"[redacted]\"\n"),
            "{redacted}"
        );
        let credentials = config.zoom_credentials().unwrap();
        assert_hidden(&format!("{credentials:?}"));
    }

    #[test]
    fn a_database_url_from_the_environment_is_hidden_whole() {
        let config = load(
            "",
            &[("DATABASE_URL", "postgres://pgpass@db.internal/zoom")],
        )
        .unwrap();
        let redacted = config.redacted();
        assert_hidden(&redacted);
        assert!(!redacted.contains("db.internal"), "{redacted}");
    }

    #[test]
    fn unset_values_are_marked() {
        let redacted = load("", &[]).unwrap().redacted();
        assert!(redacted.contains("\nurl = <unset>\n"), "{redacted}");
        assert!(redacted.contains("\naccount_id = <unset>\n"), "{redacted}");
        assert!(redacted.contains("\nheavy = <unset>\n"), "{redacted}");
        assert!(redacted.contains("\nplan = \"pro\"\n"), "{redacted}");
        assert!(
            redacted.ends_with("[log]\nformat = \"text\"\n"),
            "{redacted}"
        );
    }
}
