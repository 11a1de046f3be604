//! OIDC identity tokens for Fulcio: where they come from (as cosign looks: an explicit
//! token, `SIGSTORE_ID_TOKEN`, the GitHub Actions ambient token) and the claims we read.
//!
//! The token is not verified here (Fulcio verifies it); we only read `iss`, `sub` and
//! `email` to build the proof of possession and to tell the user who will be certified.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use super::KeylessError;

/// The environment variable cosign and sigstore-python read a token from.
pub const TOKEN_ENV: &str = "SIGSTORE_ID_TOKEN";
/// GitHub Actions: the URL to ask for an ID token.
pub const GITHUB_REQUEST_URL_ENV: &str = "ACTIONS_ID_TOKEN_REQUEST_URL";
/// GitHub Actions: the bearer token for that request.
pub const GITHUB_REQUEST_TOKEN_ENV: &str = "ACTIONS_ID_TOKEN_REQUEST_TOKEN";

/// A raw JWT with the claims Fulcio certifies.
#[derive(Clone, PartialEq, Eq)]
pub struct IdentityToken {
    /// The compact JWT as sent to Fulcio.
    pub raw: String,
    /// `iss`.
    pub issuer: String,
    /// `sub`.
    pub subject: String,
    /// `email`, when the issuer gives one.
    pub email: Option<String>,
}

impl std::fmt::Debug for IdentityToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityToken")
            .field("issuer", &self.issuer)
            .field("subject", &self.subject)
            .field("email", &self.email)
            .finish_non_exhaustive()
    }
}

impl IdentityToken {
    /// Reads the claims of a compact JWT (`header.claims.signature`). Never panics.
    pub fn parse(raw: &str) -> Result<Self, KeylessError> {
        let raw = raw.trim();
        let mut parts = raw.split('.');
        let (Some(_header), Some(claims), Some(_sig), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(KeylessError::Token(
                "not a JWT (expected three dot-separated parts)".into(),
            ));
        };
        let claims = URL_SAFE_NO_PAD
            .decode(claims.trim_end_matches('='))
            .map_err(|_| KeylessError::Token("the claims part is not base64url".into()))?;
        let claims: Value = serde_json::from_slice(&claims)
            .map_err(|e| KeylessError::Token(format!("the claims are not JSON: {e}")))?;
        let text = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_owned);
        let issuer = text("iss").ok_or_else(|| KeylessError::Token("no `iss` claim".into()))?;
        let subject = text("sub").ok_or_else(|| KeylessError::Token("no `sub` claim".into()))?;
        Ok(IdentityToken {
            raw: raw.to_owned(),
            issuer,
            subject,
            email: text("email"),
        })
    }

    /// What the proof of possession signs: the email for email-based issuers, else
    /// `sub` (Fulcio's challenge is the principal's name).
    pub fn challenge(&self) -> &str {
        self.email.as_deref().unwrap_or(&self.subject)
    }
}

/// Finds a token as cosign does: `explicit` (`--identity-token`), then
/// `SIGSTORE_ID_TOKEN`, then the GitHub Actions ambient token (audience `sigstore`).
pub fn find_token(
    explicit: Option<&str>,
    timeouts: bulwark_net::Timeouts,
) -> Result<IdentityToken, KeylessError> {
    if let Some(t) = explicit.filter(|t| !t.trim().is_empty()) {
        return IdentityToken::parse(t);
    }
    if let Ok(t) = std::env::var(TOKEN_ENV)
        && !t.trim().is_empty()
    {
        return IdentityToken::parse(&t);
    }
    if let (Ok(url), Ok(bearer)) = (
        std::env::var(GITHUB_REQUEST_URL_ENV),
        std::env::var(GITHUB_REQUEST_TOKEN_ENV),
    ) {
        return github_actions_token(&url, &bearer, timeouts);
    }
    Err(KeylessError::NoToken)
}

/// Asks the GitHub Actions token service for an ID token with audience `sigstore`.
pub fn github_actions_token(
    request_url: &str,
    bearer: &str,
    timeouts: bulwark_net::Timeouts,
) -> Result<IdentityToken, KeylessError> {
    let sep = if request_url.contains('?') { '&' } else { '?' };
    let url = format!("{request_url}{sep}audience=sigstore");
    let answer = super::http::json_request(
        "GitHub Actions token service",
        &url,
        None,
        &[("Authorization", format!("bearer {bearer}"))],
        timeouts,
    )?;
    let value = answer
        .get("value")
        .and_then(Value::as_str)
        .ok_or(KeylessError::Response {
            service: "GitHub Actions token service",
            detail: "no `value` in the answer".into(),
        })?;
    IdentityToken::parse(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(claims)
        )
    }

    #[test]
    fn reads_claims_and_challenge() {
        let t = IdentityToken::parse(&jwt(
            r#"{"iss":"https://issuer.test","sub":"123","email":"a@b.test"}"#,
        ))
        .unwrap();
        assert_eq!(t.issuer, "https://issuer.test");
        assert_eq!(t.challenge(), "a@b.test");
        let t = IdentityToken::parse(&jwt(r#"{"iss":"https://i","sub":"repo:x/y"}"#)).unwrap();
        assert_eq!(t.challenge(), "repo:x/y");
    }

    #[test]
    fn rejects_non_jwts() {
        assert!(IdentityToken::parse("abc").is_err());
        assert!(IdentityToken::parse("a.!!!.c").is_err());
        assert!(IdentityToken::parse(&jwt(r#"{"sub":"x"}"#)).is_err());
        assert!(IdentityToken::parse(&jwt("[1]")).is_err());
    }
}
