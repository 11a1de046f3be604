//! Analyzers over small hand-written fixtures (tests/fixtures), fed through the registry exactly
//! as the image walker will: `required` per path, then one `analyze_layer` per batch.

#![allow(clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

use bulwark_catalog::{
    Analyzers, EntryMeta, LayerFiles, LayerInventory, Package, PackageType, ScanMode,
};

fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{rel}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

/// Builds a layer from (image path, fixture file) pairs, asserting every path is required.
fn layer(mode: ScanMode, files: &[(&str, &str)]) -> LayerInventory {
    let reg = Analyzers::for_mode(mode);
    let mut batch = LayerFiles::new();
    for (path, rel) in files {
        let meta = EntryMeta {
            size: 100,
            mode: 0o644,
        };
        assert!(reg.required(path, &meta), "{path} should be required");
        batch.insert(path, meta, fixture(rel));
    }
    reg.analyze_layer(&batch)
}

fn summary(pkgs: &[Package]) -> Vec<String> {
    pkgs.iter()
        .map(|p| format!("{} {} {} {}", p.kind.as_str(), p.name, p.version, p.purl))
        .collect()
}

#[test]
fn dpkg_status_filters_installed_and_reads_source() {
    let inv = layer(
        ScanMode::Image,
        &[
            ("var/lib/dpkg/status", "dpkg/status"),
            (
                "./var/lib/dpkg/info/python3-yaml:amd64.list",
                "dpkg/python3-yaml:amd64.list",
            ),
            (
                "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA",
                "python/PyYAML-METADATA",
            ),
            ("/etc/os-release", "os/sid-os-release"),
        ],
    );
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    let deb: Vec<&Package> = inv
        .packages
        .iter()
        .filter(|p| p.kind == PackageType::Deb)
        .collect();
    assert_eq!(
        deb.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["libc6", "python3-yaml"]
    );
    let libc = deb[0];
    assert_eq!(libc.source_name.as_deref(), Some("glibc"));
    assert_eq!(libc.source_version.as_deref(), Some("2.36-9+deb12u7"));
    // sid has no VERSION_ID: distro qualifier is the bare id
    assert_eq!(
        libc.purl,
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian&upstream=glibc"
    );
    let yaml = deb[1];
    assert_eq!(
        (yaml.source_name.as_deref(), yaml.source_version.as_deref()),
        (Some("pyyaml"), Some("6.0-3"))
    );
    assert_eq!(
        yaml.purl,
        "pkg:deb/debian/python3-yaml@6.0-3%2Bb2?arch=amd64&distro=debian&upstream=pyyaml%406.0-3"
    );
    let py = inv
        .packages
        .iter()
        .find(|p| p.kind == PackageType::Python)
        .expect("PyYAML");
    assert_eq!(py.owned_by_os_package.as_deref(), Some("python3-yaml"));
    assert_eq!(py.purl, "pkg:pypi/pyyaml@6.0");
    assert_eq!(py.licenses, ["MIT"]);
    assert_eq!(
        inv.owned
            .owner("/usr/lib/python3/dist-packages/yaml/__init__.py"),
        Some("python3-yaml")
    );
    insta::assert_yaml_snapshot!("dpkg_layer", inv.packages);
}

#[test]
fn distroless_status_d() {
    let inv = layer(
        ScanMode::Image,
        &[
            (
                "/var/lib/dpkg/status.d/base-files",
                "dpkg/distroless-base-files",
            ),
            ("/var/lib/dpkg/status.d/libssl3", "dpkg/distroless-libssl3"),
            (
                "/var/lib/dpkg/status.d/libssl3.md5sums",
                "dpkg/distroless-libssl3.md5sums",
            ),
            ("/etc/os-release", "os/sid-os-release"),
        ],
    );
    let os = inv.os.expect("os");
    assert!(os.distroless);
    assert_eq!(
        summary(&inv.packages),
        [
            "deb base-files 12.4+deb12u6 pkg:deb/debian/base-files@12.4%2Bdeb12u6?arch=amd64&distro=debian",
            "deb libssl3 3.0.13-1~deb12u1 pkg:deb/debian/libssl3@3.0.13-1~deb12u1?arch=amd64&distro=debian&upstream=openssl",
        ]
    );
    assert_eq!(
        inv.owned.owner("/usr/share/doc/libssl3/copyright"),
        Some("libssl3")
    );
}

