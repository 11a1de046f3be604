//! Downloading osv.dev per-ecosystem archives and rebuilding the store.
//!
//! Layout expected at every base URL (osv.dev's bucket layout):
//! `<base>/<Ecosystem>/all.zip`, e.g. `https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip`.
//!
//! Downloaded archives are kept next to the store in `<db>.archives/<Ecosystem>.zip` with a
//! sidecar `<Ecosystem>.json` holding the `ETag`/`Last-Modified` they were served with, so the
//! next update can send `If-None-Match`/`If-Modified-Since` and rebuild from the cache when
//! only some ecosystems changed. A download goes to a temp file and replaces the cached
//! archive only when complete (length checked against `Content-Length`, zip directory
//! readable); the store is rebuilt with an atomic rename. Any failure leaves the previous
//! store and archives untouched.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::error::VulnDbError;
use crate::import::{ImportOptions, Importer, SourceKind};
use crate::store::{Metadata, SourceInfo, Store, archive_dir};

/// NVD's CVE API 2.0 JSON feeds (`nvdcve-2.0-<year>.json.gz`, one per year since 2002).
pub const NVD_FEED_BASE_URL: &str = "https://nvd.nist.gov/feeds/json/cve/2.0";

/// The NVD 2.0 feed URLs under `base` for every year from 2002 to the current one.
pub fn nvd_feed_urls(base: &str) -> Vec<String> {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Days since 1970 → civil year (Howard Hinnant's algorithm, years only).
    let days = i64::try_from(secs / 86_400).unwrap_or(0) + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let year = yoe + era * 400 + i64::from(mp >= 10);
    (2002..=year.max(2002))
        .map(|y| format!("{}/nvdcve-2.0-{y}.json.gz", base.trim_end_matches('/')))
        .collect()
}

/// osv.dev's public bucket.
pub const OSV_BASE_URL: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// Settings for [`update`] and [`ensure_fresh`].
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// Primary base URL (see [`OSV_BASE_URL`]).
    pub base_url: String,
    /// Further base URLs tried in order when the primary fails.
    pub mirrors: Vec<String>,
    /// OSV ecosystems to download (`PyPI`, `Debian`, `Alpine`, `Red Hat`, …).
    pub ecosystems: Vec<String>,
    /// The store file.
    pub db_path: PathBuf,
    /// Attempts per URL (≥ 1) before moving to the next mirror.
    pub attempts_per_url: u32,
    /// First retry delay; doubled per attempt, capped by `max_backoff`, with jitter.
    pub backoff: Duration,
    /// Largest retry delay.
    pub max_backoff: Duration,
    /// Connect, idle-read and total deadlines of the whole update (every ecosystem, mirror,
    /// retry and download). Defaults: 10 s, 30 s, 300 s.
    pub timeouts: bulwark_net::Timeouts,
    /// Receives "still waiting for HOST" notices during long waits.
    pub notifier: bulwark_net::Notifier,
    /// CVE data files to download too (full URLs; NVD CVE API 2.0 feeds such as
    /// [`nvd_feed_urls`] gives, or any file `db import` reads), cached and conditionally
    /// re-requested like the OSV archives. Their ratings rate records that carry none.
    pub cve_feeds: Vec<String>,
    /// Accept an archive that yields no records or a large drop in records (see
    /// [`crate::ImportOptions`]); off by default: such an update fails and the store is kept.
    pub force: bool,
}

impl UpdateOptions {
    /// Defaults: osv.dev, no mirrors, 3 attempts per URL, 1 s → 16 s backoff, the default
    /// [`bulwark_net::Timeouts`].
    pub fn new(db_path: impl Into<PathBuf>, ecosystems: Vec<String>) -> Self {
        UpdateOptions {
            base_url: OSV_BASE_URL.to_owned(),
            mirrors: Vec::new(),
            ecosystems,
            db_path: db_path.into(),
            attempts_per_url: 3,
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(16),
            timeouts: bulwark_net::Timeouts::default(),
            notifier: bulwark_net::Notifier::none(),
            cve_feeds: Vec::new(),
            force: false,
        }
    }
}

