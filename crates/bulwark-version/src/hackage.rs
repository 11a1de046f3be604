//! Hackage (Haskell PVP) versions: dot-separated numbers compared as lists,
//! so `1.0 < 1.0.0`. Anything but digits and dots is rejected.

crate::semverlike::semverlike_version!(
    "A Hackage version.",
    crate::semverlike::Flavor::Hackage,
    crate::scheme::Scheme::Hackage,
    None,
    true
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_order() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert!(v("1.0") < v("1.0.0"));
        assert!(v("0.11.3.0") < v("1.0"));
        assert!(Version::parse("1.0-beta").is_err());
    }
}
