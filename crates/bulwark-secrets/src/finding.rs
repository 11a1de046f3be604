//! The secret scanner's own finding type and its conversion to [`bulwark_report::Finding`].

use bulwark_report::{Category, Finding, Location, Severity};
use serde::{Deserialize, Serialize};

use crate::redact::Redacted;

/// One leaked credential. It holds only the redacted match, so it is safe to log, `Debug`-print
/// and serialise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecretFinding {
    /// Rule ID (`aws-access-key-id`, a custom rule's ID, `secret-in-variable`).
    pub rule_id: String,
    /// Human title of the rule (`AWS Access Key ID`).
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// File (or config field) and 1-based line/column of the secret; `end_line` is set for
    /// multi-line matches (private keys).
    pub location: Location,
    /// The secret with its middle masked.
    pub redacted: Redacted,
    /// Digest of the layer the file came from (set by the caller).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer_digest: Option<String>,
    /// The history `created_by` step that produced that layer (set by the caller).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// True when a later layer deletes or replaces the file: it is not visible in the final
    /// filesystem but anyone pulling the image still gets it (set by the caller).
    #[serde(default)]
    pub removed_in_later_layer: bool,
}

/// Property keys written by [`SecretFinding::to_finding`].
pub mod property {
    /// Rule title (string).
    pub const TITLE: &str = "title";
    /// Redacted match (string).
    pub const MATCH: &str = "match";
    /// Layer digest (string, when known).
    pub const LAYER_DIGEST: &str = "layer_digest";
    /// History step that created the layer (string, when known).
    pub const CREATED_BY: &str = "created_by";
    /// Whether a later layer removed the file (bool, always present).
    pub const REMOVED_IN_LATER_LAYER: &str = "removed_in_later_layer";
}

impl SecretFinding {
    /// Sets the layer digest and the history step that created it.
    #[must_use]
    pub fn with_layer(mut self, digest: impl Into<String>, created_by: Option<String>) -> Self {
        self.layer_digest = Some(digest.into());
        self.created_by = created_by;
        self
    }

    /// Marks the finding as removed (or not) by a later layer.
    #[must_use]
    pub fn with_removed_in_later_layer(mut self, removed: bool) -> Self {
        self.removed_in_later_layer = removed;
        self
    }

    /// Converts into the shared report model: code = rule ID, category
    /// [`Category::Secret`], properties as in [`property`].
    #[must_use]
    pub fn to_finding(&self) -> Finding {
        let mut message = format!("{}: {}", self.title, self.redacted);
        if self.removed_in_later_layer {
            message.push_str(" (deleted by a later layer, still present in the image's layers)");
        }
        let help = if self.removed_in_later_layer {
            "Deleting a file in a later layer does not remove it from the image: rebuild \
             without it (multi-stage build or `--mount=type=secret`) and revoke the credential."
        } else {
            "Revoke the credential, remove it from the image and inject it at run time instead."
        };
        let mut finding = Finding::new(
            self.rule_id.clone(),
            self.severity,
            Category::Secret,
            message,
            self.location.clone(),
        )
        .with_help(help)
        .with_property(property::TITLE, self.title.clone())
        .with_property(property::MATCH, self.redacted.as_str())
        .with_property(
            property::REMOVED_IN_LATER_LAYER,
            self.removed_in_later_layer,
        );
        if let Some(d) = &self.layer_digest {
            finding = finding.with_property(property::LAYER_DIGEST, d.clone());
        }
        if let Some(c) = &self.created_by {
            finding = finding.with_property(property::CREATED_BY, c.clone());
        }
        finding
    }
}

impl From<&SecretFinding> for Finding {
    fn from(f: &SecretFinding) -> Self {
        f.to_finding()
    }
}

impl From<SecretFinding> for Finding {
    fn from(f: SecretFinding) -> Self {
        f.to_finding()
    }
}
