//! Prometheus text exposition (format 0.0.4), written by hand: the server exports four metric
//! families, which takes less code than wiring a metrics registry crate and its exporter.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Upper bounds (seconds) of the scan duration histogram.
const BUCKETS: [f64; 12] = [
    0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0,
];

/// Counters and the histogram of one server process.
#[derive(Debug, Default)]
pub struct Metrics {
    scans: Mutex<Histogram>,
    errors: Mutex<BTreeMap<&'static str, u64>>,
    jobs_done: AtomicU64,
    http_requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
}

#[derive(Debug, Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Metrics {
    /// Records one finished job's duration.
    pub fn observe_scan(&self, seconds: f64) {
        self.jobs_done.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut h) = self.scans.lock() {
            for (i, b) in BUCKETS.iter().enumerate() {
                if seconds <= *b {
                    h.counts[i] += 1;
                }
            }
            h.count += 1;
            h.sum += seconds;
        }
    }

    /// Counts one error of `kind` (`auth`, `registry`, `image`, `database`, `store`, ...).
    pub fn error(&self, kind: &'static str) {
        if let Ok(mut e) = self.errors.lock() {
            *e.entry(kind).or_default() += 1;
        }
    }

    /// Counts one answered HTTP request.
    pub fn request(&self, route: &'static str, status: u16) {
        if let Ok(mut r) = self.http_requests.lock() {
            *r.entry((route, status)).or_default() += 1;
        }
    }

    /// The exposition text, with the queue depth read from the store just before.
    pub fn render(&self, queued: Option<i64>, running: Option<i64>, db_age: Option<u64>) -> String {
        let mut s = String::new();
        s.push_str("# HELP bulwark_queue_depth Jobs in the queue by state.\n# TYPE bulwark_queue_depth gauge\n");
        if let Some(q) = queued {
            let _ = writeln!(s, "bulwark_queue_depth{{state=\"queued\"}} {q}");
        }
        if let Some(r) = running {
            let _ = writeln!(s, "bulwark_queue_depth{{state=\"running\"}} {r}");
        }
        s.push_str("# HELP bulwark_scan_duration_seconds Time a worker spent on one job (pull, inventory, match).\n# TYPE bulwark_scan_duration_seconds histogram\n");
        if let Ok(h) = self.scans.lock() {
            for (i, b) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "bulwark_scan_duration_seconds_bucket{{le=\"{b}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(
                s,
                "bulwark_scan_duration_seconds_bucket{{le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(s, "bulwark_scan_duration_seconds_sum {}", h.sum);
            let _ = writeln!(s, "bulwark_scan_duration_seconds_count {}", h.count);
        }
        s.push_str(
            "# HELP bulwark_errors_total Errors by kind.\n# TYPE bulwark_errors_total counter\n",
        );
        if let Ok(e) = self.errors.lock() {
            for (k, n) in e.iter() {
                let _ = writeln!(s, "bulwark_errors_total{{kind=\"{k}\"}} {n}");
            }
        }
        s.push_str("# HELP bulwark_http_requests_total Answered HTTP requests by route and status.\n# TYPE bulwark_http_requests_total counter\n");
        if let Ok(r) = self.http_requests.lock() {
            for ((route, status), n) in r.iter() {
                let _ = writeln!(
                    s,
                    "bulwark_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        if let Some(age) = db_age {
            s.push_str("# HELP bulwark_vulnerability_db_age_seconds Age of the vulnerability database in use.\n# TYPE bulwark_vulnerability_db_age_seconds gauge\n");
            let _ = writeln!(s, "bulwark_vulnerability_db_age_seconds {age}");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_is_cumulative() {
        let m = Metrics::default();
        m.observe_scan(0.2);
        m.observe_scan(3.0);
        m.error("registry");
        let text = m.render(Some(2), Some(1), None);
        assert!(text.contains("bulwark_scan_duration_seconds_bucket{le=\"0.25\"} 1\n"));
        assert!(text.contains("bulwark_scan_duration_seconds_bucket{le=\"5\"} 2\n"));
        assert!(text.contains("bulwark_scan_duration_seconds_bucket{le=\"+Inf\"} 2\n"));
        assert!(text.contains("bulwark_scan_duration_seconds_count 2\n"));
        assert!(text.contains("bulwark_queue_depth{state=\"queued\"} 2\n"));
        assert!(text.contains("bulwark_errors_total{kind=\"registry\"} 1\n"));
    }
}
