//! Image references, parsed like Docker's `distribution/reference` `ParseNormalizedNamed`:
//! `[registry[:port]/]path[:tag][@digest]` with `docker.io` and `library/` defaults.

use std::fmt;
use std::str::FromStr;

use crate::digest::Digest;
use crate::error::ReferenceError;

/// The default registry for names without a domain.
pub const DEFAULT_REGISTRY: &str = "docker.io";
/// The host that actually serves the Docker Hub registry API.
pub const DOCKER_HUB_API_HOST: &str = "registry-1.docker.io";
/// The tag implied when neither a tag nor a digest is given.
pub const DEFAULT_TAG: &str = "latest";

const MAX_NAME_LEN: usize = 255;

/// A parsed, normalised image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reference {
    registry: String,
    repository: String,
    tag: Option<String>,
    digest: Option<Digest>,
}

impl Reference {
    /// Parses a reference the way `docker pull` does (`alpine` → `docker.io/library/alpine:latest`
    /// once [`Reference::tag_or_default`] is applied; the explicit tag is kept as `None`).
    pub fn parse(input: &str) -> Result<Self, ReferenceError> {
        let err = |reason: &str| ReferenceError {
            input: input.to_string(),
            reason: reason.to_string(),
        };
        if input.is_empty() {
            return Err(err("empty reference"));
        }
        let (rest, digest) = match input.split_once('@') {
            Some((n, d)) => (
                n,
                Some(Digest::parse(d).map_err(|e| err(&format!("bad digest: {}", e.reason)))?),
            ),
            None => (input, None),
        };
        // A tag is the part after the last ':' that comes after the last '/'.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest.get(last_slash..).and_then(|t| t.rfind(':')) {
            Some(i) => {
                let at = last_slash + i;
                (
                    rest.get(..at).unwrap_or_default(),
                    Some(rest.get(at + 1..).unwrap_or_default().to_string()),
                )
            }
            None => (rest, None),
        };
        if let Some(t) = &tag
            && !valid_tag(t)
        {
            return Err(err("invalid tag"));
        }
        if name.is_empty() {
            return Err(err("empty repository name"));
        }
        if name.len() > MAX_NAME_LEN {
            return Err(err("repository name longer than 255 characters"));
        }
        let (mut registry, mut repository) = match name.split_once('/') {
            Some((first, remainder))
                if first.contains(['.', ':'])
                    || first == "localhost"
                    || first.chars().any(|c| c.is_ascii_uppercase()) =>
            {
                (first.to_string(), remainder.to_string())
            }
            _ => (DEFAULT_REGISTRY.to_string(), name.to_string()),
        };
        if !valid_domain(&registry) {
            return Err(err("invalid registry host"));
        }
        if registry == "index.docker.io" || registry == "registry-1.docker.io" {
            registry = DEFAULT_REGISTRY.to_string();
        }
        if repository.chars().any(|c| c.is_ascii_uppercase()) {
            return Err(err("repository name must be lowercase"));
        }
        if !repository.split('/').all(valid_path_component) {
            return Err(err("invalid repository name"));
        }
        if registry == DEFAULT_REGISTRY && !repository.contains('/') {
            repository = format!("library/{repository}");
        }
        Ok(Self {
            registry,
            repository,
            tag,
            digest,
        })
    }

    /// Builds a reference from parts (validated by re-parsing).
    pub fn from_parts(
        registry: &str,
        repository: &str,
        tag: Option<&str>,
        digest: Option<&Digest>,
    ) -> Result<Self, ReferenceError> {
        let mut s = format!("{registry}/{repository}");
        if let Some(t) = tag {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = digest {
            s.push('@');
            s.push_str(&d.to_string());
        }
        Self::parse(&s)
    }

    /// Registry domain (`docker.io`, `ghcr.io`, `localhost:5000`).
    pub fn registry(&self) -> &str {
        &self.registry
    }

    /// Repository path (`library/alpine`).
    pub fn repository(&self) -> &str {
        &self.repository
    }

    /// Explicit tag, if any.
    pub fn tag(&self) -> Option<&str> {
        self.tag.as_deref()
    }

    /// The tag, or `latest` when neither tag nor digest was given (a digest-only reference
    /// has no tag and returns `None`).
    pub fn tag_or_default(&self) -> Option<&str> {
        match (&self.tag, &self.digest) {
            (Some(t), _) => Some(t),
            (None, None) => Some(DEFAULT_TAG),
            (None, Some(_)) => None,
        }
    }

    /// Explicit digest, if any.
    pub fn digest(&self) -> Option<&Digest> {
        self.digest.as_ref()
    }

    /// What to ask a registry for: the digest if present (it pins content), else the tag.
    pub fn target(&self) -> String {
        match &self.digest {
            Some(d) => d.to_string(),
            None => self.tag_or_default().unwrap_or(DEFAULT_TAG).to_string(),
        }
    }

    /// Host:port to contact for the registry API (`docker.io` → `registry-1.docker.io`).
    pub fn api_host(&self) -> &str {
        if self.registry == DEFAULT_REGISTRY {
            DOCKER_HUB_API_HOST
        } else {
            &self.registry
        }
    }

    /// True for registries that are spoken to over plain HTTP by default
    /// (`localhost`, `127.0.0.0/8`, `[::1]`, any port).
    pub fn is_loopback_registry(&self) -> bool {
        let host = host_without_port(&self.registry);
        host == "localhost" || host.starts_with("127.") || host == "[::1]" || host == "::1"
    }

    /// Same repository with a different tag (digest dropped).
    #[must_use]
    pub fn with_tag(&self, tag: &str) -> Self {
        Self {
            tag: Some(tag.to_string()),
            digest: None,
            ..self.clone()
        }
    }

    /// Same repository pinned to `digest` (tag kept for display).
    #[must_use]
    pub fn with_digest(&self, digest: Digest) -> Self {
        Self {
            digest: Some(digest),
            ..self.clone()
        }
    }

    /// Repository name without tag/digest, fully qualified (`docker.io/library/alpine`).
    pub fn name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// Docker's short ("familiar") form: `alpine:3.20`, `user/app`, `ghcr.io/x/y:1`.
    pub fn familiar(&self) -> String {
        let mut s = if self.registry == DEFAULT_REGISTRY {
            self.repository
                .strip_prefix("library/")
                .filter(|r| !r.contains('/'))
                .unwrap_or(&self.repository)
                .to_string()
        } else {
            self.name()
        };
        if let Some(t) = &self.tag {
            s.push(':');
            s.push_str(t);
        }
        if let Some(d) = &self.digest {
            s.push('@');
            s.push_str(&d.to_string());
        }
        s
    }

    /// True when `other` names the same repository and, if both have tags/digests, the same ones
    /// (a missing tag means `latest` unless a digest is given).
    pub fn matches(&self, other: &Reference) -> bool {
        self.registry == other.registry
            && self.repository == other.repository
            && match (&self.digest, &other.digest) {
                (Some(a), Some(b)) => a == b,
                _ => {
                    self.tag_or_default() == other.tag_or_default()
                        || self.digest.is_some()
                        || other.digest.is_some()
                }
            }
    }
}

