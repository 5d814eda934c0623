//! The TOML file as written: each key's value is taken as it stands, to be checked with the
//! others; unknown keys are refused so that a typo fails `check-config` instead of silently
//! keeping a default.

use std::fs;
use std::path::Path;

use super::error::ConfigError;
use super::inputs::{Inputs, Origin, Raw};
use super::keys::KEYS;

/// Reads and parses `path`; `what` says who named it, for the error. Unknown keys go to
/// `errors`, every one of them, and the rest is read; a file that is not TOML is an error.
pub(super) fn read(
    path: &Path,
    what: &str,
    errors: &mut Vec<ConfigError>,
) -> Result<Inputs, ConfigError> {
    let text = fs::read_to_string(path).map_err(|source| ConfigError::Read {
        what: what.to_owned(),
        path: path.to_owned(),
        source,
    })?;
    parse(&text, path, errors)
}

fn parse(text: &str, path: &Path, errors: &mut Vec<ConfigError>) -> Result<Inputs, ConfigError> {
    let document: toml::Table = text.parse().map_err(|error: toml::de::Error| {
        let (line, column) = position(text, error.span().map_or(0, |span| span.start));
        // Only the message: toml's Display quotes the offending line, which may hold a secret.
        ConfigError::Syntax {
            file: path.to_owned(),
            line,
            column,
            reason: error.message().to_owned(),
        }
    })?;
    let mut inputs = Inputs::from_file(path);
    take("", document, &mut inputs, errors);
    Ok(inputs)
}

/// Takes the keys of `table`, the section `prefix`, into `inputs`.
fn take(prefix: &str, table: toml::Table, inputs: &mut Inputs, errors: &mut Vec<ConfigError>) {
    for (name, value) in table {
        let dotted = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}.{name}")
        };
        if let Some(key) = KEYS.iter().find(|key| key.name == dotted) {
            inputs.set(key, Raw::Toml(value), Origin::File);
            continue;
        }
        let file = inputs.file.clone().unwrap_or_default();
        if !is_section(&dotted) {
            errors.push(ConfigError::Unknown {
                expected: expected(prefix),
                key: dotted,
                file,
            });
            continue;
        }
        match value {
            toml::Value::Table(inner) => take(&dotted, inner, inputs, errors),
            other => errors.push(ConfigError::Malformed {
                reason: format!(
                    "invalid type: {}, expected a table: write [{dotted}] above its keys",
                    other.type_str()
                ),
                key: dotted,
                file,
            }),
        }
    }
}

fn is_section(dotted: &str) -> bool {
    KEYS.iter().any(|key| {
        key.name
            .strip_prefix(dotted)
            .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// The names allowed in section `prefix`, worded as serde words its own refusals.
fn expected(prefix: &str) -> String {
    let mut names: Vec<&str> = Vec::new();
    for key in KEYS {
        let rest = match prefix {
            "" => Some(key.name),
            _ => key
                .name
                .strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('.')),
        };
        let Some(name) = rest.map(|rest| rest.split('.').next().unwrap_or(rest)) else {
            continue;
        };
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.as_slice() {
        [] => "there are no fields".to_owned(),
        [one] => format!("expected {one}"),
        [a, b] => format!("expected {a} or {b}"),
        all => format!("expected one of {}", all.join(", ")),
    }
}

/// 1-based line and column of byte `offset` in `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use crate::config::ConfigError;
    use crate::config::testing::{load, messages};

    /// The one error of loading `text`.
    fn error(text: &str) -> ConfigError {
        let mut errors = load(text, &[]).unwrap_err();
        assert_eq!(errors.0.len(), 1, "{errors}");
        errors.0.remove(0)
    }

    #[test]
    fn an_unknown_key_is_named_with_its_dotted_path_and_the_file() {
        let error = error("[sync.users]\nschedul = \"0 0 * * * *\"\n");
        let ConfigError::Unknown { key, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(key, "sync.users.schedul");
        let message = error.to_string();
        assert!(
            message.contains("zoom-mirror.toml: unknown key `sync.users.schedul` (expected `enabled` or `schedule`)"),
            "{message}"
        );
    }

    #[test]
    fn every_unknown_key_is_named() {
        let text = "[databse]\nurl = \"x\"\n[sync.users]\nschedul = \"0 0 * * * *\"\n\
                    [write_back]\nlease = 5\nconcurrency = 2\n";
        let errors = load(text, &[]).unwrap_err();
        let keys: Vec<&str> = errors
            .0
            .iter()
            .map(|e| match e {
                ConfigError::Unknown { key, .. } => key.as_str(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(keys, ["databse", "sync.users.schedul", "write_back.lease"]);
        assert!(
            errors
                .to_string()
                .starts_with("the configuration has 3 problems:")
        );
    }

    #[test]
    fn unknown_keys_and_a_mistyped_value_are_all_named() {
        let text = "[database]\nmax_conections = 3\nmax_connections = \"ten\"\n";
        let errors = load(text, &[]).unwrap_err();
        assert_eq!(errors.0.len(), 2, "{errors}");
        assert!(
            matches!(&errors.0[1], ConfigError::Malformed { key, .. } if key == "database.max_connections")
        );
    }

    #[test]
    fn an_unknown_section_is_named_with_the_sections_there_are() {
        let message = error("[databse]\nurl = \"x\"\n").to_string();
        assert!(
            message.contains(
                "unknown key `databse` (expected one of `database`, `zoom`, `webhooks`, `http`, \
                 `sync`, `write_back`, `service`, `log`)"
            ),
            "{message}"
        );
    }

    #[test]
    fn a_section_given_a_value_is_named() {
        let message = error("sync = 5\n").to_string();
        assert!(
            message.ends_with("zoom-mirror.toml: sync: invalid type: integer, expected a table: write [sync] above its keys"),
            "{message}"
        );
    }

    #[test]
    fn a_mistyped_value_is_named() {
        let message = error("[database]\nmax_connections = \"ten\"\n").to_string();
        assert!(
            message.ends_with("zoom-mirror.toml: database.max_connections: invalid type: string \"ten\", expected usize"),
            "{message}"
        );
    }

    #[test]
    fn a_mistyped_secret_is_not_echoed() {
        let message = error("[zoom]\nclient_secret = 981273645\n").to_string();
        assert!(
            message.ends_with("zoom-mirror.toml: zoom.client_secret: must be a string"),
            "{message}"
        );
    }

    #[test]
    fn a_syntax_error_gives_the_position_but_not_the_line() {
        let message = error("[zoom]\nclient_secret = hunter2\n").to_string();
        assert!(message.contains("zoom-mirror.toml:2:17: "), "{message}");
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn integers_are_accepted_where_fractions_are_expected() {
        let config = load(
            "[zoom]\nrate_limit_share = 1\n[zoom.rate_limits]\nheavy = 5\n",
            &[],
        );
        let zoom = config.unwrap().zoom.client;
        assert_eq!(zoom.rate_limit_share, 1.0);
        assert_eq!(
            zoom.rate_limit_overrides,
            [(zoom_api::plan::Label::Heavy, 5.0)]
        );
    }

    #[test]
    fn secrets_parse_into_secret_strings() {
        let config = load("[webhooks]\nsecret_token = \"tok\"\n", &[]).unwrap();
        let token = config.webhooks.secret_token.unwrap();
        assert_eq!(token.expose_secret(), "tok");
        assert!(
            messages(load("[webhooks]\nsecret_token = \"\"\n", &[]).unwrap_err())[0]
                .starts_with("webhooks.secret_token: is empty")
        );
    }
}
