//! Who may talk to the server: the `Host` and `Origin` checks that keep a
//! loopback server to this machine's own pages, the limit on expensive
//! requests in flight, and the JSON shape of every error, axum's own
//! rejections included.
//!
//! Vigil has no accounts yet: on loopback, the only defence against a web
//! page the analyst visits is that a browser names the site it talks to.
//! A DNS-rebinding page reaches `127.0.0.1` under its own name
//! (`Host: attacker.example`), so only the loopback names are answered; a
//! cross-site page can send a POST but its browser says where it comes
//! from (`Origin: https://attacker.example`), so a write must come from the
//! server's own origin.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::{ApiError, AppState};

/// Who the server answers, by the `Host` a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exposure {
    /// Bound to a loopback address (the default): only `localhost`,
    /// `127.0.0.1`, `[::1]` and the bound address itself are answered as
    /// `Host`, with no port or the bound one. A write's `Origin`, when
    /// sent, must be the same origin. `bound: None` is the router called
    /// in memory, without a socket: any port is taken, and a request with
    /// no `Host` (which no browser sends) is answered; with a socket a
    /// missing `Host` is a 400, as HTTP/1.1 requires.
    Loopback {
        /// The address bound, when there is a socket.
        bound: Option<SocketAddr>,
    },
    /// `vigil serve --insecure-bind`: any `Host` is answered (a reverse
    /// proxy's, a LAN name's); a write's `Origin`, when sent, must still be
    /// the origin the request names in `Host`. Anyone who reaches the
    /// port can read and write: there are no accounts.
    AnyHost,
}

impl Default for Exposure {
    fn default() -> Exposure {
        Exposure::Loopback { bound: None }
    }
}

/// Splits a `Host` value (`localhost:8080`, `[::1]`, `127.0.0.1`) into its
/// name, lower-cased, and its port.
fn split_host(v: &str) -> Option<(String, Option<u16>)> {
    let v = v.trim();
    let (name, port) = if let Some(rest) = v.strip_prefix('[') {
        let end = rest.find(']')?;
        let port = &rest[end + 1..];
        (&v[..end + 2], port)
    } else {
        match v.rfind(':') {
            Some(i) => (&v[..i], &v[i..]),
            None => (v, ""),
        }
    };
    let port = match port {
        "" => None,
        p => Some(p.strip_prefix(':')?.parse::<u16>().ok()?),
    };
    if name.is_empty() {
        return None;
    }
    Some((name.to_ascii_lowercase(), port))
}

/// Whether `name` names this machine's loopback interface (or `bound`).
fn is_loopback_name(name: &str, bound: Option<SocketAddr>) -> bool {
    if matches!(name, "localhost" | "127.0.0.1" | "[::1]") {
        return true;
    }
    let Some(addr) = bound else { return false };
    match addr.ip() {
        IpAddr::V4(ip) => name == ip.to_string(),
        IpAddr::V6(ip) => name == format!("[{ip}]"),
    }
}

fn refuse(status: StatusCode, message: String) -> Response {
    ApiError { status, message }.into_response()
}

/// The `Host` of a request: its header, or the authority of an
/// absolute-form target.
fn host_of(req: &Request) -> Option<String> {
    match req.headers().get(header::HOST) {
        Some(v) => Some(String::from_utf8_lossy(v.as_bytes()).into_owned()),
        None => req.uri().authority().map(|a| a.as_str().to_string()),
    }
}

/// Whether `method` can change the store (everything but the reads).
fn writes(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Checks `Host` (and, for writes, `Origin`) before anything else runs.
pub async fn check_host_and_origin(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let Some(host) = host_of(&req) else {
        // Browsers always send Host, so a request without one is no page's;
        // a socket's HTTP/1.1 request still needs it (RFC 9112), while the
        // router called in memory (tests, no socket) takes it as from here.
        if state.exposure == Exposure::default() && req.headers().get(header::ORIGIN).is_none() {
            return next.run(req).await;
        }
        return refuse(
            StatusCode::BAD_REQUEST,
            "no Host header; HTTP/1.1 requires one: send `Host: localhost:PORT`".into(),
        );
    };
    let Some((name, port)) = split_host(&host) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            format!("Host {host:?} is not a host name with an optional port; send `Host: localhost:PORT`"),
        );
    };
    if let Exposure::Loopback { bound } = state.exposure {
        let port_ok = match (port, bound) {
            (Some(p), Some(b)) => p == b.port(),
            _ => true,
        };
        if !is_loopback_name(&name, bound) || !port_ok {
            let here = match bound {
                Some(b) => format!("http://localhost:{}/", b.port()),
                None => "http://localhost/".into(),
            };
            return refuse(
                StatusCode::MISDIRECTED_REQUEST,
                format!(
                    "Host {host:?} is not this server: it listens on loopback only and answers \
                     the names localhost, 127.0.0.1 and [::1]; open {here} (a page that reached \
                     this port under another name is refused, against DNS rebinding)"
                ),
            );
        }
    }
    if writes(req.method()) {
        if let Err(message) = same_origin(req.headers(), &name, port) {
            return refuse(StatusCode::FORBIDDEN, message);
        }
    }
    next.run(req).await
}

