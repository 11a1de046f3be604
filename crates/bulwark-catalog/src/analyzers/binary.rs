//! Executables carrying package data: Go build info (`\xff Go buildinf:` blob with the Go
//! version and the module graph) and Rust cargo-auditable data (`.dep-v0` section, zlib JSON).
//! ELF, Mach-O and PE are supported; sections are located with the `object` crate and the
//! Go blob is also found by scanning for its magic when sections are stripped or renamed.

use std::collections::BTreeMap;
use std::io::Read;

use object::{Object, ObjectSection};

use crate::analyzer::{Analyzer, AnalyzerOutput, EntryMeta, FileEntry, PathPatterns};
use crate::error::AnalyzeError;
use crate::model::{Package, PackageType};

const GO_MAGIC: &[u8] = b"\xff Go buildinf:";
/// Directories whose regular files are treated as executables when the caller has no mode bits.
const BIN_DIRS: &[&str] = &[
    "/bin/",
    "/sbin/",
    "/usr/bin/",
    "/usr/sbin/",
    "/usr/local/bin/",
    "/usr/local/sbin/",
    "/usr/libexec/",
];
/// Binaries above this size are skipped (keeps per-layer memory bounded).
pub const MAX_BINARY_SIZE: u64 = 512 * 1024 * 1024;

/// Go and Rust binaries.
#[derive(Debug, Default)]
pub struct BinaryAnalyzer;

impl Analyzer for BinaryAnalyzer {
    fn per_file(&self) -> bool {
        true
    }
    fn name(&self) -> &'static str {
        "binary"
    }
    fn version(&self) -> u32 {
        2 // 2: GOPATH main modules, `(devel)` versions resolved, stdlib purl without `go`
    }
    fn patterns(&self) -> PathPatterns {
        PathPatterns {
            prefixes: BIN_DIRS,
            suffixes: &[".exe"],
            executables: true,
            ..PathPatterns::default()
        }
    }
    fn required(&self, path: &str, meta: &EntryMeta) -> bool {
        meta.size <= MAX_BINARY_SIZE
            && (meta.size == 0 || meta.size >= 1024)
            && (meta.is_executable()
                || path.to_ascii_lowercase().ends_with(".exe")
                || BIN_DIRS.iter().any(|d| path.starts_with(d)))
    }
    fn analyze(&self, files: &[&FileEntry]) -> AnalyzerOutput {
        let mut out = AnalyzerOutput::default();
        for f in files {
            if !is_executable_format(&f.data) {
                continue;
            }
            match go_packages(&f.data, &f.path) {
                Ok(p) => out.packages.extend(p),
                Err(e) => out.errors.push(e),
            }
            match rust_packages(&f.data, &f.path) {
                Ok(p) => out.packages.extend(p),
                Err(e) => out.errors.push(e),
            }
        }
        out
    }
}

/// True for ELF, Mach-O (thin or fat) and PE headers.
pub fn is_executable_format(data: &[u8]) -> bool {
    let m = data.get(..4).unwrap_or_default();
    m == b"\x7fELF"
        || m.starts_with(b"MZ")
        || matches!(
            m,
            [0xfe, 0xed, 0xfa, 0xce | 0xcf]
                | [0xce | 0xcf, 0xfa, 0xed, 0xfe]
                | [0xca, 0xfe, 0xba, 0xbe]
        )
}

/// One `dep` line of Go module info: (path, version, `=>` replacement (path, version)).
pub type GoDep = (String, String, Option<(String, String)>);

/// Go build info decoded from a binary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoBuildInfo {
    /// Toolchain version (`go1.22.5`).
    pub go_version: String,
    /// The `path` line (main package path).
    pub path: Option<String>,
    /// Main module (path, version).
    pub main: Option<(String, String)>,
    /// Dependencies: (path, version, replacement (path, version)).
    pub deps: Vec<GoDep>,
    /// `build` settings (`-ldflags`, `GOOS`, `vcs.revision`, ...).
    pub settings: BTreeMap<String, String>,
}

