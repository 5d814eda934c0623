//! Configuration errors. Each names the key (or the variable, or the file) the operator has to
//! fix and says how; none ever contains a secret value.

use std::error::Error as _;
use std::fmt;
use std::io;
use std::path::PathBuf;

use super::keys::KEYS;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file has a key zoom-mirror does not know, most often a typo.
    #[error(
        "{}: unknown key `{key}` ({expected}); fix its spelling or remove it \
         (config/zoom-mirror.example.toml lists every key)",
        file.display()
    )]
    Unknown {
        key: String,
        file: PathBuf,
        expected: String,
    },
    /// The file is not valid TOML.
    #[error("{}:{line}:{column}: {reason}", file.display())]
    Syntax {
        file: PathBuf,
        line: usize,
        column: usize,
        reason: String,
    },
    /// A value in the file has the wrong type.
    #[error("{}: {key}: {reason}", file.display())]
    Malformed {
        key: String,
        file: PathBuf,
        reason: String,
    },
    /// A value has the right type but is unusable. `key` names where the value came from: the
    /// dotted key, or the variable or file that overrode it.
    #[error("{key}: {reason}")]
    Invalid { key: String, reason: String },
    /// A command needs a value that no source provides.
    #[error("{key} is not set: {}", how_to_set(key, env))]
    Missing {
        key: &'static str,
        env: &'static str,
    },
    /// A file named by the command line, the environment or systemd cannot be read.
    #[error("{what}: cannot read {}", path.display())]
    Read {
        what: String,
        path: PathBuf,
        source: io::Error,
    },
}

fn how_to_set(key: &str, env: &str) -> String {
    if KEYS.iter().any(|k| k.secret && k.env == Some(env)) {
        format!(
            "load it as the systemd credential {env}, point {env}_FILE at a file holding it, \
             or set {env}"
        )
    } else {
        format!("set `{key}` in the config file or {env} in the environment")
    }
}

/// Every problem found, so that one `check-config` run shows them all.
#[derive(Debug)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl From<ConfigError> for ConfigErrors {
    fn from(error: ConfigError) -> Self {
        ConfigErrors(vec![error])
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // One line per problem, each with its causes inline: the list hides the individual
        // errors from error-chain reporters such as anyhow's, so it must print them itself.
        if let [only] = self.0.as_slice() {
            return write_chain(f, only);
        }
        write!(f, "the configuration has {} problems:", self.0.len())?;
        for error in &self.0 {
            write!(f, "\n  ")?;
            write_chain(f, error)?;
        }
        Ok(())
    }
}

fn write_chain(f: &mut fmt::Formatter<'_>, error: &ConfigError) -> fmt::Result {
    write!(f, "{error}")?;
    let mut source = error.source();
    while let Some(cause) = source {
        write!(f, ": {cause}")?;
        source = cause.source();
    }
    Ok(())
}

impl std::error::Error for ConfigErrors {}
