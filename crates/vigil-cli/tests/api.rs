//! The HTTP API (vigil-server) against the demo corpus, ingested and
//! extracted by the `vigil` binary: every endpoint's happy path, filters,
//! paging walks, every error case, the OpenAPI document, headers, hostile
//! text, and `vigil serve` itself.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::process::Command;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

mod support;
use support::{demo_store, vigil};

fn app_for(dir: &Path) -> Router {
    vigil_server::router(vigil_server::AppState::open(&dir.join("vigil.sqlite")).unwrap())
}

fn demo_app() -> Router {
    app_for(&demo_store())
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    json: Value,
}

async fn call(app: &Router, method: Method, uri: &str) -> Answer {
    let res = app
        .clone()
        .oneshot(
            Request::builder()
                .method(method)
                .uri(uri)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "{uri}: body is not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    Answer {
        status,
        headers,
        json,
    }
}

async fn get(app: &Router, uri: &str) -> Value {
    let a = call(app, Method::GET, uri).await;
    assert_eq!(a.status, StatusCode::OK, "{uri}: {}", a.json);
    a.json
}

/// Follows `next_cursor` from `uri` to the end; returns every item.
async fn walk(app: &Router, uri: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut next = uri.to_string();
    for _ in 0..10_000 {
        let page = get(app, &next).await;
        let got = page["items"].as_array().unwrap();
        items.extend(got.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => {
                assert!(!got.is_empty(), "{next}: an empty page with a cursor");
                let sep = if uri.contains('?') { '&' } else { '?' };
                next = format!("{uri}{sep}cursor={c}");
            }
            None => {
                assert!(
                    page.get("next_cursor").is_some(),
                    "envelope has next_cursor"
                );
                return items;
            }
        }
    }
    panic!("{uri}: the walk did not end")
}

/// What every item of a filtered listing must satisfy.
type Check<'a> = dyn Fn(&Value) -> bool + 'a;

fn ids(items: &[Value]) -> Vec<i64> {
    items.iter().map(|i| i["id"].as_i64().unwrap()).collect()
}

fn assert_unique(what: &str, ids: &[i64]) {
    let set: HashSet<_> = ids.iter().collect();
    assert_eq!(set.len(), ids.len(), "{what}: an item came twice");
}

