//! A blocking OCI distribution client (ureq 3 + rustls): manifests and blobs by tag or digest,
//! HEAD, monolithic blob upload, tag listing, the referrers API, Bearer-token and Basic auth,
//! bounded retries with exponential backoff and jitter on 429/5xx/transport errors, and sha256
//! verification of everything downloaded. Reusable by `bulwark-sign` for signature manifests.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{BuildHasher, Hasher as _};
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use ureq::Body;
use ureq::http::Response;

use crate::auth::{Credential, CredentialStore};
use crate::digest::{Digest, VerifyingReader};
use crate::error::{OciError, Result};
use crate::image::{BlobSource, Image, map_verify_error, resolve_manifest};
use crate::model::{Descriptor, ImageIndex, ManifestDocument, Platform, SourceKind, media_type};
use crate::reference::Reference;
use crate::store::MAX_DOCUMENT_BYTES;

/// Options for [`RegistryClient`].
#[derive(Debug, Clone)]
pub struct RegistryOptions {
    /// Use plain HTTP for every registry (loopback registries always use HTTP).
    pub insecure: bool,
    /// Where credentials come from.
    pub credentials: CredentialStore,
    /// Total attempts per request on 429 / 5xx / transport errors (≥ 1). Default 4.
    pub max_attempts: u32,
    /// First backoff delay; doubles per attempt, plus up to 50 % jitter. Default 250 ms.
    pub base_backoff: Duration,
    /// Upper bound for one backoff delay (also caps `Retry-After`). Default 8 s.
    pub max_backoff: Duration,
    /// Connect, idle-read and total deadlines of this client's network conversation (the total
    /// clock starts when the client is created). Defaults: 10 s, 30 s, 300 s.
    pub timeouts: bulwark_net::Timeouts,
    /// Receives "still waiting for HOST" notices during long waits.
    pub notifier: bulwark_net::Notifier,
    /// `User-Agent`.
    pub user_agent: String,
}

impl Default for RegistryOptions {
    fn default() -> Self {
        Self {
            insecure: false,
            credentials: CredentialStore::standard(),
            max_attempts: 4,
            base_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            timeouts: bulwark_net::Timeouts::default(),
            notifier: bulwark_net::Notifier::none(),
            user_agent: concat!("bulwark/", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

/// A manifest (or index) as fetched from a registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedManifest {
    /// Raw bytes (hash these, never a re-serialisation).
    pub bytes: Vec<u8>,
    /// `Content-Type` (or the document's `mediaType`).
    pub media_type: String,
    /// sha256 of `bytes` (verified against the requested digest / `Docker-Content-Digest`).
    pub digest: Digest,
}

/// What a HEAD on a manifest tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteDescriptor {
    /// `Docker-Content-Digest`.
    pub digest: Option<Digest>,
    /// `Content-Type`.
    pub media_type: String,
    /// `Content-Length`.
    pub size: u64,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Method {
    Get,
    Head,
    Put,
    Post,
}

impl Method {
    fn name(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Put => "PUT",
            Method::Post => "POST",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Pull,
    Push,
}

/// Blocking registry client. Cheap to share (`Arc`); caches Bearer tokens per registry+scope.
pub struct RegistryClient {
    agent: ureq::Agent,
    deadline: bulwark_net::Deadline,
    opts: RegistryOptions,
    // (registry, scope) -> Authorization header value
    auth_cache: Mutex<HashMap<(String, String), String>>,
}

impl std::fmt::Debug for RegistryClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegistryClient")
            .field("opts", &self.opts)
            .finish_non_exhaustive()
    }
}

/// A parsed `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// `bearer` or `basic` (lower-cased).
    pub scheme: String,
    /// Parameters (`realm`, `service`, `scope`, ...), keys lower-cased.
    pub params: HashMap<String, String>,
}

/// Parses a `WWW-Authenticate` header value (first challenge).
pub fn parse_challenge(value: &str) -> Option<Challenge> {
    let value = value.trim();
    let (scheme, rest) = value.split_once(' ').unwrap_or((value, ""));
    if scheme.is_empty() {
        return None;
    }
    let mut params = HashMap::new();
    let mut chars = rest.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String =
            std::iter::from_fn(|| chars.next_if(|c| *c != '=' && *c != ',')).collect();
        if key.is_empty() {
            break;
        }
        if chars.next() != Some('=') {
            break;
        }
        let mut val = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => {
                        if let Some(n) = chars.next() {
                            val.push(n);
                        }
                    }
                    '"' => break,
                    c => val.push(c),
                }
            }
        } else {
            val = std::iter::from_fn(|| chars.next_if(|c| *c != ','))
                .collect::<String>()
                .trim()
                .to_string();
        }
        params.insert(key.trim().to_ascii_lowercase(), val);
    }
    Some(Challenge {
        scheme: scheme.to_ascii_lowercase(),
        params,
    })
}

