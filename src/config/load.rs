//! Finding the file and merging its sources: file, then environment, then secret sources.

use std::path::{Path, PathBuf};

use super::env::{self, Env};
use super::error::ConfigErrors;
use super::file;
use super::inputs::Inputs;
use super::model::Config;
use super::secrets;
use super::validate::validate;

const DEFAULT_FILE: &str = "/etc/zoom-mirror/zoom-mirror.toml";

impl Config {
    /// Loads the configuration from `file` (`--config`), else `$ZOOM_MIRROR_CONFIG`, else
    /// `/etc/zoom-mirror/zoom-mirror.toml` if it exists, overlaid by the process environment.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigErrors> {
        // A variable that is not UTF-8 counts as unset: the resulting "not set" error names it,
        // where a lossy conversion would silently corrupt a secret.
        Config::load_from(file, &|name| std::env::var(name).ok())
    }

    /// [`Config::load`] with `env` standing in for the process environment.
    pub fn load_from(
        file: Option<&Path>,
        env: &impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigErrors> {
        load(file, Path::new(DEFAULT_FILE), &Env(env))
    }
}

/// The loader with the default file as a parameter, so that tests do not depend on the machine.
pub(super) fn load(
    explicit: Option<&Path>,
    default: &Path,
    env: &Env,
) -> Result<Config, ConfigErrors> {
    let mut errors = Vec::new();
    let mut inputs = match locate(explicit, default, env) {
        Some((path, what)) => file::read(&path, what, &mut errors)?,
        None => Inputs::default(),
    };
    env::overlay(&mut inputs, env, &mut errors);
    secrets::resolve(&mut inputs, env, &mut errors);
    validate(&inputs, errors)
}

/// The file to read and who named it. A named file must exist; the default one is optional.
fn locate(explicit: Option<&Path>, default: &Path, env: &Env) -> Option<(PathBuf, &'static str)> {
    if let Some(path) = explicit {
        return Some((path.to_owned(), "--config"));
    }
    if let Some(path) = env.get("ZOOM_MIRROR_CONFIG") {
        return Some((path.into(), "ZOOM_MIRROR_CONFIG"));
    }
    // When it cannot be checked (a permission error), reading it reports why.
    let absent = matches!(default.try_exists(), Ok(false));
    (!absent).then(|| (default.to_owned(), "config file"))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::config::testing::{NO_DEFAULT, TempDir, env_of, load as load_toml};
    use zoom_api::plan::Plan;

    use crate::config::testing::EXAMPLE;

    fn load_with(
        explicit: Option<&str>,
        default: &str,
        vars: &[(&str, &str)],
    ) -> Result<Config, ConfigErrors> {
        let env = env_of(vars);
        load(explicit.map(Path::new), Path::new(default), &Env(&env))
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let config = load_toml(
            "[zoom]\nplan = \"free\"\naccount_id = \"from-file\"\nclient_id = \"from-file\"\n",
            &[
                ("ZOOM_PLAN", "business_plus"),
                ("ZOOM_CLIENT_ID", "from-env"),
            ],
        )
        .unwrap();
        assert_eq!(config.zoom.client.plan, Plan::BusinessPlus);
        assert_eq!(config.zoom.account_id.as_deref(), Some("from-file"));
        assert_eq!(config.zoom.client_id.as_deref(), Some("from-env"));
    }

    #[test]
    fn an_explicit_file_beats_the_variable_and_must_exist() {
        let dir = TempDir::new("locate");
        let named = dir.write("named.toml", "[zoom]\nplan = \"free\"\n");
        let config = load_with(
            Some(&named),
            NO_DEFAULT,
            &[("ZOOM_MIRROR_CONFIG", "/nope.toml")],
        );
        assert_eq!(config.unwrap().file.as_deref(), Some(Path::new(&named)));

        let missing = format!("{}/missing.toml", dir.path());
        let error = load_with(Some(&missing), NO_DEFAULT, &[]).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!("--config: cannot read {missing}: No such file or directory (os error 2)")
        );
    }

    #[test]
    fn the_variable_beats_the_default_file_and_must_exist() {
        let dir = TempDir::new("locate-env");
        let named = dir.write("named.toml", "");
        let default = dir.write("default.toml", "");
        let config = load_with(None, &default, &[("ZOOM_MIRROR_CONFIG", &named)]).unwrap();
        assert_eq!(config.file.as_deref(), Some(Path::new(&named)));

        let error = load_with(None, &default, &[("ZOOM_MIRROR_CONFIG", "/nope.toml")]);
        let message = error.unwrap_err().to_string();
        assert!(
            message.starts_with("ZOOM_MIRROR_CONFIG: cannot read /nope.toml"),
            "{message}"
        );
    }

    #[test]
    fn the_default_file_is_read_only_if_it_exists() {
        let dir = TempDir::new("locate-default");
        let default = dir.write("default.toml", "[zoom]\nplan = \"free\"\n");
        let config = load_with(None, &default, &[]).unwrap();
        assert_eq!(config.zoom.client.plan, Plan::Free);

        let config = load_with(None, NO_DEFAULT, &[]).unwrap();
        assert_eq!(config.file, None);
        assert_eq!(config.zoom.client.plan, Plan::Pro);
    }

    #[test]
    fn everything_a_run_needs_can_come_from_the_environment() {
        let vars = [
            ("DATABASE_URL", "postgres://zoom:pw@localhost/zoom"),
            ("ZOOM_ACCOUNT_ID", "acct"),
            ("ZOOM_CLIENT_ID", "client"),
            ("ZOOM_CLIENT_SECRET", "secret"),
        ];
        let config = load_with(None, NO_DEFAULT, &vars).unwrap();
        config.validate_for_run().unwrap();
    }

    #[test]
    fn the_example_file_loads_and_shows_the_defaults() {
        let example = load_with(Some(EXAMPLE), NO_DEFAULT, &[]).unwrap();
        let defaults = load_with(None, NO_DEFAULT, &[]).unwrap();
        // Past the first line, which names the file.
        let body = |config: &Config| {
            config
                .redacted()
                .lines()
                .skip(1)
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(body(&example), body(&defaults));
    }
}
