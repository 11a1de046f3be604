//! SemVer 2.0 ordering for crates.io, Bitnami, Hex, SwiftURL, ConanCenter,
//! Bioconductor and OSV `SEMVER` ranges, with osv-scalibr's lenient parsing
//! (leading `v`, `1` = `1.0.0`, unbounded numbers; a fourth numeric component
//! is kept in the tail, as osv-scanner does). Build metadata is ignored.

crate::semverlike::semverlike_version!(
    "A SemVer 2.0 version (lenient parse).",
    crate::semverlike::Flavor::SemVer,
    crate::scheme::Scheme::SemVer,
    Some(3),
    false
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_precedence() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert!(v("1.0.0-alpha") < v("1.0.0-alpha.1"));
        assert!(v("1.0.0-beta.2") < v("1.0.0-beta.11"));
        assert!(v("1.0.0-rc.1") < v("1.0.0"));
        assert_eq!(v("v1.2.3+a"), v("1.2.3+b"));
        assert!(Version::parse("").is_err());
    }
}
