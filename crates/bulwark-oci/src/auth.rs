//! Registry credentials: explicit username/password, `BULWARK_USERNAME`/`BULWARK_PASSWORD`,
//! and Docker's `config.json` (`auths` base64 entries, `credsStore`, `credHelpers` — helpers run
//! as `docker-credential-<name> get`).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use base64::Engine as _;
use serde::Deserialize;

use crate::error::{OciError, Result};
use crate::reference::DEFAULT_REGISTRY;

/// The key Docker uses for Docker Hub in `config.json` and credential helpers.
pub const DOCKER_HUB_AUTH_KEY: &str = "https://index.docker.io/v1/";

/// A credential for one registry.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// Username and password (or personal access token).
    Basic {
        /// User.
        username: String,
        /// Password / token.
        password: String,
    },
    /// An OAuth2 refresh ("identity") token, exchanged at the token endpoint.
    IdentityToken(String),
    /// A registry access token used as is (`Authorization: Bearer TOKEN`), as Harbor hands a
    /// scanner in a scan request and Trivy's `--registry-token` takes.
    RegistryToken(String),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Basic { username, .. } => write!(f, "Basic({username}, ***)"),
            Self::IdentityToken(_) => f.write_str("IdentityToken(***)"),
            Self::RegistryToken(_) => f.write_str("RegistryToken(***)"),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DockerConfig {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
    #[serde(default)]
    creds_store: Option<String>,
    #[serde(default)]
    cred_helpers: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HelperOutput {
    #[serde(default)]
    username: String,
    #[serde(default)]
    secret: String,
}

/// Where credentials come from, in priority order: explicit, environment, Docker config.
#[derive(Debug, Clone, Default)]
pub struct CredentialStore {
    /// Explicit `--username`/`--password` (used for every registry).
    pub explicit: Option<Credential>,
    /// Read `BULWARK_USERNAME` / `BULWARK_PASSWORD`.
    pub use_env: bool,
    /// Docker config file; `None` means `$DOCKER_CONFIG/config.json` or `~/.docker/config.json`.
    pub docker_config: Option<PathBuf>,
    /// Skip the Docker config entirely.
    pub ignore_docker_config: bool,
}

impl CredentialStore {
    /// The usual setup: environment and the default Docker config.
    pub fn standard() -> Self {
        Self {
            explicit: None,
            use_env: true,
            docker_config: None,
            ignore_docker_config: false,
        }
    }

    fn config_path(&self) -> Option<PathBuf> {
        if let Some(p) = &self.docker_config {
            return Some(p.clone());
        }
        if let Some(d) = std::env::var_os("DOCKER_CONFIG") {
            return Some(PathBuf::from(d).join("config.json"));
        }
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".docker/config.json"))
    }

    /// Finds a credential for `registry` (a reference's registry domain, e.g. `docker.io`).
    pub fn resolve(&self, registry: &str) -> Result<Option<Credential>> {
        self.resolve_with_env(registry, &|k| std::env::var(k).ok())
    }

    /// [`CredentialStore::resolve`] with an explicit environment lookup (tests, embedding).
    pub fn resolve_with_env(
        &self,
        registry: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Credential>> {
        if let Some(c) = &self.explicit {
            return Ok(Some(c.clone()));
        }
        if self.use_env
            && let (Some(u), Some(p)) = (env("BULWARK_USERNAME"), env("BULWARK_PASSWORD"))
            && !u.is_empty()
        {
            return Ok(Some(Credential::Basic {
                username: u,
                password: p,
            }));
        }
        if self.ignore_docker_config {
            return Ok(None);
        }
        let Some(path) = self.config_path() else {
            return Ok(None);
        };
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(OciError::Credentials {
                    registry: registry.to_string(),
                    detail: format!("reading {}: {e}", path.display()),
                });
            }
        };
        let cfg: DockerConfig =
            serde_json::from_slice(&bytes).map_err(|e| OciError::Credentials {
                registry: registry.to_string(),
                detail: format!("parsing {}: {e}", path.display()),
            })?;
        resolve_from_config(&cfg, registry, &run_helper)
    }
}

/// Normalises a config.json key (`https://index.docker.io/v1/` → `docker.io`, `https://host/` → `host`).
fn normalize_key(k: &str) -> String {
    let k = k
        .strip_prefix("https://")
        .or_else(|| k.strip_prefix("http://"))
        .unwrap_or(k);
    let host = k.split('/').next().unwrap_or(k);
    match host {
        "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            DEFAULT_REGISTRY.to_string()
        }
        h => h.to_string(),
    }
}

fn server_url(registry: &str) -> String {
    if registry == DEFAULT_REGISTRY {
        DOCKER_HUB_AUTH_KEY.to_string()
    } else {
        registry.to_string()
    }
}

