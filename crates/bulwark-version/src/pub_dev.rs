//! Dart Pub versions: SemVer 2.0 precedence, and then build metadata is
//! compared too (`1.0.0 < 1.0.0+build`, `1.2.3+1 < 1.2.3+2`), as
//! osv-scalibr's Pub comparator does.

crate::semverlike::semverlike_version!(
    "A Pub version.",
    crate::semverlike::Flavor::Pub,
    crate::scheme::Scheme::Pub,
    Some(3),
    false
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_breaks_ties() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert!(v("1.0.0") < v("1.0.0+build"));
        assert!(v("1.0.0-pre+build") < v("1.0.0"));
    }
}
