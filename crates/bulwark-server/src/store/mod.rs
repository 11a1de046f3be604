//! The result store and job queue: an embedded SQLite file by default, PostgreSQL when several
//! `bulwark server` instances share the work.
//!
//! Tables (same shape in both):
//! - `jobs`: the queue. A worker takes a job by setting a lease (`lease_owner`,
//!   `lease_until`); a lease that is not renewed expires and any worker takes the job again
//!   (`attempts` counts the takes). PostgreSQL picks with `FOR UPDATE SKIP LOCKED`, SQLite in an
//!   immediate (write-locked) transaction. Jobs carrying a scan request's registry credentials
//!   are pinned to the instance that holds them in memory (`pinned_to`, renewed while it lives).
//! - `inventories`: one per manifest digest (packages, OS, layers), for reports, SBOMs and
//!   re-matching without pulling the image again.
//! - `results`: vulnerability findings per (manifest digest, database version).
//! - `changes`: what a newer database changed for an already-scanned image.
//!
//! Registry credentials are never written to any of them.

mod postgres;
mod sqlite;

use std::path::Path;

use serde::{Deserialize, Serialize};

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// A store failure (database unreachable, corrupt row).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite.
    #[error("embedded store {path}: {message}")]
    Sqlite {
        /// The store file.
        path: String,
        /// What failed.
        message: String,
    },
    /// PostgreSQL.
    #[error("PostgreSQL store: {0}")]
    Postgres(String),
    /// A stored document did not parse.
    #[error("stored {what} is corrupt: {message}")]
    Corrupt {
        /// Which document.
        what: &'static str,
        /// Parser message.
        message: String,
    },
}

/// Kind of work a job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobKind {
    /// Pull, inventory and match an image.
    Scan,
    /// Re-match a stored inventory against a newer database.
    Rescan,
}

impl JobKind {
    /// Column value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Scan => "scan",
            Self::Rescan => "rescan",
        }
    }

    fn parse(s: &str) -> Self {
        if s == "rescan" {
            Self::Rescan
        } else {
            Self::Scan
        }
    }
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Waiting for a worker.
    Queued,
    /// Leased by a worker.
    Running,
    /// Finished with a result.
    Done,
    /// Finished without a result.
    Failed,
}

impl JobState {
    /// Column value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "running" => Self::Running,
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => Self::Queued,
        }
    }
}

/// A job to insert.
#[derive(Debug, Clone)]
pub struct NewJob {
    /// Unique id (the Harbor scan request id).
    pub id: String,
    /// Scan or re-scan.
    pub kind: JobKind,
    /// `HOST[:PORT]/REPOSITORY@DIGEST`.
    pub image: String,
    /// Repository name in the registry.
    pub repository: String,
    /// Manifest digest.
    pub digest: String,
    /// Tag, when the request named one.
    pub tag: Option<String>,
    /// Artifact media type from the request.
    pub mime_type: Option<String>,
    /// Use plain HTTP to pull.
    pub insecure: bool,
    /// Instance holding this job's credentials in memory.
    pub pinned_to: Option<String>,
    /// Until when the pin holds unless renewed (Unix seconds).
    pub pinned_until: Option<i64>,
    /// Re-scan: the database version to match against.
    pub db_version: Option<String>,
}

/// A job as stored.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Job {
    /// Id.
    pub id: String,
    /// Scan or re-scan.
    pub kind: JobKind,
    /// Image reference pulled.
    pub image: String,
    /// Repository.
    pub repository: String,
    /// Manifest digest.
    pub digest: String,
    /// Tag.
    pub tag: Option<String>,
    /// Artifact media type.
    pub mime_type: Option<String>,
    /// Plain HTTP.
    pub insecure: bool,
    /// State.
    pub state: JobState,
    /// Times a worker took it.
    pub attempts: i64,
    /// Worker holding the lease.
    pub lease_owner: Option<String>,
    /// Instance holding the credentials.
    pub pinned_to: Option<String>,
    /// Database version of the result (done) or to match against (re-scan).
    pub db_version: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// Created (Unix seconds).
    pub created_at: i64,
    /// Finished (Unix seconds).
    pub finished_at: Option<i64>,
}