#[test]
fn apk_installed_with_ownership() {
    let inv = layer(
        ScanMode::Image,
        &[
            ("lib/apk/db/installed", "apk/installed"),
            ("etc/os-release", "os/alpine-os-release"),
            (
                "usr/lib/python3.12/site-packages/pip-24.0.dist-info/METADATA",
                "python/PyYAML-METADATA",
            ),
        ],
    );
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    let apk: Vec<&Package> = inv
        .packages
        .iter()
        .filter(|p| p.kind == PackageType::Apk)
        .collect();
    assert_eq!(apk.len(), 3);
    let crypto = apk
        .iter()
        .find(|p| p.name == "libcrypto3")
        .expect("libcrypto3");
    assert_eq!(crypto.source_name.as_deref(), Some("openssl"));
    assert_eq!(
        crypto.purl,
        "pkg:apk/alpine/libcrypto3@3.3.1-r0?arch=x86_64&distro=alpine-3.20.1&upstream=openssl"
    );
    assert_eq!(crypto.licenses, ["Apache-2.0"]);
    assert_eq!(inv.owned.owner("/lib/ld-musl-x86_64.so.1"), Some("musl"));
    // R lines belong to the most recent F directory; the later package wins a shared path
    assert_eq!(
        inv.owned
            .owner("/usr/lib/python3.12/site-packages/pip-24.0.dist-info/RECORD"),
        Some("py3-pip")
    );
    let py = inv
        .packages
        .iter()
        .find(|p| p.kind == PackageType::Python)
        .expect("python");
    assert_eq!(py.owned_by_os_package.as_deref(), Some("py3-pip"));
}

#[test]
fn os_release_variants() {
    let alpine = layer(
        ScanMode::Image,
        &[("/etc/os-release", "os/alpine-os-release")],
    )
    .os
    .expect("alpine");
    assert_eq!(
        (
            alpine.id.as_str(),
            alpine.version_id.as_deref(),
            alpine.pretty_name.as_deref()
        ),
        ("alpine", Some("3.20.1"), Some("Alpine Linux v3.20"))
    );
    let rhel = layer(
        ScanMode::Image,
        &[("/usr/lib/os-release", "os/ubi9-os-release")],
    )
    .os
    .expect("rhel");
    assert_eq!(
        (
            rhel.id.as_str(),
            rhel.version_id.as_deref(),
            rhel.id_like.as_slice()
        ),
        ("rhel", Some("9.4"), ["fedora".to_owned()].as_slice())
    );
    assert_eq!(rhel.purl_namespace(), "redhat");
    let rr = bulwark_catalog::analyzers::os::parse_redhat_release(
        "CentOS Linux release 7.9.2009 (Core)\n",
    )
    .expect("centos");
    assert_eq!(
        (rr.id.as_str(), rr.version_id.as_deref()),
        ("centos", Some("7.9.2009"))
    );
    let reg = Analyzers::default();
    let mut b = LayerFiles::new();
    b.insert(
        "/etc/debian_version",
        EntryMeta::default(),
        b"12.5\n".to_vec(),
    );
    let deb = reg.analyze_layer(&b).os.expect("debian");
    assert_eq!(
        (deb.id.as_str(), deb.version_id.as_deref()),
        ("debian", Some("12"))
    );
}

#[test]
fn python_lock_files_only_in_fs_mode() {
    let reg = Analyzers::default();
    assert!(!reg.required("/src/poetry.lock", &EntryMeta::default()));
    let inv = layer(
        ScanMode::Filesystem,
        &[
            ("/src/requirements.txt", "python/requirements.txt"),
            ("/src/poetry.lock", "python/poetry.lock"),
            ("/src/Pipfile.lock", "python/Pipfile.lock"),
            ("/src/uv.lock", "python/uv.lock"),
        ],
    );
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    let mut names: Vec<String> = inv
        .packages
        .iter()
        .map(|p| format!("{}@{} {}", p.name, p.version, p.location.path))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Django_Rest_Framework@3.15.1 /src/requirements.txt",
            "Flask@3.0.0 /src/requirements.txt",
            "certifi@2024.2.2 /src/poetry.lock",
            "charset-normalizer@3.3.2 /src/poetry.lock",
            "idna@3.6 /src/Pipfile.lock",
            "pytest@8.0.2 /src/Pipfile.lock",
            "requests@2.31.0 /src/requirements.txt",
            "six@1.16.0 /src/uv.lock",
            "urllib3@2.2.1 /src/requirements.txt",
        ]
    );
    let drf = inv
        .packages
        .iter()
        .find(|p| p.name == "Django_Rest_Framework")
        .expect("drf");
    assert_eq!(drf.purl, "pkg:pypi/django-rest-framework@3.15.1");
}

