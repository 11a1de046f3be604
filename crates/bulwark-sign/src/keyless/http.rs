//! One JSON request to a Sigstore service under `bulwark-net` deadlines.

use serde_json::Value;

use super::KeylessError;

/// The largest response body accepted from a service (certificate chains and log
/// entries are a few KiB).
const MAX_RESPONSE: u64 = 4 * 1024 * 1024;

/// Sends `body` (POST when given, else GET) with `headers`; returns the JSON answer of
/// a 2xx response.
pub(crate) fn json_request(
    service: &'static str,
    url: &str,
    body: Option<&Value>,
    headers: &[(&str, String)],
    timeouts: bulwark_net::Timeouts,
) -> Result<Value, KeylessError> {
    let fail = |detail: String| KeylessError::Service {
        service,
        url: url.to_owned(),
        detail,
    };
    let deadline = bulwark_net::Deadline::start(timeouts);
    let host = bulwark_net::host_of(url).to_owned();
    let agent: ureq::Agent = deadline
        .agent_config()
        .http_status_as_error(false)
        .user_agent(format!("bulwark/{}", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    let describe = |e: &ureq::Error| {
        deadline
            .classify(&host, e)
            .map_or_else(|| e.to_string(), |d| d.to_string())
    };
    let result = if let Some(body) = body {
        let mut request = deadline.bound(
            agent
                .post(url)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json"),
        );
        for (k, v) in headers {
            request = request.header(*k, v);
        }
        request.send(serde_json::to_vec(body).unwrap_or_default())
    } else {
        let mut request = deadline.bound(agent.get(url).header("Accept", "application/json"));
        for (k, v) in headers {
            request = request.header(*k, v);
        }
        request.call()
    };
    let mut response = result.map_err(|e| fail(describe(&e)))?;
    let status = response.status().as_u16();
    let bytes = response
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE)
        .read_to_vec()
        .map_err(|e| fail(describe(&e)))?;
    if !(200..300).contains(&status) {
        let text = String::from_utf8_lossy(&bytes);
        let text: String = text.chars().take(500).collect();
        return Err(fail(format!("HTTP {status}: {}", text.trim())));
    }
    serde_json::from_slice(&bytes).map_err(|e| KeylessError::Response {
        service,
        detail: format!("not JSON: {e}"),
    })
}
