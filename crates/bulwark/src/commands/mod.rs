//! One module per subcommand.

pub mod clean;
pub mod compose;
pub mod db;
pub mod docker;
pub mod dockerfile;
pub mod image;
pub mod k8s;
pub mod key;
pub mod net;
pub mod rules;
pub mod server;
pub mod sign;
pub mod trust;
pub mod verify;
pub mod vuln;

use std::fmt;

/// A usage error found after argument parsing (bad config value, conflicting options):
/// exits with status 2 like clap's own usage errors.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Reads one named input: a file path, or `-` for standard input.
pub fn read_input(path: &str) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin().lock().read_to_end(&mut buf)?;
        Ok(buf)
    } else {
        let meta = std::fs::metadata(path)?;
        if meta.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "is a directory, not a file",
            ));
        }
        std::fs::read(path)
    }
}

/// Prints one clear line about an input that could not be read.
pub fn report_input_error(path: &str, err: &std::io::Error) {
    let what = match err.kind() {
        std::io::ErrorKind::NotFound => "no such file (check the path)".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => err.to_string(),
    };
    eprintln!("bulwark: error: {path}: {what}");
}