fn header<'a>(resp: &'a Response<Body>, name: &str) -> Option<&'a str> {
    resp.headers().get(name).and_then(|v| v.to_str().ok())
}

fn jitter_fraction() -> f64 {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    (h.finish() % 1000) as f64 / 1000.0
}

fn read_error_body(resp: Response<Body>) -> String {
    let mut body = resp.into_body();
    let bytes = body
        .with_config()
        .limit(8192)
        .read_to_vec()
        .unwrap_or_default();
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(&bytes)
        && let Some(errs) = v.get("errors").and_then(|e| e.as_array())
    {
        let msgs: Vec<String> = errs
            .iter()
            .map(|e| {
                format!(
                    "{}: {}",
                    e.get("code").and_then(|c| c.as_str()).unwrap_or("ERROR"),
                    e.get("message").and_then(|c| c.as_str()).unwrap_or("")
                )
            })
            .collect();
        if !msgs.is_empty() {
            return msgs.join("; ");
        }
    }
    let s = String::from_utf8_lossy(&bytes);
    s.chars().take(300).collect::<String>().trim().to_string()
}

impl RegistryClient {
    /// Creates a client.
    pub fn new(opts: RegistryOptions) -> Self {
        let deadline = bulwark_net::Deadline::start(opts.timeouts);
        let config = deadline
            .agent_config()
            .http_status_as_error(false)
            .user_agent(opts.user_agent.as_str())
            .max_redirects(10)
            .build();
        Self {
            agent: ureq::Agent::new_with_config(config),
            deadline,
            opts,
            auth_cache: Mutex::new(HashMap::new()),
        }
    }

    /// Options in use.
    pub fn options(&self) -> &RegistryOptions {
        &self.opts
    }

    fn base_url(&self, r: &Reference) -> String {
        let scheme = if self.opts.insecure || r.is_loopback_registry() {
            "http"
        } else {
            "https"
        };
        format!("{scheme}://{}", r.api_host())
    }

    fn repo_url(&self, r: &Reference, tail: &str) -> String {
        format!("{}/v2/{}/{tail}", self.base_url(r), r.repository())
    }

    fn scope(r: &Reference, access: Access) -> String {
        match access {
            Access::Pull => format!("repository:{}:pull", r.repository()),
            Access::Push => format!("repository:{}:pull,push", r.repository()),
        }
    }

    fn send_once(
        &self,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        auth: Option<&str>,
        body: Option<&[u8]>,
    ) -> std::result::Result<Response<Body>, ureq::Error> {
        macro_rules! with_headers {
            ($rb:expr) => {{
                let mut rb = $rb;
                for (k, v) in headers {
                    rb = rb.header(*k, *v);
                }
                if let Some(a) = auth {
                    rb = rb.header("Authorization", a);
                }
                rb
            }};
        }
        match method {
            Method::Get => with_headers!(self.deadline.bound(self.agent.get(url))).call(),
            Method::Head => with_headers!(self.deadline.bound(self.agent.head(url))).call(),
            Method::Put => with_headers!(self.deadline.bound(self.agent.put(url)))
                .send(body.unwrap_or_default()),
            Method::Post => with_headers!(self.deadline.bound(self.agent.post(url)))
                .send(body.unwrap_or_default()),
        }
    }

    fn backoff(&self, attempt: u32, retry_after: Option<&str>) -> Duration {
        if let Some(secs) = retry_after.and_then(|v| v.trim().parse::<u64>().ok()) {
            return Duration::from_secs(secs).min(self.opts.max_backoff);
        }
        let exp = self
            .opts
            .base_backoff
            .saturating_mul(1u32 << attempt.min(16));
        let base = exp.min(self.opts.max_backoff);
        base.mul_f64(1.0 + 0.5 * jitter_fraction())
            .min(self.opts.max_backoff)
    }

