//! Secrets, each from the first source that has it: the systemd credential
//! `$CREDENTIALS_DIRECTORY/<NAME>`, the file named by `<NAME>_FILE`, the variable `<NAME>`, and
//! last the TOML file. Credentials are named like their variables so that one rule covers all.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use secrecy::{ExposeSecret, SecretString};

use super::env::{Env, Origins};
use super::error::ConfigError;
use super::file::FileConfig;

/// The variables (and credential names) that hold secrets.
pub(super) const NAMES: [&str; 3] = [
    "DATABASE_URL",
    "ZOOM_CLIENT_SECRET",
    "ZOOM_WEBHOOK_SECRET_TOKEN",
];

/// Whether the dotted `key` holds a secret, so that no message ever quotes its value.
pub(super) fn is_secret_key(key: &str) -> bool {
    matches!(
        key,
        "database.url" | "zoom.client_secret" | "webhooks.secret_token"
    )
}

/// Replaces each secret in `file` by the first source that has it.
pub(super) fn resolve(
    file: &mut FileConfig,
    env: &Env,
    origins: &mut Origins,
    errors: &mut Vec<ConfigError>,
) {
    let slots = [
        ("DATABASE_URL", "database.url", &mut file.database.url),
        (
            "ZOOM_CLIENT_SECRET",
            "zoom.client_secret",
            &mut file.zoom.client_secret,
        ),
        (
            "ZOOM_WEBHOOK_SECRET_TOKEN",
            "webhooks.secret_token",
            &mut file.webhooks.secret_token,
        ),
    ];
    for (name, key, slot) in slots {
        match lookup(name, env) {
            Ok(Some((secret, origin))) => {
                *slot = Some(secret);
                origins.set(key, origin);
            }
            Ok(None) => {}
            Err(error) => errors.push(error),
        }
        // An empty secret is a placeholder left behind; Zoom or Postgres would only refuse it
        // later, with an error that does not say where it came from.
        if slot.as_ref().is_some_and(|s| s.expose_secret().is_empty()) {
            errors.push(ConfigError::Invalid {
                key: origins.name(key),
                reason: "is empty; provide the secret, or remove the setting to leave it unset"
                    .into(),
            });
        }
    }
}

/// The secret `name` and where it came from, or `None` to keep the TOML value.
fn lookup(name: &str, env: &Env) -> Result<Option<(SecretString, String)>, ConfigError> {
    if let Some(dir) = env.get("CREDENTIALS_DIRECTORY") {
        let path = Path::new(&dir).join(name);
        match fs::read_to_string(&path) {
            Ok(text) => {
                return Ok(Some((
                    from_file(text),
                    format!("$CREDENTIALS_DIRECTORY/{name}"),
                )));
            }
            // The unit may load only some of the secrets as credentials.
            Err(error) if error.kind() == io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(ConfigError::Read {
                    what: format!("credential {name}"),
                    path,
                    source,
                });
            }
        }
    }
    let file_var = format!("{name}_FILE");
    if let Some(path) = env.get(&file_var) {
        let text = fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            what: file_var.clone(),
            path: PathBuf::from(path),
            source,
        })?;
        return Ok(Some((from_file(text), file_var)));
    }
    Ok(env
        .get(name)
        .map(|value| (SecretString::from(value), name.to_owned())))
}

