//! Vigil's HTTP API and dashboard: a JSON view of the store under
//! `/api/v1`, described by an OpenAPI 3 document at `/api/openapi.json`,
//! and at `/` the analyst's dashboard, whose files are compiled in
//! (`assets/`, see `DESIGN.md`).
//!
//! [`router`] builds the whole application without a socket, so that tests
//! call it in memory; [`serve`] runs it on a listener.
//!
//! ```
//! # let dir = tempfile::tempdir().unwrap();
//! let state = vigil_server::AppState::open(&dir.path().join("vigil.sqlite")).unwrap();
//! let app = vigil_server::router(state);
//! # drop(app);
//! ```
//!
//! Every answer is JSON. Lists share one envelope, `{"items": [...],
//! "next_cursor": "..."}`: pass `next_cursor` back as `cursor` for the next
//! page, which never repeats or skips an item. Errors are
//! `{"error": {"status": 400, "message": "..."}}`, and a message says what
//! to change.

mod alerts;
mod api;
pub mod assets;
mod error;
mod guard;
mod incidents;
mod narratives;
mod params;
mod pool;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::http::{header, HeaderName, HeaderValue};
use axum::routing::{get, post};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;

pub use error::{ApiError, ErrorBody, ErrorDetail};
pub use guard::{
    Exposure, EXPENSIVE_IN_FLIGHT, EXPENSIVE_WAITING, MAX_BODY_BYTES, RETRY_AFTER_SECS,
};
pub use incidents::MAX_SERIES;
// `Cursor` is public (its `decode` reads a client's `cursor=` parameter)
// so that the fuzz target and its corpus replay reach the decoder itself.
pub use params::{Cursor, DEFAULT_LIMIT, MAX_LIMIT, MAX_WEEKS};
pub use pool::Pool;

/// Connections to the store kept for requests at most.
pub const POOL_SIZE: usize = 8;

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    pool: Arc<Pool>,
    /// The narratives file's narratives: names, descriptions and their
    /// order for `/api/v1/narratives` (without it, the store's keys).
    narratives: Option<Arc<vigil_analyze::narratives::NarrativeSet>>,
    /// Which `Host` names are answered (loopback only by default).
    exposure: Exposure,
    /// The places for tallies, surge tests and searches.
    expensive: Arc<guard::Expensive>,
}

impl AppState {
    /// Opens the store file (creating and migrating it if needed).
    pub fn open(path: &Path) -> Result<AppState, vigil_store::StoreError> {
        Ok(AppState {
            pool: Arc::new(Pool::open(path, POOL_SIZE)?),
            narratives: None,
            exposure: Exposure::default(),
            expensive: Arc::default(),
        })
    }

    /// Says who the server answers: `vigil serve` passes the address it
    /// bound (loopback: only its names, with its port) or
    /// [`Exposure::AnyHost`] under `--insecure-bind`. Without it, as in
    /// tests that call [`router`] in memory, loopback names with any port
    /// are answered, and a request must still name one in `Host`.
    pub fn with_exposure(mut self, exposure: Exposure) -> AppState {
        self.exposure = exposure;
        self
    }

    /// Who the server answers.
    pub fn exposure(&self) -> Exposure {
        self.exposure
    }

    /// Names the narratives the store was tagged with (the file `vigil
    /// narratives tag` read), for their display names, descriptions and
    /// order; without it `/api/v1/narratives` lists the keys in the store.
    pub fn with_narratives(mut self, set: vigil_analyze::narratives::NarrativeSet) -> AppState {
        self.narratives = Some(Arc::new(set));
        self
    }
}

