//! The shared store: PostgreSQL, for several `bulwark server` instances. The queue takes a job
//! with `FOR UPDATE SKIP LOCKED`, so workers never wait on each other's picks. Connections come
//! from a deadpool pool, which replaces connections broken by a database restart.

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio_postgres::{NoTls, Row};

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
  insecure BOOLEAN NOT NULL DEFAULT FALSE,
  state TEXT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_until BIGINT,
  pinned_to TEXT,
  pinned_until BIGINT,
  db_version TEXT,
  error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  finished_at BIGINT,
  seq BIGSERIAL
);
CREATE INDEX IF NOT EXISTS jobs_pending ON jobs(state, created_at);
CREATE UNIQUE INDEX IF NOT EXISTS jobs_rescan_once ON jobs(digest, db_version) WHERE kind = 'rescan';
CREATE TABLE IF NOT EXISTS inventories (
  digest TEXT PRIMARY KEY,
  image TEXT NOT NULL,
  repository TEXT NOT NULL,
  inventory TEXT NOT NULL,
  scanned_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
  digest TEXT NOT NULL,
  db_version TEXT NOT NULL,
  findings TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  seq BIGSERIAL,
  PRIMARY KEY (digest, db_version)
);
CREATE TABLE IF NOT EXISTS changes (
  seq BIGSERIAL PRIMARY KEY,
  image TEXT NOT NULL,
  repository TEXT NOT NULL,
  digest TEXT NOT NULL,
  previous_db_version TEXT,
  db_version TEXT NOT NULL,
  added TEXT NOT NULL,
  removed TEXT NOT NULL,
  detected_at BIGINT NOT NULL,
  UNIQUE (digest, db_version)
);
";

const JOB_COLUMNS: &str = "id, kind, image, repository, digest, tag, mime_type, insecure, state, attempts, lease_owner, pinned_to, db_version, error, created_at, finished_at";

/// The PostgreSQL store.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
}

fn pg(e: impl std::fmt::Display) -> StoreError {
    StoreError::Postgres(e.to_string())
}

fn job_from_row(r: &Row) -> Result<Job, StoreError> {
    Ok(Job {
        id: r.try_get(0).map_err(pg)?,
        kind: JobKind::parse(r.try_get::<_, &str>(1).map_err(pg)?),
        image: r.try_get(2).map_err(pg)?,
        repository: r.try_get(3).map_err(pg)?,
        digest: r.try_get(4).map_err(pg)?,
        tag: r.try_get(5).map_err(pg)?,
        mime_type: r.try_get(6).map_err(pg)?,
        insecure: r.try_get(7).map_err(pg)?,
        state: JobState::parse(r.try_get::<_, &str>(8).map_err(pg)?),
        attempts: r.try_get(9).map_err(pg)?,
        lease_owner: r.try_get(10).map_err(pg)?,
        pinned_to: r.try_get(11).map_err(pg)?,
        db_version: r.try_get(12).map_err(pg)?,
        error: r.try_get(13).map_err(pg)?,
        created_at: r.try_get(14).map_err(pg)?,
        finished_at: r.try_get(15).map_err(pg)?,
    })
}

/// `postgres://user:SECRET@host/db` with the password masked, for messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.rsplit_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_owned(),
    }
}

