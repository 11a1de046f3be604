#![no_main]
//! Lints arbitrary bytes with every rule enabled; nothing may panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut config = bulwark_dockerfile::Config::default();
    for code in ["DL1001", "DL3057"] {
        config.overrides.insert(code.into(), bulwark_dockerfile::Level::Info);
    }
    config.trusted_registries.insert("docker.io".into());
    config.label_schema.insert("version".into(), bulwark_dockerfile::LabelType::Semver);
    config.strict_labels = true;
    let _ = bulwark_dockerfile::lint("fuzz", data, &config);
});
