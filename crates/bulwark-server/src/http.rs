//! The HTTP surface: routes, authentication, limits, and the Harbor, notification, change,
//! verdict and operations endpoints.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Path as UrlPath, Query, State as Ax};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use bulwark_report::Finding;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{Scope, presented_key};
use crate::harbor::{self, ReportKind};
use crate::scan::StoredInventory;
use crate::store::JobState;
use crate::{ServerError, State, now, rfc3339, worker};
use bulwark_scan::sbom::SbomFormat;

type Shared = Arc<State>;

/// The router with every route and limit.
pub(crate) fn router(state: Shared) -> Router {
    let max_body = state.config.max_body_bytes;
    Router::new()
        .route("/api/v1/metadata", get(metadata))
        .route("/api/v1/scan", post(accept_scan))
        .route("/api/v1/scan/{id}/report", get(report))
        .route("/api/v1/jobs/{id}", get(job_status))
        .route("/api/v1/registry/events", post(registry_events))
        .route("/api/v1/changes", get(changes))
        .route("/api/v1/rescan", post(rescan))
        .route("/api/v1/verdict", get(verdict))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_mins(1),
        ))
        .with_state(state)
}

/// Loads the certificate chain and key for TLS (rustls on ring).
pub(crate) fn tls_config(
    cert: &Path,
    key: &Path,
) -> Result<axum_server::tls_rustls::RustlsConfig, ServerError> {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(Iterator::collect)
        .map_err(|e| {
            ServerError::Config(format!(
                "cannot read the TLS certificate {}: {e} (expected PEM)",
                cert.display()
            ))
        })?;
    if certs.is_empty() {
        return Err(ServerError::Config(format!(
            "no certificate in {} (expected PEM `BEGIN CERTIFICATE`)",
            cert.display()
        )));
    }
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| {
        ServerError::Config(format!(
            "cannot read the TLS private key {}: {e} (expected a PEM private key)",
            key.display()
        ))
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ServerError::Config(format!("TLS: {e}")))?
        .with_no_client_auth()
        .with_single_cert(certs, key_der)
        .map_err(|e| {
            ServerError::Config(format!(
                "TLS certificate {} and key {} do not work together: {e}",
                cert.display(),
                key.display()
            ))
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(axum_server::tls_rustls::RustlsConfig::from_config(
        Arc::new(config),
    ))
}

fn harbor_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, harbor::MIME_ERROR)],
        harbor::error_body(message).to_string(),
    )
        .into_response()
}

fn json_response(status: StatusCode, content_type: &'static str, body: &Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, content_type)],
        body.to_string(),
    )
        .into_response()
}

