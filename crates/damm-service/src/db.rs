//! One SQL store over SQLite or PostgreSQL, so a service's queries are
//! written once.
//!
//! - `sqlite://PATH` (the default, embedded): WAL journal, `synchronous =
//!   FULL` (a commit is on disk before it returns, so an acknowledged write
//!   survives `kill -9` and power loss), `BEGIN IMMEDIATE` transactions (the
//!   write lock is taken up front, so two writers never interleave).
//! - `postgres://...`: `READ COMMITTED` transactions; a query that must
//!   serialize writers across processes takes a row lock with
//!   [`Tx::for_update`]. A dropped connection (a server restart) is
//!   reopened and the transaction retried once.
//!
//! The dialects share placeholders (`$1`, `$2`, ... in order), column types
//! (`BIGINT`, `TEXT`) and `INSERT ... ON CONFLICT`. Amounts are stored as
//! decimal `TEXT`: both backends' integers stop at 64 bits.

use std::fmt;
use std::sync::{Arc, Mutex};

/// A failed query or connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbError(pub String);

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DbError {}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        Self(format!("sqlite: {e}"))
    }
}

impl From<postgres::Error> for DbError {
    fn from(e: postgres::Error) -> Self {
        Self(format!("postgres: {e}"))
    }
}

/// A parameter or a column value. `Null` is a text NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A `BIGINT`.
    Int(i64),
    /// A `TEXT`.
    Text(String),
    /// NULL (of a `TEXT` column).
    Null,
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        v.map_or(Self::Null, Self::Text)
    }
}

/// One result row.
#[derive(Debug, Clone)]
pub struct Row(Vec<Value>);

impl Row {
    /// Column `i` as an integer.
    ///
    /// # Errors
    /// [`DbError`] if it is not one.
    pub fn int(&self, i: usize) -> Result<i64, DbError> {
        match self.0.get(i) {
            Some(Value::Int(v)) => Ok(*v),
            other => Err(DbError(format!(
                "column {i}: expected an integer, got {other:?}"
            ))),
        }
    }

    /// Column `i` as text.
    ///
    /// # Errors
    /// [`DbError`] if it is not text.
    pub fn text(&self, i: usize) -> Result<String, DbError> {
        match self.0.get(i) {
            Some(Value::Text(v)) => Ok(v.clone()),
            other => Err(DbError(format!("column {i}: expected text, got {other:?}"))),
        }
    }

    /// Column `i` as text, or `None` for NULL.
    ///
    /// # Errors
    /// [`DbError`] if it is neither.
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, DbError> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            _ => self.text(i).map(Some),
        }
    }
}

/// Which SQL the store speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

enum Backend {
    Sqlite(Mutex<rusqlite::Connection>),
    Postgres {
        config: Box<postgres::Config>,
        client: Mutex<Option<postgres::Client>>,
    },
}

/// A store. Cheap to share behind an [`Arc`]; every call blocks, so async
/// code runs it through [`Db::run`].
pub struct Db {
    backend: Backend,
}

/// An open transaction.
pub struct Tx<'a> {
    inner: TxInner<'a>,
}

