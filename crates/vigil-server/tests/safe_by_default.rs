//! The server is safe by default on loopback (issue 20): each failure a
//! hostile tester found, as a request to the router in memory.

use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use vigil_server::{AppState, Exposure};

const BOUND: &str = "127.0.0.1:8099";

/// A router over an empty store, as `vigil serve` runs it on 127.0.0.1:8099.
fn served(exposure: Option<Exposure>) -> (tempfile::TempDir, Router) {
    let dir = tempfile::tempdir().unwrap();
    let bound: SocketAddr = BOUND.parse().unwrap();
    let state = AppState::open(&dir.path().join("vigil.sqlite"))
        .unwrap()
        .with_exposure(exposure.unwrap_or(Exposure::Loopback { bound: Some(bound) }));
    (dir, vigil_server::router(state))
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    json: Value,
}

async fn send(app: &Router, req: Request<Body>) -> Answer {
    let uri = req.uri().to_string();
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "{uri}: {status}: body is not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    Answer {
        status,
        headers,
        json,
    }
}

fn get(uri: &str, host: Option<&str>) -> Request<Body> {
    let mut b = Request::builder().uri(uri);
    if let Some(h) = host {
        b = b.header(header::HOST, h);
    }
    b.body(Body::empty()).unwrap()
}

fn post(uri: &str, host: &str, origin: Option<&str>, body: Body) -> Request<Body> {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::HOST, host)
        .header(header::CONTENT_TYPE, "application/json")
        .header("X-Vigil-Analyst", "Rania");
    if let Some(o) = origin {
        b = b.header(header::ORIGIN, o);
    }
    b.body(body).unwrap()
}

/// An error in the house shape, with this status.
fn assert_error(a: &Answer, status: StatusCode, says: &str) {
    assert_eq!(a.status, status, "{}", a.json);
    assert_eq!(a.json["error"]["status"], status.as_u16(), "{}", a.json);
    let message = a.json["error"]["message"].as_str().unwrap();
    assert!(message.contains(says), "{message:?} does not say {says:?}");
    assert!(!message.contains("  "), "{message:?}: a broken line");
}

#[tokio::test]
async fn a_dns_rebinding_host_is_refused_and_loopback_names_are_answered() {
    let (_dir, app) = served(None);
    for host in [
        "localhost",
        "localhost:8099",
        "LocalHost:8099",
        "127.0.0.1",
        "127.0.0.1:8099",
        "[::1]",
        "[::1]:8099",
    ] {
        let a = send(&app, get("/api/v1/stats", Some(host))).await;
        assert_eq!(a.status, StatusCode::OK, "Host {host}: {}", a.json);
    }
    for host in [
        "attacker.example",
        "attacker.example:8099",
        "localhost:8100",
        "127.0.0.1.attacker.example:8099",
        "192.168.1.7:8099",
    ] {
        let a = send(&app, get("/api/v1/stats", Some(host))).await;
        assert_error(
            &a,
            StatusCode::MISDIRECTED_REQUEST,
            "http://localhost:8099/",
        );
    }
    // The dashboard too, not only the API.
    let a = send(&app, get("/", Some("attacker.example:8099"))).await;
    assert_error(&a, StatusCode::MISDIRECTED_REQUEST, "DNS rebinding");
    // A socket's request must name its host (HTTP/1.1).
    let a = send(&app, get("/api/v1/stats", None)).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "Host");
}

#[tokio::test]
async fn a_rebinding_page_cannot_write() {
    // The exploit: `POST /dispute` with `Host: attacker.example`
    // was recorded.
    let (_dir, app) = served(None);
    let a = send(
        &app,
        post(
            "/api/v1/incidents/1/dispute",
            "attacker.example:8099",
            Some("http://attacker.example:8099"),
            Body::from("{}"),
        ),
    )
    .await;
    assert_error(&a, StatusCode::MISDIRECTED_REQUEST, "loopback only");
}

