//! The C library's allocator, set for a streaming scan.
//!
//! glibc's `malloc` serves a request of 128 KiB or more with its own `mmap`, but raises that
//! threshold to the size of every such block freed (up to 32 MiB) and its trim threshold to
//! twice it: after the first file buffers and secret-scanner copies are freed, buffers of
//! megabytes come from the per-thread arenas instead, and each arena keeps up to 64 MiB of freed
//! memory. On the 1.4 GB bench image that was half of the peak (anonymous RSS 130 MiB for a
//! 74 MiB heap peak; 76 MiB with the threshold fixed: see docs/performance.md).
//!
//! A fixed threshold can be set by `mallopt`, which needs `unsafe` (forbidden in this
//! workspace), or by the `GLIBC_TUNABLES` environment variable, which the dynamic loader reads
//! when a program starts: the scanning commands therefore start the program again, once, with
//! the tunable added (`exec`: the same process id, arguments and environment otherwise). When
//! the variable already sets the threshold (the user's own choice, or the second start), nothing
//! happens; when `exec` fails the scan runs with glibc's defaults.

/// The fixed mmap threshold: glibc's initial value, kept.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: &str = "glibc.malloc.mmap_threshold=131072";

/// Starts the program again with a fixed glibc mmap threshold unless it already has one.
/// Returns only when nothing was done or the `exec` failed.
pub(crate) fn fix_mmap_threshold() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt as _;

        let current = std::env::var_os("GLIBC_TUNABLES").unwrap_or_default();
        let current = current.to_string_lossy();
        if current.contains("glibc.malloc.mmap_threshold") {
            return;
        }
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let tunables = if current.is_empty() {
            MMAP_THRESHOLD.to_string()
        } else {
            format!("{current}:{MMAP_THRESHOLD}")
        };
        let mut args = std::env::args_os();
        let arg0 = args.next().unwrap_or_else(|| exe.clone().into_os_string());
        // `exec` returns only on failure: then carry on as we are.
        let _ = std::process::Command::new(&exe)
            .arg0(arg0)
            .args(args)
            .env("GLIBC_TUNABLES", tunables)
            .exec();
    }
}
