//! A throwaway PostgreSQL server: `initdb` in a temporary folder, a local
//! port, trust authentication for one user, stopped on drop. The server
//! binaries come from Debian's `postgresql` package (`scripts/setup.sh`
//! installs it); as root, they run as the package's `postgres` user, since
//! PostgreSQL refuses to run as root.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A running throwaway server.
pub struct Postgres {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    socket: PathBuf,
}

/// The folder holding `initdb` and `pg_ctl`, if PostgreSQL is installed.
#[must_use]
pub fn binaries() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists())
        .collect();
    found.sort();
    found.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0"))
}

fn run(bin: &Path, tool: &str, args: &[&str]) -> std::process::Output {
    let program = bin.join(tool);
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&program);
        c
    } else {
        Command::new(&program)
    };
    cmd.args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {tool}: {e}"))
}

impl Postgres {
    /// Creates and starts a server under `dir`.
    ///
    /// # Panics
    /// If PostgreSQL is not installed (run `scripts/setup.sh`) or does not start.
    #[must_use]
    pub fn start(dir: &Path) -> Self {
        let bin = binaries().expect(
            "PostgreSQL is not installed: run scripts/setup.sh (apt-get install postgresql)",
        );
        let data = dir.join("pgdata");
        let socket = dir.join("pgsock");
        std::fs::create_dir_all(&socket).expect("socket dir");
        if is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(dir)
                .status()
                .expect("chown");
            assert!(status.success(), "chown {} to postgres", dir.display());
        }
        let data_arg = data.display().to_string();
        let out = run(
            &bin,
            "initdb",
            &[
                "-D",
                &data_arg,
                "-U",
                "damm",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let server = Self {
            bin,
            data,
            port: crate::free_port(),
            socket,
        };
        server.up();
        server
    }

    fn up(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=on",
            self.port,
            self.socket.display()
        );
        let log = self.data.join("server.log").display().to_string();
        let data = self.data.display().to_string();
        let out = run(
            &self.bin,
            "pg_ctl",
            &[
                "start", "-w", "-t", "60", "-D", &data, "-l", &log, "-o", &options,
            ],
        );
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// Stops the server (`-m fast`: open connections are cut, as in a crash
    /// of the clients' peer).
    pub fn down(&self) {
        let data = self.data.display().to_string();
        let _ = run(
            &self.bin,
            "pg_ctl",
            &["stop", "-w", "-m", "fast", "-D", &data],
        );
    }

    /// Stops and starts the server on the same port.
    pub fn restart(&self) {
        self.down();
        self.up();
    }

    /// A connection URL for the `postgres` database.
    #[must_use]
    pub fn url(&self) -> String {
        format!("postgres://damm@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        self.down();
    }
}
