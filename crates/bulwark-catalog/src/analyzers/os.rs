//! OS identification: `/etc/os-release` (falling back to `/usr/lib/os-release`) and the distro
//! release files `/etc/alpine-release`, `/etc/debian_version`, `/etc/redhat-release`.

use crate::analyzer::{Analyzer, AnalyzerOutput, EntryMeta, FileEntry, PathPatterns};
use crate::model::OsInfo;

/// The files an OS is identified from; one of them must still be in the final image for the
/// OS a layer recorded to count (a later layer may delete or replace them).
pub const OS_RELEASE_FILES: &[&str] = PATHS;

const PATHS: &[&str] = &[
    "/etc/os-release",
    "/usr/lib/os-release",
    "/etc/alpine-release",
    "/etc/debian_version",
    "/etc/redhat-release",
];
const STATUS_D: &str = "/var/lib/dpkg/status.d/";

/// Identifies the OS of a layer.
#[derive(Debug, Default)]
pub struct OsReleaseAnalyzer;

impl Analyzer for OsReleaseAnalyzer {
    fn name(&self) -> &'static str {
        "os-release"
    }
    fn version(&self) -> u32 {
        1
    }
    fn patterns(&self) -> PathPatterns {
        PathPatterns {
            exact: PATHS,
            prefixes: &[STATUS_D],
            ..PathPatterns::default()
        }
    }
    fn required(&self, path: &str, _meta: &EntryMeta) -> bool {
        // status.d entries only tell distroless images apart; their content is not read here.
        PATHS.contains(&path) || path.starts_with(STATUS_D)
    }
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput {
        let get = |p: &str| {
            files
                .iter()
                .find(|f| f.path == p)
                .map(|f| String::from_utf8_lossy(&f.data).into_owned())
        };
        let mut os = get("/etc/os-release")
            .or_else(|| get("/usr/lib/os-release"))
            .map(|t| parse_os_release(&t));
        if let Some(v) = get("/etc/alpine-release") {
            let o = os.get_or_insert_with(|| OsInfo {
                id: "alpine".into(),
                ..OsInfo::default()
            });
            if o.version_id.is_none() {
                o.version_id = Some(v.trim().to_owned());
            }
        }
        if let Some(v) = get("/etc/debian_version") {
            let o = os.get_or_insert_with(|| OsInfo {
                id: "debian".into(),
                ..OsInfo::default()
            });
            // Debian testing/sid have no VERSION_ID; debian_version then says e.g. "trixie/sid".
            if o.id == "debian" && o.version_id.is_none() {
                let v = v.trim();
                let major = v.split('.').next().unwrap_or(v);
                if !major.is_empty() && major.bytes().all(|b| b.is_ascii_digit()) {
                    o.version_id = Some(major.to_owned());
                }
            }
        }
        if let Some(v) = get("/etc/redhat-release")
            && os.is_none()
        {
            os = parse_redhat_release(&v);
        }
        if let Some(o) = os.as_mut() {
            o.distroless = files.iter().any(|f| f.path.starts_with(STATUS_D));
        }
        AnalyzerOutput {
            os,
            ..AnalyzerOutput::default()
        }
    }
}

/// Parses os-release text (`KEY=value` lines, values optionally quoted).
pub fn parse_os_release(text: &str) -> OsInfo {
    let mut os = OsInfo::default();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = unquote(v.trim());
        if v.is_empty() {
            continue;
        }
        match k.trim() {
            "ID" => os.id = v.to_ascii_lowercase(),
            "ID_LIKE" => os.id_like = v.split_whitespace().map(str::to_ascii_lowercase).collect(),
            "VERSION_ID" => os.version_id = Some(v),
            "VERSION_CODENAME" => os.codename = Some(v),
            "PRETTY_NAME" => os.pretty_name = Some(v),
            _ => {}
        }
    }
    if os.id.is_empty() {
        os.id = "linux".into();
    }
    os
}

fn unquote(v: &str) -> String {
    let v = v
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| v.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
        .unwrap_or(v);
    v.replace("\\\"", "\"")
        .replace("\\$", "$")
        .replace("\\\\", "\\")
}

/// Parses `/etc/redhat-release` (`Red Hat Enterprise Linux release 8.6 (Ootpa)`, `CentOS Linux release 7.9.2009 (Core)`).
pub fn parse_redhat_release(text: &str) -> Option<OsInfo> {
    let line = text.lines().next()?.trim();
    let (name, rest) = line.split_once(" release ")?;
    let version = rest.split_whitespace().next()?.to_owned();
    let lname = name.to_ascii_lowercase();
    let id = if lname.contains("centos") {
        "centos"
    } else if lname.contains("rocky") {
        "rocky"
    } else if lname.contains("alma") {
        "almalinux"
    } else if lname.contains("fedora") {
        "fedora"
    } else if lname.contains("oracle") {
        "ol"
    } else {
        "rhel"
    };
    Some(OsInfo {
        id: id.into(),
        version_id: Some(version),
        pretty_name: Some(line.to_owned()),
        ..OsInfo::default()
    })
}