/// A write's `Origin`, when sent, must be the origin `Host` names: the same
/// host and port (80 when left out). Browsers send `Origin` with every
/// cross-site POST; tools such as curl send none, and need none.
fn same_origin(headers: &HeaderMap, host: &str, port: Option<u16>) -> Result<(), String> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = String::from_utf8_lossy(origin.as_bytes()).into_owned();
    let refused = || {
        format!(
            "Origin {origin:?} is another site: review actions and acknowledgments are accepted \
             only from this server's own pages (open the dashboard at http://{host}{}/ and act \
             there), or from a tool that sends no Origin",
            port.map(|p| format!(":{p}")).unwrap_or_default()
        )
    };
    let Some((scheme, authority)) = origin.split_once("://") else {
        return Err(refused());
    };
    let default_port = match scheme.to_ascii_lowercase().as_str() {
        "http" => 80,
        "https" => 443,
        _ => return Err(refused()),
    };
    let Some((o_name, o_port)) = split_host(authority) else {
        return Err(refused());
    };
    if o_name == host && o_port.unwrap_or(default_port) == port.unwrap_or(default_port) {
        Ok(())
    } else {
        Err(refused())
    }
}

/// Expensive requests (tally, surges, search) running at once, server-wide.
pub const EXPENSIVE_IN_FLIGHT: usize = 2;
/// Expensive requests that may wait for one of those places; one more is
/// answered 429.
pub const EXPENSIVE_WAITING: usize = 6;
/// Seconds a client told 429 is asked to wait (`Retry-After`).
pub const RETRY_AFTER_SECS: u64 = 2;

/// The places for expensive requests. A limit per client would be the
/// same on loopback, where every client is `127.0.0.1`; one limit for the
/// server is what it is: eight tallies at once used to take 3.5 GB.
#[derive(Debug)]
pub struct Expensive {
    admitted: Arc<Semaphore>,
    running: Arc<Semaphore>,
}

impl Expensive {
    /// `in_flight` at once, `waiting` more queued.
    pub fn new(in_flight: usize, waiting: usize) -> Expensive {
        Expensive {
            admitted: Arc::new(Semaphore::new(in_flight.max(1) + waiting)),
            running: Arc::new(Semaphore::new(in_flight.max(1))),
        }
    }

    /// A place to run, waiting for one if the queue has room; `None`
    /// when it is full.
    async fn enter(&self) -> Option<(OwnedSemaphorePermit, OwnedSemaphorePermit)> {
        let admitted = self.admitted.clone().try_acquire_owned().ok()?;
        let running = self.running.clone().acquire_owned().await.ok()?;
        Some((admitted, running))
    }
}

impl Default for Expensive {
    fn default() -> Expensive {
        Expensive::new(EXPENSIVE_IN_FLIGHT, EXPENSIVE_WAITING)
    }
}

/// Runs an expensive request when a place is free; 429 with `Retry-After`
/// when too many are already running or waiting.
pub async fn limit_expensive(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(_places) = state.expensive.enter().await else {
        let mut res = refuse(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "too many tallies, surge tests and searches at once ({} running, {} waiting); \
                 retry in {RETRY_AFTER_SECS} s, and send them one after another",
                EXPENSIVE_IN_FLIGHT, EXPENSIVE_WAITING
            ),
        );
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        return res;
    };
    next.run(req).await
}

