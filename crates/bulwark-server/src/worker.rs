//! Workers: lease a job, run it off the async runtime, store the result, renew the lease
//! meanwhile. Plus the database watcher that reloads a changed vulnerability database and
//! queues re-scans of every stored inventory.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bulwark_report::Finding;
use tokio::task::JoinHandle;

use crate::scan::{PullTarget, ScanFailure, StoredInventory};
use crate::store::{InventoryRow, Job, JobKind, NewChange, NewJob, VulnPair};
use crate::{State, now, random_id};

/// Opens the vulnerability database (updating it first when allowed and stale).
pub(crate) async fn load_db(state: &Arc<State>) -> bool {
    let path = state.config.db_path.clone();
    let update = (!state.config.offline)
        .then_some(state.config.db_max_age)
        .flatten();
    let timeouts = state.config.timeouts;
    let result = tokio::task::spawn_blocking(move || {
        if let Some(age) = update
            && let Err(e) = crate::scan::update_db(&path, age, timeouts)
        {
            tracing::warn!(error = %e, "vulnerability database update failed; using the existing one");
        }
        crate::scan::open_db(&path)
    })
    .await;
    match result {
        Ok(Ok(db)) => {
            let changed = state.db().is_none_or(|old| old.version != db.version);
            if changed {
                tracing::info!(version = %db.version, path = %state.config.db_path.display(), "vulnerability database loaded");
                if let Ok(mut g) = state.db.write() {
                    *g = Some(Arc::new(db));
                }
            }
            changed
        }
        Ok(Err(e)) => {
            state.metrics.error("database");
            tracing::error!(error = %e, "no usable vulnerability database; scans wait until one exists");
            false
        }
        Err(e) => {
            tracing::error!(error = %e, "database loader panicked");
            false
        }
    }
}

/// Queues a re-scan of every stored inventory against the current database.
pub(crate) async fn queue_rescans(state: &Arc<State>) -> Result<usize, crate::store::StoreError> {
    let Some(db) = state.db() else { return Ok(0) };
    let mut queued = 0;
    for digest in state.store.inventory_digests().await? {
        if state.store.result(&digest, &db.version).await?.is_some() {
            continue;
        }
        let Some(inv) = state.store.inventory(&digest).await? else {
            continue;
        };
        let job = NewJob {
            id: random_id(),
            kind: JobKind::Rescan,
            image: inv.image,
            repository: inv.repository,
            digest,
            tag: None,
            mime_type: None,
            insecure: false,
            pinned_to: None,
            pinned_until: None,
            db_version: Some(db.version.clone()),
        };
        if state.store.enqueue(&job, now()).await? {
            queued += 1;
        }
    }
    if queued > 0 {
        tracing::info!(queued, version = %db.version, "re-scans queued for the new vulnerability database");
        state.wake.notify_waiters();
    }
    Ok(queued)
}

/// Running background tasks.
pub(crate) struct Workers {
    jobs: Vec<JoinHandle<()>>,
    background: Vec<JoinHandle<()>>,
}

/// Starts the workers, the pin keeper and the database watcher.
pub(crate) fn spawn(state: &Arc<State>) -> Workers {
    let jobs = (0..state.config.workers)
        .map(|n| {
            let st = Arc::clone(state);
            tokio::spawn(async move { work_loop(st, n).await })
        })
        .collect();
    let mut background = Vec::new();
    let st = Arc::clone(state);
    background.push(tokio::spawn(async move {
        let every = st.config.lease / 3;
        loop {
            let until = now() + st.config.lease.as_secs() as i64;
            if let Err(e) = st.store.renew_pins(&st.instance, until).await {
                tracing::warn!(error = %e, "cannot renew credential pins");
            }
            tokio::time::sleep(every).await;
        }
    }));
    let st = Arc::clone(state);
    background.push(tokio::spawn(async move {
        let mut last_update = Instant::now();
        loop {
            tokio::time::sleep(st.config.db_check_interval).await;
            if st.stopping.load(Ordering::SeqCst) {
                return;
            }
            let due = st
                .config
                .db_max_age
                .is_some_and(|a| last_update.elapsed() >= a);
            if due {
                last_update = Instant::now();
            }
            let changed = reload_if_changed(&st, due).await;
            if changed && let Err(e) = queue_rescans(&st).await {
                st.metrics.error("store");
                tracing::warn!(error = %e, "cannot queue re-scans (will retry)");
            }
        }
    }));
    Workers { jobs, background }
}

