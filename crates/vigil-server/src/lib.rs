//! Vigil's HTTP API: a read-only JSON view of the store under `/api/v1`,
//! described by an OpenAPI 3 document at `/api/openapi.json`.
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

mod api;
mod error;
mod params;
mod pool;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::http::{header, HeaderValue};
use axum::routing::get;
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;
use utoipa::OpenApi;

pub use error::{ApiError, ErrorBody, ErrorDetail};
pub use params::{DEFAULT_LIMIT, MAX_LIMIT};
pub use pool::Pool;

/// Connections to the store kept for requests at most.
pub const POOL_SIZE: usize = 8;

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    pool: Arc<Pool>,
}

impl AppState {
    /// Opens the store file (creating and migrating it if needed).
    pub fn open(path: &Path) -> Result<AppState, vigil_store::StoreError> {
        Ok(AppState {
            pool: Arc::new(Pool::open(path, POOL_SIZE)?),
        })
    }
}

/// Every path the router serves, with what it answers (the index at `/`
/// lists them; a test checks that the OpenAPI document has each).
pub const ROUTES: &[(&str, &str)] = &[
    ("/", "this index"),
    ("/api/openapi.json", "the OpenAPI 3 description"),
    ("/api/v1/sources", "sources with their counts"),
    ("/api/v1/sources/{id}", "one source"),
    ("/api/v1/documents", "documents: filters source, kind, lang, from, to, q; sort; paging"),
    ("/api/v1/documents/{id}", "one document with its text, copies and reports"),
    ("/api/v1/search", "full-text search with passages and highlight offsets"),
    ("/api/v1/reports", "event reports: filters from, to, event_type, sub_event_type, claim_status, source, lang, actor, bbox; sort; paging"),
    ("/api/v1/reports/{id}", "one event report with its evidence quoted"),
    ("/api/v1/stats", "counts over the store"),
];

/// The application: routes, JSON fallbacks and security headers.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/", get(api::index))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/v1/sources", get(api::list_sources))
        .route("/api/v1/sources/{id}", get(api::get_source))
        .route("/api/v1/documents", get(api::list_documents))
        .route("/api/v1/documents/{id}", get(api::get_document))
        .route("/api/v1/search", get(api::search))
        .route("/api/v1/reports", get(api::list_reports))
        .route("/api/v1/reports/{id}", get(api::get_report))
        .route("/api/v1/stats", get(api::stats));
    routes
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(state)
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'"),
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
        description = "A read-only JSON view of a Vigil store: sources, documents, full-text search, event reports and counts. Lists are {items, next_cursor}; pass next_cursor back as cursor. Errors are {\"error\": {\"status\", \"message\"}}."
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
    ),
    components(schemas(ErrorBody, ErrorDetail))
)]
struct ApiDoc;

/// The OpenAPI 3 document of this API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc
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

/// Serves the application on `listener` until Ctrl-C.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
