//! Each key's raw value as its last source gave it, before any check: the file, then the
//! environment, then the secret sources each replace what came before.

use std::path::{Path, PathBuf};

use secrecy::SecretString;

use super::keys::Key;

pub(super) enum Raw {
    /// From the file, or a variable turned into the key's TOML type.
    Toml(toml::Value),
    Secret(SecretString),
}

/// Where a value came from, so that an error names what the operator has to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Origin {
    File,
    /// The variable, file variable or credential that set it.
    Env(String),
}

/// The file that was read, if any, and the values set by some source.
#[derive(Default)]
pub(super) struct Inputs {
    pub file: Option<PathBuf>,
    values: Vec<(&'static str, Raw, Origin)>,
}

impl Inputs {
    pub fn from_file(path: &Path) -> Inputs {
        Inputs {
            file: Some(path.to_owned()),
            values: Vec::new(),
        }
    }

    pub fn set(&mut self, key: &'static Key, value: Raw, origin: Origin) {
        self.values.retain(|(name, ..)| *name != key.name);
        self.values.push((key.name, value, origin));
    }

    pub fn get(&self, key: &Key) -> Option<(&Raw, &Origin)> {
        self.values
            .iter()
            .find(|(name, ..)| *name == key.name)
            .map(|(_, value, origin)| (value, origin))
    }

    /// What an error about `key` names: its source if that was not the file, else the key.
    pub fn origin_name(&self, key: &Key) -> String {
        match self.get(key) {
            Some((_, Origin::Env(origin))) => origin.clone(),
            _ => key.name.to_owned(),
        }
    }
}
