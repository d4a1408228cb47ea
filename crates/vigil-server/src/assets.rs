//! The dashboard: static files compiled into the binary, so that one
//! executable serves everything and nothing is fetched from elsewhere.
//!
//! Each file is listed here with `include_bytes!` (which makes cargo rebuild
//! when it changes); a test checks that the table and `assets/` agree.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::ApiError;

macro_rules! assets {
    ($($path:literal),* $(,)?) => {
        /// Every file of the dashboard: its path under `assets/` and its bytes.
        pub const ASSETS: &[(&str, &[u8])] = &[
            $(($path, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/", $path)))),*
        ];
    };
}

assets!(
    "index.html",
    "app.css",
    "favicon.svg",
    "js/api.js",
    "js/app.js",
    "js/chart.js",
    "js/dom.js",
    "js/filters.js",
    "js/map.js",
    "js/pages/alerts.js",
    "js/pages/documents.js",
    "js/pages/incidents.js",
    "js/pages/narratives.js",
    "js/pages/overview.js",
    "js/pages/reports.js",
    "js/pages/sites.js",
    "js/pages/sources.js",
    "basemap/basemap.json",
    "basemap/ATTRIBUTION.md",
    "basemap/world-atlas.LICENSE",
    "vendor/VENDORED.md",
    "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css",
    "vendor/leaflet/LICENSE",
    "vendor/leaflet/images/layers.png",
    "vendor/leaflet/images/layers-2x.png",
    "vendor/leaflet/images/marker-icon.png",
    "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "vendor/leaflet.markercluster/MarkerCluster.css",
    "vendor/leaflet.markercluster/MarkerCluster.Default.css",
    "vendor/leaflet.markercluster/LICENSE",
);

/// The media type of a file, by its extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        _ => "text/plain; charset=utf-8",
    }
}

/// A file of the dashboard, if there is one at `path`.
pub fn asset(path: &str) -> Option<&'static [u8]> {
    ASSETS.iter().find(|(p, _)| *p == path).map(|(_, b)| *b)
}

fn answer(path: &str) -> Response {
    match asset(path) {
        Some(bytes) => (
            StatusCode::OK,
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(content_type(path)),
                ),
                // Revalidate each time: the files change with the binary, and
                // a stale app.js against a newer API is worse than a request.
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            bytes,
        )
            .into_response(),
        None => ApiError::not_found(format!("no dashboard file {path:?}; the dashboard is at /"))
            .into_response(),
    }
}

/// `/`: the dashboard's page (its routes are in the fragment: `#/reports`).
pub async fn dashboard() -> Response {
    answer("index.html")
}

/// `/assets/{path}`: the dashboard's scripts, styles, basemap and libraries.
pub async fn file(Path(path): Path<String>) -> Response {
    answer(&path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &std::path::Path, root: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, root, out);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.push(rel.replace('\\', "/"));
            }
        }
    }

    #[test]
    fn the_table_lists_every_file_under_assets() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
        let mut on_disk = Vec::new();
        files(&root, &root, &mut on_disk);
        on_disk.sort();
        let mut listed: Vec<String> = ASSETS.iter().map(|(p, _)| p.to_string()).collect();
        listed.sort();
        assert_eq!(listed, on_disk, "assets/ and the ASSETS table differ");
    }

    #[test]
    fn every_file_has_a_known_type() {
        for (p, _) in ASSETS {
            let t = content_type(p);
            let name = p.rsplit('/').next().unwrap();
            if !name.ends_with(".md") && !name.ends_with("LICENSE") {
                assert_ne!(t, "text/plain; charset=utf-8", "{p}");
            }
        }
    }
}