#[tokio::test]
async fn a_cross_site_post_is_refused_and_a_same_origin_one_reaches_the_handler() {
    let (_dir, app) = served(None);
    for origin in [
        "https://attacker.example",
        "http://localhost:3000",
        "http://127.0.0.1:8099",
        "null",
    ] {
        let a = send(
            &app,
            post(
                "/api/v1/incidents/1/confirm",
                "localhost:8099",
                Some(origin),
                Body::from("{}"),
            ),
        )
        .await;
        assert_error(&a, StatusCode::FORBIDDEN, "another site");
    }
    // The dashboard's own origin, and a tool that sends none: the handler
    // answers (no incident 1 in an empty store).
    for origin in [Some("http://localhost:8099"), None] {
        let a = send(
            &app,
            post(
                "/api/v1/incidents/1/confirm",
                "localhost:8099",
                origin,
                Body::from("{}"),
            ),
        )
        .await;
        assert_error(&a, StatusCode::NOT_FOUND, "incident 1 not found");
        let a = send(
            &app,
            post(
                "/api/v1/alerts/1/ack",
                "localhost:8099",
                origin,
                Body::from("{}"),
            ),
        )
        .await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.json);
    }
    // Reads are not writes: a cross-site GET is answered (no CORS header,
    // so its page cannot read it).
    let mut req = get("/api/v1/stats", Some("localhost:8099"));
    req.headers_mut()
        .insert(header::ORIGIN, "https://attacker.example".parse().unwrap());
    let a = send(&app, req).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.headers.get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}

