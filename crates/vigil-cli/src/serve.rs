//! `vigil serve`: the JSON API over the store.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::ServeArgs;
use crate::commands::{open_existing, store_path};

pub fn run(dir: &Path, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    // A missing store is an error that says how to make one.
    drop(open_existing(dir)?);
    let path = store_path(dir);
    let narratives = crate::narratives::load(args.narratives.as_deref())?;
    let state = vigil_server::AppState::open(&path)
        .with_context(|| format!("opening the store at {}", path.display()))?
        .with_narratives(narratives);
    let addr = SocketAddr::new(args.bind, args.port);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async {
        let listener = vigil_server::bind(addr).await?;
        let local = listener.local_addr().unwrap_or(addr);
        eprintln!(
            "Vigil API on http://{local}/ (store {}); Ctrl-C stops it",
            path.display()
        );
        vigil_server::serve(listener, state)
            .await
            .context("serving the API")
    })?;
    Ok(ExitCode::SUCCESS)
}
