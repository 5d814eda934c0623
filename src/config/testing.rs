//! Test helpers: injected environments and temporary directories.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::env::Env;
use super::{Config, ConfigErrors};

/// A default file that never exists, so that no test reads the machine's configuration.
pub(crate) const NO_DEFAULT: &str = "/nonexistent/zoom-mirror/zoom-mirror.toml";

/// The example configuration, which lists every key with its default.
pub(crate) const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/config/zoom-mirror.example.toml"
);

/// Loads `toml` as the config file, in an environment holding exactly `vars`.
pub(crate) fn load(toml: &str, vars: &[(&str, &str)]) -> Result<Config, ConfigErrors> {
    let dir = TempDir::new("load");
    let path = dir.write("zoom-mirror.toml", toml);
    let env = env_of(vars);
    super::load::load(Some(Path::new(&path)), Path::new(NO_DEFAULT), &Env(&env))
}

/// One message per error.
pub(crate) fn messages(errors: ConfigErrors) -> Vec<String> {
    errors.0.iter().map(ToString::to_string).collect()
}

/// An environment holding exactly `vars`.
pub(crate) fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

/// A fresh directory under the system's temp dir, removed on drop.
pub(crate) struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "zoom-mirror-config-{tag}-{}-{n}",
            std::process::id()
        ));
        // A crashed run with the same pid may have left it behind.
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }

    /// Writes `contents` to `name` in the directory and returns the file's path.
    pub fn write(&self, name: &str, contents: &str) -> String {
        let path = self.0.join(name);
        fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}
