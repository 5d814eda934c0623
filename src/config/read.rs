//! Reading one key into its typed value: its source's raw value, else its default; the key's
//! check; serde for the type. Each failure is reported, naming the source to change, and the
//! default takes its place, so that reading goes on and one run finds every problem.

use std::fmt::Display;
use std::net::SocketAddr;
use std::str::FromStr;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;
use url::Url;

use super::checks;
use super::error::ConfigError;
use super::inputs::{Inputs, Origin, Raw};
use super::keys::{self, Key};
use super::model::{AuthKind, LogFormat, RecordingsSource};
use zoom_api::plan::Plan;

/// How `check-config` prints a value that no source sets.
pub(super) const UNSET: &str = "<unset>";

/// A type a key's value can take.
pub(super) trait Setting: Sized {
    fn read(value: toml::Value) -> Result<Self, Problem>;
    /// The value as TOML, for `check-config`.
    fn show(&self) -> String;
}

pub(super) enum Problem {
    /// The value is not of the key's type (serde's words).
    Type(String),
    /// The value has the type but is unusable.
    Value(String),
}

fn deserialized<T: DeserializeOwned>(value: toml::Value) -> Result<T, Problem> {
    T::deserialize(value).map_err(|error| Problem::Type(error.message().to_owned()))
}

/// A string, then the type's own parser, whose error says what the choices are.
fn parsed<T: FromStr<Err: Display>>(value: toml::Value) -> Result<T, Problem> {
    let text: String = deserialized(value)?;
    text.parse()
        .map_err(|error: T::Err| Problem::Value(error.to_string()))
}

pub(super) fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

macro_rules! settings {
    ($($type:ty: $read:ident, $show:expr;)*) => {$(
        impl Setting for $type {
            fn read(value: toml::Value) -> Result<Self, Problem> {
                $read(value)
            }

            fn show(&self) -> String {
                let show: fn(&$type) -> String = $show;
                show(self)
            }
        }
    )*};
}

settings! {
    bool: deserialized, ToString::to_string;
    u32: deserialized, ToString::to_string;
    u64: deserialized, ToString::to_string;
    usize: deserialized, ToString::to_string;
    f64: deserialized, |x| toml::Value::Float(*x).to_string();
    String: deserialized, |text| quoted(text);
    Url: parsed, |url| quoted(url.as_str());
    SocketAddr: parsed, |addr| quoted(&addr.to_string());
    Plan: parsed, |plan| quoted(plan.as_str());
    RecordingsSource: parsed, |source| quoted(source.as_str());
    LogFormat: parsed, |format| quoted(format.as_str());
    AuthKind: parsed, |kind| quoted(kind.as_str());
}

pub(super) struct Reader<'a> {
    inputs: &'a Inputs,
    errors: &'a mut Vec<ConfigError>,
    /// Each key read and its value as `check-config` prints it, in the order read.
    printed: Vec<(&'static str, String)>,
}

impl<'a> Reader<'a> {
    pub fn new(inputs: &'a Inputs, errors: &'a mut Vec<ConfigError>) -> Self {
        Reader {
            inputs,
            errors,
            printed: Vec::new(),
        }
    }

    pub fn printed(self) -> Vec<(&'static str, String)> {
        self.printed
    }

    /// The value of `name`, a key with a default.
    pub fn get<T: Setting>(&mut self, name: &str) -> T {
        let key = keys::find(name);
        let value = self.value(key).unwrap_or_else(|| {
            let default = key.default.toml().and_then(|value| T::read(value).ok());
            default.unwrap_or_else(|| panic!("`{name}` has no default of its type"))
        });
        self.printed.push((key.name, value.show()));
        value
    }

    /// The value of `name`, a key of whole seconds.
    pub fn secs(&mut self, name: &str) -> Duration {
        Duration::from_secs(self.get(name))
    }

    /// The value of `name`, a key without a default; `None` when unset (or invalid).
    pub fn optional<T: Setting>(&mut self, name: &str) -> Option<T> {
        let key = keys::find(name);
        let value = self.value(key);
        let shown = value.as_ref().map_or_else(|| UNSET.to_owned(), T::show);
        self.printed.push((key.name, shown));
        value
    }

    /// The secret `name`, printed as `"[redacted]"` when set.
    pub fn secret(&mut self, name: &str) -> Option<SecretString> {
        let key = keys::find(name);
        let secret = match self.inputs.get(key) {
            None => None,
            Some((Raw::Secret(secret), _)) => Some(secret.clone()),
            Some((Raw::Toml(toml::Value::String(text)), _)) => {
                Some(SecretString::from(text.clone()))
            }
            // serde would quote the value, and a mistyped secret is still a secret.
            Some((Raw::Toml(_), _)) => {
                self.report(key, Problem::Type("must be a string".into()));
                None
            }
        };
        let secret = secret.filter(|secret| {
            let text = secret.expose_secret();
            // An empty secret is a placeholder left behind; Zoom or Postgres would only refuse
            // it later, with an error that does not say where it came from.
            let checked = if text.is_empty() {
                Err("is empty; provide the secret, or remove the setting to leave it unset".into())
            } else {
                checks::check_text(key, text)
            };
            checked
                .map_err(|reason| self.report(key, Problem::Value(reason)))
                .is_ok()
        });
        let shown = secret
            .as_ref()
            .map_or(UNSET.to_owned(), |_| quoted("[redacted]"));
        self.printed.push((key.name, shown));
        secret
    }

    /// The valid value some source set, else the default; `None` if there is neither.
    fn value<T: Setting>(&mut self, key: &'static Key) -> Option<T> {
        let value = match self.inputs.get(key) {
            Some((Raw::Toml(value), _)) => value.clone(),
            Some((Raw::Secret(_), _)) => {
                panic!("`{}` is a secret: read it with `secret`", key.name)
            }
            None => key.default.toml()?,
        };
        let read = checks::check(key, &value)
            .map_err(Problem::Value)
            .and_then(|()| T::read(value));
        read.map_err(|problem| self.report(key, problem)).ok()
    }

    fn report(&mut self, key: &Key, problem: Problem) {
        let from_file = matches!(self.inputs.get(key), Some((_, Origin::File)));
        let error = match (problem, &self.inputs.file) {
            (Problem::Type(reason), Some(file)) if from_file => ConfigError::Malformed {
                key: key.name.to_owned(),
                file: file.clone(),
                reason,
            },
            (Problem::Type(reason) | Problem::Value(reason), _) => ConfigError::Invalid {
                key: self.inputs.origin_name(key),
                reason,
            },
        };
        self.errors.push(error);
    }
}