/// One vulnerability pair that appeared or went away.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct VulnPair {
    /// Vulnerability id.
    pub id: String,
    /// Package name.
    pub package: String,
    /// Installed version.
    pub version: String,
    /// Fixed versions (comma-separated, empty when none).
    pub fix_version: String,
    /// Severity (lower-case, as in Bulwark's JSON).
    pub severity: String,
    /// Where the package was found (OS target or file).
    pub target: String,
}

/// What a newer database changed for one image.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Change {
    /// Sequence number (the `since` cursor).
    pub seq: i64,
    /// Image reference.
    pub image: String,
    /// Repository.
    pub repository: String,
    /// Manifest digest.
    pub digest: String,
    /// Database version of the previous result.
    pub previous_db_version: Option<String>,
    /// Database version of the new result.
    pub db_version: String,
    /// Pairs the new database adds.
    pub added: Vec<VulnPair>,
    /// Pairs it no longer reports.
    pub removed: Vec<VulnPair>,
    /// When it was recorded (Unix seconds).
    pub detected_at: i64,
}

/// A new change to record (no sequence number yet).
#[derive(Debug, Clone)]
pub struct NewChange {
    /// Image reference.
    pub image: String,
    /// Repository.
    pub repository: String,
    /// Manifest digest.
    pub digest: String,
    /// Previous database version.
    pub previous_db_version: Option<String>,
    /// New database version.
    pub db_version: String,
    /// Added pairs.
    pub added: Vec<VulnPair>,
    /// Removed pairs.
    pub removed: Vec<VulnPair>,
}

/// A stored inventory row.
#[derive(Debug, Clone)]
pub struct InventoryRow {
    /// Manifest digest.
    pub digest: String,
    /// Image reference it was pulled as.
    pub image: String,
    /// Repository.
    pub repository: String,
    /// The inventory document (JSON of [`crate::scan::StoredInventory`]).
    pub inventory: String,
}

/// A stored result.
#[derive(Debug, Clone)]
pub struct ResultRow {
    /// Database version.
    pub db_version: String,
    /// Findings (JSON array of Bulwark findings).
    pub findings: String,
    /// Created (Unix seconds).
    pub created_at: i64,
}

/// Queue depth by state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueDepth {
    /// Waiting.
    pub queued: i64,
    /// Leased.
    pub running: i64,
}

/// The store in use.
#[derive(Clone)]
pub enum Store {
    /// One SQLite file.
    Sqlite(SqliteStore),
    /// A shared PostgreSQL database.
    Postgres(PgStore),
}

macro_rules! dispatch {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            Store::Sqlite($s) => $e,
            Store::Postgres($s) => $e,
        }
    };
}

impl Store {
    /// Opens (creating tables as needed) the store named by `database`: a `postgres://` or
    /// `postgresql://` URL, else a SQLite file path (`sqlite:` prefix optional).
    pub async fn open(database: &str) -> Result<Self, StoreError> {
        if database.starts_with("postgres://") || database.starts_with("postgresql://") {
            Ok(Self::Postgres(PgStore::connect(database).await?))
        } else {
            let path = database.strip_prefix("sqlite:").unwrap_or(database);
            Ok(Self::Sqlite(SqliteStore::open(Path::new(path)).await?))
        }
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        dispatch!(self, s => s.ping().await)
    }

    /// Inserts a queued job; `false` when a re-scan job for the same digest and database
    /// version exists already.
    pub async fn enqueue(&self, job: &NewJob, now: i64) -> Result<bool, StoreError> {
        dispatch!(self, s => s.enqueue(job, now).await)
    }