fn host_without_port(domain: &str) -> &str {
    if domain.starts_with('[') {
        return domain
            .find(']')
            .and_then(|i| domain.get(..=i))
            .unwrap_or(domain);
    }
    domain.split(':').next().unwrap_or(domain)
}

fn valid_tag(t: &str) -> bool {
    let b = t.as_bytes();
    !b.is_empty()
        && b.len() <= 128
        && b.first()
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(c))
}

/// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
fn valid_path_component(c: &str) -> bool {
    let b = c.as_bytes();
    if b.is_empty() {
        return false;
    }
    let alnum = |x: &u8| x.is_ascii_lowercase() || x.is_ascii_digit();
    if !b.first().is_some_and(alnum) || !b.last().is_some_and(alnum) {
        return false;
    }
    let mut i = 0;
    while i < b.len() {
        let Some(&x) = b.get(i) else { break };
        if alnum(&x) {
            i += 1;
            continue;
        }
        // separator run
        let start = i;
        while b.get(i).is_some_and(|x| !alnum(x)) {
            i += 1;
        }
        let sep = b.get(start..i).unwrap_or_default();
        let ok = sep == b"." || sep == b"_" || sep == b"__" || sep.iter().all(|x| *x == b'-');
        if !ok {
            return false;
        }
    }
    true
}

