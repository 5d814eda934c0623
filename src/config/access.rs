//! Values that only some commands need: `check-config` runs without a database, `migrate` without
//! Zoom credentials. Each command asks for what it uses, and `check-config` for everything `run`
//! uses.

use secrecy::SecretString;

use super::error::{ConfigError, ConfigErrors};
use super::keys;
use super::model::{Config, ZoomCredentials};

/// `name` is unset, and how to set it.
fn missing(name: &str) -> ConfigError {
    let key = keys::find(name);
    ConfigError::Missing {
        key: key.name,
        env: key.env.unwrap_or_default(),
    }
}

impl Config {
    pub fn database_url(&self) -> Result<&SecretString, ConfigError> {
        self.database
            .url
            .as_ref()
            .ok_or_else(|| missing("database.url"))
    }

    /// The app's three credentials, or an error for each one missing.
    pub fn zoom_credentials(&self) -> Result<ZoomCredentials, ConfigErrors> {
        let zoom = &self.zoom;
        let account_id = (zoom.account_id.clone()).ok_or_else(|| missing("zoom.account_id"));
        let client_id = (zoom.client_id.clone()).ok_or_else(|| missing("zoom.client_id"));
        let client_secret =
            (zoom.client_secret.clone()).ok_or_else(|| missing("zoom.client_secret"));
        match (account_id, client_id, client_secret) {
            (Ok(account_id), Ok(client_id), Ok(client_secret)) => Ok(ZoomCredentials {
                account_id,
                client_id,
                client_secret,
            }),
            (account_id, client_id, client_secret) => Err(ConfigErrors(
                [account_id.err(), client_id.err(), client_secret.err()]
                    .into_iter()
                    .flatten()
                    .collect(),
            )),
        }
    }

    /// Everything `run` needs is present; `check-config` calls this.
    pub fn validate_for_run(&self) -> Result<(), ConfigErrors> {
        let mut errors = Vec::new();
        if let Err(error) = self.database_url() {
            errors.push(error);
        }
        if let Err(ConfigErrors(missing)) = self.zoom_credentials() {
            errors.extend(missing);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ConfigErrors(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use crate::config::testing::{load, messages};

    #[test]
    fn a_missing_database_url_names_the_key_and_the_variable() {
        let config = load("", &[]).unwrap();
        let message = config.database_url().unwrap_err().to_string();
        assert!(
            message.starts_with("database.url is not set: "),
            "{message}"
        );
        assert!(message.contains("DATABASE_URL_FILE"), "{message}");
    }

    #[test]
    fn each_missing_credential_is_named() {
        let config = load("[zoom]\nclient_id = \"client\"\n", &[]).unwrap();
        let found = messages(config.zoom_credentials().unwrap_err());
        assert_eq!(
            found,
            [
                "zoom.account_id is not set: set `zoom.account_id` in the config file or \
                 ZOOM_ACCOUNT_ID in the environment",
                "zoom.client_secret is not set: load it as the systemd credential \
                 ZOOM_CLIENT_SECRET, point ZOOM_CLIENT_SECRET_FILE at a file holding it, or set \
                 ZOOM_CLIENT_SECRET",
            ]
        );
    }

    #[test]
    fn credentials_come_from_every_source() {
        let config = load(
            "[zoom]\naccount_id = \"acct\"\n",
            &[
                ("ZOOM_CLIENT_ID", "client"),
                ("ZOOM_CLIENT_SECRET", "s3cret"),
            ],
        )
        .unwrap();
        let credentials = config.zoom_credentials().unwrap();
        assert_eq!(credentials.account_id, "acct");
        assert_eq!(credentials.client_id, "client");
        assert_eq!(credentials.client_secret.expose_secret(), "s3cret");
    }

    #[test]
    fn a_run_needs_the_database_and_the_credentials() {
        let config = load("[zoom]\naccount_id = \"acct\"\n", &[]).unwrap();
        let found = messages(config.validate_for_run().unwrap_err());
        let keys: Vec<&str> = found.iter().filter_map(|m| m.split(' ').next()).collect();
        assert_eq!(
            keys,
            ["database.url", "zoom.client_id", "zoom.client_secret"]
        );
    }
}
