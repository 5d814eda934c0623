//! The checks a value passes beyond its type ([`Check`]), each failure worded to say what is
//! wrong and what to write instead. A value of the wrong type is left to the type check.

use std::net::SocketAddr;

use croner::parser::{CronParser, Seconds};
use url::Url;

use crate::clock::Clock;

use super::keys::{Check, DefaultValue, Key};

pub(super) fn check(key: &Key, value: &toml::Value) -> Result<(), String> {
    match (key.check, value) {
        (Check::Range { min, max, words }, toml::Value::Integer(n)) => {
            if (min..=max).contains(n) {
                Ok(())
            } else {
                Err(format!("must be {min}..={max} ({words}), got {n}"))
            }
        }
        (Check::Fraction, toml::Value::Float(_) | toml::Value::Integer(_)) => {
            fraction(number(value))
        }
        (Check::PerSecond, toml::Value::Float(_) | toml::Value::Integer(_)) => {
            per_second(number(value))
        }
        (_, toml::Value::String(text)) => check_text(key, text),
        _ => Ok(()),
    }
}

/// The checks of text values, secrets included: none of them quotes a secret.
pub(super) fn check_text(key: &Key, text: &str) -> Result<(), String> {
    match key.check {
        Check::Identifier => identifier(text),
        Check::HttpUrl => http_url(text, key.default),
        Check::Listen => listen_addr(text),
        Check::Cron => cron(text),
        Check::PostgresUrl => postgres_url(text),
        Check::TokenKey => {
            crate::oauth::TokenKey::parse(&secrecy::SecretString::from(text.to_owned())).map(drop)
        }
        Check::Any | Check::Range { .. } | Check::Fraction | Check::PerSecond => Ok(()),
    }
}

fn number(value: &toml::Value) -> f64 {
    match value {
        toml::Value::Integer(n) => *n as f64,
        _ => value.as_float().unwrap_or(f64::NAN),
    }
}

fn fraction(share: f64) -> Result<(), String> {
    if share > 0.0 && share <= 1.0 {
        Ok(())
    } else {
        Err(format!(
            "must be > 0 and <= 1, got {share}; it is the fraction of the plan's rate limits \
             this daemon may use, e.g. 0.8"
        ))
    }
}

fn per_second(rate: f64) -> Result<(), String> {
    // Zoom's highest documented limit is 80/s; a thousand is a typo.
    if rate > 0.0 && rate <= 1000.0 {
        Ok(())
    } else {
        Err(format!(
            "must be > 0 and at most 1000 requests per second, got {rate}; remove the key to use \
             the plan's limit"
        ))
    }
}

/// Checks the URL's shape but never quotes it: it holds the database password.
fn postgres_url(url: &str) -> Result<(), String> {
    const EXAMPLE: &str = "postgres://USER:PASSWORD@HOST:5432/DATABASE";
    let url = Url::parse(url).map_err(|error| format!("is not a URL ({error}); use {EXAMPLE}"))?;
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

/// `example` is the key's default, the URL most operators want.
fn http_url(value: &str, example: DefaultValue) -> Result<(), String> {
    let example = match example {
        DefaultValue::Text(url) => url,
        _ => "https://example.com",
    };
    let hint = format!("use an absolute http(s) URL such as {example:?}");
    let url =
        Url::parse(value).map_err(|error| format!("{value:?} is not a URL ({error}); {hint}"))?;
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        return Err(format!("{value:?} is not an http(s) URL; {hint}"));
    }
    Ok(())
}

fn listen_addr(value: &str) -> Result<(), String> {
    match value.parse::<SocketAddr>() {
        Ok(_) => Ok(()),
        Err(_) => Err(format!(
            "{value:?} is not an IP address and port; use e.g. \"127.0.0.1:8080\" or \"[::1]:8080\""
        )),
    }
}

/// Checks `value` with the parser and settings tokio-cron-scheduler's `Job::new` uses, so that
/// what passes here also schedules.
fn cron(value: &str) -> Result<(), String> {
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
    // A date that does not exist (31 February) parses, and the job would never run. Checked
    // from the moment the configuration is read: nothing sets the time of a configuration.
    schedule
        .find_next_occurrence(&Clock::System.now(), false)
        .map(|_| ())
        .map_err(|error| format!("{value:?} never fires ({error}); {EXAMPLE}"))
}
