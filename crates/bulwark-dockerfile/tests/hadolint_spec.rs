//! Cases ported from Hadolint's `test/Hadolint/Rule/DL*Spec.hs` (`ruleCatches` /
//! `ruleCatchesNot` / `onBuildRuleCatches`), plus line-number checks.

use bulwark_dockerfile::{Config, Level, lint};

fn run(src: &str, config: &Config) -> Vec<(String, u32)> {
    lint("Dockerfile", src.as_bytes(), config)
        .findings
        .into_iter()
        .map(|f| (f.code, f.location.line.unwrap_or(0)))
        .collect()
}

fn enabled(code: &str) -> Config {
    let mut c = Config::default();
    c.overrides.insert(code.to_string(), Level::Warning);
    c
}

fn catches(code: &str, src: &str) {
    let found = run(src, &enabled(code));
    assert!(
        found.iter().any(|(c, _)| c == code),
        "{code} should fire on:\n{src}\nfound {found:?}"
    );
}

fn catches_not(code: &str, src: &str) {
    let found = run(src, &enabled(code));
    assert!(
        !found.iter().any(|(c, _)| c == code),
        "{code} should not fire on:\n{src}\nfound {found:?}"
    );
}

fn onbuild(src: &str) -> String {
    use std::fmt::Write;
    src.lines().fold(String::new(), |mut out, l| {
        let _ = writeln!(out, "ONBUILD {l}");
        out
    })
}

fn catches_ob(code: &str, src: &str) {
    catches(code, src);
    catches(code, &onbuild(src));
}

fn catches_not_ob(code: &str, src: &str) {
    catches_not(code, src);
    catches_not(code, &onbuild(src));
}

/// A case probed against the real Hadolint 2.15.1 binary: with the default configuration and
/// only Hadolint's rules, Bulwark must report exactly the `(code, line)` pairs Hadolint reported
/// (ShellCheck's `SC` codes left out). `what` names the behaviour; the expected pairs are
/// Hadolint's output, copied from `hadolint --no-fail -f json`.
fn catches_exactly(what: &str, src: &str, expected: &[(&str, u32)]) {
    let config = Config {
        hadolint_only: true,
        ..Config::default()
    };
    let mut found = run(src, &config);
    found.sort();
    found.dedup();
    let mut want: Vec<(String, u32)> = expected
        .iter()
        .map(|(c, l)| ((*c).to_string(), *l))
        .collect();
    want.sort();
    assert_eq!(
        found, want,
        "{what}: Hadolint 2.15.1 reports {want:?} on:\n{src}"
    );
}

fn lines_of(code: &str, src: &str) -> Vec<u32> {
    run(src, &enabled(code))
        .into_iter()
        .filter(|(c, _)| c == code)
        .map(|(_, l)| l)
        .collect()
}

#[test]
fn dl1001() {
    catches("DL1001", "# hadolint ignore=DL3000\nFROM scratch");
    catches_not("DL1001", "# a comment\nFROM scratch");
}

#[test]
fn dl3000() {
    catches("DL3000", "WORKDIR relative/dir");
    catches_not("DL3000", "WORKDIR /usr/local");
    catches_not("DL3000", "WORKDIR $foo");
    catches_not("DL3000", "WORKDIR \"/usr/local\"");
    catches_not("DL3000", "WORKDIR C:\\\\Windows");
    catches_not("DL3000", "WORKDIR 'C:/Windows'");
}

#[test]
fn dl3001() {
    catches_ob("DL3001", "RUN top");
    catches_ob("DL3001", "RUN apt-get install -y vim && vim foo");
    catches_not_ob("DL3001", "RUN apt-get install -y vim-tiny");
}

#[test]
fn dl3002() {
    catches("DL3002", "FROM debian\nUSER root");
    catches("DL3002", "FROM debian\nUSER root:root");
    catches("DL3002", "FROM debian\nUSER 0:0");
    catches_not("DL3002", "FROM debian\nUSER foo");
    catches_not("DL3002", "FROM debian\nUSER root\nUSER foo");
    // Hadolint checks the last USER of every stage, not only of the final one.
    catches(
        "DL3002",
        "FROM debian\nUSER root\nFROM alpine\nUSER foo\nUSER root\nUSER bar",
    );
    catches_not(
        "DL3002",
        "FROM debian\nUSER root\nUSER 1000\nFROM alpine\nUSER foo\nUSER root\nUSER bar",
    );
    assert_eq!(
        lines_of("DL3002", "FROM a\nUSER root\nFROM b\nUSER root\nRUN x"),
        [2, 4]
    );
}

#[test]
fn dl3003() {
    catches("DL3003", "RUN cd /opt");
    catches("DL3003", "RUN echo x && cd /opt && make");
    catches_not_ob("DL3003", "RUN make -C /opt");
    // Probed: Hadolint 2.15.1 does not apply DL3003 to `ONBUILD RUN`.
    catches_exactly(
        "ONBUILD RUN cd",
        "FROM a:1\nONBUILD RUN cd /opt\nONBUILD RUN echo x && cd /opt && make\n",
        &[],
    );
}

#[test]
fn dl3004() {
    catches_ob("DL3004", "RUN sudo apt-get update");
    catches_not_ob("DL3004", "RUN apt-get update");
    catches_not_ob("DL3004", "RUN echo sudo");
}

#[test]
fn dl3006() {
    catches("DL3006", "FROM debian");
    catches("DL3006", "FROM debian AS builder");
    catches_not("DL3006", "FROM ruby@sha256:f1dbca0f5dbc9");
    catches_not("DL3006", "FROM ruby:2");
    catches_not("DL3006", "FROM ${VALUE}");
    catches_not("DL3006", "FROM scratch");
    catches_not(
        "DL3006",
        "FROM golang:1.9.3-alpine3.7 AS build\nRUN foo\nFROM build as unit-test\nRUN bar\nFROM alpine:3.7\nRUN baz",
    );
    catches(
        "DL3006",
        "FROM golang:1.9.3-alpine3.7 AS build\nRUN foo\nFROM node as unit-test\nRUN bar\nFROM alpine:3.7\nRUN baz",
    );
}

#[test]
fn dl3007() {
    catches("DL3007", "FROM debian:latest");
    catches("DL3007", "FROM debian:latest AS builder");
    catches_not("DL3007", "FROM debian:jessie");
    catches_not("DL3007", "FROM debian:jessie AS latest");
    catches_not("DL3007", "FROM debian@sha256:abc");
}

#[test]
fn dl3008() {
    catches_ob("DL3008", "RUN apt-get install python");
    catches_ob("DL3008", "RUN apt-get install -y python=2.7 ruby");
    catches_not_ob("DL3008", "RUN apt-get install python=2.7");
    catches_not_ob("DL3008", "RUN apt-get install -y ./foo.deb /tmp/bar.deb");
    catches_not_ob(
        "DL3008",
        "RUN apt-get install -t buster-backports python=2.7",
    );
    catches_not_ob("DL3008", "RUN apt-get update");
    catches_ob(
        "DL3008",
        "RUN apt-get -y install --no-install-recommends \\\n  curl \\\n  git=1:2.30",
    );
}

#[test]
fn dl3009() {
    catches(
        "DL3009",
        "FROM debian\nRUN apt-get update && apt-get install -y python",
    );
    catches_not(
        "DL3009",
        "FROM debian\nRUN apt-get update && apt-get install -y python && rm -rf /var/lib/apt/lists/*",
    );
    catches_not("DL3009", "FROM debian\nRUN apt-get install -y python");
    catches_not(
        "DL3009",
        "RUN --mount=type=cache,target=/var/lib/apt \\\n    --mount=type=cache,target=/var/cache/apt \\\n    rm -f /etc/apt/apt.conf.d/docker-clean && \\\n    apt-get update && apt-get install python",
    );
    catches(
        "DL3009",
        "RUN --mount=type=cache,target=/var/cache/apt \\\n    rm -f /etc/apt/apt.conf.d/docker-clean && \\\n    apt-get update && apt-get install python",
    );
    catches(
        "DL3009",
        "FROM ubuntu as foo\nRUN hey!\nFROM scratch\nRUN apt-get update && apt-get install python",
    );
    catches_not(
        "DL3009",
        "FROM debian as build\nRUN apt-get update && apt-get install -y python\nFROM scratch\nCOPY --from=build /x /x",
    );
    catches(
        "DL3009",
        "FROM debian as base\nRUN apt-get update && apt-get install -y python\nFROM base\nRUN foo",
    );
    catches_not(
        "DL3009",
        "FROM ubuntu:20.04\nRUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install -y gcc",
    );
    catches_not(
        "DL3009",
        "FROM ubuntu:20.04\nRUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt apt-get update",
    );
    catches(
        "DL3009",
        "FROM debian\nONBUILD RUN apt-get update && apt-get install -y python",
    );
}