/// Finds and decodes Go build info; `Ok(None)` when the binary is not a Go binary.
pub fn go_buildinfo(data: &[u8]) -> Result<Option<GoBuildInfo>, String> {
    let section = object::File::parse(data).ok().and_then(|obj| {
        obj.sections()
            .find(|s| matches!(s.name(), Ok(".go.buildinfo" | "__go_buildinfo")))
            .and_then(|s| s.data().ok())
    });
    let blob = if let Some(s) = section.filter(|s| s.starts_with(GO_MAGIC)) {
        s
    } else {
        // stripped section headers: the blob is 16-byte aligned somewhere in the data segment
        let Some(off) = memchr::memmem::find_iter(data, GO_MAGIC).find(|o| o % 16 == 0) else {
            return Ok(None);
        };
        data.get(off..).unwrap_or_default()
    };
    let ptr_size = usize::from(*blob.get(14).ok_or("buildinfo header truncated")?);
    let flags = *blob.get(15).ok_or("buildinfo header truncated")?;
    let (version, modinfo) = if flags & 2 != 0 {
        // Go 1.18+: varint-prefixed strings right after the 32-byte header
        let rest = blob.get(32..).ok_or("buildinfo header truncated")?;
        let (v, rest) = read_varint_string(rest).ok_or("bad version string")?;
        let (m, _) = read_varint_string(rest).ok_or("bad modinfo string")?;
        (v, m)
    } else {
        // Go < 1.18: pointers to string headers, resolved through the object's sections
        let obj = object::File::parse(data)
            .map_err(|e| format!("pre-1.18 buildinfo needs a parsable object: {e}"))?;
        let big = flags & 1 != 0;
        let read_ptr = |b: &[u8]| -> Option<u64> {
            let b = b.get(..ptr_size)?;
            Some(match (ptr_size, big) {
                (4, false) => u64::from(u32::from_le_bytes(b.try_into().ok()?)),
                (4, true) => u64::from(u32::from_be_bytes(b.try_into().ok()?)),
                (8, false) => u64::from_le_bytes(b.try_into().ok()?),
                (8, true) => u64::from_be_bytes(b.try_into().ok()?),
                _ => return None,
            })
        };
        let at_vaddr = |addr: u64, len: u64| -> Option<&[u8]> {
            obj.sections().find_map(|s| {
                let start = s.address();
                if addr < start || addr.checked_add(len)? > start + s.size() {
                    return None;
                }
                let d = s.data().ok()?;
                d.get(
                    usize::try_from(addr - start).ok()?
                        ..usize::try_from(addr - start + len).ok()?,
                )
            })
        };
        let read_go_string = |hdr_addr: u64| -> Option<Vec<u8>> {
            let hdr = at_vaddr(hdr_addr, 2 * ptr_size as u64)?;
            let ptr = read_ptr(hdr)?;
            let len = read_ptr(hdr.get(ptr_size..)?)?;
            if len > 1 << 24 {
                return None;
            }
            at_vaddr(ptr, len).map(<[u8]>::to_vec)
        };
        let vptr = read_ptr(blob.get(16..).unwrap_or_default()).ok_or("bad version pointer")?;
        let mptr =
            read_ptr(blob.get(16 + ptr_size..).unwrap_or_default()).ok_or("bad modinfo pointer")?;
        let v = read_go_string(vptr).ok_or("version string not mapped")?;
        let m = read_go_string(mptr).unwrap_or_default();
        (v, m)
    };
    let mut info = GoBuildInfo {
        go_version: String::from_utf8_lossy(&version).into_owned(),
        ..GoBuildInfo::default()
    };
    // modinfo is framed by 16-byte sentinels
    let modinfo = if modinfo.len() >= 33 {
        modinfo
            .get(16..modinfo.len() - 16)
            .unwrap_or_default()
            .to_vec()
    } else {
        Vec::new()
    };
    parse_modinfo(&String::from_utf8_lossy(&modinfo), &mut info);
    Ok(Some(info))
}

