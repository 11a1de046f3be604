#![no_main]
//! `.hadolint.yaml` / `bulwark.yaml` text from a checked-out repository: any text gives a
//! configuration or an error naming the file; a configuration then lints a Dockerfile and
//! decides the exit status. Nothing may panic.

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match bulwark_dockerfile::Config::from_yaml_str(text, Path::new(".hadolint.yaml")) {
        Ok(config) => {
            let lint = bulwark_dockerfile::lint(
                "Dockerfile",
                b"FROM debian:12\nLABEL a=b\nRUN apt-get install -y curl\n",
                &config,
            );
            let report = bulwark_dockerfile::report([lint]);
            let _ = config.exit_policy(None, None).exit_status(&report);
        }
        Err(e) => assert!(e.to_string().contains(".hadolint.yaml"), "{e}"),
    }
});
