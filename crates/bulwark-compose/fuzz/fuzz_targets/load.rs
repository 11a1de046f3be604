//! Feeds arbitrary bytes to the Compose loader and checks as one file and as an override of
//! a fixed base (merge, extends, interpolation, the rules): it must never panic, and alias
//! bombs and deep nesting stay bounded by the reader's budgets.
#![no_main]

use std::collections::HashMap;

use bulwark_compose::{Input, LoadOptions, Options, check_inputs};
use libfuzzer_sys::fuzz_target;

const BASE: &str = "x-h: &h {read_only: true, cap_drop: [ALL]}\nservices:\n  a:\n    <<: *h\n    image: \"app:${TAG:-1}\"\n    ports: ['80']\n    volumes: ['/etc:/e']\n    environment: [A=1]\n  b:\n    extends: a\n";

fuzz_target!(|data: &[u8]| {
    let env = HashMap::from([("TAG".to_string(), "2".to_string()), ("E".to_string(), String::new())]);
    let opts = Options {
        load: LoadOptions { environment: Some(env), ..LoadOptions::default() },
        no_secrets: data.len() % 2 == 0,
        ..Options::default()
    };
    let input = |name: &str, bytes: &[u8]| Input { display: name.into(), bytes: bytes.to_vec(), dir: "/nonexistent".into() };
    let _ = check_inputs(&[input("fuzz.yaml", data)], &opts);
    let _ = check_inputs(&[input("base.yaml", BASE.as_bytes()), input("fuzz.yaml", data)], &opts);
    if let Ok(text) = std::str::from_utf8(data) {
        let mut unset = Vec::new();
        let _ = bulwark_compose::interpolate::interpolate(text, &|n| (n.len() % 2 == 0).then(|| n.to_string()), &mut unset);
        let _ = bulwark_compose::interpolate::parse_env_file(text, &|_| None);
    }
});
