//! Secret scanning wired into the scan: the scanner runs on every wanted file as the layer
//! streams past (the image configuration checks, secrets in the configuration included, are in
//! [`crate::checks`]).

use std::sync::Arc;

use bulwark_catalog::FileOwnership;
use bulwark_secrets::Scanner;

/// A built secret scanner plus the key that identifies its rules in the layer cache.
#[derive(Debug, Clone)]
pub struct SecretScanning {
    /// The scanner (built once; shared by the parallel layer walks).
    pub scanner: Arc<Scanner>,
    /// Changes whenever the rules change (built-in version plus the user config's text).
    pub cache_key: String,
}

impl SecretScanning {
    /// The built-in rules, optionally extended by a user configuration whose raw text is
    /// `config_text` (part of the cache key).
    #[must_use]
    pub fn new(scanner: Scanner, config_text: &str) -> Self {
        use sha2::{Digest as _, Sha256};
        let digest = Sha256::digest(config_text.as_bytes());
        let short = crate::hex(digest.get(..8).unwrap_or_default());
        Self {
            scanner: Arc::new(scanner),
            // `r2`: findings in package-owned files dropped, binary files skipped by name.
            cache_key: format!("builtin-{}-r2+{short}", env!("CARGO_PKG_VERSION")),
        }
    }
}

/// Drops secret findings in files that an OS package installed, as Trivy does: the file's path
/// is listed by a package database (dpkg `info/*.list`, distroless `status.d/*.md5sums`, rpm, apk
/// `installed`) found in the *same* layer, so the package manager wrote it there. A file a later
/// layer overwrites is that layer's own and stays scanned, and so do configuration files under
/// `/etc` (dpkg conffiles are the files administrators edit, `my.cnf` passwords included).
///
/// Runs once a layer's package databases are parsed: in a layer tar `/usr` streams past before
/// `/var/lib/dpkg`, so ownership is not known while the files are scanned.
pub fn drop_package_owned(
    found: &mut Vec<bulwark_secrets::SecretFinding>,
    owned: &FileOwnership,
    display_prefix: &str,
) {
    if owned.is_empty() {
        return;
    }
    found.retain(|f| {
        let rel = f
            .location
            .path
            .strip_prefix(display_prefix)
            .unwrap_or(&f.location.path)
            .trim_start_matches('/');
        rel.starts_with("etc/") || owned.owner(&format!("/{rel}")).is_none()
    });
}

/// Files queued for the background scanner before the layer walk waits for it.
const QUEUED_FILES: usize = 16;
/// Bytes queued for the background scanner before the layer walk waits for it (one larger file
/// is still queued alone): the copies in the queue are bounded in bytes, not only in files.
pub const QUEUED_BYTES: u64 = 8 << 20;

/// Bytes in the queue, with a wake-up for the walk waiting for room.
#[derive(Debug, Default)]
struct Queued {
    bytes: std::sync::Mutex<u64>,
    freed: std::sync::Condvar,
}

impl Queued {
    /// Waits for room for `n` bytes while `alive` says the scanner thread still runs.
    fn add(&self, n: u64, alive: &dyn Fn() -> bool) {
        let Ok(mut b) = self.bytes.lock() else {
            return;
        };
        while *b > 0 && b.saturating_add(n) > QUEUED_BYTES && alive() {
            b = match self
                .freed
                .wait_timeout(b, std::time::Duration::from_millis(100))
            {
                Ok((b, _)) => b,
                Err(_) => return,
            };
        }
        *b += n;
    }

    fn sub(&self, n: u64) {
        if let Ok(mut b) = self.bytes.lock() {
            *b = b.saturating_sub(n);
        }
        self.freed.notify_all();
    }
}