/// Drops the one newline that editors and `echo` put at the end of a file.
fn from_file(mut text: String) -> SecretString {
    if text.ends_with('\n') {
        text.pop();
        if text.ends_with('\r') {
            text.pop();
        }
    }
    SecretString::from(text)
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;
    use crate::config::testing::{TempDir, env_of};

    /// Resolves the secrets of `toml` in `vars`.
    fn resolved(toml: &str, vars: &[(&str, &str)]) -> (FileConfig, Origins, Vec<ConfigError>) {
        let mut file: FileConfig = toml::from_str(toml).unwrap();
        let (mut origins, mut errors) = (Origins::default(), Vec::new());
        let lookup = env_of(vars);
        resolve(&mut file, &Env(&lookup), &mut origins, &mut errors);
        (file, origins, errors)
    }

    fn client_secret(file: &FileConfig) -> &str {
        file.zoom.client_secret.as_ref().unwrap().expose_secret()
    }

    const TOML: &str = "[zoom]\nclient_secret = \"from-toml\"\n";

    #[test]
    fn the_toml_value_is_the_last_resort() {
        let (file, origins, errors) = resolved(TOML, &[]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(client_secret(&file), "from-toml");
        assert_eq!(origins.name("zoom.client_secret"), "zoom.client_secret");
    }

    #[test]
    fn the_variable_beats_the_toml_value() {
        let (file, origins, _) = resolved(TOML, &[("ZOOM_CLIENT_SECRET", "from-env")]);
        assert_eq!(client_secret(&file), "from-env");
        assert_eq!(origins.name("zoom.client_secret"), "ZOOM_CLIENT_SECRET");
    }

    #[test]
    fn the_file_variable_beats_the_variable_and_loses_one_newline() {
        let dir = TempDir::new("secret-file");
        let path = dir.write("secret", "from-file\n\n");
        let (file, origins, errors) = resolved(
            TOML,
            &[
                ("ZOOM_CLIENT_SECRET", "from-env"),
                ("ZOOM_CLIENT_SECRET_FILE", &path),
            ],
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(client_secret(&file), "from-file\n");
        assert_eq!(
            origins.name("zoom.client_secret"),
            "ZOOM_CLIENT_SECRET_FILE"
        );
    }

    #[test]
    fn a_systemd_credential_beats_everything() {
        let dir = TempDir::new("credentials");
        dir.write("ZOOM_CLIENT_SECRET", "from-credential\r\n");
        let other = dir.write("other", "from-file");
        let (file, origins, _) = resolved(
            TOML,
            &[
                ("CREDENTIALS_DIRECTORY", dir.path()),
                ("ZOOM_CLIENT_SECRET_FILE", &other),
                ("ZOOM_CLIENT_SECRET", "from-env"),
            ],
        );
        assert_eq!(client_secret(&file), "from-credential");
        assert_eq!(
            origins.name("zoom.client_secret"),
            "$CREDENTIALS_DIRECTORY/ZOOM_CLIENT_SECRET"
        );
    }

    #[test]
    fn a_credential_directory_without_that_credential_falls_through() {
        let dir = TempDir::new("credentials-partial");
        dir.write("DATABASE_URL", "postgres://u:p@h/d");
        let (file, _, errors) = resolved(
            TOML,
            &[
                ("CREDENTIALS_DIRECTORY", dir.path()),
                ("ZOOM_CLIENT_SECRET", "from-env"),
            ],
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(client_secret(&file), "from-env");
        let url = file.database.url.unwrap();
        assert_eq!(url.expose_secret(), "postgres://u:p@h/d");
    }

    #[test]
    fn an_unreadable_file_variable_names_the_variable_and_the_path() {
        let dir = TempDir::new("secret-missing");
        let missing = format!("{}/nope", dir.path());
        let (_, _, errors) = resolved("", &[("ZOOM_WEBHOOK_SECRET_TOKEN_FILE", &missing)]);
        let [error] = errors.as_slice() else {
            panic!("{errors:?}");
        };
        assert_eq!(
            error.to_string(),
            format!("ZOOM_WEBHOOK_SECRET_TOKEN_FILE: cannot read {missing}")
        );
    }

    #[test]
    fn an_empty_secret_is_refused_and_named() {
        let dir = TempDir::new("secret-empty");
        let path = dir.write("secret", "\n");
        let (_, _, errors) = resolved("", &[("DATABASE_URL_FILE", &path)]);
        let [error] = errors.as_slice() else {
            panic!("{errors:?}");
        };
        assert!(
            error.to_string().starts_with("DATABASE_URL_FILE: is empty"),
            "{error}"
        );
    }
}