#[test]
fn dl3010() {
    catches(
        "DL3010",
        "FROM a\nCOPY packaged-app.tar /usr/src/app/\nRUN tar -xf /usr/src/app/packaged-app.tar",
    );
    catches(
        "DL3010",
        "FROM a\nCOPY foo.tar.gz bar/\nRUN tar --extract -f bar/foo.tar.gz",
    );
    catches_not("DL3010", "FROM a\nCOPY packaged-app.tar /usr/src/app/");
    catches_not("DL3010", "FROM a\nCOPY foo.txt /x\nRUN tar -xf foo.txt");
    catches_not(
        "DL3010",
        "FROM a\nCOPY --from=b x.tar /x/\nRUN tar -xf /x/x.tar",
    );
    assert_eq!(
        lines_of(
            "DL3010",
            "FROM a\nCOPY a.zip x.tgz /d/\nRUN tar -xzf /d/x.tgz"
        ),
        [2]
    );
}

#[test]
fn dl3011() {
    catches("DL3011", "EXPOSE 80000");
    catches("DL3011", "EXPOSE 80000/tcp");
    catches("DL3011", "EXPOSE 40000-80000/tcp");
    catches_not("DL3011", "EXPOSE 60000");
    catches_not("DL3011", "EXPOSE 60000/udp 8080-8090");
    catches_not("DL3011", "EXPOSE ${PORT}");
}

#[test]
fn dl3012() {
    catches(
        "DL3012",
        "FROM a\nHEALTHCHECK CMD /bin/true\nHEALTHCHECK CMD /bin/false",
    );
    catches_not(
        "DL3012",
        "FROM a\nHEALTHCHECK CMD /bin/true\nFROM b\nHEALTHCHECK CMD /bin/true",
    );
    catches_not("DL3012", "FROM a\nHEALTHCHECK CMD /bin/true");
}

#[test]
fn dl3013() {
    catches_ob("DL3013", "RUN pip install django");
    catches_ob("DL3013", "RUN pip3 install --upgrade pip");
    catches_ob("DL3013", "RUN python -m pip install django");
    catches_ob("DL3013", "RUN pip install git+https://github.com/x/y");
    catches_not_ob("DL3013", "RUN pip install django==1.9");
    catches_not_ob("DL3013", "RUN pip install 'django>=1.9'");
    catches_not_ob("DL3013", "RUN pip install -r requirements.txt");
    catches_not_ob("DL3013", "RUN pip install --requirement requirements.txt");
    catches_not_ob("DL3013", "RUN pip install .");
    catches_not_ob("DL3013", "RUN pip install -c constraints.txt django");
    catches_not_ob("DL3013", "RUN pip install git+https://github.com/x/y@v1.0");
    catches_not_ob("DL3013", "RUN pip install ./mypkg/ foo.whl bar.tar.gz");
    catches_not_ob(
        "DL3013",
        "RUN pip install --index-url https://x django==1.0",
    );
    catches_not_ob(
        "DL3013",
        "RUN pip install -i https://x django==1.0 --trusted-host x",
    );
    catches_not_ob("DL3013", "RUN pip freeze && pip download x");
}

#[test]
fn dl3014() {
    catches_ob("DL3014", "RUN apt-get install python");
    catches_not_ob("DL3014", "RUN apt-get install -y python");
    catches_not_ob("DL3014", "RUN apt-get install --yes python");
    catches_not_ob("DL3014", "RUN apt-get install --assume-yes python");
    catches_not_ob("DL3014", "RUN apt-get -qq install python");
    catches_not_ob("DL3014", "RUN apt-get -yq install python");
}

#[test]
fn dl3015() {
    catches_ob("DL3015", "RUN apt-get install -y python");
    catches_not_ob(
        "DL3015",
        "RUN apt-get install -y --no-install-recommends python",
    );
    catches_not_ob(
        "DL3015",
        "RUN apt-get -o APT::Install-Recommends=false install python",
    );
}

#[test]
fn dl3016() {
    catches_ob("DL3016", "RUN npm install express");
    catches_ob("DL3016", "RUN npm install @scope/pkg");
    catches_ob("DL3016", "RUN npm install git+https://github.com/x/y.git");
    catches_not_ob("DL3016", "RUN npm install");
    catches_not_ob("DL3016", "RUN npm install express@4.1.1");
    catches_not_ob("DL3016", "RUN npm install @scope/pkg@1.0.0");
    catches_not_ob("DL3016", "RUN npm install express@\"^4.1.1\"");
    catches_not_ob(
        "DL3016",
        "RUN npm install git+https://github.com/x/y.git#v1",
    );
    catches_not_ob("DL3016", "RUN npm install ./folder x.tgz");
    catches_not_ob("DL3016", "RUN npm run install");
}

#[test]
fn dl3018() {
    catches_ob("DL3018", "RUN apk add flex");
    catches_ob("DL3018", "RUN apk add --no-cache flex=2.6 bison");
    catches_not_ob("DL3018", "RUN apk add flex=2.6.4-r1");
    catches_not_ob("DL3018", "RUN apk add flex~2.6");
    catches_not_ob("DL3018", "RUN apk add --virtual .deps flex=1 ./x.apk");
    catches_not_ob("DL3018", "RUN apk add -t .deps flex=1");
}

#[test]
fn dl3019() {
    catches_ob("DL3019", "RUN apk add flex=2.6.4-r1");
    catches_not_ob("DL3019", "RUN apk add --no-cache flex=2.6.4-r1");
    catches_not(
        "DL3019",
        "RUN --mount=type=cache,target=/var/cache/apk apk add -U curl=7.77.0",
    );
    catches_not(
        "DL3019",
        "RUN --mount=type=cache,target=/var/cache/foo apk add --no-cache -U curl=7.77.0",
    );
    catches(
        "DL3019",
        "RUN --mount=type=cache,target=/var/cache/foo apk add -U curl=7.77.0",
    );
}

#[test]
fn dl3020() {
    catches("DL3020", "ADD file /usr/src/app/");
    catches("DL3020", "ADD a.tar.gz b.txt /x/");
    catches_not("DL3020", "ADD http://file.com /usr/src/app/");
    catches_not("DL3020", "ADD file.tar.gz /usr/src/app/");
    catches_not("DL3020", "ADD \"file.tar.xz\" /usr/src/app/");
    catches_not("DL3020", "COPY file /usr/src/app/");
}

#[test]
fn dl3021() {
    catches("DL3021", "COPY foo bar baz");
    catches("DL3021", "COPY [\"foo\", \"bar\", \"baz\"]");
    catches_not("DL3021", "COPY foo bar baz/");
    catches_not("DL3021", "COPY foo bar \"baz/\"");
    catches_not("DL3021", "COPY foo bar");
}

#[test]
fn dl3022() {
    catches("DL3022", "COPY --from=foo bar .");
    catches_not(
        "DL3022",
        "FROM scratch\nCOPY --from=docker:19.03.8 /usr/local/bin/docker /usr/local/bin/",
    );
    catches(
        "DL3022",
        "FROM scratch\nCOPY --from=hello-world /hello /hello",
    );
    catches("DL3022", "FROM scratch\nCOPY --from=$IMAGE /hello /hello");
    catches(
        "DL3022",
        "FROM scratch\nCOPY --from=build foo .\nFROM node as build\nRUN baz",
    );
    catches_not(
        "DL3022",
        "FROM scratch as build\nRUN foo\nFROM node\nCOPY --from=build foo .\nRUN baz",
    );
}

#[test]
fn dl3023() {
    catches("DL3023", "FROM node as foo\nCOPY --from=foo bar .");
    catches_not(
        "DL3023",
        "FROM scratch as build\nRUN foo\nFROM node as run\nCOPY --from=build foo .",
    );
    catches_not("DL3023", "FROM node\nCOPY --from=foo bar .");
}

