//! `bulwark server`: flags → [`bulwark_server::Config`], then the service runs until SIGINT or
//! SIGTERM. Everything else lives in `bulwark-server`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use bulwark_server::Config;
use bulwark_server::auth::ApiKeys;

use super::UsageError;
use super::vuln::parse_duration;

/// Flags of `bulwark server`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on. Without --api-key-file only loopback addresses are allowed.
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "127.0.0.1:8080",
        env = "BULWARK_LISTEN"
    )]
    pub listen: SocketAddr,
    /// Result store: `postgres://USER:PASSWORD@HOST/DB` (shared by several instances) or a
    /// SQLite file (default: `<cache dir>/server/bulwark-server.db`).
    #[arg(
        long,
        value_name = "URL|FILE",
        env = "BULWARK_DATABASE",
        hide_env_values = true
    )]
    pub database: Option<String>,
    /// API keys, one per line, optionally followed by scopes (`read`, `scan`; default both).
    /// Clients send `Authorization: Bearer KEY` or `X-ScannerAdapter-API-Key: KEY`.
    #[arg(long, value_name = "FILE", env = "BULWARK_API_KEY_FILE")]
    pub api_key_file: Option<PathBuf>,
    /// TLS certificate chain (PEM); with --tls-key the server speaks HTTPS.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Registry reached over plain HTTP (repeatable; loopback registries always are).
    #[arg(long, value_name = "HOST:PORT")]
    pub insecure_registry: Vec<String>,
    /// The OSV database file (default: `<cache dir>/db/osv.db`, the CLI's).
    #[arg(long, value_name = "FILE", env = "BULWARK_DB_PATH")]
    pub db_path: Option<PathBuf>,
    /// Never download vulnerability data (use the database as it is).
    #[arg(long, env = "BULWARK_OFFLINE")]
    pub offline: bool,
    /// Update the database when older than this, at start and while running (unless
    /// --offline).
    #[arg(long, value_name = "DURATION", default_value = "24h", value_parser = parse_duration)]
    pub db_max_age: Duration,
    /// How often to look for a changed database file (`bulwark db update` or `db import` by
    /// another process); a change re-scans every stored image.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub db_check_interval: Duration,
    /// Per-layer cache directory (default: the CLI's cache directory).
    #[arg(long, value_name = "DIR", env = "BULWARK_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Do not cache per-layer results.
    #[arg(long)]
    pub no_cache: bool,
    /// Jobs this instance runs at once (default: the number of CPUs).
    #[arg(long, value_name = "N")]
    pub workers: Option<usize>,
    /// Lease of a running job; a worker that dies loses it after this long and another takes
    /// the job.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub lease: Duration,
    /// A job whose worker died this many times fails.
    #[arg(long, value_name = "N", default_value_t = 3)]
    pub max_attempts: u32,
    /// Largest request body accepted.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20)]
    pub max_body_bytes: usize,
    /// Requests per second per client (API key, else address); 0: unlimited.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub rate_limit: u32,
    /// POST re-scan changes with new findings to this URL (JSON).
    #[arg(long, value_name = "URL")]
    pub webhook_url: Option<String>,
    /// Policy for `GET /api/v1/verdict` (YAML or JSON: max_severity, allowed_registries,
    /// require_signature.keys).
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// How long shutdown waits for running jobs before giving them back to the queue.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub shutdown_timeout: Duration,
    /// Seconds Harbor waits before polling a report that is not ready (`Refresh-After`).
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    pub refresh_after: u32,
    /// Log format on standard error: json (one object per line) or text.
    #[arg(long, value_name = "FORMAT", default_value = "json")]
    pub log_format: String,
    /// Deadlines of registry pulls, signature look-ups, database downloads and the webhook.
    #[command(flatten)]
    pub net: super::net::NetArgs,
}

fn config(args: &Args) -> anyhow::Result<Config> {
    use bulwark_server::scan::{
        default_cache_dir, default_db_path, default_store, default_workers,
    };
    let api_keys = match &args.api_key_file {
        Some(path) => Some(ApiKeys::load(path).map_err(UsageError)?),
        None => None,
    };
    let no_cache =
        |flag: &str| UsageError(format!("no cache directory (HOME unset?): pass {flag}"));
    let database = match &args.database {
        Some(d) => d.clone(),
        None => default_store().ok_or_else(|| no_cache("--database"))?,
    };
    let db_path = match &args.db_path {
        Some(p) => p.clone(),
        None => default_db_path().ok_or_else(|| no_cache("--db-path"))?,
    };
    let policy = match &args.policy {
        Some(p) => Some(bulwark_server::policy::load_policy(p).map_err(UsageError)?),
        None => None,
    };
    let log_json = match args.log_format.as_str() {
        "json" => true,
        "text" => false,
        other => {
            return Err(
                UsageError(format!("unknown --log-format `{other}` (use json or text)")).into(),
            );
        }
    };
    Ok(Config {
        listen: args.listen,
        database,
        api_keys,
        tls: args.tls_cert.clone().zip(args.tls_key.clone()),
        insecure_registries: args.insecure_registry.clone(),
        db_path,
        offline: args.offline,
        db_max_age: (!args.offline).then_some(args.db_max_age),
        db_check_interval: args.db_check_interval.max(Duration::from_secs(1)),
        cache_dir: if args.no_cache {
            None
        } else {
            args.cache_dir.clone().or_else(default_cache_dir)
        },
        workers: args.workers.unwrap_or_else(default_workers),
        lease: args.lease,
        max_attempts: i64::from(args.max_attempts.max(1)),
        max_body_bytes: args.max_body_bytes,
        rate_limit: (args.rate_limit > 0).then_some(args.rate_limit),
        webhook_url: args.webhook_url.clone(),
        policy,
        shutdown_timeout: args.shutdown_timeout,
        refresh_after: args.refresh_after,
        log_json,
        timeouts: args.net.timeouts(),
    })
}

/// Runs `bulwark server`.
pub fn run(args: &Args) -> anyhow::Result<i32> {
    let config = config(args)?;
    bulwark_server::check_config(&config).map_err(|e| UsageError(e.to_string()))?;
    bulwark_server::init_logging(config.log_json);
    bulwark_server::run_blocking(config)?;
    Ok(0)
}
