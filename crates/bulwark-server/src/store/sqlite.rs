//! The embedded store: one SQLite file (WAL mode, so readers do not wait for the writer).
//! Several processes on one machine may share it: the queue takes a job inside an immediate
//! transaction, which holds SQLite's write lock from the first statement.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::{
    Change, InventoryRow, Job, JobKind, JobState, NewChange, NewJob, PIN_LOST, QueueDepth,
    ResultRow, StoreError, exhausted_message, pairs_json, parse_pairs,
};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  image TEXT NOT NULL,
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  tag TEXT,
  mime_type TEXT,
  insecure INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until INTEGER,
  pinned_to TEXT,
  pinned_until INTEGER,
  db_version TEXT,
  error TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_pending ON jobs(state, created_at);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_rescan_once ON jobs(digest, db_version) WHERE kind = 'rescan';
CREATE TABLE IF NOT EXISTS inventories (
  digest TEXT PRIMARY KEY,
  image TEXT NOT NULL,
  repository TEXT NOT NULL,
  inventory TEXT NOT NULL,
  scanned_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
  digest TEXT NOT NULL,
  db_version TEXT NOT NULL,
  findings TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (digest, db_version)
);
CREATE TABLE IF NOT EXISTS changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  image TEXT NOT NULL,
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  previous_db_version TEXT,
  db_version TEXT NOT NULL,
  added TEXT NOT NULL,
  removed TEXT NOT NULL,
  detected_at INTEGER NOT NULL,
  UNIQUE (digest, db_version)
);
";

const JOB_COLUMNS: &str = "id, kind, image, repository, digest, tag, mime_type, insecure, state, attempts, lease_owner, pinned_to, db_version, error, created_at, finished_at";

/// The SQLite store: one connection behind a mutex, used from blocking threads.
#[derive(Clone)]
pub struct SqliteStore {
    path: PathBuf,
    conn: Arc<Mutex<Connection>>,
}

fn job_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Job> {
    Ok(Job {
        id: r.get(0)?,
        kind: JobKind::parse(&r.get::<_, String>(1)?),
        image: r.get(2)?,
        repository: r.get(3)?,
        digest: r.get(4)?,
        tag: r.get(5)?,
        mime_type: r.get(6)?,
        insecure: r.get::<_, i64>(7)? != 0,
        state: JobState::parse(&r.get::<_, String>(8)?),
        attempts: r.get(9)?,
        lease_owner: r.get(10)?,
        pinned_to: r.get(11)?,
        db_version: r.get(12)?,
        error: r.get(13)?,
        created_at: r.get(14)?,
        finished_at: r.get(15)?,
    })
}

