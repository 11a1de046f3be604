#!/usr/bin/env python3
"""Seeded generator of small Dockerfiles for differential testing against Hadolint.

usage: gen_hadolint_cases.py OUT_DIR COUNT [--seed N]

Writes OUT_DIR/case-NNNNN.Dockerfile and OUT_DIR/profiles.json ({file name: profile}). The
profile names the extra command-line options both linters get for that file (see PROFILES):
trusted registries for DL3026, a label schema for DL3049-DL3058, and the rules that are off by
default (DL1001, DL3057) switched on.

Every file is drawn from a grammar of what Hadolint's rules look at:

* instructions and their flags: FROM (tags, digests, `latest`, registries, variables,
  `--platform`, stage names, reserved names), COPY/ADD (`--from` with stage names, indexes and
  image references, archives, URLs, relative and absolute destinations, JSON form, heredocs),
  WORKDIR, USER, EXPOSE, LABEL, ENV/ARG (sensitive names, references to variables set on the
  same line or earlier, ARGs before FROM and in other stages), HEALTHCHECK, CMD/ENTRYPOINT,
  SHELL (pipefail, non-POSIX shells), ONBUILD, MAINTAINER, STOPSIGNAL, VOLUME;
* RUN with `--mount=type=cache|tmpfs|bind|secret` targets that do and do not cover each package
  manager's cache, `--network`, `--security`; shell form and exec form; line continuations with
  comments and blank lines inside;
* package-manager commands in their long and short forms with flags and option arguments in any
  position: apt-get/apt/aptitude, apk (version operators `=`, `~`, `>`, `<`, `>=`, `=~`), yum,
  dnf/microdnf (`in`, `up`, `rei`, `up-min`, modules, groups), zypper (`in`, `rm`, `si`, `dup`,
  `cc`), pip/pip3/python -m pip/pipx/pipenv, npm, yarn, gem, go; cleanup before and after
  install; wrappers (`sudo`, `env`), subshells, `if`, command substitutions;
* the commands other rules look for (cd, sudo, ssh, wget/curl, useradd, ln /bin/sh, pipes);
* inline pragmas (`# hadolint ignore=`, `global ignore=`, `shell=`) with spacing variants.

Seeded: the same arguments always give the same bytes.
"""
import json
import os
import random
import sys

# Options both linters get, per profile.
PROFILES = {
    "default": [],
    "registries": [
        "--trusted-registry", "docker.io", "--trusted-registry", "*.gcr.io",
        "--trusted-registry", "registry.corp:5000", "--trusted-registry", "quay.*",
        "--info", "DL1001", "--info", "DL3057",
    ],
    "labels": [
        "--require-label", "maintainer:text", "--require-label", "org.opencontainers.image.url:url",
        "--require-label", "org.opencontainers.image.created:rfc3339",
        "--require-label", "org.opencontainers.image.licenses:spdx",
        "--require-label", "org.opencontainers.image.revision:hash",
        "--require-label", "org.opencontainers.image.version:semver",
        "--require-label", "org.opencontainers.image.authors:email",
        "--strict-labels",
    ],
}

URL = ["https://example.com/pkg.tar.gz", "http://mirror.local/tool", "https://get.example.org/x.zip"]
DIGEST = "sha256:" + "ab" * 32


def pick(r, items):
    return r.choice(items)


def maybe(r, p, s, other=""):
    return s if r.random() < p else other


def shuffled_join(r, head, opts, tail):
    """`head` then options and operands in random order (options may precede the subcommand)."""
    words = list(opts) + list(tail)
    r.shuffle(words)
    return " ".join([head] + words)


