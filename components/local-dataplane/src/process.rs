//! Child processes that die with their owner, free loopback ports, and readiness waits.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// A free TCP port on 127.0.0.1 (the OS picks it; the listener is closed before returning).
pub fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("binding a free loopback port")?;
    Ok(listener.local_addr()?.port())
}

/// A running child process whose output goes to a log file; killed when dropped.
#[derive(Debug)]
pub(crate) struct Supervised {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Supervised {
    /// Starts `command` with stdout and stderr appended to `log`.
    pub(crate) fn spawn(
        name: &'static str,
        mut command: Command,
        log: &Path,
    ) -> anyhow::Result<Self> {
        let out = File::options()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| format!("opening {}", log.display()))?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .with_context(|| format!("starting {name}: {command:?}"))?;
        Ok(Self {
            name,
            child,
            log: log.to_owned(),
        })
    }

    /// Fails with the tail of the log if the process has exited.
    pub(crate) fn check_alive(&mut self) -> anyhow::Result<()> {
        if let Some(status) = self.child.try_wait()? {
            bail!(
                "{} exited ({status}); last lines of {}:\n{}",
                self.name,
                self.log.display(),
                tail(&self.log, 30)
            );
        }
        Ok(())
    }

    /// Waits until `ready` returns true, failing if the process exits or `timeout` passes.
    pub(crate) fn wait_ready(
        &mut self,
        timeout: Duration,
        mut ready: impl FnMut() -> bool,
    ) -> anyhow::Result<()> {
        let deadline = Instant::now() + timeout;
        loop {
            self.check_alive()?;
            if ready() {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!(
                    "{} was not ready after {timeout:?}; last lines of {}:\n{}",
                    self.name,
                    self.log.display(),
                    tail(&self.log, 30)
                );
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Kills the process (SIGKILL) and reaps it.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Runs `command` to completion, failing with its output if it does not succeed.
pub(crate) fn run(what: &str, command: &mut Command) -> anyhow::Result<String> {
    let output = command
        .output()
        .with_context(|| format!("running {what}: {command:?}"))?;
    if !output.status.success() {
        bail!(
            "{what} failed ({}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// A JVM command with the data plane's common options: bounded heap and log4j2 logging to `log`.
pub(crate) fn java(classpath: &str, log4j2: &Path, log: &Path, heap: &str) -> Command {
    let mut command = Command::new("java");
    command
        .arg(format!("-Xmx{heap}"))
        .arg("-XX:+UseG1GC")
        .arg("-XX:TieredStopAtLevel=1")
        .arg("-Djava.awt.headless=true")
        .arg(format!("-Dlog4j2.configurationFile={}", log4j2.display()))
        .arg(format!("-Ddataplane.log.file={}", log.display()))
        .arg("-cp")
        .arg(classpath);
    command
}

/// The last `lines` lines of a file (or a note that it cannot be read).
fn tail(path: &Path, lines: usize) -> String {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let all: Vec<&str> = text.lines().collect();
            all[all.len().saturating_sub(lines)..].join("\n")
        }
        Err(e) => format!("(cannot read: {e})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_that_exits_fails_the_readiness_wait_with_its_output() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("out.log");
        let mut command = Command::new("sh");
        command.args(["-c", "echo broken config; exit 3"]);
        let mut child = Supervised::spawn("sh", command, &log).unwrap();
        let err = child
            .wait_ready(Duration::from_secs(10), || false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("sh exited"), "{err}");
        assert!(err.contains("broken config"), "{err}");
    }

    #[test]
    fn free_ports_are_distinct_while_held() {
        let a = TcpListener::bind(("127.0.0.1", free_port().unwrap())).unwrap();
        let b = free_port().unwrap();
        assert_ne!(a.local_addr().unwrap().port(), b);
    }
}
