//! `bulwark server`: a scanning service for private registries.
//!
//! - Harbor's Pluggable Scanner Adapter API v1.2 ([`harbor`]): `GET /api/v1/metadata`,
//!   `POST /api/v1/scan`, `GET /api/v1/scan/{id}/report` (vulnerability reports in the v1.1 and
//!   Harbor 1.0 forms, SBOM reports in SPDX and CycloneDX).
//! - Scan on push for any Distribution registry ([`notify`]): `POST /api/v1/registry/events`.
//! - A job queue and result store in SQLite (default, one file) or PostgreSQL ([`store`]);
//!   workers lease jobs, so any number of instances can share one database and a killed
//!   worker's job is taken by another.
//! - Re-scan: when the vulnerability database changes, stored inventories are matched again
//!   and what changed is recorded (`GET /api/v1/changes?since=N`, optional webhook).
//! - Policy verdicts for admission and CI ([`policy`]): `GET /api/v1/verdict?image=REF`.
//! - API keys with read/scan scopes, TLS, body and rate limits, `/healthz`, `/readyz`,
//!   Prometheus `/metrics`, structured logs, graceful shutdown.
//!
//! All calls into the scan libraries live in [`scan`].

pub mod auth;
pub mod harbor;
mod http;
pub mod metrics;
pub mod notify;
pub mod policy;
pub mod scan;
pub mod store;
mod worker;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bulwark_oci::Credential;

use crate::auth::ApiKeys;
use crate::metrics::Metrics;
use crate::policy::Policy;
use crate::scan::VulnDb;
use crate::store::Store;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// `postgres://…` URL or SQLite file path.
    pub database: String,
    /// API keys; `None` = no authentication (loopback only).
    pub api_keys: Option<ApiKeys>,
    /// TLS certificate chain and private key (PEM).
    pub tls: Option<(PathBuf, PathBuf)>,
    /// `HOST[:PORT]` of registries reached over plain HTTP.
    pub insecure_registries: Vec<String>,
    /// The OSV database file.
    pub db_path: PathBuf,
    /// Never download vulnerability data.
    pub offline: bool,
    /// Update the database when older than this (unless offline); `None`: never update.
    pub db_max_age: Option<Duration>,
    /// How often to look for a new database (and re-scan when it changed).
    pub db_check_interval: Duration,
    /// Per-layer cache directory; `None` disables it.
    pub cache_dir: Option<PathBuf>,
    /// Concurrent jobs in this instance.
    pub workers: usize,
    /// Lease of a running job; renewed every third of it.
    pub lease: Duration,
    /// A job whose worker died this many times fails.
    pub max_attempts: i64,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Requests per second per client (API key, else address); `None`: unlimited.
    pub rate_limit: Option<u32>,
    /// URL receiving re-scan changes with new findings.
    pub webhook_url: Option<String>,
    /// Policy for `/api/v1/verdict`.
    pub policy: Option<Policy>,
    /// How long shutdown waits for running jobs before re-queueing them.
    pub shutdown_timeout: Duration,
    /// `Refresh-After` seconds sent while a report is not ready.
    pub refresh_after: u32,
    /// Log as JSON lines (else human-readable text).
    pub log_json: bool,
    /// Deadlines of every outgoing conversation: registry pulls and digest look-ups,
    /// signature look-ups, database downloads, the change webhook (the CLI's `--timeout`,
    /// `--connect-timeout`, `--read-timeout`).
    pub timeouts: bulwark_net::Timeouts,
}

/// Errors that stop the server from starting or running.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Settings that cannot work together.
    #[error("{0}")]
    Config(String),
    /// The store could not be opened.
    #[error(transparent)]
    Store(#[from] store::StoreError),
    /// Listening or TLS set-up failed.
    #[error("{0}")]
    Io(String),
}

/// Shared state of one server instance.
pub(crate) struct State {
    pub config: Config,
    pub store: Store,
    pub db: RwLock<Option<Arc<VulnDb>>>,
    pub metrics: Metrics,
    /// Unique per process: lease owner prefix and credential pin.
    pub instance: String,
    /// Credentials of accepted scan requests, by job id; in memory only.
    pub credentials: Mutex<HashMap<String, Credential>>,
    /// Jobs this instance's workers are running: id → lease owner.
    pub running: Mutex<HashMap<String, String>>,
    pub wake: tokio::sync::Notify,
    pub stopping: AtomicBool,
    pub rate: Mutex<HashMap<String, (f64, std::time::Instant)>>,
    /// Rendered vulnerability reports of finished jobs (immutable once written).
    pub reports: Mutex<http::ReportCache>,
}

impl State {
    pub fn db(&self) -> Option<Arc<VulnDb>> {
        self.db.read().ok().and_then(|g| g.clone())
    }