/// Reloads the database when its file changed (or an update is due).
async fn reload_if_changed(state: &Arc<State>, update_due: bool) -> bool {
    if update_due && !state.config.offline {
        return load_db(state).await;
    }
    let path = state.config.db_path.clone();
    let current = state.db().map(|d| d.version.clone());
    let fresh = tokio::task::spawn_blocking(move || crate::scan::open_db(&path)).await;
    match fresh {
        Ok(Ok(db)) if current.as_deref() != Some(db.version.as_str()) => {
            tracing::info!(version = %db.version, "vulnerability database changed; re-scanning stored images");
            if let Ok(mut g) = state.db.write() {
                *g = Some(Arc::new(db));
            }
            true
        }
        _ => false,
    }
}

/// Waits for running jobs up to the shutdown timeout, then gives unfinished ones back.
pub(crate) async fn finish(state: &Arc<State>, workers: Workers) {
    for b in &workers.background {
        b.abort();
    }
    let deadline = tokio::time::sleep(state.config.shutdown_timeout);
    tokio::pin!(deadline);
    let all = futures_join(workers.jobs);
    tokio::select! {
        () = all => {}
        () = &mut deadline => {
            tracing::warn!("shutdown timeout: re-queueing jobs still running");
        }
    }
    let owned: Vec<String> = (0..state.config.workers)
        .map(|n| format!("{}-{n}", state.instance))
        .collect();
    for (id, owner) in state
        .running
        .lock()
        .map(|r| {
            r.iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    {
        if owned.contains(&owner) {
            match state.store.requeue(&id, &owner, now()).await {
                Ok(true) => tracing::info!(job = %id, "re-queued"),
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(job = %id, error = %e, "cannot re-queue; its lease will expire");
                }
            }
        }
    }
}

async fn futures_join(handles: Vec<JoinHandle<()>>) {
    for h in handles {
        let _ = h.await;
    }
}

async fn work_loop(state: Arc<State>, n: usize) {
    let owner = format!("{}-{n}", state.instance);
    let lease = state.config.lease;
    let mut backoff = Duration::from_millis(200);
    loop {
        if state.stopping.load(Ordering::SeqCst) {
            return;
        }
        let t = now();
        let leased = state
            .store
            .lease(
                &owner,
                &state.instance,
                t,
                t + lease.as_secs() as i64,
                state.config.max_attempts,
            )
            .await;
        let job = match leased {
            Ok(Some(job)) => {
                backoff = Duration::from_millis(200);
                job
            }
            Ok(None) => {
                tokio::select! {
                    () = state.wake.notified() => {}
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
                continue;
            }
            Err(e) => {
                state.metrics.error("store");
                tracing::warn!(error = %e, "cannot take a job; retrying");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        if let Ok(mut r) = state.running.lock() {
            r.insert(job.id.clone(), owner.clone());
        }
        run_job(&state, &owner, job.clone()).await;
        if let Ok(mut r) = state.running.lock() {
            r.remove(&job.id);
        }
    }
}

async fn run_job(state: &Arc<State>, owner: &str, job: Job) {
    let started = Instant::now();
    tracing::info!(job = %job.id, kind = job.kind.as_str(), image = %job.image, attempt = job.attempts, "job started");
    let renewer = {
        let st = Arc::clone(state);
        let (id, owner) = (job.id.clone(), owner.to_owned());
        tokio::spawn(async move {
            let every = st.config.lease / 3;
            loop {
                tokio::time::sleep(every).await;
                let until = now() + st.config.lease.as_secs() as i64;
                match st.store.renew(&id, &owner, until).await {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::warn!(job = %id, "lease lost: another worker took the job");
                        return;
                    }
                    Err(e) => tracing::warn!(job = %id, error = %e, "cannot renew the lease"),
                }
            }
        })
    };
    let outcome = process(state, &job).await;
    renewer.abort();
    let seconds = started.elapsed().as_secs_f64();
    let (result, err_text) = match outcome {
        Ok(version) => {
            state.metrics.observe_scan(seconds);
            tracing::info!(job = %job.id, image = %job.image, seconds, "job done");
            (
                retry_store(|| state.store.complete(&job.id, owner, &version, now())).await,
                None,
            )
        }
        Err(f) => {
            state.metrics.error(f.kind);
            tracing::warn!(job = %job.id, image = %job.image, kind = f.kind, error = %f.message, "job failed");
            let msg = f.message.clone();
            (
                retry_store(|| state.store.fail(&job.id, owner, &msg, now())).await,
                Some(f.message),
            )
        }
    };
    if let Ok(false) = result {
        tracing::warn!(job = %job.id, error = ?err_text, "job outcome not recorded: the lease had passed to another worker");
    }
    if let Ok(mut c) = state.credentials.lock() {
        c.remove(&job.id);
    }
}

/// Retries a store read or write through short outages (a restarting PostgreSQL), for up to a
/// minute: an outage is not a failed scan (a read on a pooled connection that the restart closed
/// used to fail the job, and Harbor got a 500 for a scan that only had to wait).
async fn retry_store<T, F, Fut>(mut f: F) -> Result<T, crate::store::StoreError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, crate::store::StoreError>>,
{
    let deadline = Instant::now() + Duration::from_mins(1);
    let mut wait = Duration::from_millis(200);
    loop {
        match f().await {
            Ok(v) => return Ok(v),
            Err(e) if Instant::now() < deadline => {
                tracing::warn!(error = %e, "store write failed; retrying");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e),
        }
    }
}

fn store_failure(e: &crate::store::StoreError) -> ScanFailure {
    ScanFailure {
        kind: "store",
        message: e.to_string(),
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ScanFailure> + Send + 'static,
) -> Result<T, ScanFailure> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ScanFailure {
            kind: "internal",
            message: format!("scan task failed: {e}"),
        })?
}

/// Runs one job; returns the database version its result is stored under.
async fn process(state: &Arc<State>, job: &Job) -> Result<String, ScanFailure> {
    let db = state.db().ok_or_else(|| ScanFailure {
        kind: "database",
        message: format!(
            "no vulnerability database at {}: run `bulwark db update` or `bulwark db import PATH` on the server",
            state.config.db_path.display()
        ),
    })?;
    let (inv, stored) = match retry_store(|| state.store.inventory(&job.digest))
        .await
        .map_err(|e| store_failure(&e))?
    {
        Some(row) => (
            serde_json::from_str::<StoredInventory>(&row.inventory).map_err(|e| ScanFailure {
                kind: "store",
                message: format!("stored inventory of {} is corrupt: {e}", job.digest),
            })?,
            true,
        ),
        None if job.kind == JobKind::Rescan => {
            return Err(ScanFailure {
                kind: "store",
                message: format!("no stored inventory of {} to re-scan", job.digest),
            });
        }
        None => (pull(state, job).await?, false),
    };
    if !stored {
        let row = InventoryRow {
            digest: job.digest.clone(),
            image: job.image.clone(),
            repository: job.repository.clone(),
            inventory: serde_json::to_string(&inv).map_err(|e| ScanFailure {
                kind: "internal",
                message: e.to_string(),
            })?,
        };
        retry_store(|| async { state.store.put_inventory(&row, now()).await.map(|()| true) })
            .await
            .map_err(|e| store_failure(&e))?;
    }
    if retry_store(|| state.store.result(&job.digest, &db.version))
        .await
        .map_err(|e| store_failure(&e))?
        .is_some()
    {
        return Ok(db.version.clone());
    }
    let previous = match job.kind {
        JobKind::Rescan => {
            retry_store(|| state.store.latest_result(&job.digest, Some(&db.version)))
                .await
                .map_err(|e| store_failure(&e))?
        }
        JobKind::Scan => None,
    };
    let inv = Arc::new(inv);
    let findings = {
        let (inv, db) = (Arc::clone(&inv), Arc::clone(&db));
        blocking(move || crate::scan::vulnerabilities(&inv, &db)).await?
    };
    let text = serde_json::to_string(&findings).map_err(|e| ScanFailure {
        kind: "internal",
        message: e.to_string(),
    })?;
    let change = match &previous {
        Some(prev) => {
            let before: Vec<Finding> =
                serde_json::from_str(&prev.findings).map_err(|e| ScanFailure {
                    kind: "store",
                    message: format!("stored result of {} is corrupt: {e}", job.digest),
                })?;
            let (added, removed) = diff(&before, &findings);
            Some(NewChange {
                image: job.image.clone(),
                repository: job.repository.clone(),
                digest: job.digest.clone(),
                previous_db_version: Some(prev.db_version.clone()),
                db_version: db.version.clone(),
                added,
                removed,
            })
        }
        None => None,
    };
    retry_store(|| async {
        state
            .store
            .put_result(&job.digest, &db.version, &text, change.as_ref(), now())
            .await
            .map(|()| true)
    })
    .await
    .map_err(|e| store_failure(&e))?;
    if let (Some(ch), Some(url)) = (&change, &state.config.webhook_url)
        && !ch.added.is_empty()
    {
        send_webhook(url.clone(), ch, state.config.timeouts).await;
    }
    Ok(db.version.clone())
}

async fn pull(state: &Arc<State>, job: &Job) -> Result<StoredInventory, ScanFailure> {
    let credential = state
        .credentials
        .lock()
        .ok()
        .and_then(|c| c.get(&job.id).cloned());
    if job.pinned_to.is_some() && credential.is_none() {
        return Err(ScanFailure {
            kind: "auth",
            message: crate::store::PIN_LOST.to_owned(),
        });
    }
    let target = PullTarget {
        reference: job.image.clone(),
        insecure: job.insecure,
        credential,
    };
    let (cache, timeouts) = (state.config.cache_dir.clone(), state.config.timeouts);
    blocking(move || crate::scan::inventory(&target, cache.as_deref(), timeouts)).await
}

/// A finding as a change pair.
pub(crate) fn pair(f: &Finding) -> VulnPair {
    let p = |k: &str| {
        f.properties
            .get(k)
            .and_then(serde_json::Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    VulnPair {
        id: f.code.clone(),
        package: p("package"),
        version: p("installed_version"),
        fix_version: p("fixed_version"),
        severity: f.severity.as_str().to_owned(),
        target: f.location.path.clone(),
    }
}

/// Pairs in `after` but not `before` (added), and the other way round (removed), keyed by
/// vulnerability, package, version and target.
pub(crate) fn diff(before: &[Finding], after: &[Finding]) -> (Vec<VulnPair>, Vec<VulnPair>) {
    use std::collections::BTreeMap;
    let key = |p: &VulnPair| {
        (
            p.id.clone(),
            p.package.clone(),
            p.version.clone(),
            p.target.clone(),
        )
    };
    let b: BTreeMap<_, VulnPair> = before.iter().map(pair).map(|p| (key(&p), p)).collect();
    let a: BTreeMap<_, VulnPair> = after.iter().map(pair).map(|p| (key(&p), p)).collect();
    let added = a
        .iter()
        .filter(|(k, _)| !b.contains_key(*k))
        .map(|(_, v)| v.clone())
        .collect();
    let removed = b
        .iter()
        .filter(|(k, _)| !a.contains_key(*k))
        .map(|(_, v)| v.clone())
        .collect();
    (added, removed)
}

async fn send_webhook(url: String, change: &NewChange, timeouts: bulwark_net::Timeouts) {
    let body = serde_json::json!({
        "type": "bulwark.vulnerabilities.changed",
        "image": change.image,
        "repository": change.repository,
        "digest": change.digest,
        "previous_db_version": change.previous_db_version,
        "db_version": change.db_version,
        "added": change.added,
        "removed": change.removed,
    })
    .to_string();
    let result = tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = bulwark_net::Deadline::start(timeouts)
            .agent_config()
            .timeout_global(Some(timeouts.total))
            .http_status_as_error(false)
            .build()
            .into();
        agent
            .post(&url)
            .header("Content-Type", "application/json")
            .send(body.as_bytes())
            .map(|r| r.status().as_u16())
            .map_err(|e| format!("{url}: {e}"))
    })
    .await;
    match result {
        Ok(Ok(s)) if (200..300).contains(&s) => {}
        Ok(Ok(s)) => tracing::warn!(status = s, "change webhook answered with an error"),
        Ok(Err(e)) => tracing::warn!(error = %e, "change webhook failed"),
        Err(e) => tracing::warn!(error = %e, "change webhook task failed"),
    }
}

/// Queues (or answers from the store) a scan of one image; returns the job id.
pub(crate) async fn submit(
    state: &Arc<State>,
    mut job: NewJob,
    credential: Option<bulwark_oci::Credential>,
) -> Result<String, crate::store::StoreError> {
    let t = now();
    if let Some(db) = state.db()
        && state.store.inventory(&job.digest).await?.is_some()
        && state
            .store
            .result(&job.digest, &db.version)
            .await?
            .is_some()
    {
        state.store.insert_done(&job, &db.version, t).await?;
        tracing::info!(job = %job.id, image = %job.image, "answered from the store");
        return Ok(job.id);
    }
    if let Some(c) = credential {
        job.pinned_to = Some(state.instance.clone());
        job.pinned_until = Some(t + state.config.lease.as_secs() as i64);
        if let Ok(mut m) = state.credentials.lock() {
            m.insert(job.id.clone(), c);
        }
    }
    let id = job.id.clone();
    if let Err(e) = state.store.enqueue(&job, t).await {
        if let Ok(mut m) = state.credentials.lock() {
            m.remove(&id);
        }
        return Err(e);
    }
    tracing::info!(job = %id, image = %job.image, "scan queued");
    state.wake.notify_one();
    Ok(id)
}

/// Builds the job of a scan request.
pub(crate) fn new_scan_job(
    image: String,
    repository: String,
    digest: String,
    tag: Option<String>,
    mime_type: Option<String>,
    insecure: bool,
) -> NewJob {
    NewJob {
        id: random_id(),
        kind: JobKind::Scan,
        image,
        repository,
        digest,
        tag,
        mime_type,
        insecure,
        pinned_to: None,
        pinned_until: None,
        db_version: None,
    }
}