#[tokio::test]
async fn insecure_bind_answers_any_host_but_still_checks_origin() {
    let (_dir, app) = served(Some(Exposure::AnyHost));
    let a = send(&app, get("/api/v1/stats", Some("vigil.lan:8080"))).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    let a = send(
        &app,
        post(
            "/api/v1/incidents/1/confirm",
            "vigil.lan:8080",
            Some("http://attacker.example"),
            Body::from("{}"),
        ),
    )
    .await;
    assert_error(&a, StatusCode::FORBIDDEN, "another site");
    let a = send(
        &app,
        post(
            "/api/v1/incidents/1/confirm",
            "vigil.lan:8080",
            Some("http://vigil.lan:8080"),
            Body::from("{}"),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.json);
}

#[tokio::test]
async fn the_router_in_memory_takes_a_request_without_host() {
    // Tests call the router without a socket and without Host; no browser
    // sends such a request, so it cannot come from a page.
    let dir = tempfile::tempdir().unwrap();
    let app = vigil_server::router(AppState::open(&dir.path().join("vigil.sqlite")).unwrap());
    let a = send(&app, get("/api/v1/stats", None)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    let a = send(&app, get("/api/v1/stats", Some("attacker.example"))).await;
    assert_error(&a, StatusCode::MISDIRECTED_REQUEST, "localhost");
}

#[tokio::test]
async fn a_tally_over_ten_thousand_years_is_a_400_that_says_how_to_page() {
    // It used to answer 285 MB.
    let (_dir, app) = served(None);
    let max = vigil_server::MAX_WEEKS.to_string();
    let a = send(
        &app,
        get(
            "/api/v1/tally?from=0001-01-01&to=9999-12-31&by=province",
            Some("localhost:8099"),
        ),
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, &format!("at most {max} weeks"));
    assert_error(&a, StatusCode::BAD_REQUEST, "from=0001-01-01&to=0010-12-19");
    let a = send(
        &app,
        get(
            "/api/v1/narratives?from=0001-01-01&to=9999-12-31",
            Some("localhost:8099"),
        ),
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, &format!("at most {max} weeks"));
    // Exactly the maximum is answered; a day more is a week too many.
    let a = send(
        &app,
        get(
            "/api/v1/tally?from=2015-01-05&to=2024-12-22&by=province",
            Some("localhost:8099"),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.json);
    let a = send(
        &app,
        get(
            "/api/v1/tally?from=2015-01-05&to=2024-12-23",
            Some("localhost:8099"),
        ),
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "spans 521 weeks");
    // The description says so.
    let doc = serde_json::to_value(vigil_server::openapi()).unwrap();
    let tally_from = doc["paths"]["/api/v1/tally"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "from")
        .unwrap()["description"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(tally_from.contains(&format!("{max} weeks")), "{tally_from}");
}

#[tokio::test]
async fn an_oversized_body_and_axum_rejections_answer_json() {
    let (_dir, app) = served(None);
    // Over the limit: it used to be a plain-text 413.
    let big = format!(
        "{{\"note\": \"{}\"}}",
        "x".repeat(vigil_server::MAX_BODY_BYTES + 1)
    );
    let a = send(
        &app,
        post(
            "/api/v1/incidents/1/confirm",
            "localhost:8099",
            None,
            Body::from(big),
        ),
    )
    .await;
    assert_error(&a, StatusCode::PAYLOAD_TOO_LARGE, "larger than");
    // A path segment that is not UTF-8 (axum's own rejection).
    let a = send(&app, get("/api/v1/sources/%FF", Some("localhost"))).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.json);
    assert_eq!(a.json["error"]["status"], 400);
    // Bad JSON, negative and huge ids: JSON errors that say what to send.
    let a = send(
        &app,
        post(
            "/api/v1/incidents/1/merge",
            "localhost",
            None,
            Body::from("{\"with\": "),
        ),
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "send JSON like");
    for id in ["-1", "0", "99999999999999999999", "x"] {
        let a = send(
            &app,
            get(&format!("/api/v1/reports/{id}"), Some("localhost")),
        )
        .await;
        assert!(
            a.status == StatusCode::BAD_REQUEST || a.status == StatusCode::NOT_FOUND,
            "{id}: {}",
            a.json
        );
        assert!(a.json["error"]["message"].is_string(), "{id}: {}", a.json);
    }
}

#[tokio::test]
async fn every_answer_forbids_framing_and_cross_origin_use() {
    let (_dir, app) = served(None);
    for uri in ["/", "/assets/js/app.js", "/api/v1/stats", "/api/v1/nothing"] {
        let res = app
            .clone()
            .oneshot(get(uri, Some("localhost:8099")))
            .await
            .unwrap();
        let h = res.headers();
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("default-src 'self'"), "{uri}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert_eq!(h[header::X_FRAME_OPTIONS], "DENY", "{uri}");
        assert_eq!(h["cross-origin-opener-policy"], "same-origin", "{uri}");
        assert_eq!(h["cross-origin-resource-policy"], "same-origin", "{uri}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{uri}");
    }
    // A refused Host gets them too.
    let res = app
        .clone()
        .oneshot(get("/", Some("attacker.example")))
        .await
        .unwrap();
    assert_eq!(res.headers()[header::X_FRAME_OPTIONS], "DENY");
}

#[tokio::test]
async fn the_description_states_the_constraints_the_server_enforces() {
    let doc = serde_json::to_value(vigil_server::openapi()).unwrap();
    let param = |path: &str, method: &str, name: &str| -> Value {
        doc["paths"][path][method]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{method} {path}: no parameter {name}"))["schema"]
            .clone()
    };
    for path in [
        "/api/v1/sources/{id}",
        "/api/v1/documents/{id}",
        "/api/v1/reports/{id}",
        "/api/v1/incidents/{id}",
        "/api/v1/alerts/{id}",
    ] {
        let s = param(path, "get", "id");
        assert_eq!(s["type"], "integer", "{path}: {s}");
        assert_eq!(s["minimum"], 1, "{path}: {s}");
    }
    let s = param("/api/v1/incidents/{id}/confirm", "post", "id");
    assert_eq!(s["minimum"], 1, "{s}");
    let s = param("/api/v1/incidents/{id}/confirm", "post", "X-Vigil-Analyst");
    assert_eq!(s["minLength"], 1, "{s}");
    assert!(s["pattern"].is_string(), "{s}");
    for path in ["/api/v1/documents", "/api/v1/reports", "/api/v1/incidents"] {
        let s = param(path, "get", "limit");
        assert_eq!(s["type"], "integer", "{path}: {s}");
        assert_eq!(s["minimum"], 1, "{path}: {s}");
        assert_eq!(s["maximum"], vigil_server::MAX_LIMIT, "{path}: {s}");
        let s = param(path, "get", "from");
        assert_eq!(s["format"], "date", "{path}: {s}");
        // An empty value is refused, so the description says not to send one.
        let s = param(path, "get", "cursor");
        assert_eq!(s["minLength"], 1, "{path}: {s}");
    }
    // The vocabularies, as enums or comma-separated lists of them.
    let s = param("/api/v1/tally", "get", "measure");
    assert_eq!(
        s["enum"],
        serde_json::json!(["incidents", "claims", "fatalities"])
    );
    let s = param("/api/v1/incidents", "get", "sort");
    assert!(
        s["enum"].as_array().unwrap().contains(&"-killed".into()),
        "{s}"
    );
    let s = param("/api/v1/reports", "get", "claim_status");
    assert!(s["pattern"].as_str().unwrap().contains("claimed"), "{s}");
    // Search needs its words; a listing's `q` may be empty.
    let q = doc["paths"]["/api/v1/search"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "q")
        .unwrap()
        .clone();
    assert_eq!(q["required"], true, "{q}");
    // Merges and splits name ids, at least one.
    let merge = &doc["components"]["schemas"]["MergeBody"]["properties"]["with"];
    assert_eq!(merge["minItems"], 1, "{merge}");
    assert_eq!(merge["items"]["minimum"], 1, "{merge}");
    // The answers of the guards are described.
    let tally = &doc["paths"]["/api/v1/tally"]["get"]["responses"];
    assert!(
        tally["429"].is_object() && tally["421"].is_object(),
        "{tally}"
    );
    let confirm = &doc["paths"]["/api/v1/incidents/{id}/confirm"]["post"]["responses"];
    assert!(
        confirm["403"].is_object() && confirm["413"].is_object(),
        "{confirm}"
    );
    // The caps the answers state are the constants.
    let schemas = &doc["components"]["schemas"];
    let series = schemas["TallyOut"]["properties"]["series"]["description"]
        .as_str()
        .unwrap();
    assert!(
        series.contains(&format!("at most {}", vigil_server::MAX_SERIES)),
        "{series}"
    );
    let copies = schemas["DocumentOut"]["properties"]["copies"]["description"]
        .as_str()
        .unwrap();
    assert!(
        copies.contains(&vigil_server::MAX_LIMIT.to_string()),
        "{copies}"
    );
    // A verdict takes an empty body.
    let body = &doc["paths"]["/api/v1/incidents/{id}/confirm"]["post"]["requestBody"];
    assert_eq!(body["required"], false, "{body}");
}

#[tokio::test]
async fn a_tally_refuses_a_vocabulary_value_it_does_not_know() {
    // schemathesis: `tally?sub_event_type=AAA` was answered (zero counts)
    // although the description lists the values, as the incidents list does.
    let (_dir, app) = served(None);
    for (name, says) in [
        ("sub_event_type", "sub_event_type:"),
        ("attack_mode", "attack_mode:"),
        ("source_kind", "source_kind:"),
        ("event_type", "event_type:"),
        ("status", "status:"),
    ] {
        let a = send(
            &app,
            get(&format!("/api/v1/tally?{name}=AAA"), Some("localhost")),
        )
        .await;
        assert_error(&a, StatusCode::BAD_REQUEST, says);
    }
}