/// Authenticates and rate-limits one request; `Err` is the response to send.
fn admit(
    state: &State,
    headers: &HeaderMap,
    addr: SocketAddr,
    scope: Scope,
    route: &'static str,
) -> Result<(), Box<Response>> {
    let client = match &state.config.api_keys {
        Some(keys) if !keys.is_empty() => {
            let Some(presented) = presented_key(headers) else {
                state.metrics.request(route, 401);
                let mut r = harbor_error(
                    StatusCode::UNAUTHORIZED,
                    "missing API key: send `Authorization: Bearer KEY` or `X-ScannerAdapter-API-Key: KEY`",
                );
                r.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                return Err(Box::new(r));
            };
            let Some((line, scopes)) = keys.check(&presented) else {
                state.metrics.request(route, 401);
                state.metrics.error("auth");
                tracing::warn!(client = %addr, route, "rejected an unknown API key");
                let mut r = harbor_error(StatusCode::UNAUTHORIZED, "unknown API key");
                r.headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                return Err(Box::new(r));
            };
            if !scopes.allows(scope) {
                state.metrics.request(route, 403);
                return Err(Box::new(harbor_error(
                    StatusCode::FORBIDDEN,
                    &format!(
                        "this API key (line {line} of the key file) lacks the `{}` scope",
                        match scope {
                            Scope::Read => "read",
                            Scope::Scan => "scan",
                        }
                    ),
                )));
            }
            format!("key:{line}")
        }
        _ => format!("addr:{}", addr.ip()),
    };
    if let Some(rate) = state.config.rate_limit {
        let rate = f64::from(rate.max(1));
        let burst = rate * 2.0;
        let allowed = state.rate.lock().map_or(true, |mut m| {
            let entry = m.entry(client).or_insert((burst, Instant::now()));
            let elapsed = entry.1.elapsed().as_secs_f64();
            entry.0 = (entry.0 + elapsed * rate).min(burst);
            entry.1 = Instant::now();
            if entry.0 >= 1.0 {
                entry.0 -= 1.0;
                true
            } else {
                false
            }
        });
        if !allowed {
            state.metrics.request(route, 429);
            let mut r = harbor_error(
                StatusCode::TOO_MANY_REQUESTS,
                "rate limit exceeded; retry later",
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return Err(Box::new(r));
        }
    }
    Ok(())
}

macro_rules! admit {
    ($state:expr, $headers:expr, $addr:expr, $scope:expr, $route:expr) => {
        if let Err(r) = admit(&$state, &$headers, $addr, $scope, $route) {
            return *r;
        }
    };
}

async fn not_found() -> Response {
    harbor_error(StatusCode::NOT_FOUND, "no such endpoint")
}

async fn metadata(
    Ax(state): Ax<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    admit!(state, headers, addr, Scope::Read, "metadata");
    let mut props = std::collections::BTreeMap::new();
    props.insert(
        "harbor.scanner-adapter/scanner-type".to_owned(),
        "os-package-vulnerability".to_owned(),
    );
    if let Some(db) = state.db() {
        props.insert(
            "harbor.scanner-adapter/vulnerability-database-updated-at".to_owned(),
            rfc3339(db.built_at_unix as i64),
        );
        props.insert(
            "bulwark.vulnerability-db-version".to_owned(),
            db.version.clone(),
        );
    }
    props.insert(
        "org.label-schema.version".to_owned(),
        env!("CARGO_PKG_VERSION").to_owned(),
    );
    props.insert(
        "env.BULWARK_OFFLINE".to_owned(),
        state.config.offline.to_string(),
    );
    state.metrics.request("metadata", 200);
    json_response(
        StatusCode::OK,
        harbor::MIME_METADATA,
        &harbor::metadata(&props),
    )
}

async fn accept_scan(
    Ax(state): Ax<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    admit!(state, headers, addr, Scope::Scan, "scan");
    let scan = match harbor::parse_scan_request(&body) {
        Ok(s) => s,
        Err(rej) => {
            state.metrics.request("scan", rej.status);
            let status = StatusCode::from_u16(rej.status).unwrap_or(StatusCode::BAD_REQUEST);
            return harbor_error(status, &rej.message);
        }
    };
    let loopback =
        bulwark_oci::Reference::parse(&scan.image).is_ok_and(|r| r.is_loopback_registry());
    if scan.plain_http && !loopback && !state.insecure(&scan.registry_host) {
        state.metrics.request("scan", 422);
        return harbor_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            &format!(
                "registry {} is plain HTTP; start the server with --insecure-registry {} to allow it",
                scan.registry_host, scan.registry_host
            ),
        );
    }
    let insecure = scan.plain_http || state.insecure(&scan.registry_host);
    let job = worker::new_scan_job(
        scan.image.clone(),
        scan.artifact.repository.clone(),
        scan.artifact.digest.clone(),
        scan.artifact.tag.clone(),
        scan.artifact.mime_type.clone(),
        insecure,
    );
    match worker::submit(&state, job, scan.credential).await {
        Ok(id) => {
            state.metrics.request("scan", 202);
            json_response(
                StatusCode::ACCEPTED,
                harbor::MIME_SCAN_RESPONSE,
                &json!({ "id": id }),
            )
        }
        Err(e) => {
            state.metrics.error("store");
            state.metrics.request("scan", 500);
            tracing::error!(error = %e, "cannot queue a scan");
            harbor_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("cannot queue the scan: {e}"),
            )
        }
    }
}

#[derive(Debug, Deserialize)]
struct ReportQuery {
    sbom_media_type: Option<String>,
}

fn refresh(state: &State) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    r.headers_mut().insert(
        "Refresh-After",
        HeaderValue::from(state.config.refresh_after),
    );
    r
}