enum TxInner<'a> {
    Sqlite(rusqlite::Transaction<'a>),
    Postgres(postgres::Transaction<'a>),
}

impl Db {
    /// Opens `url`: `sqlite://PATH` (creating the file and its folder) or
    /// `postgres://USER@HOST:PORT/DB`.
    ///
    /// # Errors
    /// [`DbError`] for another scheme or a store that cannot be opened.
    pub fn open(url: &str) -> Result<Self, DbError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            let path = std::path::Path::new(path);
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|e| DbError(format!("creating {}: {e}", parent.display())))?;
            }
            let conn = rusqlite::Connection::open(path)?;
            conn.busy_timeout(std::time::Duration::from_secs(10))?;
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(DbError(format!("sqlite refused WAL mode (got {mode})")));
            }
            conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
            Ok(Self {
                backend: Backend::Sqlite(Mutex::new(conn)),
            })
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let config: postgres::Config = url
                .parse()
                .map_err(|e| DbError(format!("postgres URL: {e}")))?;
            let client = config.connect(postgres::NoTls)?;
            Ok(Self {
                backend: Backend::Postgres {
                    config: Box::new(config),
                    client: Mutex::new(Some(client)),
                },
            })
        } else {
            Err(DbError(format!(
                "unsupported database URL {:?}: use sqlite://PATH or postgres://...",
                redact(url)
            )))
        }
    }

    /// The store's dialect.
    #[must_use]
    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres { .. } => Dialect::Postgres,
        }
    }

    /// Runs `work` in one transaction, committed if it returns `Ok`. On
    /// PostgreSQL a lost connection is reopened and `work` run again once.
    ///
    /// # Errors
    /// `work`'s error, or the store's.
    pub fn transaction<T>(
        &self,
        mut work: impl FnMut(&mut Tx<'_>) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        match &self.backend {
            Backend::Sqlite(conn) => {
                let mut conn = conn.lock().unwrap_or_else(|e| e.into_inner());
                let tx =
                    conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let mut tx = Tx {
                    inner: TxInner::Sqlite(tx),
                };
                let out = work(&mut tx)?;
                let TxInner::Sqlite(tx) = tx.inner else {
                    unreachable!("a sqlite transaction")
                };
                tx.commit()?;
                Ok(out)
            }
            Backend::Postgres { config, client } => {
                let mut slot = client.lock().unwrap_or_else(|e| e.into_inner());
                let mut attempt = 0;
                loop {
                    attempt += 1;
                    if slot.as_ref().is_none_or(postgres::Client::is_closed) {
                        *slot = Some(config.connect(postgres::NoTls)?);
                    }
                    let Some(client) = slot.as_mut() else {
                        continue;
                    };
                    match Self::pg_transaction(client, &mut work) {
                        Err(Failure::Connection(e)) if attempt < 2 => {
                            tracing::warn!(error = %e, "postgres connection lost; reconnecting");
                            *slot = None;
                        }
                        Err(Failure::Connection(e) | Failure::Query(e)) => return Err(e),
                        Ok(out) => return Ok(out),
                    }
                }
            }
        }
    }

    fn pg_transaction<T>(
        client: &mut postgres::Client,
        work: &mut impl FnMut(&mut Tx<'_>) -> Result<T, DbError>,
    ) -> Result<T, Failure> {
        let tx = client.transaction().map_err(Failure::from_pg)?;
        let mut tx = Tx {
            inner: TxInner::Postgres(tx),
        };
        let out = work(&mut tx).map_err(Failure::Query)?;
        let TxInner::Postgres(tx) = tx.inner else {
            unreachable!("a postgres transaction")
        };
        // Never retried: a commit cut off may have landed, and running the
        // work again would report a stored write as failed.
        tx.commit().map_err(|e| Failure::Query(e.into()))?;
        Ok(out)
    }

    /// Creates what is missing: each statement must be idempotent
    /// (`CREATE TABLE IF NOT EXISTS ...`).
    ///
    /// # Errors
    /// [`DbError`] if a statement fails.
    pub fn migrate(&self, statements: &[&str]) -> Result<(), DbError> {
        self.transaction(|tx| {
            for statement in statements {
                tx.execute(statement, &[])?;
            }
            Ok(())
        })
    }

    /// [`Db::transaction`] off the async workers.
    ///
    /// # Errors
    /// As [`Db::transaction`]; also if the blocking task panicked.
    pub async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnMut(&mut Tx<'_>) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        let db = Arc::clone(self);
        tokio::task::spawn_blocking(move || db.transaction(work))
            .await
            .map_err(|e| DbError(format!("store task failed: {e}")))?
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        // The PostgreSQL client owns a small runtime, which may not be
        // dropped on an async worker: drop it on a thread of its own.
        if let Backend::Postgres { client, .. } = &mut self.backend {
            let client = client
                .get_mut()
                .map(Option::take)
                .unwrap_or_else(|e| e.into_inner().take());
            if let Some(client) = client {
                let _ = std::thread::spawn(move || drop(client)).join();
            }
        }
    }
}