/// Every API path the router serves, with what it answers (the index at
/// `/api/v1` lists them; a test checks that the OpenAPI document has each).
/// Besides these, `/` is the dashboard and `/assets/...` its files.
pub const ROUTES: &[(&str, &str)] = &[
    ("/api/v1", "this index"),
    ("/api/openapi.json", "the OpenAPI 3 description"),
    ("/api/v1/sources", "sources with their counts"),
    ("/api/v1/sources/{id}", "one source"),
    ("/api/v1/documents", "documents: filters source, kind, lang, from, to, q; sort; paging"),
    ("/api/v1/documents/{id}", "one document with its text, copies and reports"),
    ("/api/v1/search", "full-text search with passages and highlight offsets"),
    ("/api/v1/reports", "event reports: filters from, to, event_type, sub_event_type, claim_status, source, lang, actor, bbox; sort; paging"),
    ("/api/v1/reports/{id}", "one event report with its evidence quoted"),
    ("/api/v1/stats", "counts over the store"),
    ("/api/v1/incidents", "incidents: filters from, to, status, bbox and one value per dimension (perpetrator, target, event_type, province, site, …); sort; paging"),
    ("/api/v1/incidents/{id}", "one incident with every report side by side, its evidence quoted"),
    ("/api/v1/incidents/{id}/confirm", "POST: confirm the incident (X-Vigil-Analyst names who)"),
    ("/api/v1/incidents/{id}/dispute", "POST: dispute the incident"),
    ("/api/v1/incidents/{id}/merge", "POST {\"with\": [ids]}: these incidents tell one event"),
    ("/api/v1/incidents/{id}/split", "POST {\"reports\": [ids]}: these reports tell an event of their own"),
    ("/api/v1/incidents/{id}/edit", "POST {\"changes\": [{\"field\", \"value\"}]}: override estimates"),
    ("/api/v1/tally", "weekly counts (incidents, claims, fatalities), split by a dimension, each week with its baseline and surge verdict"),
    ("/api/v1/surges", "surge tests of one week for each series"),
    ("/api/v1/sites", "watched sites with their incidents"),
    ("/api/v1/alerts", "the alert feed, newest first: filters unacked, rule, kind, from, to; paging"),
    ("/api/v1/alerts/{id}", "one alert with its deliveries, their attempts, and the incidents and documents behind it"),
    ("/api/v1/alerts/{id}/ack", "POST: acknowledge the alert (X-Vigil-Analyst names who); idempotent"),
    ("/api/v1/narratives", "each narrative's weekly share per source kind with the rising verdict: week_start, from, to"),
    ("/api/v1/narratives/{key}/documents", "documents tagged with a narrative, with the matched terms and offsets; from, to; paging"),
];

/// The application: routes, JSON fallbacks and security headers.
pub fn router(state: AppState) -> Router {
    let expensive = || axum::middleware::from_fn_with_state(state.clone(), guard::limit_expensive);
    let routes = Router::new()
        .route("/", get(assets::dashboard))
        .route("/assets/{*path}", get(assets::file))
        .route("/api/v1", get(api::index))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/v1/sources", get(api::list_sources))
        .route("/api/v1/sources/{id}", get(api::get_source))
        .route("/api/v1/documents", get(api::list_documents))
        .route("/api/v1/documents/{id}", get(api::get_document))
        .route("/api/v1/search", get(api::search).layer(expensive()))
        .route("/api/v1/reports", get(api::list_reports))
        .route("/api/v1/reports/{id}", get(api::get_report))
        .route("/api/v1/stats", get(api::stats))
        .route("/api/v1/incidents", get(incidents::list_incidents))
        .route("/api/v1/incidents/{id}", get(incidents::get_incident))
        .route("/api/v1/incidents/{id}/confirm", post(incidents::confirm))
        .route("/api/v1/incidents/{id}/dispute", post(incidents::dispute))
        .route("/api/v1/incidents/{id}/merge", post(incidents::merge))
        .route("/api/v1/incidents/{id}/split", post(incidents::split))
        .route("/api/v1/incidents/{id}/edit", post(incidents::edit))
        .route(
            "/api/v1/tally",
            get(incidents::get_tally).layer(expensive()),
        )
        .route(
            "/api/v1/surges",
            get(incidents::get_surges).layer(expensive()),
        )
        .route("/api/v1/sites", get(incidents::list_sites))
        .route("/api/v1/alerts", get(alerts::list_alerts))
        .route("/api/v1/alerts/{id}", get(alerts::get_alert))
        .route("/api/v1/alerts/{id}/ack", post(alerts::ack))
        .route(
            "/api/v1/narratives",
            get(narratives::list_narratives).layer(expensive()),
        )
        .route(
            "/api/v1/narratives/{key}/documents",
            get(narratives::narrative_documents),
        );
    routes
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(state.clone())
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(guard::json_errors))
        .layer(axum::middleware::from_fn_with_state(
            state,
            guard::check_host_and_origin,
        ))
        // The dashboard loads only its own files: no inline script or
        // style (Leaflet styles through the CSSOM, which CSP allows), and
        // no page may frame it (clickjacking a review button).
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            HeaderName::from_static("cross-origin-resource-policy"),
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Vigil API",
        description = "Served on loopback for one analyst, without accounts: a request must name localhost, 127.0.0.1 or [::1] in Host (421 otherwise), and a POST that sends an Origin must send the server's own (403 otherwise). Tallies, surge tests, searches and narratives tables run at most 2 at a time with 6 waiting (429 with Retry-After beyond); a tally spans at most 520 weeks. A JSON view of a Vigil store: sources, documents, full-text search, event reports, incidents, weekly tallies with surge tests, sites and counts, the alert feed with its deliveries, narratives' weekly shares and their tagged documents; and the analyst's actions (POST, with the analyst named in the X-Vigil-Analyst header): review of incidents, acknowledgment of alerts. Lists are {items, next_cursor}; pass next_cursor back as cursor. Errors are {\"error\": {\"status\", \"message\"}}."
    ),
    paths(
        api::index,
        api::openapi,
        api::list_sources,
        api::get_source,
        api::list_documents,
        api::get_document,
        api::search,
        api::list_reports,
        api::get_report,
        api::stats,
        incidents::list_incidents,
        incidents::get_incident,
        incidents::confirm,
        incidents::dispute,
        incidents::merge,
        incidents::split,
        incidents::edit,
        incidents::get_tally,
        incidents::get_surges,
        incidents::list_sites,
        alerts::list_alerts,
        alerts::get_alert,
        alerts::ack,
        narratives::list_narratives,
        narratives::narrative_documents,
    ),
    components(schemas(ErrorBody, ErrorDetail))
)]
struct ApiDoc;

