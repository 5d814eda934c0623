//! Configuration: a TOML file overlaid by the environment, secrets from files or systemd
//! credentials, validated strictly.

mod model;

pub use model::*;