#[test]
fn dl3024() {
    catches(
        "DL3024",
        "FROM node as foo\nRUN something\nFROM scratch as foo\nRUN something",
    );
    catches_not("DL3024", "FROM scratch\nRUN foo\nFROM node as foo\nRUN baz");
    assert_eq!(lines_of("DL3024", "FROM a as x\nFROM b as x"), [2]);
}

#[test]
fn dl3025() {
    catches("DL3025", "CMD my-program");
    catches("DL3025", "ENTRYPOINT my-program --arg");
    catches_not("DL3025", "CMD [\"my-program\"]");
    catches_not("DL3025", "ENTRYPOINT [\"my-program\", \"--arg\"]");
}

#[test]
fn dl3026() {
    let mut c = Config::default();
    c.trusted_registries.insert("docker.io".into());
    let fires = |src: &str, c: &Config| run(src, c).iter().any(|(x, _)| x == "DL3026");
    assert!(!fires("FROM debian:jessie", &c));
    assert!(fires("FROM randomguy.com/debian:jessie", &c));
    assert!(!fires("FROM scratch", &c));
    let mut g = Config::default();
    g.trusted_registries.insert("gcr.io".into());
    assert!(fires("FROM debian:jessie", &g));
    assert!(!fires("FROM gcr.io/debian:jessie", &g));
    assert!(!fires("FROM gcr.io/x:1 AS base\nFROM base", &g));
    assert!(!fires(
        "FROM randomguy.com/debian:jessie",
        &Config::default()
    ));
}

#[test]
fn dl3027() {
    catches_ob("DL3027", "RUN apt install python");
    catches_not_ob("DL3027", "RUN apt-get install python");
}

#[test]
fn dl3028() {
    catches_ob("DL3028", "RUN gem install bundler");
    catches_ob("DL3028", "RUN gem i bundler");
    catches_not_ob("DL3028", "RUN gem install bundler:1.1");
    catches_not_ob("DL3028", "RUN gem install bundler -v '2.0.1'");
    catches_not_ob("DL3028", "RUN gem install bundler --version '2.0.1'");
    catches_not_ob("DL3028", "RUN gem install bundler --version='2.0.1'");
    catches_not_ob("DL3028", "RUN gem update --system");
}

#[test]
fn dl3029() {
    catches("DL3029", "FROM --platform=linux debian:jessie");
    catches_not("DL3029", "FROM debian:jessie");
    catches_not(
        "DL3029",
        "FROM --platform=$BUILDPLATFORM golang:1.22 AS build",
    );
    catches_not("DL3029", "FROM --platform=${TARGETPLATFORM} debian:12");
}

#[test]
fn dl3030_to_dl3041_package_managers() {
    catches_ob("DL3030", "RUN yum install httpd-2.4.24 && yum clean all");
    catches_not_ob("DL3030", "RUN yum install -y httpd-2.4.24 && yum clean all");
    catches_ob("DL3032", "RUN yum install -y httpd-2.4.24");
    catches_not_ob("DL3032", "RUN yum install -y httpd-2.4.24 && yum clean all");
    catches_not_ob(
        "DL3032",
        "RUN yum install -y httpd-2.4.24 && rm -rf /var/cache/yum/*",
    );
    catches_ob("DL3033", "RUN yum install -y httpd && yum clean all");
    catches_not_ob("DL3033", "RUN yum install -y httpd-2.4.24 && yum clean all");
    // Hadolint's spec has this as a non-match, but Hadolint 2.15.1 flags it (an `.rpm` file
    // counts as versioned only when its name has a `-`): see `probed_dl3033`.
    catches_ob("DL3033", "RUN yum install -y /tmp/x.rpm");
    catches_ob("DL3033", "RUN yum module install -y nodejs");
    catches_not_ob("DL3033", "RUN yum module install -y nodejs:14");
    catches_ob("DL3034", "RUN zypper install httpd=2.4.24 && zypper clean");
    catches_not_ob(
        "DL3034",
        "RUN zypper install -y httpd=2.4.24 && zypper clean",
    );
    catches_not_ob(
        "DL3034",
        "RUN zypper --non-interactive install --no-confirm httpd=2.4.24",
    );
    catches_ob("DL3035", "RUN zypper dist-upgrade");
    catches_ob("DL3035", "RUN zypper dup");
    catches_not_ob("DL3035", "RUN zypper install -y x=1");
    catches_ob("DL3036", "RUN zypper install -y httpd=2.4.24");
    catches_ob(
        "DL3036",
        "RUN zypper clean && zypper install -y httpd=2.4.24",
    );
    catches_not_ob(
        "DL3036",
        "RUN zypper install -y httpd=2.4.24 && zypper clean",
    );
    catches_not_ob("DL3036", "RUN zypper in -y httpd=2.4.24 && zypper cc");
    catches_ob("DL3037", "RUN zypper install -y httpd && zypper clean");
    catches_not_ob(
        "DL3037",
        "RUN zypper install -y httpd=2.4.24 'php>=7' && zypper clean",
    );
    catches_ob("DL3038", "RUN dnf install httpd-2.4.24 && dnf clean all");
    catches_ob(
        "DL3038",
        "RUN microdnf install httpd-2.4.24 && microdnf clean all",
    );
    catches_not_ob("DL3038", "RUN dnf install -y httpd-2.4.24 && dnf clean all");
    catches_ob("DL3040", "RUN dnf install -y httpd-2.4.24");
    catches_ob("DL3040", "RUN microdnf install -y httpd-2.4.24");
    catches_not_ob("DL3040", "RUN dnf install -y httpd-2.4.24 && dnf clean all");
    catches_not_ob(
        "DL3040",
        "RUN microdnf install -y x-1 && microdnf clean all",
    );
    catches_ob("DL3041", "RUN dnf install -y httpd && dnf clean all");
    catches_ob("DL3041", "RUN dnf install -y python3-pip && dnf clean all");
    catches_not_ob("DL3041", "RUN dnf install -y httpd-2.4.24 && dnf clean all");
    catches_not_ob(
        "DL3041",
        "RUN dnf install -y python3-pip-20.2.4 && dnf clean all",
    );
    catches_ob("DL3041", "RUN dnf module install -y nodejs");
    catches_not_ob("DL3041", "RUN dnf module install -y nodejs:14");
    catches_not_ob("DL3041", "RUN dnf group install -y 'Development Tools'");
}

#[test]
fn dl3042() {
    catches_ob("DL3042", "RUN pip install django");
    catches_ob("DL3042", "RUN python3 -m pip install django");
    catches_not_ob("DL3042", "RUN pip install --no-cache-dir django");
    catches_not_ob("DL3042", "RUN PIP_NO_CACHE_DIR=1 pip install django");
    catches_not_ob("DL3042", "RUN pipx install django");
    catches_not_ob("DL3042", "RUN pipenv install django");
    catches_not_ob("DL3042", "RUN python -m pipenv install django");
    catches_not(
        "DL3042",
        "FROM python:3\nENV PIP_NO_CACHE_DIR=1\nRUN pip install django",
    );
    catches(
        "DL3042",
        "FROM python:3\nENV PIP_NO_CACHE_DIR=0\nRUN pip install django",
    );
    catches_not(
        "DL3042",
        "FROM python:3 AS base\nENV PIP_NO_CACHE_DIR=yes\nFROM base\nRUN pip install django",
    );
    catches(
        "DL3042",
        "FROM python:3 AS base\nENV PIP_NO_CACHE_DIR=yes\nFROM python:3\nRUN pip install django",
    );
}

#[test]
fn dl3043() {
    catches("DL3043", "ONBUILD FROM debian:buster");
    catches("DL3043", "ONBUILD ONBUILD RUN anything");
    catches("DL3043", "ONBUILD MAINTAINER Some Guy");
    catches_not("DL3043", "ONBUILD RUN anything");
}

#[test]
fn dl3044() {
    catches("DL3044", "ENV PATH=/bin:$PATH FOO=${PATH}");
    catches("DL3044", "ENV A=a B=${A}");
    catches_not("DL3044", "ENV A=a\nENV B=${A}");
    catches_not("DL3044", "ENV PATH=/bin:$PATH");
    catches_not("DL3044", "ARG A\nENV A=a B=${A}");
    catches_not("DL3044", "ENV A=a B=${AA}");
    catches("DL3044", "ENV A=a B=$A/bin");
    catches_not("DL3044", "ENV A=a B=$AB");
}

