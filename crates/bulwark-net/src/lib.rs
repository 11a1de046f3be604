//! Deadlines for every network wait in Bulwark.
//!
//! Each HTTP client (the OCI registry client in `bulwark-oci`, which `bulwark-sign` reuses, and
//! the OSV archive download in `bulwark-vulndb`) runs one network *operation* under a
//! [`Deadline`] made from three [`Timeouts`]:
//!
//! * **connect**: establishing one TCP (and TLS) connection;
//! * **read** (idle): the longest silence while waiting for response headers or body bytes —
//!   a server that accepts and never answers fails after this long;
//! * **total**: the whole operation (every request, retry, backoff and body byte) — a server
//!   that drips one byte every few seconds fails at this point.
//!
//! A request that hits one of them fails with a [`DeadlineError`] naming the host, the deadline
//! that expired and how to raise it. A [`Watch`] reports long waits through a [`Notifier`] so a
//! user is never left staring at a silent terminal.

use std::fmt;
use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

/// How long a network operation may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// One TCP + TLS connection. Default 10 s.
    pub connect: Duration,
    /// Longest silence while waiting for a response or body bytes. Default 30 s.
    pub read: Duration,
    /// The whole operation, retries and downloads included. Default 300 s.
    pub total: Duration,
}

impl Timeouts {
    /// Default connect deadline.
    pub const DEFAULT_CONNECT: Duration = Duration::from_secs(10);
    /// Default idle-read deadline.
    pub const DEFAULT_READ: Duration = Duration::from_secs(30);
    /// Default total deadline (Trivy's `--timeout` default is the same 5 minutes).
    pub const DEFAULT_TOTAL: Duration = Duration::from_secs(300);
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Self::DEFAULT_CONNECT,
            read: Self::DEFAULT_READ,
            total: Self::DEFAULT_TOTAL,
        }
    }
}

/// Which deadline expired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expired {
    /// No connection within the connect deadline.
    Connect,
    /// The peer was silent for the read deadline.
    Read,
    /// The operation as a whole ran out of time.
    Total,
}

/// A deadline expired while talking to `host`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadlineError {
    /// `host[:port]` that was being waited on.
    pub host: String,
    /// Which deadline.
    pub expired: Expired,
    /// Its length.
    pub limit: Duration,
}

impl fmt::Display for DeadlineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let limit = seconds(self.limit);
        match self.expired {
            Expired::Connect => write!(
                f,
                "{}: no connection within {limit} (connect deadline; raise it with \
                 --connect-timeout or BULWARK_CONNECT_TIMEOUT)",
                self.host
            ),
            Expired::Read => write!(
                f,
                "{}: sent nothing for {limit} (read deadline; raise it with --read-timeout or \
                 BULWARK_READ_TIMEOUT)",
                self.host
            ),
            Expired::Total => write!(
                f,
                "{}: not done after {limit} (total deadline; raise it with --timeout or \
                 BULWARK_TIMEOUT)",
                self.host
            ),
        }
    }
}

impl std::error::Error for DeadlineError {}

/// `12 s`, `1.5 s`, `0.25 s`.
#[must_use]
pub fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        let s = format!("{:.2}", d.as_secs_f64());
        let s = s.trim_end_matches('0').trim_end_matches('.');
        format!("{s} s")
    }
}

/// `host[:port]` of an `http(s)://` URL (the URL itself when it has no scheme).
#[must_use]
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end).unwrap_or(rest);
    authority.rsplit_once('@').map_or(authority, |(_, h)| h)
}

/// The clock of one network operation: started once, consulted by every request and retry.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    timeouts: Timeouts,
    started: Instant,
}

impl Deadline {
    /// Starts the clock now.
    #[must_use]
    pub fn start(timeouts: Timeouts) -> Self {
        Deadline {
            timeouts,
            started: Instant::now(),
        }
    }

    /// The timeouts in force.
    #[must_use]
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    /// Time since the start.
    #[must_use]
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Time left of the total deadline (zero once expired).
    #[must_use]
    pub fn remaining(&self) -> Duration {
        self.timeouts.total.saturating_sub(self.started.elapsed())
    }

    fn error(&self, host: &str, expired: Expired) -> DeadlineError {
        let limit = match expired {
            Expired::Connect => self.timeouts.connect,
            Expired::Read => self.timeouts.read,
            Expired::Total => self.timeouts.total,
        };
        DeadlineError {
            host: host.to_owned(),
            expired,
            limit,
        }
    }

