//! Secrets, each from the first source that has it: the systemd credential
//! `$CREDENTIALS_DIRECTORY/<NAME>`, the file named by `<NAME>_FILE`, the variable `<NAME>`, and
//! last the TOML file. Credentials are named like their variables so that one rule covers all.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use secrecy::SecretString;

use super::env::Env;
use super::error::ConfigError;
use super::inputs::{Inputs, Origin, Raw};
use super::keys::KEYS;

/// Replaces each secret's file value by the first other source that has it.
pub(super) fn resolve(inputs: &mut Inputs, env: &Env, errors: &mut Vec<ConfigError>) {
    for key in KEYS.iter().filter(|key| key.secret) {
        let Some(name) = key.env else { continue };
        match lookup(name, env) {
            Ok(Some((secret, origin))) => inputs.set(key, Raw::Secret(secret), Origin::Env(origin)),
            Ok(None) => {}
            Err(error) => errors.push(error),
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

    use crate::config::testing::{TempDir, load, messages};
    use crate::config::{Config, ConfigErrors};

    const TOML: &str = "[zoom]\nclient_secret = \"from-toml\"\n";

    fn client_secret(config: &Config) -> &str {
        config.zoom.client_secret.as_ref().unwrap().expose_secret()
    }

    /// The one message of `errors`.
    fn message(errors: ConfigErrors) -> String {
        let found = messages(errors);
        assert_eq!(found.len(), 1, "{found:?}");
        found[0].clone()
    }

    #[test]
    fn the_toml_value_is_the_last_resort() {
        let config = load(TOML, &[]).unwrap();
        assert_eq!(client_secret(&config), "from-toml");
    }

    #[test]
    fn the_variable_beats_the_toml_value() {
        let config = load(TOML, &[("ZOOM_CLIENT_SECRET", "from-env")]).unwrap();
        assert_eq!(client_secret(&config), "from-env");
    }

    #[test]
    fn the_file_variable_beats_the_variable_and_loses_one_newline() {
        let dir = TempDir::new("secret-file");
        let path = dir.write("secret", "from-file\n\n");
        let vars = [
            ("ZOOM_CLIENT_SECRET", "from-env"),
            ("ZOOM_CLIENT_SECRET_FILE", path.as_str()),
        ];
        let config = load(TOML, &vars).unwrap();
        assert_eq!(client_secret(&config), "from-file\n");
    }

    #[test]
    fn a_systemd_credential_beats_everything() {
        let dir = TempDir::new("credentials");
        dir.write("ZOOM_CLIENT_SECRET", "from-credential\r\n");
        let other = dir.write("other", "from-file");
        let vars = [
            ("CREDENTIALS_DIRECTORY", dir.path()),
            ("ZOOM_CLIENT_SECRET_FILE", &other),
            ("ZOOM_CLIENT_SECRET", "from-env"),
        ];
        let config = load(TOML, &vars).unwrap();
        assert_eq!(client_secret(&config), "from-credential");
    }

    #[test]
    fn an_error_names_the_source_that_set_the_secret() {
        let dir = TempDir::new("credentials-bad-url");
        dir.write("DATABASE_URL", "mysql://u:p@h/d");
        let vars = [("CREDENTIALS_DIRECTORY", dir.path())];
        assert!(
            message(load("", &vars).unwrap_err()).starts_with(
                "$CREDENTIALS_DIRECTORY/DATABASE_URL: does not start with postgres://"
            )
        );
        let found = message(load("[database]\nurl = \"mysql://u:p@h/d\"\n", &[]).unwrap_err());
        assert!(found.starts_with("database.url: does not start"), "{found}");
    }

    #[test]
    fn a_credential_directory_without_that_credential_falls_through() {
        let dir = TempDir::new("credentials-partial");
        dir.write("DATABASE_URL", "postgres://u:p@h/d");
        let vars = [
            ("CREDENTIALS_DIRECTORY", dir.path()),
            ("ZOOM_CLIENT_SECRET", "from-env"),
        ];
        let config = load(TOML, &vars).unwrap();
        assert_eq!(client_secret(&config), "from-env");
        let url = config.database.url.unwrap();
        assert_eq!(url.expose_secret(), "postgres://u:p@h/d");
    }

    #[test]
    fn an_unreadable_file_variable_names_the_variable_and_the_path() {
        let dir = TempDir::new("secret-missing");
        let missing = format!("{}/nope", dir.path());
        let vars = [("ZOOM_WEBHOOK_SECRET_TOKEN_FILE", missing.as_str())];
        assert_eq!(
            message(load("", &vars).unwrap_err()),
            format!("ZOOM_WEBHOOK_SECRET_TOKEN_FILE: cannot read {missing}")
        );
    }

    #[test]
    fn an_empty_secret_is_refused_and_named() {
        let dir = TempDir::new("secret-empty");
        let path = dir.write("secret", "\n");
        let found = message(load("", &[("DATABASE_URL_FILE", &path)]).unwrap_err());
        assert!(found.starts_with("DATABASE_URL_FILE: is empty"), "{found}");
    }
}
