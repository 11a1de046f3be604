//! `bulwark clean`: delete cached per-layer results, and temp files a killed `db import` or
//! `db update` left next to the vulnerability database.

use std::path::PathBuf;

use anyhow::Context;
use bulwark_scan::{LayerCache, default_cache_dir};

use super::UsageError;
use crate::output::Ui;

/// Flags for `bulwark clean`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Cache directory (default: the user cache dir).
    #[arg(long, value_name = "DIR", env = "BULWARK_CACHE_DIR")]
    pub cache_dir: Option<PathBuf>,
    /// The vulnerability database whose stale temp files to remove (default:
    /// `<cache dir>/db/osv.db`).
    #[arg(long, value_name = "FILE", env = "BULWARK_DB_PATH")]
    pub db_path: Option<PathBuf>,
}

/// Deletes the layer cache and says how many entries went.
pub fn run(args: &Args, ui: Ui) -> anyhow::Result<i32> {
    let Some(dir) = args.cache_dir.clone().or_else(default_cache_dir) else {
        return Err(UsageError("no cache directory: set --cache-dir or HOME".into()).into());
    };
    let cache = LayerCache::new(&dir);
    let n = cache
        .clear()
        .with_context(|| format!("cannot clean {}", cache.dir().display()))?;
    let db = args
        .db_path
        .clone()
        .unwrap_or_else(|| dir.join("db").join("osv.db"));
    let stale = bulwark_vulndb::remove_stale_temp_files(&db);
    if !ui.quiet {
        eprintln!(
            "bulwark: removed {n} cached layer result(s) from {}",
            cache.dir().display()
        );
        for f in &stale {
            eprintln!(
                "bulwark: removed {} (left by an interrupted database import)",
                f.display()
            );
        }
    }
    Ok(0)
}