    /// Sends with retries (429, 5xx, transport errors) and authentication on 401.
    fn request(
        &self,
        image: &Reference,
        method: Method,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&[u8]>,
        access: Access,
    ) -> Result<Response<Body>> {
        let scope = Self::scope(image, access);
        let key = (image.registry().to_string(), scope.clone());
        let mut authed_after_challenge = false;
        let mut attempt = 0u32;
        loop {
            let auth = self
                .auth_cache
                .lock()
                .ok()
                .and_then(|c| c.get(&key).cloned());
            let host = bulwark_net::host_of(url);
            self.deadline
                .check(host)
                .map_err(|d| Self::deadline_error(image, url, d))?;
            let res = {
                let _watch = self.deadline.watch(
                    &self.opts.notifier,
                    host,
                    &format!("{} {}", method.name(), url_path(url)),
                );
                self.send_once(method, url, headers, auth.as_deref(), body)
            };
            attempt += 1;
            let resp = match res {
                Ok(r) => r,
                Err(e) => {
                    // a host that let a deadline expire is not retried: waiting again would
                    // only double the time before the same error
                    if let Some(d) = self.deadline.classify(host, &e) {
                        return Err(Self::deadline_error(image, url, d));
                    }
                    if attempt < self.opts.max_attempts.max(1) {
                        self.deadline
                            .sleep(host, self.backoff(attempt - 1, None))
                            .map_err(|d| Self::deadline_error(image, url, d))?;
                        continue;
                    }
                    return Err(OciError::Transport {
                        image: image.to_string(),
                        url: url.to_string(),
                        detail: format!("{e} (after {attempt} attempts)"),
                    });
                }
            };
            let status = resp.status().as_u16();
            if status == 401 && !authed_after_challenge {
                let challenge = header(&resp, "www-authenticate").and_then(parse_challenge);
                let header_value = self.authenticate(image, challenge.as_ref(), &scope)?;
                if let Ok(mut c) = self.auth_cache.lock() {
                    c.insert(key.clone(), header_value);
                }
                authed_after_challenge = true;
                continue;
            }
            if status == 401 {
                return Err(OciError::Unauthorized {
                    image: image.to_string(),
                    registry: image.registry().to_string(),
                    detail: format!("credentials rejected for {url}: {}", read_error_body(resp)),
                });
            }
            if (status == 429 || (500..600).contains(&status) && status != 501)
                && attempt < self.opts.max_attempts.max(1)
            {
                let wait = self.backoff(attempt - 1, header(&resp, "retry-after"));
                drop(resp);
                self.deadline
                    .sleep(host, wait)
                    .map_err(|d| Self::deadline_error(image, url, d))?;
                continue;
            }
            return Ok(resp);
        }
    }