#[tokio::test]
async fn index_and_stats_describe_the_store() {
    let app = demo_app();
    let index = get(&app, "/api/v1").await;
    let paths: Vec<&str> = index["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"/api/v1/reports"));
    assert_eq!(index["openapi"], "/api/openapi.json");

    let s = get(&app, "/api/v1/stats").await;
    assert_eq!(s["sources"], 8);
    assert_eq!(s["documents"], 134);
    assert!(s["event_reports"].as_u64().unwrap() > 20, "{s}");
    let langs: Vec<(String, u64)> = s["languages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["key"].as_str().unwrap().to_string(),
                b["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        langs,
        [("ar".into(), 82), ("en".into(), 51), ("ku".into(), 1)]
    );
    assert_eq!(s["first_published"], "2019-09-16T06:14:31Z");
}

#[tokio::test]
async fn sources_list_page_and_one() {
    let app = demo_app();
    let all = get(&app, "/api/v1/sources").await;
    let items = all["items"].as_array().unwrap();
    assert_eq!(items.len(), 8);
    assert!(all["next_cursor"].is_null());
    let all_ids = ids(items);
    let mut sorted = all_ids.clone();
    sorted.sort();
    assert_eq!(all_ids, sorted, "by id");
    for limit in [1, 3, 8] {
        let walked = walk(&app, &format!("/api/v1/sources?limit={limit}")).await;
        assert_eq!(ids(&walked), all_ids, "limit {limit}");
    }
    let wadi = items
        .iter()
        .find(|s| s["name"] == "Wadi Media Relay")
        .unwrap();
    assert_eq!(wadi["kind"], "militant_official");
    assert_eq!(wadi["reliability"], "e");
    assert_eq!(wadi["documents"], 69);
    let one = get(&app, &format!("/api/v1/sources/{}", wadi["id"])).await;
    assert_eq!(&one, wadi);
}

#[tokio::test]
async fn documents_walk_sort_and_filter() {
    let app = demo_app();
    let asc = walk(&app, "/api/v1/documents?limit=7").await;
    assert_eq!(asc.len(), 134, "none missing");
    assert_unique("documents", &ids(&asc));
    let published: Vec<Option<&str>> = asc.iter().map(|d| d["published"].as_str()).collect();
    let mut sorted = published.clone();
    sorted.sort();
    assert_eq!(published, sorted, "published ascending, undated first");
    assert!(
        published[0].is_none(),
        "the demo holds one undated document"
    );

    let desc = walk(&app, "/api/v1/documents?sort=-published&limit=50").await;
    let mut rev = ids(&asc);
    rev.reverse();
    assert_eq!(ids(&desc), rev);
    let by_id = walk(&app, "/api/v1/documents?sort=id&limit=500").await;
    let mut want = ids(&asc);
    want.sort();
    assert_eq!(ids(&by_id), want);
    let first = get(&app, "/api/v1/documents?limit=1").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    assert!(first["next_cursor"].is_string());

    // Filters: each row's items all satisfy it, and the count is known.
    let rows: &[(&str, usize, &Check<'_>)] = &[
        ("lang=ar", 82, &|d| d["lang"] == "ar"),
        ("lang=en,ku", 52, &|d| d["lang"] != "ar"),
        ("kind=militant_official", 69, &|d| {
            d["source_kind"] == "militant_official"
        }),
        ("source=Levant%20Wire%20Service", 14, &|d| {
            d["source"] == "Levant Wire Service"
        }),
        ("from=2019-10-13&to=2019-10-13", 0, &|d| {
            d["published"].as_str().unwrap().starts_with("2019-10-13")
        }),
        ("q=Qamishli&lang=en", 0, &|d| d["lang"] == "en"),
    ];
    for (query, count, ok) in rows {
        let got = walk(&app, &format!("/api/v1/documents?{query}&limit=20")).await;
        if *count > 0 {
            assert_eq!(got.len(), *count, "{query}");
        } else {
            assert!(!got.is_empty(), "{query}: nothing");
        }
        assert!(got.iter().all(ok), "{query}");
        assert_unique(query, &ids(&got));
    }
    // The text filter agrees with search.
    let q = walk(&app, "/api/v1/documents?q=%22Ain%20Issa%22&limit=3").await;
    let s = get(&app, "/api/v1/search?q=%22Ain%20Issa%22&limit=500").await;
    let mut a = ids(&q);
    let mut b = ids(s["items"].as_array().unwrap());
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[tokio::test]
async fn one_document_has_text_copies_and_reports() {
    let app = demo_app();
    let all = walk(&app, "/api/v1/documents?limit=500").await;
    let with_copies = all
        .iter()
        .find(|d| d["copies"].as_u64().unwrap() > 0)
        .unwrap();
    let doc = get(&app, &format!("/api/v1/documents/{}", with_copies["id"])).await;
    assert_eq!(doc["id"], with_copies["id"]);
    assert_eq!(doc["source"], with_copies["source"]);
    assert_eq!(
        doc["text"].as_str().unwrap().len() as u64,
        with_copies["bytes"].as_u64().unwrap()
    );
    let copies = doc["copies"].as_array().unwrap();
    assert_eq!(copies.len() as u64, with_copies["copies"].as_u64().unwrap());
    assert!(copies.iter().all(|c| c["document_id"] == doc["id"]));
    assert!(["exact", "repost", "forward"].contains(&copies[0]["kind"].as_str().unwrap()));
    assert_eq!(doc["content_hash"].as_str().unwrap().len(), 32);

    // The Qamishli bombing wire story has reports.
    let hits = get(
        &app,
        "/api/v1/search?q=Qamishli%20restaurant%20bombing&lang=en",
    )
    .await;
    let id = hits["items"][0]["id"].as_i64().unwrap();
    let doc = get(&app, &format!("/api/v1/documents/{id}")).await;
    let reports = doc["reports"].as_array().unwrap();
    assert!(!reports.is_empty(), "{doc}");
    let r = get(&app, &format!("/api/v1/reports/{}", reports[0])).await;
    assert_eq!(r["report"]["document_id"], id);
}

#[tokio::test]
async fn search_pages_and_highlights() {
    let app = demo_app();
    let first = get(&app, "/api/v1/search?q=Qamishli").await;
    let total = first["total"].as_u64().unwrap();
    assert!(total >= 5, "{first}");
    for hit in first["items"].as_array().unwrap() {
        let passage: Vec<char> = hit["passage"].as_str().unwrap().chars().collect();
        let hl = hit["highlights"].as_array().unwrap();
        assert!(!hl.is_empty(), "{hit}");
        for h in hl {
            let (s, e) = (
                h["start"].as_u64().unwrap() as usize,
                h["end"].as_u64().unwrap() as usize,
            );
            let word: String = passage[s..e].iter().collect();
            assert!(word.starts_with("qamishl"), "{word:?} in {hit}");
        }
    }
    let walked = walk(&app, "/api/v1/search?q=Qamishli&limit=2").await;
    assert_eq!(walked.len() as u64, total, "none missing");
    assert_unique("search", &ids(&walked));
    assert_eq!(
        ids(&walked),
        ids(first["items"].as_array().unwrap()),
        "same order"
    );

    // Arabic, with filters.
    let ar = get(
        &app,
        "/api/v1/search?q=%D8%A7%D9%84%D9%82%D8%A7%D9%85%D8%B4%D9%84%D9%8A&lang=ar",
    )
    .await;
    let items = ar["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|h| h["lang"] == "ar"));
    let none = get(&app, "/api/v1/search?q=Qamishli&from=2030-01-01").await;
    assert_eq!(none["total"], 0);
    assert!(none["next_cursor"].is_null());
    let kind = get(&app, "/api/v1/search?q=Qamishli&kind=news_media&source=3,4").await;
    assert!(kind["items"].as_array().unwrap().iter().all(|h| [
        "Levant Wire Service",
        "Northbridge News Agency"
    ]
    .contains(&h["source"].as_str().unwrap())));
}

#[tokio::test]
async fn reports_walk_sort_and_filter() {
    let app = demo_app();
    let stats = get(&app, "/api/v1/stats").await;
    let n = stats["event_reports"].as_u64().unwrap() as usize;
    let asc = walk(&app, "/api/v1/reports?limit=13").await;
    assert_eq!(asc.len(), n, "none missing");
    assert_unique("reports", &ids(&asc));
    let dates: Vec<Option<&str>> = asc.iter().map(|r| r["date"]["date"].as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "event date ascending, undated first");
    let desc = walk(&app, "/api/v1/reports?sort=-date&limit=9").await;
    let mut rev = ids(&asc);
    rev.reverse();
    assert_eq!(ids(&desc), rev);
    let by_id = walk(&app, "/api/v1/reports?sort=-id&limit=500").await;
    let mut want = ids(&asc);
    want.sort();
    want.reverse();
    assert_eq!(ids(&by_id), want);
    // Each listed report names its document's source and language.
    let sources = walk(&app, "/api/v1/sources").await;
    for r in &asc {
        let doc = get(&app, &format!("/api/v1/documents/{}", r["document_id"])).await;
        assert_eq!(r["source_id"], doc["source_id"], "{}", r["id"]);
        assert_eq!(r["source"], doc["source"], "{}", r["id"]);
        assert_eq!(r["lang"], doc["lang"], "{}", r["id"]);
        assert!(sources.iter().any(|s| s["id"] == r["source_id"]));
    }

    let names = |r: &Value| -> Vec<String> {
        ["perpetrators", "targets"]
            .iter()
            .flat_map(|side| r[side].as_array().unwrap().clone())
            .flat_map(|a| {
                [
                    a["canonical"].as_str().map(str::to_lowercase),
                    a["mention"].as_str().map(str::to_lowercase),
                ]
            })
            .flatten()
            .collect()
    };
    let in_box = |r: &Value| {
        let (lat, lon) = (r["place"]["lat"].as_f64(), r["place"]["lon"].as_f64());
        matches!((lat, lon), (Some(lat), Some(lon)) if (36.5..=37.5).contains(&lat) && (40.5..=42.0).contains(&lon))
    };
    let rows: &[(&str, &Check<'_>)] = &[
        ("event_type=explosions_remote_violence", &|r| {
            r["event_type"] == "explosions_remote_violence"
        }),
        ("sub_event_type=suicide_bomb,armed_clash", &|r| {
            ["suicide_bomb", "armed_clash"].contains(&r["sub_event_type"].as_str().unwrap())
        }),
        ("claim_status=claimed", &|r| r["claim_status"] == "claimed"),
        ("actor=islamic%20state", &|r| {
            names(r).contains(&"islamic state".to_string())
        }),
        ("bbox=40.5,36.5,42,37.5", &in_box),
        ("from=2019-10-10&to=2019-10-12", &|r| {
            let d = r["date"]["date"].as_str().unwrap();
            ("2019-10-10"..="2019-10-12").contains(&d)
        }),
        ("source=1&claim_status=claimed,reported", &|r| {
            r["claim_status"] != "denied"
        }),
        ("lang=en&sort=-date", &|_| true),
    ];
    for (query, ok) in rows {
        let got = walk(&app, &format!("/api/v1/reports?{query}&limit=4")).await;
        assert!(!got.is_empty(), "{query}: nothing");
        assert!(got.len() < n, "{query}: filtered nothing out");
        assert!(got.iter().all(ok), "{query}");
        assert_unique(query, &ids(&got));
    }
    // Source and language filters go through the report's document.
    let en = walk(&app, "/api/v1/reports?lang=en&limit=500").await;
    let docs = walk(&app, "/api/v1/documents?lang=en&limit=500").await;
    let en_docs: HashSet<i64> = ids(&docs).into_iter().collect();
    assert!(en
        .iter()
        .all(|r| en_docs.contains(&r["document_id"].as_i64().unwrap())));
}

#[tokio::test]
async fn one_report_quotes_its_evidence() {
    let app = demo_app();
    let page = get(
        &app,
        "/api/v1/reports?event_type=explosions_remote_violence&limit=5",
    )
    .await;
    let id = page["items"][0]["id"].as_i64().unwrap();
    let r = get(&app, &format!("/api/v1/reports/{id}")).await;
    assert_eq!(r["report"]["id"], id);
    let doc_id = r["report"]["document_id"].as_i64().unwrap();
    assert_eq!(r["document"]["id"], doc_id);
    let doc = get(&app, &format!("/api/v1/documents/{doc_id}")).await;
    let text: Vec<char> = doc["text"].as_str().unwrap().chars().collect();
    let ev = r["evidence"].as_array().unwrap();
    assert!(!ev.is_empty());
    assert_eq!(ev.len(), r["report"]["evidence"].as_array().unwrap().len());
    for e in ev {
        let (s, t) = (
            e["span"]["start"].as_u64().unwrap() as usize,
            e["span"]["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(
            e["text"].as_str().unwrap(),
            text[s..t].iter().collect::<String>()
        );
        assert!(e["sentence_text"]
            .as_str()
            .unwrap()
            .contains(e["text"].as_str().unwrap()));
    }
}

#[tokio::test]
async fn errors_are_json_with_status_and_what_to_change() {
    let app = demo_app();
    let docs = get(&app, "/api/v1/documents?limit=1").await;
    let doc_cursor = docs["next_cursor"].as_str().unwrap().to_string();
    let rows: Vec<(Method, String, StatusCode, &str)> = vec![
        (
            Method::GET,
            "/api/v1/documents?colour=red".into(),
            StatusCode::BAD_REQUEST,
            "unknown query parameter `colour`",
        ),
        (
            Method::GET,
            "/api/v1/reports?limit=10&foo=1".into(),
            StatusCode::BAD_REQUEST,
            "`foo`",
        ),
        (
            Method::GET,
            "/api/v1/stats?x=1".into(),
            StatusCode::BAD_REQUEST,
            "`x`",
        ),
        (
            Method::GET,
            "/api/v1/documents/5?verbose=1".into(),
            StatusCode::BAD_REQUEST,
            "`verbose`",
        ),
        (
            Method::GET,
            "/api/v1/documents?lang=ar&lang=en".into(),
            StatusCode::BAD_REQUEST,
            "at most once",
        ),
        (
            Method::GET,
            "/api/v1/documents?limit=0".into(),
            StatusCode::BAD_REQUEST,
            "limit",
        ),
        (
            Method::GET,
            "/api/v1/documents?limit=501".into(),
            StatusCode::BAD_REQUEST,
            "1 to 500",
        ),
        (
            Method::GET,
            "/api/v1/documents?sort=rank".into(),
            StatusCode::BAD_REQUEST,
            "published, -published",
        ),
        (
            Method::GET,
            "/api/v1/documents?cursor=bm90IGEgY3Vyc29y".into(),
            StatusCode::BAD_REQUEST,
            "cursor",
        ),
        (
            Method::GET,
            "/api/v1/documents?cursor=%%%".into(),
            StatusCode::BAD_REQUEST,
            "cursor",
        ),
        (
            Method::GET,
            format!("/api/v1/documents?sort=-published&cursor={doc_cursor}"),
            StatusCode::BAD_REQUEST,
            "sort=published",
        ),
        (
            Method::GET,
            format!("/api/v1/reports?cursor={doc_cursor}"),
            StatusCode::BAD_REQUEST,
            "cursor",
        ),
        (
            Method::GET,
            "/api/v1/documents?from=2019-13-01".into(),
            StatusCode::BAD_REQUEST,
            "YYYY-MM-DD",
        ),
        (
            Method::GET,
            "/api/v1/documents?from=2019-10-20&to=2019-10-01".into(),
            StatusCode::BAD_REQUEST,
            "swap",
        ),
        (
            Method::GET,
            "/api/v1/documents?kind=blog".into(),
            StatusCode::BAD_REQUEST,
            "militant_official",
        ),
        (
            Method::GET,
            "/api/v1/documents?lang=arabic1".into(),
            StatusCode::BAD_REQUEST,
            "lang",
        ),
        (
            Method::GET,
            "/api/v1/documents?source=No%20Such%20Outlet".into(),
            StatusCode::BAD_REQUEST,
            "/api/v1/sources",
        ),
        (
            Method::GET,
            "/api/v1/documents?q=-camp".into(),
            StatusCode::BAD_REQUEST,
            "at least one word",
        ),
        (
            Method::GET,
            "/api/v1/search".into(),
            StatusCode::BAD_REQUEST,
            "q: required",
        ),
        (
            Method::GET,
            "/api/v1/search?q=%20%20".into(),
            StatusCode::BAD_REQUEST,
            "q: required",
        ),
        (
            Method::GET,
            "/api/v1/search?q=camp&sort=date".into(),
            StatusCode::BAD_REQUEST,
            "`sort`",
        ),
        (
            Method::GET,
            "/api/v1/reports?bbox=1,2,3".into(),
            StatusCode::BAD_REQUEST,
            "minLon,minLat,maxLon,maxLat",
        ),
        (
            Method::GET,
            "/api/v1/reports?bbox=38,37,42,35".into(),
            StatusCode::BAD_REQUEST,
            "south edge",
        ),
        (
            Method::GET,
            "/api/v1/reports?bbox=38,35,200,37".into(),
            StatusCode::BAD_REQUEST,
            "out of range",
        ),
        (
            Method::GET,
            "/api/v1/reports?event_type=skirmish".into(),
            StatusCode::BAD_REQUEST,
            "battles",
        ),
        (
            Method::GET,
            "/api/v1/reports?sub_event_type=x".into(),
            StatusCode::BAD_REQUEST,
            "suicide_bomb",
        ),
        (
            Method::GET,
            "/api/v1/reports?claim_status=rumoured".into(),
            StatusCode::BAD_REQUEST,
            "claimed",
        ),
        (
            Method::GET,
            "/api/v1/reports?actor=".into(),
            StatusCode::BAD_REQUEST,
            "actor: empty",
        ),
        (
            Method::GET,
            "/api/v1/reports?sort=-rank".into(),
            StatusCode::BAD_REQUEST,
            "date, -date",
        ),
        (
            Method::GET,
            "/api/v1/sources/999".into(),
            StatusCode::NOT_FOUND,
            "source 999 not found",
        ),
        (
            Method::GET,
            "/api/v1/sources/abc".into(),
            StatusCode::BAD_REQUEST,
            "not a positive number",
        ),
        (
            Method::GET,
            "/api/v1/documents/99999".into(),
            StatusCode::NOT_FOUND,
            "document 99999 not found",
        ),
        (
            Method::GET,
            "/api/v1/documents/0".into(),
            StatusCode::BAD_REQUEST,
            "not a positive number",
        ),
        (
            Method::GET,
            "/api/v1/reports/99999".into(),
            StatusCode::NOT_FOUND,
            "report 99999 not found",
        ),
        (
            Method::GET,
            "/api/v1/reports/x1".into(),
            StatusCode::BAD_REQUEST,
            "not a positive number",
        ),
        (
            Method::GET,
            "/api/v2/reports".into(),
            StatusCode::NOT_FOUND,
            "no such endpoint",
        ),
        (
            Method::GET,
            "/dashboard".into(),
            StatusCode::NOT_FOUND,
            "no such endpoint",
        ),
        (
            Method::POST,
            "/api/v1/reports".into(),
            StatusCode::METHOD_NOT_ALLOWED,
            "reads are GET",
        ),
        (
            Method::DELETE,
            "/api/v1/documents/1".into(),
            StatusCode::METHOD_NOT_ALLOWED,
            "reads are GET",
        ),
    ];
    for (method, uri, status, says) in rows {
        let a = call(&app, method.clone(), &uri).await;
        assert_eq!(a.status, status, "{method} {uri}: {}", a.json);
        assert_eq!(a.json["error"]["status"], status.as_u16(), "{uri}");
        let msg = a.json["error"]["message"].as_str().unwrap();
        assert!(msg.contains(says), "{uri}: {msg:?} should say {says:?}");
        assert_eq!(a.headers[header::CONTENT_TYPE], "application/json", "{uri}");
        assert_eq!(a.json.as_object().unwrap().len(), 1, "{uri}: only `error`");
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = demo_app();
    for uri in [
        "/api/v1",
        "/api/v1/stats",
        "/api/v1/documents/1",
        "/api/openapi.json",
        "/nowhere",
    ] {
        let a = call(&app, Method::GET, uri).await;
        assert_eq!(
            a.headers["content-security-policy"], "default-src 'self'; frame-ancestors 'none'",
            "{uri}"
        );
        assert_eq!(a.headers["x-frame-options"], "DENY", "{uri}");
        assert_eq!(a.headers["x-content-type-options"], "nosniff", "{uri}");
        assert_eq!(a.headers[header::CONTENT_TYPE], "application/json", "{uri}");
    }
}

#[tokio::test]
async fn the_dashboard_and_its_files_are_served_from_the_binary() {
    let app = demo_app();
    let raw = |uri: &'static str| {
        let app = app.clone();
        async move {
            let res = app
                .oneshot(Request::builder().uri(uri).body(Body::empty()).unwrap())
                .await
                .unwrap();
            let status = res.status();
            let headers = res.headers().clone();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            (status, headers, body)
        }
    };
    let (status, headers, body) = raw("/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "text/html; charset=utf-8");
    assert_eq!(
        headers["content-security-policy"],
        "default-src 'self'; frame-ancestors 'none'"
    );
    let html = String::from_utf8(body.to_vec()).unwrap();
    // No inline script or style (the policy would block them), nothing remote.
    assert!(!html.contains("<script>") && !html.contains("<style") && !html.contains("style="));
    assert!(!html.contains("http://") && !html.contains("https://"));
    // Every file the page loads is served, with its type and the headers.
    let mut refs = Vec::new();
    for attr in ["src=\"", "href=\""] {
        for part in html.split(attr).skip(1) {
            let r = part.split('"').next().unwrap();
            if r.starts_with("/assets/") {
                refs.push(r.to_string());
            }
        }
    }
    assert!(refs.len() >= 6, "{refs:?}");
    for r in refs {
        let uri: &'static str = Box::leak(r.into_boxed_str());
        let (status, headers, body) = raw(uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(!body.is_empty(), "{uri}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{uri}");
        let ct = headers[header::CONTENT_TYPE].to_str().unwrap();
        let want = match uri.rsplit('.').next().unwrap() {
            "js" => "text/javascript; charset=utf-8",
            "css" => "text/css; charset=utf-8",
            "svg" => "image/svg+xml",
            other => panic!("{uri}: unexpected .{other}"),
        };
        assert_eq!(ct, want, "{uri}");
    }
    let (status, headers, body) = raw("/assets/basemap/basemap.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    let geo: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(geo["type"], "FeatureCollection");
    let layers: BTreeSet<&str> = geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["layer"].as_str().unwrap())
        .collect();
    assert_eq!(layers, BTreeSet::from(["country", "province"]));
    // An unknown file is a JSON 404 that points to the dashboard.
    let a = call(&app, Method::GET, "/assets/nothing.js").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert!(a.json["error"]["message"]
        .as_str()
        .unwrap()
        .contains("dashboard"));
    let a = call(&app, Method::GET, "/assets/../Cargo.toml").await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn openapi_document_is_valid_and_lists_every_route() {
    let app = demo_app();
    let raw = get(&app, "/api/openapi.json").await;
    let spec =
        oas3::from_json(serde_json::to_string(&raw).unwrap()).expect("an OpenAPI 3 document");
    assert!(spec.openapi.starts_with("3."), "{}", spec.openapi);
    let paths = spec.paths.as_ref().unwrap();
    let described: BTreeSet<&str> = paths.keys().map(String::as_str).collect();
    let served: BTreeSet<&str> = vigil_server::ROUTES.iter().map(|(p, _)| *p).collect();
    assert_eq!(described, served);
    // ... and the router serves each of them.
    for path in &served {
        let uri = path.replace("{id}", "1");
        let a = call(&app, Method::GET, &uri).await;
        let unrouted = a.json["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("no such endpoint"));
        assert!(!unrouted, "{uri} is described but not served");
    }
    for (path, item) in paths {
        let op = item
            .get
            .as_ref()
            .or(item.post.as_ref())
            .unwrap_or_else(|| panic!("{path}: no GET or POST"));
        assert!(op.responses(&spec).contains_key("200"), "{path}");
        for p in op.parameters(&spec).unwrap() {
            assert!(p.description.is_some(), "{path} {}: undocumented", p.name);
        }
    }
    // Every schema the answers use is defined, and every reference resolves.
    let schemas = &spec.components.as_ref().unwrap().schemas;
    for name in [
        "SourceOut",
        "SourcePage",
        "DocumentOut",
        "DocumentPage",
        "SearchPage",
        "ReportPage",
        "ReportOut",
        "EventReport",
        "Place",
        "Evidence",
        "StatsOut",
        "ErrorBody",
        "Index",
        "IncidentPage",
        "IncidentOut",
        "DecisionOut",
        "MergeBody",
        "SplitBody",
        "EditBody",
        "TallyOut",
        "SurgesOut",
        "SiteList",
        "AlertPage",
        "AlertOut",
        "AlertDetailOut",
        "DeliveryOut",
        "AckOut",
        "NarrativeList",
        "NarrativeOut",
        "NarrativeDocumentPage",
        "TermMatchOut",
    ] {
        assert!(schemas.contains_key(name), "schema {name}");
    }
    let mut refs = Vec::new();
    collect_refs(&raw, &mut refs);
    assert!(refs.len() > 20);
    for r in refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{r}"));
        assert!(schemas.contains_key(name), "dangling {r}");
    }
    // The parameters the handlers take are described.
    let reports = paths["/api/v1/reports"].get.as_ref().unwrap();
    let names: BTreeSet<String> = reports
        .parameters(&spec)
        .unwrap()
        .into_iter()
        .map(|p| p.name)
        .collect();
    let want: BTreeSet<String> = [
        "from",
        "to",
        "event_type",
        "sub_event_type",
        "claim_status",
        "source",
        "lang",
        "actor",
        "bbox",
        "sort",
        "cursor",
        "limit",
    ]
    .map(String::from)
    .into();
    assert_eq!(names, want);
    // ... and those of the alert feed, the narratives and the ack.
    for (path, method, want) in [
        (
            "/api/v1/alerts",
            "get",
            &["unacked", "rule", "kind", "from", "to", "cursor", "limit"][..],
        ),
        (
            "/api/v1/narratives",
            "get",
            &["week_start", "from", "to"][..],
        ),
        (
            "/api/v1/narratives/{key}/documents",
            "get",
            &["key", "from", "to", "cursor", "limit"][..],
        ),
        (
            "/api/v1/alerts/{id}/ack",
            "post",
            &["id", "X-Vigil-Analyst"][..],
        ),
    ] {
        let item = &paths[path];
        let op = if method == "get" {
            item.get.as_ref()
        } else {
            item.post.as_ref()
        };
        let names: BTreeSet<String> = op
            .unwrap_or_else(|| panic!("{path}: no {method}"))
            .parameters(&spec)
            .unwrap()
            .into_iter()
            .map(|p| p.name)
            .collect();
        let want: BTreeSet<String> = want.iter().map(|s| s.to_string()).collect();
        assert_eq!(names, want, "{path}");
    }
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                if k == "$ref" {
                    out.push(v.as_str().unwrap().to_string());
                } else {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn hostile_text_comes_back_as_inert_json_strings() {
    use vigil_store::{conformance, DedupOptions};
    let dir = tempfile::tempdir().unwrap();
    let long_line = "x".repeat(1024 * 1024);
    let text = format!(
        "<script>alert('pwned')</script> </script><img src=x onerror=alert(1)> \
         \u{202E}gnp.exe\u{202C} \"quotes\" \\backslash\\ \u{0000}nul \u{2028}sep\n{long_line}\nQamishli"
    );
    {
        let mut store = vigil_store::open(&dir.path().join("vigil.sqlite")).unwrap();
        let mut d = conformance::doc("<b>Evil</b> \u{202E}Source", &text, "en", 11);
        d.title = Some("<script>document.cookie</script>\u{202E}".into());
        store
            .insert_documents(&[d], &DedupOptions::default())
            .unwrap();
    }
    let app = app_for(dir.path());
    let a = call(&app, Method::GET, "/api/v1/documents/1").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(a.headers["x-content-type-options"], "nosniff");
    assert_eq!(
        a.json["text"].as_str().unwrap(),
        text,
        "the text, exactly, as a string"
    );
    assert_eq!(a.json["title"], "<script>document.cookie</script>\u{202E}");
    assert_eq!(a.json["source"], "<b>Evil</b> \u{202E}Source");
    let list = get(&app, "/api/v1/documents").await;
    assert_eq!(
        list["items"][0]["bytes"].as_u64().unwrap(),
        text.len() as u64
    );
    let hits = get(&app, "/api/v1/search?q=script").await;
    assert_eq!(hits["total"], 1);
    let src = get(&app, "/api/v1/sources").await;
    assert_eq!(src["items"][0]["name"], "<b>Evil</b> \u{202E}Source");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn serve_answers_over_http_and_refuses_a_taken_port() {
    let dir = demo_store();
    // A port in use: a clear error, exit 1.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = vigil(&dir, &["serve", "--port", &port]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("already in use") && err.contains("--port"),
        "{err}"
    );
    drop(taken);

    // No store: says how to make one.
    let empty = tempfile::tempdir().unwrap();
    let out = vigil(empty.path(), &["serve", "--port", "1"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("vigil demo"));

    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .arg("--data-dir")
        .arg(&dir)
        .args(["serve", "--port", &port.to_string()])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let answer = (0..100).find_map(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        http_get(port, "/api/v1/stats").ok()
    });
    let _ = child.kill();
    let _ = child.wait();
    let answer = answer.expect("vigil serve answered");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer
        .to_ascii_lowercase()
        .contains("x-content-type-options: nosniff"));
    assert!(answer.contains("\"documents\":134"), "{answer}");
}

fn http_get(port: u16, path: &str) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    Ok(out)
}

async fn send(app: &Router, uri: &str, who: Option<&str>, body: &str) -> Answer {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(w) = who {
        req = req.header("X-Vigil-Analyst", w);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        json: serde_json::from_slice(&bytes).unwrap(),
    }
}

#[tokio::test]
async fn incidents_walk_filter_and_show_their_reports() {
    let app = demo_app();
    let stats = get(&app, "/api/v1/stats").await;
    let n = stats["incidents"].as_u64().unwrap() as usize;
    assert!(n > 20, "{stats}");
    let all = walk(&app, "/api/v1/incidents?limit=7").await;
    assert_eq!(all.len(), n);
    assert_unique("incidents", &ids(&all));
    let by_killed = walk(&app, "/api/v1/incidents?sort=-killed&limit=9").await;
    let killed: Vec<u64> = by_killed
        .iter()
        .map(|i| i["counts"]["killed"]["value"].as_u64().unwrap_or(0))
        .collect();
    let mut sorted = killed.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(killed, sorted, "most killed first");
    // A filter keeps exactly the incidents that have the value.
    let battles = walk(&app, "/api/v1/incidents?event_type=battles").await;
    assert!(!battles.is_empty() && battles.len() < n);
    assert!(battles.iter().all(|i| i["event_type"] == "battles"));
    let want = all.iter().filter(|i| i["event_type"] == "battles").count();
    assert_eq!(battles.len(), want);
    let confirmed = walk(&app, "/api/v1/incidents?status=confirmed,corroborated").await;
    assert!(confirmed
        .iter()
        .all(|i| ["confirmed", "corroborated"].contains(&i["status"].as_str().unwrap())));
    // One incident: every report with its source, document and evidence.
    let multi = all
        .iter()
        .find(|i| i["reports"].as_array().unwrap().len() > 1)
        .unwrap();
    let one = get(&app, &format!("/api/v1/incidents/{}", multi["id"])).await;
    assert_eq!(one["incident"]["reports"], multi["reports"]);
    let reports = one["reports"].as_array().unwrap();
    assert_eq!(reports.len(), multi["reports"].as_array().unwrap().len());
    for r in reports {
        let rep = get(&app, &format!("/api/v1/reports/{}", r["report"]["id"])).await;
        assert_eq!(r["evidence"], rep["evidence"]);
        assert_eq!(r["document"]["id"], rep["document"]["id"]);
        let src = get(&app, &format!("/api/v1/sources/{}", r["source"]["id"])).await;
        assert_eq!(r["source"]["name"], src["name"]);
        assert_eq!(r["source"]["kind"], src["kind"]);
        assert_eq!(r["source"]["reliability"], src["reliability"]);
    }
}

#[tokio::test]
async fn tally_weeks_add_up_and_mark_surges() {
    let app = demo_app();
    let t = get(&app, "/api/v1/tally").await;
    assert_eq!(t["measure"], "incidents");
    let weeks = t["series"][0]["weeks"].as_array().unwrap();
    assert!(weeks.len() >= 4, "{t}");
    let total: u64 = weeks.iter().map(|w| w["value"].as_u64().unwrap()).sum();
    let dated = walk(&app, "/api/v1/incidents")
        .await
        .iter()
        .filter(|i| i["date"]["date"].is_string())
        .count() as u64;
    assert_eq!(total, dated, "every dated incident counted once");
    for w in weeks {
        // A week's count is the incidents listed for its seven days.
        let start =
            chrono::NaiveDate::parse_from_str(w["start"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        let listed = walk(
            &app,
            &format!(
                "/api/v1/incidents?from={start}&to={}",
                start + chrono::Days::new(6)
            ),
        )
        .await;
        assert_eq!(w["value"].as_u64().unwrap() as usize, listed.len(), "{w}");
        if w["surge"] == true {
            assert!(!w["flagged_by"].as_array().unwrap().is_empty());
        }
    }
    // Weeks from the Wednesday of the invasion (any day, any case): the
    // same incidents, each week its own seven days.
    let wed = get(&app, "/api/v1/tally?week_start=Wednesday").await;
    assert_eq!(wed["week_start"], "wednesday", "{wed}");
    let wed_weeks = wed["series"][0]["weeks"].as_array().unwrap();
    let wed_total: u64 = wed_weeks.iter().map(|w| w["value"].as_u64().unwrap()).sum();
    assert_eq!(wed_total, total);
    for w in wed_weeks {
        let start =
            chrono::NaiveDate::parse_from_str(w["start"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        assert_eq!(
            chrono::Datelike::weekday(&start),
            chrono::Weekday::Wed,
            "{w}"
        );
        let listed = walk(
            &app,
            &format!(
                "/api/v1/incidents?from={start}&to={}",
                start + chrono::Days::new(6)
            ),
        )
        .await;
        assert_eq!(w["value"].as_u64().unwrap() as usize, listed.len(), "{w}");
    }
    // The demo's story: attacks on the SDF surge in the offensive's week.
    let sdf = get(
        &app,
        "/api/v1/tally?target=Syrian%20Democratic%20Forces&measure=claims",
    )
    .await;
    let surges: Vec<&Value> = sdf["series"][0]["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["surge"] == true)
        .collect();
    assert!(!surges.is_empty(), "{sdf}");
    // An alias names the same actor.
    let alias = get(&app, "/api/v1/tally?target=SDF&measure=claims").await;
    assert_eq!(alias["series"], sdf["series"]);
    let s = get(
        &app,
        &format!(
            "/api/v1/surges?target=Syrian%20Democratic%20Forces&measure=claims&week={}",
            surges[0]["start"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(s["items"][0]["surge"], true, "{s}");
    assert_eq!(s["items"][0]["count"], surges[0]["value"]);
    // Split by a dimension: one series per value, adding up to the whole.
    let by = get(&app, "/api/v1/tally?by=event_type").await;
    let sum: u64 = by["series"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["weeks"].as_array().unwrap().iter())
        .map(|w| w["value"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, total);
    let sites = get(&app, "/api/v1/sites").await;
    let items = sites["items"].as_array().unwrap();
    assert!(!items.is_empty());
    for site in items {
        let at = walk(
            &app,
            &format!("/api/v1/incidents?site={}", site["key"].as_str().unwrap()),
        )
        .await;
        assert_eq!(
            site["incidents"].as_u64().unwrap() as usize,
            at.len(),
            "{site}"
        );
    }
}

#[tokio::test]
async fn review_actions_are_recorded_with_who_and_when_and_persist() {
    let dir = demo_store();
    let app = app_for(&dir);
    let all = walk(&app, "/api/v1/incidents").await;
    let singles: Vec<&Value> = all
        .iter()
        .filter(|i| i["reports"].as_array().unwrap().len() == 1)
        .collect();
    let (a, z) = (
        singles[0]["id"].as_i64().unwrap(),
        singles[1]["id"].as_i64().unwrap(),
    );

    // Who is required, and bad bodies name what is wrong.
    let with_itself = format!("{{\"with\": [{a}]}}");
    let rows: Vec<(String, Option<&str>, &str, StatusCode, &str)> = vec![
        (
            format!("/api/v1/incidents/{a}/confirm"),
            None,
            "{}",
            StatusCode::BAD_REQUEST,
            "X-Vigil-Analyst: required",
        ),
        (
            format!("/api/v1/incidents/{a}/confirm"),
            Some("  "),
            "{}",
            StatusCode::BAD_REQUEST,
            "X-Vigil-Analyst: required",
        ),
        (
            format!("/api/v1/incidents/{a}/confirm"),
            Some("ana"),
            "{\"colour\": 1}",
            StatusCode::BAD_REQUEST,
            "unknown field `colour`",
        ),
        (
            format!("/api/v1/incidents/{a}/merge"),
            Some("ana"),
            "{\"with\": []}",
            StatusCode::BAD_REQUEST,
            "with: empty",
        ),
        (
            format!("/api/v1/incidents/{a}/merge"),
            Some("ana"),
            &with_itself,
            StatusCode::BAD_REQUEST,
            "itself",
        ),
        (
            format!("/api/v1/incidents/{a}/merge"),
            Some("ana"),
            "{\"with\": [999999]}",
            StatusCode::BAD_REQUEST,
            "with: no incident 999999",
        ),
        (
            format!("/api/v1/incidents/{a}/merge"),
            Some("ana"),
            "not json",
            StatusCode::BAD_REQUEST,
            "body:",
        ),
        (
            format!("/api/v1/incidents/{a}/split"),
            Some("ana"),
            "{\"reports\": [999999]}",
            StatusCode::BAD_REQUEST,
            "not in incident",
        ),
        (
            format!("/api/v1/incidents/{a}/edit"),
            Some("ana"),
            "{\"changes\": [{\"field\": \"killed\", \"value\": -1}]}",
            StatusCode::BAD_REQUEST,
            "body:",
        ),
        // A date outside 1900..=2100 is a slip: 9999-12-31 made the
        // overview's default tally 521,776 weeks long.
        (
            format!("/api/v1/incidents/{a}/edit"),
            Some("ana"),
            "{\"changes\": [{\"field\": \"date\", \"value\": \"9999-12-31\"}]}",
            StatusCode::BAD_REQUEST,
            "changes: invalid date \"9999-12-31\": expected a day from 1900-01-01 to 2100-12-31",
        ),
        (
            format!("/api/v1/incidents/{a}/edit"),
            Some("ana"),
            "{\"changes\": [{\"field\": \"killed\", \"value\": 2}, \
              {\"field\": \"date\", \"value\": \"0000-01-01\"}]}",
            StatusCode::BAD_REQUEST,
            "1900-01-01 to 2100-12-31",
        ),
        (
            format!("/api/v1/incidents/{a}/confirm"),
            Some("%FF%FE"),
            "{}",
            StatusCode::BAD_REQUEST,
            "not UTF-8 text; send the name as UTF-8, or percent-encoded",
        ),
        (
            "/api/v1/incidents/999999/confirm".into(),
            Some("ana"),
            "{}",
            StatusCode::NOT_FOUND,
            "incident 999999 not found",
        ),
        (
            "/api/v1/incidents/x/confirm".into(),
            Some("ana"),
            "{}",
            StatusCode::BAD_REQUEST,
            "incident id \"x\"",
        ),
    ];
    for (uri, who, body, status, says) in rows {
        let r = send(&app, &uri, who, body).await;
        assert_eq!(r.status, status, "{uri} {body}: {}", r.json);
        let msg = r.json["error"]["message"].as_str().unwrap();
        assert!(msg.contains(says), "{uri} {body}: {msg}");
    }
    for bad in [
        "/api/v1/tally?measure=bodies",
        "/api/v1/tally?by=colour",
        "/api/v1/incidents?event_type=picnic",
        "/api/v1/incidents?sort=-size",
        "/api/v1/surges?week=soon",
    ] {
        let r = call(&app, Method::GET, bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        let name = bad.split('?').nth(1).unwrap().split('=').next().unwrap();
        assert!(
            r.json["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(name),
            "{bad}: {}",
            r.json
        );
    }

    // Merge: one incident with both reports, the decision recorded.
    let before = chrono::Utc::now();
    let r = send(
        &app,
        &format!("/api/v1/incidents/{a}/merge"),
        Some("Rania"),
        &format!("{{\"with\": [{z}], \"note\": \"same attack\"}}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.json);
    assert_eq!(r.json["who"], "Rania");
    assert_eq!(
        r.json["action"],
        serde_json::json!({"action": "merge"}),
        "{}",
        r.json
    );
    let at: chrono::DateTime<chrono::Utc> = r.json["at"].as_str().unwrap().parse().unwrap();
    assert!(at >= before);
    let now = r.json["incidents"].as_array().unwrap();
    assert_eq!(now.len(), 1, "both reports in one incident: {}", r.json);
    let merged = get(&app, &format!("/api/v1/incidents/{}", now[0])).await;
    let mut got: Vec<i64> = merged["incident"]["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    got.sort();
    let mut want: Vec<i64> = [singles[0], singles[1]]
        .iter()
        .flat_map(|i| {
            i["reports"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_i64().unwrap())
        })
        .collect();
    want.sort();
    assert_eq!(got, want);
    let edits = merged["incident"]["edits"].as_array().unwrap();
    assert_eq!(edits.last().unwrap()["who"], "Rania");
    // It persists: a fresh application over the same store file sees it.
    let merged_id = now[0].as_i64().unwrap();
    let fresh = app_for(&dir);
    let again = get(&fresh, &format!("/api/v1/incidents/{merged_id}")).await;
    assert_eq!(again["incident"]["reports"], merged["incident"]["reports"]);
    let split = send(
        &app,
        &format!("/api/v1/incidents/{merged_id}/split"),
        Some("Omar"),
        &format!("{{\"reports\": [{}]}}", want[1]),
    )
    .await;
    assert_eq!(split.status, StatusCode::OK, "{}", split.json);
    assert_eq!(split.json["incidents"].as_array().unwrap().len(), 1);
    let c = send(
        &app,
        &format!("/api/v1/incidents/{merged_id}/confirm"),
        Some("Omar"),
        "",
    )
    .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.json);
    let e = send(
        &app,
        &format!("/api/v1/incidents/{merged_id}/edit"),
        Some("Omar"),
        "{\"changes\": [{\"field\": \"killed\", \"value\": 6}]}",
    )
    .await;
    assert_eq!(e.status, StatusCode::OK, "{}", e.json);
    let after = get(&app, &format!("/api/v1/incidents/{merged_id}")).await;
    assert_eq!(after["incident"]["status"], "confirmed", "{after}");
    assert_eq!(after["incident"]["counts"]["killed"]["value"], 6, "{after}");
    let who: Vec<&str> = after["incident"]["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["who"].as_str().unwrap())
        .collect();
    assert!(who.contains(&"Omar"), "{who:?}");

    // Names in any script: sent as UTF-8 bytes, or percent-encoded as
    // the dashboard does (browsers put only Latin-1 in headers). Both were
    // refused as "not UTF-8 text".
    for (sent, name) in [
        ("سارة الأحمد", "سارة الأحمد"),
        ("Zeynep Kılıç", "Zeynep Kılıç"),
        (
            "%D8%B3%D8%A7%D8%B1%D8%A9%20%D8%A7%D9%84%D8%A3%D8%AD%D9%85%D8%AF",
            "سارة الأحمد",
        ),
        ("Jos%C3%A9 Mar%C3%ADa", "José María"),
        ("100% sure", "100% sure"),
    ] {
        let r = send(
            &app,
            &format!("/api/v1/incidents/{merged_id}/confirm"),
            Some(sent),
            "",
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{sent}: {}", r.json);
        assert_eq!(r.json["who"], name, "{sent}");
    }
    let e = send(
        &app,
        &format!("/api/v1/incidents/{merged_id}/edit"),
        Some("Omar"),
        "{\"changes\": [{\"field\": \"date\", \"value\": \"2100-12-31\"}]}",
    )
    .await;
    assert_eq!(e.status, StatusCode::OK, "the range's last day: {}", e.json);
}

/// A private copy of the demo store, for tests that write to it while
/// others read the shared one.
fn demo_copy() -> tempfile::TempDir {
    let src = demo_store();
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&src).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("vigil.sqlite") {
            std::fs::copy(entry.path(), dir.path().join(&name)).unwrap();
        }
    }
    dir
}

#[tokio::test]
async fn alerts_walk_filter_and_show_their_evidence_and_deliveries() {
    let app = demo_app();
    // `vigil demo` checks the bundled rules: every kind fires on the demo.
    let all = walk(&app, "/api/v1/alerts?limit=3").await;
    let kinds: BTreeSet<&str> = all.iter().map(|a| a["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["fatalities", "narrative_rising", "site", "surge", "watch"]),
        "{all:?}"
    );
    assert_unique("alerts", &ids(&all));
    let one_page = get(&app, "/api/v1/alerts?limit=500").await;
    assert_eq!(ids(one_page["items"].as_array().unwrap()), ids(&all));
    let fired: Vec<&str> = all
        .iter()
        .map(|a| a["fired_at"].as_str().unwrap())
        .collect();
    assert!(fired.windows(2).all(|w| w[0] >= w[1]), "newest first");

    // Each filter keeps exactly what it names.
    let surges = walk(&app, "/api/v1/alerts?kind=surge").await;
    assert_eq!(
        ids(&surges),
        ids(&all
            .iter()
            .filter(|a| a["kind"] == "surge")
            .cloned()
            .collect::<Vec<_>>())
    );
    let two = walk(&app, "/api/v1/alerts?kind=site,fatalities&limit=2").await;
    assert!(two
        .iter()
        .all(|a| a["kind"] == "site" || a["kind"] == "fatalities"));
    assert_eq!(
        two.len(),
        all.iter()
            .filter(|a| a["kind"] == "site" || a["kind"] == "fatalities")
            .count()
    );
    let rule = all[0]["rule"].as_str().unwrap();
    let by_rule = walk(&app, &format!("/api/v1/alerts?rule={rule}")).await;
    assert!(!by_rule.is_empty() && by_rule.iter().all(|a| a["rule"] == rule));
    let day = &all[0]["fired_at"].as_str().unwrap()[..10];
    let that_day = walk(&app, &format!("/api/v1/alerts?from={day}&to={day}")).await;
    assert!(that_day.iter().any(|a| a["id"] == all[0]["id"]));
    let future = get(&app, "/api/v1/alerts?from=2999-01-01").await;
    assert_eq!(future["items"], serde_json::json!([]));
    let past = get(&app, "/api/v1/alerts?to=2000-01-01").await;
    assert_eq!(past["items"], serde_json::json!([]));

    // One alert: its deliveries, and the documents and incidents behind it.
    let surge = &surges[0];
    let one = get(&app, &format!("/api/v1/alerts/{}", surge["id"])).await;
    assert_eq!(one["title"], surge["title"]);
    assert_eq!(one["evidence"], surge["evidence"]);
    let deliveries = one["deliveries"].as_array().unwrap();
    assert_eq!(deliveries.len(), 1, "the surge rule has one channel: {one}");
    assert_eq!(deliveries[0]["channel"], "ops-webhook");
    assert_eq!(
        deliveries[0]["status"], "pending",
        "the demo sends no webhook"
    );
    assert_eq!(deliveries[0]["attempt_log"], serde_json::json!([]));
    assert!(!surge["evidence"]["incidents"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(surge["evidence"]["week"].is_string());
    for i in one["incidents"].as_array().unwrap() {
        assert!(surge["evidence"]["incidents"]
            .as_array()
            .unwrap()
            .contains(&i["id"]));
        get(&app, &format!("/api/v1/incidents/{}", i["id"])).await;
    }
    let watch = all.iter().find(|a| a["kind"] == "watch").unwrap();
    let w = get(&app, &format!("/api/v1/alerts/{}", watch["id"])).await;
    assert_eq!(w["deliveries"], serde_json::json!([]), "no channel");
    let docs: Vec<&Value> = w["documents"].as_array().unwrap().iter().collect();
    assert_eq!(
        docs.iter().map(|d| d["id"].clone()).collect::<Vec<_>>(),
        *watch["evidence"]["documents"].as_array().unwrap()
    );
    for d in docs {
        assert!(d["source"].as_str().is_some_and(|s| !s.is_empty()));
        get(&app, &format!("/api/v1/documents/{}", d["id"])).await;
    }
}

#[tokio::test]
async fn acknowledging_an_alert_is_recorded_once_with_who_and_when() {
    let dir = demo_copy();
    let app = app_for(dir.path());
    let unacked = walk(&app, "/api/v1/alerts?unacked=true").await;
    let id = unacked[0]["id"].as_i64().unwrap();
    assert!(unacked[0]["acknowledged_by"].is_null());
    let before = chrono::Utc::now();
    let first = send(
        &app,
        &format!("/api/v1/alerts/{id}/ack"),
        Some("duty-analyst"),
        "",
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.json);
    assert_eq!(first.json["newly_acknowledged"], true);
    assert_eq!(first.json["alert"]["acknowledged_by"], "duty-analyst");
    let at: chrono::DateTime<chrono::Utc> = first.json["alert"]["acknowledged_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(at >= before - chrono::Duration::seconds(1));
    // Idempotent: the first acknowledgment stays.
    let again = send(
        &app,
        &format!("/api/v1/alerts/{id}/ack"),
        Some("someone"),
        "",
    )
    .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json["newly_acknowledged"], false);
    assert_eq!(again.json["alert"]["acknowledged_by"], "duty-analyst");
    assert_eq!(
        again.json["alert"]["acknowledged_at"],
        first.json["alert"]["acknowledged_at"]
    );
    // It persists: a new server over the same store sees it.
    let fresh = app_for(dir.path());
    let one = get(&fresh, &format!("/api/v1/alerts/{id}")).await;
    assert_eq!(one["acknowledged_by"], "duty-analyst");
    let left = walk(&fresh, "/api/v1/alerts?unacked=true").await;
    assert_eq!(left.len(), unacked.len() - 1);
    assert!(!ids(&left).contains(&id));
}

#[tokio::test]
async fn narratives_have_weekly_shares_per_kind_and_a_rising_verdict() {
    use chrono::Datelike;
    // Without the narratives file: the keys of the store's tags, sorted.
    let bare = get(&demo_app(), "/api/v1/narratives").await;
    let bare_keys: Vec<&Value> = bare["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| &n["key"])
        .collect();
    assert_eq!(
        bare_keys,
        [
            "ally-abandoned",
            "detainee-release",
            "revenge",
            "security-gap"
        ]
    );
    assert_eq!(bare["items"][0]["name"], "ally-abandoned");
    // With it (as `vigil serve` runs): its order, names and descriptions.
    let set = vigil_analyze::narratives::NarrativeSet::from_toml(
        "narratives.toml",
        include_str!("../../../data/demo/narratives.toml"),
    )
    .unwrap();
    let app = vigil_server::router(
        vigil_server::AppState::open(&demo_store().join("vigil.sqlite"))
            .unwrap()
            .with_narratives(set),
    );
    let list = get(&app, "/api/v1/narratives").await;
    assert_eq!(bare["items"][0]["weeks"], list["items"][1]["weeks"]);
    assert_eq!(list["week_start"], "monday");
    let items = list["items"].as_array().unwrap();
    let keys: Vec<&str> = items.iter().map(|n| n["key"].as_str().unwrap()).collect();
    assert_eq!(
        keys,
        [
            "detainee-release",
            "ally-abandoned",
            "revenge",
            "security-gap"
        ],
        "the order of the bundled narratives file"
    );
    assert_eq!(items[0]["name"], "Freeing detainees");
    for n in items {
        let weeks = n["weeks"].as_array().unwrap();
        assert!(weeks.len() > 3, "{n}");
        let mut sum = 0;
        for w in weeks {
            let day: chrono::NaiveDate = w["week"].as_str().unwrap().parse().unwrap();
            assert_eq!(day.weekday(), chrono::Weekday::Mon);
            let kinds = w["kinds"].as_array().unwrap();
            let docs: u64 = kinds.iter().map(|k| k["documents"].as_u64().unwrap()).sum();
            let tagged: u64 = kinds.iter().map(|k| k["tagged"].as_u64().unwrap()).sum();
            assert_eq!(w["documents"].as_u64(), Some(docs), "{w}");
            assert_eq!(w["tagged"].as_u64(), Some(tagged), "{w}");
            for k in kinds {
                let share = k["documents"].as_f64().unwrap() / k["tagged"].as_f64().unwrap();
                assert!((k["share"].as_f64().unwrap() - share).abs() < 1e-9);
            }
            sum += docs;
        }
        assert_eq!(n["documents"].as_u64(), Some(sum));
        let rising: Vec<&Value> = weeks
            .iter()
            .filter(|w| w["rising"] == true)
            .map(|w| &w["week"])
            .collect();
        assert_eq!(
            n["rising_weeks"]
                .as_array()
                .unwrap()
                .iter()
                .collect::<Vec<_>>(),
            rising
        );
        assert_eq!(n["rising"], weeks.last().unwrap()["rising"]);
        // Its documents: every one, each with the matches as evidence.
        let docs = walk(
            &app,
            &format!(
                "/api/v1/narratives/{}/documents?limit=4",
                n["key"].as_str().unwrap()
            ),
        )
        .await;
        assert_eq!(docs.len() as u64, sum, "{}", n["key"]);
        assert_unique("narrative documents", &ids(&docs));
        let d_ids = ids(&docs);
        assert!(d_ids.windows(2).all(|w| w[0] > w[1]), "newest stored first");
        for d in &docs {
            let matches = d["matches"].as_array().unwrap();
            assert!(!matches.is_empty(), "{d}");
            for m in matches {
                let excerpt: Vec<char> = m["excerpt"].as_str().unwrap().chars().collect();
                let (a, b) = (
                    m["excerpt_span"]["start"].as_u64().unwrap() as usize,
                    m["excerpt_span"]["end"].as_u64().unwrap() as usize,
                );
                let words: String = excerpt[a..b].iter().collect();
                assert_eq!(words, m["text"].as_str().unwrap(), "{m}");
            }
        }
    }
    // The same table as `vigil narratives weekly`: documents, shares and verdicts.
    let out = vigil(&demo_store(), &["--json", "narratives", "weekly"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut compared = 0;
    for row in cli.as_array().unwrap() {
        let n = items.iter().find(|n| n["key"] == row["narrative"]).unwrap();
        let w = n["weeks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["week"] == row["week"])
            .unwrap_or_else(|| panic!("{row}: week not served"));
        if row["source_kind"].is_null() {
            assert_eq!(w["documents"], row["documents"], "{row}");
            assert_eq!(w["share"], row["share"], "{row}");
            assert_eq!(w["rising"], row["rising"], "{row}");
        } else {
            let k = w["kinds"]
                .as_array()
                .unwrap()
                .iter()
                .find(|k| k["source_kind"] == row["source_kind"])
                .unwrap_or_else(|| panic!("{row}: kind not served"));
            assert_eq!(k["documents"], row["documents"], "{row}");
            assert_eq!(k["share"], row["share"], "{row}");
        }
        compared += 1;
    }
    assert!(compared > 20, "{compared} rows");

    // Saturday weeks, and a time range (earlier weeks stay the baseline).
    let sat = get(&app, "/api/v1/narratives?week_start=saturday").await;
    assert_eq!(sat["week_start"], "saturday");
    for w in sat["items"][0]["weeks"].as_array().unwrap() {
        let day: chrono::NaiveDate = w["week"].as_str().unwrap().parse().unwrap();
        assert_eq!(day.weekday(), chrono::Weekday::Sat);
    }
    let ranged = get(&app, "/api/v1/narratives?from=2019-10-07&to=2019-10-20").await;
    let weeks: Vec<&str> = ranged["items"][0]["weeks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["week"].as_str().unwrap())
        .collect();
    assert_eq!(weeks, ["2019-10-07", "2019-10-14"]);
    let in_range = walk(
        &app,
        "/api/v1/narratives/security-gap/documents?from=2019-10-07&to=2019-10-20",
    )
    .await;
    let security_ranged = ranged["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["key"] == "security-gap")
        .unwrap();
    assert_eq!(
        in_range.len() as u64,
        security_ranged["documents"].as_u64().unwrap()
    );
    for d in &in_range {
        let p = d["published"].as_str().unwrap();
        assert!(("2019-10-07".."2019-10-21").contains(&&p[..10]), "{p}");
    }
}

#[tokio::test]
async fn alert_and_narrative_errors_are_json_with_status() {
    let app = demo_app();
    let rows: &[(Method, &str, StatusCode, &str)] = &[
        (
            Method::GET,
            "/api/v1/alerts?unacked=maybe",
            StatusCode::BAD_REQUEST,
            "unacked: \"maybe\" is not true or false",
        ),
        (
            Method::GET,
            "/api/v1/alerts?kind=bogus",
            StatusCode::BAD_REQUEST,
            "kind: \"bogus\" is not a kind of alert rule",
        ),
        (
            Method::GET,
            "/api/v1/alerts?from=yesterday",
            StatusCode::BAD_REQUEST,
            "from: \"yesterday\" is not a date",
        ),
        (
            Method::GET,
            "/api/v1/alerts?from=2020-01-02&to=2020-01-01",
            StatusCode::BAD_REQUEST,
            "swap them",
        ),
        (
            Method::GET,
            "/api/v1/alerts?colour=red",
            StatusCode::BAD_REQUEST,
            "unknown query parameter `colour`",
        ),
        (
            Method::GET,
            "/api/v1/alerts?cursor=nonsense",
            StatusCode::BAD_REQUEST,
            "cursor: not a cursor",
        ),
        (
            Method::GET,
            "/api/v1/alerts?limit=0",
            StatusCode::BAD_REQUEST,
            "limit",
        ),
        (
            Method::GET,
            "/api/v1/alerts/999999",
            StatusCode::NOT_FOUND,
            "alert 999999 not found",
        ),
        (
            Method::GET,
            "/api/v1/alerts/abc",
            StatusCode::BAD_REQUEST,
            "alert id \"abc\" is not a positive number",
        ),
        (
            Method::GET,
            "/api/v1/alerts/1?x=1",
            StatusCode::BAD_REQUEST,
            "unknown query parameter `x`",
        ),
        (
            Method::GET,
            "/api/v1/alerts/1/ack",
            StatusCode::METHOD_NOT_ALLOWED,
            "POST /api/v1/alerts/{id}/ack",
        ),
        (
            Method::GET,
            "/api/v1/narratives?week_start=someday",
            StatusCode::BAD_REQUEST,
            "week_start",
        ),
        (
            Method::GET,
            "/api/v1/narratives?from=2019-13-01",
            StatusCode::BAD_REQUEST,
            "from: \"2019-13-01\" is not a date",
        ),
        (
            Method::GET,
            "/api/v1/narratives?limit=5",
            StatusCode::BAD_REQUEST,
            "unknown query parameter `limit`",
        ),
        (
            Method::GET,
            "/api/v1/narratives/no-such/documents",
            StatusCode::NOT_FOUND,
            "narrative \"no-such\" not found",
        ),
        (
            Method::GET,
            "/api/v1/narratives/revenge/documents?limit=501",
            StatusCode::BAD_REQUEST,
            "limit",
        ),
        (
            Method::GET,
            "/api/v1/narratives/revenge/documents?cursor=xyz",
            StatusCode::BAD_REQUEST,
            "cursor",
        ),
    ];
    for (method, uri, status, says) in rows {
        let a = call(&app, method.clone(), uri).await;
        assert_eq!(a.status, *status, "{uri}: {}", a.json);
        assert_eq!(a.json["error"]["status"], status.as_u16(), "{uri}");
        let msg = a.json["error"]["message"].as_str().unwrap();
        assert!(msg.contains(says), "{uri}: {msg:?} should say {says:?}");
    }
    // The ack: who is required, and the alert must exist.
    let no_one = send(&app, "/api/v1/alerts/1/ack", None, "").await;
    assert_eq!(no_one.status, StatusCode::BAD_REQUEST);
    assert!(no_one.json["error"]["message"]
        .as_str()
        .unwrap()
        .contains("X-Vigil-Analyst: required"));
    let missing = send(&app, "/api/v1/alerts/999999/ack", Some("ana"), "").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND, "{}", missing.json);
    // A cursor of another listing is refused.
    let docs = get(&app, "/api/v1/documents?limit=1").await;
    let c = docs["next_cursor"].as_str().unwrap();
    let a = call(&app, Method::GET, &format!("/api/v1/alerts?cursor={c}")).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.json);
}

/// Sends `request` (an HTTP/1.1 head) to the port; the whole answer.
fn http_raw(port: u16, request: &str) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
    s.write_all(request.as_bytes())?;
    let mut out = String::new();
    s.read_to_string(&mut out)?;
    Ok(out)
}

/// Starts `vigil serve` with `args` on a free port; the child, its port and
/// what it printed up to its "Vigil API on" line.
fn serve(args: &[&str]) -> (std::process::Child, u16, String) {
    use std::io::BufRead;
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigil"))
        .arg("--data-dir")
        .arg(demo_store())
        .arg("serve")
        .args(args)
        .args(["--port", &port.to_string()])
        .env_remove("RUST_LOG")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut printed = String::new();
    while !printed.contains("Vigil API on") {
        if err.read_line(&mut printed).unwrap() == 0 {
            let _ = child.wait();
            panic!("vigil serve stopped: {printed}");
        }
    }
    (child, port, printed)
}

#[test]
fn serve_stays_on_loopback_unless_told_and_checks_host_on_the_socket() {
    // A public address without the flag: refused, naming the flag.
    let empty = tempfile::tempdir().unwrap();
    let out = vigil(empty.path(), &["serve", "--bind", "0.0.0.0", "--port", "1"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--insecure-bind"), "{err}");
    assert!(err.contains("no accounts yet"), "{err}");
    assert!(err.contains("0.0.0.0"), "{err}");

    // On loopback: its names answered, another refused, none a 400.
    let (mut child, port, _) = serve(&[]);
    let ask = |host: Option<&str>| {
        let host = host.map(|h| format!("Host: {h}\r\n")).unwrap_or_default();
        http_raw(
            port,
            &format!("GET /api/v1/stats HTTP/1.1\r\n{host}Connection: close\r\n\r\n"),
        )
        .unwrap()
    };
    let ok = ask(Some(&format!("localhost:{port}")));
    let rebound = ask(Some(&format!("attacker.example:{port}")));
    let other_port = ask(Some("127.0.0.1:1"));
    let none = ask(None);
    let _ = child.kill();
    let _ = child.wait();
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert!(rebound.starts_with("HTTP/1.1 421"), "{rebound}");
    assert!(
        rebound.contains(&format!("http://localhost:{port}/")),
        "{rebound}"
    );
    assert!(other_port.starts_with("HTTP/1.1 421"), "{other_port}");
    assert!(none.starts_with("HTTP/1.1 400"), "{none}");

    // With the flag: a loud warning, and any Host answered.
    let (mut child, port, printed) = serve(&["--bind", "0.0.0.0", "--insecure-bind"]);
    let lan = http_raw(
        port,
        "GET /api/v1/stats HTTP/1.1\r\nHost: vigil.lan\r\nConnection: close\r\n\r\n",
    );
    let _ = child.kill();
    let _ = child.wait();
    assert!(printed.contains("WARNING: --insecure-bind"), "{printed}");
    assert!(
        printed.contains("NO accounts and NO Host check"),
        "{printed}"
    );
    let lan = lan.unwrap();
    assert!(lan.starts_with("HTTP/1.1 200"), "{lan}");
}

#[tokio::test]
async fn a_much_copied_document_answers_a_page_of_its_copies_and_their_count() {
    // A publication forwarded by more sources than a page holds: the
    // answer grew with the store; now it holds MAX_LIMIT and the count.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("forwards.jsonl");
    let copies = vigil_server::MAX_LIMIT + 3;
    let lines: Vec<String> = (0..=copies)
        .map(|i| {
            serde_json::json!({
                "source": format!("channel {i}"),
                "published": "2019-10-14T08:00:00Z",
                "text": "A car bomb exploded near the market in Tal Abyad on Monday, killing four people.",
            })
            .to_string()
        })
        .collect();
    std::fs::write(&file, lines.join("\n")).unwrap();
    let data = dir.path().join("store");
    let out = vigil(&data, &["--quiet", "ingest", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let app = app_for(&data);
    let doc = get(&app, "/api/v1/documents/1").await;
    assert_eq!(doc["copies_total"], copies, "{}", doc["copies_total"]);
    assert_eq!(
        doc["copies"].as_array().unwrap().len(),
        vigil_server::MAX_LIMIT
    );
}

/// Sends a review action with headers of its own (an Idempotency-Key).
async fn send_with(app: &Router, uri: &str, headers: &[(&str, &str)], body: &str) -> Answer {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        json: serde_json::from_slice(&bytes).unwrap(),
    }
}

/// Issue 20: after a re-extraction and before `vigil link`, a confirm
/// answered 200 with `"incidents": []` and was lost; a retried confirm was
/// recorded twice; an incident without reports took a decision about
/// nothing.
#[tokio::test]
async fn decisions_taken_before_link_take_once_and_an_empty_incident_is_refused() {
    use vigil_model::{IncidentId, ReportId};
    let dir = demo_store();
    let path = dir.join("vigil.sqlite");
    let app = app_for(&dir);
    let all = walk(&app, "/api/v1/incidents?sort=id").await;
    let pick = |n: usize| {
        all.iter()
            .filter(|i| i["reports"].as_array().unwrap().len() == n)
            .map(|i| i["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    let (single, pair) = (pick(1), pick(2));
    let (a, b) = (single[0], pair[0]);

    // Re-extraction that changes the reports of both incidents, as a new
    // knowledge base would; no link after it.
    let mut store = vigil_store::open(&path).unwrap();
    let inc = store.incident(IncidentId(b)).unwrap().unwrap();
    let before: Vec<ReportId> = inc.reports.clone();
    for id in [a, b] {
        let inc = store.incident(IncidentId(id)).unwrap().unwrap();
        let doc = store.report(inc.reports[0]).unwrap().unwrap().document_id;
        let mut reports = store.reports(doc).unwrap();
        for r in &mut reports {
            r.attribution = Some("re-extracted".into());
        }
        let ids = store.replace_reports(doc, &reports).unwrap();
        assert_eq!(
            ids,
            reports.iter().map(|r| r.id).collect::<Vec<_>>(),
            "report ids survive re-extraction"
        );
    }
    let backlog = store.link_backlog().unwrap();
    assert!(backlog.dirty.contains(&IncidentId(b)), "{backlog:?}");
    assert_eq!(
        store.incident(IncidentId(b)).unwrap().unwrap().reports,
        before,
        "the incident keeps its reports until the next link"
    );

    // The confirm is anchored on the incident's reports and applied.
    let c = send(
        &app,
        &format!("/api/v1/incidents/{b}/confirm"),
        Some("Sara"),
        "{}",
    )
    .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.json);
    assert_eq!(c.json["incidents"], serde_json::json!([b]), "{}", c.json);
    assert_eq!(
        (c.json["repeated"].as_bool(), c.json["applied"].as_bool()),
        (Some(false), Some(true))
    );
    let shown = get(&app, &format!("/api/v1/incidents/{b}")).await;
    assert_eq!(shown["incident"]["status"], "confirmed", "{shown}");
    // The answer was lost and the request sent again: one decision.
    let decisions = store.decisions().unwrap().len();
    let again = send(
        &app,
        &format!("/api/v1/incidents/{b}/confirm"),
        Some("Sara"),
        "{}",
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.json);
    assert_eq!(again.json["decision"], c.json["decision"]);
    assert_eq!(again.json["repeated"], true);
    assert_eq!(store.decisions().unwrap().len(), decisions);
    // Another analyst's confirm is a decision of its own.
    let other = send(
        &app,
        &format!("/api/v1/incidents/{b}/confirm"),
        Some("Omar"),
        "{}",
    )
    .await;
    assert_eq!(other.json["repeated"], false, "{}", other.json);
    assert_eq!(store.decisions().unwrap().len(), decisions + 1);
    // A full relink keeps the decision.
    vigil_analyze::relink::relink(
        &mut *store,
        &vigil_analyze::relink::RelinkOptions {
            full: true,
            ..Default::default()
        },
        &mut |_, _| {},
    )
    .unwrap();
    let shown = get(&app, &format!("/api/v1/incidents/{b}")).await;
    assert_eq!(shown["incident"]["status"], "confirmed", "{shown}");

    // An Idempotency-Key: the same key returns the decisions recorded
    // under it; sent with another request, it is refused.
    let uri = format!("/api/v1/incidents/{a}/edit");
    let body =
        r#"{"changes": [{"field": "killed", "value": 4}, {"field": "injured", "value": 2}]}"#;
    let keyed = [
        ("X-Vigil-Analyst", "Sara"),
        ("Idempotency-Key", "3f2a-edit-1"),
    ];
    let e1 = send_with(&app, &uri, &keyed, body).await;
    assert_eq!(e1.status, StatusCode::OK, "{}", e1.json);
    let e2 = send_with(&app, &uri, &keyed, body).await;
    assert_eq!(e2.status, StatusCode::OK, "{}", e2.json);
    assert_eq!(e2.json[0]["decision"], e1.json[0]["decision"]);
    assert_eq!(e2.json[1]["decision"], e1.json[1]["decision"]);
    assert_eq!(e2.json[1]["repeated"], true);
    let reused = send_with(
        &app,
        &format!("/api/v1/incidents/{a}/dispute"),
        &keyed,
        "{}",
    )
    .await;
    assert_eq!(reused.status, StatusCode::CONFLICT, "{}", reused.json);
    assert!(
        reused.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Idempotency-Key"),
        "{}",
        reused.json
    );
    let bad = send_with(
        &app,
        &uri,
        &[("X-Vigil-Analyst", "Sara"), ("Idempotency-Key", "a key")],
        body,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.json);

    // An incident whose reports re-extraction removed holds none until the
    // next link: a decision about it is refused, saying to link.
    let inc = store.incident(IncidentId(a)).unwrap().unwrap();
    let doc = store.report(inc.reports[0]).unwrap().unwrap().document_id;
    store.replace_reports(doc, &[]).unwrap();
    let decisions = store.decisions().unwrap().len();
    for action in ["confirm", "dispute"] {
        let r = send(
            &app,
            &format!("/api/v1/incidents/{a}/{action}"),
            Some("Sara"),
            "{}",
        )
        .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.json);
        assert!(
            r.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("vigil link"),
            "{}",
            r.json
        );
    }
    assert_eq!(
        store.decisions().unwrap().len(),
        decisions,
        "nothing recorded"
    );
}