/// The OpenAPI 3 document of this API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    tighten(&mut doc);
    doc
}

/// States in the description the constraints that `params.rs` and the
/// handlers enforce (the parameter structs hold text, to answer a bad value
/// with a message of our own), so that a request the description allows
/// is one the server accepts: ids from 1, `limit` from 1 to [`MAX_LIMIT`],
/// days as `YYYY-MM-DD`, `baseline_weeks` from 1 to 52, the vocabularies
/// (`measure`, `by`, `week_start`, `sort`, event types, statuses, kinds) as
/// enums or comma-separated lists of them, no empty value (leave a
/// parameter out instead), `q` required by search, an analyst's name that
/// is not blank, at least one item in a merge, split or edit.
fn tighten(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::schema::{ArrayItems, KnownFormat, ObjectBuilder, SchemaFormat, Type};
    use utoipa::openapi::{Array, RefOr, Required, Schema};
    use vigil_model::{
        AttackMode, ClaimStatus, Dimension, EventType, IncidentStatus, Measure, SourceKind,
        SubEventType, WeekStart,
    };
    let integer = |min: i64, max: i64| {
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
            .minimum(Some(min))
            .maximum(Some(max))
    };
    let one_of = |names: Vec<String>| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(names))
    };
    // Comma-separated values of a vocabulary: `a`, `a,b`.
    let list_of = |names: Vec<String>| {
        let alt = names.join("|");
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(format!("^({alt})(,({alt}))*$")))
    };
    fn names<T: Copy + std::fmt::Display>(all: &[T]) -> Vec<String> {
        all.iter().map(|v| v.to_string()).collect()
    }
    let sorts = |keys: &[&str]| {
        one_of(
            keys.iter()
                .flat_map(|k| [k.to_string(), format!("-{k}")])
                .collect(),
        )
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let lists = matches!(
            path.as_str(),
            "/api/v1/reports" | "/api/v1/documents" | "/api/v1/search"
        );
        for op in [&mut item.get, &mut item.post].into_iter().flatten() {
            for p in op.parameters.iter_mut().flatten() {
                let schema = match (&p.parameter_in, p.name.as_str()) {
                    (ParameterIn::Path, "id") => integer(1, i64::MAX),
                    (ParameterIn::Query, "limit") => integer(1, MAX_LIMIT as i64),
                    (ParameterIn::Query, "baseline_weeks") => integer(1, 52),
                    (ParameterIn::Query, "from" | "to" | "week") => ObjectBuilder::new()
                        .schema_type(Type::String)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
                    (ParameterIn::Query, "measure") => one_of(names(Measure::ALL)),
                    (ParameterIn::Query, "by") => one_of(names(Dimension::ALL)),
                    (ParameterIn::Query, "week_start") => one_of(names(WeekStart::ALL)),
                    (ParameterIn::Query, "sort") => match path.as_str() {
                        "/api/v1/documents" => sorts(&["published", "id"]),
                        "/api/v1/reports" => sorts(&["date", "id"]),
                        "/api/v1/incidents" => sorts(&["date", "killed", "id"]),
                        _ => continue,
                    },
                    (ParameterIn::Query, "event_type") if lists => list_of(names(EventType::ALL)),
                    (ParameterIn::Query, "event_type") => one_of(names(EventType::ALL)),
                    (ParameterIn::Query, "sub_event_type") if lists => {
                        list_of(names(SubEventType::ALL))
                    }
                    (ParameterIn::Query, "sub_event_type") => one_of(names(SubEventType::ALL)),
                    (ParameterIn::Query, "attack_mode") => one_of(names(AttackMode::ALL)),
                    (ParameterIn::Query, "claim_status") => list_of(names(ClaimStatus::ALL)),
                    (ParameterIn::Query, "kind") if lists => list_of(names(SourceKind::ALL)),
                    (ParameterIn::Query, "source_kind") => one_of(names(SourceKind::ALL)),
                    (ParameterIn::Query, "status") if path == "/api/v1/incidents" => {
                        list_of(names(IncidentStatus::ALL))
                    }
                    (ParameterIn::Query, "status") => one_of(names(IncidentStatus::ALL)),
                    (ParameterIn::Query, "q") if path == "/api/v1/search" => {
                        p.required = Required::True;
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .pattern(Some(r"\S"))
                    }
                    // Free text where an empty value means "any" (the
                    // dimension filters, a document listing's `q`).
                    (ParameterIn::Query, "perpetrator" | "target" | "province" | "site") => {
                        ObjectBuilder::new().schema_type(Type::String)
                    }
                    (ParameterIn::Query, "q") => ObjectBuilder::new().schema_type(Type::String),
                    // Any other value is text: given, it is not empty.
                    (ParameterIn::Query, _) => ObjectBuilder::new()
                        .schema_type(Type::String)
                        .min_length(Some(1)),
                    (ParameterIn::Header, name)
                        if name.eq_ignore_ascii_case(incidents::ANALYST_HEADER) =>
                    {
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .min_length(Some(1))
                            .max_length(Some(100))
                            .pattern(Some(
                                r"^[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f][^\x00-\x1f\x7f]*$",
                            ))
                    }
                    _ => continue,
                };
                p.schema = Some(RefOr::T(Schema::Object(schema.build())));
            }
            // The answers every operation may give before its handler runs.
            let error = |why: &str| {
                utoipa::openapi::ResponseBuilder::new()
                    .description(why)
                    .content(
                        "application/json",
                        utoipa::openapi::Content::new(Some(
                            utoipa::openapi::Ref::from_schema_name("ErrorBody"),
                        )),
                    )
                    .build()
            };
            let answers = &mut op.responses.responses;
            answers.insert(
                "421".into(),
                RefOr::T(error(
                    "Host is not a loopback name (localhost, 127.0.0.1, [::1]) with the bound port",
                )),
            );
            if matches!(
                path.as_str(),
                "/api/v1/tally" | "/api/v1/surges" | "/api/v1/search" | "/api/v1/narratives"
            ) {
                answers.insert(
                    "429".into(),
                    RefOr::T(error(
                        "Too many tallies, surge tests, searches and narratives tables at once; retry after Retry-After seconds",
                    )),
                );
            }
            if path.contains("/incidents/{id}/") || path.ends_with("/ack") {
                answers.insert(
                    "403".into(),
                    RefOr::T(error(
                        "Origin is another site than the Host the request names",
                    )),
                );
                answers.insert(
                    "413".into(),
                    RefOr::T(error("The body is larger than 1 MiB")),
                );
            }
            // An empty body will do for a verdict (confirm, dispute, ack).
            if path.ends_with("/confirm") || path.ends_with("/dispute") {
                if let Some(body) = op.request_body.as_mut() {
                    body.required = Some(Required::False);
                }
            }
        }
    }
    // A merge, split or edit names at least one thing.
    if let Some(components) = doc.components.as_mut() {
        for (schema, field) in [
            ("MergeBody", "with"),
            ("SplitBody", "reports"),
            ("EditBody", "changes"),
        ] {
            if let Some(RefOr::T(Schema::Object(o))) = components.schemas.get_mut(schema) {
                if let Some(RefOr::T(Schema::Array(a))) = o.properties.get_mut(field) {
                    let a: &mut Array = a;
                    a.min_items = Some(1);
                    if field != "changes" {
                        // Ids, from 1.
                        a.items = ArrayItems::RefOrSchema(Box::new(
                            Schema::Object(integer(1, i64::MAX).build()).into(),
                        ));
                    }
                }
            }
        }
    }
}

/// Binds `addr`. A port already in use is an error that says so.
pub async fn bind(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            std::io::Error::new(
                e.kind(),
                format!("{addr} is already in use (is another `vigil serve` running?); pick another with --port or --bind"),
            )
        } else {
            std::io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}"))
        }
    })
}

/// Serves the application on `listener` until Ctrl-C or SIGTERM, then
/// finishes the requests in flight and returns.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

/// Resolves on Ctrl-C (SIGINT) or, on Unix, SIGTERM (what `kill`, systemd
/// and container runtimes send).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; Ctrl-C still stops the server");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}