impl PgStore {
    /// Connects and creates the tables when missing.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let config: tokio_postgres::Config = url.parse().map_err(|e| {
            StoreError::Postgres(format!("invalid database URL {}: {e}", redact_url(url)))
        })?;
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Verified,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(16)
            .wait_timeout(Some(std::time::Duration::from_secs(30)))
            .create_timeout(Some(std::time::Duration::from_secs(10)))
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .build()
            .map_err(pg)?;
        let store = Self { pool };
        let client = store.client().await.map_err(|e| {
            StoreError::Postgres(format!(
                "cannot connect to {}: {e} (is PostgreSQL running and the URL right?)",
                redact_url(url)
            ))
        })?;
        // Two instances starting together must not race on CREATE TABLE.
        client
            .batch_execute(&format!(
                "SELECT pg_advisory_lock(7351); {SCHEMA} SELECT pg_advisory_unlock(7351);"
            ))
            .await
            .map_err(pg)?;
        Ok(store)
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(pg)
    }

    pub(super) async fn ping(&self) -> Result<(), StoreError> {
        self.client()
            .await?
            .simple_query("SELECT 1")
            .await
            .map_err(pg)?;
        Ok(())
    }

    pub(super) async fn enqueue(&self, job: &NewJob, now: i64) -> Result<bool, StoreError> {
        let n = self
            .client()
            .await?
            .execute(
                "INSERT INTO jobs (id, kind, image, repository, digest, tag, mime_type, insecure, state, pinned_to, pinned_until, db_version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued', $9, $10, $11, $12, $12)
                 ON CONFLICT DO NOTHING",
                &[
                    &job.id,
                    &job.kind.as_str(),
                    &job.image,
                    &job.repository,
                    &job.digest,
                    &job.tag,
                    &job.mime_type,
                    &job.insecure,
                    &job.pinned_to,
                    &job.pinned_until,
                    &job.db_version,
                    &now,
                ],
            )
            .await
            .map_err(pg)?;
        Ok(n == 1)
    }

    pub(super) async fn insert_done(
        &self,
        job: &NewJob,
        db_version: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "INSERT INTO jobs (id, kind, image, repository, digest, tag, mime_type, insecure, state, attempts, db_version, created_at, updated_at, finished_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'done', 0, $9, $10, $10, $10)",
                &[
                    &job.id,
                    &job.kind.as_str(),
                    &job.image,
                    &job.repository,
                    &job.digest,
                    &job.tag,
                    &job.mime_type,
                    &job.insecure,
                    &db_version,
                    &now,
                ],
            )
            .await
            .map_err(pg)?;
        Ok(())
    }

    pub(super) async fn lease(
        &self,
        owner: &str,
        instance: &str,
        now: i64,
        lease_until: i64,
        max_attempts: i64,
    ) -> Result<Option<Job>, StoreError> {
        let client = self.client().await?;
        client
            .execute(
                "UPDATE jobs SET state = 'failed', error = $1, finished_at = $2, updated_at = $2, lease_owner = NULL
                 WHERE state = 'running' AND lease_until < $2 AND attempts >= $3",
                &[&exhausted_message(max_attempts), &now, &max_attempts],
            )
            .await
            .map_err(pg)?;
        client
            .execute(
                "UPDATE jobs SET state = 'failed', error = $1, finished_at = $2, updated_at = $2, lease_owner = NULL
                 WHERE state IN ('queued', 'running') AND pinned_to IS NOT NULL AND pinned_to <> $3
                   AND pinned_until < $2 AND (state = 'queued' OR lease_until < $2)",
                &[&PIN_LOST, &now, &instance],
            )
            .await
            .map_err(pg)?;
        let row = client
            .query_opt(
                &format!(
                    "UPDATE jobs SET state = 'running', lease_owner = $1, lease_until = $2, attempts = attempts + 1, updated_at = $3
                     WHERE id = (
                       SELECT id FROM jobs
                       WHERE (state = 'queued' OR (state = 'running' AND lease_until < $3))
                         AND (pinned_to IS NULL OR pinned_to = $4)
                       ORDER BY created_at, seq LIMIT 1
                       FOR UPDATE SKIP LOCKED)
                     RETURNING {JOB_COLUMNS}"
                ),
                &[&owner, &lease_until, &now, &instance],
            )
            .await
            .map_err(pg)?;
        row.as_ref().map(job_from_row).transpose()
    }

    pub(super) async fn renew(
        &self,
        id: &str,
        owner: &str,
        until: i64,
    ) -> Result<bool, StoreError> {
        let n = self
            .client()
            .await?
            .execute(
                "UPDATE jobs SET lease_until = $1 WHERE id = $2 AND lease_owner = $3 AND state = 'running'",
                &[&until, &id, &owner],
            )
            .await
            .map_err(pg)?;
        Ok(n == 1)
    }

    pub(super) async fn renew_pins(&self, instance: &str, until: i64) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "UPDATE jobs SET pinned_until = $1 WHERE pinned_to = $2 AND state IN ('queued', 'running')",
                &[&until, &instance],
            )
            .await
            .map_err(pg)?;
        Ok(())
    }

    pub(super) async fn complete(
        &self,
        id: &str,
        owner: &str,
        db_version: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let n = self
            .client()
            .await?
            .execute(
                "UPDATE jobs SET state = 'done', db_version = $1, finished_at = $2, updated_at = $2, lease_owner = NULL, error = NULL
                 WHERE id = $3 AND lease_owner = $4 AND state = 'running'",
                &[&db_version, &now, &id, &owner],
            )
            .await
            .map_err(pg)?;
        Ok(n == 1)
    }

    pub(super) async fn fail(
        &self,
        id: &str,
        owner: &str,
        error: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let n = self
            .client()
            .await?
            .execute(
                "UPDATE jobs SET state = 'failed', error = $1, finished_at = $2, updated_at = $2, lease_owner = NULL
                 WHERE id = $3 AND lease_owner = $4 AND state = 'running'",
                &[&error, &now, &id, &owner],
            )
            .await
            .map_err(pg)?;
        Ok(n == 1)
    }

    pub(super) async fn requeue(
        &self,
        id: &str,
        owner: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let n = self
            .client()
            .await?
            .execute(
                "UPDATE jobs SET state = 'queued', lease_owner = NULL, lease_until = NULL, attempts = GREATEST(attempts - 1, 0), updated_at = $1
                 WHERE id = $2 AND lease_owner = $3 AND state = 'running'",
                &[&now, &id, &owner],
            )
            .await
            .map_err(pg)?;
        Ok(n == 1)
    }

    pub(super) async fn job(&self, id: &str) -> Result<Option<Job>, StoreError> {
        let row = self
            .client()
            .await?
            .query_opt(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"),
                &[&id],
            )
            .await
            .map_err(pg)?;
        row.as_ref().map(job_from_row).transpose()
    }

    pub(super) async fn queue_depth(&self) -> Result<QueueDepth, StoreError> {
        let row = self
            .client()
            .await?
            .query_one(
                "SELECT COUNT(*) FILTER (WHERE state = 'queued'), COUNT(*) FILTER (WHERE state = 'running') FROM jobs WHERE state IN ('queued', 'running')",
                &[],
            )
            .await
            .map_err(pg)?;
        Ok(QueueDepth {
            queued: row.try_get(0).map_err(pg)?,
            running: row.try_get(1).map_err(pg)?,
        })
    }

    pub(super) async fn put_inventory(
        &self,
        row: &InventoryRow,
        now: i64,
    ) -> Result<(), StoreError> {
        self.client()
            .await?
            .execute(
                "INSERT INTO inventories (digest, image, repository, inventory, scanned_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (digest) DO UPDATE SET image = EXCLUDED.image, repository = EXCLUDED.repository, inventory = EXCLUDED.inventory, scanned_at = EXCLUDED.scanned_at",
                &[&row.digest, &row.image, &row.repository, &row.inventory, &now],
            )
            .await
            .map_err(pg)?;
        Ok(())
    }

    pub(super) async fn inventory(&self, digest: &str) -> Result<Option<InventoryRow>, StoreError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT digest, image, repository, inventory FROM inventories WHERE digest = $1",
                &[&digest],
            )
            .await
            .map_err(pg)?;
        row.map(|r| {
            Ok(InventoryRow {
                digest: r.try_get(0).map_err(pg)?,
                image: r.try_get(1).map_err(pg)?,
                repository: r.try_get(2).map_err(pg)?,
                inventory: r.try_get(3).map_err(pg)?,
            })
        })
        .transpose()
    }

    pub(super) async fn inventory_digests(&self) -> Result<Vec<String>, StoreError> {
        let rows = self
            .client()
            .await?
            .query("SELECT digest FROM inventories ORDER BY digest", &[])
            .await
            .map_err(pg)?;
        rows.iter().map(|r| r.try_get(0).map_err(pg)).collect()
    }

    pub(super) async fn put_result(
        &self,
        digest: &str,
        db_version: &str,
        findings: &str,
        change: Option<&NewChange>,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(pg)?;
        let n = tx
            .execute(
                "INSERT INTO results (digest, db_version, findings, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&digest, &db_version, &findings, &now],
            )
            .await
            .map_err(pg)?;
        if n == 1
            && let Some(ch) = change
        {
            tx.execute(
                "INSERT INTO changes (image, repository, digest, previous_db_version, db_version, added, removed, detected_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                &[
                    &ch.image,
                    &ch.repository,
                    &ch.digest,
                    &ch.previous_db_version,
                    &ch.db_version,
                    &pairs_json(&ch.added),
                    &pairs_json(&ch.removed),
                    &now,
                ],
            )
            .await
            .map_err(pg)?;
        }
        tx.commit().await.map_err(pg)
    }

    pub(super) async fn result(
        &self,
        digest: &str,
        db_version: &str,
    ) -> Result<Option<ResultRow>, StoreError> {
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT db_version, findings, created_at FROM results WHERE digest = $1 AND db_version = $2",
                &[&digest, &db_version],
            )
            .await
            .map_err(pg)?;
        row.map(|r| result_row(&r)).transpose()
    }

    pub(super) async fn latest_result(
        &self,
        digest: &str,
        except: Option<&str>,
    ) -> Result<Option<ResultRow>, StoreError> {
        let except = except.unwrap_or("");
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT db_version, findings, created_at FROM results WHERE digest = $1 AND db_version <> $2
                 ORDER BY created_at DESC, seq DESC LIMIT 1",
                &[&digest, &except],
            )
            .await
            .map_err(pg)?;
        row.map(|r| result_row(&r)).transpose()
    }

    pub(super) async fn changes(&self, since: i64, limit: i64) -> Result<Vec<Change>, StoreError> {
        let rows = self
            .client()
            .await?
            .query(
                "SELECT seq, image, repository, digest, previous_db_version, db_version, added, removed, detected_at
                 FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&since, &limit],
            )
            .await
            .map_err(pg)?;
        rows.iter()
            .map(|r| {
                Ok(Change {
                    seq: r.try_get(0).map_err(pg)?,
                    image: r.try_get(1).map_err(pg)?,
                    repository: r.try_get(2).map_err(pg)?,
                    digest: r.try_get(3).map_err(pg)?,
                    previous_db_version: r.try_get(4).map_err(pg)?,
                    db_version: r.try_get(5).map_err(pg)?,
                    added: parse_pairs(r.try_get(6).map_err(pg)?)?,
                    removed: parse_pairs(r.try_get(7).map_err(pg)?)?,
                    detected_at: r.try_get(8).map_err(pg)?,
                })
            })
            .collect()
    }
}

fn result_row(r: &Row) -> Result<ResultRow, StoreError> {
    Ok(ResultRow {
        db_version: r.try_get(0).map_err(pg)?,
        findings: r.try_get(1).map_err(pg)?,
        created_at: r.try_get(2).map_err(pg)?,
    })
}
