//! Path helpers shared by the model and the analyzers: tar and filesystem paths as absolute
//! `/`-separated strings.

/// Normalises a tar or filesystem path to an absolute `/`-separated path without `./`.
pub fn normalize_path(path: &str) -> String {
    let p = path.trim_start_matches("./");
    let p = p.trim_start_matches('/');
    let mut out = String::with_capacity(p.len() + 1);
    out.push('/');
    out.push_str(p.trim_end_matches('/'));
    out
}

/// Last path component.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Parent directory (`/a/b/c` → `/a/b`).
pub fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(p, _)| p)
}