#[test]
fn node_locks_and_installed() {
    let inv = layer(
        ScanMode::Filesystem,
        &[
            ("/app/package-lock.json", "node/package-lock-v3.json"),
            ("/old/package-lock.json", "node/package-lock-v1.json"),
            ("/y1/yarn.lock", "node/yarn-v1.lock"),
            ("/y2/yarn.lock", "node/yarn-berry.lock"),
            ("/p9/pnpm-lock.yaml", "node/pnpm-lock-v9.yaml"),
            ("/p6/pnpm-lock.yaml", "node/pnpm-lock-v6.yaml"),
            ("/p5/pnpm-lock.yaml", "node/pnpm-lock-v5.yaml"),
            (
                "/app/node_modules/@angular/core/package.json",
                "node/scoped-package.json",
            ),
        ],
    );
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    let got: Vec<String> = inv
        .packages
        .iter()
        .map(|p| format!("{} {}", p.location.path, p.purl))
        .collect();
    let expected = [
        "/app/node_modules/@angular/core/package.json pkg:npm/%40angular/core@17.3.0",
        "/app/package-lock.json pkg:npm/%40babel/core@7.24.0",
        "/p5/pnpm-lock.yaml pkg:npm/%40babel/runtime@7.24.1",
        "/p6/pnpm-lock.yaml pkg:npm/%40babel/runtime@7.24.1",
        "/p9/pnpm-lock.yaml pkg:npm/%40babel/runtime@7.24.1",
        "/y1/yarn.lock pkg:npm/%40babel/code-frame@7.23.5",
        "/y2/yarn.lock pkg:npm/%40types/node@20.11.30",
        "/old/package-lock.json pkg:npm/debug@2.6.9",
        "/y1/yarn.lock pkg:npm/js-tokens@4.0.0",
        "/app/package-lock.json pkg:npm/lodash@4.17.21",
        "/old/package-lock.json pkg:npm/ms@2.0.0",
        "/old/package-lock.json pkg:npm/ms@2.1.3",
        "/p5/pnpm-lock.yaml pkg:npm/ms@2.1.3",
        "/p9/pnpm-lock.yaml pkg:npm/react@18.2.0",
        "/app/package-lock.json pkg:npm/semver@6.3.1",
        "/p6/pnpm-lock.yaml pkg:npm/styled-jsx@5.1.1",
        "/y2/yarn.lock pkg:npm/undici-types@5.26.5",
    ];
    let mut got_sorted = got.clone();
    got_sorted.sort_by_key(|s| s.split_once(' ').map(|(_, p)| p.to_owned()));
    let mut exp: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    exp.sort_by_key(|s| s.split_once(' ').map(|(_, p)| p.to_owned()));
    assert_eq!(got_sorted, exp);
    let angular = inv
        .packages
        .iter()
        .find(|p| p.name == "@Angular/Core")
        .expect("angular");
    assert_eq!(angular.licenses, ["MIT"]);
}

#[test]
fn node_package_json_outside_node_modules_is_ignored_in_image_mode() {
    let reg = Analyzers::default();
    let m = EntryMeta::default();
    assert!(!reg.required("/app/package.json", &m));
    assert!(!reg.required("/app/node_modules/foo/lib/package.json", &m));
    assert!(reg.required("/app/node_modules/foo/package.json", &m));
    assert!(reg.required("/app/node_modules/foo/node_modules/@s/bar/package.json", &m));
}

#[test]
fn ruby_php_dotnet_cargo() {
    let inv = layer(
        ScanMode::Filesystem,
        &[
            (
                "/usr/local/bundle/specifications/rake-13.1.0.gemspec",
                "ruby/rake-13.1.0.gemspec",
            ),
            ("/app/Gemfile.lock", "ruby/Gemfile.lock"),
            ("/app/composer.lock", "php/composer.lock"),
            ("/app/vendor/composer/installed.json", "php/installed.json"),
            ("/app/bin/app.deps.json", "dotnet/app.deps.json"),
            ("/src/Cargo.lock", "rust/Cargo.lock"),
        ],
    );
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    let mut purls: Vec<&str> = inv.packages.iter().map(|p| p.purl.as_str()).collect();
    purls.sort_unstable();
    assert_eq!(
        purls,
        [
            "pkg:cargo/gitdep@0.2.0",
            "pkg:cargo/serde@1.0.197",
            "pkg:composer/monolog/monolog@3.5.0",
            "pkg:composer/phpunit/phpunit@10.5.11",
            "pkg:composer/psr/log@3.0.0",
            "pkg:composer/symfony/console@7.0.4",
            "pkg:gem/actionpack@7.1.3",
            "pkg:gem/nokogiri@1.16.2-x86_64-linux",
            "pkg:gem/rack@3.0.9.1",
            "pkg:gem/rake@13.1.0",
            "pkg:nuget/Newtonsoft.Json@13.0.3",
            "pkg:nuget/System.Text.Json@8.0.0",
        ]
    );
    let rake = inv
        .packages
        .iter()
        .find(|p| p.name == "rake")
        .expect("rake");
    assert_eq!(rake.licenses, ["MIT"]);
    assert_eq!(
        rake.maintainer.as_deref(),
        Some("Hiroshi SHIBATA, Eric Hodel, Jim Weirich")
    );
    insta::assert_yaml_snapshot!("ruby_php_dotnet_cargo", inv.packages);
}

#[test]
fn registry_cache_key_and_names_are_stable() {
    let reg = Analyzers::default();
    assert_eq!(
        reg.names(),
        [
            "os-release",
            "dpkg",
            "apk",
            "rpm",
            "python-installed",
            "node-installed",
            "binary",
            "java-archive",
            "ruby-gemspec",
            "composer",
            "dotnet-deps"
        ]
    );
    assert!(reg.cache_key().starts_with("os-release@1,dpkg@1,"));
    let m = EntryMeta {
        size: 10,
        mode: 0o644,
    };
    for p in [
        "/etc/passwd",
        "/usr/share/doc/x/copyright",
        "/var/lib/dpkg/info/x.md5sums",
        "/usr/lib/python3/dist-packages/yaml/__init__.py",
    ] {
        assert!(!reg.required(p, &m), "{p}");
    }
}