/// Opens `url` and applies `schema` ([`Db::open`], [`Db::migrate`]) off
/// the async workers: the PostgreSQL client blocks.
///
/// # Errors
/// As [`Db::open`] and [`Db::migrate`].
pub async fn open_with_schema(
    url: &str,
    schema: &'static [&'static str],
) -> Result<Arc<Db>, DbError> {
    let url = url.to_owned();
    tokio::task::spawn_blocking(move || {
        let db = Db::open(&url)?;
        db.migrate(schema)?;
        Ok(Arc::new(db))
    })
    .await
    .map_err(|e| DbError(format!("store task failed: {e}")))?
}

/// Why a PostgreSQL transaction failed: a connection problem is retried.
enum Failure {
    Connection(DbError),
    Query(DbError),
}

impl Failure {
    fn from_pg(e: postgres::Error) -> Self {
        if e.is_closed() || e.as_db_error().is_none() {
            Self::Connection(e.into())
        } else {
            Self::Query(e.into())
        }
    }
}

impl Tx<'_> {
    /// The dialect of the store this transaction runs in.
    #[must_use]
    pub fn dialect(&self) -> Dialect {
        match self.inner {
            TxInner::Sqlite(_) => Dialect::Sqlite,
            TxInner::Postgres(_) => Dialect::Postgres,
        }
    }

    /// `" FOR UPDATE"` on PostgreSQL, to append to a `SELECT` that must
    /// lock its rows until the transaction ends; empty on SQLite, whose
    /// `BEGIN IMMEDIATE` already holds the database's write lock.
    #[must_use]
    pub fn for_update(&self) -> &'static str {
        match self.inner {
            TxInner::Sqlite(_) => "",
            TxInner::Postgres(_) => " FOR UPDATE",
        }
    }

    /// Runs a statement; returns the rows it changed.
    ///
    /// # Errors
    /// [`DbError`] from the store.
    pub fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        match &mut self.inner {
            TxInner::Sqlite(tx) => {
                let n = tx.execute(
                    &sqlite_sql(sql),
                    rusqlite::params_from_iter(params.iter().map(sqlite_value)),
                )?;
                Ok(n as u64)
            }
            TxInner::Postgres(tx) => {
                let owned = pg_params(params);
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    owned.iter().map(|p| p.as_ref() as _).collect();
                Ok(tx.execute(sql, &refs)?)
            }
        }
    }

    /// Runs a query; returns its rows.
    ///
    /// # Errors
    /// [`DbError`] from the store.
    pub fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        match &mut self.inner {
            TxInner::Sqlite(tx) => {
                let mut statement = tx.prepare(&sqlite_sql(sql))?;
                let columns = statement.column_count();
                let rows = statement.query_map(
                    rusqlite::params_from_iter(params.iter().map(sqlite_value)),
                    |row| {
                        (0..columns)
                            .map(|i| {
                                Ok(match row.get_ref(i)? {
                                    rusqlite::types::ValueRef::Integer(v) => Value::Int(v),
                                    rusqlite::types::ValueRef::Text(t) => {
                                        Value::Text(String::from_utf8_lossy(t).into_owned())
                                    }
                                    _ => Value::Null,
                                })
                            })
                            .collect::<Result<Vec<_>, rusqlite::Error>>()
                            .map(Row)
                    },
                )?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            }
            TxInner::Postgres(tx) => {
                let owned = pg_params(params);
                let refs: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    owned.iter().map(|p| p.as_ref() as _).collect();
                let rows = tx.query(sql, &refs)?;
                rows.iter()
                    .map(|row| {
                        (0..row.len())
                            .map(|i| {
                                let ty = row.columns()[i].type_();
                                Ok(if *ty == postgres::types::Type::INT8 {
                                    row.try_get::<_, Option<i64>>(i)?
                                        .map_or(Value::Null, Value::Int)
                                } else if *ty == postgres::types::Type::INT4 {
                                    row.try_get::<_, Option<i32>>(i)?
                                        .map_or(Value::Null, |v| Value::Int(v.into()))
                                } else {
                                    row.try_get::<_, Option<String>>(i)?
                                        .map_or(Value::Null, Value::Text)
                                })
                            })
                            .collect::<Result<Vec<_>, postgres::Error>>()
                            .map(Row)
                            .map_err(DbError::from)
                    })
                    .collect()
            }
        }
    }
}