fn read_varint_string(b: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let mut len: u64 = 0;
    let mut shift = 0;
    let mut i = 0;
    loop {
        let byte = *b.get(i)?;
        i += 1;
        len |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 56 {
            return None;
        }
    }
    let len = usize::try_from(len).ok()?;
    let s = b.get(i..i.checked_add(len)?)?;
    Some((s.to_vec(), b.get(i + len..)?))
}

/// Parses the textual module info (`path`, `mod`, `dep`, `=>`, `build` lines, tab-separated).
pub fn parse_modinfo(text: &str, info: &mut GoBuildInfo) {
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        match f.as_slice() {
            ["path", p, ..] => info.path = Some((*p).to_owned()),
            ["mod", p, v, ..] => info.main = Some(((*p).to_owned(), (*v).to_owned())),
            ["mod", p] => info.main = Some(((*p).to_owned(), String::new())),
            ["dep", p, v, ..] => info.deps.push(((*p).to_owned(), (*v).to_owned(), None)),
            ["=>", p, v, ..] => {
                if let Some(last) = info.deps.last_mut() {
                    last.2 = Some(((*p).to_owned(), (*v).to_owned()));
                } else if let Some(m) = info.main.as_mut() {
                    *m = ((*p).to_owned(), (*v).to_owned());
                }
            }
            ["=>", p] => {
                if let Some(last) = info.deps.last_mut() {
                    last.2 = Some(((*p).to_owned(), String::new())); // local directory replacement
                }
            }
            ["build", kv] => {
                if let Some((k, v)) = kv.split_once('=') {
                    info.settings
                        .insert(k.to_owned(), v.trim_matches('"').to_owned());
                }
            }
            _ => {}
        }
    }
}

/// Go modules of a binary: main module, dependencies (replacements applied, original recorded
/// in metadata) and the standard library as `stdlib`.
pub fn go_packages(data: &[u8], path: &str) -> Result<Vec<Package>, AnalyzeError> {
    let Some(info) = go_buildinfo(data)
        .map_err(|e| AnalyzeError::malformed("binary", path, format!("Go build info: {e}")))?
    else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut add = |name: &str, version: &str, extra: &[(&str, &str)]| {
        let mut p = Package::new(PackageType::GoModule, name, version, path);
        p.metadata
            .insert("go.toolchain".into(), info.go_version.clone());
        for (k, v) in extra {
            p.metadata.insert((*k).to_owned(), (*v).to_owned());
        }
        if let Some(a) = info.settings.get("GOARCH") {
            p.arch = Some(a.clone());
        }
        p.refresh_purl(None); // `go.package` adds a subpath
        out.push(p);
    };
    if let Some(main) = main_module(&info, data) {
        let mut extra: Vec<(&str, &str)> = vec![("go.main", "true")];
        if let Some(from) = main.version_from {
            extra.push(("go.main.version-from", from));
        }
        if let Some(pkg) = &main.package {
            extra.push(("go.package", pkg));
        }
        add(&main.path, &main.version, &extra);
    }
    for (dp, dv, rep) in &info.deps {
        match rep {
            Some((rp, rv)) if !rv.is_empty() => {
                add(rp, rv, &[("go.replaces", &format!("{dp}@{dv}"))]);
            }
            _ => add(dp, dv, &[]),
        }
    }
    if let Some(v) = info
        .go_version
        .split_whitespace()
        .next()
        .filter(|v| v.starts_with("go"))
    {
        add("stdlib", v, &[]);
    }
    Ok(out)
}

/// The version `go build` records for a main module built outside a tagged module download.
pub const GO_DEVEL: &str = "(devel)";

/// The main module of a Go binary, as Syft's golang cataloger reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoMain {
    /// Module path (for a GOPATH build: the repository root of the `path` line when the
    /// hosting site fixes it, else the whole package path).
    pub path: String,
    /// Version; [`GO_DEVEL`] when nothing better is known.
    pub version: String,
    /// Where a version replacing `(devel)` came from: `ldflags`, `binary-strings` or `vcs`.
    pub version_from: Option<&'static str>,
    /// The main package path when it differs from the module path (GOPATH builds).
    pub package: Option<String>,
}

