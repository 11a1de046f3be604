//! BWD003: the daemon listens on TCP without TLS client verification.

use bulwark_report::Severity;
use serde_json::Value;

use super::{Emitter, Rule, setting_bool};
use crate::settings::DaemonSettings;

/// The rule.
pub(crate) static RULE: Rule = Rule {
    code: "BWD003",
    name: "tcp-without-tls",
    summary: "The Docker API is served on TCP without TLS verification.",
    severity: Severity::Error,
    cis: Some("2.7"),
    needs_local_config: false,
    doc: "## What\nFlags a daemon that listens on `tcp://` (`-H`/`--host` on the command line, `hosts` in daemon.json) without `--tlsverify` / `\"tlsverify\": true`, and an engine Bulwark itself reached over plain `tcp://`.\n\n## Why\nThe Docker API is root on the host. Without TLS client verification anyone who can reach the port can start a privileged container; plain TCP also exposes every request, registry credentials included.\n\n## Example\n```json\n{ \"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://0.0.0.0:2375\"] }\n```\n\n## Fix\n```json\n{ \"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://0.0.0.0:2376\"],\n  \"tlsverify\": true, \"tlscacert\": \"/etc/docker/ca.pem\",\n  \"tlscert\": \"/etc/docker/server-cert.pem\", \"tlskey\": \"/etc/docker/server-key.pem\" }\n```\nOr reach remote engines over `ssh://` (Docker contexts).\n",
    run,
};

fn run(d: &DaemonSettings, e: &mut Emitter) {
    if d.reached_over_plain_tcp {
        e.emit(
            "hosts",
            "connection",
            format!("the Docker API at {} answers over plain TCP without TLS", d.endpoint),
            "serve the API with --tlsverify (port 2376) or only on the unix socket; use ssh:// for remote access",
        );
        return;
    }
    let mut hosts = d.flag(&["-H", "--host"]);
    if let Some(list) = d.config("hosts").and_then(Value::as_array) {
        hosts.extend(list.iter().filter_map(Value::as_str).map(str::to_string));
    }
    let tcp: Vec<&String> = hosts.iter().filter(|h| h.starts_with("tcp://")).collect();
    if tcp.is_empty() {
        return;
    }
    let verify = setting_bool(d, "--tlsverify", "tlsverify").is_some_and(|(v, _)| v);
    if verify {
        return;
    }
    let tls = setting_bool(d, "--tls", "tls").is_some_and(|(v, _)| v);
    let list = tcp
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let what = if tls {
        "with TLS but without client verification (tlsverify)"
    } else {
        "without TLS"
    };
    e.emit(
        "hosts",
        "dockerd command line / daemon.json",
        format!("the daemon listens on {list} {what}"),
        "set tlsverify with tlscacert/tlscert/tlskey, or listen on the unix socket only",
    );
}