async fn report(
    Ax(state): Ax<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> Response {
    admit!(state, headers, addr, Scope::Read, "report");
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let Some(kind) = harbor::report_kind(accept) else {
        state.metrics.request("report", 400);
        return harbor_error(
            StatusCode::BAD_REQUEST,
            &format!(
                "unsupported Accept `{}`: ask for `{}`, `{}` or `{}`",
                accept.unwrap_or(""),
                harbor::MIME_VULN_1_1,
                harbor::MIME_VULN_HARBOR,
                harbor::MIME_SBOM
            ),
        );
    };
    let query = match query {
        Ok(Query(q)) => q,
        Err(e) => {
            state.metrics.request("report", 400);
            return harbor_error(StatusCode::BAD_REQUEST, &format!("bad query: {e}"));
        }
    };
    let sbom_format = match (kind, query.sbom_media_type.as_deref()) {
        (ReportKind::Sbom, Some(harbor::MEDIA_SPDX)) => Some(SbomFormat::Spdx),
        (ReportKind::Sbom, Some(harbor::MEDIA_CYCLONEDX)) => Some(SbomFormat::CycloneDx),
        (ReportKind::Sbom, other) => {
            state.metrics.request("report", 400);
            return harbor_error(
                StatusCode::BAD_REQUEST,
                &format!(
                    "SBOM reports need ?sbom_media_type={} or {} (got {:?})",
                    harbor::MEDIA_SPDX,
                    harbor::MEDIA_CYCLONEDX,
                    other.unwrap_or("")
                ),
            );
        }
        _ => None,
    };
    let job = match state.store.job(&id).await {
        Ok(Some(j)) => j,
        Ok(None) => {
            state.metrics.request("report", 404);
            return harbor_error(StatusCode::NOT_FOUND, &format!("no scan request {id}"));
        }
        Err(e) => {
            // A store outage (restarting PostgreSQL) is not a failed scan: ask Harbor to poll
            // again instead of failing its scan with a 500.
            state.metrics.error("store");
            tracing::warn!(error = %e, job = %id, "store unavailable while polling; asked the client to retry");
            state.metrics.request("report", 302);
            return refresh(&state);
        }
    };
    match job.state {
        JobState::Queued | JobState::Running => {
            state.metrics.request("report", 302);
            return refresh(&state);
        }
        JobState::Failed => {
            state.metrics.request("report", 500);
            return harbor_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                job.error.as_deref().unwrap_or("the scan failed"),
            );
        }
        JobState::Done => {}
    }
    let artifact = harbor::Artifact {
        repository: job.repository.clone(),
        digest: job.digest.clone(),
        tag: job.tag.clone(),
        mime_type: job.mime_type.clone(),
    };
    let generated_at = rfc3339(job.finished_at.unwrap_or_else(now));
    // A finished job's vulnerability report never changes (its result is keyed by digest and
    // database version): Harbor and admission hooks poll the same report again and again, so
    // it is rendered once and served from memory after that.
    let cache_key = match kind {
        ReportKind::Vulnerability(mime) => Some(format!(
            "{id}\n{}\n{mime}",
            job.db_version.as_deref().unwrap_or("")
        )),
        ReportKind::Sbom => None,
    };
    if let (ReportKind::Vulnerability(mime), Some(key)) = (kind, &cache_key) {
        let cached = state.reports.lock().ok().and_then(|c| c.get(key));
        if let Some(body) = cached {
            state.metrics.request("report", 200);
            return (StatusCode::OK, [(header::CONTENT_TYPE, mime)], body).into_response();
        }
    }
    let loaded = match sbom_format {
        Some(_) => load_inventory(&state, &job.digest)
            .await
            .map(|inv| (Some(inv), Vec::new())),
        None => load_findings(&state, &job.digest, job.db_version.as_deref())
            .await
            .map(|f| (None, f)),
    };
    let (inv, findings) = match loaded {
        Ok(x) => x,
        Err(LoadError::Unavailable(e)) => {
            state.metrics.error("store");
            tracing::warn!(error = %e, job = %id, "store unavailable while polling; asked the client to retry");
            state.metrics.request("report", 302);
            return refresh(&state);
        }
        Err(LoadError::Missing(m)) => {
            state.metrics.request("report", 500);
            return harbor_error(StatusCode::INTERNAL_SERVER_ERROR, &m);
        }
    };
    state.metrics.request("report", 200);
    match (kind, sbom_format, inv) {
        (ReportKind::Sbom, Some(format), Some(inv)) => {
            let media = match format {
                SbomFormat::Spdx => harbor::MEDIA_SPDX,
                SbomFormat::CycloneDx => harbor::MEDIA_CYCLONEDX,
            };
            let doc: Value = serde_json::from_str(&crate::scan::sbom(&inv, format, &generated_at))
                .unwrap_or(Value::Null);
            json_response(
                StatusCode::OK,
                harbor::MIME_SBOM,
                &harbor::sbom_report(&artifact, media, &doc, &generated_at),
            )
        }
        (ReportKind::Vulnerability(mime), _, _) => {
            let body = Bytes::from(
                harbor::vulnerability_report(&artifact, &findings, &generated_at).to_string(),
            );
            if let (Some(key), Ok(mut cache)) = (cache_key, state.reports.lock()) {
                cache.insert(key, body.clone());
            }
            (StatusCode::OK, [(header::CONTENT_TYPE, mime)], body).into_response()
        }
        (ReportKind::Sbom, _, _) => {
            harbor_error(StatusCode::BAD_REQUEST, "missing sbom_media_type")
        }
    }
}