    /// Answers a 401 challenge: returns the `Authorization` header value to use.
    fn authenticate(
        &self,
        image: &Reference,
        challenge: Option<&Challenge>,
        scope: &str,
    ) -> Result<String> {
        let cred = self.opts.credentials.resolve(image.registry())?;
        let unauthorized = |detail: String| OciError::Unauthorized {
            image: image.to_string(),
            registry: image.registry().to_string(),
            detail,
        };
        match challenge.map(|c| c.scheme.as_str()) {
            Some("bearer") if matches!(cred, Some(Credential::RegistryToken(_))) => match cred {
                Some(Credential::RegistryToken(token)) => Ok(format!("Bearer {token}")),
                _ => Err(unauthorized("missing registry token".into())),
            },
            Some("bearer") => {
                let ch = challenge.ok_or_else(|| unauthorized("missing challenge".into()))?;
                self.fetch_token(image, ch, scope, cred.as_ref())
            }
            Some("basic") | None => match cred {
                Some(Credential::Basic { username, password }) => Ok(format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"))
                )),
                Some(Credential::IdentityToken(_) | Credential::RegistryToken(_)) => {
                    Err(unauthorized("registry wants Basic auth but only a token is configured".into()))
                }
                None => Err(unauthorized(
                    "authentication required; no credentials found (use --username/--password, BULWARK_USERNAME/BULWARK_PASSWORD or docker login)".into(),
                )),
            },
            Some(other) => Err(unauthorized(format!("unsupported auth scheme {other:?}"))),
        }
    }

    fn fetch_token(
        &self,
        image: &Reference,
        ch: &Challenge,
        scope: &str,
        cred: Option<&Credential>,
    ) -> Result<String> {
        let unauthorized = |detail: String| OciError::Unauthorized {
            image: image.to_string(),
            registry: image.registry().to_string(),
            detail,
        };
        let realm = ch
            .params
            .get("realm")
            .ok_or_else(|| unauthorized("Bearer challenge without realm".into()))?;
        if !(realm.starts_with("https://") || realm.starts_with("http://")) {
            return Err(unauthorized(format!(
                "token realm {realm:?} is not an http(s) URL"
            )));
        }
        let service = ch.params.get("service").cloned().unwrap_or_default();
        // our scope first (it names the access we need), the challenge's as given
        let mut scopes = vec![scope.to_string()];
        if let Some(s) = ch.params.get("scope")
            && s != scope
        {
            scopes.push(s.clone());
        }
        let realm_host = bulwark_net::host_of(realm);
        let deadline = |d: bulwark_net::DeadlineError| Self::deadline_error(image, realm, d);
        let mut attempt = 0;
        let resp = loop {
            attempt += 1;
            self.deadline.check(realm_host).map_err(deadline)?;
            let res = if let Some(Credential::IdentityToken(tok)) = cred {
                let mut form = format!(
                    "grant_type=refresh_token&client_id=bulwark&service={}&refresh_token={}",
                    urlencode(&service),
                    urlencode(tok)
                );
                for s in &scopes {
                    form.push_str("&scope=");
                    form.push_str(&urlencode(s));
                }
                self.deadline
                    .bound(self.agent.post(realm))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .send(form.as_bytes())
            } else {
                let mut rb = self.deadline.bound(self.agent.get(realm));
                if !service.is_empty() {
                    rb = rb.query("service", &service);
                }
                for s in &scopes {
                    rb = rb.query("scope", s);
                }
                if let Some(Credential::Basic { username, password }) = cred {
                    rb = rb.header(
                        "Authorization",
                        format!(
                            "Basic {}",
                            base64::engine::general_purpose::STANDARD
                                .encode(format!("{username}:{password}"))
                        ),
                    );
                }
                rb.call()
            };
            match res {
                Ok(r)
                    if (r.status().as_u16() == 429 || r.status().is_server_error())
                        && attempt < self.opts.max_attempts =>
                {
                    let wait = self.backoff(attempt - 1, header(&r, "retry-after"));
                    self.deadline.sleep(realm_host, wait).map_err(deadline)?;
                }
                Ok(r) => break r,
                Err(e) => {
                    if let Some(d) = self.deadline.classify(realm_host, &e) {
                        return Err(deadline(d));
                    }
                    if attempt >= self.opts.max_attempts {
                        return Err(unauthorized(format!("token endpoint {realm}: {e}")));
                    }
                    let wait = self.backoff(attempt - 1, None);
                    self.deadline.sleep(realm_host, wait).map_err(deadline)?;
                }
            }
        };
        let status = resp.status().as_u16();
        if status != 200 {
            return Err(unauthorized(format!(
                "token endpoint {realm} returned HTTP {status}: {}",
                read_error_body(resp)
            )));
        }
        let bytes = resp
            .into_body()
            .with_config()
            .limit(1 << 20)
            .read_to_vec()
            .map_err(|e| unauthorized(format!("token endpoint {realm}: {e}")))?;
        let v: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| unauthorized(format!("token endpoint {realm}: bad JSON: {e}")))?;
        let token = v
            .get("token")
            .or_else(|| v.get("access_token"))
            .and_then(|t| t.as_str())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unauthorized(format!("token endpoint {realm} returned no token")))?;
        Ok(format!("Bearer {token}"))
    }

    fn deadline_error(
        image: &Reference,
        url: &str,
        deadline: bulwark_net::DeadlineError,
    ) -> OciError {
        OciError::Deadline {
            image: image.to_string(),
            url: url.to_string(),
            deadline,
        }
    }

    /// A response body bounded by the client's deadlines; long waits are reported.
    fn body_reader(&self, url: &str, resp: Response<Body>) -> Box<dyn Read + Send> {
        let host = bulwark_net::host_of(url);
        let watch =
            self.deadline
                .watch(&self.opts.notifier, host, &format!("GET {}", url_path(url)));
        Box::new(self.deadline.reader(
            host,
            resp.into_body().into_with_config().limit(u64::MAX).reader(),
            Some(watch),
        ))
    }

    fn status_error(image: &Reference, url: &str, resp: Response<Body>) -> OciError {
        let status = resp.status().as_u16();
        OciError::Registry {
            image: image.to_string(),
            url: url.to_string(),
            status,
            message: read_error_body(resp),
        }
    }

    /// Fetches the manifest or index `reference` points at (its digest if it has one, else its
    /// tag). The bytes are verified against the requested digest or `Docker-Content-Digest`.
    pub fn get_manifest(&self, reference: &Reference) -> Result<FetchedManifest> {
        let url = self.repo_url(reference, &format!("manifests/{}", reference.target()));
        let resp = self.request(
            reference,
            Method::Get,
            &url,
            &[("Accept", media_type::ACCEPT_ANY_MANIFEST)],
            None,
            Access::Pull,
        )?;
        match resp.status().as_u16() {
            200 => {}
            404 => {
                return Err(OciError::ManifestNotFound {
                    image: reference.to_string(),
                    url,
                });
            }
            _ => return Err(Self::status_error(reference, &url, resp)),
        }
        let ct = header(&resp, "content-type")
            .map(|s| s.split(';').next().unwrap_or(s).trim().to_string());
        let header_digest =
            header(&resp, "docker-content-digest").and_then(|d| Digest::parse(d).ok());
        let host = bulwark_net::host_of(&url);
        let mut bytes = Vec::new();
        self.body_reader(&url, resp)
            .take(MAX_DOCUMENT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| match self.deadline.classify_io(host, &e) {
                Some(d) => Self::deadline_error(reference, &url, d),
                None => OciError::Transport {
                    image: reference.to_string(),
                    url: url.clone(),
                    detail: e.to_string(),
                },
            })?;
        if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
            return Err(OciError::Transport {
                image: reference.to_string(),
                url,
                detail: format!("manifest larger than {MAX_DOCUMENT_BYTES} bytes"),
            });
        }
        let expected = reference.digest().cloned().or(header_digest);
        let digest = match &expected {
            Some(d) if d.hasher().is_some() => {
                d.verify(&bytes)
                    .map_err(|actual| OciError::DigestMismatch {
                        what: format!("{reference}: manifest"),
                        expected: d.to_string(),
                        actual: actual.to_string(),
                    })?;
                d.clone()
            }
            _ => Digest::sha256_of(&bytes),
        };
        let media_type = ct
            .filter(|c| !c.is_empty() && c != "application/json" && c != "text/plain")
            .or_else(|| {
                serde_json::from_slice::<serde_json::Value>(&bytes)
                    .ok()
                    .and_then(|v| {
                        v.get("mediaType")
                            .and_then(|m| m.as_str())
                            .map(str::to_string)
                    })
            })
            .unwrap_or_default();
        Ok(FetchedManifest {
            bytes,
            media_type,
            digest,
        })
    }

    /// HEADs the manifest `reference` points at; `Ok(None)` when it does not exist.
    pub fn head_manifest(&self, reference: &Reference) -> Result<Option<RemoteDescriptor>> {
        let url = self.repo_url(reference, &format!("manifests/{}", reference.target()));
        let resp = self.request(
            reference,
            Method::Head,
            &url,
            &[("Accept", media_type::ACCEPT_ANY_MANIFEST)],
            None,
            Access::Pull,
        )?;
        match resp.status().as_u16() {
            200 => Ok(Some(RemoteDescriptor {
                digest: header(&resp, "docker-content-digest").and_then(|d| Digest::parse(d).ok()),
                media_type: header(&resp, "content-type")
                    .unwrap_or_default()
                    .to_string(),
                size: header(&resp, "content-length")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0),
            })),
            404 => Ok(None),
            _ => Err(Self::status_error(reference, &url, resp)),
        }
    }

    /// Uploads a manifest under `reference`'s tag (or digest when it has no tag); returns the
    /// digest of `bytes`.
    pub fn put_manifest(
        &self,
        reference: &Reference,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<Digest> {
        let digest = Digest::sha256_of(bytes);
        let target = reference
            .tag()
            .map_or_else(|| digest.to_string(), str::to_string);
        let url = self.repo_url(reference, &format!("manifests/{target}"));
        let resp = self.request(
            reference,
            Method::Put,
            &url,
            &[("Content-Type", media_type)],
            Some(bytes),
            Access::Push,
        )?;
        match resp.status().as_u16() {
            200..=202 => Ok(digest),
            _ => Err(Self::status_error(reference, &url, resp)),
        }
    }

    /// Opens blob `digest` of `reference`'s repository as a stream that verifies the digest
    /// (and `size`, if given) at EOF.
    pub fn get_blob(
        &self,
        reference: &Reference,
        digest: &Digest,
        size: Option<u64>,
    ) -> Result<Box<dyn Read + Send>> {
        let url = self.repo_url(reference, &format!("blobs/{digest}"));
        let resp = self.request(reference, Method::Get, &url, &[], None, Access::Pull)?;
        match resp.status().as_u16() {
            200 => {}
            404 => {
                return Err(OciError::BlobNotFound {
                    image: reference.to_string(),
                    digest: digest.to_string(),
                });
            }
            _ => return Err(Self::status_error(reference, &url, resp)),
        }
        let reader = self.body_reader(&url, resp);
        Ok(Box::new(VerifyingReader::new(reader, digest.clone(), size)))
    }

    /// Reads blob `digest` into memory (at most `limit` bytes), verified.
    pub fn get_blob_bytes(
        &self,
        reference: &Reference,
        digest: &Digest,
        limit: u64,
    ) -> Result<Vec<u8>> {
        let mut r = self.get_blob(reference, digest, None)?;
        let mut buf = Vec::new();
        (&mut r)
            .take(limit.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(|e| map_verify_error(&format!("{reference}: blob {digest}"), digest, e))?;
        if buf.len() as u64 > limit {
            return Err(OciError::invalid(
                format!("{reference}: blob {digest}"),
                format!("larger than {limit} bytes"),
            ));
        }
        Ok(buf)
    }

    /// HEADs a blob; `Ok(Some(size))` if present, `Ok(None)` if not.
    pub fn head_blob(&self, reference: &Reference, digest: &Digest) -> Result<Option<u64>> {
        let url = self.repo_url(reference, &format!("blobs/{digest}"));
        let resp = self.request(reference, Method::Head, &url, &[], None, Access::Pull)?;
        match resp.status().as_u16() {
            200 => Ok(Some(
                header(&resp, "content-length")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0),
            )),
            404 => Ok(None),
            _ => Err(Self::status_error(reference, &url, resp)),
        }
    }

    /// Uploads `data` as a blob (monolithic: `POST` to start, `PUT ?digest=` to finish) unless
    /// the registry already has it. Returns its sha256 digest.
    pub fn put_blob(&self, reference: &Reference, data: &[u8]) -> Result<Digest> {
        let digest = Digest::sha256_of(data);
        if self.head_blob(reference, &digest)?.is_some() {
            return Ok(digest);
        }
        let url = self.repo_url(reference, "blobs/uploads/");
        let resp = self.request(reference, Method::Post, &url, &[], Some(&[]), Access::Push)?;
        if resp.status().as_u16() != 202 {
            return Err(Self::status_error(reference, &url, resp));
        }
        let location = header(&resp, "location")
            .ok_or_else(|| OciError::Registry {
                image: reference.to_string(),
                url: url.clone(),
                status: 202,
                message: "upload started without a Location header".into(),
            })?
            .to_string();
        let mut put_url = if location.starts_with("http://") || location.starts_with("https://") {
            location
        } else {
            format!("{}{}", self.base_url(reference), location)
        };
        put_url.push(if put_url.contains('?') { '&' } else { '?' });
        put_url.push_str("digest=");
        put_url.push_str(&urlencode(&digest.to_string()));
        let resp = self.request(
            reference,
            Method::Put,
            &put_url,
            &[("Content-Type", "application/octet-stream")],
            Some(data),
            Access::Push,
        )?;
        match resp.status().as_u16() {
            201 | 204 => Ok(digest),
            _ => Err(Self::status_error(reference, &put_url, resp)),
        }
    }

    /// Lists the repository's tags (follows `Link: <...>; rel="next"` pagination, ≤ 100 pages).
    pub fn list_tags(&self, reference: &Reference) -> Result<Vec<String>> {
        let mut url = self.repo_url(reference, "tags/list?n=1000");
        let mut tags = Vec::new();
        for _ in 0..100 {
            let resp = self.request(reference, Method::Get, &url, &[], None, Access::Pull)?;
            if resp.status().as_u16() != 200 {
                return Err(Self::status_error(reference, &url, resp));
            }
            let next = header(&resp, "link").and_then(parse_next_link);
            let bytes = resp
                .into_body()
                .with_config()
                .limit(MAX_DOCUMENT_BYTES)
                .read_to_vec()
                .map_err(|e| OciError::Transport {
                    image: reference.to_string(),
                    url: url.clone(),
                    detail: e.to_string(),
                })?;
            let v: serde_json::Value = serde_json::from_slice(&bytes)
                .map_err(|e| OciError::json(format!("{reference}: tag list"), e))?;
            tags.extend(
                v.get("tags")
                    .and_then(|t| t.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|t| t.as_str().map(str::to_string)),
            );
            match next {
                Some(n) if n.starts_with("http") => url = n,
                Some(n) => url = format!("{}{n}", self.base_url(reference)),
                None => return Ok(tags),
            }
        }
        Ok(tags)
    }

    /// Lists referrers of `digest` (OCI 1.1 referrers API), optionally filtered by
    /// `artifact_type`. Registries without the API get the tag-schema fallback
    /// (`sha256-<hex>` index); no referrers gives an empty index.
    pub fn referrers(
        &self,
        reference: &Reference,
        digest: &Digest,
        artifact_type: Option<&str>,
    ) -> Result<ImageIndex> {
        let empty = ImageIndex {
            schema_version: 2,
            media_type: Some(media_type::OCI_INDEX.into()),
            manifests: Vec::new(),
            annotations: std::collections::BTreeMap::default(),
        };
        let mut index = if let Some(index) = self.referrers_api(reference, digest, artifact_type)? {
            index
        } else {
            let tag = format!("{}-{}", digest.algorithm(), digest.hex());
            match self.get_manifest(&reference.with_tag(&tag)) {
                Ok(m) => match ManifestDocument::parse(
                    &m.bytes,
                    Some(&m.media_type),
                    &format!("{reference}: {tag}"),
                )? {
                    ManifestDocument::Index(i) => i,
                    ManifestDocument::Manifest(_) => empty,
                },
                Err(OciError::ManifestNotFound { .. }) => empty,
                Err(e) => return Err(e),
            }
        };
        if let Some(at) = artifact_type {
            index
                .manifests
                .retain(|d| d.artifact_type.as_deref() == Some(at));
        }
        Ok(index)
    }

    /// The referrers API alone: `Ok(None)` when the registry does not implement it
    /// (404 or 400, the answers go-containerregistry also takes as "use the tag schema").
    pub fn referrers_api(
        &self,
        reference: &Reference,
        digest: &Digest,
        artifact_type: Option<&str>,
    ) -> Result<Option<ImageIndex>> {
        let mut url = self.repo_url(reference, &format!("referrers/{digest}"));
        if let Some(at) = artifact_type {
            url.push_str("?artifactType=");
            url.push_str(&urlencode(at));
        }
        let resp = self.request(
            reference,
            Method::Get,
            &url,
            &[("Accept", media_type::OCI_INDEX)],
            None,
            Access::Pull,
        )?;
        match resp.status().as_u16() {
            200 => {
                let bytes = resp
                    .into_body()
                    .with_config()
                    .limit(MAX_DOCUMENT_BYTES)
                    .read_to_vec()
                    .map_err(|e| OciError::Transport {
                        image: reference.to_string(),
                        url: url.clone(),
                        detail: e.to_string(),
                    })?;
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| OciError::json(format!("{reference}: referrers"), e))
            }
            400 | 404 => Ok(None),
            _ => Err(Self::status_error(reference, &url, resp)),
        }
    }
}