#[test]
fn dl3045() {
    catches("DL3045", "FROM scratch\nCOPY bla.sh blubb.sh");
    catches(
        "DL3045",
        "FROM scratch AS a\nWORKDIR /x\nFROM debian\nCOPY a b",
    );
    catches_not("DL3045", "FROM scratch\nWORKDIR /usr\nCOPY bla.sh blubb.sh");
    catches_not("DL3045", "FROM scratch\nCOPY bla.sh /usr/x.sh");
    catches_not("DL3045", "FROM scratch\nCOPY bla.sh \"/usr/x.sh\"");
    catches_not("DL3045", "FROM scratch\nCOPY bla.sh c:\\\\system32\\\\");
    catches_not("DL3045", "FROM scratch\nCOPY bla.sh $DEST");
    catches_not(
        "DL3045",
        "FROM scratch AS base\nWORKDIR /usr\nFROM base\nCOPY a b",
    );
}

#[test]
fn dl3046() {
    catches_ob("DL3046", "RUN useradd -u 123456 luser");
    catches_not_ob("DL3046", "RUN useradd -l -u 123456 luser");
    catches_not_ob("DL3046", "RUN useradd -u 12345 luser");
    catches_not_ob("DL3046", "RUN useradd luser");
}

#[test]
fn dl3047() {
    catches_ob("DL3047", "RUN wget https://x/y");
    catches_not_ob("DL3047", "RUN wget --progress=dot:giga https://x/y");
    catches_not_ob("DL3047", "RUN wget -q https://x/y");
    catches_not_ob("DL3047", "RUN wget -nv https://x/y");
    catches_not_ob("DL3047", "RUN wget --no-verbose https://x/y");
    catches_not_ob("DL3047", "RUN wget -o log https://x/y");
    catches_not_ob("DL3047", "RUN wget -a log https://x/y");
}

#[test]
fn dl3048() {
    catches("DL3048", "LABEL Foo=bar");
    catches("DL3048", "LABEL com.docker.x=bar");
    catches("DL3048", "LABEL foo..bar=x");
    catches("DL3048", "LABEL foo-=x");
    catches_not("DL3048", "LABEL org.opencontainers.image.title=x");
    catches_not("DL3048", "LABEL foo-bar.baz2=x");
}

fn schema(pairs: &[(&str, bulwark_dockerfile::LabelType)], strict: bool) -> Config {
    let mut c = Config::default();
    for (k, t) in pairs {
        c.label_schema.insert((*k).to_string(), *t);
    }
    c.strict_labels = strict;
    c
}

fn fires_with(code: &str, src: &str, c: &Config) -> bool {
    run(src, c).iter().any(|(x, _)| x == code)
}

#[test]
#[allow(clippy::many_single_char_names)]
fn dl3049_to_dl3058_labels() {
    use bulwark_dockerfile::LabelType::*;
    let c = schema(&[("foo", Text)], false);
    assert!(fires_with("DL3049", "FROM baseimage", &c));
    assert!(!fires_with(
        "DL3049",
        "FROM baseimage\nLABEL foo=\"bar\"",
        &c
    ));
    assert!(!fires_with(
        "DL3049",
        "FROM a AS base\nLABEL foo=bar\nFROM base",
        &c
    ));
    assert!(fires_with(
        "DL3049",
        "FROM a AS base\nLABEL foo=bar\nFROM b",
        &c
    ));
    assert!(!fires_with(
        "DL3049",
        "FROM a AS build\nFROM b\nLABEL foo=bar\nCOPY --from=build /x /x",
        &c
    ));
    assert!(!fires_with("DL3049", "FROM baseimage", &Config::default()));
    let s = schema(&[("foo", Text)], true);
    assert!(fires_with("DL3050", "FROM a\nLABEL bar=baz", &s));
    assert!(!fires_with("DL3050", "FROM a\nLABEL foo=baz", &s));
    assert!(!fires_with("DL3050", "FROM a\nLABEL bar=baz", &c));
    assert!(fires_with("DL3051", "FROM a\nLABEL foo=\"\"", &c));
    assert!(!fires_with("DL3051", "FROM a\nLABEL foo=x", &c));
    let u = schema(&[("url", Url)], false);
    assert!(fires_with("DL3052", "FROM a\nLABEL url=\"not a url\"", &u));
    assert!(!fires_with(
        "DL3052",
        "FROM a\nLABEL url=\"https://x.org\"",
        &u
    ));
    let t = schema(&[("created", Rfc3339)], false);
    assert!(fires_with("DL3053", "FROM a\nLABEL created=\"2020\"", &t));
    assert!(!fires_with(
        "DL3053",
        "FROM a\nLABEL created=\"2020-01-01T12:00:00Z\"",
        &t
    ));
    let l = schema(&[("license", Spdx)], false);
    assert!(fires_with(
        "DL3054",
        "FROM a\nLABEL license=\"MIT & Apache\"",
        &l
    ));
    assert!(!fires_with("DL3054", "FROM a\nLABEL license=\"MIT\"", &l));
    let h = schema(&[("rev", Hash)], false);
    assert!(fires_with("DL3055", "FROM a\nLABEL rev=\"xyz\"", &h));
    assert!(!fires_with("DL3055", "FROM a\nLABEL rev=\"2a3f4b5\"", &h));
    let v = schema(&[("version", Semver)], false);
    assert!(fires_with("DL3056", "FROM a\nLABEL version=\"1\"", &v));
    assert!(!fires_with(
        "DL3056",
        "FROM a\nLABEL version=\"1.0.0-rc1\"",
        &v
    ));
    let e = schema(&[("mail", Email)], false);
    assert!(fires_with("DL3058", "FROM a\nLABEL mail=\"nope\"", &e));
    assert!(!fires_with("DL3058", "FROM a\nLABEL mail=\"a@b.org\"", &e));
    let msgs: Vec<String> = lint("D", b"FROM a", &c)
        .findings
        .into_iter()
        .map(|f| f.message)
        .collect();
    assert!(msgs.contains(&"Label `foo` is missing.".to_string()));
}

#[test]
fn dl3057() {
    catches("DL3057", "FROM scratch");
    catches_not("DL3057", "FROM scratch\nHEALTHCHECK CMD /bin/true");
    catches_not(
        "DL3057",
        "FROM scratch AS base\nHEALTHCHECK CMD /bin/true\nFROM base",
    );
    catches(
        "DL3057",
        "FROM scratch AS base\nHEALTHCHECK CMD /bin/true\nFROM debian",
    );
    assert!(
        !run("FROM scratch", &Config::default())
            .iter()
            .any(|(c, _)| c == "DL3057")
    );
}

#[test]
fn dl3059() {
    catches("DL3059", "FROM a\nRUN foo\nRUN bar");
    catches_not("DL3059", "FROM a\nRUN foo\nWORKDIR /x\nRUN bar");
    catches_not("DL3059", "FROM a\nRUN foo && bar && baz\nRUN qux");
    catches_not(
        "DL3059",
        "FROM a\nRUN --mount=type=cache,target=/x foo\nRUN bar",
    );
    catches("DL3059", "FROM a\nRUN foo\n# comment\nRUN bar");
    assert_eq!(lines_of("DL3059", "FROM a\nRUN a\nRUN b\nRUN c"), [3, 4]);
    catches_not("DL3059", "RUN foo && bar\nRUN foobar");
    catches_not("DL3059", "RUN foo; bar\nRUN foobar");
    catches_not("DL3059", "RUN foobar\nRUN foo && bar");
    catches("DL3059", "RUN foo && bar\nRUN foo\nRUN bar");
    catches_not(
        "DL3059",
        "RUN --mount=type=secret,id=foo /foo.sh\nRUN --mount=type=secret,id=bar /bar.sh",
    );
    catches(
        "DL3059",
        "RUN --mount=type=secret,id=foo /foo.sh\nRUN --mount=type=secret,id=foo /bar.sh",
    );
}

#[test]
fn dl3060() {
    catches_ob("DL3060", "RUN yarn install");
    catches_not_ob("DL3060", "RUN yarn install && yarn cache clean");
    catches_not_ob("DL3060", "RUN yarn build");
}