/// Rendered vulnerability reports by job, database version and media type; the oldest entry
/// goes first when full.
#[derive(Debug, Default)]
pub(crate) struct ReportCache {
    bodies: std::collections::HashMap<String, Bytes>,
    order: std::collections::VecDeque<String>,
}

impl ReportCache {
    /// Reports kept at most (a 110-vulnerability report is about 60 KB).
    const CAPACITY: usize = 256;

    fn get(&self, key: &str) -> Option<Bytes> {
        self.bodies.get(key).cloned()
    }

    fn insert(&mut self, key: String, body: Bytes) {
        if self.bodies.insert(key.clone(), body).is_none() {
            self.order.push_back(key);
        }
        while self.order.len() > Self::CAPACITY {
            if let Some(old) = self.order.pop_front() {
                self.bodies.remove(&old);
            }
        }
    }
}

enum LoadError {
    Unavailable(crate::store::StoreError),
    Missing(String),
}

async fn load_inventory(state: &State, digest: &str) -> Result<StoredInventory, LoadError> {
    let row = state
        .store
        .inventory(digest)
        .await
        .map_err(LoadError::Unavailable)?
        .ok_or_else(|| LoadError::Missing(format!("no stored inventory of {digest}")))?;
    serde_json::from_str(&row.inventory)
        .map_err(|e| LoadError::Missing(format!("stored inventory of {digest} is corrupt: {e}")))
}

async fn load_findings(
    state: &State,
    digest: &str,
    db_version: Option<&str>,
) -> Result<Vec<Finding>, LoadError> {
    let version = db_version.ok_or_else(|| LoadError::Missing(format!("no result of {digest}")))?;
    let result = state
        .store
        .result(digest, version)
        .await
        .map_err(LoadError::Unavailable)?
        .ok_or_else(|| {
            LoadError::Missing(format!(
                "no stored result of {digest} for database {version}"
            ))
        })?;
    serde_json::from_str(&result.findings)
        .map_err(|e| LoadError::Missing(format!("stored result of {digest} is corrupt: {e}")))
}

async fn job_status(
    Ax(state): Ax<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Response {
    admit!(state, headers, addr, Scope::Read, "jobs");
    match state.store.job(&id).await {
        Ok(Some(job)) => {
            state.metrics.request("jobs", 200);
            json_response(StatusCode::OK, "application/json", &json!(job))
        }
        Ok(None) => {
            state.metrics.request("jobs", 404);
            harbor_error(StatusCode::NOT_FOUND, &format!("no job {id}"))
        }
        Err(e) => {
            state.metrics.request("jobs", 503);
            harbor_error(StatusCode::SERVICE_UNAVAILABLE, &e.to_string())
        }
    }
}

async fn registry_events(
    Ax(state): Ax<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    admit!(state, headers, addr, Scope::Scan, "registry-events");
    let parsed = match crate::notify::parse_envelope(&body) {
        Ok(p) => p,
        Err(m) => {
            state.metrics.request("registry-events", 400);
            return harbor_error(StatusCode::BAD_REQUEST, &m);
        }
    };
    let mut ids = Vec::new();
    for m in parsed.manifests {
        let reference = format!(
            "{}/{}@{}",
            harbor::reference_host(&m.registry_host, m.plain_http),
            m.repository,
            m.digest
        );
        let loopback =
            bulwark_oci::Reference::parse(&reference).is_ok_and(|r| r.is_loopback_registry());
        if m.plain_http && !loopback && !state.insecure(&m.registry_host) {
            tracing::warn!(registry = %m.registry_host, "push notification from a plain-HTTP registry not named by --insecure-registry; not scanned");
            continue;
        }
        let insecure = m.plain_http || state.insecure(&m.registry_host);
        let job = worker::new_scan_job(
            reference,
            m.repository,
            m.digest,
            m.tag,
            Some(m.media_type),
            insecure,
        );
        match worker::submit(&state, job, None).await {
            Ok(id) => ids.push(id),
            Err(e) => {
                // The registry retries a failed delivery: answer 500 so this push is not lost.
                state.metrics.error("store");
                state.metrics.request("registry-events", 500);
                tracing::error!(error = %e, "cannot queue a pushed image");
                return harbor_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &format!("cannot queue the scan: {e}"),
                );
            }
        }
    }
    for s in &parsed.skipped {
        tracing::debug!(event = %s, "registry event not scanned");
    }
    state.metrics.request("registry-events", 202);
    json_response(
        StatusCode::ACCEPTED,
        "application/json",
        &json!({ "queued": ids, "skipped": parsed.skipped.len() }),
    )
}

