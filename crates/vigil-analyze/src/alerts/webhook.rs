//! Webhook channels: a JSON POST signed with HMAC-SHA256, a bounded time
//! per attempt, and the backoff between attempts.
//!
//! The receiver checks `X-Vigil-Signature: sha256=<hex>`, the HMAC-SHA256
//! of the exact body bytes with the channel's shared secret, and may use
//! the alert's `dedup_key` (or `X-Vigil-Delivery`) to drop a repeat: a
//! delivery pass killed between the POST and recording it sends again.

use std::time::Duration;

use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

/// One `[[webhook]]` of a rules file.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    /// Key that rules name in `channels`.
    pub key: String,
    /// Address to POST to (`http://` or `https://`).
    pub url: String,
    /// Environment variable holding the signing secret (preferred: a rules
    /// file gets shared, a secret should not).
    pub secret_env: Option<String>,
    /// The signing secret itself, when secret_env is not used.
    pub secret: Option<String>,
    /// Time allowed for one attempt (connect, send, answer), milliseconds.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Attempts before the delivery is given up as a dead letter.
    #[serde(default = "default_max_attempts")]
    pub max_attempts: u32,
    /// Wait after the first failed attempt, milliseconds.
    #[serde(default = "default_backoff_ms")]
    pub backoff_ms: u64,
    /// Each later wait is the previous one times this.
    #[serde(default = "default_backoff_factor")]
    pub backoff_factor: f64,
    /// Longest wait between attempts, milliseconds.
    #[serde(default = "default_max_backoff_ms")]
    pub max_backoff_ms: u64,
}

fn default_timeout_ms() -> u64 {
    5_000
}
fn default_max_attempts() -> u32 {
    5
}
fn default_backoff_ms() -> u64 {
    1_000
}
fn default_backoff_factor() -> f64 {
    2.0
}
fn default_max_backoff_ms() -> u64 {
    600_000
}

impl WebhookConfig {
    /// A config with the defaults, for `url` signed with `secret`.
    pub fn new(key: &str, url: &str, secret: &str) -> WebhookConfig {
        WebhookConfig {
            key: key.to_string(),
            url: url.to_string(),
            secret_env: None,
            secret: Some(secret.to_string()),
            timeout_ms: default_timeout_ms(),
            max_attempts: default_max_attempts(),
            backoff_ms: default_backoff_ms(),
            backoff_factor: default_backoff_factor(),
            max_backoff_ms: default_max_backoff_ms(),
        }
    }

    /// Checks the values: (field, what is wrong, the fix).
    pub(crate) fn check(&self) -> Result<(), (&'static str, String, &'static str)> {
        if self.key.trim().is_empty() {
            return Err(("key", "empty webhook key".into(), "give the webhook a key"));
        }
        if !(self.url.starts_with("http://") || self.url.starts_with("https://")) {
            return Err((
                "url",
                format!("webhook url {:?} is not an http(s) address", self.url),
                "use an http:// or https:// address",
            ));
        }
        match (&self.secret, &self.secret_env) {
            (None, None) => {
                return Err((
                    "secret_env",
                    format!("webhook {:?} has no signing secret", self.key),
                    "set secret_env to the name of an environment variable holding the secret",
                ))
            }
            (Some(_), Some(_)) => {
                return Err((
                    "secret",
                    format!("webhook {:?} has both secret and secret_env", self.key),
                    "keep one of them (secret_env is preferred)",
                ))
            }
            (Some(s), None) if s.is_empty() => {
                return Err((
                    "secret",
                    "empty secret".into(),
                    "write the secret or use secret_env",
                ))
            }
            _ => {}
        }
        if self.timeout_ms == 0 {
            return Err((
                "timeout_ms",
                "timeout_ms is 0".into(),
                "allow some time, e.g. 5000",
            ));
        }
        if self.max_attempts == 0 {
            return Err((
                "max_attempts",
                "max_attempts is 0".into(),
                "use 1 or more, e.g. 5",
            ));
        }
        if !(self.backoff_factor >= 1.0 && self.backoff_factor.is_finite()) {
            return Err((
                "backoff_factor",
                format!("backoff_factor {} is below 1", self.backoff_factor),
                "use 1 (constant) or more, e.g. 2",
            ));
        }
        Ok(())
    }

    /// The wait after `attempts` failed attempts (1 → backoff_ms).
    pub fn backoff(&self, attempts: u32) -> Duration {
        let exp = attempts.saturating_sub(1).min(60) as i32;
        let ms = (self.backoff_ms as f64 * self.backoff_factor.powi(exp))
            .min(self.max_backoff_ms as f64);
        Duration::from_millis(ms.max(0.0) as u64)
    }
}

/// `sha256=<hex>`: the HMAC-SHA256 of `body` with `secret`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sha256={hex}")
}

/// A webhook ready to send: its secret resolved, its HTTP agent built.
#[derive(Debug)]
pub struct Webhook {
    config: WebhookConfig,
    secret: Vec<u8>,
    agent: ureq::Agent,
}

/// What one attempt got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendOutcome {
    /// The HTTP status, when an answer came.
    pub http_status: Option<u16>,
    /// What went wrong; `None` when the receiver accepted it (2xx).
    pub error: Option<String>,
}

impl Webhook {
    /// Resolves the secret (from its environment variable where so set)
    /// and builds the agent.
    pub fn build(config: &WebhookConfig) -> Result<Webhook, String> {
        let secret = match (&config.secret, &config.secret_env) {
            (Some(s), _) => s.clone(),
            (None, Some(var)) => std::env::var(var).map_err(|_| {
                format!(
                    "webhook {:?}: environment variable {var} (its secret_env) is not set",
                    config.key
                )
            })?,
            (None, None) => return Err(format!("webhook {:?} has no secret", config.key)),
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_millis(config.timeout_ms)))
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        Ok(Webhook {
            config: config.clone(),
            secret: secret.into_bytes(),
            agent,
        })
    }

    /// The config.
    pub fn config(&self) -> &WebhookConfig {
        &self.config
    }

    /// POSTs `body` (JSON) once, signed, within the timeout.
    pub fn send(&self, body: &str, delivery_id: i64) -> SendOutcome {
        let result = self
            .agent
            .post(&self.config.url)
            .header("Content-Type", "application/json")
            .header("User-Agent", concat!("vigil/", env!("CARGO_PKG_VERSION")))
            .header(
                "X-Vigil-Signature",
                signature(&self.secret, body.as_bytes()),
            )
            .header("X-Vigil-Delivery", delivery_id.to_string())
            .send(body);
        match result {
            Ok(resp) => {
                let status = resp.status().as_u16();
                SendOutcome {
                    http_status: Some(status),
                    error: (!(200..300).contains(&status)).then(|| format!("HTTP {status}")),
                }
            }
            Err(e) => SendOutcome {
                http_status: None,
                error: Some(e.to_string()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_a_known_vector() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let mut c = WebhookConfig::new("k", "http://127.0.0.1:1/", "s");
        c.backoff_ms = 100;
        c.max_backoff_ms = 350;
        let waits: Vec<u64> = (1..=4).map(|n| c.backoff(n).as_millis() as u64).collect();
        assert_eq!(waits, [100, 200, 350, 350]);
    }
}