/// Progress events reported by [`update`].
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// Requesting an archive.
    Requesting {
        /// Ecosystem.
        ecosystem: String,
        /// URL.
        url: String,
    },
    /// Bytes received so far (`total` from `Content-Length` when known).
    Downloading {
        /// Ecosystem.
        ecosystem: String,
        /// Bytes so far.
        bytes: u64,
        /// Expected total.
        total: Option<u64>,
    },
    /// The server says the cached archive is current (HTTP 304).
    NotModified {
        /// Ecosystem.
        ecosystem: String,
    },
    /// An attempt failed and will be retried after `delay`.
    Retrying {
        /// URL.
        url: String,
        /// Attempt number that failed (1-based).
        attempt: u32,
        /// Why.
        error: String,
        /// Wait before the next attempt.
        delay: Duration,
    },
    /// Falling through to the next mirror.
    NextMirror {
        /// The URL that failed for good.
        failed: String,
    },
    /// Compiling the store.
    Compiling,
    /// Something the user must hear about (e.g. a shrink accepted with `force`).
    Warning(String),
}

/// What [`update`] / [`ensure_fresh`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum UpdateOutcome {
    /// The store is younger than `max_age`; the network was not used.
    Fresh,
    /// Offline mode; the existing store is used as is.
    Offline,
    /// Every archive was unchanged (304); the store's timestamp was refreshed.
    NotModified,
    /// The store was rebuilt.
    Updated(Box<Metadata>),
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct CacheInfo {
    url: String,
    etag: Option<String>,
    last_modified: Option<String>,
}

