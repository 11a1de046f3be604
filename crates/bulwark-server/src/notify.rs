//! Push notifications from a Distribution registry (`notifications.endpoints`): the envelope
//! `{"events": [...]}` (media type `application/vnd.docker.distribution.events.v1+json`). A
//! `push` of an image manifest queues a scan; blob pushes, pulls, deletes, indexes (each
//! platform's manifest arrives as its own push) and Cosign's signature/attestation tags do not.

use bulwark_oci::Digest;
use serde::Deserialize;

use crate::harbor::registry_host;

/// The envelope the registry posts.
#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(default)]
    events: Vec<Event>,
}

#[derive(Debug, Deserialize)]
struct Event {
    #[serde(default)]
    action: String,
    #[serde(default)]
    target: Target,
    #[serde(default)]
    request: Request,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Target {
    #[serde(default)]
    media_type: String,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    repository: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    tag: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct Request {
    #[serde(default)]
    host: String,
}

/// Image manifest media types that are scanned when pushed.
const IMAGE_MANIFESTS: [&str; 2] = [
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
];

/// One pushed image manifest to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedManifest {
    /// Registry `HOST[:PORT]` as the registry named itself in the event.
    pub registry_host: String,
    /// The event URL was plain HTTP.
    pub plain_http: bool,
    /// Repository.
    pub repository: String,
    /// Manifest digest.
    pub digest: String,
    /// Tag, when the push named one.
    pub tag: Option<String>,
    /// Manifest media type.
    pub media_type: String,
}

/// What an envelope holds: manifests to scan and events skipped (with why).
#[derive(Debug, Default)]
pub struct Parsed {
    /// Scans to queue.
    pub manifests: Vec<PushedManifest>,
    /// Events not scanned, one line each.
    pub skipped: Vec<String>,
}

/// Parses a notification envelope. `Err` only when the body is not an envelope at all.
pub fn parse_envelope(body: &[u8]) -> Result<Parsed, String> {
    let env: Envelope = serde_json::from_slice(body)
        .map_err(|e| format!("not a registry notification envelope: {e}"))?;
    let mut out = Parsed::default();
    for ev in env.events {
        let t = &ev.target;
        if ev.action != "push" {
            out.skipped.push(format!("{} {}", ev.action, t.repository));
            continue;
        }
        if !IMAGE_MANIFESTS.contains(&t.media_type.as_str()) {
            out.skipped
                .push(format!("push of {} in {}", t.media_type, t.repository));
            continue;
        }
        if t.tag
            .as_deref()
            .is_some_and(|tag| [".sig", ".att", ".sbom"].iter().any(|s| tag.ends_with(s)))
        {
            out.skipped
                .push(format!("signature or attestation tag in {}", t.repository));
            continue;
        }
        let Ok(digest) = Digest::parse(&t.digest) else {
            out.skipped
                .push(format!("push in {} without a valid digest", t.repository));
            continue;
        };
        let (host, plain) = match registry_host(&t.url) {
            Ok(h) => h,
            Err(_) if !ev.request.host.is_empty() => (ev.request.host.to_ascii_lowercase(), false),
            Err(e) => {
                out.skipped.push(format!("push in {}: {e}", t.repository));
                continue;
            }
        };
        if t.repository.is_empty() {
            out.skipped.push("push without a repository".into());
            continue;
        }
        out.manifests.push(PushedManifest {
            registry_host: host,
            plain_http: plain,
            repository: t.repository.clone(),
            digest: digest.to_string(),
            tag: t.tag.clone().filter(|t| !t.is_empty()),
            media_type: t.media_type.clone(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_push_is_scanned_blobs_and_pulls_are_not() {
        let body = br#"{"events":[
          {"id":"1","action":"push","target":{"mediaType":"application/octet-stream","digest":"sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b","repository":"app","url":"http://127.0.0.1:5000/v2/app/blobs/sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"}},
          {"id":"2","action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:7c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b","repository":"team/app","url":"http://127.0.0.1:5000/v2/team/app/manifests/sha256:7c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b","tag":"1.0"},"request":{"host":"127.0.0.1:5000"}},
          {"id":"3","action":"pull","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:7c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b","repository":"team/app"}},
          {"id":"4","action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:8c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b","repository":"team/app","url":"http://127.0.0.1:5000/v2/team/app/manifests/x","tag":"sha256-7c3c.sig"}}
        ]}"#;
        let p = parse_envelope(body).expect("envelope");
        assert_eq!(
            p.manifests,
            vec![PushedManifest {
                registry_host: "127.0.0.1:5000".into(),
                plain_http: true,
                repository: "team/app".into(),
                digest: "sha256:7c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b"
                    .into(),
                tag: Some("1.0".into()),
                media_type: "application/vnd.oci.image.manifest.v1+json".into(),
            }]
        );
        assert_eq!(p.skipped.len(), 3);
        assert!(parse_envelope(b"[1]").is_err());
    }
}
