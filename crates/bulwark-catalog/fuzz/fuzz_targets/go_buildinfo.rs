#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    use bulwark_catalog::analyzers::binary;
    let _ = binary::go_buildinfo(data);
    // main module resolution: GOPATH path line, -ldflags, binary strings, vcs settings
    let _ = binary::go_packages(data, "/bin/x");
    let _ = binary::version_from_contents(data);
    let _ = binary::version_from_ldflags(&String::from_utf8_lossy(data));
    let mut info = binary::GoBuildInfo::default();
    binary::parse_modinfo(&String::from_utf8_lossy(data), &mut info);
    let _ = binary::main_module(&info, data);
    let _ = binary::rust_packages(data, "/bin/x");
    let _ = binary::parse_auditable(data, "/bin/x");
});