    /// Fails with the total deadline once it has passed.
    ///
    /// # Errors
    /// [`Expired::Total`] when no time is left.
    pub fn check(&self, host: &str) -> Result<(), DeadlineError> {
        if self.remaining().is_zero() {
            return Err(self.error(host, Expired::Total));
        }
        Ok(())
    }

    /// Sleeps `delay` (a retry backoff) unless that would end past the total deadline.
    ///
    /// # Errors
    /// [`Expired::Total`] when `delay` does not fit in the time left.
    pub fn sleep(&self, host: &str, delay: Duration) -> Result<(), DeadlineError> {
        if delay >= self.remaining() {
            return Err(self.error(host, Expired::Total));
        }
        std::thread::sleep(delay);
        Ok(())
    }

    /// Agent settings with the connect and idle-read deadlines; add the rest and `build()`.
    #[must_use]
    pub fn agent_config(&self) -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope> {
        ureq::Agent::config_builder()
            .timeout_connect(Some(self.timeouts.connect))
            .timeout_per_read(Some(self.timeouts.read))
            .timeout_per_write(Some(self.timeouts.read))
    }

    /// Bounds one request (headers and body, redirects included) by the time left.
    #[must_use]
    pub fn bound<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        request
            .config()
            .timeout_global(Some(self.remaining().max(Duration::from_millis(1))))
            .build()
    }

    /// The deadline behind a ureq error, if one expired.
    #[must_use]
    pub fn classify(&self, host: &str, err: &ureq::Error) -> Option<DeadlineError> {
        use ureq::Timeout as T;
        let expired = match err {
            ureq::Error::Timeout(T::Connect | T::Resolve) => Expired::Connect,
            ureq::Error::Timeout(T::Global | T::PerCall) => Expired::Total,
            ureq::Error::Timeout(_) => Expired::Read,
            ureq::Error::Io(e) => return self.classify_io(host, e),
            _ => return None,
        };
        Some(self.error(host, expired))
    }

    /// The deadline behind an I/O error from a response body, if one expired.
    #[must_use]
    pub fn classify_io(&self, host: &str, err: &io::Error) -> Option<DeadlineError> {
        let inner = err.get_ref()?;
        if let Some(d) = inner.downcast_ref::<DeadlineError>() {
            return Some(d.clone());
        }
        match inner.downcast_ref::<ureq::Error>()? {
            ureq::Error::Io(_) => None,
            e => self.classify(host, e),
        }
    }

    /// Reports the wait on `host` (`what`: the URL or object) every [`NOTICE_EVERY`] through
    /// `notifier` while it receives less than [`CRAWL_BYTES`] per interval, until the returned
    /// [`Watch`] is dropped. No thread when nobody listens.
    #[must_use]
    pub fn watch(&self, notifier: &Notifier, host: &str, what: &str) -> Watch {
        Watch::start(self, notifier, host, what)
    }

    /// Wraps a response body: deadline errors name `host`, progress feeds `watch`.
    pub fn reader<R: Read>(&self, host: &str, inner: R, watch: Option<Watch>) -> DeadlineReader<R> {
        DeadlineReader {
            inner,
            host: host.to_owned(),
            deadline: *self,
            watch,
        }
    }
}

/// Receives "still waiting" messages (a CLI prints them on stderr unless `--quiet`).
#[derive(Clone, Default)]
pub struct Notifier(Option<Arc<NotifyFn>>);

type NotifyFn = dyn Fn(&str) + Send + Sync;

impl Notifier {
    /// Calls `f` with each message.
    pub fn new(f: impl Fn(&str) + Send + Sync + 'static) -> Self {
        Notifier(Some(Arc::new(f)))
    }

    /// Nobody listens.
    #[must_use]
    pub fn none() -> Self {
        Notifier(None)
    }

    /// Sends `message` (if anybody listens).
    pub fn send(&self, message: &str) {
        if let Some(f) = &self.0 {
            f(message);
        }
    }
}

impl fmt::Debug for Notifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Notifier(listening)"
        } else {
            "Notifier(none)"
        })
    }
}

/// How often a [`Watch`] reports a wait that is still going on.
pub const NOTICE_EVERY: Duration = Duration::from_secs(5);

/// A watched transfer that received at least this much in the last [`NOTICE_EVERY`] is moving
/// and is not reported.
pub const CRAWL_BYTES: u64 = 64 * 1024;

/// Reports a long wait until dropped (see [`Deadline::watch`]).
#[derive(Debug)]
pub struct Watch {
    stop: Option<mpsc::Sender<()>>,
    bytes: Arc<AtomicU64>,
}

