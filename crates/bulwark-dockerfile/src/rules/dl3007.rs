use super::prelude::*;

declare_rule! {
    /// ## What it does
    /// Flags `FROM image:latest` (not when a digest pins the image: `image:latest@sha256:...`).
    ///
    /// ## Why is this bad?
    /// `latest` moves with every upstream release, so two builds of the same Dockerfile can produce
    /// different images.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:latest
    /// ```
    ///
    /// ## How to fix
    /// ```dockerfile
    /// FROM node:20.11.1
    /// ```
    Dl3007 {
        code: "DL3007",
        name: "no-latest-tag",
        level: Warning,
        message: "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag",
    }
}

// A digest pins the image whatever the tag says (`debian:latest@sha256:...` passes).
simple_rule!(Dl3007, |ins| match &ins.kind {
    Kind::From(f) => {
        let image = f.hadolint_image();
        image.digest.is_some() || image.tag.as_deref() != Some("latest")
    }
    _ => true,
});