    pub fn insecure(&self, host: &str) -> bool {
        self.config
            .insecure_registries
            .iter()
            .any(|h| h.eq_ignore_ascii_case(host))
    }
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// RFC 3339 UTC of Unix seconds.
pub(crate) fn rfc3339(secs: i64) -> String {
    bulwark_sign::referrers::rfc3339_utc(UNIX_EPOCH + Duration::from_secs(secs.max(0) as u64))
}

fn random_id() -> String {
    use rand_core::RngCore as _;
    let mut b = [0u8; 16];
    rand_core::OsRng.fill_bytes(&mut b);
    b.iter().fold(String::with_capacity(32), |mut s, x| {
        use std::fmt::Write as _;
        let _ = write!(s, "{x:02x}");
        s
    })
}

/// Sets up structured logging on standard error (`RUST_LOG` / `BULWARK_LOG` filter, default
/// `info`).
pub fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("BULWARK_LOG")
        .or_else(|_| tracing_subscriber::EnvFilter::try_from_default_env())
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    // A second initialisation (tests) keeps the first subscriber.
    if json {
        let _ = builder.json().flatten_event(true).try_init();
    } else {
        let _ = builder.try_init();
    }
}

/// Checks settings that cannot work together, before anything starts.
pub fn check_config(config: &Config) -> Result<(), ServerError> {
    let keys = config.api_keys.as_ref().is_some_and(|k| !k.is_empty());
    if !keys && !config.listen.ip().is_loopback() {
        return Err(ServerError::Config(format!(
            "refusing to listen on {} without API keys: anyone who reaches it could request scans with the server's registry credentials; pass --api-key-file FILE or listen on 127.0.0.1",
            config.listen
        )));
    }
    if config.workers == 0 {
        return Err(ServerError::Config("--workers must be at least 1".into()));
    }
    if config.lease < Duration::from_secs(3) {
        return Err(ServerError::Config(
            "--lease must be at least 3s (workers renew it every third)".into(),
        ));
    }
    Ok(())
}

/// [`run`] on a multi-threaded runtime of its own (for callers without one, like the CLI).
pub fn run_blocking(config: Config) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| ServerError::Io(format!("cannot start the async runtime: {e}")))?;
    let result = runtime.block_on(run(config));
    // Scans re-queued at the shutdown timeout may still run on blocking threads: do not wait
    // for them (dropping the runtime would).
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

/// Runs the server until SIGINT/SIGTERM, then shuts down gracefully.
pub async fn run(config: Config) -> Result<(), ServerError> {
    check_config(&config)?;
    let tls = match &config.tls {
        Some((cert, key)) => Some(http::tls_config(cert, key)?),
        None => None,
    };
    let store = Store::open(&config.database).await?;
    let state = Arc::new(State {
        instance: random_id(),
        store,
        db: RwLock::new(None),
        metrics: Metrics::default(),
        credentials: Mutex::new(HashMap::new()),
        running: Mutex::new(HashMap::new()),
        wake: tokio::sync::Notify::new(),
        stopping: AtomicBool::new(false),
        rate: Mutex::new(HashMap::new()),
        reports: Mutex::new(http::ReportCache::default()),
        config,
    });
    worker::load_db(&state).await;
    let listener = std::net::TcpListener::bind(state.config.listen).map_err(|e| {
        ServerError::Io(format!(
            "cannot listen on {}: {e} (is another server using the port?)",
            state.config.listen
        ))
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|e| ServerError::Io(e.to_string()))?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServerError::Io(e.to_string()))?;
    tracing::info!(
        listen = %addr,
        tls = tls.is_some(),
        store = state.store.backend(),
        workers = state.config.workers,
        instance = %state.instance,
        auth = state.config.api_keys.as_ref().map_or(0, ApiKeys::len),
        "bulwark server listening"
    );
    // Printed for scripts that start the server on port 0.
    eprintln!(
        "bulwark: server listening on {}://{addr}",
        if tls.is_some() { "https" } else { "http" }
    );
    let handle = axum_server::Handle::new();
    let workers = worker::spawn(&state);
    let shutdown_state = Arc::clone(&state);
    let shutdown_handle = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: no new jobs; waiting for running ones");
        shutdown_state
            .stopping
            .store(true, std::sync::atomic::Ordering::SeqCst);
        shutdown_state.wake.notify_waiters();
        shutdown_handle.graceful_shutdown(Some(Duration::from_secs(10)));
    });
    let app = http::router(Arc::clone(&state));
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    let served = match tls {
        Some(tls) => {
            axum_server::from_tcp_rustls(listener, tls)
                .map_err(|e| ServerError::Io(e.to_string()))?
                .handle(handle)
                .serve(service)
                .await
        }
        None => {
            axum_server::from_tcp(listener)
                .map_err(|e| ServerError::Io(e.to_string()))?
                .handle(handle)
                .serve(service)
                .await
        }
    };
    served.map_err(|e| ServerError::Io(format!("server stopped: {e}")))?;
    worker::finish(&state, workers).await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