/// `$N` placeholders as SQLite's positional `?N`: SQLite reads `$N` as a
/// *named* parameter numbered by first appearance, so `SET a = $2 WHERE
/// b = $1` would bind the wrong values.
fn sqlite_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

fn sqlite_value(value: &Value) -> rusqlite::types::Value {
    match value {
        Value::Int(v) => rusqlite::types::Value::Integer(*v),
        Value::Text(v) => rusqlite::types::Value::Text(v.clone()),
        Value::Null => rusqlite::types::Value::Null,
    }
}

fn pg_params(params: &[Value]) -> Vec<Box<dyn postgres::types::ToSql + Sync>> {
    params
        .iter()
        .map(|p| -> Box<dyn postgres::types::ToSql + Sync> {
            match p {
                Value::Int(v) => Box::new(*v),
                Value::Text(v) => Box::new(v.clone()),
                Value::Null => Box::new(None::<String>),
            }
        })
        .collect()
}

/// A URL with any password replaced, for messages and logs.
#[must_use]
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_round_trips_values_and_rolls_back_failed_work() {
        let dir = std::env::temp_dir().join(format!("damm-db-{}", std::process::id()));
        let db = Db::open(&format!("sqlite://{}/t.db", dir.display())).unwrap();
        db.migrate(&["CREATE TABLE IF NOT EXISTS t (k BIGINT PRIMARY KEY, v TEXT, n TEXT)"])
            .unwrap();
        db.transaction(|tx| {
            tx.execute(
                "INSERT INTO t (k, v, n) VALUES ($1, $2, $3)",
                &[1.into(), "a".into(), Value::Null],
            )
        })
        .unwrap();
        // Placeholders bind by number, whatever order they appear in.
        db.transaction(|tx| {
            tx.execute("UPDATE t SET n = $2 WHERE k = $1", &[1.into(), "z".into()])
        })
        .unwrap();
        let failed: Result<(), DbError> = db.transaction(|tx| {
            tx.execute(
                "INSERT INTO t (k, v) VALUES ($1, $2)",
                &[2.into(), "b".into()],
            )?;
            Err(DbError("abandon".into()))
        });
        assert!(failed.is_err());
        let rows = db
            .transaction(|tx| tx.query("SELECT k, v, n FROM t ORDER BY k", &[]))
            .unwrap();
        assert_eq!(rows.len(), 1, "the failed transaction left nothing");
        assert_eq!(rows[0].int(0).unwrap(), 1);
        assert_eq!(rows[0].text(1).unwrap(), "a");
        assert_eq!(rows[0].opt_text(2).unwrap(), Some("z".into()));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn urls_are_redacted_and_unknown_schemes_refused() {
        assert_eq!(redact("postgres://u:pw@h:5/d"), "postgres://u:***@h:5/d");
        assert_eq!(redact("sqlite://x.db"), "sqlite://x.db");
        let e = Db::open("mysql://u:secret@h/d").err().unwrap();
        assert!(!e.0.contains("secret"), "{e}");
    }
}