impl Watch {
    fn start(deadline: &Deadline, notifier: &Notifier, host: &str, what: &str) -> Watch {
        let bytes = Arc::new(AtomicU64::new(0));
        let Some(f) = notifier.0.clone() else {
            return Watch { stop: None, bytes };
        };
        let (tx, rx) = mpsc::channel::<()>();
        let counter = Arc::clone(&bytes);
        let (host, what, deadline) = (host.to_owned(), what.to_owned(), *deadline);
        let begun = Instant::now();
        let spawned = std::thread::Builder::new()
            .name("bulwark-net-watch".into())
            .spawn(move || {
                let mut last = 0u64;
                while let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(NOTICE_EVERY) {
                    let t = deadline.timeouts();
                    let got = counter.load(Ordering::Relaxed);
                    // a download that moves is its own progress: speak only when it crawls
                    let moving = got.saturating_sub(last) >= CRAWL_BYTES;
                    last = got;
                    if moving {
                        continue;
                    }
                    f(&format!(
                        "still waiting for {host} ({what}): {} so far, {got} bytes received; \
                         gives up after {} of silence or {} in all",
                        seconds(Duration::from_secs(begun.elapsed().as_secs())),
                        seconds(t.read),
                        seconds(t.total),
                    ));
                }
            });
        Watch {
            stop: spawned.ok().map(|_| tx),
            bytes,
        }
    }

    /// Counts `n` more bytes received.
    pub fn add(&self, n: usize) {
        self.bytes.fetch_add(n as u64, Ordering::Relaxed);
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop.take();
    }
}

/// A response body whose deadline errors name the host (see [`Deadline::reader`]).
#[derive(Debug)]
pub struct DeadlineReader<R> {
    inner: R,
    host: String,
    deadline: Deadline,
    watch: Option<Watch>,
}

impl<R: Read> Read for DeadlineReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(0) => {
                self.watch = None;
                Ok(0)
            }
            Ok(n) => {
                if let Some(w) = &self.watch {
                    w.add(n);
                }
                Ok(n)
            }
            Err(e) => {
                self.watch = None;
                match self.deadline.classify_io(&self.host, &e) {
                    Some(d) => Err(io::Error::new(io::ErrorKind::TimedOut, d)),
                    None => Err(e),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_of_urls() {
        assert_eq!(host_of("http://127.0.0.1:5000/v2/x"), "127.0.0.1:5000");
        assert_eq!(host_of("https://u:p@reg.example/v2/"), "reg.example");
        assert_eq!(host_of("https://reg.example?x=1"), "reg.example");
        assert_eq!(host_of("reg.example"), "reg.example");
    }

    #[test]
    fn seconds_format() {
        assert_eq!(seconds(Duration::from_secs(30)), "30 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(seconds(Duration::from_millis(250)), "0.25 s");
    }

    #[test]
    fn sleep_past_the_deadline_fails_at_once() {
        let d = Deadline::start(Timeouts {
            total: Duration::from_millis(200),
            ..Timeouts::default()
        });
        let t = Instant::now();
        let e = d.sleep("h:1", Duration::from_secs(5)).unwrap_err();
        assert!(t.elapsed() < Duration::from_secs(1));
        assert_eq!(e.expired, Expired::Total);
        assert!(e.to_string().contains("h:1: not done after 0.2 s"), "{e}");
        assert!(d.sleep("h:1", Duration::from_millis(10)).is_ok());
    }

    #[test]
    fn io_errors_carrying_a_deadline_are_recognised() {
        let d = Deadline::start(Timeouts::default());
        let wrapped = io::Error::other(ureq::Error::Timeout(ureq::Timeout::PerRead));
        let e = d.classify_io("reg:5000", &wrapped).unwrap();
        assert_eq!(e.expired, Expired::Read);
        assert!(
            e.to_string().contains("reg:5000: sent nothing for 30 s"),
            "{e}"
        );
        let other = io::Error::other("boom");
        assert!(d.classify_io("reg", &other).is_none());
        let g = io::Error::other(ureq::Error::Timeout(ureq::Timeout::Global));
        assert_eq!(d.classify_io("r", &g).unwrap().expired, Expired::Total);
        let c = ureq::Error::Timeout(ureq::Timeout::Connect);
        assert_eq!(
            d.classify("r", &c).unwrap().limit,
            Timeouts::DEFAULT_CONNECT
        );
    }
}