fn safe_name(ecosystem: &str) -> String {
    ecosystem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

fn encode_segment(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Age of the store (time since its file was last written or refreshed), `None` if missing.
pub fn store_age(db_path: &Path) -> Option<Duration> {
    let m = std::fs::metadata(db_path).ok()?.modified().ok()?;
    Some(SystemTime::now().duration_since(m).unwrap_or_default())
}

/// Returns a usable store without waiting on the network when possible:
/// * `offline`: opens the existing store, or fails with [`VulnDbError::MissingOffline`];
/// * a store younger than `max_age` is opened as is;
/// * otherwise runs [`update`] (a failed update with an existing store is an error too —
///   the caller decides whether to continue with the stale store via [`Store::open`]).
pub fn ensure_fresh(
    opts: &UpdateOptions,
    max_age: Duration,
    offline: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Store, UpdateOutcome), VulnDbError> {
    if offline {
        if !opts.db_path.exists() {
            return Err(VulnDbError::MissingOffline(opts.db_path.clone()));
        }
        return Ok((Store::open(&opts.db_path)?, UpdateOutcome::Offline));
    }
    if let Some(age) = store_age(&opts.db_path)
        && age < max_age
        && let Ok(store) = Store::open(&opts.db_path)
    {
        return Ok((store, UpdateOutcome::Fresh));
    }
    let outcome = update(opts, progress)?;
    Ok((Store::open(&opts.db_path)?, outcome))
}

enum Fetch {
    NotModified,
    Downloaded,
}

/// Downloads every ecosystem's `all.zip` (conditionally), then rebuilds the store from the
/// cached archives and swaps it in atomically. On any failure the previous store stays.
///
/// The rebuilt store holds exactly the listed ecosystems (a store made by [`crate::import()`]
/// is replaced, not merged). When every archive answers 304 and the store already reflects
/// the cached archives, nothing is rebuilt and only the store's mtime (its "last checked"
/// time used by [`store_age`]/[`ensure_fresh`]) is refreshed.
pub fn update(
    opts: &UpdateOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<UpdateOutcome, VulnDbError> {
    if opts.ecosystems.is_empty() {
        return Err(VulnDbError::Invalid("no ecosystem to update".into()));
    }
    let dir = archive_dir(&opts.db_path);
    std::fs::create_dir_all(&dir).map_err(|e| VulnDbError::io(&dir, e))?;
    let deadline = bulwark_net::Deadline::start(opts.timeouts);
    let agent: ureq::Agent = deadline
        .agent_config()
        .http_status_as_error(false)
        .user_agent(format!("bulwark-vulndb/{}", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let mut changed = false;
    for eco in &opts.ecosystems {
        let net = Net {
            agent: &agent,
            deadline: &deadline,
            notifier: &opts.notifier,
        };
        match fetch_ecosystem(&net, opts, eco, &dir, progress)? {
            Fetch::NotModified => progress(Progress::NotModified {
                ecosystem: eco.clone(),
            }),
            Fetch::Downloaded => changed = true,
        }
    }
    for url in &opts.cve_feeds {
        let label = feed_label(url);
        let dest = dir.join(safe_name(&label));
        let net = Net {
            agent: &agent,
            deadline: &deadline,
            notifier: &opts.notifier,
        };
        match fetch_urls(
            &net,
            opts,
            &label,
            std::slice::from_ref(url),
            &dest,
            &dir,
            progress,
        )? {
            Fetch::NotModified => progress(Progress::NotModified { ecosystem: label }),
            Fetch::Downloaded => changed = true,
        }
    }
    // The store may be older than the cache when a previous update downloaded some
    // archives and then failed on another ecosystem: compare validators.
    let store_sources = Store::open(&opts.db_path)
        .ok()
        .and_then(|s| s.metadata().ok().map(|m| m.sources.clone()));
    if let Some(sources) = &store_sources {
        for url in &opts.cve_feeds {
            let info = read_cache_info(&dir, &feed_label(url)).unwrap_or_default();
            changed |= !sources.iter().any(|s| {
                s.location == *url && s.etag == info.etag && s.last_modified == info.last_modified
            });
        }
        for eco in &opts.ecosystems {
            let info = read_cache_info(&dir, eco).unwrap_or_default();
            let same = sources.iter().any(|s| {
                s.ecosystem.as_deref() == Some(eco.as_str())
                    && s.etag == info.etag
                    && s.last_modified == info.last_modified
            });
            changed |= !same;
        }
    }
    if !changed && store_sources.is_some() {
        let f = std::fs::File::options()
            .write(true)
            .open(&opts.db_path)
            .map_err(|e| VulnDbError::io(&opts.db_path, e))?;
        f.set_modified(SystemTime::now())
            .map_err(|e| VulnDbError::io(&opts.db_path, e))?;
        return Ok(UpdateOutcome::NotModified);
    }
    progress(Progress::Compiling);
    let mut imp = Importer::new();
    for eco in &opts.ecosystems {
        let zip = dir.join(format!("{}.zip", safe_name(eco)));
        let info = read_cache_info(&dir, eco).unwrap_or_default();
        imp.add_source(
            &zip,
            SourceKind::Zip,
            Some(SourceInfo {
                kind: "download".into(),
                location: info.url,
                ecosystem: Some(eco.clone()),
                etag: info.etag,
                last_modified: info.last_modified,
                ..SourceInfo::default()
            }),
        )?;
    }
    for url in &opts.cve_feeds {
        let label = feed_label(url);
        let path = dir.join(safe_name(&label));
        let info = read_cache_info(&dir, &label).unwrap_or_default();
        imp.add_source(
            &path,
            SourceKind::detect(&path)?,
            Some(SourceInfo {
                kind: "cve-download".into(),
                location: url.clone(),
                etag: info.etag,
                last_modified: info.last_modified,
                ..SourceInfo::default()
            }),
        )?;
    }
    let report = imp.finish_checked(&opts.db_path, &ImportOptions { force: opts.force })?;
    for w in report.warnings {
        progress(Progress::Warning(w));
    }
    Ok(UpdateOutcome::Updated(Box::new(report.meta)))
}

fn read_cache_info(dir: &Path, eco: &str) -> Option<CacheInfo> {
    let bytes = std::fs::read(dir.join(format!("{}.json", safe_name(eco)))).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Pseudo-random jitter factor in [0.5, 1.0) from the clock (no RNG dependency needed:
/// jitter only has to de-synchronise clients, not be unpredictable).
fn jitter(attempt: u32) -> f64 {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mixed = (u64::from(nanos) ^ (u64::from(attempt) << 32)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    0.5 + ((mixed >> 11) as f64 / (1u64 << 53) as f64) * 0.5
}

fn backoff(opts: &UpdateOptions, attempt: u32) -> Duration {
    let base = opts
        .backoff
        .saturating_mul(1u32 << attempt.min(16))
        .min(opts.max_backoff);
    base.mul_f64(jitter(attempt))
}

enum AttemptError {
    /// Worth retrying (network error, 5xx, 429, truncated body).
    Transient(String),
    /// Not worth retrying this URL (404, 403, bad archive).
    Permanent(String),
    /// A deadline expired: the idle-read or connect one moves on to the next mirror, the
    /// total one ends the update.
    Deadline(bulwark_net::DeadlineError),
}

/// The HTTP side of one update.
struct Net<'a> {
    agent: &'a ureq::Agent,
    deadline: &'a bulwark_net::Deadline,
    notifier: &'a bulwark_net::Notifier,
}

/// The cache name of a CVE feed: `cve-` and the URL's last path segment.
fn feed_label(url: &str) -> String {
    let last = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(url);
    format!("cve-{last}")
}

fn fetch_ecosystem(
    net: &Net<'_>,
    opts: &UpdateOptions,
    eco: &str,
    dir: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<Fetch, VulnDbError> {
    let zip_path = dir.join(format!("{}.zip", safe_name(eco)));
    let urls: Vec<String> = std::iter::once(&opts.base_url)
        .chain(opts.mirrors.iter())
        .map(|base| {
            format!(
                "{}/{}/all.zip",
                base.trim_end_matches('/'),
                encode_segment(eco)
            )
        })
        .collect();
    fetch_urls(net, opts, eco, &urls, &zip_path, dir, progress)
}

/// Downloads `label`'s file to `dest` from the first of `urls` that answers (conditional on
/// the cached copy's validators; retried with backoff; then the next URL).
fn fetch_urls(
    net: &Net<'_>,
    opts: &UpdateOptions,
    eco: &str,
    urls: &[String],
    zip_path: &Path,
    dir: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<Fetch, VulnDbError> {
    let cached = if zip_path.is_file() {
        read_cache_info(dir, eco)
    } else {
        None
    };
    let mut errors = Vec::new();
    for url in urls {
        let url = url.clone();
        let attempts = opts.attempts_per_url.max(1);
        for attempt in 1..=attempts {
            progress(Progress::Requesting {
                ecosystem: eco.to_owned(),
                url: url.clone(),
            });
            let host = bulwark_net::host_of(&url).to_owned();
            if let Err(d) = net.deadline.check(&host) {
                errors.push(format!("{url}: {d}"));
                return Err(VulnDbError::Download {
                    ecosystem: eco.to_owned(),
                    errors: errors.join("; "),
                });
            }
            match attempt_download(net, &url, eco, cached.as_ref(), zip_path, dir, progress) {
                Ok(f) => return Ok(f),
                Err(AttemptError::Deadline(d)) => {
                    errors.push(format!("{url}: {d}"));
                    if d.expired == bulwark_net::Expired::Total {
                        return Err(VulnDbError::Download {
                            ecosystem: eco.to_owned(),
                            errors: errors.join("; "),
                        });
                    }
                    break;
                }
                Err(AttemptError::Permanent(e)) => {
                    errors.push(format!("{url}: {e}"));
                    break;
                }
                Err(AttemptError::Transient(e)) => {
                    if attempt == attempts {
                        errors.push(format!("{url}: {e} (after {attempts} attempts)"));
                        break;
                    }
                    let delay = backoff(opts, attempt - 1);
                    progress(Progress::Retrying {
                        url: url.clone(),
                        attempt,
                        error: e,
                        delay,
                    });
                    if let Err(d) = net.deadline.sleep(&host, delay) {
                        errors.push(format!("{url}: {d}"));
                        return Err(VulnDbError::Download {
                            ecosystem: eco.to_owned(),
                            errors: errors.join("; "),
                        });
                    }
                }
            }
        }
        progress(Progress::NextMirror { failed: url });
    }
    Err(VulnDbError::Download {
        ecosystem: eco.to_owned(),
        errors: errors.join("; "),
    })
}

fn attempt_download(
    net: &Net<'_>,
    url: &str,
    eco: &str,
    cached: Option<&CacheInfo>,
    zip_path: &Path,
    dir: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<Fetch, AttemptError> {
    let host = bulwark_net::host_of(url);
    let mut req = net.deadline.bound(net.agent.get(url));
    if let Some(c) = cached {
        if let Some(etag) = &c.etag {
            req = req.header("If-None-Match", etag);
        }
        if let Some(lm) = &c.last_modified {
            req = req.header("If-Modified-Since", lm);
        }
    }
    let mut resp = {
        let _watch = net
            .deadline
            .watch(net.notifier, host, &format!("{eco} archive"));
        req.call()
    }
    .map_err(|e| match net.deadline.classify(host, &e) {
        Some(d) => AttemptError::Deadline(d),
        None => AttemptError::Transient(e.to_string()),
    })?;
    let status = resp.status().as_u16();
    if status == 304 {
        if cached.is_some() {
            return Ok(Fetch::NotModified);
        }
        return Err(AttemptError::Permanent(
            "304 Not Modified without a cached archive".into(),
        ));
    }
    if status == 429 || status >= 500 {
        return Err(AttemptError::Transient(format!("HTTP {status}")));
    }
    if status != 200 {
        return Err(AttemptError::Permanent(format!("HTTP {status}")));
    }
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let info = CacheInfo {
        url: url.to_owned(),
        etag: header("etag"),
        last_modified: header("last-modified"),
    };
    let total = resp.body().content_length();
    let tmp = dir.join(format!(
        ".{}.zip.part-{}",
        safe_name(eco),
        std::process::id()
    ));
    let result = (|| -> Result<(), AttemptError> {
        let mut out = std::fs::File::create(&tmp)
            .map_err(|e| AttemptError::Permanent(format!("{}: {e}", tmp.display())))?;
        let watch = net
            .deadline
            .watch(net.notifier, host, &format!("{eco} archive"));
        let mut reader = net
            .deadline
            .reader(host, resp.body_mut().as_reader(), Some(watch));
        let mut buf = vec![0u8; 256 * 1024];
        let mut bytes: u64 = 0;
        let mut last_report = 0u64;
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(match net.deadline.classify_io(host, &e) {
                        Some(d) => AttemptError::Deadline(d),
                        None => AttemptError::Transient(format!("download interrupted: {e}")),
                    });
                }
            };
            out.write_all(buf.get(..n).unwrap_or_default())
                .map_err(|e| AttemptError::Permanent(format!("{}: {e}", tmp.display())))?;
            bytes += n as u64;
            if bytes - last_report >= 1 << 20 {
                last_report = bytes;
                progress(Progress::Downloading {
                    ecosystem: eco.to_owned(),
                    bytes,
                    total,
                });
            }
        }
        if let Some(t) = total
            && bytes != t
        {
            return Err(AttemptError::Transient(format!(
                "download truncated: {bytes} of {t} bytes"
            )));
        }
        progress(Progress::Downloading {
            ecosystem: eco.to_owned(),
            bytes,
            total,
        });
        out.sync_all()
            .map_err(|e| AttemptError::Permanent(format!("{}: {e}", tmp.display())))?;
        drop(out);
        let f = std::fs::File::open(&tmp)
            .map_err(|e| AttemptError::Permanent(format!("{}: {e}", tmp.display())))?;
        if zip_path.extension().is_some_and(|e| e == "zip") {
            zip::ZipArchive::new(std::io::BufReader::new(f)).map_err(|e| {
                AttemptError::Transient(format!("downloaded archive is not a valid zip: {e}"))
            })?;
        }
        std::fs::rename(&tmp, zip_path)
            .map_err(|e| AttemptError::Permanent(format!("{}: {e}", zip_path.display())))?;
        let side = dir.join(format!("{}.json", safe_name(eco)));
        let json = serde_json::to_vec(&info).map_err(|e| AttemptError::Permanent(e.to_string()))?;
        std::fs::write(&side, json)
            .map_err(|e| AttemptError::Permanent(format!("{}: {e}", side.display())))?;
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(Fetch::Downloaded)
}