#[test]
fn dl3061() {
    catches("DL3061", "LABEL foo=bar\nFROM foo");
    catches_not("DL3061", "ARG A=1\n# c\nFROM foo\nLABEL a=b");
    catches_not("DL3061", "FROM foo\nRUN x");
}

#[test]
fn dl3062() {
    catches_ob("DL3062", "RUN go install example.com/pkg");
    catches_ob("DL3062", "RUN go install example.com/pkg@latest");
    catches_not_ob("DL3062", "RUN go install example.com/pkg@v1.2.3");
    catches_not_ob("DL3062", "RUN go install /go/app/foobar");
    catches_not_ob("DL3062", "RUN go install ./app/foobar");
    catches_not_ob("DL3062", "RUN go install .");
    catches_ob("DL3062", "RUN go install tool foobar");
    catches_not_ob("DL3062", "RUN go install tool foobar@v1.2.3");
    catches_ob("DL3062", "RUN go get example.com/pkg");
    catches_ob("DL3062", "RUN go get -tool foobar@latest");
    catches_not_ob("DL3062", "RUN go get -tool foobar@v1.2.3");
    catches_ob("DL3062", "RUN go run example.com/pkg");
    catches_not_ob("DL3062", "RUN go run example.com/pkg@v1.2.3 --foo bar");
    catches_not_ob("DL3062", "RUN go run example.com/pkg@v1.2.3 foobar");
    catches_not_ob("DL3062", "RUN go build ./...");
}

#[test]
fn dl3063_to_dl3067() {
    catches("DL3063", "FROM debian:12 AS scratch");
    catches("DL3063", "FROM debian:12 AS context");
    catches_not("DL3063", "FROM debian:12 AS build");
    catches("DL3064", "ARG GITHUB_TOKEN");
    catches("DL3064", "ENV DB_PASSWORD=x");
    catches("DL3064", "ARG my_secret_value");
    catches_not("DL3064", "ARG VERSION=1");
    catches_not("DL3064", "ENV PATH=/x");
    catches("DL3065", "FROM --platform=$TARGETPLATFORM debian:12");
    catches("DL3065", "FROM --platform=${TARGETPLATFORM} debian:12");
    catches_not("DL3065", "FROM --platform=$BUILDPLATFORM debian:12");
    catches("DL3066", "USER app");
    catches("DL3066", "USER app:1000");
    catches_not("DL3066", "USER 1000");
    catches_not("DL3066", "USER 1000:1000");
    catches("DL3067", "FROM a AS b\nFROM c\nCOPY --from=b / /");
    catches_not("DL3067", "FROM a AS b\nFROM c\nCOPY --from=b /app /app");
    catches_not("DL3067", "FROM c\nCOPY / /");
}

#[test]
fn dl4000_to_dl4006() {
    catches("DL4000", "FROM a\nMAINTAINER Lukas");
    catches_not("DL4000", "FROM a\nLABEL maintainer=Lukas");
    catches("DL4001", "FROM a\nRUN wget x\nRUN curl y");
    catches("DL4001", "FROM a\nRUN wget x && curl y");
    catches_not("DL4001", "FROM a\nRUN wget x\nFROM b\nRUN curl y");
    catches_not("DL4001", "FROM a\nRUN curl x\nRUN curl y");
    assert_eq!(
        lines_of(
            "DL4001",
            "FROM a\nRUN wget x\nRUN echo\nRUN curl y\nRUN curl z"
        ),
        [4, 5]
    );
    catches("DL4003", "FROM a\nCMD a\nCMD b");
    catches_not("DL4003", "FROM a\nCMD a\nFROM b\nCMD b");
    catches("DL4004", "FROM a\nENTRYPOINT a\nENTRYPOINT b");
    catches_not("DL4004", "FROM a\nENTRYPOINT a\nFROM b\nENTRYPOINT b");
    catches_ob("DL4005", "RUN ln -sfv /bin/bash /bin/sh");
    catches_not_ob("DL4005", "RUN ln -sf /bin/true /sbin/initctl");
    catches("DL4006", "FROM a\nRUN wget -O - https://x | tar xz");
    catches_not(
        "DL4006",
        "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN wget -O - https://x | tar xz",
    );
    catches_not(
        "DL4006",
        "FROM a\nSHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN a | b",
    );
    catches(
        "DL4006",
        "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nFROM b\nRUN a | b",
    );
    catches_not(
        "DL4006",
        "FROM a\nSHELL [\"pwsh\", \"-c\"]\nRUN Get-Variable PSVersionTable | Select-Object -ExpandProperty Value",
    );
    catches_not("DL4006", "FROM a\nRUN a || b");
    // Hadolint's spec has this as a non-match, but Hadolint 2.15.1 flags it: only `bash`, `zsh`,
    // `ash` and their `/bin/` paths count (see `probed_dl4006`).
    catches(
        "DL4006",
        "FROM a\nSHELL [\"/usr/local/bin/zsh\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b",
    );
    catches(
        "DL4006",
        "FROM a\nSHELL [\"/bin/sh\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b",
    );
    catches(
        "DL4006",
        "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nSHELL [\"/bin/sh\", \"-c\"]\nRUN a | b",
    );
    catches_not("DL4006", "FROM a\nSHELL [ \"powershell.exe\" ]\nRUN a | b");
    catches_not("DL4006", "FROM a\nSHELL [ \"cmd.exe\", \"/c\" ]\nRUN a | b");
}

#[test]
fn pragmas() {
    let cfg = Config {
        hadolint_only: true,
        ..Config::default()
    };
    let src = "FROM debian\n# hadolint ignore=DL3008,DL3015\nRUN apt-get install -y python\n";
    let r = lint("D", src.as_bytes(), &cfg);
    assert!(
        !r.findings
            .iter()
            .any(|f| f.code == "DL3008" || f.code == "DL3015")
    );
    assert!(r.suppressed.iter().any(|s| s.finding.code == "DL3008"));
    assert!(r.findings.iter().any(|f| f.code == "DL3006"));
    let src = "# hadolint global ignore=DL3006\nFROM debian\nFROM ubuntu\n";
    assert!(lint("D", src.as_bytes(), &cfg).findings.is_empty());
    let src = "FROM debian:12\n# hadolint ignore=DL3008 # trailing comment\nRUN apt-get install -y --no-install-recommends python\n";
    assert!(lint("D", src.as_bytes(), &cfg).findings.is_empty());
    let src = "FROM debian:12\n# hadolint ignore=DL3008 because\nRUN apt-get install -y --no-install-recommends python\n";
    assert!(!lint("D", src.as_bytes(), &cfg).findings.is_empty());
    let mut off = cfg.clone();
    off.disable_ignore_pragma = true;
    let src = "FROM debian\n# hadolint ignore=DL3006\nFROM ubuntu\n";
    assert_eq!(lint("D", src.as_bytes(), &off).findings.len(), 2);
    let all = Config::default();
    let src = "FROM debian:12\nUSER 0\nEXPOSE 22\n";
    assert!(
        lint("D", src.as_bytes(), &all)
            .findings
            .iter()
            .any(|f| f.code == "BW1015")
    );
    let src = "FROM debian:12\nUSER 0\n# bulwark ignore=BW1015\nEXPOSE 22\n";
    let r = lint("D", src.as_bytes(), &all);
    assert!(!r.findings.iter().any(|f| f.code == "BW1015"));
    assert!(r.suppressed.iter().any(|s| s.finding.code == "BW1015"));
    // Hadolint's pragma alphabet has no B or W: `# hadolint ignore=BW1015` is not a pragma.
    let src = "FROM debian:12\nUSER 0\n# hadolint ignore=BW1015\nEXPOSE 22\n";
    assert!(
        lint("D", src.as_bytes(), &all)
            .findings
            .iter()
            .any(|f| f.code == "BW1015")
    );
}

#[test]
fn config_ignore_and_override() {
    let mut c = Config::default();
    c.ignored.insert("DL3006".into());
    c.overrides.insert("DL3007".into(), Level::Error);
    let r = lint("D", b"FROM debian\nFROM debian:latest\n", &c);
    assert!(!r.findings.iter().any(|f| f.code == "DL3006"));
    assert!(r.suppressed.iter().any(|s| s.finding.code == "DL3006"));
    let f = r.findings.iter().find(|f| f.code == "DL3007").unwrap();
    assert_eq!(f.severity, bulwark_report::Severity::Error);
}

