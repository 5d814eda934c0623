//! From the merged sources to the effective [`Config`]: each key read in the order of
//! [`super::keys::KEYS`], every problem kept so that one `check-config` run reports them all.

use super::error::{ConfigError, ConfigErrors};
use super::inputs::Inputs;
use super::model::{
    Config, DatabaseConfig, HttpConfig, JobConfig, LogConfig, ServiceConfig, SyncConfig,
    SyncSettings, WebhooksConfig, WriteBackConfig, ZoomConfig,
};
use super::read::Reader;
use crate::zoom::ClientSettings;
use zoom_api::plan::Label;

/// Builds the effective configuration, or returns `errors` plus every problem found here.
pub(super) fn validate(
    inputs: &Inputs,
    mut errors: Vec<ConfigError>,
) -> Result<Config, ConfigErrors> {
    let mut r = Reader::new(inputs, &mut errors);
    let database = DatabaseConfig {
        url: r.secret("database.url"),
        max_connections: r.get("database.max_connections"),
        connect_timeout: r.secs("database.connect_timeout_secs"),
        pool_timeout: r.secs("database.pool_timeout_secs"),
    };
    let zoom = ZoomConfig {
        auth: r.get("zoom.auth"),
        account_id: r.optional("zoom.account_id"),
        client_id: r.optional("zoom.client_id"),
        client_secret: r.secret("zoom.client_secret"),
        token_key: r.secret("zoom.token_key"),
        client: ClientSettings {
            api_base_url: r.get("zoom.api_base_url"),
            oauth_base_url: r.get("zoom.oauth_base_url"),
            plan: r.get("zoom.plan"),
            rate_limit_share: r.get("zoom.rate_limit_share"),
            request_timeout: r.secs("zoom.request_timeout_secs"),
            max_attempts: r.get("zoom.max_attempts"),
            max_retry_time: r.secs("zoom.max_retry_secs"),
            rate_limit_overrides: (Label::ALL.into_iter())
                .filter_map(|label| {
                    let rate = r.optional(&format!("zoom.rate_limits.{}", label.as_str()))?;
                    Some((label, rate))
                })
                .collect(),
        },
    };
    let webhooks = WebhooksConfig {
        secret_token: r.secret("webhooks.secret_token"),
        previous_secret_token: r.secret("webhooks.previous_secret_token"),
        max_body_bytes: r.get("webhooks.max_body_bytes"),
        keep: std::time::Duration::from_secs(86_400 * r.get::<u64>("webhooks.keep_days")),
    };
    let http = HttpConfig {
        listen: r.get("http.listen"),
    };
    let concurrency = r.get("sync.concurrency");
    let users = job(&mut r, "users");
    let meetings = job(&mut r, "meetings");
    let meeting_details = r.get("sync.meetings.details");
    let webinars = job(&mut r, "webinars");
    let webinar_details = r.get("sync.webinars.details");
    let meeting_registrants = job(&mut r, "meeting_registrants");
    let webinar_registrants = job(&mut r, "webinar_registrants");
    let recordings = job(&mut r, "recordings");
    let recordings_backfill_days = r.get("sync.recordings.backfill_days");
    let recordings_source = r.get("sync.recordings.source");
    let meeting_participants = job(&mut r, "meeting_participants");
    let meeting_participants_settle_hours = r.get("sync.meeting_participants.settle_hours");
    let webinar_participants = job(&mut r, "webinar_participants");
    let webinar_participants_settle_hours = r.get("sync.webinar_participants.settle_hours");
    let meeting_invitations = job(&mut r, "meeting_invitations");
    let phone_recordings = job(&mut r, "phone_recordings");
    let phone_recordings_backfill_days = r.get("sync.phone_recordings.backfill_days");
    let chat = job(&mut r, "chat");
    let chat_window_days = r.get("sync.chat.window_days");
    let chat_backfill_days = r.get("sync.chat.backfill_days");
    let sync = SyncConfig {
        settings: SyncSettings {
            concurrency,
            meeting_details,
            webinar_details,
            recordings_backfill_days,
            recordings_source,
            meeting_participants_settle_hours,
            webinar_participants_settle_hours,
            phone_recordings_backfill_days,
            chat_window_days,
            chat_backfill_days,
        },
        users,
        meetings,
        webinars,
        meeting_registrants,
        webinar_registrants,
        recordings,
        meeting_participants,
        webinar_participants,
        meeting_invitations,
        phone_recordings,
        chat,
    };
    let write_back = WriteBackConfig {
        enabled: r.get("write_back.enabled"),
        concurrency: r.get("write_back.concurrency"),
        allow_raw: r.get("write_back.allow_raw"),
        lease: r.secs("write_back.lease_secs"),
        poll_interval: r.secs("write_back.poll_interval_secs"),
        retry_base: r.secs("write_back.retry_base_secs"),
        retry_max: r.secs("write_back.retry_max_secs"),
        max_payload_bytes: r.get("write_back.max_payload_bytes"),
        max_delay: r.secs("write_back.max_delay_secs"),
    };
    let service = ServiceConfig {
        shutdown_timeout: r.secs("service.shutdown_timeout_secs"),
    };
    let log = LogConfig {
        format: r.get("log.format"),
    };
    let printed = r.printed();
    if !errors.is_empty() {
        return Err(ConfigErrors(errors));
    }
    Ok(Config {
        file: inputs.file.clone(),
        database,
        zoom,
        webhooks,
        http,
        sync,
        write_back,
        service,
        log,
        printed,
    })
}

fn job(r: &mut Reader, entity: &str) -> JobConfig {
    JobConfig {
        enabled: r.get(&format!("sync.{entity}.enabled")),
        schedule: r.get(&format!("sync.{entity}.schedule")),
    }
}

#[cfg(test)]
mod tests;
