//! Analyzers over real files of this Debian machine, checked against independent oracles
//! (`dpkg-query`, `python3 importlib.metadata`, `node`, `docker version`, `containerd --version`).

#![allow(clippy::expect_used, clippy::panic)] // test helpers outside #[test] fns

mod common;

use std::collections::BTreeMap;

use bulwark_catalog::{Analyzers, EntryMeta, PackageType};

/// (name, arch) → (version, source name, source version)
type DebKey = (String, String);
type DebVal = (String, Option<String>, Option<String>);

#[test]
fn dpkg_status_matches_dpkg_query() {
    if !std::path::Path::new("/var/lib/dpkg/status").exists() {
        eprintln!("SKIPPED: no dpkg database on this machine");
        return;
    }
    let Some(q) = common::run(
        "dpkg-query",
        &[
            "-W",
            "-f",
            "${Package}\t${Version}\t${Architecture}\t${source:Package}\t${source:Version}\t${db:Status-Abbrev}\n",
        ],
    ) else {
        eprintln!("SKIPPED: dpkg-query unavailable");
        return;
    };
    let reg = Analyzers::default();
    let batch = common::collect(&reg, &["/var/lib/dpkg/status"], 0);
    let inv = reg.analyze_layer(&batch);
    assert!(inv.errors.is_empty(), "{:?}", inv.errors);
    let ours: BTreeMap<DebKey, DebVal> = inv
        .packages
        .iter()
        .filter(|p| p.kind == PackageType::Deb)
        .map(|p| {
            (
                (p.name.clone(), p.arch.clone().unwrap_or_default()),
                (
                    p.version.clone(),
                    p.source_name.clone(),
                    p.source_version.clone(),
                ),
            )
        })
        .collect();
    let mut expected = BTreeMap::new();
    for line in q.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let [name, version, arch, src, src_ver, status] = f.as_slice() else {
            continue;
        };
        if status.trim() != "ii" {
            continue;
        }
        expected.insert(
            ((*name).to_owned(), (*arch).to_owned()),
            (
                (*version).to_owned(),
                Some((*src).to_owned()),
                Some((*src_ver).to_owned()),
            ),
        );
    }
    assert!(
        expected.len() > 50,
        "machine has only {} packages",
        expected.len()
    );
    assert_eq!(ours, expected);
}

#[test]
fn dpkg_lists_mark_python3_yaml_dist_info_as_os_owned() {
    let dist = "/usr/lib/python3/dist-packages";
    if !std::path::Path::new(dist).is_dir() || !std::path::Path::new("/var/lib/dpkg/info").is_dir()
    {
        eprintln!("SKIPPED: no Debian python3 dist-packages");
        return;
    }
    let reg = Analyzers::default();
    let batch = common::collect(&reg, &["/var/lib/dpkg", dist], 3);
    let inv = reg.analyze_layer(&batch);
    let py: Vec<_> = inv
        .packages
        .iter()
        .filter(|p| p.kind == PackageType::Python)
        .collect();
    assert!(!py.is_empty());
    // oracle: dpkg -S on each evidence file
    for p in &py {
        let owner = common::run("dpkg", &["-S", &p.location.path])
            .and_then(|o| o.split(':').next().map(str::to_owned));
        assert_eq!(
            p.owned_by_os_package, owner,
            "{} at {}",
            p.name, p.location.path
        );
    }
    if let Some(yaml) = py.iter().find(|p| p.name == "PyYAML") {
        assert_eq!(yaml.owned_by_os_package.as_deref(), Some("python3-yaml"));
        assert!(yaml.purl.starts_with("pkg:pypi/pyyaml@"), "{}", yaml.purl);
    }
    // deb PURLs carry the distro from this layer's os-release once it is in the batch
    let mut batch = batch;
    for f in ["/etc/os-release", "/etc/debian_version"] {
        if let Ok(d) = std::fs::read(f) {
            batch.insert(f, EntryMeta::default(), d);
        }
    }
    let inv = reg.analyze_layer(&batch);
    let os = inv.os.clone().expect("os-release present");
    let libc = inv
        .packages
        .iter()
        .find(|p| p.name == "libc6")
        .expect("libc6 installed");
    assert_eq!(
        libc.purl,
        format!(
            "pkg:deb/{}/libc6@{}?arch={}&distro={}-{}&upstream=glibc",
            os.id,
            bulwark_catalog::purl::encode(&libc.version),
            libc.arch.clone().unwrap_or_default(),
            os.id,
            os.version_id.clone().unwrap_or_default()
        )
    );
}

#[test]
fn python_site_packages_match_importlib_metadata() {
    let Some(site) = common::run(
        "python3",
        &["-c", "import site;print(site.getsitepackages()[0])"],
    ) else {
        eprintln!("SKIPPED: no python3");
        return;
    };
    let site = site.trim().to_owned();
    let Some(oracle) = common::run(
        "python3",
        &[
            "-c",
            &format!(
                "import importlib.metadata as m\nfor d in m.distributions(path=['{site}']):\n    print(d.metadata['Name'] + '\\t' + d.version)"
            ),
        ],
    ) else {
        return;
    };
    let reg = Analyzers::default();
    let batch = common::collect(&reg, &[&site], 2);
    let inv = reg.analyze_layer(&batch);
    let mut ours: Vec<String> = inv
        .packages
        .iter()
        .filter(|p| p.kind == PackageType::Python)
        .map(|p| format!("{}\t{}", p.name, p.version))
        .collect();
    let mut expected: Vec<String> = oracle.lines().map(str::to_owned).collect();
    ours.sort();
    ours.dedup();
    expected.sort();
    expected.dedup();
    assert!(expected.len() > 5);
    assert_eq!(ours, expected);
}