fn valid_domain(d: &str) -> bool {
    let (host, port) = if let Some(rest) = d.strip_prefix('[') {
        let Some((v6, after)) = rest.split_once(']') else {
            return false;
        };
        if v6.is_empty()
            || !v6
                .bytes()
                .all(|c| c.is_ascii_hexdigit() || c == b':' || c == b'.')
        {
            return false;
        }
        match after {
            "" => return true,
            p => match p.strip_prefix(':') {
                Some(port) => ("x", Some(port)),
                None => return false,
            },
        }
    } else {
        match d.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (d, None),
        }
    };
    if let Some(p) = port
        && (p.is_empty() || p.len() > 5 || !p.bytes().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    !host.is_empty()
        && host.split('.').all(|label| {
            let b = label.as_bytes();
            !b.is_empty()
                && b.first().is_some_and(u8::is_ascii_alphanumeric)
                && b.last().is_some_and(u8::is_ascii_alphanumeric)
                && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        })
}

impl fmt::Display for Reference {
    /// Fully-qualified form: `docker.io/library/alpine:3.20@sha256:…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.registry, self.repository)?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

impl FromStr for Reference {
    type Err = ReferenceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Reference {
        Reference::parse(s).unwrap()
    }

    #[test]
    fn docker_hub_defaults() {
        let r = p("alpine");
        assert_eq!(
            (r.registry(), r.repository(), r.tag()),
            ("docker.io", "library/alpine", None)
        );
        assert_eq!(r.tag_or_default(), Some("latest"));
        assert_eq!(r.to_string(), "docker.io/library/alpine");
        assert_eq!(r.familiar(), "alpine");
        assert_eq!(r.api_host(), "registry-1.docker.io");
        assert_eq!(p("user/app:1.0").repository(), "user/app");
        assert_eq!(
            p("index.docker.io/library/debian:12").familiar(),
            "debian:12"
        );
        assert_eq!(
            p("docker.io/library/debian").to_string(),
            "docker.io/library/debian"
        );
    }

    #[test]
    fn registries_ports_localhost() {
        let r = p("localhost:5000/foo/bar:tag");
        assert_eq!(
            (r.registry(), r.repository(), r.tag()),
            ("localhost:5000", "foo/bar", Some("tag"))
        );
        assert!(r.is_loopback_registry());
        let r = p("localhost/foo");
        assert_eq!(r.registry(), "localhost");
        let r = p("127.0.0.1:41234/x");
        assert!(r.is_loopback_registry());
        let r = p("ghcr.io/org/img");
        assert!(!r.is_loopback_registry());
        let r = p("[::1]:5000/img:1");
        assert_eq!(r.registry(), "[::1]:5000");
        assert!(r.is_loopback_registry());
        // "foo" alone before a slash is a namespace on docker hub, not a registry
        assert_eq!(p("foo/bar").registry(), "docker.io");
    }

    #[test]
    fn digests() {
        let d = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let r = p(&format!("alpine@{d}"));
        assert_eq!(r.tag(), None);
        assert_eq!(r.tag_or_default(), None);
        assert_eq!(r.target(), d);
        let r = p(&format!("localhost:5000/a:1@{d}"));
        assert_eq!(r.tag(), Some("1"));
        assert_eq!(r.target(), d);
        assert!(Reference::parse("alpine@sha256:short").is_err());
    }

    #[test]
    fn rejects_invalid() {
        for bad in [
            "",
            "Alpine",
            "docker.io/Library/x",
            "a:",
            "a:-x",
            "a//b",
            "a/",
            "-a",
            "a b",
            "host:port/x",
            "a..b",
            "a@",
            ":tag",
        ] {
            assert!(Reference::parse(bad).is_err(), "{bad:?} should fail");
        }
        assert!(Reference::parse(&"a".repeat(256)).is_err());
        let e = Reference::parse("Alpine:1").unwrap_err();
        assert!(
            e.to_string().contains("Alpine:1") && e.to_string().contains("lowercase"),
            "{e}"
        );
    }

    #[test]
    fn separators() {
        for ok in ["a_b", "a__b", "a.b", "a-b", "a---b", "a/b.c/d_e"] {
            assert!(Reference::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["a___b", "a._b", "a-", "_a"] {
            assert!(Reference::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn matching() {
        assert!(p("alpine").matches(&p("docker.io/library/alpine:latest")));
        assert!(!p("alpine:3").matches(&p("alpine:4")));
        assert!(!p("alpine").matches(&p("debian")));
    }
}
