//! Running the `bulwark` binary in CLI tests: exit code and captured output in one value.

use std::process::Command;

/// What one run of a command gave.
#[derive(Debug, Clone)]
pub struct Run {
    /// Exit code (-1 when killed by a signal).
    pub code: i32,
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

/// Runs `cmd` to completion and captures its exit code and output.
///
/// # Panics
/// When the command cannot be started (a test setup error).
#[allow(clippy::expect_used)]
pub fn run(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("run bulwark");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}