#[test]
fn npm_bundled_node_modules() {
    let root = "/usr/lib/node_modules/npm";
    if !std::path::Path::new(root).is_dir() {
        eprintln!("SKIPPED: no global npm");
        return;
    }
    let Some(version) = common::run(
        "node",
        &[
            "-p",
            "require('/usr/lib/node_modules/npm/package.json').version",
        ],
    ) else {
        return;
    };
    let Some(count) = common::run(
        "node",
        &[
            "-e",
            "const fs=require('fs'),p=require('path');let n=0;function w(d){for(const e of fs.readdirSync(d)){if(e.startsWith('.'))continue;const f=p.join(d,e);if(e.startsWith('@')){w(f);continue}try{const j=JSON.parse(fs.readFileSync(p.join(f,'package.json')));if(j.name&&j.version)n++}catch(x){}const nm=p.join(f,'node_modules');if(fs.existsSync(nm))w(nm)}}w('/usr/lib/node_modules');console.log(n)",
        ],
    ) else {
        return;
    };
    let reg = Analyzers::default();
    let batch = common::collect(&reg, &["/usr/lib/node_modules"], 12);
    let inv = reg.analyze_layer(&batch);
    let npm: Vec<_> = inv
        .packages
        .iter()
        .filter(|p| p.kind == PackageType::Npm)
        .collect();
    let me = npm
        .iter()
        .find(|p| p.name == "npm" && p.location.path == "/usr/lib/node_modules/npm/package.json")
        .expect("npm itself");
    assert_eq!(me.version, version.trim());
    assert_eq!(me.purl, format!("pkg:npm/npm@{}", version.trim()));
    assert_eq!(npm.len(), count.trim().parse::<usize>().unwrap_or(0));
}

#[test]
fn go_binary_docker_cli() {
    let bin = "/usr/local/bin/docker";
    let Ok(data) = std::fs::read(bin) else {
        eprintln!("SKIPPED: no docker CLI binary");
        return;
    };
    let Some(gov) = common::run("docker", &["version", "--format", "{{.Client.GoVersion}}"])
        .or_else(|| {
            // the client part prints even without a daemon, but then exits non-zero
            let o = std::process::Command::new("docker")
                .args(["version", "--format", "{{.Client.GoVersion}}"])
                .output()
                .ok()?;
            Some(String::from_utf8_lossy(&o.stdout).into_owned())
        })
    else {
        return;
    };
    let info = bulwark_catalog::analyzers::binary::go_buildinfo(&data)
        .expect("parses")
        .expect("is a Go binary");
    assert_eq!(info.go_version, gov.trim());
    let reg = Analyzers::default();
    assert!(reg.required(
        bin,
        &EntryMeta {
            size: data.len() as u64,
            mode: 0o755
        }
    ));
    let pkgs = bulwark_catalog::analyzers::binary::go_packages(&data, bin).expect("go packages");
    let stdlib = pkgs.iter().find(|p| p.name == "stdlib").expect("stdlib");
    assert_eq!(stdlib.version, gov.trim());
    assert!(
        pkgs.iter()
            .all(|p| p.kind == PackageType::GoModule && p.purl.starts_with("pkg:golang/"))
    );
    // This CLI is built in GOPATH mode: build info has `path` and `build` lines but no `mod`/`dep`
    // lines (checked by hand with a hex dump), so only the standard library is reported.
    assert_eq!(
        info.path.as_deref(),
        Some("github.com/docker/cli/cmd/docker")
    );
    assert!(info.deps.is_empty());
    let client = std::process::Command::new("docker")
        .args(["version", "--format", "{{.Client.Version}}"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let ldflags = info.settings.get("-ldflags").cloned().unwrap_or_default();
    assert!(
        ldflags.contains(&format!("cli/version.Version={client}")),
        "{ldflags} vs {client}"
    );
}

#[test]
fn go_binary_containerd_main_module() {
    let bin = "/usr/bin/containerd";
    let Ok(data) = std::fs::read(bin) else {
        eprintln!("SKIPPED: no containerd");
        return;
    };
    let Some(v) = common::run("containerd", &["--version"]) else {
        return;
    };
    // "containerd github.com/containerd/containerd 1.6.20~ds1 ..."
    let module = v.split_whitespace().nth(1).unwrap_or_default();
    let info = bulwark_catalog::analyzers::binary::go_buildinfo(&data)
        .expect("parses")
        .expect("Go binary");
    assert!(info.go_version.starts_with("go1."), "{}", info.go_version);
    let main_path = info
        .main
        .as_ref()
        .map(|m| m.0.as_str())
        .or(info.path.as_deref())
        .unwrap_or_default();
    assert!(
        main_path.starts_with(module),
        "main {main_path} vs --version {module}"
    );
}

#[test]
fn non_go_elf_yields_nothing() {
    let Ok(data) = std::fs::read("/usr/local/bin/git") else {
        return;
    };
    assert_eq!(
        bulwark_catalog::analyzers::binary::go_buildinfo(&data),
        Ok(None)
    );
    assert!(
        bulwark_catalog::analyzers::binary::rust_packages(&data, "/usr/local/bin/git")
            .expect("ok")
            .is_empty()
    );
}
