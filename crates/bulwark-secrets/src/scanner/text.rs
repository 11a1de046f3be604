//! Facts about the text being scanned: binary files (by name, by bytes), line windows around
//! keyword hits, test code and doc comments in source files, byte offset to line and column.

use std::ops::Range;

/// Bytes inspected by the binary-file heuristic.
const BINARY_PROBE: usize = 8 * 1024;
/// A line window never reaches further than this from the keyword (minified files).
const MAX_LINE_REACH: usize = 4 * 1024;

/// Lower-case extensions of files that are binary (or compressed) by format: skipped by name
/// before a byte is read, so a layer walk need not buffer them. Shared libraries are matched
/// separately (`libc.so.6`).
const BINARY_EXTENSIONS: &[&str] = &[
    "a", "o", "ko", "pyc", "pyo", "class", "jar", "war", "ear", "whl", "zip", "gz", "tgz", "bz2",
    "xz", "lz", "lz4", "lzma", "zst", "7z", "rar", "tar", "deb", "rpm", "udeb", "png", "jpg",
    "jpeg", "gif", "bmp", "ico", "webp", "tif", "tiff", "icns", "pdf", "mo", "gmo", "ttf", "otf",
    "ttc", "woff", "woff2", "eot", "mp3", "mp4", "ogg", "wav", "flac", "avi", "mov", "webm",
    "wasm", "node", "dll", "exe", "dylib", "bin", "db", "sqlite", "sqlite3", "gpg", "kbx",
    "cramfs", "squashfs", "iso", "img", "qcow2",
];

/// Directories holding only binary data files (compiled time zones and locales).
const BINARY_DIRS: &[&str] = &["usr/share/zoneinfo/", "usr/lib/locale/"];

/// True when the file name or directory says the file is binary (checked before reading it).
pub(super) fn binary_by_name(norm_path: &str) -> bool {
    if BINARY_DIRS.iter().any(|d| norm_path.starts_with(d)) {
        return true;
    }
    let name = norm_path.rsplit('/').next().unwrap_or(norm_path);
    // Shared objects, versioned or not: `libssl.so`, `libc.so.6`, `libz.so.1.2.13`.
    if name
        .strip_suffix(".so")
        .is_some_and(|stem| !stem.is_empty())
        || name.split_once(".so.").is_some_and(|(stem, v)| {
            !stem.is_empty() && !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        })
    {
        return true;
    }
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && BINARY_EXTENSIONS
                .iter()
                .any(|e| ext.eq_ignore_ascii_case(e))
    })
}

/// The line(s) around `start..end`, each side capped at [`MAX_LINE_REACH`].
pub(super) fn line_window(content: &[u8], start: usize, end: usize) -> Range<usize> {
    let lo = start.saturating_sub(MAX_LINE_REACH);
    let from = content
        .get(lo..start)
        .and_then(|s| memchr::memrchr(b'\n', s))
        .map_or(lo, |p| lo + p + 1);
    let hi = end.saturating_add(MAX_LINE_REACH).min(content.len());
    let to = content
        .get(end..hi)
        .and_then(|s| memchr::memchr(b'\n', s))
        .map_or(hi, |p| end + p);
    from..to
}

/// Heuristic: NUL in the first 8 KiB, or (when not UTF-8) more than 10% control/high bytes.
pub(super) fn looks_binary(content: &[u8]) -> bool {
    let probe = content.get(..BINARY_PROBE).unwrap_or(content);
    if memchr::memchr(0, probe).is_some() {
        return true;
    }
    match std::str::from_utf8(probe) {
        Ok(_) => false,
        // A multi-byte character cut by the probe boundary is still text.
        Err(e) if e.error_len().is_none() => false,
        Err(_) => {
            let odd = probe
                .iter()
                .filter(|&&b| {
                    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b >= 0x80
                })
                .count();
            odd * 10 > probe.len()
        }
    }
}

/// Offset of the first unit-test marker in a source file, if any.
pub(super) fn first_test_marker(content: &[u8]) -> Option<usize> {
    const MARKERS: &[&[u8]] = &[
        b"#[cfg(test)]",
        b"#[test]",
        b"#[tokio::test]",
        b"import pytest",
        b"import unittest",
        b"from unittest",
        b"@Test",
        b"func Test",
    ];
    MARKERS
        .iter()
        .filter_map(|m| memchr::memmem::find(content, m))
        .min()
}

/// True when the line holding `pos` is a Rust doc comment (`///` or `//!`).
pub(super) fn in_doc_comment(content: &[u8], pos: usize) -> bool {
    let line_start = content
        .get(..pos)
        .and_then(|s| memchr::memrchr(b'\n', s))
        .map_or(0, |p| p + 1);
    let line = content.get(line_start..pos).unwrap_or_default();
    let trimmed = line.trim_ascii_start();
    trimmed.starts_with(b"///") || trimmed.starts_with(b"//!")
}

/// File extensions of programming languages: there, an unquoted `token: Foo` is code, not config.
pub(super) fn is_source_code(path: &str) -> bool {
    const EXT: &[&str] = &[
        "rs", "go", "py", "pyi", "js", "mjs", "cjs", "ts", "tsx", "jsx", "java", "kt", "scala",
        "c", "h", "cc", "cpp", "hpp", "cxx", "cs", "rb", "php", "swift", "m", "mm", "pl", "pm",
        "lua", "dart", "ex", "exs", "erl", "hs", "ml", "clj", "groovy", "vue", "svelte", "zig",
        "nim", "r", "jl", "el", "lisp", "scm", "tcl",
    ];
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| EXT.iter().any(|e| ext.eq_ignore_ascii_case(e)))
}

/// Incremental byte offset → (line, column) conversion for ascending offsets.
#[derive(Default)]
pub(super) struct LineCursor {
    offset: usize,
    line: u32,
    line_start: usize,
}

impl LineCursor {
    pub(super) fn position(&mut self, content: &[u8], pos: usize) -> (u32, u32) {
        let pos = pos.min(content.len());
        if pos < self.offset {
            *self = Self::default();
        }
        if self.line == 0 {
            self.line = 1;
        }
        if let Some(seg) = content.get(self.offset..pos) {
            for nl in memchr::memchr_iter(b'\n', seg) {
                self.line += 1;
                self.line_start = self.offset + nl + 1;
            }
        }
        self.offset = pos;
        let col = content
            .get(self.line_start..pos)
            .map_or(0, |s| s.iter().filter(|&&b| (b & 0xC0) != 0x80).count());
        (self.line, col as u32 + 1)
    }

    pub(super) fn peek(&self, content: &[u8], pos: usize) -> (u32, u32) {
        let mut copy = Self {
            offset: self.offset,
            line: self.line,
            line_start: self.line_start,
        };
        copy.position(content, pos)
    }
}
