//! A workload read from the input: an object with a pod template, where it is, and how
//! admission would see it.

use bulwark_report::{Category, Finding, Location, Severity};

use crate::model::{Meta, PodSpec};
use bulwark_yaml::Pos;

/// A workload read from the input, ready to check.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Display path of the source.
    pub path: String,
    /// Document index in the source.
    pub document: usize,
    /// Index inside a `List`, if any.
    pub item: Option<usize>,
    /// `kind`.
    pub kind: String,
    /// Where the object starts.
    pub pos: Pos,
    /// Object metadata.
    pub meta: Meta,
    /// Pod template metadata (the object's own for a Pod).
    pub pod_meta: Meta,
    /// The pod spec.
    pub spec: PodSpec,
}

impl Workload {
    /// `metadata.name`, or empty.
    #[must_use]
    pub fn name(&self) -> &str {
        self.meta.name.as_deref().unwrap_or("")
    }

    /// The finding for `code` at `pos`, with the standard properties.
    #[must_use]
    pub fn finding(
        &self,
        code: &str,
        severity: Severity,
        message: impl std::fmt::Display,
        pos: Pos,
        container: Option<&str>,
    ) -> Finding {
        let mut f = Finding::new(
            code,
            severity,
            Category::Kubernetes,
            format!("{} {:?}: {message}", self.kind, self.name()),
            Location::at(&self.path, pos.line, Some(pos.col)),
        )
        .with_property("document", self.document)
        .with_property("kind", self.kind.clone())
        .with_property("name", self.name().to_string());
        if let Some(i) = self.item {
            f = f.with_property("item", i);
        }
        if let Some(ns) = &self.meta.namespace {
            f = f.with_property("namespace", ns.value.clone());
        }
        if let Some(c) = container {
            f = f.with_property("container", c.to_string());
        }
        f
    }
}
