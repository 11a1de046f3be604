//! The analyzers, one module per ecosystem.

pub mod apk;
pub mod binary;
pub mod cargo;
pub mod dotnet;
pub mod dpkg;
pub mod java;
pub mod node;
pub mod os;
pub mod php;
pub mod python;
pub mod rpm;
pub mod ruby;

use crate::analyzer::{Analyzer, ScanMode};

/// Every analyzer for `mode`, in a fixed order (the order is part of the cache key).
pub fn all(mode: ScanMode) -> Vec<Box<dyn Analyzer>> {
    let fs = mode == ScanMode::Filesystem;
    let mut v: Vec<Box<dyn Analyzer>> = vec![
        Box::new(os::OsReleaseAnalyzer),
        Box::new(dpkg::DpkgAnalyzer),
        Box::new(apk::ApkAnalyzer),
        Box::new(rpm::RpmAnalyzer),
        Box::new(python::PythonInstalledAnalyzer),
        Box::new(node::NodeInstalledAnalyzer),
        Box::new(binary::BinaryAnalyzer),
        Box::new(java::JavaAnalyzer),
        Box::new(ruby::GemspecAnalyzer),
        Box::new(php::ComposerAnalyzer { lock_files: fs }),
        Box::new(dotnet::DotnetDepsAnalyzer),
    ];
    if fs {
        v.push(Box::new(python::PythonLockAnalyzer));
        v.push(Box::new(node::NodeLockAnalyzer));
        v.push(Box::new(ruby::GemfileLockAnalyzer));
        v.push(Box::new(cargo::CargoLockAnalyzer));
    }
    v
}