#[test]
fn parse_errors_are_dl1000_only() {
    let r = lint(
        "D",
        b"FROM debian\nFOO bar\nRUN sudo x\n",
        &Config::default(),
    );
    assert_eq!(r.findings.len(), 1);
    assert_eq!(r.findings[0].code, "DL1000");
    assert_eq!(r.findings[0].location.line, Some(2));
}

#[test]
fn reported_line_is_instruction_start() {
    let src = "FROM debian:12\nRUN apt-get update \\\n && apt-get install -y \\\n   curl\n";
    let r = run(src, &Config::default());
    assert!(r.contains(&("DL3008".to_string(), 2)), "{r:?}");
    assert!(r.contains(&("DL3009".to_string(), 2)), "{r:?}");
}

#[test]
fn heredoc_scripts_are_linted_like_hadolint() {
    // The body of `RUN <<EOF` is the script, also with an interpreter after the marker (#1137).
    catches(
        "DL4006",
        "FROM a\nRUN <<EOF\nset -eux\necho 'abc' | cat\nEOF\n",
    );
    catches(
        "DL4006",
        "FROM a\nRUN <<EOF bash\n    set -euxo pipefail\n    echo 123 | cat\nEOF\n",
    );
    catches(
        "DL3008",
        "FROM a\nRUN <<EOF\napt-get install -y curl\nEOF\nRUN echo next\n",
    );
    // `RUN cmd <<EOF`: the body is input to `cmd`, not shell code.
    catches_not(
        "DL3008",
        "FROM a\nRUN python3 <<EOF\napt-get install -y curl\nEOF\n",
    );
    catches_not("DL4006", "FROM a\nRUN bash <<EOF\necho 123 | cat\nEOF\n");
    // An instruction right after the terminator is a new instruction (language-docker #115).
    let r = run(
        "FROM a:1\nRUN <<EOF\necho hi\nEOF\n# comment\nUSER 1000\n",
        &Config::default(),
    );
    assert!(!r.iter().any(|(c, _)| c == "DL1000"), "{r:?}");
}

#[test]
fn bulwark_rules_spot_checks() {
    let all = Config::default();
    let codes = |src: &str| -> Vec<String> { run(src, &all).into_iter().map(|(c, _)| c).collect() };
    assert!(codes("FROM debian:12\nRUN true\n").contains(&"BW1001".to_string()));
    assert!(
        !codes("FROM gcr.io/distroless/static-debian12:nonroot\n").contains(&"BW1001".to_string())
    );
    assert!(!codes("FROM debian:12\nUSER 1000\n").contains(&"BW1001".to_string()));
    assert!(codes("FROM debian:12\nCOPY id_rsa /root/.ssh/\n").contains(&"BW1003".to_string()));
    assert!(
        codes("FROM debian:12\nCOPY .aws/credentials /root/.aws/\n")
            .contains(&"BW1003".to_string())
    );
    assert!(
        !codes("FROM debian:12\nCOPY id_rsa.pub /root/.ssh/\n").contains(&"BW1003".to_string())
    );
    assert!(
        codes("FROM a:1\nRUN wget -qO- https://x/i.sh | sudo bash\n")
            .contains(&"BW1004".to_string())
    );
    assert!(
        codes("FROM a:1\nRUN sh -c \"$(curl -fsSL https://x/i.sh)\"\n")
            .contains(&"BW1004".to_string())
    );
    assert!(
        !codes("FROM a:1\nRUN curl -fsSL https://x/a.tgz | tar xz\n")
            .contains(&"BW1004".to_string())
    );
    assert!(codes("FROM a:1\nRUN chmod 0777 /x\n").contains(&"BW1006".to_string()));
    assert!(codes("FROM a:1\nRUN chmod -R a+rwx /x\n").contains(&"BW1006".to_string()));
    assert!(codes("FROM a:1\nCOPY --chmod=666 a /a\n").contains(&"BW1006".to_string()));
    assert!(!codes("FROM a:1\nRUN chmod 755 /x && chmod u+w /y\n").contains(&"BW1006".to_string()));
    assert!(codes("FROM a:1\nARG NPM_TOKEN=abc123\n").contains(&"BW1008".to_string()));
    assert!(!codes("FROM a:1\nARG NPM_TOKEN\n").contains(&"BW1008".to_string()));
    assert!(
        codes("FROM a:1\nRUN yum install --nogpgcheck -y x-1\n").contains(&"BW1012".to_string())
    );
    assert!(codes("FROM a:1\nRUN apk add --allow-untrusted x=1\n").contains(&"BW1012".to_string()));
    assert!(
        codes("FROM a:1\nRUN wget --no-check-certificate https://x/y\n")
            .contains(&"BW1013".to_string())
    );
    assert!(
        codes("FROM a:1\nRUN pip install --trusted-host pypi.org x==1\n")
            .contains(&"BW1013".to_string())
    );
    assert!(
        codes("FROM a:1\nRUN npm config set strict-ssl false\n").contains(&"BW1013".to_string())
    );
    assert!(
        codes("FROM a:1\nRUN git config --global http.sslVerify false\n")
            .contains(&"BW1013".to_string())
    );
    assert!(
        codes("FROM a:1\nENV NODE_TLS_REJECT_UNAUTHORIZED=0\n").contains(&"BW1013".to_string())
    );
    assert!(!codes("FROM a:1\nRUN curl -fsSL https://x/y -o y\n").contains(&"BW1013".to_string()));
    assert!(
        codes("FROM a:1\nRUN git clone http://example.com/r.git\n").contains(&"BW1014".to_string())
    );
    assert!(
        !codes("FROM a:1\nRUN curl http://localhost:8080/health\n").contains(&"BW1014".to_string())
    );
    assert!(codes("FROM a:1\nEXPOSE 20-25\n").contains(&"BW1015".to_string()));
    let hadolint_only = Config {
        hadolint_only: true,
        ..Config::default()
    };
    assert!(
        run("FROM debian:12\nEXPOSE 22\n", &hadolint_only)
            .iter()
            .all(|(c, _)| c.starts_with("DL"))
    );
}

#[test]
fn stage_ignore_pragma() {
    let cfg = Config {
        hadolint_only: true,
        ..Config::default()
    };
    let src = "FROM debian:foobar\n\nEXPOSE 80000\n\n# hadolint stage ignore=DL3011\nFROM debian:foobar\n\nEXPOSE 80000\n\nFROM debian:foobar\n\nEXPOSE 80000\n";
    let r = lint("D", src.as_bytes(), &cfg);
    let lines: Vec<u32> = r
        .findings
        .iter()
        .filter(|f| f.code == "DL3011")
        .filter_map(|f| f.location.line)
        .collect();
    assert_eq!(lines, [3, 12]);
    assert!(
        r.suppressed
            .iter()
            .any(|s| s.finding.location.line == Some(8))
    );
    // Not directly followed by FROM: no effect.
    let src = "# hadolint stage ignore=DL3011\n\nFROM debian:foobar\nEXPOSE 80000\n";
    assert_eq!(lint("D", src.as_bytes(), &cfg).findings.len(), 1);
}
#[test]
fn probed_dl3025() {
    catches_exactly(
        "HEALTHCHECK CMD in shell form",
        "FROM a:1\nHEALTHCHECK CMD /bin/true\n",
        &[("DL3025", 2)],
    );
    catches_exactly(
        "HEALTHCHECK CMD in JSON form",
        "FROM a:1\nHEALTHCHECK CMD [\"/bin/true\"]\n",
        &[],
    );
    catches_exactly("HEALTHCHECK NONE", "FROM a:1\nHEALTHCHECK NONE\n", &[]);
    catches_exactly(
        "HEALTHCHECK with options over two lines",
        "FROM a:1\nHEALTHCHECK --interval=5s \\\n  CMD curl -f http://x/ || exit 1\n",
        &[("DL3025", 2)],
    );
    catches_exactly(
        "ONBUILD forms are not checked",
        "FROM a:1\nONBUILD HEALTHCHECK CMD /bin/true\nONBUILD CMD /bin/true\nONBUILD ENTRYPOINT /bin/true\n",
        &[],
    );
}

