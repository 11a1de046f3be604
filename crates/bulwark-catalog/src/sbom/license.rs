//! Declared licences as SBOM fields: a package's licence strings are what its metadata says
//! (`MIT`, `Apache 2.0`, `BSD-like`, `MIT OR Apache-2.0`). SPDX and CycloneDX accept an SPDX
//! licence identifier or expression only when it is one; everything else is carried as text
//! (SPDX `LicenseRef-…` with `hasExtractedLicensingInfos`, CycloneDX licence `name`).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use super::hex;

/// One declared licence string, classified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Declared {
    /// A single identifier from the SPDX licence list (`MIT`, `GPL-2.0-or-later`).
    Id(String),
    /// A compound SPDX expression over licence-list identifiers (`MIT OR Apache-2.0`).
    Expression(String),
    /// Free text that is not an SPDX expression (`Apache 2.0`, `BSD-like`).
    Text(String),
}

/// Classifies `text` (trimmed; `None` when empty). Identifiers are case-sensitive, operators
/// must be upper case, deprecated identifiers are accepted (they are still valid in SPDX 2.3
/// documents) and `LicenseRef-`/`DocumentRef-` items count as text: a reference from a
/// package's own metadata has no extracted text this document could carry.
pub(crate) fn classify(text: &str) -> Option<Declared> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    let mode = spdx::ParseMode {
        allow_deprecated: true,
        ..spdx::ParseMode::STRICT
    };
    let Ok(expr) = spdx::Expression::parse_mode(t, mode) else {
        return Some(Declared::Text(t.to_owned()));
    };
    let lower_case_operator = t
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .any(|w| matches!(w, "and" | "or" | "with" | "And" | "Or" | "With"));
    let only_listed = expr.requirements().all(|r| {
        matches!(r.req.license, spdx::LicenseItem::Spdx { .. })
            && r.req
                .addition
                .as_ref()
                .is_none_or(|a| matches!(a, spdx::AdditionItem::Spdx(_)))
    });
    if lower_case_operator || !only_listed {
        return Some(Declared::Text(t.to_owned()));
    }
    // `GPL-2.0+` and `MIT+` are expressions (`+` is an operator), not list identifiers
    let single = spdx::license_id(t).is_some_and(|id| id.name == t);
    Some(if single {
        Declared::Id(t.to_owned())
    } else {
        Declared::Expression(t.to_owned())
    })
}

/// `LicenseRef-` identifiers for free-text licences of one SPDX document: each distinct text
/// gets one id made of its `[A-Za-z0-9.-]` characters (others become `-`), with a short hash
/// appended when two texts would map to the same id.
#[derive(Debug, Default)]
pub(crate) struct LicenseRefs {
    by_text: BTreeMap<String, String>,
    taken: BTreeMap<String, String>,
}

impl LicenseRefs {
    /// The `LicenseRef-…` id for `text`, allocating it on first use.
    pub(crate) fn id(&mut self, text: &str) -> String {
        if let Some(id) = self.by_text.get(text) {
            return id.clone();
        }
        let body: String = text
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let body = body.trim_matches('-');
        let mut id = format!("LicenseRef-{}", if body.is_empty() { "text" } else { body });
        if self.taken.get(&id).is_some_and(|t| t != text) || body.is_empty() {
            id = format!("{id}-{}", hex(&Sha256::digest(text.as_bytes())[..4]));
        }
        self.taken.insert(id.clone(), text.to_owned());
        self.by_text.insert(text.to_owned(), id.clone());
        id
    }

    /// `(id, text)` of every allocated reference, sorted by id.
    pub(crate) fn extracted(&self) -> impl Iterator<Item = (&String, &String)> {
        self.taken.iter()
    }
}

/// The SPDX `licenseDeclared` value for a package's licence strings: `NOASSERTION` when there
/// are none, else their conjunction, free text replaced by `LicenseRef-` ids from `refs`.
pub(crate) fn spdx_declared(licenses: &[String], refs: &mut LicenseRefs) -> String {
    let parts: Vec<String> = licenses
        .iter()
        .filter_map(|l| classify(l))
        .map(|d| match d {
            Declared::Id(s) => s,
            Declared::Expression(s) => format!("({s})"),
            Declared::Text(s) => refs.id(&s),
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    match parts.as_slice() {
        [] => "NOASSERTION".to_owned(),
        [one] => one
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .unwrap_or(one)
            .to_owned(),
        many => many.join(" AND "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        let c = |s: &str| classify(s);
        assert_eq!(c("MIT"), Some(Declared::Id("MIT".into())));
        assert_eq!(c(" GPL-2.0 "), Some(Declared::Id("GPL-2.0".into())));
        assert_eq!(c("MIT+"), Some(Declared::Expression("MIT+".into())));
        assert_eq!(
            c("MIT OR Apache-2.0"),
            Some(Declared::Expression("MIT OR Apache-2.0".into()))
        );
        assert_eq!(
            c("GPL-2.0-or-later WITH Classpath-exception-2.0"),
            Some(Declared::Expression(
                "GPL-2.0-or-later WITH Classpath-exception-2.0".into()
            ))
        );
        for text in [
            "Apache 2.0",
            "BSD-like",
            "BSD",
            "mit",
            "MIT or Apache-2.0",
            "LicenseRef-foo",
            "MIT License",
            "(MIT",
        ] {
            assert_eq!(c(text), Some(Declared::Text(text.into())), "{text}");
        }
        assert_eq!(c("  "), None);
    }

    #[test]
    fn declared_values_and_refs() {
        let mut refs = LicenseRefs::default();
        let v = |l: &[&str], r: &mut LicenseRefs| {
            spdx_declared(&l.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(), r)
        };
        assert_eq!(v(&[], &mut refs), "NOASSERTION");
        assert_eq!(v(&["MIT OR Apache-2.0"], &mut refs), "MIT OR Apache-2.0");
        assert_eq!(
            v(&["Apache 2.0", "MIT"], &mut refs),
            "LicenseRef-Apache-2.0 AND MIT"
        );
        // a second text mapping to the same id gets a distinct one
        let other = refs.id("Apache/2.0");
        assert_ne!(other, "LicenseRef-Apache-2.0");
        assert!(other.starts_with("LicenseRef-Apache-2.0-"));
        assert_eq!(refs.id("Apache 2.0"), "LicenseRef-Apache-2.0");
        let ids: Vec<&String> = refs.extracted().map(|(id, _)| id).collect();
        assert_eq!(ids.len(), 2);
        assert!(refs.id("***").starts_with("LicenseRef-text-"));
    }
}
