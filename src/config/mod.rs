//! Configuration: a TOML file overlaid by the environment, secrets from files or systemd
//! credentials, validated strictly. Every key is declared once, in [`keys`].

mod access;
mod checks;
mod env;
mod error;
mod file;
mod inputs;
mod keys;
mod load;
mod model;
mod read;
mod redact;
mod secrets;
#[cfg(test)]
mod testing;
mod validate;

pub use error::{ConfigError, ConfigErrors};
pub use model::*;
