//! `check-config` through the real binary, in a controlled environment: bad keys are named,
//! secrets never printed. Every run names its config file, so the machine's
//! /etc/zoom-mirror/zoom-mirror.toml never takes part.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_zoom-mirror");
const SECRET: &str = "zm-client-secret-7f3a9c";
const DB_PASSWORD: &str = "db-pass-41d2";
const COMPLETE: &str = "[zoom]\naccount_id = \"acct\"\nclient_id = \"client\"\n";

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("zm-it-config-{name}-{}-{n}", std::process::id()));
        // A crashed run with the same pid may have left it behind.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, contents: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_owned()
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

struct Run {
    output: Output,
    stdout: String,
    stderr: String,
}

/// `zoom-mirror --config <toml> check-config` with only PATH and `env` set.
fn check_config(dir: &Scratch, toml: &str, env: &[(&str, &str)]) -> Run {
    let config = dir.file("zoom-mirror.toml", toml);
    let mut command = Command::new(BIN);
    command
        .args(["--config", &config, "check-config"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command.envs(env.iter().copied());
    let output = command.output().unwrap();
    Run {
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        output,
    }
}

fn database_url() -> String {
    format!("postgres://mirror:{DB_PASSWORD}@db.internal:5432/zoom")
}

/// Fails with a message naming each of `keys`.
fn assert_refused(run: &Run, keys: &[&str]) {
    assert!(!run.output.status.success(), "accepted:\n{}", run.stdout);
    assert!(run.stderr.starts_with("Error: "), "{}", run.stderr);
    for key in keys {
        assert!(run.stderr.contains(key), "{key} not in {}", run.stderr);
    }
}

#[test]
fn an_unknown_key_is_named_with_its_path() {
    let dir = Scratch::new("unknown");
    let toml = format!("{COMPLETE}[sync.users]\nschedul = \"0 0 * * * *\"\n");
    let url = database_url();
    let run = check_config(
        &dir,
        &toml,
        &[("DATABASE_URL", &url), ("ZOOM_CLIENT_SECRET", SECRET)],
    );
    assert_refused(&run, &["sync.users.schedul", "zoom-mirror.toml"]);
}

#[test]
fn a_bad_plan_and_a_five_field_cron_are_named() {
    let dir = Scratch::new("values");
    let toml = format!("{COMPLETE}plan = \"gold\"\n[sync.users]\nschedule = \"0 * * * *\"\n");
    let url = database_url();
    let run = check_config(
        &dir,
        &toml,
        &[("DATABASE_URL", &url), ("ZOOM_CLIENT_SECRET", SECRET)],
    );
    assert_refused(
        &run,
        &[
            "zoom.plan: unknown plan \"gold\"",
            "sync.users.schedule: \"0 * * * *\" has five fields",
        ],
    );
}

#[test]
fn a_missing_client_id_is_named_with_its_variable() {
    let dir = Scratch::new("missing");
    let url = database_url();
    let run = check_config(
        &dir,
        "[zoom]\naccount_id = \"acct\"\n",
        &[("DATABASE_URL", &url), ("ZOOM_CLIENT_SECRET", SECRET)],
    );
    assert_refused(&run, &["zoom.client_id", "ZOOM_CLIENT_ID"]);
    assert!(!run.stderr.contains("zoom.account_id"), "{}", run.stderr);
    assert!(!run.stderr.contains("database.url"), "{}", run.stderr);
}

#[test]
fn a_secret_from_a_file_is_used_and_never_printed() {
    let dir = Scratch::new("secret-file");
    let secret_file = dir.file("client-secret", &format!("{SECRET}\n"));
    let url = database_url();
    let run = check_config(
        &dir,
        COMPLETE,
        &[
            ("DATABASE_URL", &url),
            ("ZOOM_CLIENT_SECRET_FILE", &secret_file),
        ],
    );
    assert!(run.output.status.success(), "{}", run.stderr);
    assert!(
        run.stdout.contains("\nclient_secret = \"[redacted]\"\n"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("\nurl = \"[redacted]\"\n"),
        "{}",
        run.stdout
    );
    for leaked in [SECRET, DB_PASSWORD] {
        let printed = run.stdout.contains(leaked) || run.stderr.contains(leaked);
        assert!(!printed, "{leaked} printed:\n{}{}", run.stdout, run.stderr);
    }
}

#[test]
fn a_systemd_credential_wins_over_the_environment() {
    let dir = Scratch::new("credentials");
    let credentials = Scratch::new("credentials-dir");
    credentials.file("ZOOM_CLIENT_SECRET", SECRET);
    let url = database_url();
    let run = check_config(
        &dir,
        COMPLETE,
        &[
            ("DATABASE_URL", &url),
            ("CREDENTIALS_DIRECTORY", credentials.path()),
            // Would be an error if it were read: the credential comes first.
            ("ZOOM_CLIENT_SECRET_FILE", "/nonexistent/client-secret"),
        ],
    );
    assert!(run.output.status.success(), "{}", run.stderr);
    assert!(
        run.stdout.contains("\nclient_secret = \"[redacted]\"\n"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains(SECRET), "{}", run.stdout);
}

#[test]
fn an_unreadable_secret_file_names_the_variable_and_the_path() {
    let dir = Scratch::new("secret-missing");
    let url = database_url();
    let run = check_config(
        &dir,
        COMPLETE,
        &[
            ("DATABASE_URL", &url),
            ("ZOOM_CLIENT_SECRET_FILE", "/nonexistent/client-secret"),
        ],
    );
    assert_refused(
        &run,
        &["ZOOM_CLIENT_SECRET_FILE: cannot read /nonexistent/client-secret"],
    );
}

#[test]
fn a_missing_config_file_is_an_error() {
    let mut command = Command::new(BIN);
    command
        .args(["--config", "/nonexistent/zoom-mirror.toml", "check-config"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default());
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains("--config: cannot read /nonexistent/zoom-mirror.toml"),
        "{stderr}"
    );
}

#[test]
fn check_config_says_whether_webhooks_are_on() {
    let dir = Scratch::new("webhooks");
    let url = database_url();
    let base = [
        ("DATABASE_URL", url.as_str()),
        ("ZOOM_CLIENT_SECRET", SECRET),
    ];
    let off = check_config(&dir, COMPLETE, &base);
    assert!(off.output.status.success(), "{}", off.stderr);
    assert!(
        off.stdout
            .contains("# webhooks: off (no webhooks.secret_token)"),
        "{}",
        off.stdout
    );

    let with_token = [&base[..], &[("ZOOM_WEBHOOK_SECRET_TOKEN", "whsec-t0ken")]].concat();
    let on = check_config(&dir, COMPLETE, &with_token);
    assert!(on.output.status.success(), "{}", on.stderr);
    assert!(
        on.stdout
            .contains("# webhooks: on, at POST http://127.0.0.1:8080/webhooks/zoom"),
        "{}",
        on.stdout
    );
    assert!(!on.stdout.contains("whsec-t0ken"), "{}", on.stdout);
}