/// The largest request body accepted (review actions and acknowledgments
/// are small JSON objects).
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// Any error answer that is not JSON yet (axum's rejections: a body over
/// [`MAX_BODY_BYTES`], a path that is not UTF-8) in the shape of every
/// other error, with its message kept.
pub async fn json_errors(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let is_json = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return res;
    }
    let (parts, body) = res.into_parts();
    // Rejections are a line of text; more is not a rejection's.
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => format!(
            "body: larger than {MAX_BODY_BYTES} bytes; a review action takes a small JSON object such as {{\"note\": \"why\"}}"
        ),
        _ if status.is_server_error() => {
            tracing::error!(status = %status, error = %text, "request failed");
            "internal error; the server log has the details".into()
        }
        _ if text.is_empty() => status
            .canonical_reason()
            .unwrap_or("the request was refused")
            .to_string(),
        _ => text,
    };
    let mut out = ApiError { status, message }.into_response();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    #[tokio::test]
    async fn expensive_requests_beyond_the_places_are_429_with_retry_after() {
        let dir = tempfile::tempdir().unwrap();
        let mut state = AppState::open(&dir.path().join("vigil.sqlite")).unwrap();
        state.expensive = Arc::new(Expensive::new(1, 1));
        // Both places taken: one running, one waiting for it.
        let running = state.expensive.enter().await.unwrap();
        let places = state.expensive.clone();
        let waiting = tokio::spawn(async move { places.enter().await.is_some() });
        while state.expensive.admitted.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let app = crate::router(state.clone());
        let call = |uri: &'static str| {
            let app = app.clone();
            async move {
                let req = axum::http::Request::builder()
                    .uri(uri)
                    .body(Body::empty())
                    .unwrap();
                let res = app.oneshot(req).await.unwrap();
                let status = res.status();
                let retry = res.headers().get(header::RETRY_AFTER).cloned();
                let body = res.into_body().collect().await.unwrap().to_bytes();
                let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
                (status, retry, json)
            }
        };
        for uri in [
            "/api/v1/tally",
            "/api/v1/surges",
            "/api/v1/search?q=Qamishli",
            "/api/v1/narratives",
        ] {
            let (status, retry, json) = call(uri).await;
            assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{uri}: {json}");
            assert_eq!(retry, Some(HeaderValue::from(RETRY_AFTER_SECS)), "{uri}");
            assert_eq!(json["error"]["status"], 429, "{uri}: {json}");
            let m = json["error"]["message"].as_str().unwrap();
            assert!(m.contains("retry in"), "{m}");
        }
        // Cheap reads are never held back.
        let (status, _, json) = call("/api/v1/stats").await;
        assert_eq!(status, StatusCode::OK, "{json}");
        // Places freed, the waiting one runs, and so do the next.
        drop(running);
        assert!(waiting.await.unwrap());
        let (status, _, json) = call("/api/v1/tally").await;
        assert_eq!(status, StatusCode::OK, "{json}");
    }

    #[test]
    fn hosts_split_into_name_and_port() {
        let cases = [
            ("localhost:8080", Some(("localhost", Some(8080)))),
            ("LOCALHOST", Some(("localhost", None))),
            ("[::1]:99", Some(("[::1]", Some(99)))),
            ("[::1]", Some(("[::1]", None))),
            ("127.0.0.1", Some(("127.0.0.1", None))),
            (
                "attacker.example:8080",
                Some(("attacker.example", Some(8080))),
            ),
            ("localhost:http", None),
            ("localhost:99999", None),
            ("[::1", None),
            (":80", None),
        ];
        for (raw, want) in cases {
            let got = split_host(raw);
            let want = want.map(|(n, p)| (n.to_string(), p));
            assert_eq!(got, want, "{raw}");
        }
    }

    #[test]
    fn origins_must_name_the_host_and_port() {
        let with = |o: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ORIGIN, HeaderValue::from_str(o).unwrap());
            h
        };
        assert!(same_origin(&HeaderMap::new(), "localhost", Some(8080)).is_ok());
        assert!(same_origin(&with("http://localhost:8080"), "localhost", Some(8080)).is_ok());
        assert!(same_origin(&with("http://localhost"), "localhost", None).is_ok());
        for bad in [
            "http://attacker.example",
            "http://localhost:3000",
            "http://127.0.0.1:8080",
            "null",
            "file://",
        ] {
            assert!(
                same_origin(&with(bad), "localhost", Some(8080)).is_err(),
                "{bad}"
            );
        }
    }
}