#[test]
fn probed_dl4006() {
    catches_exactly(
        "SHELL [/usr/bin/bash, -o, pipefail, -c]",
        "FROM a:1\nSHELL [\"/usr/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
        &[("DL4006", 3)],
    );
    catches_exactly(
        "SHELL [/bin/zsh, -o, pipefail, -c]",
        "FROM a:1\nSHELL [\"/bin/zsh\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
        &[],
    );
    catches_exactly(
        "SHELL [zsh, -o, pipefail, -c]",
        "FROM a:1\nSHELL [\"zsh\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
        &[],
    );
    catches_exactly(
        "SHELL [/sbin/ash, -o, pipefail, -c]",
        "FROM a:1\nSHELL [\"/sbin/ash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
        &[("DL4006", 3)],
    );
    catches_exactly(
        "SHELL [/usr/bin/pwsh, -c]",
        "FROM a:1\nSHELL [\"/usr/bin/pwsh\", \"-c\"]\nRUN a | b\n",
        &[("DL4006", 3)],
    );
    catches_exactly(
        "SHELL [pwsh.exe, -c]",
        "FROM a:1\nSHELL [\"pwsh.exe\", \"-c\"]\nRUN a | b\n",
        &[],
    );
    catches_exactly(
        "SHELL [cmdfoo, -c]",
        "FROM a:1\nSHELL [\"cmdfoo\", \"-c\"]\nRUN a | b\n",
        &[],
    );
    catches_exactly(
        "SHELL [bash, -c, set -o pipefail]",
        "FROM a:1\nSHELL [\"bash\", \"-c\", \"set -o pipefail\"]\nRUN a | b\n",
        &[],
    );
    catches_exactly(
        "SHELL [/bin/bash, -euxo, pipefail, -c]",
        "FROM a:1\nSHELL [\"/bin/bash\", \"-euxo\", \"pipefail\", \"-c\"]\nRUN a | b\n",
        &[],
    );
    catches_exactly(
        "SHELL [/bin/bash, -c, -opipefail]",
        "FROM a:1\nSHELL [\"/bin/bash\", \"-c\", \"-opipefail\"]\nRUN a | b\n",
        &[("DL4006", 3)],
    );
    catches_exactly(
        "SHELL [/usr/bin/env, bash, -o, pipefail, -c]",
        "FROM a:1\nSHELL [\"/usr/bin/env\", \"bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
        &[("DL4006", 3)],
    );
    catches_exactly(
        "SHELL [/bin//bash, -o, pipefail, -c]",
        "FROM a:1\nSHELL [\"/bin//bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN a | b\n",
        &[("DL4006", 3)],
    );
    catches_exactly(
        "set -o pipefail inside RUN does not count",
        "FROM a:1\nRUN set -o pipefail && a | b\n",
        &[("DL4006", 2)],
    );
}

#[test]
fn probed_dl3013() {
    catches_exactly(
        "pipenv install is never flagged",
        "FROM a:1\nRUN pipenv install django\n",
        &[],
    );
    catches_exactly(
        "any name starting with pipenv",
        "FROM a:1\nRUN pipenvx install django\n",
        &[],
    );
    catches_exactly(
        "pipx install is flagged (DL3013, not DL3042)",
        "FROM a:1\nRUN pipx install django\n",
        &[("DL3013", 2)],
    );
    catches_exactly(
        "pip with a version suffix",
        "FROM a:1\nRUN pip2.7 install django\n",
        &[("DL3013", 2), ("DL3042", 2)],
    );
    catches_exactly(
        "pip by absolute path is not recognised",
        "FROM a:1\nRUN /usr/bin/pip install django\n",
        &[],
    );
}

#[test]
fn probed_dl3033() {
    catches_exactly(
        "yum install /tmp/x.rpm",
        "FROM a:1\nRUN yum install -y /tmp/x.rpm && yum clean all\n",
        &[("DL3033", 2)],
    );
    catches_exactly(
        "yum install x.rpm",
        "FROM a:1\nRUN yum install -y x.rpm && yum clean all\n",
        &[("DL3033", 2)],
    );
    catches_exactly(
        "yum install foo-1.0",
        "FROM a:1\nRUN yum install -y foo-1.0 && yum clean all\n",
        &[],
    );
    catches_exactly(
        "yum install https://x/y.rpm",
        "FROM a:1\nRUN yum install -y https://x/y.rpm && yum clean all\n",
        &[("DL3033", 2)],
    );
    catches_exactly(
        "yum install ./x.rpm",
        "FROM a:1\nRUN yum install -y ./x.rpm && yum clean all\n",
        &[("DL3033", 2)],
    );
    catches_exactly(
        "yum install foo-bar",
        "FROM a:1\nRUN yum install -y foo-bar && yum clean all\n",
        &[("DL3033", 2)],
    );
    catches_exactly(
        "yum install foo-x1",
        "FROM a:1\nRUN yum install -y foo-x1 && yum clean all\n",
        &[("DL3033", 2)],
    );
    catches_exactly(
        "yum install foo-v1",
        "FROM a:1\nRUN yum install -y foo-v1 && yum clean all\n",
        &[("DL3033", 2)],
    );
    catches_exactly(
        "yum install foo_1",
        "FROM a:1\nRUN yum install -y foo_1 && yum clean all\n",
        &[("DL3033", 2)],
    );
    catches_exactly(
        "yum install foo-1x",
        "FROM a:1\nRUN yum install -y foo-1x && yum clean all\n",
        &[],
    );
    catches_exactly(
        "yum install foo-$V",
        "FROM a:1\nRUN yum install -y foo-$V && yum clean all\n",
        &[("DL3033", 2)],
    );
    catches_exactly(
        "yum install foo.x86_64",
        "FROM a:1\nRUN yum install -y foo.x86_64 && yum clean all\n",
        &[("DL3033", 2)],
    );
    catches_exactly(
        "yum install foo-1.0.x86_64",
        "FROM a:1\nRUN yum install -y foo-1.0.x86_64 && yum clean all\n",
        &[],
    );
    catches_exactly(
        "yum install httpd-*",
        "FROM a:1\nRUN yum install -y httpd-* && yum clean all\n",
        &[("DL3033", 2)],
    );
    catches_exactly(
        "yum install foo-.1",
        "FROM a:1\nRUN yum install -y foo-.1 && yum clean all\n",
        &[("DL3033", 2)],
    );
    catches_exactly(
        "yum install foo-bar.rpm",
        "FROM a:1\nRUN yum install -y foo-bar.rpm && yum clean all\n",
        &[],
    );
    catches_exactly(
        "yum install a/b-c",
        "FROM a:1\nRUN yum install -y a/b-c && yum clean all\n",
        &[("DL3033", 2)],
    );
    catches_exactly(
        "yum install a/b-1",
        "FROM a:1\nRUN yum install -y a/b-1 && yum clean all\n",
        &[],
    );
    catches_exactly(
        "yum install x1-",
        "FROM a:1\nRUN yum install -y x1- && yum clean all\n",
        &[("DL3033", 2)],
    );
    catches_exactly(
        "yum install foo--1",
        "FROM a:1\nRUN yum install -y foo--1 && yum clean all\n",
        &[],
    );
    catches_exactly(
        "yum module without stream",
        "FROM a:1\nRUN yum module install -y php && yum clean all\n",
        &[("DL3033", 2)],
    );
    catches_exactly(
        "yum module with stream",
        "FROM a:1\nRUN yum module install -y php:7.4 && yum clean all\n",
        &[],
    );
}