/// Runs a named credential helper: (helper, server URL, registry) → credential.
type HelperFn<'a> = dyn Fn(&str, &str, &str) -> Result<Option<Credential>> + 'a;

fn resolve_from_config(
    cfg: &DockerConfig,
    registry: &str,
    helper: &HelperFn<'_>,
) -> Result<Option<Credential>> {
    if let Some((_, h)) = cfg
        .cred_helpers
        .iter()
        .find(|(k, _)| normalize_key(k) == registry)
    {
        return helper(h, &server_url(registry), registry);
    }
    let entry = cfg
        .auths
        .iter()
        .find(|(k, _)| normalize_key(k) == registry)
        .map(|(_, v)| v);
    if let Some(e) = entry {
        if let Some(tok) = e.identitytoken.as_ref().filter(|t| !t.is_empty()) {
            return Ok(Some(Credential::IdentityToken(tok.clone())));
        }
        if let Some(a) = e.auth.as_ref().filter(|a| !a.is_empty()) {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(a.trim())
                .map_err(|err| OciError::Credentials {
                    registry: registry.to_string(),
                    detail: format!("auths entry is not valid base64: {err}"),
                })?;
            let s = String::from_utf8_lossy(&decoded);
            let (u, p) = s.split_once(':').ok_or_else(|| OciError::Credentials {
                registry: registry.to_string(),
                detail: "auths entry is not base64(user:password)".into(),
            })?;
            return Ok(Some(Credential::Basic {
                username: u.to_string(),
                password: p.trim_end_matches('\n').to_string(),
            }));
        }
        if let (Some(u), Some(p)) = (&e.username, &e.password) {
            return Ok(Some(Credential::Basic {
                username: u.clone(),
                password: p.clone(),
            }));
        }
    }
    if let Some(store) = cfg.creds_store.as_ref().filter(|s| !s.is_empty()) {
        return helper(store, &server_url(registry), registry);
    }
    Ok(None)
}

/// Runs `docker-credential-<helper> get` with `server` on stdin.
fn run_helper(helper: &str, server: &str, registry: &str) -> Result<Option<Credential>> {
    if !helper
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    {
        return Err(OciError::Credentials {
            registry: registry.to_string(),
            detail: format!("invalid credential helper name {helper:?}"),
        });
    }
    run_helper_program(&format!("docker-credential-{helper}"), server, registry)
}

