//! NuGet versions: up to four numeric components (`1.0` = `1.0.0.0`),
//! case-insensitive pre-release labels, build metadata ignored
//! (osv-scalibr's NuGet comparator).

crate::semverlike::semverlike_version!(
    "A NuGet version.",
    crate::semverlike::Flavor::NuGet,
    crate::scheme::Scheme::NuGet,
    Some(4),
    false
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nuget_rules() {
        let v = |s: &str| Version::parse(s).unwrap();
        assert_eq!(v("1.0"), v("1.0.0.0"));
        assert_eq!(v("1.0.0-BETA"), v("1.0.0-beta"));
        assert!(v("1.0.0") < v("1.0.0.1-alpha"));
    }
}
