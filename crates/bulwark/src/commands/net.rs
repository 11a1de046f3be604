//! Network deadline flags shared by every command that talks to a registry or a database
//! mirror (`image`, `fs`/`rootfs`/`sbom` database updates, `db update`, `sign`, `verify`).

use std::time::Duration;

use bulwark_net::{Notifier, Timeouts};

use crate::output::Ui;

/// `--timeout`, `--connect-timeout`, `--read-timeout`.
#[derive(Debug, Clone, clap::Args)]
pub struct NetArgs {
    /// Give up on the network conversation after this long in all: every request, retry and
    /// download of the command (`300s`, `5m`; a bare number is seconds).
    #[arg(long, value_name = "DURATION", env = "BULWARK_TIMEOUT", global = true,
          default_value = "300s", value_parser = parse_seconds)]
    pub timeout: Duration,
    /// Give up on a connection (TCP and TLS) after this long.
    #[arg(long, value_name = "DURATION", env = "BULWARK_CONNECT_TIMEOUT", global = true,
          default_value = "10s", value_parser = parse_seconds)]
    pub connect_timeout: Duration,
    /// Give up when a server sends nothing for this long (waiting for an answer or for more
    /// of a download).
    #[arg(long, value_name = "DURATION", env = "BULWARK_READ_TIMEOUT", global = true,
          default_value = "30s", value_parser = parse_seconds)]
    pub read_timeout: Duration,
}

impl NetArgs {
    /// The deadlines these flags give.
    pub fn timeouts(&self) -> Timeouts {
        Timeouts {
            connect: self.connect_timeout,
            read: self.read_timeout,
            total: self.timeout,
        }
    }
}

/// "Still waiting for HOST" notices go to stderr as notes (hidden by `--quiet`).
pub fn notifier(ui: Ui) -> Notifier {
    if ui.quiet {
        Notifier::none()
    } else {
        Notifier::new(move |m| ui.note(m))
    }
}

/// A positive duration: `30s`, `5m`, `1h`, `1500ms`, or a bare number of seconds.
pub fn parse_seconds(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let d = if let Some(ms) = t.strip_suffix("ms") {
        ms.parse::<u64>()
            .map(Duration::from_millis)
            .map_err(|_| format!("`{s}` is not a duration like 30s, 5m, 1500ms"))?
    } else if t.bytes().all(|b| b.is_ascii_digit()) && !t.is_empty() {
        t.parse::<u64>()
            .map(Duration::from_secs)
            .map_err(|_| format!("`{s}` is too large"))?
    } else {
        super::vuln::parse_duration(t)?
    };
    if d.is_zero() {
        return Err(format!("`{s}`: a timeout must be longer than zero"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds() {
        assert_eq!(parse_seconds("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_seconds("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_seconds("5m"), Ok(Duration::from_mins(5)));
        assert_eq!(parse_seconds("1500ms"), Ok(Duration::from_millis(1500)));
        assert!(parse_seconds("0").is_err());
        assert!(parse_seconds("soon").is_err());
    }
}