/// The main module: the `mod` line, or for a GOPATH build (no `mod` line) the `path` line.
/// A `(devel)` version is replaced, in Syft's order, by a version set with
/// `-ldflags -X …version=` (or `…Tag=`), then by the first NUL-terminated semantic version in
/// the binary's data (Debian sets it in the source, not with `-X`), then by a pseudo-version
/// from `vcs.revision` and `vcs.time`.
pub fn main_module(info: &GoBuildInfo, data: &[u8]) -> Option<GoMain> {
    let mut main = match (&info.main, &info.path) {
        (Some((path, version)), _) => GoMain {
            path: path.clone(),
            version: version.clone(),
            version_from: None,
            package: None,
        },
        (None, Some(pkg)) if !pkg.is_empty() && pkg != "command-line-arguments" => {
            let path = gopath_module_root(pkg);
            GoMain {
                package: (path != *pkg).then(|| pkg.clone()),
                path,
                version: GO_DEVEL.to_owned(),
                version_from: None,
            }
        }
        _ => return None,
    };
    if main.version == GO_DEVEL || main.version.is_empty() {
        let found = info
            .settings
            .get("-ldflags")
            .and_then(|l| version_from_ldflags(l))
            .map(|v| (v, "ldflags"))
            .or_else(|| version_from_contents(data).map(|v| (v, "binary-strings")))
            .or_else(|| vcs_pseudo_version(&info.settings).map(|v| (v, "vcs")));
        if let Some((v, from)) = found {
            main.version = v;
            main.version_from = Some(from);
        } else if main.version.is_empty() {
            GO_DEVEL.clone_into(&mut main.version);
        }
    }
    Some(main)
}

/// The module root of a GOPATH package path where the hosting site fixes it
/// (`github.com/docker/distribution/cmd/registry` → `github.com/docker/distribution`), else the
/// path itself.
fn gopath_module_root(pkg: &str) -> String {
    let parts: Vec<&str> = pkg.split('/').collect();
    let n = match parts.first().copied() {
        Some("github.com" | "gitlab.com" | "bitbucket.org" | "gitee.com") => 3,
        Some("golang.org") if parts.get(1) == Some(&"x") => 3,
        _ => parts.len(),
    };
    let mut n = n.min(parts.len());
    // a major-version suffix belongs to the module path
    if parts.get(n).is_some_and(|p| {
        p.strip_prefix('v')
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
    }) {
        n += 1;
    }
    parts.get(..n).unwrap_or(&parts).join("/")
}