    /// Inserts a job that is already done (answered from the store).
    pub async fn insert_done(
        &self,
        job: &NewJob,
        db_version: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.insert_done(job, db_version, now).await)
    }

    /// Takes the oldest job that is queued, or running with an expired lease, for `owner`
    /// (skipping jobs pinned to another live instance) until `lease_until`. Jobs taken
    /// `max_attempts` times whose lease expired fail instead.
    pub async fn lease(
        &self,
        owner: &str,
        instance: &str,
        now: i64,
        lease_until: i64,
        max_attempts: i64,
    ) -> Result<Option<Job>, StoreError> {
        dispatch!(self, s => s.lease(owner, instance, now, lease_until, max_attempts).await)
    }

    /// Renews `owner`'s lease on a job; `false` when it is no longer `owner`'s.
    pub async fn renew(&self, id: &str, owner: &str, until: i64) -> Result<bool, StoreError> {
        dispatch!(self, s => s.renew(id, owner, until).await)
    }

    /// Renews the pins of `instance`'s credential-carrying jobs.
    pub async fn renew_pins(&self, instance: &str, until: i64) -> Result<(), StoreError> {
        dispatch!(self, s => s.renew_pins(instance, until).await)
    }

    /// Marks `owner`'s job done with a result for `db_version`; `false` when the lease was
    /// lost (another worker has it now).
    pub async fn complete(
        &self,
        id: &str,
        owner: &str,
        db_version: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.complete(id, owner, db_version, now).await)
    }

    /// Marks `owner`'s job failed with `error`.
    pub async fn fail(
        &self,
        id: &str,
        owner: &str,
        error: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        dispatch!(self, s => s.fail(id, owner, error, now).await)
    }

    /// Gives `owner`'s running job back to the queue (graceful shutdown).
    pub async fn requeue(&self, id: &str, owner: &str, now: i64) -> Result<bool, StoreError> {
        dispatch!(self, s => s.requeue(id, owner, now).await)
    }

    /// One job.
    pub async fn job(&self, id: &str) -> Result<Option<Job>, StoreError> {
        dispatch!(self, s => s.job(id).await)
    }

    /// Jobs queued and running.
    pub async fn queue_depth(&self) -> Result<QueueDepth, StoreError> {
        dispatch!(self, s => s.queue_depth().await)
    }

    /// Stores (or replaces) the inventory of a digest.
    pub async fn put_inventory(&self, row: &InventoryRow, now: i64) -> Result<(), StoreError> {
        dispatch!(self, s => s.put_inventory(row, now).await)
    }

    /// The inventory of a digest.
    pub async fn inventory(&self, digest: &str) -> Result<Option<InventoryRow>, StoreError> {
        dispatch!(self, s => s.inventory(digest).await)
    }

    /// Every stored digest (for re-scans).
    pub async fn inventory_digests(&self) -> Result<Vec<String>, StoreError> {
        dispatch!(self, s => s.inventory_digests().await)
    }

    /// Stores a result unless one exists for (digest, version); a change, when given, is
    /// recorded in the same transaction (so a retried re-scan records it once).
    pub async fn put_result(
        &self,
        digest: &str,
        db_version: &str,
        findings: &str,
        change: Option<&NewChange>,
        now: i64,
    ) -> Result<(), StoreError> {
        dispatch!(self, s => s.put_result(digest, db_version, findings, change, now).await)
    }

    /// The result of `digest` for `db_version`.
    pub async fn result(
        &self,
        digest: &str,
        db_version: &str,
    ) -> Result<Option<ResultRow>, StoreError> {
        dispatch!(self, s => s.result(digest, db_version).await)
    }

    /// The newest result of `digest` for another database version than `except`.
    pub async fn latest_result(
        &self,
        digest: &str,
        except: Option<&str>,
    ) -> Result<Option<ResultRow>, StoreError> {
        dispatch!(self, s => s.latest_result(digest, except).await)
    }

    /// Changes after sequence number `since`, oldest first, at most `limit`.
    pub async fn changes(&self, since: i64, limit: i64) -> Result<Vec<Change>, StoreError> {
        dispatch!(self, s => s.changes(since, limit).await)
    }
}

fn corrupt(what: &'static str, e: &serde_json::Error) -> StoreError {
    StoreError::Corrupt {
        what,
        message: e.to_string(),
    }
}

fn pairs_json(p: &[VulnPair]) -> String {
    serde_json::to_string(p).unwrap_or_else(|_| "[]".into())
}

fn parse_pairs(s: &str) -> Result<Vec<VulnPair>, StoreError> {
    serde_json::from_str(s).map_err(|e| corrupt("change", &e))
}

/// The error recorded on jobs whose workers died `max_attempts` times.
fn exhausted_message(max_attempts: i64) -> String {
    format!(
        "the scan was started {max_attempts} times and its worker stopped each time (killed or out of memory?); request the scan again"
    )
}

/// The error recorded on a job whose credentials died with the instance holding them.
pub const PIN_LOST: &str = "the registry credentials of this scan request were held only in the memory of the server instance that accepted it, which stopped; request the scan again";
