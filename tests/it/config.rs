//! `check-config` through the real binary: bad keys are named, secrets never printed.

use std::path::PathBuf;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_zoom-mirror");
const SECRET: &str = "zm-client-secret-7f3a9c";
const DB_PASSWORD: &str = "db-pass-41d2";

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("zm-config-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, contents: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn check_config(args: &[&str], env: &[(&str, &str)]) -> (Output, String, String) {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .arg("check-config")
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    for (k, v) in env {
        command.env(k, v);
    }
    let out = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (out, stdout, stderr)
}

fn complete_env() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "DATABASE_URL",
            "postgres://mirror:db-pass-41d2@db.internal:5432/zoom",
        ),
        ("ZOOM_ACCOUNT_ID", "acct"),
        ("ZOOM_CLIENT_ID", "client"),
    ]
}

#[test]
fn an_unknown_key_is_named_with_its_path() {
    let dir = Scratch::new("unknown");
    let file = dir.file("z.toml", "[sync.users]\nschedul = \"0 0 * * * *\"\n");
    let (out, _, stderr) = check_config(&["--config", &file], &complete_env());
    assert!(!out.status.success());
    assert!(stderr.contains("sync.users.schedul"), "{stderr}");
}

#[test]
fn a_bad_value_and_a_five_field_cron_are_named() {
    let dir = Scratch::new("values");
    let file = dir.file(
        "z.toml",
        "[zoom]\nplan = \"gold\"\n[sync.users]\nschedule = \"0 * * * *\"\n",
    );
    let (out, _, stderr) = check_config(&["--config", &file], &complete_env());
    assert!(!out.status.success());
    assert!(
        stderr.contains("zoom.plan") && stderr.contains("gold"),
        "{stderr}"
    );
    assert!(
        stderr.contains("sync.users.schedule") && stderr.contains("six"),
        "{stderr}"
    );
}

#[test]
fn missing_credentials_are_each_named() {
    let (out, _, stderr) = check_config(&[], &[("DATABASE_URL", "postgres://x@h/db")]);
    assert!(!out.status.success());
    for key in ["zoom.account_id", "zoom.client_id", "zoom.client_secret"] {
        assert!(stderr.contains(key), "{key} in {stderr}");
    }
    assert!(!stderr.contains("database.url"), "{stderr}");
}

#[test]
fn secrets_from_files_are_used_and_never_printed() {
    let dir = Scratch::new("secrets");
    let secret_file = dir.file("secret", &format!("{SECRET}\n"));
    let mut env = complete_env();
    env.push(("ZOOM_CLIENT_SECRET_FILE", &secret_file));
    let (out, stdout, stderr) = check_config(&[], &env);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("client_secret = \"[redacted]\""),
        "{stdout}"
    );
    for leaked in [SECRET, DB_PASSWORD] {
        assert!(
            !stdout.contains(leaked) && !stderr.contains(leaked),
            "{leaked} printed"
        );
    }
}

#[test]
fn a_systemd_credential_wins_over_the_environment() {
    let dir = Scratch::new("credentials");
    dir.file("ZOOM_CLIENT_SECRET", SECRET);
    let credentials = dir.0.to_string_lossy().into_owned();
    let mut env = complete_env();
    env.push(("CREDENTIALS_DIRECTORY", &credentials));
    let (out, stdout, stderr) = check_config(&[], &env);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("client_secret = \"[redacted]\""),
        "{stdout}"
    );
    assert!(!stdout.contains(SECRET));
}

#[test]
fn a_missing_explicit_config_file_is_an_error() {
    let (out, _, stderr) = check_config(
        &["--config", "/nonexistent/zoom-mirror.toml"],
        &complete_env(),
    );
    assert!(!out.status.success());
    assert!(stderr.contains("/nonexistent/zoom-mirror.toml"), "{stderr}");
}