fn run_helper_program(prog: &str, server: &str, registry: &str) -> Result<Option<Credential>> {
    let err = |detail: String| OciError::Credentials {
        registry: registry.to_string(),
        detail,
    };
    let mut child = Command::new(prog)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| err(format!("running {prog}: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(server.as_bytes())
            .map_err(|e| err(format!("writing to {prog}: {e}")))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| err(format!("waiting for {prog}: {e}")))?;
    if !out.status.success() {
        let msg = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        if msg.to_lowercase().contains("credentials not found") {
            return Ok(None);
        }
        return Err(err(format!(
            "{prog} get failed ({}): {}",
            out.status,
            msg.trim()
        )));
    }
    parse_helper_output(&out.stdout).map_err(|e| err(format!("{prog} output: {e}")))
}

fn parse_helper_output(
    stdout: &[u8],
) -> std::result::Result<Option<Credential>, serde_json::Error> {
    let h: HelperOutput = serde_json::from_slice(stdout)?;
    if h.secret.is_empty() {
        return Ok(None);
    }
    Ok(Some(if h.username == "<token>" {
        Credential::IdentityToken(h.secret)
    } else {
        Credential::Basic {
            username: h.username,
            password: h.secret,
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(json: &str) -> DockerConfig {
        serde_json::from_str(json).unwrap()
    }

    #[allow(clippy::unnecessary_wraps)] // must match the helper signature
    fn no_helper(_: &str, _: &str, _: &str) -> Result<Option<Credential>> {
        Ok(None)
    }

    #[test]
    fn auths_base64_and_hub_key() {
        let c = cfg(
            r#"{"auths":{"https://index.docker.io/v1/":{"auth":"dXNlcjpwYTpzcw=="},"ghcr.io":{"username":"a","password":"b"}}}"#,
        );
        assert_eq!(
            resolve_from_config(&c, "docker.io", &no_helper).unwrap(),
            Some(Credential::Basic {
                username: "user".into(),
                password: "pa:ss".into()
            })
        );
        assert_eq!(
            resolve_from_config(&c, "ghcr.io", &no_helper).unwrap(),
            Some(Credential::Basic {
                username: "a".into(),
                password: "b".into()
            })
        );
        assert_eq!(
            resolve_from_config(&c, "quay.io", &no_helper).unwrap(),
            None
        );
        let bad = cfg(r#"{"auths":{"x.io":{"auth":"!!!"}}}"#);
        let e = resolve_from_config(&bad, "x.io", &no_helper)
            .unwrap_err()
            .to_string();
        assert!(e.contains("x.io") && e.contains("base64"), "{e}");
    }

    #[test]
    fn helpers_take_precedence_and_get_server_url() {
        let c = cfg(
            r#"{"auths":{"x.io":{"auth":"dTpw"}},"credsStore":"desktop","credHelpers":{"x.io":"ecr"}}"#,
        );
        let seen = std::sync::Mutex::new(Vec::new());
        let h = |name: &str, server: &str, _: &str| {
            seen.lock().unwrap().push(format!("{name} {server}"));
            Ok(Some(Credential::IdentityToken("t".into())))
        };
        assert_eq!(
            resolve_from_config(&c, "x.io", &h).unwrap(),
            Some(Credential::IdentityToken("t".into()))
        );
        assert_eq!(
            resolve_from_config(&c, "docker.io", &h).unwrap(),
            Some(Credential::IdentityToken("t".into()))
        );
        assert_eq!(
            *seen.lock().unwrap(),
            vec![
                "ecr x.io".to_string(),
                format!("desktop {DOCKER_HUB_AUTH_KEY}")
            ]
        );
    }

    #[test]
    fn precedence_explicit_env_config() {
        let dir = tempfile::tempdir().unwrap();
        let cfgp = dir.path().join("config.json");
        std::fs::write(&cfgp, r#"{"auths":{"r.io":{"auth":"Y2ZnOnB3"}}}"#).unwrap();
        let env = |k: &str| match k {
            "BULWARK_USERNAME" => Some("envuser".to_string()),
            "BULWARK_PASSWORD" => Some("envpw".to_string()),
            _ => None,
        };
        let no_env = |_: &str| None;
        let mut store = CredentialStore {
            explicit: None,
            use_env: true,
            docker_config: Some(cfgp),
            ignore_docker_config: false,
        };
        let basic = |u: &str, p: &str| {
            Some(Credential::Basic {
                username: u.into(),
                password: p.into(),
            })
        };
        assert_eq!(
            store.resolve_with_env("r.io", &env).unwrap(),
            basic("envuser", "envpw")
        );
        assert_eq!(
            store.resolve_with_env("r.io", &no_env).unwrap(),
            basic("cfg", "pw")
        );
        assert_eq!(store.resolve_with_env("other.io", &no_env).unwrap(), None);
        store.explicit = basic("cli", "x");
        assert_eq!(
            store.resolve_with_env("r.io", &env).unwrap(),
            basic("cli", "x")
        );
        store.explicit = None;
        store.ignore_docker_config = true;
        assert_eq!(store.resolve_with_env("r.io", &no_env).unwrap(), None);
        // unreadable / malformed config names the registry and the file
        store.ignore_docker_config = false;
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{not json").unwrap();
        store.docker_config = Some(bad);
        let e = store
            .resolve_with_env("r.io", &no_env)
            .unwrap_err()
            .to_string();
        assert!(e.contains("r.io") && e.contains("bad.json"), "{e}");
    }

    #[test]
    fn helper_output() {
        assert_eq!(
            parse_helper_output(br#"{"ServerURL":"x","Username":"<token>","Secret":"s"}"#).unwrap(),
            Some(Credential::IdentityToken("s".into()))
        );
        assert_eq!(
            parse_helper_output(br#"{"Username":"u","Secret":"s"}"#).unwrap(),
            Some(Credential::Basic {
                username: "u".into(),
                password: "s".into()
            })
        );
        assert!(parse_helper_output(b"nope").is_err());
    }

    #[test]
    fn real_helper_program_is_executed() {
        // a real executable on PATH, written by the test
        let dir = tempfile::tempdir().unwrap();
        let helper = dir.path().join("docker-credential-bulwarktest");
        std::fs::write(
            &helper,
            "#!/bin/sh\nread server\nif [ \"$server\" = \"reg.example\" ]; then echo '{\"Username\":\"u1\",\"Secret\":\"s1\"}'; else echo 'credentials not found in native keychain'; exit 1; fi\n",
        )
        .unwrap();
        std::fs::set_permissions(&helper, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let prog = helper.to_str().unwrap();
        assert_eq!(
            run_helper_program(prog, "reg.example", "reg.example").unwrap(),
            Some(Credential::Basic {
                username: "u1".into(),
                password: "s1".into()
            })
        );
        assert_eq!(
            run_helper_program(prog, "other.example", "other.example").unwrap(),
            None
        );
        // and through run_helper with an absolute-path-free name: it must fail cleanly when
        // the helper is not on PATH
        let e = run_helper("bulwark-missing-helper", "reg.example", "reg.example")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("docker-credential-bulwark-missing-helper"),
            "{e}"
        );
    }
}
