//! Values that only some commands need: `check-config` runs without a database, `migrate` without
//! Zoom credentials. Each command asks for what it uses, and `check-config` for everything `run`
//! uses.

use secrecy::SecretString;

use super::error::{ConfigError, ConfigErrors};
use super::keys;
use super::model::{AuthKind, Config, OAuthSettings, ZoomAuth, ZoomCredentials};
use crate::oauth::TokenKey;
use crate::zoom::oauth::OAuthApp;

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

    /// What the client connects with, per `zoom.auth`, or an error for each value missing.
    pub fn zoom_auth(&self) -> Result<ZoomAuth, ConfigErrors> {
        match self.zoom.auth {
            AuthKind::ServerToServer => self.zoom_credentials().map(ZoomAuth::ServerToServer),
            AuthKind::OAuth => self.oauth_settings().map(ZoomAuth::OAuth),
        }
    }

    /// A user-authorized app's client and token key (`zoom.auth = "oauth"`), which takes no
    /// account ID: the account is the authorizing user's.
    pub fn oauth_settings(&self) -> Result<OAuthSettings, ConfigErrors> {
        let zoom = &self.zoom;
        let mut errors = Vec::new();
        if zoom.auth != AuthKind::OAuth {
            errors.push(ConfigError::Invalid {
                key: "zoom.auth".into(),
                reason: "is \"s2s\"; set it to \"oauth\" (or ZOOM_AUTH=oauth) to connect with \
                         an OAuth app a user authorizes"
                    .into(),
            });
        }
        if zoom.account_id.is_some() {
            errors.push(ConfigError::Invalid {
                key: "zoom.account_id".into(),
                reason: "is set, but zoom.auth = \"oauth\" takes no account ID (the account is \
                         the authorizing user's); remove it, or use zoom.auth = \"s2s\""
                    .into(),
            });
        }
        let client_id = (zoom.client_id.clone()).ok_or_else(|| missing("zoom.client_id"));
        let client_secret =
            (zoom.client_secret.clone()).ok_or_else(|| missing("zoom.client_secret"));
        let token_key = (zoom.token_key.as_ref())
            .ok_or_else(|| missing("zoom.token_key"))
            .and_then(|text| {
                TokenKey::parse(text).map_err(|reason| ConfigError::Invalid {
                    key: crate::oauth::key::KEY_VAR.into(),
                    reason,
                })
            });
        match (client_id, client_secret, token_key) {
            (Ok(client_id), Ok(client_secret), Ok(token_key)) if errors.is_empty() => {
                Ok(OAuthSettings {
                    app: OAuthApp {
                        client_id,
                        client_secret,
                    },
                    token_key,
                })
            }
            (client_id, client_secret, token_key) => {
                errors.extend(
                    [client_id.err(), client_secret.err(), token_key.err()]
                        .into_iter()
                        .flatten(),
                );
                Err(ConfigErrors(errors))
            }
        }
    }

    /// Everything `run` needs is present; `check-config` calls this.
    pub fn validate_for_run(&self) -> Result<(), ConfigErrors> {
        let mut errors = Vec::new();
        if let Err(error) = self.database_url() {
            errors.push(error);
        }
        if let Err(ConfigErrors(missing)) = self.zoom_auth() {
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
    fn oauth_needs_the_client_and_the_token_key_and_no_account_id() {
        let oauth = [("ZOOM_AUTH", "oauth")];
        let config = load("[zoom]\naccount_id = \"acct\"\n", &oauth).unwrap();
        let found = messages(config.validate_for_run().unwrap_err());
        let keys: Vec<&str> = found
            .iter()
            .filter_map(|m| m.split([' ', ':']).next())
            .collect();
        assert_eq!(
            keys,
            [
                "database.url",
                "zoom.account_id",
                "zoom.client_id",
                "zoom.client_secret",
                "zoom.token_key"
            ],
            "{found:?}"
        );
        let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        let vars = [
            ("ZOOM_AUTH", "oauth"),
            ("ZOOM_CLIENT_ID", "client"),
            ("ZOOM_CLIENT_SECRET", "s3cret"),
            ("ZOOM_MIRROR_TOKEN_KEY", key),
        ];
        let settings = load("", &vars).unwrap().oauth_settings().unwrap();
        assert_eq!(settings.app.client_id, "client");
        let short = [("ZOOM_MIRROR_TOKEN_KEY", "AAECAwQFBgcICQoLDA0ODw==")];
        let found = messages(load("", &short).unwrap_err());
        assert!(
            found[0].starts_with("ZOOM_MIRROR_TOKEN_KEY: is 16 bytes once decoded, not 32"),
            "{found:?}"
        );
        assert!(!found[0].contains("AAECAwQ"), "the key is never quoted");
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