fn parse_next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        params.contains("rel=\"next\"").then(|| {
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string()
        })
    })
}

fn urlencode(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            o.push(char::from(b));
        } else {
            let _ = write!(o, "%{b:02X}");
        }
    }
    o
}

struct RegistryBlobs {
    client: Arc<RegistryClient>,
    reference: Reference,
}

impl BlobSource for RegistryBlobs {
    fn open_blob(&self, digest: &Digest) -> Result<Box<dyn Read + Send>> {
        // verification happens in the caller's VerifyingReader (with the size it knows)
        let url = self
            .client
            .repo_url(&self.reference, &format!("blobs/{digest}"));
        let resp =
            self.client
                .request(&self.reference, Method::Get, &url, &[], None, Access::Pull)?;
        match resp.status().as_u16() {
            200 => Ok(self.client.body_reader(&url, resp)),
            404 => Err(OciError::BlobNotFound {
                image: self.reference.to_string(),
                digest: digest.to_string(),
            }),
            _ => Err(RegistryClient::status_error(&self.reference, &url, resp)),
        }
    }

    fn content_addressed(&self) -> bool {
        true
    }
}

/// Resolves `reference` in a registry to an [`Image`] (indexes resolved with `platform`,
/// default host platform).
pub fn open_registry_image(
    client: Arc<RegistryClient>,
    reference: &Reference,
    platform: Option<&Platform>,
) -> Result<Image> {
    let name = reference.to_string();
    let top = client.get_manifest(reference)?;
    let doc = ManifestDocument::parse(
        &top.bytes,
        Some(&top.media_type),
        &format!("{name}: manifest"),
    )?;
    let fetch = |d: &Descriptor| -> Result<Vec<u8>> {
        let m = client.get_manifest(&reference.with_digest(d.digest.clone()))?;
        Ok(m.bytes)
    };
    let (manifest, digest) =
        resolve_manifest(doc, Some(top.digest.clone()), platform, &name, &fetch)?;
    let raw_config =
        client.get_blob_bytes(reference, &manifest.config.digest, MAX_DOCUMENT_BYTES)?;
    let blobs = Arc::new(RegistryBlobs {
        client,
        reference: reference.clone(),
    });
    let mut img = Image::assemble(
        name,
        SourceKind::Registry,
        digest,
        manifest,
        raw_config,
        blobs,
    )?;
    img.reference = Some(reference.clone());
    if let Some(t) = reference.tag_or_default() {
        img.repo_tags = vec![reference.with_tag(t).familiar()];
    }
    Ok(img)
}