class Gen:
    def __init__(self, r):
        self.r = r
        self.stage_names = []
        self.args = []
        self.envs = []
        self.stage_count = 0

    # ---------------------------------------------------------------- package managers
    def apt_pkgs(self):
        r = self.r
        out = []
        for _ in range(r.randint(1, 3)):
            out.append(pick(r, [
                "curl", "git", "ca-certificates", "curl=7.88.1-10", "python3=3.11.2-1+b1",
                "nginx/bookworm-backports", "./local.deb", "/tmp/pkg.deb", "libssl-dev=3.*",
                '"$PKG"', "${PKG}=1.0", "jq", "vim", "openssh-client",
            ]))
        return out

    def apt_get(self):
        r = self.r
        tool = pick(r, ["apt-get"] * 6 + ["apt", "aptitude"])
        k = r.random()
        if k < 0.3:
            return f"{tool} {maybe(r, 0.3, '-qq ')}update"
        if k < 0.85:
            opts = r.sample([
                "-y", "--yes", "-qq", "-q", "-q -q", "--quiet", "--quiet --quiet", "-q=2", "-qy",
                "--assume-yes", "-yq", "--no-install-recommends", "-o APT::Install-Recommends=false",
                "APT::Install-Recommends=false", "-t buster-backports", "--target-release=bookworm",
                "--target-release bookworm", "-f", "--fix-missing", "--quiet=2", "-y -q",
            ], r.randint(0, 3))
            sub = pick(r, ["install"] * 6 + ["upgrade", "dist-upgrade", "remove"])
            return shuffled_join(r, tool, opts, [sub] + self.apt_pkgs()) if r.random() < 0.3 else \
                " ".join([tool] + opts + [sub] + self.apt_pkgs())
        return pick(r, [
            "rm -rf /var/lib/apt/lists/*", "rm -rf /var/lib/apt/lists/* /tmp/*",
            "rm -r -f /var/lib/apt/lists/*", "rm -fr /var/lib/apt/lists/*",
            "rm -rf /var/lib/apt/lists", "apt-get clean", "apt-get autoclean",
            "rm -f /etc/apt/apt.conf.d/docker-clean", "rm /etc/apt/apt.conf.d/docker-clean",
            "echo 'Binary::apt::APT::Keep-Downloaded-Packages \"true\";' > /etc/apt/apt.conf.d/keep-cache",
            "rm -rf /var/lib/apt/lists/*.lz4",
        ])

    def apk(self):
        r = self.r
        k = r.random()
        if k < 0.75:
            opts = r.sample([
                "--no-cache", "--update", "-U", "--virtual .build-deps", "-t .deps",
                "--virtual=.x", "--repository http://dl-cdn.alpinelinux.org/alpine/edge/main",
                "-X https://mirror/alpine", "--update-cache", "--no-progress", "-q",
                "--repository=https://r/main", "--allow-untrusted",
            ], r.randint(0, 3))
            pkgs = [pick(r, [
                "curl", "bash", "curl=8.5.0-r0", "bash~5.2", "openssl>=3", "musl<2", "git=~2.43",
                "./pkg.apk", "libc6-compat>1.2", "tzdata<=2024", "py3-pip~=23", "'nginx>1'",
                "make", "ca-certificates=20240226-r0",
            ]) for _ in range(r.randint(1, 3))]
            if r.random() < 0.3:
                return " ".join(["apk"] + opts + ["add"] + pkgs)
            return " ".join(["apk", "add"] + opts + pkgs)
        return pick(r, ["apk update", "apk upgrade", "rm -rf /var/cache/apk/*", "apk --no-cache upgrade",
                        "apk del .build-deps", "apk cache clean"])

    def rpm_pkgs(self, tool):
        r = self.r
        return [pick(r, [
            "httpd", "httpd-2.4.6", "httpd-2.4.6-97.el7", "python3-pip", "nodejs-${NODE_VERSION}",
            "nodejs-$NODE_VERSION", "java-1.8.0-openjdk", "${PKG}", "x.rpm", "gcc-c++", "tar-1.30",
            "vim-enhanced-2:8.0.1763", "openssl-libs-1:1.1.1k", "git-core-2.39.3-1.el8_8",
            "redis-7.0_beta", "pkg-v1", "pkg-1.0-rc1", "pkg-1.0+git", "pkg-1.0~rc1", "nginx-1.*",
            "nodejs:18", "perl-$PERL_V", "foo-${VER}",
        ]) for _ in range(r.randint(1, 3))]

    def yum(self):
        r = self.r
        k = r.random()
        yes = r.sample(["-y", "--assumeyes", "-q", "--nogpgcheck", "--setopt=tsflags=nodocs",
                        "--enablerepo=epel"], r.randint(0, 2))
        if k < 0.55:
            sub = pick(r, ["install"] * 5 + ["groupinstall", "localinstall", "update", "reinstall"])
            if r.random() < 0.3:
                return " ".join(["yum"] + yes + [sub] + self.rpm_pkgs("yum"))
            return " ".join(["yum", sub] + yes + self.rpm_pkgs("yum"))
        if k < 0.7:
            return " ".join(["yum", "module"] + yes + [pick(r, ["install", "enable", "reset"])]
                            + [pick(r, ["nodejs:18", "nodejs", "php:8.1/common", "ruby"])])
        return pick(r, ["yum clean all", "rm -rf /var/cache/yum/*", "rm -rf /var/cache/yum",
                        "yum clean packages", "yum -y clean all"])

    def dnf(self):
        r = self.r
        tool = pick(r, ["dnf", "dnf", "microdnf"])
        k = r.random()
        yes = r.sample(["-y", "--assumeyes", "--nodocs", "--setopt=install_weak_deps=0",
                        "--refresh", "-q"], r.randint(0, 2))
        if k < 0.6:
            sub = pick(r, ["install"] * 4 + ["in", "upgrade", "up", "upgrade-minimal", "up-min",
                                             "reinstall", "rei", "groupinstall", "localinstall",
                                             "update"])
            if r.random() < 0.3:
                return " ".join([tool] + yes + [sub] + self.rpm_pkgs(tool))
            return " ".join([tool, sub] + yes + self.rpm_pkgs(tool))
        if k < 0.75:
            return " ".join([tool, pick(r, ["module", "group"])] + yes
                            + [pick(r, ["install", "enable"])]
                            + [pick(r, ["nodejs:18", "nodejs", "php:8.1/common", "'Development Tools'"])])
        return pick(r, [f"{tool} clean all", "rm -rf /var/cache/libdnf5*", "rm -rf /var/cache/dnf",
                        f"{tool} clean packages", f"{tool} -y clean all"])

    def zypper(self):
        r = self.r
        k = r.random()
        opts = r.sample(["-n", "--non-interactive", "-y", "--no-confirm", "-q",
                         "--no-recommends", "--gpg-auto-import-keys"], r.randint(0, 2))
        pkgs = [pick(r, ["curl", "curl=8.0", "vim>=9", "git<3", "make<=4.4", "x.rpm", "gcc>12",
                         "'python3>=3.11'", "ruby", "glibc-2.38"]) for _ in range(r.randint(1, 2))]
        if k < 0.55:
            sub = pick(r, ["install"] * 4 + ["in", "remove", "rm", "source-install", "si", "patch"])
            if r.random() < 0.5:
                return " ".join(["zypper"] + opts + [sub] + pkgs)
            return " ".join(["zypper", sub] + opts + pkgs)
        if k < 0.65:
            return " ".join(["zypper"] + opts + [pick(r, ["dist-upgrade", "dup", "update", "up", "refresh"])])
        return pick(r, ["zypper clean", "zypper cc", "zypper clean -a", "zypper -n clean --all",
                        "rm -rf /var/cache/zypp/*"])

    def pip(self):
        r = self.r
        head = pick(r, ["pip install", "pip3 install", "pip3.11 install", "python -m pip install",
                        "python3 -m pip install", "pipx install", "pipenv install",
                        "python3 -m pipx install", "/usr/bin/pip install", "pip --disable-pip-version-check install",
                        "pip install --upgrade", "PIP_NO_CACHE_DIR=1 pip install",
                        "pip3 --no-cache-dir install", "python -m pip", "pip download"])
        opts = r.sample([
            "--no-cache-dir", "--user", "-r requirements.txt", "--requirement=req.txt",
            "--requirement req.txt", "-e .", "--editable git+https://github.com/a/b#egg=b",
            "-c constraints.txt", "--constraint=c.txt", "--index-url https://pypi.local/simple",
            "-i https://pypi.local/simple", "--extra-index-url https://x/simple", "--trusted-host pypi.local",
            "--target /opt/lib", "-t /opt/lib", "--prefix /usr/local", "-U", "--no-deps",
            "--progress-bar off", "--root-user-action=ignore", "--root-user-action ignore",
            "--break-system-packages", "--upgrade-strategy eager", "--src /src", "-q",
        ], r.randint(0, 3))
        pkgs = [pick(r, [
            "requests", "requests==2.31.0", "requests>=2", "'requests<3'", "requests[security]==1.0",
            "git+https://github.com/a/b@v1.0", "git+https://github.com/a/b", "./pkg.whl",
            "pkg-1.0.tar.gz", "/src/pkg", "pip", "setuptools~=68.0", "pkg!=1", "pkg===1.0", ".",
            "'flask>=2,<3'", "numpy", "${PKG}", "poetry==1.8.2", "svn+https://svn.local/x",
        ]) for _ in range(r.randint(0, 3))]
        words = opts + pkgs
        r.shuffle(words)
        return " ".join([head] + words)

    def npm(self):
        r = self.r
        head = pick(r, ["npm install", "npm install", "npm i", "npm ci", "npm --prefix /app install",
                        "npm install -g", "npm install --global", "npm add"])
        opts = r.sample(["--loglevel verbose", "--loglevel=warn", "--registry https://npm.local",
                         "--registry=https://npm.local", "--save-dev", "--production", "-g",
                         "--unsafe-perm", "--no-audit", "-D", "--omit=dev"], r.randint(0, 2))
        pkgs = [pick(r, [
            "express", "express@4.18.2", "@scope/pkg", "@scope/pkg@1.0.0", "pkg@latest",
            "git+https://github.com/a/b.git#v1.0", "git+https://github.com/a/b.git",
            "git://github.com/a/b.git#abc123", "git+ssh://git@github.com:a/b.git#semver:^1",
            "./folder", "../x", "~/x", "/abs/path", "pkg.tgz", "x.tar.gz", "y.tar", "npm@10",
            "typescript@~5.4", "'lodash@^4'",
        ]) for _ in range(r.randint(0, 3))]
        words = opts + pkgs
        r.shuffle(words)
        if r.random() < 0.15:
            return "npm cache clean --force"
        return " ".join([head] + words)

    def yarn(self):
        r = self.r
        return pick(r, ["yarn install", "yarn install --frozen-lockfile", "yarn", "yarn global add typescript",
                        "yarn cache clean", "yarn cache clean --all", "yarn add lodash", "yarn --cwd /app install",
                        "yarn install --production && yarn cache clean", "yarn build"])

    def gem(self):
        r = self.r
        head = pick(r, ["gem install", "gem i", "gem update", "gem install --no-document", "gem install -N"])
        pkgs = [pick(r, ["rails", "rails:7.1.0", "bundler:2.4.22", "rake", "nokogiri", "'json:2.7'"])
                for _ in range(r.randint(1, 2))]
        tail = pick(r, ["", "", " -v 1.0", " --version 1.0", " --version=1.0", " -- --with-opt=/x",
                        " -- --use-system-libraries", " --no-document", " -v '~> 2.0'", " --conservative"])
        return " ".join([head] + pkgs) + tail

    def go(self):
        r = self.r
        pkg = pick(r, ["github.com/a/b@v1.2.3", "github.com/a/b@latest", "github.com/a/b",
                       "golang.org/x/tools/cmd/goimports@none", ".", "./cmd/app", "../x",
                       "/go/src/app", "github.com/a/b/...@v0.1.0", "example.com/m@master"])
        sub = pick(r, ["install", "install", "get", "get -u", "run", "build", "install -v", "tool", "mod download"])
        extra = pick(r, ["", "", " arg1", " --flag value"])
        return f"go {sub} {pkg}{extra}"

    # ---------------------------------------------------------------- other commands
    def misc(self):
        r = self.r
        return pick(r, [
            "cd /tmp", "cd /app && make", "sudo apt-get update", "sudo -u app make", "ssh host ls",
            "vim /etc/hosts", "shutdown -h now", "service nginx start", "ps aux", "free -m", "top -b -n1",
            "kill -9 1", "mount -a", "ifconfig", "ln -s /bin/bash /bin/sh", "ln -sf /bin/bash /bin/sh",
            "ln -s /bin/sh /bin/foo", "echo hello", "make -j4", "chmod +x /entrypoint.sh",
            "wget https://example.com/x", "wget -q https://example.com/x", "wget -nv https://example.com/x",
            "wget --progress=dot:giga https://example.com/x", "wget -O /tmp/x https://example.com/x",
            "wget -o /tmp/log https://example.com/x", "wget -a log https://example.com/x",
            "wget --no-verbose https://e/x", "wget --quiet https://e/x", "wget --progress=bar https://e",
            "wget -qO- https://e/x", "curl -fsSL https://example.com/x", "curl -o x https://e/x",
            "useradd -u 1000 app", "useradd -u 100000 app", "useradd -l -u 100000 app",
            "useradd --no-log-init -u 1234567 app", "useradd --uid 1234567 app", "useradd -r app",
            "useradd -lu 100000 app", "useradd -u 12345678 -l app", "useradd -m -u 99999999 app",
            "groupadd -g 100000 grp", "tar -xzf /tmp/app.tar.gz", "tar xzf app.tar.gz -C /opt",
            "tar --extract -f /tmp/app.tar", "unzip /tmp/x.zip", "gunzip app.gz", "tar -czf out.tgz .",
            "tar -x -f /src/archive.tar.xz", "zcat a.gz", "bash -c 'apt-get install curl'",
            "sh -c \"pip install flask\"", "env DEBIAN_FRONTEND=noninteractive apt-get install -y curl",
            "set -eux", "set -o pipefail", "true", "cat /etc/os-release | grep ID", "echo x | tee /y",
            "./configure --prefix=/usr", "mkdir -p /var/cache/apt/archives", "rm -rf /tmp/*",
        ])

    def command(self):
        r = self.r
        k = r.random()
        for p, f in ((0.16, self.apt_get), (0.26, self.apk), (0.34, self.yum), (0.44, self.dnf),
                     (0.52, self.zypper), (0.64, self.pip), (0.72, self.npm), (0.76, self.yarn),
                     (0.81, self.gem), (0.86, self.go)):
            if k < p:
                return f()
        return self.misc()

    def script(self):
        r = self.r
        cmds = [self.command() for _ in range(r.randint(1, 4))]
        # A coherent sequence now and then: install then clean up (or the reverse).
        if r.random() < 0.35:
            family = pick(r, [
                ("apt-get update", "apt-get install -y --no-install-recommends curl=7.88.1-10", "rm -rf /var/lib/apt/lists/*"),
                ("apk update", "apk add curl=8.5.0-r0", "rm -rf /var/cache/apk/*"),
                ("yum makecache", "yum install -y httpd-2.4.6", "yum clean all"),
                ("dnf makecache", "dnf install -y httpd-2.4.6", "dnf clean all"),
                ("microdnf update", "microdnf install -y httpd-2.4.6", "microdnf clean all"),
                ("zypper refresh", "zypper install -y curl=8.0", "zypper clean"),
                ("yarn config set x y", "yarn install", "yarn cache clean"),
                ("dnf makecache", "dnf in -y httpd-2.4.6", "rm -rf /var/cache/libdnf5*"),
            ])
            order = list(family)
            if r.random() < 0.3:
                order = [order[0], order[2], order[1]]
            cmds = order + cmds[:r.randint(0, 1)]
        seps = [" && ", " && ", "; ", " || ", " | ", " \\\n    && ", " ;\\\n  ", " && \\\n    # comment inside\n    "]
        out = cmds[0]
        for c in cmds[1:]:
            out += pick(r, seps) + c
        k = r.random()
        if k < 0.05:
            out = f"set -eux; {out}"
        elif k < 0.08:
            out = f"({out})"
        elif k < 0.11:
            out = f"if [ -f /x ]; then {out}; fi"
        elif k < 0.13:
            out = f"echo $({cmds[0]})"
        elif k < 0.15:
            out = f"for p in a b; do {out}; done"
        elif k < 0.30:
            out = self.shell_edge(out, cmds)
        return out

    def shell_edge(self, out, cmds):
        """Shell syntax that a parser must get right for the command list to be ShellCheck's."""
        r = self.r
        c = cmds[0]
        name, _, rest = c.partition(" ")
        return pick(r, [
            f"sudo {c}", f"sudo -u app {c}", f"env DEBIAN_FRONTEND=noninteractive {c}",
            f"DEBIAN_FRONTEND=noninteractive {c}", f"A=1 B=2 {c}", f"xargs {c}", f"exec {c}",
            f"command {c}", f"nice -n 5 {c}", f"time {c}", f"! {c}", f"{{ {c}; }}",
            f"bash -c '{c}'", f"sh -c \"{c}\"", f'"{name}" {rest}', f"'{name}' {rest}",
            f"\\{name} {rest}", f"/usr/bin/{name} {rest}", f"{c} # trailing comment",
            f"{c} > /dev/null 2>&1", f"{c} 2>/dev/null", f"{c} < /dev/null", f"{c} &", f"{c} & wait",
            f"{c} <<< input", f"case $x in a) {c};; *) true;; esac", f"while false; do {c}; done",
            f"until true; do {c}; done", f"f() {{ {c}; }}; f", f"function g {{ {c}; }}",
            f"[[ -f /x ]] && {c}", f"(( 1 + 1 )) && {c}", f"[ -f /x ] || {c}", f"echo `{c}`",
            f"x=$({c}) && echo $x", f"echo \"$({c})\"", f"diff <({c}) /x", f"coproc {c}",
            f"{out} \\\n    && true", f"{c}; \\\n\\\n    true", f"{c} \\\n\n    && echo next",
            f"{c} \\\n    \n    && echo blank-line-inside", f"{name} \\\n    {rest}",
            f"echo {{a,b}}-x && {c}", f"{name} {rest} $(cat /list.txt)", f"{name} {rest} ${{PKGS}}",
            f"{name} {rest} $PKGS", f"{name} {rest} \"${{PKG}}=${{VER}}\"", f"{c} || exit 1",
            f"set -o pipefail && {c} | tee /log", f"{c} |& tee /log", f"{c} | sh", f"if {c}; then true; fi",
            f"{c}\n", f"{c};", f"{c} ;", f"  {c}  ", f"{c}\t&& true",
        ])

    def mount(self):
        r = self.r
        kind = pick(r, ["cache"] * 5 + ["tmpfs"] * 2 + ["bind", "secret", "ssh"])
        target = pick(r, [
            "/var/lib/apt/lists", "/var/lib/apt", "/var/cache/apt", "/var/cache/apk", "/etc/apk/cache",
            "/root/.cache/pip", "/home/app/.cache/pip", "/root/.cache", "/var/cache/zypp",
            "/var/cache/libdnf5", "/root/.cache/libdnf5", "/var/cache/dnf", "/var/cache/yum",
            "/usr/local/share/.cache/yarn", "/root/.cache/yarn", "/root/.npm", "/root/.gem",
            "/go/pkg/mod", "/tmp", "/var/lib/apt/lists/", "/var/cache/apt/archives",
        ])
        key = pick(r, ["target", "target", "dst", "destination"])
        parts = [f"{key}={target}"]
        if kind != "bind" or r.random() < 0.5:
            parts.insert(0, f"type={kind}")
        if kind == "cache" and r.random() < 0.4:
            parts.append(pick(r, ["sharing=locked", "id=apt", "sharing=private", "mode=0755", "uid=0"]))
        if kind == "cache" and r.random() < 0.05:
            parts.append(pick(r, ["from=builder", "from=gcr.io/x/y:1", "source=/x"]))
        if kind == "bind" and r.random() < 0.4:
            parts.append(pick(r, ["source=.", "from=builder", "from=alpine:3.19", "ro", "rw"]))
        if kind == "secret":
            parts = ["type=secret", "id=npmrc"] + (["target=/root/.npmrc"] if r.random() < 0.5 else [])
        if kind == "ssh":
            parts = ["type=ssh"]
        if kind == "tmpfs" and r.random() < 0.3:
            parts.append("size=64m")
        r.shuffle(parts) if r.random() < 0.3 else None
        return "--mount=" + ",".join(parts)

    def run(self):
        r = self.r
        flags = [self.mount() for _ in range(r.choice([0, 0, 0, 1, 1, 2]))]
        if r.random() < 0.05:
            flags.append(pick(r, ["--network=none", "--network=host", "--network=default", "--security=insecure"]))
        if r.random() < 0.08:
            cmd = self.command().split()
            body = json.dumps(cmd)
        elif r.random() < 0.04:
            body = "<<EOF\n" + self.script() + "\nEOF\n"
        else:
            body = self.script()
        return "RUN " + " ".join(flags + [body])

    # ---------------------------------------------------------------- other instructions
    def image(self):
        r = self.r
        img = pick(r, [
            "debian", "debian:12", "debian:latest", f"debian@{DIGEST}", f"debian:latest@{DIGEST}",
            "ubuntu:22.04", "alpine:3.19", "alpine", "scratch", "$BASE", "${BASE}:${TAG}", "${BASE_IMAGE}",
            "gcr.io/distroless/base", "eu.gcr.io/p/app:1", "registry.corp:5000/app:1", "localhost/x:1",
            "docker.io/library/debian:12", "quay.io/x/y:1", "ghcr.io/o/r:2", "library/node:20",
            "fedora:40", "opensuse/leap:15.5", "centos:7", "redhat/ubi9-minimal:9.4", "python:3.12-slim",
            "registry.corp:5000/team/base", "quay.io/x/y:latest", "my.registry/app:latest@" + DIGEST,
        ])
        if self.stage_names and r.random() < 0.3:
            img = pick(r, self.stage_names)
        return img

    def from_(self):
        r = self.r
        plat = ""
        if r.random() < 0.12:
            plat = pick(r, ["--platform=linux/amd64 ", "--platform=$BUILDPLATFORM ", "--platform=$TARGETPLATFORM ",
                            "--platform=${TARGETPLATFORM} ", "--platform=${BUILDPLATFORM:-linux/amd64} "])
        img = self.image()
        alias = ""
        if r.random() < 0.55:
            name = pick(r, ["build", "builder", "deps", "base", "final", "test", "scratch", "context",
                            "runtime", "build"] + self.stage_names)
            alias = f" {pick(r, ['AS', 'as', 'As'])} {name}"
            self.stage_names.append(name)
        self.stage_count += 1
        return f"{pick(r, ['FROM'] * 8 + ['from'])} {plat}{img}{alias}"

    def copy(self):
        r = self.r
        kw = pick(r, ["COPY"] * 4 + ["ADD", "ADD"])
        flags = []
        if kw == "COPY" and r.random() < 0.4:
            src = pick(r, self.stage_names + ["0", "1", "5", "nginx:latest", "gcr.io/x/y:1",
                                              "docker.io/library/alpine:3", "undefined", "quay.io/a/b",
                                              "registry.corp:5000/img:1", "$STAGE", "busybox"])
            flags.append(f"--from={src}")
        if r.random() < 0.2:
            flags.append(pick(r, ["--chown=1000:1000", "--chown=app:app", "--chmod=755", "--link"]))
        if kw == "ADD" and r.random() < 0.1:
            flags.append(f"--checksum={DIGEST}")
        srcs = r.sample([
            ".", "app", "app.tar.gz", "app.tgz", "x.zip", "dist/", "requirements.txt", "/", "src/*.py",
            URL[0], URL[1], URL[2], '"quoted dir"', "archive.tar.xz", "file.bz2", "git@github.com:a/b.git",
            "package.json", "yarn.lock",
        ], r.randint(1, 3))
        dest = pick(r, ["/app", "/app/", "app", "app/", ".", "./", "/", "$HOME/x", "${DIR}/", "/tmp/",
                        "/tmp/app.tar.gz", "C:\\\\app", "c:/x", '"/quoted/"', "dest.tar.gz"])
        if r.random() < 0.08:
            return f"{kw} {' '.join(flags)} {json.dumps(srcs + [dest])}".replace("  ", " ")
        if kw == "COPY" and r.random() < 0.03:
            return f"COPY <<EOF /app/config\nkey=value\nEOF\n"
        return " ".join([kw] + flags + srcs + [dest])

    def var_name(self):
        r = self.r
        return pick(r, ["VERSION", "APP_HOME", "PATH", "HOME", "DEBIAN_FRONTEND", "NODE_VERSION", "PKG",
                        "GITHUB_TOKEN", "DB_PASSWORD", "AWS_SECRET_ACCESS_KEY", "api_key", "MY_SECRET_DIR",
                        "TOKEN_URL", "USERNAME", "PRIVATE_REPO", "PIP_NO_CACHE_DIR", "UID", "GID", "USER",
                        "BASE", "TAG", "A", "B", "AB", "PERL_V", "VER", "DIR", "CLIENT_KEY", "npm_token",
                        "OPENAI_API_KEY", "Password"])

    def var_value(self, names):
        r = self.r
        k = r.random()
        if k < 0.35 and names:
            n = pick(r, names)
            return pick(r, [f"${n}", f"${{{n}}}", f"${n}:/x", f"/opt/${{{n}}}/bin", f"${n}X",
                            f"${{{n}:-default}}", f"\"${n}\"", f"'${n}'", f"${n}_suffix", f"${n}-x"])
        return pick(r, ["1", "1.2.3", "/opt/app", "noninteractive", "true", "off", "0", "yes", "False",
                        "\"a b\"", "''", "x", "/usr/local/bin:$PATH", "$PATH:/opt/bin", "${HOME}/.local"])

    def env(self):
        r = self.r
        n = r.randint(1, 3)
        pairs = []
        names = []
        for _ in range(n):
            name = self.var_name()
            pairs.append((name, self.var_value(names + [name] + self.args[-2:])))
            names.append(name)
        self.envs += names
        if n == 1 and r.random() < 0.15:
            return f"ENV {pairs[0][0]} {pairs[0][1]}"
        sep = pick(r, [" ", " ", " \\\n    "])
        return "ENV " + sep.join(f"{k}={v}" for k, v in pairs)

    def arg(self):
        r = self.r
        name = self.var_name()
        self.args.append(name)
        if r.random() < 0.5:
            return f"ARG {name}"
        return f"ARG {name}={self.var_value([])}"

    def label(self):
        r = self.r
        keys = ["maintainer", "org.opencontainers.image.url", "org.opencontainers.image.created",
                "org.opencontainers.image.licenses", "org.opencontainers.image.revision",
                "org.opencontainers.image.version", "org.opencontainers.image.authors", "com.example.vendor",
                "Com.Example", "com.docker.x", "io.docker.y", "org.dockerproject.z", "a..b", "a--b", "x_",
                "1abc", "key.with-dash", "description", "version", "-lead", "trail-", "has space", "UPPER"]
        vals = {
            "org.opencontainers.image.url": ["https://example.com", "not a url", "ftp://x/y", "", "example.com"],
            "org.opencontainers.image.created": ["2024-01-01T00:00:00Z", "2024-01-01", "yesterday",
                                                 "2024-01-01T00:00:00+02:00", ""],
            "org.opencontainers.image.licenses": ["MIT", "Apache-2.0", "GPL", "MIT OR Apache-2.0", "mit", ""],
            "org.opencontainers.image.revision": ["a" * 40, "abc1234", "xyz", "ABCDEF1", ""],
            "org.opencontainers.image.version": ["1.2.3", "v1.2.3", "1.2", "1.0.0-rc.1+build.5", ""],
            "org.opencontainers.image.authors": ["a@b.org", "Name <a@b.org>", "nobody", ""],
        }
        pairs = []
        for _ in range(r.randint(1, 3)):
            k = pick(r, keys)
            v = pick(r, vals.get(k, ["x", "", "1.0", "\"quoted value\""]))
            if " " in v and not v.startswith('"'):
                v = f'"{v}"'
            if v == "":
                v = '""'
            pairs.append((f'"{k}"' if " " in k else k, v))
        return "LABEL " + pick(r, [" ", " \\\n      "]).join(f"{k}={v}" for k, v in pairs)

    def user(self):
        r = self.r
        names = self.args[-3:]
        opts = ["root", "0", "root:root", "0:0", "app", "1000", "1000:1000", "app:app", "nobody",
                "root:0", "ROOT", "1000:app", "app:1000", "$UID", "${UID}:${GID}", "${USER}", "$USERNAME",
                "65534"]
        opts += [f"${n}" for n in names] + [f"${{{n}}}:1000" for n in names]
        return f"USER {pick(r, opts)}"

    def workdir(self):
        return "WORKDIR " + pick(self.r, ["/app", "app", "$HOME/app", "${APP_HOME}", '"/app"', "'app'",
                                          "C:\\\\app", "c:/x", "./src", "~/x", "/"])

    def expose(self):
        ports = self.r.sample(["80", "80/tcp", "443/udp", "8080-8090", "70000", "65535", "65536-65540",
                               "$PORT", "8000-70000", "0"], self.r.randint(1, 3))
        return "EXPOSE " + " ".join(ports)

    def healthcheck(self):
        return pick(self.r, ['HEALTHCHECK CMD curl -f http://localhost/ || exit 1',
                             'HEALTHCHECK CMD ["curl", "-f", "http://localhost/"]', "HEALTHCHECK NONE",
                             'HEALTHCHECK --interval=30s --timeout=3s CMD ["/bin/check"]',
                             "HEALTHCHECK --interval=5m CMD wget -q http://localhost/ | grep ok"])

    def cmd(self):
        r = self.r
        kw = pick(r, ["CMD", "ENTRYPOINT"])
        return f"{kw} " + pick(r, ['["python3", "app.py"]', "python3 app.py", '["/entrypoint.sh"]',
                                   "/entrypoint.sh --flag", '[ "nginx", "-g", "daemon off;" ]', "[\"bad json\""])

    def shell(self):
        return "SHELL " + pick(self.r, [
            '["/bin/bash", "-o", "pipefail", "-c"]', '["/bin/ash", "-eo", "pipefail", "-c"]',
            '["pwsh", "-c"]', '["powershell", "-Command"]', '["cmd", "/S", "/C"]', '["/bin/sh", "-c"]',
            '["/usr/bin/bash", "-o", "pipefail", "-c"]', '["/bin/zsh", "-o", "pipefail", "-c"]',
            '["bash", "-euxo", "pipefail", "-c"]', '["/bin/bash", "-c"]', '["bash", "-o", "errexit", "-c"]',
        ])

    def onbuild(self):
        r = self.r
        inner = pick(r, [self.run, self.copy, lambda: "ONBUILD RUN echo x", lambda: "FROM debian:12",
                         lambda: "MAINTAINER me", self.workdir, self.env, self.user, self.cmd])()
        if "\n" in inner and inner.startswith(("RUN <<", "COPY <<")):
            inner = "RUN echo onbuild"
        return "ONBUILD " + inner

    def pragma(self):
        r = self.r
        codes = r.sample(["DL3008", "DL3015", "DL3009", "DL3006", "DL3018", "DL3013", "DL3059",
                          "DL4006", "DL3003", "DL3042", "SC2086", "DL3007", "DL3045"], r.randint(1, 3))
        sep = pick(r, [",", ", ", " , "])
        form = pick(r, ["# hadolint ignore={}", "#hadolint ignore={}", "# hadolint ignore = {}",
                        "#  hadolint   ignore={}", "# hadolint global ignore={}", "# hadolint ignore={} # why",
                        "# Hadolint ignore={}", "# hadolint ignore:{}", "# hadolint shell=powershell",
                        "# hadolint shell=bash", "# hadolint ignore={}  ",
                        "# hadolint stage ignore={}", "# hadolint global  ignore={}",
                        "# hadolint ignore=", "# hadolint ignore={},", "# hadolint ignore={} trailing",
                        "#hadolint global ignore={}", "# hadolint shell=pwsh", "# hadolint shell = cmd # x",
                        "# hadolint ignore=dl3008", "# hadolint ignore={}#c"])
        return form.format(sep.join(codes))

    def edge(self):
        """Instruction syntax where Dockerfile parsers differ."""
        r = self.r
        c = self.command()
        return pick(r, [
            # RUN flags language-docker does or does not know
            f"RUN --network=bridge {c}", f"RUN --network=none {c}", f"RUN --security=sandbox {c}",
            f"RUN --foo {c}", f"RUN --mount=type=cache {c}", f"RUN --mount=type=cache,target=/a,target=/b {c}",
            f"RUN --mount=type=Cache,target=/var/cache/apk {c}", f"RUN --mount=type=cache,target=\"/var/cache/apk\" {c}",
            f"RUN --mount=type=tmpfs,target=/var/lib/apt/lists,sharing=locked {c}",
            f"RUN --mount=type=bind,target=/x,mode=0755 {c}", f"RUN --mount=target=/root/.cache/pip,type=cache {c}",
            f"RUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt {c}",
            f"RUN  --mount=type=cache,target=/root/.cache/pip   {c}", f"RUN --mount type=cache,target=/x {c}",
            f"RUN --mount=type=secret,id=x,required {c}", f"RUN --mount=type=cache,target=/x,readonly {c}",
            f"RUN --mount=type=bind,source=/x,target=/y,z {c}", f"RUN --MOUNT=type=cache,target=/x {c}",
            f"RUN --mount=type=cache,id=$ID,target=/root/.npm {c}", f"RUN --network=host --network=none {c}",
            # RUN forms
            f"RUN {c} \\\n", "RUN", "RUN ", 'RUN [ "echo", "x" ]', "RUN [\"apt-get\", \"install\", \"curl\"] # c",
            "RUN ['apt-get', 'install', 'curl']", 'RUN ["sh", "-c", "apt-get install curl"]',
            f"RUN <<EOF\n{c}\nEOF", f"RUN <<-EOF\n\t{c}\n\tEOF", f"RUN <<'EOF'\n{c}\nEOF",
            f"RUN cat <<EOF > /etc/x.conf\nkey=value\nEOF\n", f"RUN python3 <<EOF\nimport os\nEOF\n",
            f"RUN <<EOF bash\n{c}\nEOF\n", f"RUN <<A <<B\n{c}\nA\necho b\nB\n", f"RUN <<EOF\n{c}\nEOF",
            f"RUN {c} <<EOF\nline\nEOF\n", f"RUN echo $((1<<2)) && {c}",
            f"run {c}", f"Run {c}", f"RUN\t{c}", f"RUN \\\n    {c}", f"RUN {c} \\\n# comment\n    && true",
            f"RUN {c} \\\n  # comment\n\n  && true", f"RUN {c} \\ \n    && true",
            # FROM forms
            "FROM localhost:5000/app:1", "FROM localhost:5000/app", "FROM localhost/app", "FROM a/b.c/d:1",
            "FROM registry.corp:5000/app@" + DIGEST, "FROM debian:12 AS build # comment", "FROM debian:12 as",
            "FROM debian:12 AS a b", "FROM --platform=linux/arm64 debian:12", "FROM --platform= debian:12",
            "FROM ${BASE:-debian}:${TAG:-12}", "FROM debian:${TAG}", "FROM $REGISTRY/app:1", "FROM debian:12@sha256:x",
            "FROM debian:", "FROM :12", "FROM debian::12", "FROM Debian:12", "FROM debian:12 AS Build",
            "FROM --platform=$BUILDPLATFORM --foo debian:12",
            # COPY/ADD flags and forms
            "COPY --parents a/b /x/", "COPY --exclude=*.md . /app", "COPY --chown=1:1 --chown=2:2 a /b",
            "COPY --from=build --from=deps /a /b", "COPY --link=false a /b", "ADD --keep-git-dir=true git@github.com:a/b.git /src",
            "ADD --unpack=true https://e/x.tgz /x", "COPY --unknown a /b", "COPY a", "COPY", "COPY [\"a\", \"b\"]",
            'COPY ["a b", "/c/"]', "COPY a\\\n  b /c/", "ADD --chmod=644 x.tar.gz /", "ADD https://e/x /y --checksum=sha256:1",
            "COPY --from=build /a /b /c", "COPY --from=0 / /", 'COPY --from=build "/" "/"', "COPY --from=build / /root/",
            "COPY <<EOF <<EOF2 /x/\na\nEOF\nb\nEOF2\n", "COPY <<EOF /x\nEOF\n",
            # ENV/ARG/LABEL forms
            "ENV A", "ENV A=", "ENV A B C", "ENV A=1 B", 'ENV A="1 2" B=$A', "ENV A=1\\ 2 B=${A}",
            "ENV A=$B B=1", "ENV A=${A:-x} B=$A", "ENV PATH=/x:$PATH HOME=/h", "ENV A=1 B=$A_X C=${A}x",
            "ENV A=1 B='$A'", 'ENV A=1 B="\\$A"', "ENV A=1 B=$$A", "ENV a=1 B=$a", "ENV A=1 A=$A",
            "ARG A B", "ARG A=1 B=2", "ARG", "ARG A=\"x y\"", "ARG UID=1000", "ARG USER", "ARG PASSWORD",
            "ARG GITHUB_TOKEN=x", "ARG _TOKEN", "ARG api_key_file", "LABEL a", "LABEL a=", 'LABEL "a"="b"',
            "LABEL a=b c=d e", "LABEL maintainer=\"x\" \\\n  version=1", "LABEL a.b_c/d=1", "LABEL A=1",
            # other instructions
            "WORKDIR", "WORKDIR /a /b", 'WORKDIR "app dir"', "WORKDIR $", "WORKDIR c:", "WORKDIR C:/app",
            "USER", "USER root ", "USER 0:0", "USER root:", "USER :root", "USER 1000:0", "USER $", "USER ${UID:-1000}",
            "EXPOSE", "EXPOSE 80/sctp", "EXPOSE 80-", "EXPOSE -80", "EXPOSE 8080/TCP", "EXPOSE $P-$Q", "EXPOSE 99999/udp",
            "EXPOSE 1-2-3", "EXPOSE 80 80", "HEALTHCHECK", "HEALTHCHECK --interval=5s NONE", "HEALTHCHECK CMD",
            "HEALTHCHECK --retries=3 CMD curl x", "HEALTHCHECK cmd curl x", "HEALTHCHECK --foo=1 CMD x",
            "CMD", "CMD []", 'CMD ["a"', "CMD ['a']", "ENTRYPOINT []", 'ENTRYPOINT ["a", 1]', "SHELL", 'SHELL ["x"',
            "SHELL /bin/bash -c", 'SHELL ["/bin/bash", "-eo", "pipefail", "-c"]', 'SHELL ["/bin/sh", "-o", "pipefail", "-c"]',
            'SHELL ["pwsh.exe", "-c"]', 'SHELL ["/usr/bin/pwsh", "-c"]', 'SHELL ["cmd.exe", "/c"]',
            "STOPSIGNAL", "STOPSIGNAL 9", "VOLUME", "VOLUME /a /b", "MAINTAINER", "ONBUILD", "ONBUILD ONBUILD RUN x",
            "ONBUILD FROM x", "ONBUILD MAINTAINER x", "ONBUILD HEALTHCHECK NONE", "ONBUILD CMD x", f"ONBUILD RUN {c}",
            "ONBUILD COPY a b", "ONBUILD ARG PASSWORD", "ONBUILD ENV A=1 B=$A", "ONBUILD USER root", "ONBUILD WORKDIR rel",
            "ONBUILD EXPOSE 99999", "ONBUILD ADD x /", "ONBUILD LABEL Bad=1", "onbuild run apt-get install x",
            "FOO bar", "# comment \\", "#", "# hadolint ignore=DL3008\n", "\t# indented comment",
            "  RUN indented", f"RUN {c}\r", "COPY . /app\r",
            "COPY x \\\n\tC:\\\\y\\\\\n\n# c\nENV A 1",
        ])

    def instruction(self):
        r = self.r
        if r.random() < 0.06:
            return self.edge()
        k = r.random()
        table = [
            (0.40, self.run), (0.52, self.copy), (0.57, self.env), (0.61, self.arg), (0.65, self.label),
            (0.69, self.user), (0.72, self.workdir), (0.74, self.expose), (0.77, self.healthcheck),
            (0.82, self.cmd), (0.85, self.shell), (0.88, self.onbuild), (0.93, self.pragma),
            (0.94, lambda: "MAINTAINER someone@example.com"), (0.95, lambda: "STOPSIGNAL SIGTERM"),
            (0.96, lambda: 'VOLUME ["/data"]'), (0.97, lambda: "# a comment"),
        ]
        for p, f in table:
            if k < p:
                return f()
        return self.run()

    def dockerfile(self):
        r = self.r
        lines = []
        if r.random() < 0.1:
            lines.append(pick(r, ["# syntax=docker/dockerfile:1", "# escape=\\", "# check=skip=all"]))
        for _ in range(r.choice([0, 0, 0, 1, 2])):
            lines.append(pick(r, [self.arg, self.pragma, lambda: "# leading comment"])())
        if r.random() < 0.04:
            lines.append(pick(r, [self.run, self.env, self.workdir])())
        for s in range(r.choice([1, 1, 2, 2, 3])):
            if r.random() < 0.15:
                lines.append(self.pragma())
            lines.append(self.from_())
            for _ in range(r.randint(1, 7)):
                lines.append(self.instruction())
        text = "\n".join(lines) + "\n"
        if r.random() < 0.05:
            text = text.replace("RUN ", "run ", 1)
        return text


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out = sys.argv[1]
    count = int(sys.argv[2])
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 16
    os.makedirs(out, exist_ok=True)
    r = random.Random(seed)
    profiles = {}
    names = list(PROFILES)
    for i in range(count):
        g = Gen(r)
        name = f"case-{i:05d}.Dockerfile"
        with open(os.path.join(out, name), "w") as f:
            f.write(g.dockerfile())
        profiles[name] = names[0] if r.random() < 0.7 else pick(r, names[1:])
    with open(os.path.join(out, "profiles.json"), "w") as f:
        json.dump(profiles, f, indent=0, sort_keys=True)


if __name__ == "__main__":
    main()