/// Length of the semantic-version core `v?\d+.\d+.\d+` at the start of `b`.
fn semver_core_len(b: &[u8]) -> Option<usize> {
    let mut i = usize::from(b.first() == Some(&b'v'));
    for part in 0..3 {
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
        if part < 2 {
            if b.get(i) != Some(&b'.') {
                return None;
            }
            i += 1;
        }
    }
    Some(i)
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// `v`-prefixed `version`.
fn with_v(version: &str) -> String {
    if version.starts_with('v') {
        version.to_owned()
    } else {
        format!("v{version}")
    }
}

/// A version set with `-X importpath.name=value` where `name` is `version`, `Version`, `ver`,
/// `gitVersion`, `buildVersion`, … (else `tag`/`Tag`); the value may carry a path prefix
/// (`-X main.version=refs/tags/v1.2.3`). The semantic version at its start is kept, with its
/// pre-release and build parts.
pub fn version_from_ldflags(ldflags: &str) -> Option<String> {
    let tokens: Vec<&str> = ldflags
        .split_whitespace()
        .map(|t| t.trim_matches(['\'', '"']))
        .collect();
    let mut assignments = Vec::new();
    let mut it = tokens.iter().peekable();
    while let Some(t) = it.next() {
        let arg = if *t == "-X" || *t == "--X" {
            it.next().copied()
        } else {
            t.strip_prefix("-X=").or_else(|| t.strip_prefix("--X="))
        };
        if let Some((symbol, value)) = arg.and_then(|a| a.split_once('=')) {
            assignments.push((symbol, value));
        }
    }
    let is_version_var = |name: &str| {
        let n = name
            .strip_prefix("git")
            .or_else(|| name.strip_prefix("Git"))
            .unwrap_or(name);
        let n = n
            .strip_prefix("build")
            .or_else(|| n.strip_prefix("Build"))
            .unwrap_or(n);
        matches!(n, "ver" | "Ver" | "version" | "Version")
    };
    let pick = |pred: &dyn Fn(&str) -> bool| {
        assignments.iter().find_map(|(symbol, value)| {
            let name = symbol.rsplit('.').next().unwrap_or(symbol);
            if !symbol.contains('.') || !pred(name) {
                return None;
            }
            let v = value.rsplit('/').next().unwrap_or(value).as_bytes();
            // pre-release and build parts whole (`-rc.1+ds1`; Syft's pattern stops at the dot)
            let mut end = semver_core_len(v)?;
            while v
                .get(end)
                .is_some_and(|b| is_word(*b) || matches!(*b, b'-' | b'.' | b'+'))
            {
                end += 1;
            }
            std::str::from_utf8(v.get(..end)?).ok().map(with_v)
        })
    };
    pick(&is_version_var).or_else(|| pick(&|n: &str| matches!(n, "tag" | "Tag")))
}

/// The first NUL-delimited semantic version in the binary (`\0` [any byte `L`] `v?X.Y.Z`
/// [`-\w`]* [`+\w`]* `\0`), as Syft's `from-contents` setting reads it.
pub fn version_from_contents(data: &[u8]) -> Option<String> {
    for nul in memchr::memchr_iter(0, data) {
        let starts = [nul + 1, nul + 3];
        for (k, start) in starts.into_iter().enumerate() {
            if k == 1 && data.get(nul + 2) != Some(&b'L') {
                continue;
            }
            let Some(rest) = data.get(start..) else {
                continue;
            };
            let Some(mut end) = semver_core_len(rest) else {
                continue;
            };
            while rest.get(end).is_some_and(|b| is_word(*b) || *b == b'-') {
                end += 1;
            }
            while rest.get(end).is_some_and(|b| is_word(*b) || *b == b'+') {
                end += 1;
            }
            if rest.get(end) == Some(&0)
                && let Some(v) = rest.get(..end).and_then(|v| std::str::from_utf8(v).ok())
            {
                return Some(with_v(v));
            }
        }
    }
    None
}

/// Go's pseudo-version `v0.0.0-YYYYMMDDHHMMSS-<12 hex>` from `vcs.revision` and `vcs.time`.
fn vcs_pseudo_version(settings: &BTreeMap<String, String>) -> Option<String> {
    let rev = settings.get("vcs.revision")?;
    let time = settings.get("vcs.time")?;
    let digits: String = time
        .get(..19)
        .filter(|_| time.ends_with('Z'))
        .map(|t| t.chars().filter(char::is_ascii_digit).collect())
        .filter(|d: &String| d.len() == 14)
        .unwrap_or_else(|| "00010101000000".to_owned());
    let rev = rev.get(..12).unwrap_or(rev);
    Some(format!("v0.0.0-{digits}-{rev}"))
}

/// Rust crates recorded by cargo-auditable in the `.dep-v0` section.
pub fn rust_packages(data: &[u8], path: &str) -> Result<Vec<Package>, AnalyzeError> {
    let Ok(obj) = object::File::parse(data) else {
        return Ok(Vec::new());
    };
    let Some(sec) = obj
        .sections()
        .find(|s| matches!(s.name(), Ok(".dep-v0" | "__dep-v0" | "dep-v0")))
    else {
        return Ok(Vec::new());
    };
    let compressed = sec
        .data()
        .map_err(|e| AnalyzeError::malformed("binary", path, format!(".dep-v0 section: {e}")))?;
    parse_auditable(compressed, path)
}

/// Decodes cargo-auditable's zlib-compressed JSON (`{"packages":[{name,version,source,kind,root}]}`).
/// Build-only dependencies (`kind: "build"`) are not compiled into the binary and are skipped.
pub fn parse_auditable(compressed: &[u8], path: &str) -> Result<Vec<Package>, AnalyzeError> {
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(compressed)
        .take(8 * 1024 * 1024)
        .read_to_end(&mut json)
        .map_err(|e| AnalyzeError::malformed("binary", path, format!(".dep-v0 zlib: {e}")))?;
    let v: serde_json::Value =
        serde_json::from_slice(&json).map_err(|source| AnalyzeError::Json {
            analyzer: "binary",
            path: path.to_owned(),
            source,
        })?;
    let mut out = Vec::new();
    for p in v
        .get("packages")
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
    {
        let (Some(n), Some(ver)) = (
            p.get("name").and_then(|x| x.as_str()),
            p.get("version").and_then(|x| x.as_str()),
        ) else {
            continue;
        };
        if p.get("kind").and_then(|k| k.as_str()) == Some("build") {
            continue;
        }
        let mut pkg = Package::new(PackageType::RustCrate, n, ver, path);
        if let Some(src) = p.get("source").and_then(|x| x.as_str()) {
            pkg.metadata.insert("cargo.source".into(), src.to_owned());
        }
        if p.get("root").and_then(serde_json::Value::as_bool) == Some(true) {
            pkg.metadata.insert("cargo.root".into(), "true".into());
        }
        out.push(pkg);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes a Go 1.18+ build info blob the way the linker lays it out.
    fn blob(version: &str, modinfo: &str) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(GO_MAGIC);
        b.push(8);
        b.push(2);
        b.resize(32, 0);
        let mut push = |s: &[u8]| {
            let mut n = s.len();
            loop {
                let byte = (n & 0x7f) as u8;
                n >>= 7;
                if n == 0 {
                    b.push(byte);
                    break;
                }
                b.push(byte | 0x80);
            }
            b.extend_from_slice(s);
        };
        push(version.as_bytes());
        let framed = [&[b'0'; 16][..], modinfo.as_bytes(), &[b'1'; 16][..]].concat();
        push(&framed);
        // pad to look like part of a data segment
        let mut out = vec![0u8; 64];
        out.extend_from_slice(&b);
        out
    }

    #[test]
    fn modules_with_replacements() {
        let modinfo = "path\texample.com/app/cmd/app\nmod\texample.com/app\tv1.2.3\th1:abc=\ndep\tgithub.com/a/b\tv0.1.0\th1:x=\ndep\tgolang.org/x/net\tv0.20.0\n=>\tgithub.com/fork/net\tv0.21.0\th1:y=\ndep\texample.com/local\tv0.0.0\n=>\t../local\nbuild\tGOARCH=arm64\n";
        let data = blob("go1.22.5", modinfo);
        let info = go_buildinfo(&data).expect("ok").expect("go");
        assert_eq!(info.go_version, "go1.22.5");
        assert_eq!(info.main, Some(("example.com/app".into(), "v1.2.3".into())));
        let pkgs = go_packages(&data, "/app").expect("ok");
        let purls: Vec<&str> = pkgs.iter().map(|p| p.purl.as_str()).collect();
        assert_eq!(
            purls,
            [
                "pkg:golang/example.com/app@v1.2.3",
                "pkg:golang/github.com/a/b@v0.1.0",
                "pkg:golang/github.com/fork/net@v0.21.0",
                "pkg:golang/example.com/local@v0.0.0",
                "pkg:golang/stdlib@1.22.5",
            ]
        );
        let stdlib = pkgs.iter().find(|p| p.name == "stdlib").expect("stdlib");
        assert_eq!(stdlib.version, "go1.22.5");
        assert_eq!(
            pkgs[2].metadata.get("go.replaces").map(String::as_str),
            Some("golang.org/x/net@v0.20.0")
        );
        assert!(pkgs.iter().all(|p| p.arch.as_deref() == Some("arm64")));
    }

    /// A GOPATH build (Debian's `docker-registry`): no `mod` line, the version only in the
    /// binary's strings.
    #[test]
    fn gopath_main_module_from_the_path_line_and_the_binary_strings() {
        let modinfo = "path\tgithub.com/docker/distribution/cmd/registry\nbuild\t-compiler=gc\nbuild\tGOARCH=amd64\n";
        let mut data = blob("go1.19.8", modinfo);
        data.extend_from_slice(b"\x00go1.19.8\x00\x00\x00\x002.8.2+ds1\x00\x00");
        let pkgs = go_packages(&data, "/usr/bin/docker-registry").expect("ok");
        let main = pkgs.iter().find(|p| p.metadata.contains_key("go.main"));
        let main = main.expect("main module");
        assert_eq!(main.name, "github.com/docker/distribution");
        assert_eq!(main.version, "v2.8.2+ds1");
        assert_eq!(
            main.purl,
            "pkg:golang/github.com/docker/distribution@v2.8.2%2Bds1#cmd/registry"
        );
        assert_eq!(
            main.metadata
                .get("go.main.version-from")
                .map(String::as_str),
            Some("binary-strings")
        );
        // without a version anywhere: (devel), as Go and Syft report it
        let bare = blob("go1.19.8", modinfo);
        let info = go_buildinfo(&bare).expect("ok").expect("go");
        assert_eq!(
            main_module(&info, b"no versions here").map(|m| m.version),
            Some(GO_DEVEL.to_owned())
        );
    }

    #[test]
    fn devel_main_module_version_from_ldflags_then_vcs() {
        let info = |settings: &str| {
            let mut i = GoBuildInfo::default();
            parse_modinfo(
                &format!("path\texample.com/app\nmod\texample.com/app\t(devel)\t\n{settings}"),
                &mut i,
            );
            i
        };
        let v =
            |settings: &str| main_module(&info(settings), b"").map(|m| (m.version, m.version_from));
        assert_eq!(
            v("build\t-ldflags=\"-s -w -X main.version=1.4.2 -X main.commit=abc\"\n"),
            Some(("v1.4.2".into(), Some("ldflags")))
        );
        assert_eq!(
            v(
                "build\t-ldflags=\"-X 'github.com/a/b/internal/version.GitVersion=v0.9.1-rc.1' -X main.tag=v9.9.9\"\n"
            ),
            Some(("v0.9.1-rc.1".into(), Some("ldflags")))
        );
        assert_eq!(
            v("build\t-ldflags=\"-X=main.Tag=refs/tags/v2.0.0\"\n"),
            Some(("v2.0.0".into(), Some("ldflags")))
        );
        assert_eq!(
            v("build\tvcs.revision=0123456789abcdef0123\nbuild\tvcs.time=2024-05-06T07:08:09Z\n"),
            Some(("v0.0.0-20240506070809-0123456789ab".into(), Some("vcs")))
        );
        assert_eq!(
            v("build\t-ldflags=\"-X main.commit=abc\"\n"),
            Some((GO_DEVEL.into(), None))
        );
        assert_eq!(version_from_ldflags("-X main.version="), None);
        assert_eq!(
            version_from_contents(b"\x00\xa0Lv1.2.3\x00"),
            Some("v1.2.3".into())
        );
        assert_eq!(version_from_contents(b"\x001.2\x00x1.2.3\x00"), None);
    }

    #[test]
    fn auditable_json() {
        use std::io::Write;
        let json = br#"{"packages":[{"name":"myapp","version":"0.1.0","source":"local","root":true,"dependencies":[1]},{"name":"serde","version":"1.0.197","source":"crates.io"},{"name":"cc","version":"1.0.90","source":"crates.io","kind":"build"}]}"#;
        let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(json).expect("write");
        let z = enc.finish().expect("finish");
        let pkgs = parse_auditable(&z, "/bin/app").expect("ok");
        let purls: Vec<&str> = pkgs.iter().map(|p| p.purl.as_str()).collect();
        assert_eq!(purls, ["pkg:cargo/myapp@0.1.0", "pkg:cargo/serde@1.0.197"]);
        assert!(parse_auditable(b"not zlib", "/x").is_err());
    }
}