/// Scans a layer's files on a thread of its own while the walk goes on decompressing, hashing
/// and reading the next entries, so secret scanning is off the walk's critical path (the base
/// layer's walk bounds the wall time of a scan). Findings come back in file order.
#[derive(Debug)]
pub(crate) struct BackgroundScan {
    scanner: Arc<Scanner>,
    tx: Option<std::sync::mpsc::SyncSender<(String, Vec<u8>)>>,
    queued: Arc<Queued>,
    worker: Option<std::thread::JoinHandle<Vec<bulwark_secrets::SecretFinding>>>,
    /// Findings of files scanned inline (when no thread could be started).
    inline: Vec<bulwark_secrets::SecretFinding>,
}

impl BackgroundScan {
    pub(crate) fn new(scanner: Arc<Scanner>) -> Self {
        let (tx, rx) = std::sync::mpsc::sync_channel::<(String, Vec<u8>)>(QUEUED_FILES);
        let for_worker = Arc::clone(&scanner);
        let queued = Arc::new(Queued::default());
        let worker_queued = Arc::clone(&queued);
        let worker = std::thread::Builder::new()
            .name("bulwark-secrets".into())
            .spawn(move || {
                let mut found = Vec::new();
                for (path, data) in rx {
                    found.extend(for_worker.scan_file(&path, &data));
                    worker_queued.sub(data.len() as u64);
                }
                found
            })
            .ok();
        Self {
            scanner,
            queued,
            tx: worker.as_ref().map(|_| tx),
            worker,
            inline: Vec::new(),
        }
    }

    /// Queues one file (waits while the queue is full, in files or in bytes).
    pub(crate) fn submit(&mut self, path: String, data: &[u8]) {
        if let Some(tx) = &self.tx {
            let worker = self.worker.as_ref();
            self.queued.add(data.len() as u64, &|| {
                worker.is_some_and(|w| !w.is_finished())
            });
            match tx.send((path, data.to_vec())) {
                Ok(()) => {}
                // The worker is gone (it panicked): scan here; `finish` reports the panic.
                Err(std::sync::mpsc::SendError((path, data))) => {
                    self.tx = None;
                    self.inline.extend(self.scanner.scan_file(&path, &data));
                }
            }
        } else {
            self.inline.extend(self.scanner.scan_file(&path, data));
        }
    }

    /// Waits for the queued files and returns all findings in file order.
    pub(crate) fn finish(mut self) -> Vec<bulwark_secrets::SecretFinding> {
        self.tx = None;
        let mut found = match self.worker.take().map(std::thread::JoinHandle::join) {
            Some(Ok(found)) => found,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => Vec::new(),
        };
        found.append(&mut self.inline);
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(path: &str) -> Vec<bulwark_secrets::SecretFinding> {
        let scanner = Scanner::builtin().unwrap();
        // A random-looking token made at run time (xorshift), not committed as a literal.
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let body: String = (0..36)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from(alphabet[(x % 62) as usize])
            })
            .collect();
        let token = format!("ghp_{body}");
        scanner.scan_file(path, format!("token = \"{token}\"\n").as_bytes())
    }

    #[test]
    fn findings_in_package_owned_files_are_dropped_except_in_etc() {
        let mut owned = FileOwnership::default();
        owned.insert("/usr/lib/pkg/conf.py", "pkg");
        owned.insert("/etc/pkg.conf", "pkg");
        let mut found: Vec<_> = ["/usr/lib/pkg/conf.py", "/etc/pkg.conf", "/app/conf.py"]
            .iter()
            .flat_map(|p| scan(p))
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        drop_package_owned(&mut found, &owned, "/");
        let paths: Vec<&str> = found.iter().map(|f| f.location.path.as_str()).collect();
        assert_eq!(paths, ["/etc/pkg.conf", "/app/conf.py"]);

        // A directory scan reports paths under its root.
        let mut found = scan("/srv/root/usr/lib/pkg/conf.py");
        assert_eq!(found.len(), 1);
        drop_package_owned(&mut found, &owned, "/srv/root/");
        assert!(found.is_empty());
    }
}
