//! Container images for Bulwark: references, sources (Docker daemon, `docker save` archives,
//! OCI archives and layouts, registries) and single-pass layer walking.
//!
//! Typical use (what `bulwark-scan` does):
//!
//! ```no_run
//! use bulwark_oci::{open_image, walk_layers, MergedFs, ResolveOptions, WalkOptions, LayerVisitor, EntryMeta, WantedFile};
//!
//! struct OsRelease(Option<Vec<u8>>);
//! impl LayerVisitor for OsRelease {
//!     fn wants(&self, path: &str, _: &EntryMeta) -> bool { path == "etc/os-release" }
//!     fn visit(&mut self, f: &WantedFile<'_>) { self.0 = Some(f.data.to_vec()); }
//! }
//!
//! let image = open_image("alpine:3.20", &ResolveOptions::default())?;
//! let walked = walk_layers(&image, &WalkOptions::default(), |_layer| Some(OsRelease(None)))?;
//! let merged = MergedFs::apply(walked.iter().flatten().map(|w| &w.report));
//! # Ok::<(), bulwark_oci::OciError>(())
//! ```

pub mod applier;
pub mod archive;
pub mod auth;
pub mod daemon;
pub mod digest;
pub mod dir;
pub mod error;
pub mod fuzzing;
pub mod image;
pub mod model;
pub mod reference;
pub mod registry;
pub mod source;
pub mod store;
pub mod walk;

pub use applier::{FileOrigin, MergedFs, Removal, RemovedPath};
pub use auth::{Credential, CredentialStore};
pub use daemon::{DockerDaemon, EngineEndpoint, TlsFiles, open_daemon_image};
pub use digest::{Digest, DigestError, VerifyingReader};
pub use dir::{DirSource, walk_dir};
pub use error::{OciError, ReferenceError, Result};
pub use image::{BlobSource, Image, choose_platform};
pub use model::{
    Descriptor, HistoryEntry, ImageConfig, ImageIndex, ImageManifest, Layer, ManifestDocument,
    Platform, SourceKind, media_type,
};
pub use reference::Reference;
pub use registry::{
    FetchedManifest, RegistryClient, RegistryOptions, RemoteDescriptor, open_registry_image,
};
pub use source::{ImageSource, InputKind, ResolveOptions, detect_input, open_image, open_input};
pub use walk::{
    Compression, EntryKind, EntryMeta, EntryRecord, LAYER_STREAM_BYTES, LayerContext, LayerReport,
    LayerVisitor, MemoryBudget, MetadataOnly, OwnedFile, SuspiciousPath, WalkOptions, WalkedLayer,
    WantedFile, normalize_path, verify_layer_blobs, walk_layer, walk_layer_stream, walk_layers,
};