#[derive(Debug, Deserialize)]
struct ChangesQuery {
    since: Option<String>,
    limit: Option<String>,
}

async fn changes(
    Ax(state): Ax<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    query: Result<Query<ChangesQuery>, QueryRejection>,
) -> Response {
    admit!(state, headers, addr, Scope::Read, "changes");
    let q = match query {
        Ok(Query(q)) => Some(q),
        Err(e) => {
            state.metrics.request("changes", 400);
            return harbor_error(StatusCode::BAD_REQUEST, &format!("bad query: {e}"));
        }
    };
    let parse = |v: Option<&str>, default: i64| -> Result<i64, String> {
        match v {
            None | Some("") => Ok(default),
            Some(s) => s
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| format!("`{s}` is not a non-negative integer")),
        }
    };
    let since = parse(q.as_ref().and_then(|q| q.since.as_deref()), 0);
    let limit = parse(q.as_ref().and_then(|q| q.limit.as_deref()), 100);
    let (since, limit) = match (since, limit) {
        (Ok(s), Ok(l)) => (s, l.clamp(1, 1000)),
        (Err(e), _) | (_, Err(e)) => {
            state.metrics.request("changes", 400);
            return harbor_error(
                StatusCode::BAD_REQUEST,
                &format!(
                    "since/limit: {e} (since is the `next` of the previous answer, 0 for all)"
                ),
            );
        }
    };
    match state.store.changes(since, limit).await {
        Ok(list) => {
            let next = list.last().map_or(since, |c| c.seq);
            state.metrics.request("changes", 200);
            json_response(
                StatusCode::OK,
                "application/json",
                &json!({ "changes": list, "next": next }),
            )
        }
        Err(e) => {
            state.metrics.request("changes", 503);
            harbor_error(StatusCode::SERVICE_UNAVAILABLE, &e.to_string())
        }
    }
}

async fn rescan(
    Ax(state): Ax<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    admit!(state, headers, addr, Scope::Scan, "rescan");
    worker::load_db(&state).await;
    match worker::queue_rescans(&state).await {
        Ok(n) => {
            state.metrics.request("rescan", 202);
            json_response(
                StatusCode::ACCEPTED,
                "application/json",
                &json!({ "queued": n, "db_version": state.db().map(|d| d.version.clone()) }),
            )
        }
        Err(e) => {
            state.metrics.request("rescan", 503);
            harbor_error(StatusCode::SERVICE_UNAVAILABLE, &e.to_string())
        }
    }
}

#[derive(Debug, Deserialize)]
struct VerdictQuery {
    image: Option<String>,
}

async fn verdict(
    Ax(state): Ax<Shared>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    query: Result<Query<VerdictQuery>, QueryRejection>,
) -> Response {
    admit!(state, headers, addr, Scope::Read, "verdict");
    let Some(image) = query.ok().and_then(|q| q.0.image).filter(|i| !i.is_empty()) else {
        state.metrics.request("verdict", 400);
        return harbor_error(StatusCode::BAD_REQUEST, "missing ?image=REF");
    };
    match crate::policy::evaluate(&state, &image).await {
        Ok(v) => {
            state.metrics.request("verdict", 200);
            json_response(StatusCode::OK, "application/json", &json!(v))
        }
        Err((status, m)) => {
            state.metrics.request("verdict", status);
            harbor_error(
                StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST),
                &m,
            )
        }
    }
}

async fn healthz() -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain")],
        "ok\n",
    )
        .into_response()
}

async fn readyz(Ax(state): Ax<Shared>) -> Response {
    let mut problems = Vec::new();
    if let Err(e) = state.store.ping().await {
        problems.push(format!("store: {e}"));
    }
    if state.db().is_none() {
        problems.push(format!(
            "no vulnerability database at {} (run `bulwark db update` or `bulwark db import`)",
            state.config.db_path.display()
        ));
    }
    if state.stopping.load(std::sync::atomic::Ordering::SeqCst) {
        problems.push("shutting down".into());
    }
    if problems.is_empty() {
        (
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/plain")],
            "ready\n",
        )
            .into_response()
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/plain")],
            format!("not ready: {}\n", problems.join("; ")),
        )
            .into_response()
    }
}

async fn metrics(Ax(state): Ax<Shared>) -> Response {
    let depth = state.store.queue_depth().await.ok();
    let age = state
        .db()
        .map(|d| (now() as u64).saturating_sub(d.built_at_unix));
    let text = state
        .metrics
        .render(depth.map(|d| d.queued), depth.map(|d| d.running), age);
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response()
}