/// The path (and query) of `url`, for messages.
fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').and_then(|i| rest.get(i..)).unwrap_or("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_parsing() {
        let c = parse_challenge(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull,push""#,
        )
        .unwrap();
        assert_eq!(c.scheme, "bearer");
        assert_eq!(c.params["realm"], "https://auth.docker.io/token");
        assert_eq!(c.params["service"], "registry.docker.io");
        assert_eq!(c.params["scope"], "repository:library/alpine:pull,push");
        let b = parse_challenge(r#"Basic realm="Registry Realm""#).unwrap();
        assert_eq!(b.scheme, "basic");
        assert_eq!(b.params["realm"], "Registry Realm");
        let unq = parse_challenge("Bearer realm=https://x/t, service=x").unwrap();
        assert_eq!(unq.params["service"], "x");
        assert_eq!(unq.params["realm"], "https://x/t");
        assert!(parse_challenge("").is_none());
    }

    #[test]
    fn link_and_urlencode() {
        assert_eq!(
            parse_next_link(r#"</v2/x/tags/list?n=2&last=b>; rel="next""#).as_deref(),
            Some("/v2/x/tags/list?n=2&last=b")
        );
        assert_eq!(parse_next_link(r#"</a>; rel="prev""#), None);
        assert_eq!(urlencode("sha256:ab/c d"), "sha256%3Aab%2Fc%20d");
    }

    #[test]
    fn backoff_is_bounded_and_grows() {
        let c = RegistryClient::new(RegistryOptions {
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            ..RegistryOptions::default()
        });
        let d0 = c.backoff(0, None);
        let d3 = c.backoff(3, None);
        assert!(
            d0 >= Duration::from_millis(100) && d0 <= Duration::from_millis(150),
            "{d0:?}"
        );
        assert!(
            d3 >= Duration::from_millis(800) && d3 <= Duration::from_secs(1),
            "{d3:?}"
        );
        assert_eq!(c.backoff(30, None), Duration::from_secs(1));
        assert_eq!(c.backoff(0, Some("120")), Duration::from_secs(1));
        assert_eq!(c.backoff(0, Some("0")), Duration::ZERO);
    }
}