/// Deliberate deviation: Hadolint 2.15.1 reports nothing on an empty file (probed with 0 bytes,
/// blank lines, a lone comment and a lone `# syntax=` directive); Bulwark reports one `DL1000`
/// at line 1, because `docker build` rejects a file without instructions.
#[test]
fn empty_file_is_one_dl1000() {
    for src in [
        "",
        "\n  \n\t\n",
        "# just a comment\n",
        "# syntax=docker/dockerfile:1\n\n",
    ] {
        let r = lint("empty", src.as_bytes(), &Config::default());
        let got: Vec<_> = r
            .findings
            .iter()
            .map(|f| (f.code.as_str(), f.location.line, f.message.as_str()))
            .collect();
        assert_eq!(
            got,
            [("DL1000", Some(1), bulwark_dockerfile::EMPTY_FILE_MESSAGE)],
            "{src:?}"
        );
    }
    // One instruction is enough to be linted normally.
    let r = lint("one", b"# c\nFROM alpine:3.20\n", &Config::default());
    assert!(
        r.findings.iter().all(|f| f.code != "DL1000"),
        "{:?}",
        r.findings
    );
    // `ignored: [DL1000]` suppresses it like any syntax error.
    let mut c = Config::default();
    c.ignored.insert("DL1000".into());
    let r = lint("empty", b"", &c);
    assert!(r.findings.is_empty() && r.suppressed.len() == 1, "{r:?}");
}

#[test]
fn probed_dl3022() {
    catches_exactly(
        "numeric index of an earlier stage",
        "FROM a:1\nRUN x\nFROM b:1\nCOPY --from=0 /a /b\n",
        &[],
    );
    catches_exactly(
        "index of the current stage",
        "FROM a:1\nCOPY --from=0 /a /b\n",
        &[],
    );
    catches_exactly(
        "index of a later stage",
        "FROM a:1\nCOPY --from=1 /a /b\nFROM b:1\n",
        &[("DL3022", 2)],
    );
    catches_exactly(
        "index past every stage",
        "FROM a:1\nFROM b:1\nCOPY --from=5 /a /b\n",
        &[("DL3022", 3)],
    );
    catches_exactly(
        "alias",
        "FROM a:1 AS x\nFROM b:1\nCOPY --from=x /a /b\n",
        &[],
    );
}

#[test]
fn probed_dl3060() {
    catches_exactly(
        "yarn install in the last stage",
        "FROM golang:1\nRUN go build\nFROM node:1\nRUN yarn install --pure-lockfile\n",
        &[("DL3060", 4)],
    );
    catches_exactly(
        "yarn install in an earlier stage is not reported",
        "FROM node:1\nRUN yarn install\nFROM debian:1\nRUN echo\n",
        &[],
    );
    catches_exactly(
        "a later FROM drops it even with aliases",
        "FROM a:1\nRUN yarn install\nFROM b:1 AS c\nFROM d:1\n",
        &[],
    );
    catches_exactly(
        "ARG does not end the stage",
        "FROM a:1\nRUN yarn install\nARG X\n",
        &[("DL3060", 2)],
    );
    catches_exactly(
        "yarn cache clean in a later RUN does not count",
        "FROM node:1\nRUN yarn install\nRUN yarn cache clean\n",
        &[("DL3059", 3), ("DL3060", 2)],
    );
    catches_exactly(
        "every RUN of the last stage",
        "FROM node:1\nRUN yarn install\nRUN yarn install\n",
        &[("DL3059", 3), ("DL3060", 2), ("DL3060", 3)],
    );
    catches_exactly(
        "ONBUILD RUN is reported even in an earlier stage",
        "FROM a:1\nONBUILD RUN yarn install\nFROM b:1\n",
        &[("DL3060", 2)],
    );
    catches_exactly(
        "before any FROM",
        "RUN yarn install\n",
        &[("DL3060", 1), ("DL3061", 1)],
    );
}

#[test]
fn probed_known_variable_versions() {
    catches_exactly(
        "dnf package with a stage ENV variable",
        "FROM a:1\nENV V 1.0\nRUN dnf install -y \"foo-$V\" && dnf clean all\n",
        &[],
    );
    catches_exactly(
        "the value does not matter",
        "FROM a:1\nENV V x\nRUN dnf install -y foo-$V && dnf clean all\n",
        &[],
    );
    catches_exactly(
        "ARG without a value",
        "FROM a:1\nARG V\nRUN dnf install -y foo-${V} && dnf clean all\n",
        &[],
    );
    catches_exactly(
        "global ARG",
        "ARG V\nFROM a:1\nRUN dnf install -y foo-$V && dnf clean all\n",
        &[],
    );
    catches_exactly(
        "variable of another stage",
        "FROM a:1\nENV V 1.0\nFROM b:1\nRUN dnf install -y foo-$V && dnf clean all\n",
        &[("DL3041", 4)],
    );
    catches_exactly(
        "unknown variable",
        "FROM a:1\nARG V\nRUN dnf install -y foo-$W && dnf clean all\n",
        &[("DL3041", 3)],
    );
    catches_exactly(
        "no dash",
        "FROM a:1\nARG V\nRUN dnf install -y foo$V && dnf clean all\n",
        &[("DL3041", 3)],
    );
    catches_exactly(
        "dash before, variable later",
        "FROM a:1\nARG V\nRUN dnf install -y foo-bar$V && dnf clean all\n",
        &[],
    );
    catches_exactly(
        "quoted variable",
        "FROM a:1\nARG V\nRUN dnf install -y foo-\"$V\" && dnf clean all\n",
        &[],
    );
    catches_exactly(
        "a default modifier does not count",
        "FROM a:1\nARG V\nRUN dnf install -y foo-${V:-1} && dnf clean all\n",
        &[("DL3041", 3)],
    );
    catches_exactly(
        "not inside ONBUILD",
        "FROM a:1\nENV V=1\nONBUILD RUN dnf install -y foo-$V && dnf clean all\n",
        &[("DL3041", 3)],
    );
    catches_exactly(
        "microdnf",
        "FROM a:1\nENV MYSQL_VERSION 8.0.35-1.el8\nRUN set -eux; microdnf install -y \"mysql-community-server-minimal-$MYSQL_VERSION\"; microdnf clean all\n",
        &[],
    );
    catches_exactly(
        "yum with a stage ENV variable",
        "FROM a:1\nENV V 1.0\nRUN yum install -y foo-$V && yum clean all\n",
        &[],
    );
    catches_exactly(
        "yum without a dash",
        "FROM a:1\nARG V\nRUN yum install -y foo$V && yum clean all\n",
        &[("DL3033", 3)],
    );
}

/// Deliberate deviation: a line ending in `\\` continues the instruction, as in BuildKit (its
/// continuation pattern is an escape character followed only by blanks, whatever precedes it).
/// Hadolint 2.15.1 instead ends the instruction there and reports DL1000 on the next line
/// (probed on a real-world file that writes `&& \\` at line ends).
#[test]
fn double_backslash_at_line_end_continues_like_buildkit() {
    let src = "FROM alpine:3.20\nRUN mkdir /a && \\\\\n    mkdir /b\n";
    let cfg = Config {
        hadolint_only: true,
        ..Config::default()
    };
    let r = lint("D", src.as_bytes(), &cfg);
    assert!(
        r.findings.iter().all(|f| f.code != "DL1000"),
        "{:?}",
        r.findings
    );
}

/// `# hadolint shell=NAME` and non-POSIX `SHELL`s only change which shell Hadolint gives
/// ShellCheck; every `DL` rule still applies, and `DL4006` looks at the `SHELL` instruction only.
#[test]
fn probed_shell_pragma() {
    catches_exactly(
        "shell=pwsh pragma does not silence DL4006",
        "# hadolint shell=pwsh\nFROM a:1\nRUN a | b\n",
        &[("DL4006", 3)],
    );
    catches_exactly(
        "shell=powershell pragma keeps the apt-get rules",
        "FROM a:1\n# hadolint shell=powershell\nRUN apt-get install foo\n",
        &[("DL3008", 3), ("DL3014", 3), ("DL3015", 3)],
    );
    catches_exactly(
        "SHELL pwsh silences DL4006 until the next FROM",
        "FROM a:1\nSHELL [\"pwsh\", \"-Command\"]\nRUN a | b\nFROM b:1\nRUN c | d\n",
        &[("DL4006", 5)],
    );
    catches_exactly(
        "shell=cmd pragma with a comment keeps DL3003 and ONBUILD DL3004",
        "# hadolint shell=cmd # windows\nFROM a:1\nRUN cd /tmp && make\nONBUILD RUN sudo make\n",
        &[("DL3003", 3), ("DL3004", 4)],
    );
    catches_exactly(
        "ONBUILD SHELL pwsh before ONBUILD RUN with a pipe",
        "FROM a:1\nONBUILD SHELL [\"pwsh\", \"-c\"]\nONBUILD RUN cd /x && a | b\n",
        &[],
    );
}
