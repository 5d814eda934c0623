//! The environment overlay, applied after the file. The environment is a function so that tests
//! never touch the process environment (`set_var` is unsafe in edition 2024).

use super::error::ConfigError;
use super::file::FileConfig;

/// Variables read through a function. An empty value counts as unset, since `VAR=` is how
/// systemd units and compose files leave a variable blank.
pub(super) struct Env<'a>(pub &'a dyn Fn(&str) -> Option<String>);

impl Env<'_> {
    pub fn get(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|value| !value.is_empty())
    }
}

/// Which source last set each key, so that an error names what the operator has to change: the
/// variable or credential that overrode a key, else the key itself.
#[derive(Debug, Default)]
pub(super) struct Origins(Vec<(&'static str, String)>);

impl Origins {
    pub fn set(&mut self, key: &'static str, origin: String) {
        self.0.retain(|(k, _)| *k != key);
        self.0.push((key, origin));
    }

    pub fn name(&self, key: &'static str) -> String {
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map_or_else(|| key.to_owned(), |(_, origin)| origin.clone())
    }
}

/// Overrides the file's non-secret keys from the environment (secrets: [`super::secrets`]).
pub(super) fn overlay(
    file: &mut FileConfig,
    env: &Env,
    origins: &mut Origins,
    errors: &mut Vec<ConfigError>,
) {
    let mut take = |var: &'static str, key: &'static str| {
        let value = env.get(var)?;
        origins.set(key, var.to_owned());
        Some(value)
    };
    let zoom = &mut file.zoom;
    if let Some(v) = take("ZOOM_ACCOUNT_ID", "zoom.account_id") {
        zoom.account_id = Some(v);
    }
    if let Some(v) = take("ZOOM_CLIENT_ID", "zoom.client_id") {
        zoom.client_id = Some(v);
    }
    if let Some(v) = take("ZOOM_API_BASE_URL", "zoom.api_base_url") {
        zoom.api_base_url = v;
    }
    if let Some(v) = take("ZOOM_OAUTH_BASE_URL", "zoom.oauth_base_url") {
        zoom.oauth_base_url = v;
    }
    if let Some(v) = take("ZOOM_PLAN", "zoom.plan") {
        zoom.plan = v;
    }
    if let Some(v) = take("ZOOM_RATE_LIMIT_SHARE", "zoom.rate_limit_share") {
        match v.trim().parse() {
            Ok(share) => zoom.rate_limit_share = share,
            Err(_) => errors.push(ConfigError::Invalid {
                key: "ZOOM_RATE_LIMIT_SHARE".into(),
                reason: format!("{v:?} is not a number; use a fraction in (0, 1] such as 0.8"),
            }),
        }
    }
    if let Some(v) = take("ZOOM_MIRROR_LISTEN", "http.listen") {
        file.http.listen = v;
    }
    if let Some(v) = take("ZOOM_MIRROR_LOG_FORMAT", "log.format") {
        file.log.format = v;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::testing::env_of;

    fn overlaid(file: &str, vars: &[(&str, &str)]) -> (FileConfig, Origins, Vec<ConfigError>) {
        let mut file: FileConfig = toml::from_str(file).unwrap();
        let (mut origins, mut errors) = (Origins::default(), Vec::new());
        let lookup = env_of(vars);
        overlay(&mut file, &Env(&lookup), &mut origins, &mut errors);
        (file, origins, errors)
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let (file, origins, errors) = overlaid(
            "[zoom]\nplan = \"free\"\naccount_id = \"file\"\n[http]\nlisten = \"0.0.0.0:1\"\n",
            &[
                ("ZOOM_PLAN", "business_plus"),
                ("ZOOM_MIRROR_LISTEN", "127.0.0.1:9"),
            ],
        );
        assert!(errors.is_empty());
        assert_eq!(file.zoom.plan, "business_plus");
        assert_eq!(file.http.listen, "127.0.0.1:9");
        assert_eq!(file.zoom.account_id.as_deref(), Some("file"));
        assert_eq!(origins.name("zoom.plan"), "ZOOM_PLAN");
        assert_eq!(origins.name("zoom.account_id"), "zoom.account_id");
    }

    #[test]
    fn an_empty_variable_counts_as_unset() {
        let (file, _, _) = overlaid("[zoom]\nplan = \"free\"\n", &[("ZOOM_PLAN", "")]);
        assert_eq!(file.zoom.plan, "free");
    }

    #[test]
    fn a_share_that_is_not_a_number_names_the_variable() {
        let (_, _, errors) = overlaid("", &[("ZOOM_RATE_LIMIT_SHARE", "most")]);
        let [error] = errors.as_slice() else {
            panic!("{errors:?}");
        };
        assert!(
            error
                .to_string()
                .starts_with("ZOOM_RATE_LIMIT_SHARE: \"most\" is not a number")
        );
    }
}
