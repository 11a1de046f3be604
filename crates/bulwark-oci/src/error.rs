//! Error types. Every variant names the image / file / registry it is about and the cause,
//! so the CLI can print it as-is.

use std::io;

/// Result alias for this crate.
pub type Result<T, E = OciError> = std::result::Result<T, E>;

/// Why an image reference string could not be parsed.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
#[error("invalid image reference {input:?}: {reason}")]
pub struct ReferenceError {
    /// The text that was parsed.
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Everything that can go wrong while locating, reading or walking an image.
#[derive(Debug, thiserror::Error)]
pub enum OciError {
    /// A reference (`REF`) failed to parse.
    #[error(transparent)]
    Reference(#[from] ReferenceError),
    /// An I/O error while doing `context` (context names the file/image).
    #[error("{context}: {source}")]
    Io {
        /// What was being done, naming the input.
        context: String,
        /// Underlying error.
        #[source]
        source: io::Error,
    },
    /// A JSON document (manifest, index, config, manifest.json, ...) is malformed.
    #[error("{what}: invalid JSON: {source}")]
    Json {
        /// Which document of which image.
        what: String,
        /// Parser error.
        #[source]
        source: serde_json::Error,
    },
    /// A document is well-formed JSON but not a usable manifest/index/config.
    #[error("{what}: {reason}")]
    Invalid {
        /// Which document of which image.
        what: String,
        /// What is wrong.
        reason: String,
    },
    /// A blob referenced by a manifest is not present in the source.
    #[error("{image}: blob {digest} not found")]
    BlobNotFound {
        /// Image (archive path, layout path or reference).
        image: String,
        /// Missing digest.
        digest: String,
    },
    /// Content did not hash to the digest it was addressed by.
    #[error("{what}: digest mismatch: expected {expected}, got {actual}")]
    DigestMismatch {
        /// Which blob of which image.
        what: String,
        /// Digest from the manifest / request.
        expected: String,
        /// Digest of the bytes actually read.
        actual: String,
    },
    /// No manifest in an index matches the requested platform.
    #[error("{image}: no manifest for platform {wanted} (available: {available})")]
    NoMatchingPlatform {
        /// Image.
        image: String,
        /// Requested platform.
        wanted: String,
        /// Platforms the index offers, comma separated.
        available: String,
    },
    /// The requested tag/name is not in the archive/layout.
    #[error("{source_name}: image {wanted:?} not found (available: {available})")]
    ImageNotFound {
        /// Archive / layout path.
        source_name: String,
        /// The tag or name asked for.
        wanted: String,
        /// What is there, comma separated.
        available: String,
    },
    /// An archive/layout holds several images and none was selected.
    #[error("{source_name}: contains {count} images, choose one by tag (available: {available})")]
    AmbiguousImage {
        /// Archive / layout path.
        source_name: String,
        /// How many images.
        count: usize,
        /// Tags/names, comma separated.
        available: String,
    },
    /// A manifest or layer media type we cannot handle.
    #[error("{image}: unsupported media type {media_type:?}")]
    UnsupportedMediaType {
        /// Image.
        image: String,
        /// The media type.
        media_type: String,
    },
    /// The path given as `--input` is not a docker archive, OCI archive or OCI layout.
    #[error("{path}: not a container image ({reason})")]
    NotAnImage {
        /// The input path.
        path: String,
        /// What was looked for.
        reason: String,
    },
    /// Registry answered with an unexpected HTTP status.
    #[error("{image}: registry returned HTTP {status} for {url}: {message}")]
    Registry {
        /// Reference being accessed.
        image: String,
        /// URL requested.
        url: String,
        /// HTTP status.
        status: u16,
        /// Body / error message from the registry (truncated).
        message: String,
    },
    /// The manifest or tag does not exist in the registry.
    #[error("{image}: manifest unknown (HTTP 404 from {url})")]
    ManifestNotFound {
        /// Reference.
        image: String,
        /// URL requested.
        url: String,
    },
    /// Authentication with the registry failed.
    #[error("{image}: unauthorized at {registry}: {detail}")]
    Unauthorized {
        /// Reference.
        image: String,
        /// Registry host.
        registry: String,
        /// Challenge / response detail.
        detail: String,
    },
    /// A network deadline (connect, idle read, total) expired while talking to a registry.
    #[error("{image}: {deadline} (waiting on {url})")]
    Deadline {
        /// Reference.
        image: String,
        /// URL being waited on.
        url: String,
        /// Which deadline, for which host.
        deadline: bulwark_net::DeadlineError,
    },
    /// Network-level failure talking to a registry (after retries).
    #[error("{image}: cannot reach {url}: {detail}")]
    Transport {
        /// Reference.
        image: String,
        /// URL.
        url: String,
        /// Underlying error text.
        detail: String,
    },
    /// Reading credentials (docker config, credential helper) failed.
    #[error("credentials for {registry}: {detail}")]
    Credentials {
        /// Registry host.
        registry: String,
        /// What failed.
        detail: String,
    },
    /// The Docker daemon could not be reached or returned an error.
    #[error("docker daemon at {endpoint}: {detail}")]
    Daemon {
        /// Socket path or tcp address.
        endpoint: String,
        /// What failed.
        detail: String,
    },
    /// The Docker daemon does not have the image.
    #[error("{image}: not found in docker daemon at {endpoint}")]
    ImageNotInDaemon {
        /// Reference.
        image: String,
        /// Daemon endpoint.
        endpoint: String,
    },
    /// A layer could not be read / decompressed / untarred.
    #[error("{image}: layer {layer}: {detail}")]
    Layer {
        /// Image.
        image: String,
        /// Layer digest / index.
        layer: String,
        /// What failed.
        detail: String,
    },
    /// A layer expanded past the configured decompressed-size bound (decompression bomb guard).
    #[error("{image}: layer {layer} exceeds the decompressed size limit of {limit} bytes")]
    LayerTooLarge {
        /// Image.
        image: String,
        /// Layer digest / index.
        layer: String,
        /// The limit.
        limit: u64,
    },
    /// Every configured source failed; each attempt's error is listed.
    #[error("{image}: could not be read from any source:{}", fmt_attempts(.attempts))]
    AllSourcesFailed {
        /// Reference.
        image: String,
        /// (source name, error message) per attempt.
        attempts: Vec<(String, String)>,
    },
}

fn fmt_attempts(a: &[(String, String)]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    for (src, err) in a {
        let _ = write!(s, "\n  {src}: {err}");
    }
    s
}

impl OciError {
    /// Builds an [`OciError::Io`] with a context naming the input.
    pub fn io(context: impl Into<String>, source: io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }

    /// Builds an [`OciError::Json`].
    pub fn json(what: impl Into<String>, source: serde_json::Error) -> Self {
        Self::Json {
            what: what.into(),
            source,
        }
    }

    /// Builds an [`OciError::Invalid`].
    pub fn invalid(what: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Invalid {
            what: what.into(),
            reason: reason.into(),
        }
    }
}
