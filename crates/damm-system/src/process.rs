//! Child processes with their output in a log file, killed on drop.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running child process.
pub struct Proc {
    name: String,
    child: Option<Child>,
    command: Vec<String>,
    envs: Vec<(String, String)>,
    log: PathBuf,
    /// Its `http://ADDR` once it printed it.
    pub url: String,
}

impl Proc {
    /// Starts `program args` with `envs`, output appended to `log`, and
    /// waits until the log shows `ready` (a substring). The URL is what
    /// follows the last `http://` on that line.
    ///
    /// # Panics
    /// If it cannot start or does not get ready within `timeout`.
    pub fn start(
        name: &str,
        program: &Path,
        args: &[String],
        envs: &[(String, String)],
        log: &Path,
        ready: &str,
        timeout: Duration,
    ) -> Self {
        let mut proc = Self {
            name: name.to_owned(),
            child: None,
            command: std::iter::once(program.display().to_string())
                .chain(args.iter().cloned())
                .collect(),
            envs: envs.to_vec(),
            log: log.to_owned(),
            url: String::new(),
        };
        proc.spawn(ready, timeout);
        proc
    }

    fn spawn(&mut self, ready: &str, timeout: Duration) {
        let from = std::fs::metadata(&self.log).map_or(0, |m| m.len());
        let out = File::options()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        let err = out.try_clone().expect("log file");
        let child = Command::new(&self.command[0])
            .args(&self.command[1..])
            .envs(self.envs.iter().map(|(a, b)| (a.as_str(), b.as_str())))
            .current_dir(crate::repo())
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", self.name));
        self.child = Some(child);
        let line = self.wait_for_from(ready, from, timeout);
        if let Some(at) = line.rfind("http://") {
            self.url = line[at..]
                .split_whitespace()
                .next()
                .unwrap_or("")
                .trim_end_matches(['"', ','])
                .to_owned();
        }
    }

    /// Waits for a log line containing `text` written after byte `from`.
    fn wait_for_from(&mut self, text: &str, from: u64, timeout: Duration) -> String {
        let started = Instant::now();
        loop {
            let log = std::fs::read(&self.log).unwrap_or_default();
            let tail =
                String::from_utf8_lossy(&log[usize::try_from(from).unwrap_or(0).min(log.len())..])
                    .into_owned();
            if let Some(line) = tail.lines().find(|l| l.contains(text)) {
                return line.to_owned();
            }
            if let Some(child) = self.child.as_mut() {
                if let Ok(Some(status)) = child.try_wait() {
                    panic!("{} exited ({status}) before {text:?}:\n{tail}", self.name);
                }
            }
            assert!(
                started.elapsed() < timeout,
                "{} did not log {text:?} in {timeout:?}:\n{tail}",
                self.name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for a log line containing `text` (anywhere in the log).
    ///
    /// # Panics
    /// After `timeout`.
    pub fn wait_for(&mut self, text: &str, timeout: Duration) -> String {
        self.wait_for_from(text, 0, timeout)
    }

    /// How many log lines contain `text`.
    #[must_use]
    pub fn count(&self, text: &str) -> usize {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains(text))
            .count()
    }

    /// `kill -9`: no chance to clean up.
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGTERM, then waits for the exit (a graceful stop).
    ///
    /// # Panics
    /// If it does not stop within 60 s.
    pub fn stop(&mut self) -> Option<std::process::ExitStatus> {
        let mut child = self.child.take()?;
        let pid = child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = child.try_wait() {
                return Some(status);
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{} ignored SIGTERM",
                self.name
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Starts it again with the same command (after [`Proc::kill9`] or [`Proc::stop`]).
    pub fn restart(&mut self, ready: &str, timeout: Duration) {
        self.kill9();
        self.spawn(ready, timeout);
    }

    /// The log so far.
    #[must_use]
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill9();
    }
}
