//! The daemon binary run as a child process. A [`Process`] is killed when dropped, so a test
//! that fails half-way leaves no daemon behind writing to a database that is being dropped.

use std::process::{Child, Command, Output};
use std::time::Duration;

pub struct Process {
    /// `None` once [`Process::exit_within`] has taken it to wait on.
    child: Option<Child>,
}

impl Process {
    pub fn spawn(command: &mut Command) -> Process {
        let child = command.spawn().expect("starting the zoom-mirror binary");
        Process { child: Some(child) }
    }

    fn child(&mut self) -> &mut Child {
        self.child.as_mut().expect("the process is still ours")
    }

    pub fn id(&self) -> u32 {
        self.child.as_ref().expect("the process is still ours").id()
    }

    /// Whether it has not exited yet.
    pub fn is_running(&mut self) -> bool {
        self.child()
            .try_wait()
            .expect("polling the process")
            .is_none()
    }

    /// Asks it to stop, as systemd does.
    pub fn sigterm(&self) {
        signal(self.id(), "-TERM");
    }

    /// Stops it with SIGTERM and returns what it wrote to its (piped) stderr, failing the test
    /// unless it exits with success within `limit`.
    pub async fn stop_within(self, limit: Duration) -> String {
        self.sigterm();
        let exited = self.exit_within(limit).await;
        let stderr = String::from_utf8_lossy(&exited.stderr).into_owned();
        assert!(
            exited.status.success(),
            "exit {:?}: {stderr}",
            exited.status
        );
        stderr
    }

    /// Kills it at once (a crash, as far as the database can tell) and reaps it.
    pub fn kill(&mut self) {
        let child = self.child();
        child.kill().expect("killing the process");
        child.wait().expect("reaping the killed process");
    }

    /// Its exit status and what it printed, failing the test (and killing it) if it has not
    /// exited within `limit`.
    pub async fn exit_within(mut self, limit: Duration) -> Output {
        let child = self.child.take().expect("the process is still ours");
        let pid = child.id();
        let waited = tokio::task::spawn_blocking(move || child.wait_with_output());
        match tokio::time::timeout(limit, waited).await {
            Ok(output) => output
                .expect("the waiting task")
                .expect("waiting for the process"),
            Err(_) => {
                signal(pid, "-KILL");
                panic!("the process did not exit within {limit:?}")
            }
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Already exited is fine: only a running child needs stopping.
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn signal(pid: u32, signal: &str) {
    let sent = Command::new("kill")
        .args([signal, &pid.to_string()])
        .status()
        .expect("running kill");
    assert!(sent.success(), "kill {signal} {pid} failed");
}