impl SqliteStore {
    /// Opens or creates the store file (and its directory).
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let path = path.to_path_buf();
        let p2 = path.clone();
        let conn = tokio::task::spawn_blocking(move || -> Result<Connection, String> {
            if let Some(dir) = p2.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            let conn = Connection::open(&p2).map_err(|e| e.to_string())?;
            conn.busy_timeout(Duration::from_secs(30))
                .map_err(|e| e.to_string())?;
            conn.pragma_update(None, "journal_mode", "WAL")
                .map_err(|e| e.to_string())?;
            conn.pragma_update(None, "synchronous", "NORMAL")
                .map_err(|e| e.to_string())?;
            conn.execute_batch(SCHEMA).map_err(|e| e.to_string())?;
            Ok(conn)
        })
        .await
        .map_err(|e| StoreError::Sqlite {
            path: path.display().to_string(),
            message: e.to_string(),
        })?
        .map_err(|message| StoreError::Sqlite {
            path: path.display().to_string(),
            message,
        })?;
        Ok(Self {
            path,
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// The store file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    async fn with<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        let path = self.path.display().to_string();
        let p2 = path.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| StoreError::Sqlite {
                path: p2,
                message: "connection lock poisoned".into(),
            })?;
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Sqlite {
            path,
            message: e.to_string(),
        })?
    }

    fn err(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
        move |e| StoreError::Sqlite {
            path: path.display().to_string(),
            message: e.to_string(),
        }
    }

    pub(super) async fn ping(&self) -> Result<(), StoreError> {
        let path = self.path.clone();
        self.with(move |c| {
            c.query_row("SELECT 1", [], |_| Ok(()))
                .map_err(Self::err(&path))
        })
        .await
    }

    pub(super) async fn enqueue(&self, job: &NewJob, now: i64) -> Result<bool, StoreError> {
        let job = job.clone();
        let path = self.path.clone();
        self.with(move |c| {
            let n = c
                .execute(
                    "INSERT INTO jobs (id, kind, image, repository, digest, tag, mime_type, insecure, state, pinned_to, pinned_until, db_version, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'queued', ?9, ?10, ?11, ?12, ?12)
                     ON CONFLICT DO NOTHING",
                    params![
                        job.id,
                        job.kind.as_str(),
                        job.image,
                        job.repository,
                        job.digest,
                        job.tag,
                        job.mime_type,
                        i64::from(job.insecure),
                        job.pinned_to,
                        job.pinned_until,
                        job.db_version,
                        now
                    ],
                )
                .map_err(Self::err(&path))?;
            Ok(n == 1)
        })
        .await
    }

    pub(super) async fn insert_done(
        &self,
        job: &NewJob,
        db_version: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let job = job.clone();
        let db_version = db_version.to_owned();
        let path = self.path.clone();
        self.with(move |c| {
            c.execute(
                "INSERT INTO jobs (id, kind, image, repository, digest, tag, mime_type, insecure, state, attempts, db_version, created_at, updated_at, finished_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'done', 0, ?9, ?10, ?10, ?10)",
                params![
                    job.id,
                    job.kind.as_str(),
                    job.image,
                    job.repository,
                    job.digest,
                    job.tag,
                    job.mime_type,
                    i64::from(job.insecure),
                    db_version,
                    now
                ],
            )
            .map_err(Self::err(&path))?;
            Ok(())
        })
        .await
    }

    pub(super) async fn lease(
        &self,
        owner: &str,
        instance: &str,
        now: i64,
        lease_until: i64,
        max_attempts: i64,
    ) -> Result<Option<Job>, StoreError> {
        let owner = owner.to_owned();
        let instance = instance.to_owned();
        let path = self.path.clone();
        self.with(move |c| {
            let e = Self::err(&path);
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(&e)?;
            tx.execute(
                "UPDATE jobs SET state = 'failed', error = ?1, finished_at = ?2, updated_at = ?2, lease_owner = NULL
                 WHERE state = 'running' AND lease_until < ?2 AND attempts >= ?3",
                params![exhausted_message(max_attempts), now, max_attempts],
            )
            .map_err(&e)?;
            tx.execute(
                "UPDATE jobs SET state = 'failed', error = ?1, finished_at = ?2, updated_at = ?2, lease_owner = NULL
                 WHERE state IN ('queued', 'running') AND pinned_to IS NOT NULL AND pinned_to <> ?3
                   AND pinned_until < ?2 AND (state = 'queued' OR lease_until < ?2)",
                params![PIN_LOST, now, instance],
            )
            .map_err(&e)?;
            let id: Option<String> = tx
                .query_row(
                    "SELECT id FROM jobs
                     WHERE (state = 'queued' OR (state = 'running' AND lease_until < ?1))
                       AND (pinned_to IS NULL OR pinned_to = ?2)
                     ORDER BY created_at, rowid LIMIT 1",
                    params![now, instance],
                    |r| r.get(0),
                )
                .optional()
                .map_err(&e)?;
            let Some(id) = id else {
                tx.commit().map_err(&e)?;
                return Ok(None);
            };
            tx.execute(
                "UPDATE jobs SET state = 'running', lease_owner = ?1, lease_until = ?2, attempts = attempts + 1, updated_at = ?3 WHERE id = ?4",
                params![owner, lease_until, now, id],
            )
            .map_err(&e)?;
            let job = tx
                .query_row(
                    &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"),
                    params![id],
                    job_from_row,
                )
                .map_err(&e)?;
            tx.commit().map_err(&e)?;
            Ok(Some(job))
        })
        .await
    }

    pub(super) async fn renew(
        &self,
        id: &str,
        owner: &str,
        until: i64,
    ) -> Result<bool, StoreError> {
        let (id, owner) = (id.to_owned(), owner.to_owned());
        let path = self.path.clone();
        self.with(move |c| {
            let n = c
                .execute(
                    "UPDATE jobs SET lease_until = ?1 WHERE id = ?2 AND lease_owner = ?3 AND state = 'running'",
                    params![until, id, owner],
                )
                .map_err(Self::err(&path))?;
            Ok(n == 1)
        })
        .await
    }

    pub(super) async fn renew_pins(&self, instance: &str, until: i64) -> Result<(), StoreError> {
        let instance = instance.to_owned();
        let path = self.path.clone();
        self.with(move |c| {
            c.execute(
                "UPDATE jobs SET pinned_until = ?1 WHERE pinned_to = ?2 AND state IN ('queued', 'running')",
                params![until, instance],
            )
            .map_err(Self::err(&path))?;
            Ok(())
        })
        .await
    }

    pub(super) async fn complete(
        &self,
        id: &str,
        owner: &str,
        db_version: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let (id, owner, v) = (id.to_owned(), owner.to_owned(), db_version.to_owned());
        let path = self.path.clone();
        self.with(move |c| {
            let n = c
                .execute(
                    "UPDATE jobs SET state = 'done', db_version = ?1, finished_at = ?2, updated_at = ?2, lease_owner = NULL, error = NULL
                     WHERE id = ?3 AND lease_owner = ?4 AND state = 'running'",
                    params![v, now, id, owner],
                )
                .map_err(Self::err(&path))?;
            Ok(n == 1)
        })
        .await
    }

    pub(super) async fn fail(
        &self,
        id: &str,
        owner: &str,
        error: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let (id, owner, error) = (id.to_owned(), owner.to_owned(), error.to_owned());
        let path = self.path.clone();
        self.with(move |c| {
            let n = c
                .execute(
                    "UPDATE jobs SET state = 'failed', error = ?1, finished_at = ?2, updated_at = ?2, lease_owner = NULL
                     WHERE id = ?3 AND lease_owner = ?4 AND state = 'running'",
                    params![error, now, id, owner],
                )
                .map_err(Self::err(&path))?;
            Ok(n == 1)
        })
        .await
    }

    pub(super) async fn requeue(
        &self,
        id: &str,
        owner: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let (id, owner) = (id.to_owned(), owner.to_owned());
        let path = self.path.clone();
        self.with(move |c| {
            let n = c
                .execute(
                    "UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_until = NULL, attempts = MAX(attempts - 1, 0), updated_at = ?1
                     WHERE id = ?2 AND lease_owner = ?3 AND state = 'running'",
                    params![now, id, owner],
                )
                .map_err(Self::err(&path))?;
            Ok(n == 1)
        })
        .await
    }

    pub(super) async fn job(&self, id: &str) -> Result<Option<Job>, StoreError> {
        let id = id.to_owned();
        let path = self.path.clone();
        self.with(move |c| {
            c.query_row(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"),
                params![id],
                job_from_row,
            )
            .optional()
            .map_err(Self::err(&path))
        })
        .await
    }

    pub(super) async fn queue_depth(&self) -> Result<QueueDepth, StoreError> {
        let path = self.path.clone();
        self.with(move |c| {
            c.query_row(
                "SELECT COALESCE(SUM(state = 'queued'), 0), COALESCE(SUM(state = 'running'), 0) FROM jobs WHERE state IN ('queued', 'running')",
                [],
                |r| {
                    Ok(QueueDepth {
                        queued: r.get(0)?,
                        running: r.get(1)?,
                    })
                },
            )
            .map_err(Self::err(&path))
        })
        .await
    }

    pub(super) async fn put_inventory(
        &self,
        row: &InventoryRow,
        now: i64,
    ) -> Result<(), StoreError> {
        let row = row.clone();
        let path = self.path.clone();
        self.with(move |c| {
            c.execute(
                "INSERT INTO inventories (digest, image, repository, inventory, scanned_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (digest) DO UPDATE SET image = excluded.image, repository = excluded.repository, inventory = excluded.inventory, scanned_at = excluded.scanned_at",
                params![row.digest, row.image, row.repository, row.inventory, now],
            )
            .map_err(Self::err(&path))?;
            Ok(())
        })
        .await
    }

    pub(super) async fn inventory(&self, digest: &str) -> Result<Option<InventoryRow>, StoreError> {
        let digest = digest.to_owned();
        let path = self.path.clone();
        self.with(move |c| {
            c.query_row(
                "SELECT digest, image, repository, inventory FROM inventories WHERE digest = ?1",
                params![digest],
                |r| {
                    Ok(InventoryRow {
                        digest: r.get(0)?,
                        image: r.get(1)?,
                        repository: r.get(2)?,
                        inventory: r.get(3)?,
                    })
                },
            )
            .optional()
            .map_err(Self::err(&path))
        })
        .await
    }

    pub(super) async fn inventory_digests(&self) -> Result<Vec<String>, StoreError> {
        let path = self.path.clone();
        self.with(move |c| {
            let e = Self::err(&path);
            let mut st = c
                .prepare("SELECT digest FROM inventories ORDER BY digest")
                .map_err(&e)?;
            let rows = st.query_map([], |r| r.get(0)).map_err(&e)?;
            rows.collect::<Result<Vec<String>, _>>().map_err(&e)
        })
        .await
    }

    pub(super) async fn put_result(
        &self,
        digest: &str,
        db_version: &str,
        findings: &str,
        change: Option<&NewChange>,
        now: i64,
    ) -> Result<(), StoreError> {
        let (digest, v, findings) = (
            digest.to_owned(),
            db_version.to_owned(),
            findings.to_owned(),
        );
        let change = change.cloned();
        let path = self.path.clone();
        self.with(move |c| {
            let e = Self::err(&path);
            let tx = c
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(&e)?;
            let n = tx
                .execute(
                    "INSERT INTO results (digest, db_version, findings, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                    params![digest, v, findings, now],
                )
                .map_err(&e)?;
            if n == 1
                && let Some(ch) = change
            {
                tx.execute(
                    "INSERT INTO changes (image, repository, digest, previous_db_version, db_version, added, removed, detected_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT DO NOTHING",
                    params![
                        ch.image,
                        ch.repository,
                        ch.digest,
                        ch.previous_db_version,
                        ch.db_version,
                        pairs_json(&ch.added),
                        pairs_json(&ch.removed),
                        now
                    ],
                )
                .map_err(&e)?;
            }
            tx.commit().map_err(&e)
        })
        .await
    }

    pub(super) async fn result(
        &self,
        digest: &str,
        db_version: &str,
    ) -> Result<Option<ResultRow>, StoreError> {
        let (digest, v) = (digest.to_owned(), db_version.to_owned());
        let path = self.path.clone();
        self.with(move |c| {
            c.query_row(
                "SELECT db_version, findings, created_at FROM results WHERE digest = ?1 AND db_version = ?2",
                params![digest, v],
                |r| {
                    Ok(ResultRow {
                        db_version: r.get(0)?,
                        findings: r.get(1)?,
                        created_at: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(Self::err(&path))
        })
        .await
    }

    pub(super) async fn latest_result(
        &self,
        digest: &str,
        except: Option<&str>,
    ) -> Result<Option<ResultRow>, StoreError> {
        let digest = digest.to_owned();
        let except = except.unwrap_or("").to_owned();
        let path = self.path.clone();
        self.with(move |c| {
            c.query_row(
                "SELECT db_version, findings, created_at FROM results WHERE digest = ?1 AND db_version <> ?2
                 ORDER BY created_at DESC, rowid DESC LIMIT 1",
                params![digest, except],
                |r| {
                    Ok(ResultRow {
                        db_version: r.get(0)?,
                        findings: r.get(1)?,
                        created_at: r.get(2)?,
                    })
                },
            )
            .optional()
            .map_err(Self::err(&path))
        })
        .await
    }

    pub(super) async fn changes(&self, since: i64, limit: i64) -> Result<Vec<Change>, StoreError> {
        let path = self.path.clone();
        self.with(move |c| {
            let e = Self::err(&path);
            let mut st = c
                .prepare(
                    "SELECT seq, image, repository, digest, previous_db_version, db_version, added, removed, detected_at
                     FROM changes WHERE seq > ?1 ORDER BY seq LIMIT ?2",
                )
                .map_err(&e)?;
            let rows = st
                .query_map(params![since, limit], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, String>(7)?,
                        r.get::<_, i64>(8)?,
                    ))
                })
                .map_err(&e)?;
            let mut out = Vec::new();
            for row in rows {
                let (seq, image, repository, digest, prev, v, added, removed, at) =
                    row.map_err(&e)?;
                out.push(Change {
                    seq,
                    image,
                    repository,
                    digest,
                    previous_db_version: prev,
                    db_version: v,
                    added: parse_pairs(&added)?,
                    removed: parse_pairs(&removed)?,
                    detected_at: at,
                });
            }
            Ok(out)
        })
        .await
    }
}
