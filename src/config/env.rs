//! The environment overlay, applied after the file. The environment is a function so that tests
//! never touch the process environment (`set_var` is unsafe in edition 2024).

use super::error::ConfigError;
use super::inputs::{Inputs, Origin, Raw};
use super::keys::{Check, DefaultValue, KEYS, Key};

/// Variables read through a function. An empty value counts as unset, since `VAR=` is how
/// systemd units and compose files leave a variable blank.
pub(super) struct Env<'a>(pub &'a dyn Fn(&str) -> Option<String>);

impl Env<'_> {
    pub fn get(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|value| !value.is_empty())
    }
}

/// Overrides the file's non-secret keys from their variables (secrets: [`super::secrets`]).
pub(super) fn overlay(inputs: &mut Inputs, env: &Env, errors: &mut Vec<ConfigError>) {
    for key in KEYS.iter().filter(|key| !key.secret) {
        let Some(var) = key.env else { continue };
        let Some(text) = env.get(var) else { continue };
        match typed(key, &text) {
            Ok(value) => inputs.set(key, Raw::Toml(value), Origin::Env(var.to_owned())),
            Err(reason) => errors.push(ConfigError::Invalid {
                key: var.to_owned(),
                reason,
            }),
        }
    }
}

/// A variable's text as a value of the key's type, which its default shows.
fn typed(key: &Key, text: &str) -> Result<toml::Value, String> {
    let trimmed = text.trim();
    match key.default {
        DefaultValue::Float(example) => trimmed.parse().map(toml::Value::Float).map_err(|_| {
            let what = match key.check {
                Check::Fraction => "a fraction in (0, 1]",
                _ => "a number",
            };
            format!("{text:?} is not a number; use {what} such as {example}")
        }),
        DefaultValue::Int(example) => (trimmed.parse().map(toml::Value::Integer))
            .map_err(|_| format!("{text:?} is not a whole number; use one such as {example}")),
        DefaultValue::Bool(_) => (trimmed.parse().map(toml::Value::Boolean))
            .map_err(|_| format!("{text:?} is neither true nor false")),
        DefaultValue::Text(_) | DefaultValue::Unset => Ok(toml::Value::String(text.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::testing::{load, messages};
    use zoom_api::plan::Plan;

    #[test]
    fn the_environment_overrides_the_file() {
        let config = load(
            "[zoom]\nplan = \"free\"\naccount_id = \"file\"\n[http]\nlisten = \"0.0.0.0:1\"\n",
            &[
                ("ZOOM_PLAN", "business_plus"),
                ("ZOOM_MIRROR_LISTEN", "127.0.0.1:9"),
            ],
        )
        .unwrap();
        assert_eq!(config.zoom.client.plan, Plan::BusinessPlus);
        assert_eq!(config.http.listen.to_string(), "127.0.0.1:9");
        assert_eq!(config.zoom.account_id.as_deref(), Some("file"));
    }

    #[test]
    fn an_empty_variable_counts_as_unset() {
        let config = load("[zoom]\nplan = \"free\"\n", &[("ZOOM_PLAN", "")]).unwrap();
        assert_eq!(config.zoom.client.plan, Plan::Free);
    }

    #[test]
    fn a_variable_takes_the_type_of_its_keys_default() {
        let key = |name| crate::config::keys::find(name);
        let value = |name, text| super::typed(key(name), text);
        assert_eq!(
            value("zoom.plan", " pro"),
            Ok(toml::Value::String(" pro".into()))
        );
        assert_eq!(
            value("zoom.max_attempts", " 7 "),
            Ok(toml::Value::Integer(7))
        );
        assert_eq!(
            value("write_back.allow_raw", "true"),
            Ok(toml::Value::Boolean(true))
        );
        assert_eq!(
            value("zoom.max_attempts", "seven"),
            Err("\"seven\" is not a whole number; use one such as 5".into())
        );
        assert!(value("write_back.allow_raw", "yes").is_err());
    }

    #[test]
    fn a_share_that_is_not_a_number_names_the_variable() {
        let found = messages(load("", &[("ZOOM_RATE_LIMIT_SHARE", "most")]).unwrap_err());
        assert_eq!(
            found,
            [
                "ZOOM_RATE_LIMIT_SHARE: \"most\" is not a number; use a fraction in (0, 1] such as 0.8"
            ]
        );
    }
}
