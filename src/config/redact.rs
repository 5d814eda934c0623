//! The effective configuration as text for `check-config`: TOML in the file's layout, so that an
//! operator can compare it with the file, with secrets replaced and unset values marked.

use std::fmt::Write as _;

use super::keys;
use super::model::Config;

impl Config {
    /// Every key with its effective value; a set secret shows as `"[redacted]"` (the whole
    /// database URL, since it holds the password), anything unset as `<unset>`.
    pub fn redacted(&self) -> String {
        let mut out = match &self.file {
            Some(path) => format!(
                "# zoom-mirror configuration: {} and the environment\n",
                path.display()
            ),
            None => "# zoom-mirror configuration: no file, the environment and defaults\n".into(),
        };
        let mut section = "";
        for (name, value) in &self.printed {
            let key = keys::find(name);
            // Writing to a String cannot fail.
            if key.section() != section {
                section = key.section();
                let _ = writeln!(out, "\n[{section}]");
            }
            let _ = writeln!(out, "{} = {value}", key.leaf());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use crate::config::testing::{TempDir, load};

    const SECRETS: [&str; 4] = ["hunter2", "client-s3cret", "hook-t0ken", "pgpass"];

    fn assert_hidden(text: &str) {
        for secret in SECRETS {
            assert!(!text.contains(secret), "{secret} leaked into:\n{text}");
        }
    }

    #[test]
    fn secrets_from_every_source_never_print() {
        let dir = TempDir::new("redact");
        let token = dir.write("token", "hook-t0ken\n");
        let config = load(
            "[database]\nurl = \"postgres://zoom:hunter2@db/zoom\"\n\
             [zoom]\naccount_id = \"a\"\nclient_id = \"c\"\nclient_secret = \"client-s3cret\"\n",
            &[("ZOOM_WEBHOOK_SECRET_TOKEN_FILE", &token)],
        )
        .unwrap();
        let redacted = config.redacted();
        assert_hidden(&redacted);
        assert_hidden(&format!("{config:?}"));
        assert!(
            redacted.contains("\n[database]\nurl = \"[redacted]\"\n"),
            "{redacted}"
        );
        assert!(
            redacted.contains("\nclient_secret = \"[redacted]\"\n"),
            "{redacted}"
        );
        assert!(
            redacted.contains("\nsecret_token = \"[redacted]\"\n"),
            "{redacted}"
        );
        let credentials = config.zoom_credentials().unwrap();
        assert_hidden(&format!("{credentials:?}"));
    }

    #[test]
    fn a_database_url_from_the_environment_is_hidden_whole() {
        let config = load(
            "",
            &[("DATABASE_URL", "postgres://pgpass@db.internal/zoom")],
        )
        .unwrap();
        let redacted = config.redacted();
        assert_hidden(&redacted);
        assert!(!redacted.contains("db.internal"), "{redacted}");
    }

    #[test]
    fn unset_values_are_marked() {
        let redacted = load("", &[]).unwrap().redacted();
        assert!(redacted.contains("\nurl = <unset>\n"), "{redacted}");
        assert!(redacted.contains("\naccount_id = <unset>\n"), "{redacted}");
        assert!(redacted.contains("\nheavy = <unset>\n"), "{redacted}");
        assert!(redacted.contains("\nplan = \"pro\"\n"), "{redacted}");
        assert!(
            redacted.ends_with("[log]\nformat = \"text\"\n"),
            "{redacted}"
        );
    }
}
