//! `vigil serve`: the JSON API over the store.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::cli::ServeArgs;
use crate::commands::{open_existing, store_path};

pub fn run(dir: &Path, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    // Checked before anything is opened: the refusal is the whole answer.
    if !args.bind.is_loopback() && !args.insecure_bind {
        anyhow::bail!(
            "refusing to listen on {}: it is not a loopback address, and the server has no \
             accounts yet (team mode will bring them), so anyone who reaches the port could read \
             the store and take review actions. Keep the default --bind 127.0.0.1 (reach it from \
             elsewhere through an SSH tunnel), or pass --insecure-bind if the network is yours \
             alone",
            args.bind
        );
    }
    // A missing store is an error that says how to make one.
    drop(open_existing(dir)?);
    let path = store_path(dir);
    let narratives = vigil_app::narratives::load(args.narratives.as_deref())?;
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
        let exposure = if args.insecure_bind {
            eprintln!(
                "WARNING: --insecure-bind: serving {local} with NO accounts and NO Host check. \
                 Anyone who can reach this port, and any web page that any of them opens, can \
                 read the whole store and confirm, dispute, merge, split and edit incidents. \
                 Use it only on a network that is yours alone, or behind a proxy that checks who \
                 connects."
            );
            vigil_server::Exposure::AnyHost
        } else {
            vigil_server::Exposure::Loopback { bound: Some(local) }
        };
        let state = state.with_exposure(exposure);
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
