//! The `--state` file: every change to the chain, in order, one JSON object
//! per line, written and synced before the change is acknowledged. A
//! restart replays it onto the same genesis, so the chain comes back as it
//! was; `evm_revert` rewrites it without the reverted entries.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::PathBuf;

use alloy_primitives::{Address, Bytes, B256, U256};
use serde::{Deserialize, Serialize};

/// One change to the chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    /// A mined block: its timestamp, its signed transactions, and the hash
    /// it got, which a replay must reproduce.
    Block {
        /// The block's timestamp.
        timestamp: u64,
        /// EIP-2718 encodings.
        txs: Vec<Bytes>,
        /// The block's hash when it was mined.
        hash: B256,
    },
    /// `anvil_setBalance`.
    Balance {
        /// The account.
        address: Address,
        /// Its new balance.
        wei: U256,
    },
    /// The clock's offset from the wall clock, in seconds.
    TimeOffset {
        /// The new offset.
        seconds: i64,
    },
}

/// The first line: what the entries apply to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Header {
    damm_node_state: u32,
    /// keccak256 of the genesis: the programs and accounts it deploys.
    genesis: B256,
    /// Block 0's timestamp.
    timestamp: u64,
}

/// The journal, in memory and, with a path, on disk.
pub struct Journal {
    path: Option<PathBuf>,
    header: Option<Header>,
    entries: Vec<Entry>,
}

/// Why a state file cannot be used.
#[derive(Debug)]
pub struct JournalError(pub String);

impl std::fmt::Display for JournalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Journal {
    /// A journal that is not kept on disk.
    #[must_use]
    pub fn in_memory() -> Self {
        Self {
            path: None,
            header: None,
            entries: Vec::new(),
        }
    }

    /// Opens the state file at `path` for a chain whose genesis hashes to
    /// `genesis`, creating it if missing, with block 0 at `now` for a new one.
    ///
    /// # Errors
    /// [`JournalError`] if the file is unreadable, malformed, or from
    /// another genesis (different programs or accounts).
    pub fn open(path: PathBuf, genesis: B256, now: u64) -> Result<Self, JournalError> {
        let io = |e: std::io::Error| JournalError(format!("{}: {e}", path.display()));
        if !path.exists() {
            let header = Header {
                damm_node_state: 1,
                genesis,
                timestamp: now,
            };
            let mut file = File::create(&path).map_err(io)?;
            writeln!(
                file,
                "{}",
                serde_json::to_string(&header).unwrap_or_default()
            )
            .map_err(io)?;
            file.sync_all().map_err(io)?;
            return Ok(Self {
                path: Some(path),
                header: Some(header),
                entries: Vec::new(),
            });
        }
        let text = std::fs::read_to_string(&path).map_err(io)?;
        // Only lines ended by a newline were acknowledged (each is written
        // with its newline, then synced): a torn tail from a crash mid-write
        // is cut off, so the next entry starts on a line of its own.
        let complete = text.rfind('\n').map_or(0, |i| i + 1);
        if complete < text.len() {
            let file = OpenOptions::new().write(true).open(&path).map_err(io)?;
            file.set_len(complete as u64).map_err(io)?;
            file.sync_all().map_err(io)?;
        }
        let mut lines = text[..complete].lines();
        let first = lines
            .next()
            .ok_or_else(|| JournalError(format!("{}: empty state file", path.display())))?;
        let header: Header = serde_json::from_str(first).map_err(|e| {
            JournalError(format!(
                "{}: not a damm-node state file: {e}",
                path.display()
            ))
        })?;
        if header.genesis != genesis {
            return Err(JournalError(format!(
                "{}: the state was made from other programs or accounts (rebuilt WASM?); \
                 delete it to start afresh",
                path.display()
            )));
        }
        let mut entries = Vec::new();
        for (n, line) in lines.enumerate() {
            let entry = serde_json::from_str(line)
                .map_err(|e| JournalError(format!("{} line {}: {e}", path.display(), n + 2)))?;
            entries.push(entry);
        }
        Ok(Self {
            path: Some(path),
            header: Some(header),
            entries,
        })
    }

    /// Block 0's timestamp, for a journal on disk.
    #[must_use]
    pub fn genesis_timestamp(&self) -> Option<u64> {
        self.header.as_ref().map(|h| h.timestamp)
    }

    /// The entries, oldest first.
    #[must_use]
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// How many entries there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Appends `entry`, synced to disk before it returns.
    ///
    /// # Errors
    /// The I/O error; the entry is then not recorded.
    pub fn append(&mut self, entry: &Entry) -> std::io::Result<()> {
        if let Some(path) = &self.path {
            let mut file = OpenOptions::new().append(true).open(path)?;
            let line = serde_json::to_string(entry).map_err(std::io::Error::other)?;
            file.write_all(format!("{line}\n").as_bytes())?;
            file.sync_data()?;
        }
        self.entries.push(entry.clone());
        Ok(())
    }

    /// Keeps only the first `len` entries (an `evm_revert`), rewriting the
    /// file through a temporary one so a crash leaves the old or the new.
    ///
    /// # Errors
    /// The I/O error; the journal is then unchanged.
    pub fn truncate(&mut self, len: usize) -> std::io::Result<()> {
        if let (Some(path), Some(header)) = (&self.path, &self.header) {
            let tmp = path.with_extension("tmp");
            let mut file = File::create(&tmp)?;
            let mut text = serde_json::to_string(header).map_err(std::io::Error::other)?;
            text.push('\n');
            for entry in self.entries.iter().take(len) {
                text.push_str(&serde_json::to_string(entry).map_err(std::io::Error::other)?);
                text.push('\n');
            }
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            std::fs::rename(&tmp, path)?;
        }
        self.entries.truncate(len);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_state_file_comes_back_and_refuses_another_genesis() {
        let dir = std::env::temp_dir().join(format!("damm-node-journal-{}", std::process::id()));
        let _ = std::fs::remove_file(&dir);
        let genesis = B256::repeat_byte(1);
        let mut journal = Journal::open(dir.clone(), genesis, 1_000).unwrap();
        let entries = [
            Entry::TimeOffset { seconds: 60 },
            Entry::Balance {
                address: Address::repeat_byte(2),
                wei: U256::from(5),
            },
            Entry::Block {
                timestamp: 1_060,
                txs: vec![Bytes::from(vec![1, 2, 3])],
                hash: B256::repeat_byte(4),
            },
        ];
        for entry in &entries {
            journal.append(entry).unwrap();
        }
        let reopened = Journal::open(dir.clone(), genesis, 2_000).unwrap();
        assert_eq!(reopened.entries(), &entries);
        assert_eq!(reopened.genesis_timestamp(), Some(1_000));

        journal.truncate(1).unwrap();
        let reopened = Journal::open(dir.clone(), genesis, 2_000).unwrap();
        assert_eq!(reopened.entries(), &entries[..1]);

        // A torn last line (a crash mid-write) is cut off, and the next
        // entry lands on a line of its own.
        let mut file = OpenOptions::new().append(true).open(&dir).unwrap();
        file.write_all(b"{\"kind\":\"blo").unwrap();
        let mut reopened = Journal::open(dir.clone(), genesis, 0).unwrap();
        assert_eq!(reopened.len(), 1);
        reopened.append(&entries[1]).unwrap();
        assert_eq!(
            Journal::open(dir.clone(), genesis, 0).unwrap().entries(),
            &entries[..2]
        );

        assert!(Journal::open(dir.clone(), B256::repeat_byte(9), 0).is_err());
        std::fs::remove_file(&dir).unwrap();
    }
}
