//! Configuration: a TOML file overlaid by the environment, secrets from files or systemd
//! credentials, validated strictly.

mod access;
mod env;
mod error;
mod file;
mod load;
mod model;
mod redact;
mod secrets;
#[cfg(test)]
mod testing;
mod validate;

pub use error::{ConfigError, ConfigErrors};
pub use model::*;
